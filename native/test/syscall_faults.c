/* syscall_faults.c - see syscall_faults.h. */
#if !defined(_WIN32)
#  define _GNU_SOURCE 1
#endif
#include "syscall_faults.h"
#include "check.h"

#include <errno.h>
#include <stdatomic.h>

#if !defined(_WIN32)
static atomic_long countdown = -1; /* < 0: count only; 0: fail; n: fail after n more */
static atomic_int fail_errno;
static atomic_ullong calls;

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if !defined(MADV_POPULATE_WRITE)
#  define MADV_POPULATE_WRITE 23
#endif

/* A matching call: count it, and say whether to fail it (with errno set). */
static int fails(void) {
    atomic_fetch_add(&calls, 1);
    long c = atomic_load(&countdown);
    if (c < 0) return 0;
    if (c > 0) {
        atomic_store(&countdown, c - 1);
        return 0;
    }
    errno = atomic_load(&fail_errno);
    return 1;
}

/* the real calls (the table's entries before ours) */
static _mm_syscall_ptr real_open, real_memfd, real_ftruncate, real_mmap, real_madvise, real_copy_file_range, real_pread,
    real_cachestat;
#if defined(__linux__)
static _mm_syscall_ptr real_fallocate;
#else
static _mm_syscall_ptr real_posix_fallocate;
#endif

static int fake_open(const char *path, int flags, int mode) {
    if ((flags & O_CREAT) && fails()) return -1;
    return ((int (*)(const char *, int, int))real_open)(path, flags, mode);
}
static int fake_memfd(const char *name, unsigned flags) {
    if (fails()) return -1;
    return ((int (*)(const char *, unsigned))real_memfd)(name, flags);
}
static int fake_ftruncate(int fd, off_t size) {
    struct stat st;
    if (fstat(fd, &st) == 0 && size > st.st_size && fails()) return -1;
    return ((int (*)(int, off_t))real_ftruncate)(fd, size);
}
#if defined(__linux__)
static int fake_fallocate(int fd, int mode, off_t off, off_t len) {
    if (fails()) return -1;
    return ((int (*)(int, int, off_t, off_t))real_fallocate)(fd, mode, off, len);
}
#endif
#if !defined(__linux__)
static int fake_posix_fallocate(int fd, off_t off, off_t len) {
    if (fails()) return errno; /* returns the error, like the real one */
    return ((int (*)(int, off_t, off_t))real_posix_fallocate)(fd, off, len);
}
#endif
typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);
static void *fake_mmap_view(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    if ((prot & PROT_WRITE) && (flags & MAP_SHARED) && fd >= 0 && fails()) return MAP_FAILED;
    return ((mmap_fn)real_mmap)(addr, len, prot, flags, fd, off);
}
static void *fake_mmap_reserve(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    if (prot == PROT_NONE && fd < 0 && !(flags & MAP_FIXED) && fails()) return MAP_FAILED;
    return ((mmap_fn)real_mmap)(addr, len, prot, flags, fd, off);
}
static int fake_madvise(void *addr, size_t len, int advice) {
    if (advice == MADV_POPULATE_WRITE && fails()) return -1;
    return ((int (*)(void *, size_t, int))real_madvise)(addr, len, advice);
}
static ssize_t fake_copy_file_range(int in, off_t *in_off, int out, off_t *out_off, size_t len, unsigned flags) {
    if (fails()) return -1;
    return ((ssize_t (*)(int, off_t *, int, off_t *, size_t, unsigned))real_copy_file_range)(in, in_off, out, out_off,
                                                                                          len, flags);
}
static ssize_t fake_pread(int fd, void *buf, size_t len, off_t off) {
    if (fails()) return -1;
    return ((ssize_t (*)(int, void *, size_t, off_t))real_pread)(fd, buf, len, off);
}
static int fake_cachestat(unsigned fd, void *range, void *cs, unsigned flags) {
    (void)fd; (void)range; (void)cs; (void)flags;
    errno = ENOSYS;
    return -1;
}

