/*
 * peers.c - the stores a user would pick instead of a hand-made mapped heap,
 * on the grow scenario's items, through their C libraries (no JavaScript in
 * any row): store every item, read every item back and compare it byte for
 * byte, as the scenario does.
 *
 *   peers <items> lmdb|sqlite|pwrite <dir>      (prints one JSON line)
 *
 * Items: item i = (i % 2000) UTF-16LE 'a' characters and a two-byte
 * terminator, 2 * (i % 2000 + 1) bytes (the scenario's MakeString).
 *
 *   lmdb    one write transaction, MDB_NOSYNC | MDB_WRITEMAP, integer keys
 *           (MDB_INTEGERKEY, native size_t), MDB_APPEND; the map size set
 *           up front (LMDB cannot grow a live map); read back in a read txn
 *   sqlite  journal_mode=OFF, synchronous=OFF, one transaction, a prepared
 *           INSERT of (integer primary key, blob); read back with a prepared
 *           SELECT by key
 *   pwrite  the no-mapping floor: the items packed as the bump allocator
 *           packs them (4-byte rounding) into an 8 MiB buffer written with
 *           pwrite into one file (posix_fallocate'd first, as the library's
 *           disk mode backs its file), then pread back in 8 MiB reads
 *
 * Nothing is synced (neither is the library's disk mode); the files are
 * removed at the end. Time: store + read back, from the first library call
 * (environment/database open included) to the last compare. Bytes on disk:
 * st_blocks of the store's files after the store phase.
 *
 * Built by bench/sweep.mjs: cc -O2 bench/peers.c -llmdb -lsqlite3
 * (Debian: liblmdb-dev libsqlite3-dev; the bench installs them when missing,
 * npm test never needs them). -DNO_LMDB / -DNO_SQLITE leave a peer out.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if !defined(NO_LMDB)
#  include <lmdb.h>
#endif
#if !defined(NO_SQLITE)
#  include <sqlite3.h>
#endif

#define NMAX 2000

static uint8_t pattern[2 * (NMAX + 1) + 4];
static int last_nul = -1;

static const uint8_t *make_string(uint32_t len) {
    if (last_nul >= 0) pattern[2 * last_nul] = 'a';
    pattern[2 * len] = 0;
    last_nul = (int)len;
    return pattern;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t blocks_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_blocks * 512u : 0;
}

static void die(const char *what, const char *why) {
    fprintf(stderr, "peers: %s: %s\n", what, why);
    exit(1);
}

static uint64_t payload_bytes(uint64_t n) {
    uint64_t b = 0;
    for (uint64_t i = 0; i < n; i++) b += 2 * (i % NMAX + 1);
    return b;
}

/* what the scenario reports as stored (bytesAllocated): each item rounded
   up to 4 bytes, as the heap rounds it */
static uint64_t stored_bytes(uint64_t n) {
    uint64_t b = 0;
    for (uint64_t i = 0; i < n; i++) b += (2 * (i % NMAX + 1) + 3) & ~3ull;
    return b;
}

#if !defined(NO_LMDB)
static uint64_t run_lmdb(uint64_t n, const char *dir, uint64_t *bad, char *file, size_t flen) {
    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *txn;
    int rc;
    /* the map must hold the data, its B+tree pages and overflow pages: items
       over a page take whole overflow pages */
    uint64_t mapsize = payload_bytes(n) * 2 + ((uint64_t)1 << 30);
    snprintf(file, flen, "%s/lmdb.mdb", dir);
    if ((rc = mdb_env_create(&env))) die("mdb_env_create", mdb_strerror(rc));
    if ((rc = mdb_env_set_mapsize(env, (size_t)mapsize))) die("mdb_env_set_mapsize", mdb_strerror(rc));
    if ((rc = mdb_env_open(env, file, MDB_NOSUBDIR | MDB_NOSYNC | MDB_WRITEMAP | MDB_NOLOCK, 0600)))
        die("mdb_env_open", mdb_strerror(rc));
    if ((rc = mdb_txn_begin(env, NULL, 0, &txn))) die("mdb_txn_begin", mdb_strerror(rc));
    if ((rc = mdb_dbi_open(txn, NULL, MDB_INTEGERKEY, &dbi))) die("mdb_dbi_open", mdb_strerror(rc));
    for (uint64_t i = 0; i < n; i++) {
        size_t k = (size_t)i;
        uint32_t len = (uint32_t)(i % NMAX);
        MDB_val key = {sizeof k, &k}, val = {2 * (len + 1), (void *)make_string(len)};
        if ((rc = mdb_put(txn, dbi, &key, &val, MDB_APPEND))) die("mdb_put", mdb_strerror(rc));
    }
    if ((rc = mdb_txn_commit(txn))) die("mdb_txn_commit", mdb_strerror(rc));
    uint64_t disk = blocks_of(file);
    if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))) die("mdb_txn_begin", mdb_strerror(rc));
    for (uint64_t i = 0; i < n; i++) {
        size_t k = (size_t)i;
        uint32_t len = (uint32_t)(i % NMAX);
        MDB_val key = {sizeof k, &k}, val;
        if ((rc = mdb_get(txn, dbi, &key, &val))) die("mdb_get", mdb_strerror(rc));
        if (val.mv_size != 2 * (len + 1) || memcmp(val.mv_data, make_string(len), val.mv_size) != 0) (*bad)++;
    }
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return disk;
}
#endif

#if !defined(NO_SQLITE)
static void sq_exec(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) die(sql, msg ? msg : "?");
}

