/*
 * memmap_lab.h - the lab around the heap of memmap.h: the seed's test
 * scenarios as steppable runs (mm_run_*), memory and address budgets,
 * figures of the process, the stale-file cleanup, and the calls meant for
 * tests. The runner binds these and the heap's facts; memmap.h alone is the
 * heap.
 *
 * The lab driver reads the heap's provisioning knobs from the environment
 * when it opens a run's heap (benchmarks): MEMMAP_PROVISION_CHUNK (bytes,
 * with an optional K, M or G suffix, at most 1 GiB), MEMMAP_PROVISION_AHEAD
 * (chunks, at most 4294967295; any other value of these two: mm_run_create
 * fails with MM_EINVAL and a sentence naming the variable),
 * MEMMAP_PROVISION_HELPER, MEMMAP_PROVISION_WHOLE, MEMMAP_PROVISION_ASSIST
 * and MEMMAP_PROVISION_POPULATE_ONLY (0 off, anything else on); see
 * mm_heap_options in memmap.h.
 */
#ifndef MEMMAP_LAB_H
#define MEMMAP_LAB_H

#include "memmap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    MM_SCENARIO_BASELINE = 0,  /* C heap + index (the seed's PerfGrowNoMemMap) */
    MM_SCENARIO_GROW = 1,      /* allocate n items, verify all */
    MM_SCENARIO_DELETIONS = 2, /* allocate n items, verify, free all */
    MM_SCENARIO_RANDOM = 3     /* the seed's DoMemRand mix */
} mm_scenario;

typedef struct mm_process_stats {
    uint64_t rss_bytes;         /* resident now */
    uint64_t peak_rss_bytes;    /* peak resident */
    uint64_t virtual_bytes;     /* virtual size now */
    uint64_t minor_faults;
    uint64_t major_faults;
} mm_process_stats;

/* Figures of the calling process. Thread-safe. */
MM_API int mm_process_stats_get(mm_process_stats *out);

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

/* Fill *cfg with the defaults (the heap's: mm_config_init). */
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

/* ---- insight of a run (issue 16) ---------------------------------------- */
typedef enum { MM_CACHE_WARM = 0, MM_CACHE_COLD = 1 } mm_cache;

/** Evict the file's pages before the verify phase (cold reads), with
 * mm_heap_evict, so that the read-back measures the device, not the page
 * cache. Call before the first mm_run_step.
 * @param[in] on  1 cold, 0 warm (the default).
 * @return MM_OK, or
 *   - MM_EINVAL: run is NULL, or the scenario is the baseline (it keeps its
 *     items in the C heap: there is no file to evict); mm_run_last_error says so;
 *   - MM_ESTATE: the run has started. */
MM_API int mm_run_set_cold_verify(mm_run *run, int on);

/* Where a run's time went, and its cache. The parts add up to elapsed_ns
   exactly (the time inside mm_run_step calls):
     copy_compare_ns + heap_ns + map_ns + grow_ns + fault_ns + evict_ns
       == elapsed_ns                                                      */
typedef struct mm_run_insight {
    int32_t cache;            /* mm_cache asked for */
    uint32_t evict_how;       /* MM_EVICT_* bits of the eviction (cold, once done) */
    uint64_t evict_ns;        /* the eviction's time */
    uint64_t resident_before_evict, resident_after_evict;  /* residency's resident_bytes */
    uint64_t elapsed_ns;      /* as mm_result */
    uint64_t copy_compare_ns; /* the lab's copying in and comparing out (memcpy, memcmp,
                                 the loop), less the fault time estimated inside it */
    uint64_t heap_ns;         /* alloc/deref/free bookkeeping outside map and growth */
    uint64_t map_ns;          /* mapping and unmapping views outside growth (with
                                 prefault: populating them too) */
    uint64_t grow_ns;         /* growth (its own views and copies included) */
    uint64_t fault_ns;        /* page faults: the faults the process counted during
                                 the steps, less those during growths (growth time),
                                 x mm_fault_cost_get's ns_per_fault; taken from
                                 copy/compare, then bookkeeping, then mapping (so at
                                 most their sum) */
    uint64_t minor_faults, major_faults;  /* the process's, during the steps */
    uint64_t ns_per_fault;    /* the estimate used */
    uint64_t growth_faults;   /* of minor_faults + major_faults, those during growths:
                                 the estimate is (minor + major - growth_faults) x
                                 ns_per_fault; fault_ns is less (capped) when copy/
                                 compare, bookkeeping and mapping had less left */
} mm_run_insight;

/** The run's insight figures (see mm_run_insight). For the baseline only
 * elapsed_ns and copy_compare_ns (all of it), faults and fault_ns are set.
 * @return MM_OK, or MM_EINVAL: run or out is NULL. Call between steps. */
MM_API int mm_run_insight_get(const mm_run *run, mm_run_insight *out);

#ifdef __cplusplus
}
#endif
#endif /* MEMMAP_LAB_H */
