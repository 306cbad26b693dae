/* syscall_faults.c - see syscall_faults.h. */
#if !defined(_WIN32)
#  define _GNU_SOURCE 1
#endif
#include "syscall_faults.h"
#include "check.h"

#include <errno.h>
#include <stdatomic.h>

static atomic_long countdown = -1; /* < 0: count only; 0: fail; n: fail after n more */
static atomic_int fail_err;        /* POSIX: the errno; Windows: the Win32 error, 0: the call's natural one */
static atomic_ullong calls;
static atomic_int installed;       /* the sf_call of the wrappers in the table */

/* A matching call: count it, and say whether to fail it. */
static int fails(void) {
    atomic_fetch_add(&calls, 1);
    long c = atomic_load(&countdown);
    if (c < 0) return 0;
    if (c > 0) {
        atomic_store(&countdown, c - 1);
        return 0;
    }
    return 1;
}

static void put(const char *name, _mm_syscall_ptr fn, _mm_syscall_ptr *real) {
    _mm_syscall_ptr old = NULL;
    CHECK_RC(_mm_prim_set_syscall(name, fn, &old), MM_OK);
    *real = old;
}

#if !defined(_WIN32)
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#if !defined(MADV_POPULATE_WRITE)
#  define MADV_POPULATE_WRITE 23
#endif

/* A matching call to fail: errno set. */
static int fails_errno(void) {
    if (!fails()) return 0;
    errno = atomic_load(&fail_err);
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
    if ((flags & O_CREAT) && fails_errno()) return -1;
    return ((int (*)(const char *, int, int))real_open)(path, flags, mode);
}
static int fake_memfd(const char *name, unsigned flags) {
    if (fails_errno()) return -1;
    return ((int (*)(const char *, unsigned))real_memfd)(name, flags);
}
static int fake_ftruncate(int fd, off_t size) {
    struct stat st;
    if (fstat(fd, &st) == 0 && size > st.st_size && fails_errno()) return -1;
    return ((int (*)(int, off_t))real_ftruncate)(fd, size);
}
#if defined(__linux__)
static int fake_fallocate(int fd, int mode, off_t off, off_t len) {
    if (fails_errno()) return -1;
    return ((int (*)(int, int, off_t, off_t))real_fallocate)(fd, mode, off, len);
}
#endif
#if !defined(__linux__)
static int fake_posix_fallocate(int fd, off_t off, off_t len) {
    if (fails_errno()) return errno; /* returns the error, like the real one */
    return ((int (*)(int, off_t, off_t))real_posix_fallocate)(fd, off, len);
}
#endif
typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);
static void *fake_mmap_view(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    if ((prot & PROT_WRITE) && (flags & MAP_SHARED) && fd >= 0 && fails_errno()) return MAP_FAILED;
    return ((mmap_fn)real_mmap)(addr, len, prot, flags, fd, off);
}
static void *fake_mmap_reserve(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    if (prot == PROT_NONE && fd < 0 && !(flags & MAP_FIXED) && fails_errno()) return MAP_FAILED;
    return ((mmap_fn)real_mmap)(addr, len, prot, flags, fd, off);
}
static int fake_madvise(void *addr, size_t len, int advice) {
    if (advice == MADV_POPULATE_WRITE && fails_errno()) return -1;
    return ((int (*)(void *, size_t, int))real_madvise)(addr, len, advice);
}
#if !defined(MADV_PAGEOUT)
#  define MADV_PAGEOUT 21
#endif
static int fake_madvise_noop_pageout(void *addr, size_t len, int advice) {
    if (advice == MADV_PAGEOUT) return 0; /* "succeeds", pages nothing out */
    return ((int (*)(void *, size_t, int))real_madvise)(addr, len, advice);
}
static pthread_t stall_exempt;   /* the thread that asked for the stall */
static atomic_uint stall_ms;      /* 0: the stall is done (or none asked) */
static int fake_madvise_stall(void *addr, size_t len, int advice) {
    if (advice == MADV_POPULATE_WRITE && !pthread_equal(pthread_self(), stall_exempt)) {
        unsigned ms = atomic_exchange(&stall_ms, 0);
        if (ms) {
            struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        }
    }
    return ((int (*)(void *, size_t, int))real_madvise)(addr, len, advice);
}
static void *random_addr[8];
static size_t random_len[8];
static atomic_int random_n;
static int fake_madvise_record(void *addr, size_t len, int advice) {
    if (advice == MADV_RANDOM) {
        int i = atomic_fetch_add(&random_n, 1);
        if (i < 8) {
            random_addr[i] = addr;
            random_len[i] = len;
        }
    }
    return ((int (*)(void *, size_t, int))real_madvise)(addr, len, advice);
}
static ssize_t fake_copy_file_range(int in, off_t *in_off, int out, off_t *out_off, size_t len, unsigned flags) {
    if (fails_errno()) return -1;
    return ((ssize_t (*)(int, off_t *, int, off_t *, size_t, unsigned))real_copy_file_range)(in, in_off, out, out_off,
                                                                                          len, flags);
}
static ssize_t fake_pread(int fd, void *buf, size_t len, off_t off) {
    if (fails_errno()) return -1;
    return ((ssize_t (*)(int, void *, size_t, off_t))real_pread)(fd, buf, len, off);
}
static int fake_cachestat(unsigned fd, void *range, void *cs, unsigned flags) {
    (void)fd; (void)range; (void)cs; (void)flags;
    errno = ENOSYS;
    return -1;
}

