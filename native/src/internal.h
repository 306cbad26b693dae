/*
 * internal.h - cross-file internals of libmemmap (names start with _mm_).
 *
 * Layout (mimalloc style):
 *   ../include/memmap.h      the heap's API, documented per function
 *   ../include/memmap_lab.h  the lab driver (runs, budgets, process figures,
 *                            stale-file cleanup, calls for tests)
 *   error.c      messages, mm_strerror, version, process figures
 *   config.c     defaults and the ONE size/enum validation function
 *   os.c         the portable OS layer (the _mm_os_* contract below): naming
 *                and retry, preconditions, chunked copy and populate with
 *                cancellation, and every message of the OS layer
 *   prim/prim.h  the raw OS contract under os.c (codes plus the OS error, no
 *                words), implemented by one file per platform, each chosen by
 *                its own #if: prim/unix/prim.c (mmap, ftruncate, fallocate,
 *                madvise, memfd_create, ...) and prim/windows/prim.c
 *                (CreateFileMappingW, MapViewOfFileEx, VirtualAlloc2, ...);
 *                they also hold the OS figures (process stats, memory room,
 *                the stale-file check); each makes its system calls
 *                through a table the tests override (fault injection,
 *                _mm_prim_set_syscall below)
 *   memlimit.c   how much memory page-file backings and the C heap may take
 *   events.c     the event ring
 *   heap.c       the allocator: free lists, bump, growth, views, counters,
 *                provisioning ahead of the cursor
 *   scenario.c   the lab driver: the seed's test scenarios, steppable; reads
 *                the MEMMAP_PROVISION_* knobs for a run's heap
 *   budget.c     address and memory budgets of a run
 *   insight.c    issue 16: the tick clock and its calibration, the latency
 *                histograms (the residency, eviction and fault-cost logic
 *                over the prim calls is in os.c, with its words)
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include "../include/memmap_lab.h"
#include "prim/prim.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MM_ERRLEN 512
#define MM_PATHLEN 4096
#define MM_SIZE_CAP ((uint64_t)1 << 48)          /* absurd-size cap */
#define MM_GRAN_CAP ((uint64_t)1 << 30)          /* granularity cap: 1 GiB */
#define MM_EVENT_CAP ((uint32_t)1 << 24)         /* event ring cap */
#define MM_4GIB ((uint64_t)1 << 32)

