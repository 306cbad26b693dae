/*
 * memmap.h - the MemMap heap of Calvin Hsia's "Mapped Files give very fast
 * access to huge amounts of data", as a portable C11 library.
 *
 * This header is the heap's API only, each function documented with its
 * parameters, return value, the error codes it can return, and who owns
 * what (after LMDB's lmdb.h). The lab around the heap (the seed's
 * scenarios as steppable runs, budgets, process figures, the stale-file
 * cleanup and the calls for tests) is in memmap_lab.h, which includes this.
 *
 * A heap stores variable-size blobs in a file mapping (page-file backed or a
 * disk file), reaches them through a small sliding view moved across the
 * file, recycles freed blocks through exact-size LIFO free lists, doubles the
 * file when it is full and counts everything the seed's MemMap<T> counts.
 *
 * Conventions
 *  - Every function that can fail returns an int: MM_OK (0) on success, one
 *    of the negative MM_E* codes otherwise. mm_strerror() names a code;
 *    mm_heap_last_error()/mm_run_last_error() give the detailed message of
 *    the last failure on that object (what was wrong and what is allowed).
 *  - Nothing here aborts, asserts, exits or prints, on any input.
 *  - NULL handles are accepted everywhere and give MM_EINVAL.
 *  - A pointer returned into a view (mm_alloc, mm_deref) is valid only until
 *    the next call on the same heap: the view may slide or be re-created.
 *    Copy out (mm_read) anything that must outlive the call.
 *  - A heap or run is used by one thread at a time, except the functions
 *    marked "thread-safe", which another thread may call while a run works.
 */
#ifndef MEMMAP_H
#define MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  if defined(MM_BUILDING_DLL)
#    define MM_API __declspec(dllexport)
#  else
#    define MM_API __declspec(dllimport)
#  endif
#else
#  define MM_API __attribute__((visibility("default")))
#endif

#define MM_VERSION_STRING "0.1.0"

/* ---- error codes ------------------------------------------------------ */
enum {
    MM_OK = 0,
    MM_EINVAL = -1,     /* a bad argument; the message says what is allowed */
    MM_ENOMEM = -2,     /* out of memory or address space */
    MM_ENOSPC = -3,     /* no space left on the device (message: bytes needed) */
    MM_EIO = -4,        /* an OS call failed (message: which call, errno text) */
    MM_ETOOBIG = -5,    /* request not smaller than the view size */
    MM_EOVERFLOW = -6,  /* growth past what the offset width can address */
    MM_ECANCELED = -7,  /* mm_run_cancel() was called */
    MM_EVERIFY = -8,    /* a stored byte did not read back (see mm_result) */
    MM_ESTATE = -9,     /* call not valid in this state (e.g. run finished) */
    MM_ENOTSUP = -10,   /* not supported on this platform/configuration */
    MM_EFBIG = -11      /* the file would pass a file-size limit (the process's,
                           ulimit -f / RLIMIT_FSIZE, or the file system's); a
                           POSIX caller ignores SIGXFSZ to get this code */
};

/* Forward declaration (added): mm_heap_stats and mm_heap_events_drain name
   struct mm_heap before its typedef below; without this a C compiler scopes
   the struct to the parameter list and the declarations do not match. */
struct mm_heap;

/* ---- enumerations ----------------------------------------------------- */
typedef enum { MM_MODE_PAGEFILE = 0, MM_MODE_DISK = 1 } mm_mode;

typedef enum {
    MM_GROWTH_SEED = 0,    /* what the seed does: page file -> new mapping of
                              double size + block-by-block copy through views;
                              disk -> extend the file, re-create the mapping */
    MM_GROWTH_COPY = 1,    /* new backing of double size, one bulk copy */
    MM_GROWTH_REMAP = 2,   /* extend the backing in place, re-create the mapping */
    MM_GROWTH_RESERVE = 3  /* reserve address space once; extend the mapping in
                              place (no copy, stable addresses) */
} mm_growth;