static void install(sf_call call) {
    switch (call) {
    case SF_OPEN: put("open", (_mm_syscall_ptr)fake_open, &real_open); break;
    case SF_MEMFD: put("memfd_create", (_mm_syscall_ptr)fake_memfd, &real_memfd); break;
    case SF_FTRUNCATE: put("ftruncate", (_mm_syscall_ptr)fake_ftruncate, &real_ftruncate); break;
    case SF_FALLOCATE:
#if defined(__linux__)
        put("fallocate", (_mm_syscall_ptr)fake_fallocate, &real_fallocate);
#else
        put("posix_fallocate", (_mm_syscall_ptr)fake_posix_fallocate, &real_posix_fallocate);
#endif
        break;
    case SF_MMAP: put("mmap", (_mm_syscall_ptr)fake_mmap_view, &real_mmap); break;
    case SF_RESERVE: put("mmap", (_mm_syscall_ptr)fake_mmap_reserve, &real_mmap); break;
    case SF_MADVISE: put("madvise", (_mm_syscall_ptr)fake_madvise, &real_madvise); break;
    case SF_COPY:
        put("copy_file_range", (_mm_syscall_ptr)fake_copy_file_range, &real_copy_file_range);
        put("pread", (_mm_syscall_ptr)fake_pread, &real_pread);
        break;
    default: CHECK_MSG(0, "no wrapper for call %d", (int)call);
    }
}

static int natural(sf_call call) {
    switch (call) {
    case SF_OPEN: return EACCES;
    case SF_MEMFD: return EMFILE;
    case SF_FALLOCATE: return ENOSPC;
    case SF_MMAP:
    case SF_RESERVE: return ENOMEM;
    case SF_MADVISE: return EFAULT;
    default: return EIO;
    }
}

#else /* Windows: the same wrappers around the analogous Win32 calls */
#ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN 1
#endif
#include <windows.h>
#ifndef MEM_RESERVE_PLACEHOLDER
#  define MEM_RESERVE_PLACEHOLDER 0x00040000
#endif

/* A matching call to fail: the error set (sf_fail's, else the call's natural one). */
static int fails_with(DWORD natural) {
    if (!fails()) return 0;
    DWORD e = (DWORD)atomic_load(&fail_err);
    SetLastError(e ? e : natural);
    return 1;
}

/* the real calls (the table's entries before ours) */
static _mm_syscall_ptr real_create_file, real_create_mapping, real_set_end, real_set_info, real_map_ex, real_map3,
    real_va2, real_prefetch, real_map;

