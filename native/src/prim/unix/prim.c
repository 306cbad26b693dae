/*
 * prim/unix/prim.c - the raw OS calls for Linux, macOS and other POSIX
 * systems (the contract: prim/prim.h; the portable layer over it and all
 * message words: os.c).
 *
 * The only file that calls mmap, ftruncate, fallocate, madvise,
 * memfd_create, getrusage and friends on these systems. The calls that can
 * fail in interesting ways go through the system-call table below (after
 * SQLite's aSyscall[] in os_unix.c): call sites read like plain calls
 * (osFtruncate(fd, n)), and a test replaces an entry by name with
 * _mm_prim_set_syscall() to make the real call fail.
 */
#if !defined(_WIN32)
#if defined(__linux__)
#  define _GNU_SOURCE 1
#else
#  define _DARWIN_C_SOURCE 1
#  define _POSIX_C_SOURCE 200809L
#endif

#include "../../internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/file.h>
#if defined(__linux__) || defined(__APPLE__)
#  include <sys/xattr.h>
#endif
#if defined(__APPLE__)
#  include <sys/sysctl.h>
#endif
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#  include <sys/syscall.h>
#  if !defined(MADV_POPULATE_WRITE)
#    define MADV_POPULATE_WRITE 23
#  endif
#  if !defined(MFD_CLOEXEC)
#    define MFD_CLOEXEC 0x0001U
#  endif
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#  include <cpuid.h>
#  include <x86intrin.h>
#endif
#if defined(RUSAGE_THREAD)
#  define MM_RUSAGE_PROBE RUSAGE_THREAD   /* this thread's faults only */
#else
#  define MM_RUSAGE_PROBE RUSAGE_SELF
#endif
#if !defined(MAP_NORESERVE)
#  define MAP_NORESERVE 0
#endif
#if !defined(MAP_ANONYMOUS)
#  define MAP_ANONYMOUS MAP_ANON
#endif
#if !defined(O_CLOEXEC)
#  define O_CLOEXEC 0
#endif

/* ---- the system-call table ------------------------------------------------ */
/* Calls with a fixed signature where the libc's is variadic or missing
   (the signatures are listed in internal.h beside _mm_prim_set_syscall). */
