/*
 * memmap.h - the MemMap heap of Calvin Hsia's "Mapped Files give very fast
 * access to huge amounts of data", as a portable C11 library.
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

typedef enum {
    MM_SCENARIO_BASELINE = 0,  /* C heap + index (the seed's PerfGrowNoMemMap) */
    MM_SCENARIO_GROW = 1,      /* allocate n items, verify all */
    MM_SCENARIO_DELETIONS = 2, /* allocate n items, verify, free all */
    MM_SCENARIO_RANDOM = 3     /* the seed's DoMemRand mix */
} mm_scenario;

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

/* Fill *cfg with the seed's defaults. */
MM_API void mm_config_init(mm_config *cfg);

/* Check a configuration without creating anything. On failure returns
   MM_EINVAL and writes one clear sentence (what is wrong, what is allowed)
   into msg (always NUL-terminated when msg_len > 0). */
MM_API int mm_config_validate(const mm_config *cfg, char *msg, size_t msg_len);

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

MM_API int mm_heap_stats(const struct mm_heap *heap, mm_stats *out);

typedef struct mm_process_stats {
    uint64_t rss_bytes;         /* resident now */
    uint64_t peak_rss_bytes;    /* peak resident */
    uint64_t virtual_bytes;     /* virtual size now */
    uint64_t minor_faults;
    uint64_t major_faults;
} mm_process_stats;

/* Figures of the calling process. Thread-safe. */
MM_API int mm_process_stats_get(mm_process_stats *out);

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

/* Move up to max events, oldest first, out of the heap's ring. Returns the
   number moved (>= 0) or a negative error. Events that did not fit in the
   ring are counted in *dropped (may be NULL) and then forgotten. */
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

/* Create a heap. Nothing is mapped until the first allocation (as the seed). */
MM_API int mm_heap_open(const mm_config *cfg, mm_heap **out);
/* Unmap, close, and remove the disk file. NULL is fine. */
MM_API void mm_heap_close(mm_heap *heap);

MM_API const char *mm_heap_last_error(const mm_heap *heap);
/* Absolute path of the disk file ("" in page-file mode or before creation). */
MM_API const char *mm_heap_file_path(const mm_heap *heap);

/* AllocateSpace: round size up to 4, reuse an exact-size free block (LIFO)
   or bump-allocate, doubling the file when full; map the block and return
   its address in *addr (may be NULL). size 0 counts an alloc and returns a
   zero locator, as the seed. */
MM_API int mm_alloc(mm_heap *heap, uint32_t size, mm_locator *loc, void **addr);
/* AllocateAndPut: mm_alloc, then copy size bytes of data into the block. */
MM_API int mm_alloc_put(mm_heap *heap, const void *data, uint32_t size, mm_locator *loc);
/* Dereference: map the block (may slide the view) and return its address. */
MM_API int mm_deref(mm_heap *heap, const mm_locator *loc, void **addr);
/* Dereference and copy len bytes (len <= loc->size) into dst. */
MM_API int mm_read(mm_heap *heap, const mm_locator *loc, void *dst, uint32_t len);
/* Deallocate: push the block on the free list of its size. */
MM_API int mm_free(mm_heap *heap, const mm_locator *loc);

/* Walk the free lists and check the heap's invariants (no block outside
   the used part of the file, no two free blocks overlapping, counters
   consistent). MM_OK or MM_ESTATE with a message. For tests. */
MM_API int mm_heap_check(mm_heap *heap);

/* ---- scenarios, steppable ---------------------------------------------- */
typedef struct mm_run_config {
    mm_config heap;
    int32_t scenario;      /* mm_scenario */
    uint32_t seed;         /* random: srand() seed, default 1 */
    uint64_t items;        /* numItems, default 100000 */
} mm_run_config;

MM_API void mm_run_config_init(mm_run_config *cfg);

typedef struct mm_run mm_run;

typedef enum {
    MM_PHASE_ALLOC = 0, MM_PHASE_VERIFY = 1, MM_PHASE_FREE = 2,
    MM_PHASE_RANDOM = 3, MM_PHASE_DONE = 4
} mm_phase;

