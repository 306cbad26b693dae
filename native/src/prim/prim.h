/*
 * prim.h - the raw OS contract of libmemmap (after mimalloc's
 * include/mimalloc/prim.h): what each platform file implements, system
 * calls only.
 *
 *   prim/unix/prim.c     Linux, macOS and other POSIX systems
 *                        (compiled under #if !defined(_WIN32))
 *   prim/windows/prim.c  Windows (compiled under #if defined(_WIN32))
 *
 * The portable layer above it, os.c, implements the _mm_os_* contract of
 * internal.h on top of these calls: the name-and-retry loop for disk files,
 * the path-length check, the resize preconditions, the chunked copy and
 * populate loops with cancellation, touching pages, and every message the
 * OS layer writes.
 *
 * Conventions:
 *  - A call returns 0 on success or the OS error number: errno on POSIX,
 *    GetLastError() on Windows. It never writes a message. os.c turns the
 *    number into an MM_E* code with _mm_prim_code() and into words with
 *    _mm_prim_strerror().
 *  - What differs between platforms and is not a system call is data:
 *    _mm_prim_traits() (page size, granularity, can-grow-in-place, the
 *    names of the calls that messages quote, ...).
 *  - The platform's handles of a backing live in _mm_prim_handle, the only
 *    per-platform part of _mm_backing.
 */