static int sys_open(const char *path, int flags, int mode) { return open(path, flags, (mode_t)mode); }
static int sys_shm_open(const char *name, int flags, int mode) { return shm_open(name, flags, (mode_t)mode); }
static int sys_memfd_create(const char *name, unsigned flags) {
#if defined(__linux__) && defined(SYS_memfd_create)
    return (int)syscall(SYS_memfd_create, name, flags);
#else
    (void)name; (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}
static int sys_fallocate(int fd, int mode, off_t off, off_t len) {
#if defined(__linux__)
    return fallocate(fd, mode, off, len);
#else
    (void)fd; (void)mode; (void)off; (void)len;
    errno = EOPNOTSUPP;
    return -1;
#endif
}
static ssize_t sys_copy_file_range(int in, off_t *in_off, int out, off_t *out_off, size_t len, unsigned flags) {
#if defined(__linux__)
    loff_t i = (loff_t)*in_off, o = (loff_t)*out_off;
    ssize_t r = copy_file_range(in, &i, out, &o, len, flags);
    *in_off = (off_t)i;
    *out_off = (off_t)o;
    return r;
#else
    (void)in; (void)in_off; (void)out; (void)out_off; (void)len; (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}
#if defined(__linux__)
#  if !defined(SYS_cachestat) && (defined(__x86_64__) || defined(__aarch64__) || defined(__i386__) || defined(__arm__) || defined(__riscv))
#    define SYS_cachestat 451
#  endif
#endif
/* cachestat(2): range is {off, len}, cs is 5 counters (cache, dirty,
   writeback, evicted, recently evicted), all uint64_t. */
static int sys_cachestat(unsigned fd, void *range, void *cs, unsigned flags) {
#if defined(SYS_cachestat)
    return (int)syscall(SYS_cachestat, fd, range, cs, flags);
#else
    (void)fd; (void)range; (void)cs; (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}
static int sys_posix_fadvise(int fd, off_t off, off_t len, int advice) {
#if defined(POSIX_FADV_DONTNEED) && !defined(__APPLE__)
    return posix_fadvise(fd, off, len, advice);
#else
    (void)fd; (void)off; (void)len; (void)advice;
    return ENOSYS;
#endif
}
static int sys_mincore(void *addr, size_t len, unsigned char *vec) { return mincore(addr, len, (void *)vec); }

#define MM_SYSCALL(name, fn) {name, (_mm_syscall_ptr)(fn), (_mm_syscall_ptr)(fn)}
static _mm_syscall aSyscall[] = {
    MM_SYSCALL("open", sys_open),                        /* 0 */
    MM_SYSCALL("memfd_create", sys_memfd_create),        /* 1 */
    MM_SYSCALL("shm_open", sys_shm_open),                /* 2 */
    MM_SYSCALL("ftruncate", ftruncate),                  /* 3 */
    MM_SYSCALL("fallocate", sys_fallocate),              /* 4 */
    MM_SYSCALL("posix_fallocate", posix_fallocate),      /* 5 */
    MM_SYSCALL("mmap", mmap),                            /* 6 */
    MM_SYSCALL("munmap", munmap),                        /* 7 */
    MM_SYSCALL("madvise", madvise),                      /* 8 */
    MM_SYSCALL("copy_file_range", sys_copy_file_range),  /* 9 */
    MM_SYSCALL("pread", pread),                          /* 10 */
    MM_SYSCALL("pwrite", pwrite),                        /* 11 */
    MM_SYSCALL("unlink", unlink),                        /* 12 */
    MM_SYSCALL("cachestat", sys_cachestat),              /* 13 */
    MM_SYSCALL("mincore", sys_mincore),                  /* 14 */
    MM_SYSCALL("posix_fadvise", sys_posix_fadvise),      /* 15 */
    MM_SYSCALL("msync", msync),                          /* 16 */
    MM_SYSCALL("fdatasync", fdatasync),                  /* 17 */
};
#define SYSCALL(i) atomic_load_explicit(&aSyscall[i].cur, memory_order_relaxed)
#define osOpen ((int (*)(const char *, int, int))SYSCALL(0))
#define osMemfdCreate ((int (*)(const char *, unsigned))SYSCALL(1))
#define osShmOpen ((int (*)(const char *, int, int))SYSCALL(2))
#define osFtruncate ((int (*)(int, off_t))SYSCALL(3))
#define osFallocate ((int (*)(int, int, off_t, off_t))SYSCALL(4))
#define osPosixFallocate ((int (*)(int, off_t, off_t))SYSCALL(5))
#define osMmap ((void *(*)(void *, size_t, int, int, int, off_t))SYSCALL(6))
#define osMunmap ((int (*)(void *, size_t))SYSCALL(7))
#define osMadvise ((int (*)(void *, size_t, int))SYSCALL(8))
#define osCopyFileRange ((ssize_t (*)(int, off_t *, int, off_t *, size_t, unsigned))SYSCALL(9))
#define osPread ((ssize_t (*)(int, void *, size_t, off_t))SYSCALL(10))
#define osPwrite ((ssize_t (*)(int, const void *, size_t, off_t))SYSCALL(11))
#define osUnlink ((int (*)(const char *))SYSCALL(12))
#define osCachestat ((int (*)(unsigned, void *, void *, unsigned))SYSCALL(13))
#define osMincore ((int (*)(void *, size_t, unsigned char *))SYSCALL(14))
#define osPosixFadvise ((int (*)(int, off_t, off_t, int))SYSCALL(15))
#define osMsync ((int (*)(void *, size_t, int))SYSCALL(16))
#define osFdatasync ((int (*)(int))SYSCALL(17))

_mm_syscall *_mm_prim_syscalls(size_t *count) {
    *count = sizeof aSyscall / sizeof *aSyscall;
    return aSyscall;
}

/* ---- facts ------------------------------------------------------------------ */
const _mm_os_traits *_mm_prim_traits(void) {
#if defined(__APPLE__)
    /* macOS: a POSIX shm object can be sized only once (a second ftruncate
       is EINVAL), so the page-file backing grows by copy there */
    static const _mm_os_traits t = {"posix", 0, 1, 0, '/', "the page file (shm)", "$TMPDIR or /tmp",
                                    "shm_open", "open", "ftruncate", "fallocate", NULL, NULL, 0, 0};
#elif defined(__linux__)
    static const _mm_os_traits t = {"posix", 1, 1, 1, '/', "the page file (memfd)", "$TMPDIR or /tmp",
                                    "memfd_create", "open", "ftruncate", "fallocate", NULL,
                                    "madvise(MADV_POPULATE_WRITE)", 0, 0};
#else
    static const _mm_os_traits t = {"posix", 1, 1, 1, '/', "the page file (shm)", "$TMPDIR or /tmp",
                                    "shm_open", "open", "ftruncate", "posix_fallocate", NULL, NULL, 0, 0};
#endif
    return &t;
}

uint64_t _mm_prim_page_size(void) {
    static uint64_t ps;
    if (!ps) {
        long v = sysconf(_SC_PAGESIZE);
        ps = v > 0 ? (uint64_t)v : 4096;
    }
    return ps;
}

uint64_t _mm_prim_granularity(void) { return _mm_prim_page_size(); }

uint64_t _mm_prim_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int _mm_prim_pid(void) { return (int)getpid(); }

const char *_mm_prim_temp_dir(void) {
    const char *t = getenv("TMPDIR");
    if (t && *t) return t;
    return "/tmp";
}

/* ---- errors ------------------------------------------------------------------ */
int _mm_prim_code(int e) {
    switch (e) {
    case ENOSPC:
#if defined(EDQUOT)
    case EDQUOT:
#endif
        return MM_ENOSPC;
    case ENOMEM: return MM_ENOMEM;
    case EFBIG: return MM_EFBIG;
    case ENOTSUP: return MM_ENOTSUP;
    default: return MM_EIO;
    }
}

int _mm_prim_exists(int e) { return e == EEXIST; }

const char *_mm_prim_strerror(int e, char *buf, size_t len) {
    snprintf(buf, len, "%s", strerror(e));
    return buf;
}

int _mm_prim_from_errno(int e) { return e; }

_mm_dir_check _mm_prim_resolve_dir(const char *dir, char *out, size_t out_len, int *oserr) {
    char buf[PATH_MAX];
    if (!realpath(dir, buf)) {
        *oserr = errno;
        return _MM_DIR_UNRESOLVED;
    }
    if (strlen(buf) >= out_len) return _MM_DIR_BAD_NAME;
    memcpy(out, buf, strlen(buf) + 1);
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) return _MM_DIR_NOT_DIR;
    if (access(buf, W_OK | X_OK) != 0) {
        *oserr = errno;
        return _MM_DIR_NOT_WRITABLE;
    }
    return _MM_DIR_OK;
}

/* ---- backings ----------------------------------------------------------------- */
static atomic_uint shm_counter;

void _mm_prim_backing_clear(_mm_backing *b) { b->os.fd = -1; }

int _mm_prim_backing_is_open(const _mm_backing *b) { return b->os.fd >= 0; }

int _mm_prim_pagefile_create(_mm_backing *b) {
    int fd = osMemfdCreate("memmap-lab", MFD_CLOEXEC);
    if (fd >= 0) {
        b->os.fd = fd;
        return 0;
    }
    if (errno != ENOSYS) return errno;
    /* fallback: a POSIX shared memory object, unlinked at once */
    for (int tries = 0; tries < 100; tries++) {
        char name[64];
        snprintf(name, sizeof name, "/memmap-lab-%d-%u", (int)getpid(), atomic_fetch_add(&shm_counter, 1));
        int fd = osShmOpen(name, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {
            shm_unlink(name);
            b->os.fd = fd;
            return 0;
        }
        if (errno != EEXIST) break;
    }
    return errno;
}

/* A disk file says it is ours, and that it is in use, for as long as it is:
   an exclusive flock held on it (released by the kernel when the process
   ends, however it ends), then the marker (an extended attribute). Marker
   after lock: a file with the marker is locked until its owner is gone.
   A file system without user xattrs gets no marker: its files are never
   removed by the stale-file cleanup (it cannot prove them ours). */
#define MM_MARKER_NAME "user.memmap-lab"
#define MM_MARKER_VALUE "disk file of libmemmap"

static void mark_and_lock(int fd) {
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) return; /* no lock, no marker */
#if defined(__APPLE__)
    (void)fsetxattr(fd, MM_MARKER_NAME, MM_MARKER_VALUE, sizeof MM_MARKER_VALUE - 1, 0, 0);
#elif defined(__linux__)
    (void)fsetxattr(fd, MM_MARKER_NAME, MM_MARKER_VALUE, sizeof MM_MARKER_VALUE - 1, 0);
#endif
}

void _mm_prim_remove_if_stale(const char *path, _mm_stale_check *out) {
    memset(out, 0, sizeof *out);
    int fd = osOpen(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
    if (fd < 0) {
        out->oserr = errno;
        out->verdict = out->oserr == ELOOP ? _MM_STALE_SYMLINK : _MM_STALE_CANNOT_OPEN;
        return;
    }
    struct stat st, again;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        out->verdict = _MM_STALE_NOT_REGULAR;
    else if (st.st_uid != geteuid()) {
        out->verdict = _MM_STALE_OTHER_OWNER;
        out->owner = (unsigned)st.st_uid;
        out->self = (unsigned)geteuid();
    } else {
        char v[64] = {0};
#if defined(__APPLE__)
        ssize_t n = fgetxattr(fd, MM_MARKER_NAME, v, sizeof v - 1, 0, 0);
#elif defined(__linux__)
        ssize_t n = fgetxattr(fd, MM_MARKER_NAME, v, sizeof v - 1);
#else
        ssize_t n = -1;
#endif
        if (n != (ssize_t)(sizeof MM_MARKER_VALUE - 1) || memcmp(v, MM_MARKER_VALUE, (size_t)n) != 0)
            out->verdict = _MM_STALE_NO_MARKER;
        else if (flock(fd, LOCK_EX | LOCK_NB) != 0)
            out->verdict = _MM_STALE_LOCKED;
        else if (lstat(path, &again) != 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino)
            out->verdict = _MM_STALE_REPLACED;
        else if (osUnlink(path) != 0) {
            out->verdict = _MM_STALE_REMOVE_FAILED;
            out->oserr = errno;
        } else
            out->verdict = _MM_STALE_REMOVED;
    }
    close(fd); /* releases the lock taken here */
}

int _mm_prim_file_create(_mm_backing *b) {
    int fd = osOpen(b->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    b->os.fd = fd;
    mark_and_lock(fd);
    return 0;
}

int _mm_prim_set_size(_mm_backing *b, uint64_t size) {
    return osFtruncate(b->os.fd, (off_t)size) == 0 ? 0 : errno;
}

/* Returns 0 or an errno value (posix_fallocate style: never via errno). */
static int do_fallocate(int fd, uint64_t off, uint64_t len) {
#if defined(__linux__)
    if (osFallocate(fd, 0, (off_t)off, (off_t)len) == 0) return 0;
    int e = errno;
    if (e != EOPNOTSUPP && e != ENOSYS) return e;
    /* fall through: let posix_fallocate emulate it */
    return osPosixFallocate(fd, (off_t)off, (off_t)len);
#elif defined(__APPLE__)
    fstore_t fs = {F_ALLOCATECONTIG, F_PEOFPOSMODE, 0, (off_t)len, 0};
    if (fcntl(fd, F_PREALLOCATE, &fs) == -1) {
        fs.fst_flags = F_ALLOCATEALL;
        if (fcntl(fd, F_PREALLOCATE, &fs) == -1) {
            int e = errno;
            /* a shm object (EBADF: not a vnode) or a file system without
               preallocation: the size ftruncate set is all there is */
            if (e == EBADF || e == EINVAL || e == ENOTSUP) return 0;
            return e;
        }
    }
    (void)off;
    return 0;
#else
    return osPosixFallocate(fd, (off_t)off, (off_t)len); /* returns the error number */
#endif
}

int _mm_prim_allocate(_mm_backing *b, uint64_t off, uint64_t len) { return do_fallocate(b->os.fd, off, len); }

/* Set the size, then back every new byte (so writes through a mapping can
   never hit a hole: no SIGBUS on a full disk); undo on failure. */
int _mm_prim_grow(_mm_backing *b, uint64_t new_size, _mm_step *step) {
    uint64_t old = b->size;
    *step = _MM_STEP_SIZE;
    int e = _mm_prim_set_size(b, new_size);
    if (e) return e;
    uint64_t from = b->backed < old ? b->backed : old;
    e = do_fallocate(b->os.fd, from, new_size - from);
    if (e) {
        *step = _MM_STEP_ALLOCATE;
        if (osFtruncate(b->os.fd, (off_t)old) != 0) { /* best effort undo */ }
        return e;
    }
    return 0;
}

uint64_t _mm_prim_free_bytes(const _mm_backing *b) {
    struct statvfs sv;
    if (fstatvfs(b->os.fd, &sv) != 0) return 0;
    return (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
}

uint64_t _mm_prim_file_size_limit(uint64_t new_size) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (uint64_t)rl.rlim_cur < new_size)
        return (uint64_t)rl.rlim_cur;
    return 0;
}

void _mm_prim_backing_close(_mm_backing *b) {
    if (b->os.fd >= 0) close(b->os.fd);
    b->os.fd = -1;
    if (b->is_disk && b->path[0]) osUnlink(b->path);
}

#if defined(__APPLE__)
/* macOS shm objects cannot be read or written with pread/pwrite: copy
   through a temporary mapping instead. Returns 0 or an errno value. */
static int map_io(int fd, void *buf, uint64_t len, uint64_t off, int write) {
    uint64_t ps = _mm_prim_page_size(), base = off / ps * ps;
    size_t n = (size_t)(off - base + len);
    void *p = osMmap(NULL, n, write ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, (off_t)base);
    if (p == MAP_FAILED) return errno;
    if (write) memcpy((char *)p + (off - base), buf, (size_t)len);
    else memcpy(buf, (char *)p + (off - base), (size_t)len);
    osMunmap(p, n);
    return 0;
}
#endif

int _mm_prim_copy_chunk(_mm_prim_copy *st, _mm_backing *dst, const _mm_backing *src, uint64_t off,
                        uint64_t n, uint64_t *done, const char **call) {
#if defined(__linux__)
    while (!st->plain) {
        off_t in = (off_t)off, out = (off_t)off;
        ssize_t r = osCopyFileRange(src->os.fd, &in, dst->os.fd, &out, (size_t)n, 0);
        if (r > 0) {
            *done = (uint64_t)r;
            return 0;
        }
        if (r < 0 && errno == EINTR) continue;
        st->plain = 1; /* EXDEV, EINVAL, ENOSYS, 0 ...: plain I/O */
    }
#endif
    if (!st->buf && !(st->buf = malloc(8u << 20))) {
        *call = "malloc";
        return ENOMEM;
    }
    char *buf = st->buf;
#if defined(__APPLE__)
    if (!src->is_disk) { /* shm: through mappings */
        int e = map_io(src->os.fd, buf, n, off, 0);
        if (!e) e = map_io(dst->os.fd, buf, n, off, 1);
        if (e) {
            *call = "mmap";
            return e;
        }
        *done = n;
        return 0;
    }
#endif
    ssize_t r;
    do r = osPread(src->os.fd, buf, (size_t)n, (off_t)off);
    while (r < 0 && errno == EINTR);
    if (r <= 0) {
        *call = "pread";
        return r < 0 ? errno : EIO;
    }
    size_t w = 0;
    while (w < (size_t)r) {
        ssize_t k = osPwrite(dst->os.fd, buf + w, (size_t)r - w, (off_t)(off + w));
        if (k < 0) {
            if (errno == EINTR) continue;
            *call = "pwrite";
            return errno;
        }
        w += (size_t)k;
    }
    *done = (uint64_t)r;
    return 0;
}

void _mm_prim_copy_end(_mm_prim_copy *st) {
    free(st->buf);
    st->buf = NULL;
}

int _mm_prim_read(const _mm_backing *b, void *dst, uint64_t len, uint64_t off, const char **call) {
#if defined(__APPLE__)
    if (!b->is_disk) { /* shm: through a mapping */
        *call = "mmap to read";
        return map_io(b->os.fd, dst, len, off, 0);
    }
#endif
    *call = "pread";
    uint64_t done = 0;
    while (done < len) {
        ssize_t r = osPread(b->os.fd, (char *)dst + done, (size_t)(len - done), (off_t)(off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return r < 0 ? errno : EIO;
        done += (uint64_t)r;
    }
    return 0;
}

uint64_t _mm_prim_backing_allocated(const _mm_backing *b) {
    struct stat st;
    if (fstat(b->os.fd, &st) != 0) return 0;
    return (uint64_t)st.st_blocks * 512u;
}

/* ---- views and address space ------------------------------------------------ */
/* Views of a disk file at least this long keep the kernel's read-ahead,
   over the file's first MM_RA_FILE_MAX bytes. */
#define MM_RA_VIEW_MIN ((uint64_t)32 << 20)
#define MM_RA_FILE_MAX ((uint64_t)256 << 20)

int _mm_prim_map(const _mm_backing *b, uint64_t off, uint64_t len, void *addr, int fixed, void **out,
                 const char **call) {
    *call = "mmap";
    void *p = osMmap(addr, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED | (fixed ? MAP_FIXED : 0), b->os.fd,
                   (off_t)off);
    if (p == MAP_FAILED && addr && !fixed) /* preferred address refused: anywhere */
        p = osMmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, b->os.fd, (off_t)off);
    if (p == MAP_FAILED) return errno;
#if defined(__linux__)
    /* A small view of a disk file: no read-ahead over its part never
       written. A fault there reads around it (vda: 8 MiB) into large
       zero-filled folios that straddle the small views; ext4's page_mkwrite
       then walks the whole folio on every 4 KiB write fault, again in each
       view, and large folios come from free memory the hypervisor has taken
       back, so zeroing them is slow. Measured, 1M items: the seed's 128 KiB
       view 2.5-2.8x faster. A large view keeps read-ahead over the file's
       first 256 MiB: one fault there maps a whole large folio, fast while
       the machine has that much memory it has freed recently. Past it the
       large folios come from memory at rest, and zeroing them was 1.6-1.9x
       slower than single pages (whole view + prefault, after a sync and 3 s
       at rest: 530,000 items 1.10 s against 0.55 s, 1,000,000 1.85 against
       1.09; 100,000 items, all below 256 MiB: 85 ms, single pages 135 ms).
       The written part keeps read-ahead (reading back). */
    if (b->is_disk && (len < MM_RA_VIEW_MIN || off + len > MM_RA_FILE_MAX)) {
        uint64_t ps = _mm_prim_page_size();
        uint64_t from = (b->unwritten_from + ps - 1) / ps * ps;
        if (from < off) from = off;
        if (len >= MM_RA_VIEW_MIN && from < MM_RA_FILE_MAX) from = MM_RA_FILE_MAX;
        if (from < off + len) osMadvise((uint8_t *)p + (from - off), (size_t)(off + len - from), MADV_RANDOM);
    }
#endif
    *out = p;
    return 0;
}

int _mm_prim_unmap(void *addr, uint64_t len, int in_reservation) {
    if (in_reservation) {
        void *p = osMmap(addr, (size_t)len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        return p == MAP_FAILED ? MM_EIO : MM_OK;
    }
    return osMunmap(addr, (size_t)len) == 0 ? MM_OK : MM_EIO;
}

int _mm_prim_reserve(uint64_t len, void **out) {
    void *p = osMmap(NULL, (size_t)len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return errno;
    *out = p;
    return 0;
}

void _mm_prim_release(void *addr, uint64_t len) { osMunmap(addr, (size_t)len); }

_mm_pop _mm_prim_populate(void *addr, uint64_t len, int *oserr) {
#if defined(__linux__)
    if (osMadvise(addr, (size_t)len, MADV_POPULATE_WRITE) == 0) return _MM_POP_DONE;
    int e = errno;
    *oserr = e;
    if (e == EINVAL || e == ENOSYS) return _MM_POP_UNSUPPORTED; /* kernel before 5.14 */
    if (e == EINTR || e == EAGAIN) return _MM_POP_AGAIN;
    return e == EFAULT ? _MM_POP_NOBACKING : _MM_POP_FAILED;
#else
    (void)addr;
    (void)len;
    (void)oserr;
    return _MM_POP_UNSUPPORTED;
#endif
}

int _mm_os_process_stats(mm_process_stats *out) {
    memset(out, 0, sizeof *out);
    uint64_t ps = _mm_prim_page_size();
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
#if defined(__APPLE__)
        out->peak_rss_bytes = (uint64_t)ru.ru_maxrss;          /* bytes on macOS */
#else
        out->peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024u;  /* KiB on Linux */
#endif
        out->minor_faults = (uint64_t)ru.ru_minflt;
        out->major_faults = (uint64_t)ru.ru_majflt;
    }
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        unsigned long long size = 0, res = 0;
        if (fscanf(f, "%llu %llu", &size, &res) == 2) {
            out->virtual_bytes = size * ps;
            out->rss_bytes = res * ps;
        }
        fclose(f);
    } else {
        out->rss_bytes = out->peak_rss_bytes; /* no /proc: best known figure */
    }
    return MM_OK;
}

/* ---- memory room for page-file backings ------------------------------------ */
static char sysfs_root[512]; /* tests: a fake /proc and /sys/fs/cgroup */
#define SYSFS_PATHLEN (512 + 64 + MM_PATHLEN + 64)

void _mm_os_set_sysfs_root(const char *root) {
    snprintf(sysfs_root, sizeof sysfs_root, "%s", root ? root : "");
}

#if defined(__linux__)
/* The first number in a file, or "max" (v2's "no limit"): 1 and *v, or 0. */
static int read_u64(const char *path, uint64_t *v) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char buf[64] = {0};
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    if (!ok) return 0;
    if (!strncmp(buf, "max", 3)) {
        *v = UINT64_MAX;
        return 1;
    }
    char *end;
    unsigned long long x = strtoull(buf, &end, 10);
    if (end == buf) return 0;
    *v = (uint64_t)x;
    return 1;
}

/* A "key value" line of a file such as /proc/meminfo or memory.stat. */
static int read_key(const char *path, const char *key, uint64_t *v) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[256];
    size_t kl = strlen(key);
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, key, kl) && (line[kl] == ' ' || line[kl] == ':' || line[kl] == '\t')) {
            char *p = line + kl + (line[kl] == ':');
            *v = (uint64_t)strtoull(p, NULL, 10);
            found = 1;
            break;
        }
    }
    fclose(f);
    return found;
}