typedef enum { MM_VIEW_SLIDING = 0, MM_VIEW_WHOLE = 1 } mm_view;

/* ---- configuration ------------------------------------------------------ */
typedef struct mm_config {
    int32_t mode;               /* mm_mode */
    int32_t growth;             /* mm_growth */
    int32_t view;               /* mm_view */
    int32_t offset_bits;        /* 32 or 64 */
    uint64_t initial_file_size; /* bytes; multiple of granularity; default 64 KiB */
    uint64_t view_size;         /* bytes; multiple of granularity, >= granularity; default 128 KiB */
    uint64_t granularity;       /* bytes; multiple of the OS page size; default 64 KiB */
    int32_t prefault;           /* 1: populate each new view/extension in one call */
    uint32_t event_capacity;    /* events kept in the ring; 0 = events off */
    const char *disk_dir;       /* disk mode: directory; NULL = OS temp dir */
    const char *name_prefix;    /* disk file name prefix; NULL = "memmap-lab";
                                   [A-Za-z0-9_-]{1,32} only */
} mm_config;

/** Fill a configuration with the seed's defaults.
 * @param[out] cfg  the configuration to fill (NULL: nothing is done).
 * Never fails. Thread-safe. */
MM_API void mm_config_init(mm_config *cfg);

/** Check a configuration without creating anything.
 * @param[in] cfg       the configuration (the caller keeps it).
 * @param[out] msg      on failure one sentence, what is wrong and what is
 *                      allowed; may be NULL. Always NUL-terminated when
 *                      msg_len > 0.
 * @param[in] msg_len   the size of msg.
 * @return MM_OK, or
 *   - MM_EINVAL: cfg is NULL or a field is out of range (the sentence names it;
 *     in disk mode also a disk_dir that is not an existing, writable directory).
 * Thread-safe. */
MM_API int mm_config_validate(const mm_config *cfg, char *msg, size_t msg_len);

/* How far ahead of the bump cursor a heap backs its file (issue 14): a
   doubling is backed (fallocate; with prefault also populated) chunk by
   chunk as the cursor comes near, where the OS layer can do so. Benchmark
   knobs; mm_heap_options_init gives the defaults. The lab driver
   (memmap_lab.h) fills them from the MEMMAP_PROVISION_* environment
   variables. */
typedef struct mm_heap_options {
    uint64_t provision_chunk;         /* bytes per chunk (rounded up to the page, at most 1 GiB:
                                         more is taken as 1 GiB); 0: 2 MiB for the page file,
                                         4 MiB for a disk file */
    uint32_t provision_ahead;         /* chunks the helper thread keeps backed ahead; 0: as many
                                         as make 128 MiB */
    int32_t provision_helper;         /* a helper thread backs chunks ahead: 1 on, 0 off, -1: on */
    int32_t provision_whole;          /* 1: back whole doublings (the design before chunks); -1: 0 */
    int32_t provision_assist;         /* 1: a caller that caught up with the helper backs chunks
                                         too; -1: 1 */
    int32_t provision_populate_only;  /* 1: a memfd with prefault is backed by populating alone
                                         (no fallocate); -1: 1 */
} mm_heap_options;

/** Fill heap options with the defaults (what a NULL options pointer means).
 * @param[out] opt  the options to fill (NULL: nothing is done).
 * Never fails. Thread-safe. */
MM_API void mm_heap_options_init(mm_heap_options *opt);

