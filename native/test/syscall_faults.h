/* syscall_faults.h - fault injection for the tests. POSIX: a wrapper put in
   prim/unix/prim.c's system-call table (_mm_prim_set_syscall) in place of
   the real call; it counts the calls that match a filter on their
   arguments and fails the Nth one, and every matching call after it, with
   a chosen errno, until sf_reset(). The filters leave out the uses of the
   same call that are not the one under test:
     _MM_OS_OPEN       open with O_CREAT (not the stale-file check's open)
     _MM_OS_MEMFD      memfd_create
     _MM_OS_FTRUNCATE  ftruncate to more than the file's size (not the undo
                       of a failed growth, which shrinks)
     _MM_OS_FALLOCATE  fallocate (Linux), posix_fallocate elsewhere
     _MM_OS_MMAP       writable MAP_SHARED mmap of a file (a view; not
                       reservations, the residency probe or the fault probe)
     _MM_OS_RESERVE    PROT_NONE anonymous mmap without MAP_FIXED
     _MM_OS_MADVISE    madvise(MADV_POPULATE_WRITE) (not MADV_RANDOM/PAGEOUT)
     _MM_OS_COPY       copy_file_range and pread (the growth copy)
   Windows has no table: the same calls go to faults.c's countdown
   (_mm_os_fail_after), at the analogous Win32 calls. */
#ifndef MM_SYSCALL_FAULTS_H
#define MM_SYSCALL_FAULTS_H

#include "../src/internal.h"

/* Fail the matching call after `after` good ones, with err (0: the
   call's natural error: EACCES open, EMFILE memfd, EIO ftruncate and copy,
   ENOSPC fallocate, ENOMEM mmap and reserve, EFAULT madvise). */
void sf_fail(_mm_os_call call, long after, int err);
/* Every table entry back to the real call; counts kept. */
void sf_reset(void);
/* Matching calls seen since the last sf_fail / sf_count (attempts,
   including failed ones). */
uint64_t sf_calls(void);
/* Count the matching calls of `call` without failing any. */
void sf_count(_mm_os_call call);
/* Refuse populating as a kernel before 5.14 does (madvise(MADV_POPULATE_WRITE)
   is EINVAL: os.c touches the pages instead); Windows: no
   PrefetchVirtualMemory. Off with sf_reset(). */
void sf_refuse_populate(void);
/* cachestat(2) missing (ENOSYS): residency falls back to mincore. */
void sf_no_cachestat(void);

#endif
