/*
 * budget.c - address and memory budgets for a run (issue 15: "50 GB from a
 * 4 GB process").
 *
 * The blog's claim is that a 32-bit process hits its 4 GB wall with the
 * heap, yet reaches 50 GB through a sliding view. A 64-bit runner has no
 * such wall, so a run can be given one: an address budget, the address
 * space the run may add beyond what the process had when the run was
 * created.
 *
 * Why the library counts instead of the OS alone: an OS limit on the whole
 * process (RLIMIT_AS) is shared with whoever hosts the library. In the
 * runner that is V8, which dies with a fatal error (SIGABRT) as soon as a
 * lazy compile or a GC cannot get address space after the C heap took the
 * last of it. So the library stops the run itself, with a sentence, before
 * it takes what does not fit:
 *  - C-heap memory that grows with the items (the baseline's items, each
 *    counted as glibc sizes its malloc chunk; the index; the locators) is
 *    checked against the budget before it is taken; the process's virtual
 *    size is measured every 4 MiB of it, and the larger of the two (the
 *    count, or the measured growth plus what was counted since) is what
 *    must fit, so malloc's own overhead counts too; 64 MiB are kept free
 *    for malloc's largest single step (a new arena heap);
 *  - a memory budget is counted the same way for the baseline's items (they
 *    are resident as soon as written), 64 MiB (at most a quarter) short of
 *    the budget, which stays for the process's runtime;
 *  - for the mapped scenarios the process's virtual size is measured after
 *    every operation that mapped (always for a new mapping or a growth, at
 *    most once a millisecond for a view slide) and every 4096 operations.
 * The caller may put the OS limit behind it as a safety net, with headroom
 * for its runtime (mm_process_address_limit_set).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#if defined(_WIN32)
/* nothing: Windows has no per-process address-space limit */
#else
#  include <sys/resource.h>
#endif

#define MEASURE_EVERY_BYTES ((uint64_t)4 << 20)
/* The largest step malloc takes in address space at once: glibc reserves a
   thread's arena 64 MiB at a time (HEAP_MAX_SIZE on 64-bit), and the
   baseline runs on koffi's worker thread. The C-heap wall keeps this much
   free, so that the measured virtual size stays within the budget even
   when the next malloc opens a new arena heap. */
#define MALLOC_STEP ((uint64_t)64 << 20)
#define MEASURE_EVERY_OPS 4096u
#define MEASURE_MIN_NS (1000u * 1000u)

/* "4 GiB" when exact, else "3.70 GiB"; "812 bytes" below 1 KiB */
static void size_text(char *buf, size_t len, uint64_t v) {
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    uint64_t scale = 1;
    while (u < 5 && v >= scale * 1024) {
        scale *= 1024;
        u++;
    }
    if (u == 0) snprintf(buf, len, "%llu bytes", (unsigned long long)v);
    else if (v % scale == 0) snprintf(buf, len, "%llu %s", (unsigned long long)(v / scale), units[u]);
    else snprintf(buf, len, "%.2f %s", (double)v / (double)scale, units[u]);
}

/* 1987654 -> "1,987,654" */
static void count_text(char *buf, size_t len, uint64_t v) {
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = 0;
}

static uint64_t virtual_now(void) {
    mm_process_stats ps;
    if (_mm_os_process_stats(&ps) != MM_OK) return 0;
    return ps.virtual_bytes;
}

void _mm_budget_init(_mm_budget *b, const mm_budget *req) {
    memset(b, 0, sizeof *b);
    if (!req) return;
    b->st.address_bytes = req->address_bytes;
    b->st.memory_bytes = req->memory_bytes;
    if (_mm_budget_on(b)) {
        b->st.base_virtual_bytes = virtual_now();
        b->last_measure_ns = _mm_os_now_ns();
    }
}

uint64_t _mm_malloc_footprint(uint64_t request) {
    const uint64_t mmap_threshold = (uint64_t)128 << 10, page = _mm_os_page_size();
    if (request >= mmap_threshold) return (request + 16 + page - 1) / page * page;
    uint64_t c = (request + 8 + 15) / 16 * 16;
    return c < 32 ? 32 : c;
}

static void measure(_mm_budget *b) {
    uint64_t v = virtual_now();
    uint64_t g = v > b->st.base_virtual_bytes ? v - b->st.base_virtual_bytes : 0;
    b->st.virtual_growth_bytes = g;
    if (g > b->st.peak_virtual_growth_bytes) b->st.peak_virtual_growth_bytes = g;
    b->measured_at_count = b->st.counted_bytes;
    b->last_measure_ns = _mm_os_now_ns();
    b->ops_since_measure = 0;
}

static int wall(_mm_budget *b, int kind, uint64_t item, uint64_t stored, const char *who, const char *why,
                char *err, size_t errlen) {
    char budget[32], st[32], at[32];
    b->st.hit = kind;
    b->st.at_item = item;
    b->st.stored_bytes = stored;
    size_text(budget, sizeof budget, kind == MM_BUDGET_ADDRESS ? b->st.address_bytes : b->st.memory_bytes);
    size_text(st, sizeof st, stored);
    count_text(at, sizeof at, item);
    return _mm_fmt(err, errlen, MM_ENOMEM, "%s ran out of its %s %s budget at item %s (%s stored)%s", who, budget,
                   kind == MM_BUDGET_ADDRESS ? "address" : "memory", at, st, why);
}

/* What the run holds in address space by the larger of its count and the
   measured growth (plus what was counted since that measurement). */
static uint64_t address_held(const _mm_budget *b) {
    uint64_t since = b->st.counted_bytes - b->measured_at_count;
    uint64_t measured = b->st.virtual_growth_bytes + since;
    return measured > b->st.counted_bytes ? measured : b->st.counted_bytes;
}