/* ---- statistics --------------------------------------------------------- */
/* The seed's counters (MemMap<T>::stats) plus a few of ours. All 64-bit. */
typedef struct mm_stats {
    uint64_t allocs;            /* nAllocs: alloc requests */
    uint64_t deletions;         /* nDeletions: free requests */
    uint64_t recycled_allocs;   /* nAllocsUsingFreeList */
    uint64_t bytes_allocated;   /* nTotalAllocs: bytes, rounded, never decreases */
    uint64_t bytes_freed;       /* nTotalDeletions */
    uint64_t file_maps;         /* nFileMaps: mappings created */
    uint64_t map_views;         /* nMapViews: views mapped */
    uint64_t compactions;       /* nCompactions (always 0, as in the seed) */
    uint64_t free_list_bytes;   /* nFreeListSize */
    uint64_t file_size;         /* ulMemSize */
    uint64_t view_size;         /* uiViewSize */
    uint64_t initial_file_size; /* initialFileSize */
    uint64_t offset_free_mem;   /* ulOffsetFreeMem: bump pointer */
    uint64_t unmap_views;       /* views unmapped */
    uint64_t bytes_copied;      /* bytes copied by growth */
    uint64_t view_offset;       /* file offset of the current view */
    uint64_t view_length;       /* length of the current view (0 = none) */
} mm_stats;

/** The heap's counters.
 * @param[in] heap  the heap.
 * @param[out] out  the counters, copied.
 * @return MM_OK, or MM_EINVAL: heap or out is NULL.
 * Not thread-safe (while a run works, use mm_run_snapshot, memmap_lab.h). */
MM_API int mm_heap_stats(const struct mm_heap *heap, mm_stats *out);

/* ---- events ------------------------------------------------------------- */
typedef enum {
    MM_EVENT_ALLOC = 1,
    MM_EVENT_FREE = 2,
    MM_EVENT_MAP_VIEW = 3,
    MM_EVENT_UNMAP_VIEW = 4,
    MM_EVENT_GROW = 5,
    MM_EVENT_FILE_MAP = 6      /* a mapping (file mapping object) was created */
} mm_event_kind;

/* Bits for mm_run_step's until_mask: 1u << kind. */
#define MM_UNTIL(kind) (1u << (kind))

typedef struct mm_event {
    uint64_t seq;        /* 0, 1, 2 ... per heap */
    uint32_t kind;       /* mm_event_kind */
    uint32_t strategy;   /* GROW: mm_growth used */
    uint64_t offset;     /* ALLOC/FREE: block offset; MAP/UNMAP: view file offset */
    uint64_t size;       /* ALLOC/FREE: block size; MAP/UNMAP: view length */
    uint64_t address;    /* MAP/UNMAP: view address; ALLOC: address of the block */
    uint64_t old_size;   /* GROW: file size before */
    uint64_t new_size;   /* GROW: file size after; FILE_MAP: mapping size */
    uint64_t bytes_copied; /* GROW: bytes copied */
    uint64_t op;         /* scenario operation index when the event happened */
} mm_event;

/** Move events, oldest first, out of the heap's ring.
 * @param[in] heap      the heap.
 * @param[out] out      an array of max events (may be NULL when max is 0).
 * @param[in] max       how many fit in out.
 * @param[out] dropped  events that did not fit in the ring since the last
 *                      drain, then forgotten (may be NULL).
 * @return the number of events moved (>= 0), or
 *   - MM_EINVAL: heap is NULL, or out is NULL with max > 0.
 * With event_capacity 0 there are never any (returns 0). */
MM_API int mm_heap_events_drain(struct mm_heap *heap, mm_event *out, uint32_t max,
                                uint64_t *dropped);

/* ---- the heap ------------------------------------------------------------ */
typedef struct mm_heap mm_heap;

/* Where a block lives: as the seed's MapFileLocator (offset, size). With
   32-bit offsets, offset always fits in 32 bits. */
typedef struct mm_locator {
    uint64_t offset;
    uint32_t size;       /* rounded size (multiple of 4) */
    uint32_t reserved;
} mm_locator;

/** Create a heap. Nothing is created or mapped until the first allocation
 * (as the seed).
 * @param[in] cfg   the configuration, copied (the caller keeps it; its
 *                  strings are not kept either).
 * @param[out] out  the new heap; close it with mm_heap_close.
 * @return MM_OK, or
 *   - MM_EINVAL: out is NULL, or cfg is NULL or invalid (as mm_config_validate);
 *   - MM_ENOMEM: no memory for the heap's bookkeeping or event ring.
 * On failure *out is NULL (when out is not): the reason is not kept; call
 * mm_config_validate for the sentence. */