/* The room a cgroup and its ancestors leave: min over (limit - usage +
   reclaimable file cache), from the cgroup cg up to the root of mount. */
static int cgroup_room(const char *mount, const char *cg, int v2, uint64_t *room, char *where, size_t wlen) {
    char path[SYSFS_PATHLEN], dir[MM_PATHLEN];
    int found = 0;
    snprintf(dir, sizeof dir, "%s", cg);
    for (;;) {
        uint64_t limit, usage = 0, cache = 0;
        snprintf(path, sizeof path, "%s%s%s/%s", sysfs_root, mount, dir, v2 ? "memory.max" : "memory.limit_in_bytes");
        /* v1 says "no limit" with a huge page-aligned number */
        if (read_u64(path, &limit) && limit < ((uint64_t)1 << 62)) {
            snprintf(path, sizeof path, "%s%s%s/%s", sysfs_root, mount, dir, v2 ? "memory.current" : "memory.usage_in_bytes");
            read_u64(path, &usage);
            snprintf(path, sizeof path, "%s%s%s/memory.stat", sysfs_root, mount, dir);
            read_key(path, v2 ? "inactive_file" : "total_inactive_file", &cache);
            uint64_t used = usage > cache ? usage - cache : 0;
            uint64_t r = limit > used ? limit - used : 0;
            if (!found || r < *room) {
                *room = r;
                snprintf(where, wlen, "cgroup %.48s: %s %llu bytes, %llu bytes in use", dir[0] ? dir : "/",
                         v2 ? "memory.max" : "memory.limit_in_bytes", (unsigned long long)limit,
                         (unsigned long long)used);
            }
            found = 1;
        }
        if (!dir[0]) break;
        char *slash = strrchr(dir, '/');
        if (!slash) break;
        *slash = 0; /* the parent; "" is the root */
    }
    return found;
}
#endif