int _mm_budget_take(_mm_budget *b, uint64_t bytes, uint64_t item, uint64_t stored, const char *who,
                    char *err, size_t errlen) {
    if (!_mm_budget_on(b)) return MM_OK;
    if (b->st.address_bytes) {
        if (b->st.counted_bytes - b->measured_at_count >= MEASURE_EVERY_BYTES) measure(b);
        uint64_t held = address_held(b);
        uint64_t step = b->st.address_bytes > 4 * MALLOC_STEP ? MALLOC_STEP : b->st.address_bytes / 4;
        if (held + bytes + step > b->st.address_bytes) {
            char why[320], h[32], c[32], m[32];
            size_text(h, sizeof h, held);
            size_text(c, sizeof c, b->st.counted_bytes);
            size_text(m, sizeof m, step);
            snprintf(why, sizeof why, ": the run holds %s of address space (%s of it the items' malloc chunks and the "
                     "index, the rest measured: malloc's arenas and the runtime) and malloc's next step (up to %s, a new arena) "
                     "would not fit", h, c, m);
            return wall(b, MM_BUDGET_ADDRESS, item, stored, who, why, err, errlen);
        }
    }
    uint64_t keep = b->st.memory_bytes > 4 * MALLOC_STEP ? MALLOC_STEP : b->st.memory_bytes / 4;
    if (b->st.memory_bytes && b->st.counted_bytes + bytes + keep > b->st.memory_bytes) {
        char why[320], c[32], k[32];
        size_text(c, sizeof c, b->st.counted_bytes);
        size_text(k, sizeof k, keep);
        snprintf(why, sizeof why, ": its items hold %s resident, and %s of the budget stay for the process's runtime", c,
                 k);
        return wall(b, MM_BUDGET_MEMORY, item, stored, who, why, err, errlen);
    }
    b->st.counted_bytes += bytes;
    if (b->st.counted_bytes > b->st.peak_counted_bytes) b->st.peak_counted_bytes = b->st.counted_bytes;
    return MM_OK;
}

void _mm_budget_give(_mm_budget *b, uint64_t bytes) {
    if (!_mm_budget_on(b)) return;
    b->st.counted_bytes = b->st.counted_bytes > bytes ? b->st.counted_bytes - bytes : 0;
    if (b->measured_at_count > b->st.counted_bytes) b->measured_at_count = b->st.counted_bytes;
}

int _mm_budget_after_op(_mm_budget *b, uint32_t event_bits, uint64_t item, const mm_heap *heap, const char *who,
                        char *err, size_t errlen) {
    if (!b->st.address_bytes) return MM_OK;
    const uint32_t maps = MM_UNTIL(MM_EVENT_MAP_VIEW) | MM_UNTIL(MM_EVENT_FILE_MAP) | MM_UNTIL(MM_EVENT_GROW);
    int due = ++b->ops_since_measure >= MEASURE_EVERY_OPS;
    if (!due && (event_bits & maps)) {
        due = (event_bits & (MM_UNTIL(MM_EVENT_FILE_MAP) | MM_UNTIL(MM_EVENT_GROW))) != 0 ||
              _mm_os_now_ns() - b->last_measure_ns >= MEASURE_MIN_NS;
    }
    if (!due) return MM_OK;
    measure(b);
    uint64_t held = address_held(b);
    if (held <= b->st.address_bytes) return MM_OK;
    char why[320], g[32];
    mm_stats hs;
    memset(&hs, 0, sizeof hs);
    mm_heap_stats(heap, &hs);
    uint64_t stored = hs.bytes_allocated - hs.bytes_freed;
    size_text(g, sizeof g, b->st.virtual_growth_bytes);
    snprintf(why, sizeof why, ": the process's virtual size grew by %s since the run started", g);
    return wall(b, MM_BUDGET_ADDRESS, item, stored, who, why, err, errlen);
}

/* ---- the OS safety net ------------------------------------------------------- */
int _mm_os_address_limit_set(uint64_t limit, uint64_t *previous, char *msg, size_t msg_len) {
    if (previous) *previous = UINT64_MAX;
    if (msg && msg_len) msg[0] = 0;
#if defined(_WIN32)
    (void)limit;
    return _mm_fmt(msg, msg_len, MM_ENOTSUP,
                   "Windows has no address-space limit per process (a job object's JOB_OBJECT_LIMIT_PROCESS_MEMORY "
                   "counts committed private memory, not address space); the library's own accounting is the wall");
#else
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0)
        return _mm_fmt(msg, msg_len, MM_EIO, "getrlimit(RLIMIT_AS) failed");
    if (previous) *previous = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
    rlim_t want = limit == UINT64_MAX ? RLIM_INFINITY : (rlim_t)limit;
    if (rl.rlim_max != RLIM_INFINITY && (want == RLIM_INFINITY || want > rl.rlim_max)) want = rl.rlim_max;
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_AS, &rl) != 0)
        return _mm_fmt(msg, msg_len, MM_EIO, "setrlimit(RLIMIT_AS, %llu) failed", (unsigned long long)limit);
#  if defined(__APPLE__)
    return _mm_fmt(msg, msg_len, MM_ENOTSUP,
                   "macOS accepts RLIMIT_AS but does not enforce it; the library's own accounting is the wall");
#  else
    return MM_OK;
#  endif
#endif
}

MM_API int mm_process_address_limit_set(uint64_t limit_bytes, uint64_t *previous, char *msg, size_t msg_len) {
    return _mm_os_address_limit_set(limit_bytes, previous, msg, msg_len);
}