MM_API int mm_heap_open(const mm_config *cfg, mm_heap **out);

/** mm_heap_open with options.
 * @param[in] opt  provisioning options, copied (NULL: the defaults, as
 *                 mm_heap_options_init).
 * Otherwise as mm_heap_open, with the same errors. */
MM_API int mm_heap_open_ex(const mm_config *cfg, const mm_heap_options *opt, mm_heap **out);

/** Unmap every view, close the backing and remove the disk file.
 * @param[in] heap  the heap (NULL is fine); invalid afterwards, and so is
 *                  every address the heap returned. */
MM_API void mm_heap_close(mm_heap *heap);

/** The message of the heap's last failure: what was wrong and what is
 * allowed, or which OS call failed and the OS's words for it.
 * @return a string owned by the heap, valid until the next call on it;
 *         "heap is NULL" for NULL. */
MM_API const char *mm_heap_last_error(const mm_heap *heap);

/** The absolute path of the disk file.
 * @return a string owned by the heap: "" in page-file mode or before the
 *         first allocation created the file. */
MM_API const char *mm_heap_file_path(const mm_heap *heap);

/** AllocateSpace: round size up to 4, reuse an exact-size free block (LIFO)
 * or bump-allocate, doubling the file when full (by cfg.growth), and map the
 * block.
 * @param[in] heap    the heap.
 * @param[in] size    bytes; 0 counts an alloc and returns a zero locator,
 *                    as the seed.
 * @param[out] loc    where the block lives (keep it: mm_deref, mm_free).
 * @param[out] addr   the block's address, valid until the next call on the
 *                    heap (may be NULL).
 * @return MM_OK, or
 *   - MM_EINVAL: heap or loc is NULL;
 *   - MM_ETOOBIG: size is not smaller than the view (sliding view) or rounds
 *     past 32 bits;
 *   - MM_EOVERFLOW: the growth would pass what 32-bit offsets address;
 *   - MM_ENOMEM: out of memory or address space (a view, a mapping, the
 *     page-file room check, the table of blocks);
 *   - MM_ENOSPC: no space left on the device (the file's space is reserved
 *     before it grows, so never SIGBUS);
 *   - MM_EFBIG: the file would pass a file-size limit;
 *   - MM_EIO: another OS call failed;
 *   - MM_ECANCELED: the run that owns the heap was canceled during a growth.
 * After any failure the heap is still consistent and usable. */
MM_API int mm_alloc(mm_heap *heap, uint32_t size, mm_locator *loc, void **addr);

/** AllocateAndPut: mm_alloc, then copy size bytes of data into the block.
 * @param[in] data  size bytes (may be NULL when size is 0).
 * @return as mm_alloc; also MM_EINVAL when data is NULL with size > 0. */
MM_API int mm_alloc_put(mm_heap *heap, const void *data, uint32_t size, mm_locator *loc);

/** Dereference: map the block (the view may slide) and return its address.
 * @param[in] loc    a locator mm_alloc returned, not freed.
 * @param[out] addr  the address, valid until the next call on the heap (may
 *                   be NULL: only map it).
 * @return MM_OK, or
 *   - MM_EINVAL: heap or loc is NULL, or loc is not a block of the heap;
 *   - MM_ENOMEM, MM_EIO: mapping the view failed. */
MM_API int mm_deref(mm_heap *heap, const mm_locator *loc, void **addr);

/** Dereference and copy len bytes of the block into dst (the copy outlives
 * the call).
 * @param[in] len   at most loc->size.
 * @return as mm_deref; also MM_EINVAL when dst is NULL with len > 0 or len
 *         is larger than the block. */
