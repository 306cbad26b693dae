/*
 * limit.c - the machine's limit for the grow scenario's work, without any
 * heap: the same items (item i = (i % 2000) UTF-16LE 'a' characters and a
 * two-byte terminator, each block rounded up to 4 bytes and packed one
 * after the other, as the bump allocator packs them) written into one
 * mapping, then read back and compared, as the scenario's verify loop does.
 *
 *   limit <items> <variant>      (prints one JSON line)
 *
 * Variants (what memory the bytes go into):
 *   fresh      a new anonymous mapping: every page is faulted in by the writes
 *   fresh-huge the same with MADV_HUGEPAGE (transparent huge pages, where the
 *              system allows them for anonymous memory)
 *   populate   a new anonymous mapping, MADV_POPULATE_WRITE first (timed)
 *   memfd      a new memfd mapped shared (what the page-file heap maps),
 *              faulted in by the writes
 *   memfd-populate  the same with MADV_POPULATE_WRITE first (timed)
 *   resident   anonymous memory already touched before the clock starts
 *
 * Times: mapping + (populate) + writes + verify, and the write part alone.
 * Faults: getrusage deltas over the timed part. Built by bench/bench.mjs
 * with cc -O2.
 */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define NMAX 2000

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void faults(long *minflt, long *majflt) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *minflt = ru.ru_minflt;
    *majflt = ru.ru_majflt;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: limit <items> fresh|fresh-huge|populate|memfd|memfd-populate|resident\n");
        return 2;
    }
    uint64_t n = strtoull(argv[1], NULL, 10);
    const char *variant = argv[2];
    int huge = strcmp(variant, "fresh-huge") == 0;
    int anon = strcmp(variant, "fresh") == 0 || strcmp(variant, "populate") == 0 ||
               strcmp(variant, "resident") == 0 || huge;
    int memfd = strcmp(variant, "memfd") == 0 || strcmp(variant, "memfd-populate") == 0;
    int populate = strcmp(variant, "populate") == 0 || strcmp(variant, "memfd-populate") == 0;
    int resident = strcmp(variant, "resident") == 0;
    if (!anon && !memfd) {
        fprintf(stderr, "limit: unknown variant %s\n", variant);
        return 2;
    }
    /* the pattern, as the scenario's make_string builds it */
    static uint8_t pattern[2 * (NMAX + 1) + 4];
    for (int i = 0; i < NMAX; i++) {
        pattern[2 * i] = 'a';
        pattern[2 * i + 1] = 0;
    }
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < n; i++) bytes += (2 * (i % NMAX + 1) + 3) & ~3ull;
    uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t maplen = (bytes + ps - 1) / ps * ps;
    if (!maplen) maplen = ps;

    int fd = -1;
    uint8_t *p = NULL;
    long mn0, mj0, mn1, mj1;
    if (resident) { /* touched before the clock starts */
        p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { perror("mmap"); return 1; }
        memset(p, 0xff, maplen);
    }
    faults(&mn0, &mj0);
    uint64_t t0 = now_ns();
    if (anon && !resident) {
        p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { perror("mmap"); return 1; }
#ifdef MADV_HUGEPAGE
        if (huge) madvise(p, maplen, MADV_HUGEPAGE);
#endif
    } else if (memfd) {
        fd = (int)syscall(SYS_memfd_create, "limit", 1u /* MFD_CLOEXEC */);
        if (fd < 0 || ftruncate(fd, (off_t)maplen) != 0) { perror("memfd"); return 1; }
        p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) { perror("mmap"); return 1; }
    }
    if (populate && madvise(p, maplen, MADV_POPULATE_WRITE) != 0) {
        perror("madvise(MADV_POPULATE_WRITE)");
        return 1;
    }
    uint64_t tw = now_ns();
    uint64_t off = 0;
    int last = -1;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)(i % NMAX), size = 2 * (len + 1);
        if (last >= 0) pattern[2 * last] = 'a';
        pattern[2 * len] = 0;
        last = (int)len;
        memcpy(p + off, pattern, size);
        off += (size + 3) & ~3u;
    }
    uint64_t tw1 = now_ns();
    off = 0;
    uint64_t bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)(i % NMAX), size = 2 * (len + 1);
        if (last >= 0) pattern[2 * last] = 'a';
        pattern[2 * len] = 0;
        last = (int)len;
        if (memcmp(p + off, pattern, size) != 0) bad++;
        off += (size + 3) & ~3u;
    }
    uint64_t t1 = now_ns();
    faults(&mn1, &mj1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"variant\":\"%s\",\"items\":%llu,\"bytes\":%llu,\"elapsedMs\":%.3f,\"setupMs\":%.3f,"
           "\"writeMs\":%.3f,\"verifyMs\":%.3f,\"minorFaults\":%ld,\"majorFaults\":%ld,"
           "\"peakRssBytes\":%llu,\"verified\":%s}\n",
           variant, (unsigned long long)n, (unsigned long long)bytes, (t1 - t0) / 1e6,
           (tw - t0) / 1e6, (tw1 - tw) / 1e6, (t1 - tw1) / 1e6, mn1 - mn0, mj1 - mj0,
           (unsigned long long)ru.ru_maxrss * 1024ull, bad ? "false" : "true");
    munmap(p, maplen);
    if (fd >= 0) close(fd);
    return bad ? 1 : 0;
}