static uint64_t run_sqlite(uint64_t n, const char *dir, uint64_t *bad, char *file, size_t flen) {
    sqlite3 *db;
    sqlite3_stmt *ins, *sel;
    snprintf(file, flen, "%s/sqlite.db", dir);
    if (sqlite3_open(file, &db) != SQLITE_OK) die("sqlite3_open", sqlite3_errmsg(db));
    sq_exec(db, "PRAGMA journal_mode=OFF");
    sq_exec(db, "PRAGMA synchronous=OFF");
    sq_exec(db, "CREATE TABLE items (k INTEGER PRIMARY KEY, v BLOB)");
    sq_exec(db, "BEGIN");
    if (sqlite3_prepare_v2(db, "INSERT INTO items VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK)
        die("prepare insert", sqlite3_errmsg(db));
    for (uint64_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)(i % NMAX);
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)i);
        sqlite3_bind_blob(ins, 2, make_string(len), (int)(2 * (len + 1)), SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) die("insert", sqlite3_errmsg(db));
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sq_exec(db, "COMMIT");
    uint64_t disk = blocks_of(file);
    if (sqlite3_prepare_v2(db, "SELECT v FROM items WHERE k = ?", -1, &sel, NULL) != SQLITE_OK)
        die("prepare select", sqlite3_errmsg(db));
    for (uint64_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)(i % NMAX);
        sqlite3_bind_int64(sel, 1, (sqlite3_int64)i);
        if (sqlite3_step(sel) != SQLITE_ROW) die("select", sqlite3_errmsg(db));
        const void *v = sqlite3_column_blob(sel, 0);
        int vn = sqlite3_column_bytes(sel, 0);
        if ((uint32_t)vn != 2 * (len + 1) || memcmp(v, make_string(len), (size_t)vn) != 0) (*bad)++;
        sqlite3_reset(sel);
    }
    sqlite3_finalize(sel);
    sqlite3_close(db);
    return disk;
}
#endif

#define BUF ((size_t)8 << 20)

static uint64_t run_pwrite(uint64_t n, const char *dir, uint64_t *bad, char *file, size_t flen) {
    snprintf(file, flen, "%s/pwrite.bin", dir);
    int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) die("open", strerror(errno));
    uint64_t total = 0;
    for (uint64_t i = 0; i < n; i++) total += (2 * (i % NMAX + 1) + 3) & ~3ull;
    int e = total ? posix_fallocate(fd, 0, (off_t)total) : 0;
    if (e) die("posix_fallocate", strerror(e));
    uint8_t *buf = malloc(BUF + 2 * (NMAX + 1) + 4);
    if (!buf) die("malloc", "out of memory");
    size_t fill = 0;
    uint64_t off = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)(i % NMAX), size = 2 * (len + 1);
        memcpy(buf + fill, make_string(len), size);
        fill += (size + 3) & ~3u;
        if (fill >= BUF || i + 1 == n) {
            for (size_t w = 0; w < fill;) {
                ssize_t k = pwrite(fd, buf + w, fill - w, (off_t)(off + w));
                if (k <= 0) die("pwrite", strerror(errno));
                w += (size_t)k;
            }
            off += fill;
            fill = 0;
        }
    }
    uint64_t disk = blocks_of(file);
    /* read back in 8 MiB reads; an item may straddle two reads */
    size_t have = 0, pos = 0;
    off = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)(i % NMAX), size = 2 * (len + 1), step = (size + 3) & ~3u;
        if (pos + step > have) {
            memmove(buf, buf + pos, have - pos);
            have -= pos;
            pos = 0;
            while (have < step) {
                size_t want = BUF - have;
                if (want > total - off) want = (size_t)(total - off);
                ssize_t k = pread(fd, buf + have, want, (off_t)off);
                if (k <= 0) die("pread", k < 0 ? strerror(errno) : "short file");
                have += (size_t)k;
                off += (uint64_t)k;
            }
        }
        if (memcmp(buf + pos, make_string(len), size) != 0) (*bad)++;
        pos += step;
    }
    free(buf);
    close(fd);
    return disk;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: peers <items> lmdb|sqlite|pwrite <dir>\n");
        return 2;
    }
    uint64_t n = strtoull(argv[1], NULL, 10);
    const char *which = argv[2], *dir = argv[3];
    for (int i = 0; i < NMAX; i++) {
        pattern[2 * i] = 'a';
        pattern[2 * i + 1] = 0;
    }
    char file[4096];
    uint64_t bad = 0, disk = 0;
    uint64_t t0 = now_ns();
    if (!strcmp(which, "pwrite")) disk = run_pwrite(n, dir, &bad, file, sizeof file);
#if !defined(NO_LMDB)
    else if (!strcmp(which, "lmdb")) disk = run_lmdb(n, dir, &bad, file, sizeof file);
#endif
#if !defined(NO_SQLITE)
    else if (!strcmp(which, "sqlite")) disk = run_sqlite(n, dir, &bad, file, sizeof file);
#endif
    else {
        fprintf(stderr, "peers: %s is not built in\n", which);
        return 2;
    }
    uint64_t t1 = now_ns();
    unlink(file);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"peer\":\"%s\",\"items\":%llu,\"bytes\":%llu,\"elapsedMs\":%.3f,\"diskBytes\":%llu,"
           "\"minorFaults\":%ld,\"majorFaults\":%ld,\"peakRssBytes\":%llu,\"verified\":%s}\n",
           which, (unsigned long long)n, (unsigned long long)stored_bytes(n), (t1 - t0) / 1e6,
           (unsigned long long)disk, ru.ru_minflt, ru.ru_majflt,
           (unsigned long long)ru.ru_maxrss * 1024ull, bad ? "false" : "true");
    return bad ? 1 : 0;
}