typedef HANDLE(WINAPI *create_file_fn)(LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE);
typedef HANDLE(WINAPI *create_mapping_fn)(HANDLE, LPSECURITY_ATTRIBUTES, DWORD, DWORD, DWORD, LPCWSTR);
typedef BOOL(WINAPI *set_end_fn)(HANDLE);
typedef BOOL(WINAPI *set_info_fn)(HANDLE, FILE_INFO_BY_HANDLE_CLASS, LPVOID, DWORD);
typedef LPVOID(WINAPI *map_ex_fn)(HANDLE, DWORD, DWORD, DWORD, SIZE_T, LPVOID);
typedef PVOID(WINAPI *map3_fn)(HANDLE, HANDLE, PVOID, ULONG64, SIZE_T, ULONG, ULONG, void *, ULONG);
typedef PVOID(WINAPI *va2_fn)(HANDLE, PVOID, SIZE_T, ULONG, ULONG, void *, ULONG);
typedef BOOL(WINAPI *prefetch_fn)(HANDLE, ULONG_PTR, PWIN32_MEMORY_RANGE_ENTRY, ULONG);
typedef LPVOID(WINAPI *map_fn)(HANDLE, DWORD, DWORD, DWORD, SIZE_T);

static HANDLE WINAPI fake_create_file(LPCWSTR path, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa, DWORD disp,
                                      DWORD flags, HANDLE tmpl) {
    if (disp == CREATE_NEW && !(flags & FILE_FLAG_DELETE_ON_CLOSE) && fails_with(ERROR_ACCESS_DENIED))
        return INVALID_HANDLE_VALUE;
    return ((create_file_fn)real_create_file)(path, access, share, sa, disp, flags, tmpl);
}
/* the page file's section: its creation (SF_MEMFD) and its commit (SF_FALLOCATE) */
static HANDLE WINAPI fake_create_mapping(HANDLE f, LPSECURITY_ATTRIBUTES sa, DWORD prot, DWORD hi, DWORD lo,
                                         LPCWSTR name) {
    DWORD natural = atomic_load(&installed) == SF_MEMFD ? ERROR_TOO_MANY_OPEN_FILES : ERROR_COMMITMENT_LIMIT;
    if (f == INVALID_HANDLE_VALUE && fails_with(natural)) return NULL;
    return ((create_mapping_fn)real_create_mapping)(f, sa, prot, hi, lo, name);
}
static uint64_t file_size(HANDLE f) {
    LARGE_INTEGER n;
    return GetFileSizeEx(f, &n) ? (uint64_t)n.QuadPart : 0;
}
static BOOL WINAPI fake_set_end(HANDLE f) {
    LARGE_INTEGER zero, pos;
    zero.QuadPart = 0;
    if (SetFilePointerEx(f, zero, &pos, FILE_CURRENT) && (uint64_t)pos.QuadPart > file_size(f) &&
        fails_with(ERROR_IO_DEVICE))
        return FALSE;
    return ((set_end_fn)real_set_end)(f);
}
static BOOL WINAPI fake_set_info(HANDLE f, FILE_INFO_BY_HANDLE_CLASS c, LPVOID info, DWORD n) {
    if (c == FileAllocationInfo &&
        (uint64_t)((const FILE_ALLOCATION_INFO *)info)->AllocationSize.QuadPart > file_size(f) &&
        fails_with(ERROR_DISK_FULL))
        return FALSE;
    return ((set_info_fn)real_set_info)(f, c, info, n);
}
static LPVOID WINAPI fake_map_ex(HANDLE s, DWORD access, DWORD hi, DWORD lo, SIZE_T n, LPVOID addr) {
    if (fails_with(ERROR_NOT_ENOUGH_MEMORY)) return NULL;
    return ((map_ex_fn)real_map_ex)(s, access, hi, lo, n, addr);
}
static PVOID WINAPI fake_map3(HANDLE s, HANDLE proc, PVOID addr, ULONG64 off, SIZE_T n, ULONG type, ULONG prot,
                              void *ext, ULONG count) {
    if (fails_with(ERROR_NOT_ENOUGH_MEMORY)) return NULL;
    return ((map3_fn)real_map3)(s, proc, addr, off, n, type, prot, ext, count);
}
static PVOID WINAPI fake_va2(HANDLE proc, PVOID addr, SIZE_T n, ULONG type, ULONG prot, void *ext, ULONG count) {
    if ((type & MEM_RESERVE_PLACEHOLDER) && fails_with(ERROR_NOT_ENOUGH_MEMORY)) return NULL;
    return ((va2_fn)real_va2)(proc, addr, n, type, prot, ext, count);
}
static BOOL WINAPI fake_prefetch(HANDLE proc, ULONG_PTR k, PWIN32_MEMORY_RANGE_ENTRY r, ULONG flags) {
    if (fails_with(ERROR_NOT_ENOUGH_MEMORY)) return FALSE;
    return ((prefetch_fn)real_prefetch)(proc, k, r, flags);
}
static LPVOID WINAPI fake_map(HANDLE s, DWORD access, DWORD hi, DWORD lo, SIZE_T n) {
    if ((access & FILE_MAP_WRITE) && fails_with(ERROR_IO_DEVICE)) return NULL;
    return ((map_fn)real_map)(s, access, hi, lo, n);
}