int _mm_os_memory_room(_mm_memroom *out) {
    memset(out, 0, sizeof *out);
#if defined(__linux__)
    char path[SYSFS_PATHLEN];
    uint64_t avail_kib;
    snprintf(path, sizeof path, "%s/proc/meminfo", sysfs_root);
    if (!read_key(path, "MemAvailable", &avail_kib)) return MM_ENOTSUP;
    out->room = avail_kib * 1024;
    snprintf(out->source, sizeof out->source, "MemAvailable %llu bytes", (unsigned long long)out->room);
    /* the process's cgroups: "0::/path" (v2), "N:a,memory,b:/path" (v1) */
    snprintf(path, sizeof path, "%s/proc/self/cgroup", sysfs_root);
    FILE *f = fopen(path, "r");
    if (!f) return MM_OK;
    char line[MM_PATHLEN];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = 0;
        const char *ctrls = c1 + 1, *cg = c2 + 1;
        if (!strcmp(cg, "/")) cg = "";
        int v2 = line[0] == '0' && c1 == line + 1 && !*ctrls;
        int v1 = 0;
        if (!v2) {
            char tmp[256];
            snprintf(tmp, sizeof tmp, ",%s,", ctrls);
            v1 = strstr(tmp, ",memory,") != NULL;
        }
        if (!v1 && !v2) continue;
        static const char *const v2mounts[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
        for (int m = 0; m < (v2 ? 2 : 1); m++) {
            uint64_t room = 0;
            char where[160];
            if (cgroup_room(v2 ? v2mounts[m] : "/sys/fs/cgroup/memory", cg, v2, &room, where, sizeof where) &&
                room < out->room) {
                out->room = room;
                out->limited_by_process = 1;
                snprintf(out->source, sizeof out->source, "%s", where);
            }
        }
    }
    fclose(f);
    return MM_OK;
#elif defined(__APPLE__)
    uint64_t mem = 0;
    size_t len = sizeof mem;
    if (sysctlbyname("hw.memsize", &mem, &len, NULL, 0) != 0 || !mem) return MM_ENOTSUP;
    out->room = mem;
    snprintf(out->source, sizeof out->source, "physical memory %llu bytes", (unsigned long long)mem);
    return MM_OK;
#elif defined(_SC_AVPHYS_PAGES)
    long pages = sysconf(_SC_AVPHYS_PAGES);
    if (pages <= 0) return MM_ENOTSUP;
    out->room = (uint64_t)pages * _mm_prim_page_size();
    snprintf(out->source, sizeof out->source, "free physical memory %llu bytes", (unsigned long long)out->room);
    return MM_OK;
#else
    return MM_ENOTSUP;
#endif
}

