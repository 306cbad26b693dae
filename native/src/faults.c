/* faults.c - the countdown fault injection of prim/windows/prim.c (Windows
   only): each injectable Win32 call asks _mm_os_inject() first, so a test
   can make SetEndOfFile, MapViewOfFile, CreateFileW... fail on the Nth call.
   POSIX does without it: prim/unix/prim.c's calls go through its system-call
   table (_mm_prim_set_syscall), which the tests override. One relaxed atomic
   load per call when off. */
#if defined(_WIN32)
#include "internal.h"

#include <stdatomic.h>

typedef struct {
    atomic_long countdown;   /* < 0: off; 0: fail now; n: fail after n calls */
    atomic_int err_no;       /* 0: the call's natural error */
    atomic_ullong calls;
} _mm_fault;

static _mm_fault faults[_MM_OS_NCALLS] = {
    [_MM_OS_OPEN] = {-1, 0, 0},
    [_MM_OS_MEMFD] = {-1, 0, 0},
    [_MM_OS_FTRUNCATE] = {-1, 0, 0},
    [_MM_OS_FALLOCATE] = {-1, 0, 0},
    [_MM_OS_MMAP] = {-1, 0, 0},
    [_MM_OS_RESERVE] = {-1, 0, 0},
    [_MM_OS_MADVISE] = {-1, 0, 0},
    [_MM_OS_COPY] = {-1, 0, 0},
};

static atomic_int force_touch;

void _mm_os_fail_after(_mm_os_call call, long n, int err_no) {
    if ((unsigned)call >= _MM_OS_NCALLS) return;
    atomic_store(&faults[call].err_no, err_no);
    atomic_store(&faults[call].countdown, n < 0 ? -1 : n);
}

void _mm_os_fail_reset(void) {
    for (int i = 0; i < _MM_OS_NCALLS; i++) atomic_store(&faults[i].countdown, -1);
    atomic_store(&force_touch, 0);
}

uint64_t _mm_os_call_count(_mm_os_call call) {
    if ((unsigned)call >= _MM_OS_NCALLS) return 0;
    return atomic_load(&faults[call].calls);
}

void _mm_os_force_touch_populate(int on) { atomic_store(&force_touch, on ? 1 : 0); }

int _mm_os_touch_forced(void) { return atomic_load_explicit(&force_touch, memory_order_relaxed); }

int _mm_os_inject(_mm_os_call call) {
    _mm_fault *f = &faults[call];
    atomic_fetch_add_explicit(&f->calls, 1, memory_order_relaxed);
    long c = atomic_load_explicit(&f->countdown, memory_order_relaxed);
    if (c < 0) return 0;
    if (c > 0) {
        atomic_store_explicit(&f->countdown, c - 1, memory_order_relaxed);
        return 0;
    }
    int e = atomic_load(&f->err_no);
    return e ? e : -1;
}

#else
typedef int _mm_faults_posix_unused; /* POSIX: the system-call table of prim/unix/prim.c */
#endif