/* Progress snapshot. Thread-safe: may be called while mm_run_step runs on
   another thread (values are read without tearing; while it works they may
   be up to 64 operations old; between calls they are exact). Never waits
   for ever: when no consistent copy can be read within 200 ms (a writer
   stopped in the middle of publishing) it returns MM_ESTATE and zeros. */
typedef struct mm_snapshot {
    uint64_t ops_done;      /* operations completed so far */
    uint64_t ops_total;     /* best estimate of operations in the whole run */
    uint64_t items_done;    /* items of the main loop done (0..items) */
    int32_t phase;          /* mm_phase */
    int32_t finished;       /* 1 once the run has ended (ok or not) */
    mm_stats stats;
} mm_snapshot;

typedef struct mm_result {
    int32_t status;         /* MM_OK or the error that ended the run */
    int32_t verified;       /* 1 when every stored byte read back */
    uint64_t elapsed_ns;    /* time inside mm_run_step calls */
    uint64_t fail_item;     /* MM_EVERIFY: item index */
    uint64_t fail_offset;   /* MM_EVERIFY: file offset of the first bad byte */
    uint32_t fail_expected; /* MM_EVERIFY: expected byte */
    uint32_t fail_found;    /* MM_EVERIFY: found byte */
    mm_stats stats;         /* the heap's counters at the end of the seed's
                               sequence of calls */
} mm_result;

MM_API int mm_run_create(const mm_run_config *cfg, mm_run **out);
/* mm_run_create that says why it failed: one sentence in msg (may be NULL;
   always NUL-terminated when msg_len > 0). Before taking C-heap memory for
   the baseline's items or the item index, it checks the need against the
   machine's available memory, the cgroup limit and the address-space limit
   (RLIMIT_AS), less a safety margin, and refuses with MM_ENOMEM. */
MM_API int mm_run_create_ex(const mm_run_config *cfg, mm_run **out, char *msg, size_t msg_len);
/* Do work: at most max_ops operations (0 = no limit), stopping right after
   the first operation that produced an event whose kind is in until_mask
   (0 = never), or once budget_ns of time has passed (0 = no limit). Stores
   the operations done in *ops (may be NULL). Returns MM_OK when more work
   remains, 1 when the run has finished successfully, or a negative error
   (the run is then finished). Events are recorded only when the heap's
   event_capacity > 0, but until_mask works either way. */
MM_API int mm_run_step(mm_run *run, uint64_t max_ops, uint32_t until_mask,
                       uint64_t budget_ns, uint64_t *ops);
/* Ask a working mm_run_step to stop as soon as possible (also inside a long
   growth copy); it then returns MM_ECANCELED. Thread-safe. */
MM_API void mm_run_cancel(mm_run *run);
MM_API int mm_run_snapshot(const mm_run *run, mm_snapshot *out);
MM_API int mm_run_result(const mm_run *run, mm_result *out);
MM_API mm_heap *mm_run_heap(mm_run *run);   /* NULL for baseline */
MM_API const char *mm_run_last_error(const mm_run *run);
/* Close the heap (removing its file) and free the run. NULL is fine. */
MM_API void mm_run_destroy(mm_run *run);

/* ---- library and OS facts ---------------------------------------------- */
MM_API const char *mm_version(void);
MM_API uint64_t mm_os_page_size(void);
/* The OS allocation granularity (64 KiB on Windows, the page size on POSIX). */
MM_API uint64_t mm_os_allocation_granularity(void);
MM_API const char *mm_strerror(int code);

/* ---- additions (after the first contract) ------------------------------- */
/* Bytes the heap's backing occupies on its device or in memory
   (st_blocks * 512; 0 before the first allocation). */
MM_API int mm_heap_disk_bytes(const mm_heap *heap, uint64_t *out);

/* Stale-file cleanup: remove the disk file at path only if it is provably
   the file of a heap whose process is gone: a regular file (not a symbolic
   link) owned by this process's user, carrying the marker this library
   writes on every disk file it creates (an extended attribute), and not
   locked (the library holds an exclusive advisory lock on each disk file
   while it is open; the kernel drops it when the process ends, in any PID
   namespace or container). Returns 1 when removed, 0 when kept, MM_EINVAL
   for a NULL or empty path; msg (may be NULL) says what was done and why. */