int _mm_os_address_room(_mm_memroom *out) {
    memset(out, 0, sizeof *out);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return MM_ENOTSUP;
    mm_process_stats ps;
    _mm_os_process_stats(&ps);
    uint64_t limit = (uint64_t)rl.rlim_cur;
    out->room = limit > ps.virtual_bytes ? limit - ps.virtual_bytes : 0;
    out->limited_by_process = 2;
    snprintf(out->source, sizeof out->source, "address-space limit (RLIMIT_AS) %llu bytes, %llu mapped",
             (unsigned long long)limit, (unsigned long long)ps.virtual_bytes);
    return MM_OK;
}


/* ---- insight (issue 16) ------------------------------------------------------ */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* rdtsc only with an invariant TSC (CPUID 0x80000007 EDX bit 8): the same
   rate on every core and in every power state */
static int tsc_ok(void) {
    static int ok = -1;
    if (ok < 0) {
        unsigned a, b, c, d;
        ok = __get_cpuid(0x80000007u, &a, &b, &c, &d) && (d >> 8 & 1);
    }
    return ok;
}
#endif

uint64_t _mm_prim_ticks(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (tsc_ok()) return __rdtsc();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    uint64_t v;
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
    return v;
#endif
    return _mm_prim_now_ns();
}

uint64_t _mm_prim_tick_hz(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    return tsc_ok() ? 0 : 1000000000ull; /* the TSC's rate is calibrated by os.c */
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    uint64_t f;
    __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
#else
    return 1000000000ull;
#endif
}