MM_API int mm_read(mm_heap *heap, const mm_locator *loc, void *dst, uint32_t len);

/** Deallocate: push the block on the free list of its size.
 * @param[in] loc  the locator mm_alloc returned, unchanged, freed once.
 * @return MM_OK, or
 *   - MM_EINVAL: heap or loc is NULL, or loc is not a live block (freed
 *     already, made up, or of another size; the message says which);
 *   - MM_ENOMEM: no memory for the free list. */
MM_API int mm_free(mm_heap *heap, const mm_locator *loc);

/** Bytes the heap's backing occupies on its device or in memory (st_blocks
 * * 512 on POSIX; the allocation size on Windows).
 * @param[out] out  the bytes; 0 before the first allocation.
 * @return MM_OK, or MM_EINVAL: heap or out is NULL. */
MM_API int mm_heap_disk_bytes(const mm_heap *heap, uint64_t *out);

/* ---- insight: latency, growth stalls, residency, eviction (issue 16) ----- */
/* The operations whose latency a heap keeps. */
typedef enum {
    MM_OP_ALLOC = 0,       /* mm_alloc (and mm_alloc_put's allocation): every call that
                              counts in mm_stats.allocs, growth and mapping included */
    MM_OP_DEREF = 1,       /* mm_deref (and mm_read's dereference) that passed its checks */
    MM_OP_FREE = 2,        /* mm_free calls that count in mm_stats.deletions */
    MM_OP_MAP_VIEW = 3,    /* mapping a view (and populating it with prefault): one per
                              mm_stats.map_views, failed attempts included */
    MM_OP_UNMAP_VIEW = 4,  /* unmapping a view: one per mm_stats.unmap_views */
    MM_OP_GROW = 5         /* a growth of the file (one per MM_EVENT_GROW) */
} mm_op;
#define MM_OP_COUNT 6

/* Log-linear buckets: four per power of two of nanoseconds (a bucket is at
   most 25% wide). Bucket i holds durations in
   [mm_latency_bucket_floor(i), mm_latency_bucket_floor(i + 1)). */
#define MM_LATENCY_BUCKETS 252

/* alloc, deref and free are sampled: the first MM_LATENCY_TIMED_FIRST of each
   kind are timed, then one in MM_LATENCY_SAMPLE_EVERY on average (at random
   gaps, the same from run to run). Views and growths are timed every one. */
#define MM_LATENCY_TIMED_FIRST 256
#define MM_LATENCY_SAMPLE_EVERY 16

typedef struct mm_latency {
    uint64_t count;        /* operations (equal to the counter named above) */
    uint64_t timed;        /* of which timed: the histogram's samples (count for
                              views and growths; see MM_LATENCY_SAMPLE_EVERY) */
    uint64_t sum_ns;       /* the timed operations' total time */
    uint64_t min_ns, max_ns;  /* exact over the timed ones (0 when none was) */
    uint64_t p50_ns, p99_ns, p999_ns;  /* the duration at rank ceil(q * timed): the
                                          upper end of its bucket, at most max_ns */
    uint64_t buckets[MM_LATENCY_BUCKETS];  /* they add up to timed */
} mm_latency;

/** The latency histogram of one kind of operation on the heap.
 * Timing costs two reads of a tick counter per timed operation (rdtsc on x86-64
 * with an invariant TSC, cntvct_el0 on arm64, QueryPerformanceCounter on
 * Windows, else the monotonic clock); mm_latency_clock says which and what
 * a read costs here.
 * @param[in] heap  the heap.
 * @param[in] op    an mm_op.
 * @param[out] out  the histogram, with its percentiles.
 * @return MM_OK, or MM_EINVAL: heap or out is NULL, or op is not an mm_op
 *         (the heap's message says what is allowed).
 * Not thread-safe: call between operations (between mm_run_step calls). */
MM_API int mm_heap_latency(const struct mm_heap *heap, int op, mm_latency *out);