MM_API int mm_disk_file_remove_if_stale(const char *path, char *msg, size_t msg_len);


/* ---- budgets (issue 15: "50 GB from a 4 GB process") -------------------- */
/* An address budget emulates a smaller process (the seed's 32-bit, "4 GB"):
   the address space a run may add beyond what the process had when the run
   was created. The library enforces it itself, so that the process around
   it (a JavaScript runtime) keeps working when the run hits its wall:
    - before it takes C-heap memory that grows with the items (the baseline's
      items, counted as glibc sizes each malloc chunk; the item index; the
      locators), it checks its own count against the budget;
    - after every operation that maps (a view, a new mapping, a growth) and
      every 4096 operations, it measures the process's virtual size and
      compares its growth since the run was created with the budget.
   Either wall ends the run with MM_ENOMEM and one sentence, e.g. "the heap
   ran out of its 4 GiB address budget at item 1,987,654 (3.70 GiB
   stored)"; the counters reached are kept (mm_run_result), and
   mm_run_budget_state says where the wall was.
   A memory budget is counted by the library only for the baseline's items
   (resident as soon as written), which stop 64 MiB (at most a quarter of
   the budget) short of it, leaving that for the process's runtime;
   everything else (page cache, page-file memory, the runtime) is the
   caller's to enforce, e.g. with a cgroup of that size. The address wall
   also keeps 64 MiB (at most a quarter) free: malloc's largest step. */
typedef struct mm_budget {
    uint64_t address_bytes;   /* 0: no address budget */
    uint64_t memory_bytes;    /* 0: no memory budget */
} mm_budget;

typedef enum { MM_BUDGET_NONE = 0, MM_BUDGET_ADDRESS = 1, MM_BUDGET_MEMORY = 2 } mm_budget_kind;

typedef struct mm_budget_state {
    uint64_t address_bytes;        /* the budgets of the run (0: none) */
    uint64_t memory_bytes;
    uint64_t base_virtual_bytes;   /* the process's virtual size when the run was created */
    uint64_t counted_bytes;        /* C-heap bytes the run holds, by its own count */
    uint64_t peak_counted_bytes;
    uint64_t virtual_growth_bytes; /* last measured virtual size less the base (0 if smaller) */
    uint64_t peak_virtual_growth_bytes;
    int32_t hit;                   /* mm_budget_kind of the wall that ended the run */
    int32_t reserved;
    uint64_t at_item;              /* the item that did not fit (items stored before it) */
    uint64_t stored_bytes;         /* bytes of items stored when the wall was hit */
} mm_budget_state;

/* mm_run_create_ex with budgets (budget may be NULL: none). With an address
   budget the baseline's up-front check counts only what fits in the budget
   (the wall stops the run there); with a memory budget it does not check
   the items at all (the caller gives the run that memory, e.g. a cgroup of
   that size, and the library's count stops the items at the budget). What
   the run takes at creation (index, locators) is counted against the
   budget and refused with the budget's sentence when it alone does not fit. */
MM_API int mm_run_create_budgeted(const mm_run_config *cfg, const mm_budget *budget, mm_run **out,
                                  char *msg, size_t msg_len);
/* Where the run stands against its budgets. Call between mm_run_step calls. */
MM_API int mm_run_budget_state(const mm_run *run, mm_budget_state *out);

/* The OS safety net behind the library's own wall: set the process's
   address-space limit (POSIX RLIMIT_AS, soft limit only, so it can be
   lifted again) to limit_bytes; UINT64_MAX lifts it. *previous (may be
   NULL) gets the limit before (UINT64_MAX: none). A limit above the hard
   limit is clamped to it. MM_ENOTSUP with the reason where the OS does
   not enforce such a limit (macOS does not enforce RLIMIT_AS; Windows has
   none: a job object's JOB_OBJECT_LIMIT_PROCESS_MEMORY counts committed
   private memory, not address space); msg (may be NULL) says so. */
MM_API int mm_process_address_limit_set(uint64_t limit_bytes, uint64_t *previous, char *msg, size_t msg_len);

#ifdef __cplusplus
}
#endif
#endif /* MEMMAP_H */