int _mm_prim_cachestat(const _mm_backing *b, uint64_t off, uint64_t len, uint64_t *resident, uint64_t *dirty) {
    struct { uint64_t off, len; } range = {off, len};
    struct { uint64_t cache, dirty, writeback, evicted, recently_evicted; } cs;
    memset(&cs, 0, sizeof cs);
    if (osCachestat((unsigned)b->os.fd, &range, &cs, 0u) != 0) return errno;
    *resident = cs.cache;
    *dirty = cs.dirty + cs.writeback;
    return 0;
}

int _mm_prim_mincore_file(const _mm_backing *b, uint64_t off, uint64_t len, unsigned char *vec) {
    void *p = osMmap(NULL, (size_t)len, PROT_READ, MAP_SHARED | MAP_NORESERVE, b->os.fd, (off_t)off);
    if (p == MAP_FAILED) return errno;
    int e = osMincore(p, (size_t)len, vec) ? errno : 0;
    osMunmap(p, (size_t)len);
    return e;
}

int _mm_prim_resident_range(const void *addr, uint64_t len, unsigned char *vec) {
    return osMincore((void *)(uintptr_t)addr, (size_t)len, vec) ? errno : 0;
}

int _mm_prim_evict_drop(const _mm_backing *b, void *view, uint64_t vlen, unsigned *how) {
    *how = 0;
    int e = 0;
    if (view && vlen && osMsync(view, (size_t)vlen, MS_SYNC)) e = errno;
    if (!e && b->is_disk && osFdatasync(b->os.fd)) e = errno;
    if (e) return e;
    *how |= _MM_EVICT_WRITEBACK;
#if defined(POSIX_FADV_DONTNEED) && !defined(__APPLE__)
    if (b->is_disk && osPosixFadvise(b->os.fd, 0, 0, POSIX_FADV_DONTNEED) == 0) *how |= _MM_EVICT_FADVISE;
#endif
    return 0;
}