#ifndef MM_PRIM_H
#define MM_PRIM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the system-call table ----------------------------------------------------
   Each platform file calls the OS through a table of {name, current,
   default} (after SQLite's aSyscall[]); os.c sets, reads and lists its
   entries by name for the tests' fault injection (internal.h). */
typedef void (*_mm_syscall_ptr)(void);
typedef struct {
    const char *name;
    _Atomic(_mm_syscall_ptr) cur; /* what the call sites call */
    _mm_syscall_ptr dflt;         /* the real call */
} _mm_syscall;
/* The platform's table and its number of entries. */
_mm_syscall *_mm_prim_syscalls(size_t *count);

/* The platform's part of a backing. */
#if defined(_WIN32)
typedef struct _mm_prim_handle {
    int open;           /* 1 from create to close (a page file has no section until its first resize) */
    void *file;         /* the disk file's HANDLE (NULL for a page-file backing) */
    void *section;      /* the file mapping object (NULL until sized) */
} _mm_prim_handle;
#else
typedef struct _mm_prim_handle {
    int fd;             /* -1 when closed */
} _mm_prim_handle;
#endif

/* Platform differences as data: each platform file describes itself once. */
typedef struct _mm_os_traits {
    const char *name;             /* "posix" or "windows" */
    int pagefile_grows_in_place;  /* a page-file backing can be extended in place
                                     (memfd/shm: yes; a Windows page-file section
                                     has a fixed size: no, so growth strategies
                                     remap and reserve copy into a new section
                                     instead, reported as MM_GROWTH_COPY) */
    int can_reserve;              /* address space can be reserved and views
                                     mapped into it (POSIX: PROT_NONE + MAP_FIXED;
                                     Windows: VirtualAlloc2/MapViewOfFile3
                                     placeholders, Windows 10 1803+; not in Wine 8)
                                     - else growth "reserve" falls back to remap */
    int provisions_in_chunks;     /* a backing can be made larger without backing the
                                     new part (_mm_os_backing_extend), and backed later
                                     in chunks (_mm_os_backing_provision): POSIX ftruncate
                                     + fallocate. Windows: no (a page-file section is
                                     committed whole; a disk file's allocation is set
                                     with its size) */
    char path_sep;                /* '/' or '\\' */
    const char *pagefile_name;    /* how messages name a page-file backing */
    const char *temp_dir_words;   /* what NULL disk_dir means, for messages */
    /* the calls messages quote, by step */
    const char *call_pagefile;    /* creating a page-file backing */
    const char *call_open;        /* creating a disk file */
    const char *call_size;        /* setting a backing's size */
    const char *call_allocate;    /* backing (reserving the space of) a range */
    const char *call_section;     /* making a mapping object of the new size, or NULL */
    const char *call_populate;    /* making a range resident and writable, or NULL (touch only) */
    int populate_is_hint;         /* that call is a hint: the pages are touched after it, and
                                     its failure is not an error (PrefetchVirtualMemory) */
    int residency_views_only;     /* residency can be asked of the process's views only
                                     (Windows QueryWorkingSetEx: the file cache is not
                                     visible), not of the file's pages (POSIX: 0) */
} _mm_os_traits;

typedef struct _mm_backing _mm_backing;

/* ---- facts -------------------------------------------------------------- */
const _mm_os_traits *_mm_prim_traits(void);
uint64_t _mm_prim_page_size(void);
uint64_t _mm_prim_granularity(void);   /* view offsets and addresses are multiples of it */
uint64_t _mm_prim_now_ns(void);        /* a monotonic clock */
int _mm_prim_pid(void);
const char *_mm_prim_temp_dir(void);   /* default directory for disk files */

/* ---- errors ------------------------------------------------------------- */
/* The MM_E* code of an OS error: no space -> MM_ENOSPC, no memory ->
   MM_ENOMEM, file too large -> MM_EFBIG, not supported -> MM_ENOTSUP,
   else MM_EIO. */
int _mm_prim_code(int oserr);
/* Is oserr "the file exists" (a name clash of an exclusive create)? */
int _mm_prim_exists(int oserr);
/* The OS's words for oserr, into buf (always NUL-terminated); returns buf. */
const char *_mm_prim_strerror(int oserr, char *buf, size_t len);
/* The OS error for an errno value (fault injection: ENOSPC, ENOMEM,
   EACCES, EMFILE, EFBIG, ENOSYS, EIO...). POSIX: e itself. */
int _mm_prim_from_errno(int e);

/* ---- directories ---------------------------------------------------------- */
typedef enum {
    _MM_DIR_OK = 0,
    _MM_DIR_BAD_NAME,       /* not valid text for the OS (Windows: UTF-8) or too long */
    _MM_DIR_UNRESOLVED,     /* cannot be made absolute / does not exist (oserr) */
    _MM_DIR_NOT_DIR,
    _MM_DIR_NOT_WRITABLE,   /* (oserr) */
} _mm_dir_check;
/* Resolve dir to an absolute path in out (out_len bytes) and check that it
   is a writable directory; *oserr is set for UNRESOLVED and NOT_WRITABLE. */
_mm_dir_check _mm_prim_resolve_dir(const char *dir, char *out, size_t out_len, int *oserr);

/* ---- backings ------------------------------------------------------------- */
void _mm_prim_backing_clear(_mm_backing *b);     /* closed, no handles */
int _mm_prim_backing_is_open(const _mm_backing *b);
/* A new page-file backing of size 0 (memfd, else an unlinked shm object;
   Windows: nothing yet, the section comes with the first resize). */
int _mm_prim_pagefile_create(_mm_backing *b);
/* Create the disk file b->path exclusively (fails with an error that
   _mm_prim_exists() accepts when the name is taken), lock and mark it. */
int _mm_prim_file_create(_mm_backing *b);

/* Which call of a growth failed. */
typedef enum {
    _MM_STEP_SIZE = 0,      /* setting the size (ftruncate / SetEndOfFile) */
    _MM_STEP_ALLOCATE,      /* reserving the space (fallocate / FileAllocationInfo) */
    _MM_STEP_SECTION,       /* the mapping object of the new size (Windows) */
    _MM_STEP_PAGEFILE,      /* creating the page-file backing (Windows: its section) */
    _MM_STEP_FIXED,         /* the backing cannot grow in place (a Windows page-file section) */
} _mm_step;
/* Grow b from b->size to new_size (> b->size) and back every new byte, so
   no write through a mapping can hit an unbacked page; undo what was done
   on failure (then *step says which call failed). Does not change b->size
   or b->backed (os.c does). */
int _mm_prim_grow(_mm_backing *b, uint64_t new_size, _mm_step *step);
/* Set the size only (POSIX ftruncate): [b->backed, new_size) stays a hole. */
int _mm_prim_set_size(_mm_backing *b, uint64_t new_size);
/* Back [off, off+len) (fallocate). */
int _mm_prim_allocate(_mm_backing *b, uint64_t off, uint64_t len);
void _mm_prim_backing_close(_mm_backing *b);   /* close, remove a disk file */
/* Bytes free on the device of a disk backing (0 if unknown). */
uint64_t _mm_prim_free_bytes(const _mm_backing *b);
/* The process's file-size limit if new_size passes it, else 0. */
uint64_t _mm_prim_file_size_limit(uint64_t new_size);
/* Bytes the backing occupies on its device. */
uint64_t _mm_prim_backing_allocated(const _mm_backing *b);

/* Scratch state of a chunked copy (buffer, method), freed by
   _mm_prim_copy_end. */
typedef struct _mm_prim_copy {
    void *buf;
    int plain;   /* 1: plain read/write (copy_file_range refused) */
} _mm_prim_copy;
/* Copy [off, off+len) from src to dst through file I/O; *done gets the
   bytes copied (> 0 on success, may be less than len). *call names the
   call that failed. */
int _mm_prim_copy_chunk(_mm_prim_copy *st, _mm_backing *dst, const _mm_backing *src, uint64_t off,
                        uint64_t len, uint64_t *done, const char **call);
void _mm_prim_copy_end(_mm_prim_copy *st);
/* Read [off, off+len) of b into dst through file I/O (not a view). */
int _mm_prim_read(const _mm_backing *b, void *dst, uint64_t len, uint64_t off, const char **call);

/* The stale-file check of a disk file (mm_disk_file_remove_if_stale): the
   file is removed only when it is provably a dead runner's. */
typedef enum {
    _MM_STALE_REMOVED = 0,     /* made by libmemmap, its owner gone: removed */
    _MM_STALE_BAD_PATH,        /* not valid for the OS or too long */
    _MM_STALE_SYMLINK,         /* a symbolic link (never followed) */
    _MM_STALE_CANNOT_OPEN,     /* (oserr) */
    _MM_STALE_OPEN,            /* open without sharing elsewhere: its runner has it open */
    _MM_STALE_NOT_REGULAR,
    _MM_STALE_OTHER_OWNER,     /* owner: its uid; self: this process's */
    _MM_STALE_NO_MARKER,       /* no marker of libmemmap: not a file this library made */
    _MM_STALE_LOCKED,          /* its runner holds the lock */
    _MM_STALE_REPLACED,        /* replaced while being checked */
    _MM_STALE_REMOVE_FAILED,   /* (oserr) */
} _mm_stale;
typedef struct _mm_stale_check {
    _mm_stale verdict;
    int oserr;
    unsigned owner, self;
} _mm_stale_check;
void _mm_prim_remove_if_stale(const char *path, _mm_stale_check *out);

/* ---- views and address space ------------------------------------------------ */
/* Map len bytes of b at file offset off (see _mm_os_map); *call names the
   call that failed. */
int _mm_prim_map(const _mm_backing *b, uint64_t off, uint64_t len, void *addr, int fixed, void **out,
                 const char **call);
int _mm_prim_unmap(void *addr, uint64_t len, int in_reservation);   /* 0 or an MM_E* code */
/* Reserve len bytes of no-access address space. An error that
   _mm_prim_code() calls MM_ENOTSUP: reservations are not possible here. */
int _mm_prim_reserve(uint64_t len, void **out);
void _mm_prim_release(void *addr, uint64_t len);

typedef enum {
    _MM_POP_DONE = 0,      /* the range is resident and writable */
    _MM_POP_TOUCH,         /* only a hint was given (or none): touch the pages */
    _MM_POP_UNSUPPORTED,   /* not possible here: touch, now and from now on */
    _MM_POP_AGAIN,         /* interrupted: call again */
    _MM_POP_FAILED,        /* *oserr says why */
    _MM_POP_NOBACKING,     /* the backing store could not be allocated (*oserr) */
} _mm_pop;
_mm_pop _mm_prim_populate(void *addr, uint64_t len, int *oserr);

/* ---- insight (issue 16): clock, residency, eviction, fault cost ----------- */
/* A cheap monotonic tick counter (x86-64 with an invariant TSC: rdtsc;
   arm64: cntvct_el0; Windows: QueryPerformanceCounter; else the monotonic
   clock in ns) and its rate in ticks per second (0: unknown, os.c
   calibrates it against _mm_prim_now_ns). */
uint64_t _mm_prim_ticks(void);
uint64_t _mm_prim_tick_hz(void);

/* Page-cache residency of [off, off+len) of the backing's file: cachestat(2)
   (Linux 6.5+, through syscall()), which also counts dirty pages. Returns
   0 with *resident and *dirty in pages, or an OS error (ENOSYS where the
   kernel or libc does not have it; Windows: always not supported). */
int _mm_prim_cachestat(const _mm_backing *b, uint64_t off, uint64_t len, uint64_t *resident,
                       uint64_t *dirty);
/* Residency of [off, off+len) of the backing's file through mincore(2)
   over a temporary read-only shared mapping of it (off and len multiples
   of the page size). vec gets one byte per page (bit 0: resident);
   len / page size bytes. Windows: not supported. */
int _mm_prim_mincore_file(const _mm_backing *b, uint64_t off, uint64_t len, unsigned char *vec);
/* Residency of the process's own mapped range [addr, addr+len) (page
   aligned): mincore on POSIX, QueryWorkingSetEx on Windows (valid and in
   this process's working set). vec as above. */
int _mm_prim_resident_range(const void *addr, uint64_t len, unsigned char *vec);

/* How _mm_prim_evict_drop and _mm_prim_evict_pageout evicted (bits). */
enum {
    _MM_EVICT_WRITEBACK = 1,   /* dirty pages written back and waited for (msync/fdatasync;
                                  FlushViewOfFile/FlushFileBuffers) */
    _MM_EVICT_FADVISE = 2,     /* posix_fadvise(POSIX_FADV_DONTNEED) on the file */
    _MM_EVICT_PAGEOUT = 4,     /* madvise(MADV_PAGEOUT) on the view */
    _MM_EVICT_TRIM = 8,        /* the view's pages left the working set (Windows VirtualUnlock) */
};
/* Eviction in two steps, so the caller can measure the view's residency
   between them (what the page-out took, not what the drop did):
   _mm_prim_evict_drop writes the backing's dirty pages back (the mapped view
   [view, view+vlen), may be NULL, and the file) and then drops the file's
   clean pages (posix_fadvise; nothing on Windows). *how gets the
   _MM_EVICT_WRITEBACK / _MM_EVICT_FADVISE bits of the steps that succeeded;
   returns 0 or the OS error of the write-back.
   _mm_prim_evict_pageout pages the mapped view out (madvise(MADV_PAGEOUT);
   the working-set trim on Windows): *how gets _MM_EVICT_PAGEOUT /
   _MM_EVICT_TRIM when the call succeeded (which is not proof that anything
   left memory). */
int _mm_prim_evict_drop(const _mm_backing *b, void *view, uint64_t vlen, unsigned *how);
void _mm_prim_evict_pageout(void *view, uint64_t vlen, unsigned *how);

/* The platform's cost of a page fault: map bytes of shared anonymous memory,
   touch each page once, and report the time taken and the page faults the
   process counted meanwhile (the minor-fault counter: getrusage ru_minflt;
   Windows GetProcessMemoryInfo PageFaultCount). */
int _mm_prim_fault_probe(uint64_t bytes, uint64_t *ns, uint64_t *faults);

/* The process's page-fault counters, cheaply (getrusage; Windows
   PageFaultCount as minor, major 0). */
void _mm_prim_fault_counts(uint64_t *minor, uint64_t *major);

#endif /* MM_PRIM_H */