static void install(sf_call call) {
    switch (call) {
    case SF_OPEN: put("CreateFileW", (_mm_syscall_ptr)fake_create_file, &real_create_file); break;
    case SF_MEMFD: put("CreateFileMappingW", (_mm_syscall_ptr)fake_create_mapping, &real_create_mapping); break;
    case SF_FTRUNCATE: put("SetEndOfFile", (_mm_syscall_ptr)fake_set_end, &real_set_end); break;
    case SF_FALLOCATE:
        put("SetFileInformationByHandle", (_mm_syscall_ptr)fake_set_info, &real_set_info);
        put("CreateFileMappingW", (_mm_syscall_ptr)fake_create_mapping, &real_create_mapping);
        break;
    case SF_MMAP:
        put("MapViewOfFileEx", (_mm_syscall_ptr)fake_map_ex, &real_map_ex);
        put("MapViewOfFile3", (_mm_syscall_ptr)fake_map3, &real_map3);
        break;
    case SF_RESERVE: put("VirtualAlloc2", (_mm_syscall_ptr)fake_va2, &real_va2); break;
    case SF_MADVISE: put("PrefetchVirtualMemory", (_mm_syscall_ptr)fake_prefetch, &real_prefetch); break;
    case SF_COPY: put("MapViewOfFile", (_mm_syscall_ptr)fake_map, &real_map); break;
    default: CHECK_MSG(0, "no wrapper for call %d", (int)call);
    }
}
#endif

void sf_fail(sf_call call, long after, int err) {
    atomic_store(&calls, 0);
#if defined(_WIN32)
    atomic_store(&fail_err, err ? _mm_prim_from_errno(err) : 0); /* 0: each wrapper's natural error */
#else
    atomic_store(&fail_err, err ? err : natural(call));
#endif
    atomic_store(&countdown, after < 0 ? -1 : after);
    atomic_store(&installed, (int)call);
    install(call);
}

void sf_count(sf_call call) { sf_fail(call, -1, 0); }

void sf_reset(void) {
    CHECK_RC(_mm_prim_set_syscall(NULL, NULL, NULL), MM_OK);
    atomic_store(&countdown, -1);
}

uint64_t sf_calls(void) { return atomic_load(&calls); }

#if defined(_WIN32)
void sf_refuse_populate(void) { sf_fail(SF_MADVISE, 0, ENOSYS); } /* as without PrefetchVirtualMemory */
void sf_no_cachestat(void) { /* Windows has no cachestat: residency is QueryWorkingSetEx's */ }
void sf_noop_pageout(void) { /* no madvise on Windows: the trim is VirtualUnlock's */ }
#else
void sf_refuse_populate(void) { sf_fail(SF_MADVISE, 0, EINVAL); }
void sf_no_cachestat(void) { put("cachestat", (_mm_syscall_ptr)fake_cachestat, &real_cachestat); }
void sf_noop_pageout(void) { put("madvise", (_mm_syscall_ptr)fake_madvise_noop_pageout, &real_madvise); }
void sf_record_random(void) {
    atomic_store(&random_n, 0);
    put("madvise", (_mm_syscall_ptr)fake_madvise_record, &real_madvise);
}
int sf_random_calls(void **addr, size_t *len, int max) {
    int n = atomic_load(&random_n);
    for (int i = 0; i < n && i < max && i < 8; i++) {
        addr[i] = random_addr[i];
        len[i] = random_len[i];
    }
    return n;
}
void sf_stall_other_thread_populate(unsigned ms) {
    stall_exempt = pthread_self();
    atomic_store(&stall_ms, ms);
    put("madvise", (_mm_syscall_ptr)fake_madvise_stall, &real_madvise);
}
#endif