/* ---- error.c ----------------------------------------------------------- */
/* Format a message into buf (always NUL-terminated); returns code. */
int _mm_fmt(char *buf, size_t len, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
int _mm_vfmt(char *buf, size_t len, int code, const char *fmt, va_list ap);
/* The one "disk full" message of both OS layers: the directory of path (up
   to its last sep), the bytes growing from old to new_size needs, and the
   bytes free there. Returns MM_ENOSPC. */
int _mm_err_disk_full(char *err, size_t errlen, const char *path, char sep, uint64_t old, uint64_t new_size,
                      uint64_t free_bytes);

/* The one "file too large" message of both OS layers (MM_EFBIG): limit is
   the process's file-size limit in bytes, 0 when none applies (then it was
   the file system's). */
int _mm_err_file_too_big(char *err, size_t errlen, const char *path, uint64_t new_size, uint64_t limit);

/* ---- config.c ---------------------------------------------------------- */
/* The one validation function, used by mm_config_validate and
   mm_heap_open. When resolved_dir is not NULL (and mode is disk) the
   absolute directory is stored there. */
int _mm_config_check(const mm_config *cfg, char *msg, size_t msg_len,
                     char *resolved_dir, size_t resolved_len);

/* ---- os layer (os.c over prim/prim.h) ------------------------------------
 * Contract:
 *  - Every function returns MM_OK or a negative MM_E* code and, on failure,
 *    writes one sentence into err (which call failed, the OS's text, context).
 *    os.c writes every such sentence; the platform files under prim/ make the
 *    system calls and return OS error numbers (prim/prim.h).
 *  - A "backing" is the object a mapping is made over: a page-file backing
 *    (memfd on Linux, an unlinked shm object elsewhere, a page-file section on
 *    Windows) or a disk file.
 *  - _mm_os_backing_resize reserves the space (fallocate) before the file
 *    is allowed to grow, so a later write through a mapping never hits an
 *    unbacked page (no SIGBUS on a full disk): ENOSPC becomes MM_ENOSPC.
 *  - Views are mapped shared read/write at a file offset that is a
 *    multiple of the granularity.
 */
typedef struct _mm_backing {
    _mm_prim_handle os;     /* the platform's handles (prim.h); closed after _mm_os_backing_init */
    int is_disk;
    uint64_t size;          /* current size of the backing */
    char path[MM_PATHLEN];  /* disk file path ("" for page file) */
    uint64_t unwritten_from; /* hint set by the heap before mapping a view: no byte
                                at or past this offset was ever written (an OS
                                layer may skip read-ahead there); 0 = all fresh */
    uint64_t backed;        /* [0, backed) is backed (fallocated); backed <= size.
                               _mm_os_backing_resize backs all of it; after
                               _mm_os_backing_extend the rest is backed chunk by
                               chunk with _mm_os_backing_provision */
} _mm_backing;

/* The platform's facts, as data (prim.h: _mm_os_traits). */
const _mm_os_traits *_mm_os_traits_get(void);

/* ---- fault injection (tests) -------------------------------------------------
   Each platform file makes its system calls through a table of
   {name, current, default} (SQLite's aSyscall[] in os_unix.c). A test
   replaces an entry by name with a function of the same signature; the
   call sites then call it instead of the real call. The names and
   signatures (the real call's, except where noted):
   POSIX (prim/unix/prim.c):
     "open"            int (const char *path, int flags, int mode)
     "memfd_create"    int (const char *name, unsigned flags)    (-1/ENOSYS off Linux)
     "shm_open"        int (const char *name, int flags, int mode)
     "ftruncate"       int (int fd, off_t size)
     "fallocate"       int (int fd, int mode, off_t off, off_t len)  (Linux)
     "posix_fallocate" int (int fd, off_t off, off_t len)        (returns the error)
     "mmap"            void *(void *addr, size_t len, int prot, int flags, int fd, off_t off)
     "munmap"          int (void *addr, size_t len)
     "madvise"         int (void *addr, size_t len, int advice)
     "copy_file_range" ssize_t (int in, off_t *in_off, int out, off_t *out_off, size_t len, unsigned flags)
     "pread"           ssize_t (int fd, void *buf, size_t len, off_t off)
     "pwrite"          ssize_t (int fd, const void *buf, size_t len, off_t off)
     "unlink"          int (const char *path)
     "cachestat"       int (unsigned fd, void *range, void *cstat, unsigned flags)  (syscall(2))
     "mincore"         int (void *addr, size_t len, unsigned char *vec)
     "posix_fadvise"   int (int fd, off_t off, off_t len, int advice)  (returns the error)
     "msync"           int (void *addr, size_t len, int flags)
     "fdatasync"       int (int fd)
   Windows (prim/windows/prim.c), every one WINAPI, with the Win32
   signature: "CreateFileW", "CreateFileMappingW", "SetFilePointerEx",
   "SetEndOfFile", "SetFileInformationByHandle", "WriteFile",
   "MapViewOfFile" (the temporary views of the growth copy and of reads),
   "MapViewOfFileEx" (views), "MapViewOfFile3" (views in a reservation),
   "UnmapViewOfFile", "UnmapViewOfFile2", "VirtualAlloc", "VirtualAlloc2",
   "VirtualFree", "PrefetchVirtualMemory", "DeleteFileW", "FlushViewOfFile",
   "FlushFileBuffers", "VirtualUnlock", "QueryWorkingSetEx"
   (K32QueryWorkingSetEx), "GetDiskFreeSpaceExW", "LockFileEx".
   VirtualAlloc2, MapViewOfFile3, UnmapViewOfFile2 and PrefetchVirtualMemory
   are looked up at run time; where missing their entries fail with
   ERROR_CALL_NOT_IMPLEMENTED. */
/* Portable (os.c), over the platform's table (_mm_prim_syscalls). Set the entry name to fn (NULL: back to the real call); *old (may be
   NULL) gets the entry's previous value. name NULL resets every entry.
   Returns MM_OK, or MM_EINVAL for a name not in the table. */
int _mm_prim_set_syscall(const char *name, _mm_syscall_ptr fn, _mm_syscall_ptr *old);
/* The entry's current value, or NULL for a name not in the table. */
_mm_syscall_ptr _mm_prim_get_syscall(const char *name);
/* The name after name in the table (name NULL: the first), NULL after the last. */
const char *_mm_prim_next_syscall(const char *name);

uint64_t _mm_os_page_size(void);
uint64_t _mm_os_granularity(void);
uint64_t _mm_os_now_ns(void);        /* a monotonic clock */

/* Default directory for disk files: $TMPDIR or /tmp. */
const char *_mm_os_temp_dir(void);
/* Resolve dir to an absolute path, check it is a writable directory. */
int _mm_os_check_dir(const char *dir, char *out, size_t out_len, char *err, size_t errlen);

/* A closed backing (what _mm_os_backing_close leaves). */
void _mm_os_backing_init(_mm_backing *b);
/* Create an empty backing. Disk: <dir>/<prefix>-<pid>-<counter>.mmap. */
int _mm_os_backing_create(_mm_backing *b, int is_disk, const char *dir,
                          const char *prefix, char *err, size_t errlen);
/* Grow (or set) the backing to new_size, reserving the space. */
int _mm_os_backing_resize(_mm_backing *b, uint64_t new_size, char *err, size_t errlen);
/* Set the size to new_size WITHOUT backing the new part (ftruncate only):
   nothing may write through a mapping past b->backed until
   _mm_os_backing_provision has backed it. Only where the traits say
   provisions_in_chunks; elsewhere it is _mm_os_backing_resize. */
int _mm_os_backing_extend(_mm_backing *b, uint64_t new_size, char *err, size_t errlen);
/* Back [b->backed, to) (fallocate; to <= b->size): ENOSPC/ENOMEM become
   MM_ENOSPC with the same words as a failed growth, and b->backed stays. */
int _mm_os_backing_provision(_mm_backing *b, uint64_t to, char *err, size_t errlen);
/* Close and (disk) remove. Safe on a closed backing. */
void _mm_os_backing_close(_mm_backing *b);
/* Copy len bytes from the start of src to the start of dst through file
   I/O (not counted as views). Checks *cancel between chunks. */
int _mm_os_backing_copy(_mm_backing *dst, const _mm_backing *src, uint64_t len,
                        const atomic_int *cancel, char *err, size_t errlen);
/* Read len bytes at off through file I/O (the uncounted verification path). */
int _mm_os_backing_pread(const _mm_backing *b, void *dst, uint64_t len, uint64_t off,
                         char *err, size_t errlen);
/* Bytes the backing occupies on its device (st_blocks * 512). */
uint64_t _mm_os_backing_allocated(const _mm_backing *b);

/* Map len bytes of b at file offset off. fixed = 0: addr is a hint
   (the preferred address; anywhere else is fine). fixed = 1: exactly at
   addr, replacing what is there (used inside a reservation). */
int _mm_os_map(const _mm_backing *b, uint64_t off, uint64_t len, void *addr, int fixed,
               void **out, char *err, size_t errlen);
/* Unmap a view. in_reservation = 1: turn the range back into reserved
   (PROT_NONE) address space instead of releasing it. */
int _mm_os_unmap(void *addr, uint64_t len, int in_reservation);
/* Reserve len bytes of address space (no access, no memory). */
int _mm_os_reserve(uint64_t len, void **out, char *err, size_t errlen);
void _mm_os_release(void *addr, uint64_t len);
/* Make [addr, addr+len) resident and writable (MADV_POPULATE_WRITE in
   chunks, else touching each page). Failure is an error, never SIGBUS
   (when the space was reserved by _mm_os_backing_resize). */
int _mm_os_populate(void *addr, uint64_t len, const atomic_int *cancel, char *err,
                    size_t errlen);
int _mm_os_process_stats(mm_process_stats *out);

/* Memory that page-file backings may still take: Linux min(MemAvailable,
   cgroup limit - cgroup usage); Windows the commit limit left; macOS the
   physical memory. MM_OK, or MM_ENOTSUP when nothing is known. */
typedef struct _mm_memroom {
    uint64_t room;            /* bytes */
    int limited_by_process;   /* 1: a memory limit of this process (cgroup) is the smaller
                                 one; 2: its address-space limit (RLIMIT_AS) */
    char source[200];         /* where the figure comes from, for the message */
} _mm_memroom;
int _mm_os_memory_room(_mm_memroom *out);
/* Address space the process may still map: POSIX the RLIMIT_AS limit less
   the virtual size now; MM_ENOTSUP when there is no such limit. */
int _mm_os_address_room(_mm_memroom *out);
/* Remove the disk file at path only if it is provably a dead runner's:
   a regular file (not a link) of this process's user, carrying the marker
   the library writes on its disk files, and whose lock (held by a live
   owner for as long as it has the file open) can be taken. 1 removed,
   0 kept; msg says which and why. */
int _mm_os_remove_if_stale(const char *path, char *msg, size_t msglen);
/* Tests: read /proc and /sys/fs/cgroup under root instead (NULL: the real
   ones). POSIX only; a no-op elsewhere. */
void _mm_os_set_sysfs_root(const char *root);

/* ---- memlimit.c ---------------------------------------------------------- */
/* What a room of free memory leaves for page-file backings once the safety
   margin (an eighth, at least 128 MiB) is kept free. */
uint64_t _mm_mem_usable(uint64_t room);
/* Can page-file backings that hold `held` bytes take `extra` more?
   MM_OK, or MM_ENOMEM with "page-file mode needs X but this machine can give
   about Y; use disk mode or fewer items". copying: the old backing stays
   while a growth copies into the new one. */
int _mm_pagefile_room_check(uint64_t held, uint64_t extra, int copying, char *err, size_t errlen);
/* Can `need` bytes of C-heap memory be taken, given the machine's room and
   the process's address-space limit? MM_OK, or MM_ENOMEM with "<what>
   about X but this process's memory limit can give about Y; use fewer
   items" (what ends with its verb: "the baseline needs"). */
int _mm_heap_memory_check(const char *what, uint64_t need, char *err, size_t errlen);

/* ---- events.c ---------------------------------------------------------- */
typedef struct _mm_ring {
    mm_event *buf;
    uint32_t cap, head, count;
    uint64_t seq, dropped;
} _mm_ring;

int _mm_ring_init(_mm_ring *r, uint32_t cap);
void _mm_ring_free(_mm_ring *r);
void _mm_ring_push(_mm_ring *r, const mm_event *ev);
uint32_t _mm_ring_drain(_mm_ring *r, mm_event *out, uint32_t max, uint64_t *dropped);

/* ---- heap.c (used by scenario.c) --------------------------------------- */
/* Bits of the event kinds that happened since the last reset, kept even
   when the ring is off (for mm_run_step's until_mask). */
uint32_t _mm_heap_take_event_bits(mm_heap *h);
void _mm_heap_set_op(mm_heap *h, uint64_t op);
void _mm_heap_set_cancel(mm_heap *h, const atomic_int *cancel);
/* Read a block without touching counters or the view: from the view when
   the block lies in it, else through file I/O. */
int _mm_heap_read_uncounted(mm_heap *h, const mm_locator *loc, void *dst, uint32_t len);
char *_mm_heap_errbuf(mm_heap *h);
/* The heap's time (issue 16): in its calls (alloc/deref/free), in view
   map/unmap outside growth, and in growth; and the process's page faults
   during growths (their time is growth time). */
void _mm_heap_times(const mm_heap *h, uint64_t *book_ns, uint64_t *map_ns, uint64_t *grow_ns, uint64_t *grow_faults);
/* ---- scenario.c (for tests) --------------------------------------------- */
/* Set the snapshot's sequence word (odd: a writer "stuck" mid-publish). */
void _mm_run_set_seq(mm_run *r, unsigned seq);


/* ---- budget.c (issue 15) --------------------------------------------------- */
typedef struct _mm_budget {
    mm_budget_state st;
    uint64_t measured_at_count;  /* counted_bytes at the last measurement */
    uint64_t last_measure_ns;
    uint64_t ops_since_measure;
} _mm_budget;

/* Start a run's budget accounting (measures the process's virtual size). */
void _mm_budget_init(_mm_budget *b, const mm_budget *req);
static inline int _mm_budget_on(const _mm_budget *b) { return b->st.address_bytes || b->st.memory_bytes; }
/* The bytes glibc's malloc takes for a request (the chunk: request + 8,
   rounded up to 16, at least 32; a request of 128 KiB or more is mmapped:
   rounded up to the page, plus a page). */
uint64_t _mm_malloc_footprint(uint64_t request);
/* Can the run take `bytes` more of C heap? MM_OK (and counts them), or
   MM_ENOMEM with the wall's sentence in err (who: "the heap"). item and
   stored say where the run is. */
int _mm_budget_take(_mm_budget *b, uint64_t bytes, uint64_t item, uint64_t stored, const char *who,
                    char *err, size_t errlen);
void _mm_budget_give(_mm_budget *b, uint64_t bytes);
/* After one operation of a mapped scenario (event_bits: 1 << kind of the
   events it produced): measure the virtual size when it mapped, and every
   4096 operations; MM_ENOMEM at the wall (stored: the heap's live bytes). */
int _mm_budget_after_op(_mm_budget *b, uint32_t event_bits, uint64_t item, const mm_heap *heap, const char *who,
                        char *err, size_t errlen);
/* The OS part (RLIMIT_AS); see mm_process_address_limit_set. */
int _mm_os_address_limit_set(uint64_t limit, uint64_t *previous, char *msg, size_t msg_len);

/* ---- insight.c (issue 16) -------------------------------------------------- */
/* A latency histogram (mm_latency without the percentiles). */
typedef struct _mm_hist {
    uint64_t count;                     /* operations (the caller counts them) */
    uint64_t timed, sum_ns, min_ns, max_ns; /* of the timed ones (_mm_hist_add) */
    uint64_t b[MM_LATENCY_BUCKETS];
} _mm_hist;
/* The tick counter (prim) and ticks -> ns with the calibrated rate. */
#if defined(MM_NO_LATENCY) /* bench/latency-overhead.mjs: the build without timing */
static inline uint64_t _mm_tick(void) { return 0; }
#else
static inline uint64_t _mm_tick(void) { return _mm_prim_ticks(); }
#endif
uint64_t _mm_ticks_to_ns(uint64_t ticks);
/* Calibrate the tick rate once per process (about 2 ms the first time). */
void _mm_clock_init(void);
/* The bucket of a duration. */
uint32_t _mm_lat_bucket(uint64_t ns);
static inline void _mm_hist_add(_mm_hist *h, uint64_t ns) {
    h->timed++;
    h->sum_ns += ns;
    if (ns > h->max_ns) h->max_ns = ns;
    if (ns < h->min_ns || h->timed == 1) h->min_ns = ns;
    h->b[_mm_lat_bucket(ns)]++;
}
/* Fill out (with percentiles) from h. */
void _mm_hist_read(const _mm_hist *h, mm_latency *out);
/* The own time of all count calls of a sampled kind (alloc, deref, free), of
   which timed were timed: first_ns is the time of the first
   MM_LATENCY_TIMED_FIRST (every one timed, so taken as it is: they are the
   slow ones of a run, cold caches and first touches), rest_ns that of the
   timed ones after them, scaled up to all the calls after them. */
static inline double _mm_scaled_self_ns(uint64_t count, uint64_t timed, uint64_t first_ns, uint64_t rest_ns) {
    uint64_t first = count < MM_LATENCY_TIMED_FIRST ? count : MM_LATENCY_TIMED_FIRST;
    if (timed > first) return (double)first_ns + (double)rest_ns * (double)(count - first) / (double)(timed - first);
    /* none after the first timed (yet): they stand for the rest */
    return timed ? (double)(first_ns + rest_ns) * (double)count / (double)timed : 0;
}

/* ---- os.c: residency, eviction, fault cost (issue 16) ---------------------- */
/* Residency of b's first file_bytes (see mm_heap_residency); view/view_off/
   view_len: the current view, for a platform that sees views only. */
int _mm_os_residency(const _mm_backing *b, uint64_t file_bytes, const void *view, uint64_t view_off,
                     uint64_t view_len, uint32_t max_cells, mm_residency *out, uint8_t *cells, char *err,
                     size_t errlen);
/* mm_heap_evict's OS part. */
int _mm_os_evict(const _mm_backing *b, void *view, uint64_t view_len, uint32_t *how, char *err, size_t errlen);
/* mm_fault_cost_get's probe, once per process. */
int _mm_os_fault_cost(mm_fault_cost *out);

#endif /* MM_INTERNAL_H */
