/* syscall_faults.h - fault injection for the tests: a wrapper put in the
   platform file's system-call table (_mm_prim_set_syscall; POSIX
   prim/unix/prim.c, Windows prim/windows/prim.c) in place of the real
   call; it counts the calls that match a filter on their arguments and
   fails the Nth one, and every matching call after it, with a chosen
   error, until sf_reset(). The filters leave out the uses of the same call
   that are not the one under test:
                POSIX                              Windows
     SF_OPEN       open with O_CREAT (not the       CreateFileW with CREATE_NEW, not
                   stale-file check's open)         FILE_FLAG_DELETE_ON_CLOSE (not the
                                                    directory's probe file)
     SF_MEMFD      memfd_create                     CreateFileMappingW of the page file
     SF_FTRUNCATE  ftruncate to more than the       SetEndOfFile at a file pointer past
                   file's size (not the undo of a   the file's size (not the undo of a
                   failed growth, which shrinks)    failed growth, which shrinks)
     SF_FALLOCATE  fallocate (Linux),               SetFileInformationByHandle
                   posix_fallocate elsewhere        (FileAllocationInfo) to more than the
                                                    file's size; CreateFileMappingW of
                                                    the page file (committing its size)
     SF_MMAP       writable MAP_SHARED mmap of a    MapViewOfFileEx and MapViewOfFile3
                   file (a view; not reservations,  (views; not the temporary views of
                   the residency probe or the       a copy or a read)
                   fault probe)
     SF_RESERVE    PROT_NONE anonymous mmap         VirtualAlloc2 of a placeholder
                   without MAP_FIXED
     SF_MADVISE    madvise(MADV_POPULATE_WRITE)     PrefetchVirtualMemory
                   (not MADV_RANDOM/PAGEOUT)
     SF_COPY       copy_file_range and pread        writable MapViewOfFile (the growth
                   (the growth copy)                copy's destination) */
#ifndef MM_SYSCALL_FAULTS_H
#define MM_SYSCALL_FAULTS_H

#include "../src/internal.h"

/* The calls the tests make fail (the filters above). */
typedef enum {
    SF_OPEN = 0,  /* creating a disk file */
    SF_MEMFD,     /* creating a page-file backing */
    SF_FTRUNCATE, /* setting a disk file's (or memfd's) size */
    SF_FALLOCATE, /* reserving the space of a growth */
    SF_MMAP,      /* mapping a view (not reservations) */
    SF_RESERVE,   /* reserving address space */
    SF_MADVISE,   /* populate */
    SF_COPY,      /* the growth copy */
} sf_call;

/* Fail the matching call after `after` good ones, with err, an errno
   value (Windows: as _mm_prim_from_errno makes it a Win32 error). 0: the
   call's natural error: EACCES open, EMFILE memfd, EIO ftruncate and copy,
   ENOSPC fallocate, ENOMEM mmap and reserve, EFAULT madvise; Windows:
   ERROR_ACCESS_DENIED, ERROR_TOO_MANY_OPEN_FILES, ERROR_IO_DEVICE,
   ERROR_DISK_FULL (a page-file section: ERROR_COMMITMENT_LIMIT),
   ERROR_NOT_ENOUGH_MEMORY (mmap, reserve and PrefetchVirtualMemory). */
void sf_fail(sf_call call, long after, int err);
/* Every table entry back to the real call; counts kept. */
void sf_reset(void);
/* Matching calls seen since the last sf_fail / sf_count (attempts,
   including failed ones). */
uint64_t sf_calls(void);
/* Count the matching calls of `call` without failing any. */
void sf_count(sf_call call);
/* Refuse populating as a kernel before 5.14 does (madvise(MADV_POPULATE_WRITE)
   is EINVAL: os.c touches the pages instead); Windows: as a system without
   PrefetchVirtualMemory (ERROR_CALL_NOT_IMPLEMENTED). The refused calls
   count in sf_calls(). Off with sf_reset(). */
void sf_refuse_populate(void);
/* cachestat(2) missing (ENOSYS): residency falls back to mincore.
   Windows: nothing (no cachestat there). */
void sf_no_cachestat(void);
/* madvise(MADV_PAGEOUT) succeeds and does nothing (POSIX; a no-op on Windows),
   as on a kernel that reclaims nothing of the view; until sf_reset(). */
void sf_noop_pageout(void);
#if !defined(_WIN32)
/* The first madvise(MADV_POPULATE_WRITE) made by a thread other than the
   caller of this function sleeps `ms` before it populates (the provisioning
   helper, descheduled); until sf_reset(). POSIX only: Windows has no helper
   thread. */
void sf_stall_other_thread_populate(unsigned ms);
/* Record the madvise(MADV_RANDOM) calls (no read-ahead) from now on, until
   sf_reset(): how many, and the address and length of the first 8. */
void sf_record_random(void);
int sf_random_calls(void **addr, size_t *len, int max);
#endif

#endif