void _mm_prim_evict_pageout(void *view, uint64_t vlen, unsigned *how) {
    *how = 0;
#if defined(__linux__)
#  if !defined(MADV_PAGEOUT)
#    define MADV_PAGEOUT 21
#  endif
    if (view && vlen && osMadvise(view, (size_t)vlen, MADV_PAGEOUT) == 0) *how |= _MM_EVICT_PAGEOUT;
#else
    (void)view;
    (void)vlen;
#endif
}

int _mm_prim_fault_probe(uint64_t bytes, uint64_t *ns, uint64_t *faults) {
    uint64_t ps = _mm_prim_page_size();
    void *p = osMmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return errno;
    struct rusage r0, r1;
    getrusage(MM_RUSAGE_PROBE, &r0);
    uint64_t t0 = _mm_prim_now_ns();
    for (uint64_t o = 0; o < bytes; o += ps) ((volatile unsigned char *)p)[o] = 1;
    uint64_t t1 = _mm_prim_now_ns();
    getrusage(MM_RUSAGE_PROBE, &r1);
    osMunmap(p, (size_t)bytes);
    *ns = t1 - t0;
    *faults = (uint64_t)(r1.ru_minflt - r0.ru_minflt);
    return 0;
}

void _mm_prim_fault_counts(uint64_t *minor, uint64_t *major) {
    struct rusage ru;
    *minor = *major = 0;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        *minor = (uint64_t)ru.ru_minflt;
        *major = (uint64_t)ru.ru_majflt;
    }
}

#else
/* Windows: prim/windows/prim.c */
typedef int _mm_prim_unix_unused;

#endif /* !_WIN32 */