static void put(const char *name, _mm_syscall_ptr fn, _mm_syscall_ptr *real) {
    _mm_syscall_ptr old = NULL;
    CHECK_RC(_mm_prim_set_syscall(name, fn, &old), MM_OK);
    *real = old;
}

static void install(_mm_os_call call) {
    switch (call) {
    case _MM_OS_OPEN: put("open", (_mm_syscall_ptr)fake_open, &real_open); break;
    case _MM_OS_MEMFD: put("memfd_create", (_mm_syscall_ptr)fake_memfd, &real_memfd); break;
    case _MM_OS_FTRUNCATE: put("ftruncate", (_mm_syscall_ptr)fake_ftruncate, &real_ftruncate); break;
    case _MM_OS_FALLOCATE:
#if defined(__linux__)
        put("fallocate", (_mm_syscall_ptr)fake_fallocate, &real_fallocate);
#else
        put("posix_fallocate", (_mm_syscall_ptr)fake_posix_fallocate, &real_posix_fallocate);
#endif
        break;
    case _MM_OS_MMAP: put("mmap", (_mm_syscall_ptr)fake_mmap_view, &real_mmap); break;
    case _MM_OS_RESERVE: put("mmap", (_mm_syscall_ptr)fake_mmap_reserve, &real_mmap); break;
    case _MM_OS_MADVISE: put("madvise", (_mm_syscall_ptr)fake_madvise, &real_madvise); break;
    case _MM_OS_COPY:
        put("copy_file_range", (_mm_syscall_ptr)fake_copy_file_range, &real_copy_file_range);
        put("pread", (_mm_syscall_ptr)fake_pread, &real_pread);
        break;
    default: CHECK_MSG(0, "no wrapper for call %d", (int)call);
    }
}

static int natural(_mm_os_call call) {
    switch (call) {
    case _MM_OS_OPEN: return EACCES;
    case _MM_OS_MEMFD: return EMFILE;
    case _MM_OS_FALLOCATE: return ENOSPC;
    case _MM_OS_MMAP:
    case _MM_OS_RESERVE: return ENOMEM;
    case _MM_OS_MADVISE: return EFAULT;
    default: return EIO;
    }
}

void sf_fail(_mm_os_call call, long after, int err) {
    atomic_store(&calls, 0);
    atomic_store(&fail_errno, err ? err : natural(call));
    atomic_store(&countdown, after < 0 ? -1 : after);
    install(call);
}

void sf_count(_mm_os_call call) { sf_fail(call, -1, 0); }

void sf_reset(void) {
    CHECK_RC(_mm_prim_set_syscall(NULL, NULL, NULL), MM_OK);
    atomic_store(&countdown, -1);
}

uint64_t sf_calls(void) { return atomic_load(&calls); }

void sf_refuse_populate(void) { sf_fail(_MM_OS_MADVISE, 0, EINVAL); }

void sf_no_cachestat(void) { put("cachestat", (_mm_syscall_ptr)fake_cachestat, &real_cachestat); }

#else /* Windows: faults.c's countdown */
static _mm_os_call counted = _MM_OS_NCALLS;
static uint64_t base;

void sf_fail(_mm_os_call call, long after, int err) {
    counted = call;
    base = _mm_os_call_count(call);
    _mm_os_fail_after(call, after, err);
}
void sf_count(_mm_os_call call) { sf_fail(call, -1, 0); }
void sf_reset(void) { _mm_os_fail_reset(); }
uint64_t sf_calls(void) { return counted < _MM_OS_NCALLS ? _mm_os_call_count(counted) - base : 0; }
void sf_refuse_populate(void) { _mm_os_force_touch_populate(1); }
void sf_no_cachestat(void) { /* Windows has no cachestat: residency is QueryWorkingSetEx's */ }
#endif