/** The lower end, in ns, of latency bucket i (0 <= i <= MM_LATENCY_BUCKETS;
 * i == MM_LATENCY_BUCKETS gives UINT64_MAX, the end of the last bucket;
 * larger i too). Thread-safe. */
MM_API uint64_t mm_latency_bucket_floor(uint32_t i);

typedef struct mm_clock_info {
    uint64_t tick_hz;        /* ticks per second of the counter the histograms use */
    uint64_t tick_read_ps;   /* measured cost of one read of it, picoseconds (the
                                mean of 20000 back-to-back reads, the best of 5 rounds) */
    uint64_t now_read_ps;    /* the same for the monotonic clock (clock_gettime /
                                QueryPerformanceCounter), for comparison */
    char source[32];         /* "rdtsc", "cntvct_el0", "QueryPerformanceCounter" or
                                "clock_gettime(CLOCK_MONOTONIC)" */
} mm_clock_info;

/** What the latency histograms time with, and what a read costs (measured
 * on the first call, about 5 ms; later calls return the same figures).
 * @return MM_OK, or MM_EINVAL: out is NULL. Thread-safe. */
MM_API int mm_latency_clock(mm_clock_info *out);

/* A growth of the file, as a stall of the thread that allocated. */
typedef struct mm_stall {
    uint64_t start_ns;      /* when it began, ns after the heap was opened */
    uint64_t duration_ns;
    uint64_t old_size, new_size;  /* file size before and after */
    uint64_t bytes_copied;
    uint32_t strategy;      /* mm_growth used (as the GROW event) */
    uint32_t reserved;
} mm_stall;

/** The heap's growth stalls, oldest first (a heap keeps the first
 * MM_STALLS_KEPT; a file that doubles from 64 KiB reaches 256 TiB in 32).
 * @param[out] out    an array of max stalls (may be NULL when max is 0).
 * @param[in] max     how many fit in out.
 * @param[out] total  growths so far (may be NULL), also those not kept.
 * @return the number of stalls copied (>= 0), or MM_EINVAL: heap is NULL, or
 *         out is NULL with max > 0. Not thread-safe. */
#define MM_STALLS_KEPT 64
MM_API int mm_heap_stalls(const struct mm_heap *heap, mm_stall *out, uint32_t max, uint64_t *total);

/* Cells of a residency strip: the low 4 bits are the resident level, the
   high 4 bits the dirty level, each 0..4 in quarters of the cell's bytes:
   0 none, 1..3 some (rounded to the nearest quarter but never to 0 or 4),
   4 all. */
#define MM_CELL_RESIDENT(c) ((unsigned)(c) & 15u)
#define MM_CELL_DIRTY(c) ((unsigned)(c) >> 4)

typedef struct mm_residency {
    uint64_t file_bytes;      /* the file's size (0 before the first allocation) */
    uint64_t resident_bytes;  /* bytes of it in RAM (views only: of the views) */
    uint64_t dirty_bytes;     /* not yet written back (cachestat only; else 0) */
    int32_t dirty_known;      /* 1: dirty_bytes and the dirty levels are measured */
    int32_t views_only;       /* 1: only the heap's views are visible (Windows) */
    uint64_t cell_bytes;      /* bytes per cell: a multiple of the page size */
    uint32_t cells;           /* cells written: ceil(file_bytes / cell_bytes) <= max_cells */
    uint32_t reserved;
    uint64_t cost_ns;         /* the time this call took */
    char source[72];          /* "cachestat", "mincore", "QueryWorkingSetEx (views only;
                                 the file cache is not visible)" or "none" (no file yet) */
} mm_residency;

/** Which pages of the heap's file are in RAM (page-file and disk mode).
 * Linux: cachestat(2) on the file's descriptor where the kernel has it
 * (6.5+; also counts dirty pages), else mincore(2) over a temporary
 * read-only mapping, 64 MiB at a time; macOS: mincore; Windows:
 * QueryWorkingSetEx over the current view (the file cache is not visible).
 * @param[in] heap       the heap.
 * @param[in] max_cells  the strip's resolution: at most this many cells (1 to
 *                       1048576); each cell covers cell_bytes, the smallest
 *                       multiple of the page size with ceil(file / cell) <= max_cells.
 * @param[out] out       the totals and the strip's shape.
 * @param[out] cells     max_cells bytes for the strip (MM_CELL_*), or NULL for
 *                       the totals only.
 * @return MM_OK, or
 *   - MM_EINVAL: heap or out is NULL, or max_cells is out of range;
 *   - MM_EIO / MM_ENOMEM: the OS call failed (the message names it).
 * Cost: cachestat one call per cell; mincore one byte per page. Not
 * thread-safe: call between operations (between mm_run_step calls). */
MM_API int mm_heap_residency(struct mm_heap *heap, uint32_t max_cells, mm_residency *out, uint8_t *cells);

/* How mm_heap_evict evicted (bits). */
enum {
    MM_EVICT_WRITEBACK = 1,  /* dirty pages written back and waited for (msync + fdatasync;
                                Windows FlushViewOfFile + FlushFileBuffers) */
    MM_EVICT_FADVISE = 2,    /* the file's clean pages dropped: posix_fadvise(POSIX_FADV_DONTNEED)
                                (disk files; a page-file memfd ignores it) */
    MM_EVICT_PAGEOUT = 4,    /* the view's pages reclaimed: madvise(MADV_PAGEOUT) (Linux 5.4+;
                                page-file memory goes to swap, so without swap it stays);
                                set only when the view's resident pages went down */
    MM_EVICT_TRIM = 8        /* Windows: the view's pages left the working set (VirtualUnlock);
                                the file cache keeps them (not visible, not evictable);
                                set only when the view's resident pages went down */
};

/** Evict the heap's file from memory as far as the OS allows (cold reads):
 * write back, then drop the file's pages and page out the current view.
 * @param[out] how  MM_EVICT_* bits of the steps that took effect (may be NULL).
 * @return MM_OK (also when nothing could be evicted: *how says what was
 *         done; 0 before the first allocation), or
 *   - MM_EINVAL: heap is NULL;
 *   - MM_EIO: the write-back failed (the message names the call).
 * Not thread-safe. */
MM_API int mm_heap_evict(struct mm_heap *heap, uint32_t *how);

typedef struct mm_fault_cost {
    uint64_t ns_per_fault;   /* the estimate: probe time / faults counted */
    uint64_t faults;         /* faults the probe counted */
    uint64_t pages;          /* pages it touched */
    uint64_t probe_ns;       /* the probe's time */
} mm_fault_cost;

/** The platform's cost of a page fault, measured once per process: 16 MiB
 * of shared anonymous memory (the kind a page-file backing is) mapped and
 * each page touched once; the time over the faults the OS counted (Linux
 * getrusage(RUSAGE_THREAD) ru_minflt; Windows PageFaultCount). A minor
 * fault only: a major fault's disk time is not in it.
 * @return MM_OK, or MM_EINVAL: out is NULL; MM_ENOMEM: the probe could not
 *         map its memory. Thread-safe. */
MM_API int mm_fault_cost_get(mm_fault_cost *out);

/* ---- library and OS facts ---------------------------------------------- */
/** The library's version, "MAJOR.MINOR.PATCH" (a static string). Thread-safe. */
MM_API const char *mm_version(void);
/** The OS page size in bytes. Thread-safe. */
MM_API uint64_t mm_os_page_size(void);
/** The OS allocation granularity (64 KiB on Windows, the page size on
 * POSIX): view offsets and sizes are multiples of it. Thread-safe. */
MM_API uint64_t mm_os_allocation_granularity(void);
/** What an MM_E* code means, in a few words (a static string; unknown codes
 * get "unknown error"). Thread-safe. */
MM_API const char *mm_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif /* MEMMAP_H */
