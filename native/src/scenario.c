/*
 * scenario.c - the seed's test scenarios (NativeMemMapDll.cpp), steppable.
 *
 * One operation = one heap call (alloc_put, deref + verify, free) or, in
 * the random scenario, one main-loop iteration that made no heap call, so
 * mm_run_step can advance one allocation at a time.
 *
 * Data: item i stores MakeString(i): (i mod 2000) UTF-16LE 'a' characters
 * and a two-byte terminator, 2 * (i % 2000 + 1) bytes.
 *
 * Verification that the seed does not do (deletions: before the frees;
 * random: every live item before the final frees) goes through
 * _mm_heap_read_uncounted: a copy from the current view when the block
 * lies in it, else pread() on the backing's file descriptor. It neither
 * maps nor unmaps anything and touches no counter, so mm_result.stats
 * equals what the seed's calls alone produce.
 *
 * The random scenario's final frees: the seed's harness frees its
 * std::map<int, locator>, which holds only the first item of each batch
 * (emplace with an existing key does nothing) and still holds items
 * already deleted (so it frees those twice). We free every LIVE item
 * exactly once, in vector order, instead; the counters after the final
 * frees therefore differ from the seed's harness on purpose.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NMAX 2000
#define SNAP_WORDS (sizeof(mm_snapshot) / sizeof(uint64_t))
#define BLK 2048

typedef struct { uint64_t off; uint32_t size; uint32_t len; } ritem;
typedef struct { ritem *e; uint32_t n; } rblock;
typedef struct { rblock *b; size_t nb, capb; uint64_t total; } bvec;

struct mm_run {
    mm_run_config cfg;
    mm_heap *heap;
    atomic_int cancel;
    int finished;
    mm_result res;
    uint64_t ops_done, ops_total, items_done;
    int32_t phase;
    uint64_t idx;              /* cursor in the phase */
    mm_locator *locs;          /* grow / deletions */
    uint8_t **bufs;            /* baseline */
    uint32_t *buf_sizes;
    uint64_t base_allocs, base_bytes;
    /* random */
    uint32_t rstate;
    int batch_j;               /* -1: not in a batch */
    bvec vec;
    size_t cur_b;
    uint32_t cur_e;
    /* data */
    uint8_t pattern[2 * (NMAX + 1)];
    int last_nul;
    uint8_t scratch[2 * (NMAX + 1)];
    /* budgets (budget.c) */
    _mm_budget budget;
    /* insight (issue 16) */
    int cold, evicted;
    mm_run_insight ins;        /* cache, eviction, faults (the time parts: mm_run_insight_get) */
    /* published snapshot (seqlock) */
    atomic_uint seq;
    _Atomic uint64_t pub[SNAP_WORDS];
    char err[MM_ERRLEN];
};

#define RERR(r, code, ...) _mm_fmt((r)->err, sizeof (r)->err, (code), __VA_ARGS__)

/* ---- data ---------------------------------------------------------------- */
static const uint8_t *make_string(mm_run *r, uint32_t len) { /* makeString */
    if (r->last_nul >= 0) r->pattern[2 * r->last_nul] = 'a';
    r->last_nul = (int)len;
    r->pattern[2 * len] = 0;
    return r->pattern;
}

static int verify(mm_run *r, uint64_t item, uint64_t off, const uint8_t *got, uint32_t len) {
    const uint8_t *exp = make_string(r, len);
    uint32_t n = 2 * (len + 1);
    if (memcmp(got, exp, n) == 0) return MM_OK;
    uint32_t k = 0;
    while (k < n && got[k] == exp[k]) k++;
    r->res.fail_item = item;
    r->res.fail_offset = off + k;
    r->res.fail_expected = exp[k];
    r->res.fail_found = got[k];
    return RERR(r, MM_EVERIFY,
                "item %llu did not read back: byte at file offset %llu is 0x%02x, expected 0x%02x",
                (unsigned long long)item, (unsigned long long)(off + k), (unsigned)got[k],
                (unsigned)exp[k]);
}

/* MSVC rand(): state = state * 214013 + 2531011; (state >> 16) & 0x7fff */
static uint32_t ms_rand(mm_run *r) {
    r->rstate = r->rstate * 214013u + 2531011u;
    return (r->rstate >> 16) & 0x7fff;
}

/* ---- the blocked vector (std::vector semantics, cheap erase) --------------- */
static int bvec_push(bvec *v, ritem it) {
    if (!v->nb || v->b[v->nb - 1].n == BLK) {
        if (v->nb == v->capb) {
            size_t nc = v->capb ? v->capb * 2 : 64;
            rblock *nb = realloc(v->b, nc * sizeof *nb);
            if (!nb) return MM_ENOMEM;
            v->b = nb;
            v->capb = nc;
        }
        ritem *e = malloc(BLK * sizeof *e);
        if (!e) return MM_ENOMEM;
        v->b[v->nb].e = e;
        v->b[v->nb].n = 0;
        v->nb++;
    }
    rblock *b = &v->b[v->nb - 1];
    b->e[b->n++] = it;
    v->total++;
    return MM_OK;
}

static ritem *bvec_at(bvec *v, uint64_t idx, size_t *bi, uint32_t *ei) {
    for (size_t i = 0; i < v->nb; i++) {
        if (idx < v->b[i].n) {
            *bi = i;
            *ei = (uint32_t)idx;
            return &v->b[i].e[idx];
        }
        idx -= v->b[i].n;
    }
    return NULL;
}

static void bvec_erase(bvec *v, size_t bi, uint32_t ei) {
    rblock *b = &v->b[bi];
    memmove(&b->e[ei], &b->e[ei + 1], (size_t)(b->n - ei - 1) * sizeof *b->e);
    b->n--;
    v->total--;
}

static void bvec_free(bvec *v) {
    for (size_t i = 0; i < v->nb; i++) free(v->b[i].e);
    free(v->b);
    memset(v, 0, sizeof *v);
}

/* next live item in vector order from the cursor (NULL at the end) */
static ritem *bvec_cursor(mm_run *r) {
    while (r->cur_b < r->vec.nb && r->cur_e >= r->vec.b[r->cur_b].n) {
        r->cur_b++;
        r->cur_e = 0;
    }
    return r->cur_b < r->vec.nb ? &r->vec.b[r->cur_b].e[r->cur_e] : NULL;
}

/* ---- snapshot --------------------------------------------------------------- */
static void publish(mm_run *r) {
    mm_snapshot s;
    memset(&s, 0, sizeof s);
    s.ops_done = r->ops_done;
    s.ops_total = r->ops_total;
    s.items_done = r->items_done;
    s.phase = r->phase;
    s.finished = r->finished;
    if (r->heap) mm_heap_stats(r->heap, &s.stats);
    else {
        s.stats.allocs = r->base_allocs;
        s.stats.bytes_allocated = r->base_bytes;
    }
    uint64_t w[SNAP_WORDS];
    memcpy(w, &s, sizeof w);
    unsigned q = atomic_load_explicit(&r->seq, memory_order_relaxed);
    atomic_store_explicit(&r->seq, q + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    for (size_t i = 0; i < SNAP_WORDS; i++) atomic_store_explicit(&r->pub[i], w[i], memory_order_relaxed);
    atomic_store_explicit(&r->seq, q + 2, memory_order_release);
}

/* A reader never spins for ever: a writer holds the sequence odd only for a
   few dozen stores, but it can be preempted there (milliseconds on a busy
   machine), and a sequence that stays odd means a writer that died or a run
   that is no longer alive. Past MM_SNAPSHOT_WAIT_NS the call gives up. */
#define MM_SNAPSHOT_WAIT_NS (200ull * 1000 * 1000)

/* The heap's provisioning knobs of a run (benchmarks: bench/sweep.mjs):
   the MEMMAP_PROVISION_* environment variables (memmap_lab.h), unset or
   empty = the heap's default. */
static int env_flag(const char *name, int dflt) {
    const char *v = getenv(name);
    if (!v || !*v) return dflt;
    return strcmp(v, "0") != 0;
}

/* A size or count knob: digits, then (sizes only) one K, M or G; nothing
   else, and at most max. Anything else is refused with one sentence (before:
   "abc" was the default, "5T" 5 bytes, "1e99" 1 byte, "-1" 2^64 - 1). */
static int env_u64(mm_run *r, const char *name, int sized, uint64_t max, uint64_t *out) {
    const char *v = getenv(name);
    *out = 0;
    if (!v || !*v) return MM_OK;
    const char *p = v;
    uint64_t x = 0;
    int ok = *p >= '0' && *p <= '9';
    for (; ok && *p >= '0' && *p <= '9'; p++) {
        if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) ok = 0;
        else x = x * 10 + (uint64_t)(*p - '0');
    }
    unsigned shift = 0;
    if (ok && sized && *p) {
        shift = *p == 'K' || *p == 'k' ? 10 : *p == 'M' || *p == 'm' ? 20 : *p == 'G' || *p == 'g' ? 30 : 0;
        if (shift) p++;
    }
    if (ok && (*p || (shift && x > (max >> shift)) || (x << shift) > max)) ok = 0;
    if (!ok)
        return RERR(r, MM_EINVAL, "%s=\"%.40s\" is not allowed; allowed: %s at most %llu (empty or 0: the default)", name, v,
                    sized ? "a whole number of bytes with an optional K, M or G suffix," : "a whole number,",
                    (unsigned long long)max);
    *out = x << shift;
    return MM_OK;
}

static int provision_from_env(mm_run *r, mm_heap_options *opt) {
    mm_heap_options_init(opt);
    uint64_t ahead = 0;
    int rc = env_u64(r, "MEMMAP_PROVISION_CHUNK", 1, (uint64_t)1 << 30, &opt->provision_chunk);
    if (!rc) rc = env_u64(r, "MEMMAP_PROVISION_AHEAD", 0, UINT32_MAX, &ahead);
    opt->provision_ahead = (uint32_t)ahead;
    opt->provision_helper = env_flag("MEMMAP_PROVISION_HELPER", -1);
    opt->provision_whole = env_flag("MEMMAP_PROVISION_WHOLE", -1);
    opt->provision_assist = env_flag("MEMMAP_PROVISION_ASSIST", -1);
    opt->provision_populate_only = env_flag("MEMMAP_PROVISION_POPULATE_ONLY", -1);
    return rc;
}

MM_API int mm_run_snapshot(const mm_run *rc, mm_snapshot *out) {
    if (!rc || !out) return MM_EINVAL;
    mm_run *r = (mm_run *)rc; /* atomics are only read */
    uint64_t w[SNAP_WORDS];
    uint64_t t0 = 0;
    for (uint32_t tries = 1;; tries++) {
        unsigned s1 = atomic_load_explicit(&r->seq, memory_order_acquire);
        if (!(s1 & 1)) {
            for (size_t i = 0; i < SNAP_WORDS; i++) w[i] = atomic_load_explicit(&r->pub[i], memory_order_relaxed);
            atomic_thread_fence(memory_order_acquire);
            unsigned s2 = atomic_load_explicit(&r->seq, memory_order_relaxed);
            if (s1 == s2) break;
        }
        if ((tries & 1023) == 0) { /* the clock only now and then */
            uint64_t now = _mm_os_now_ns();
            if (!t0) t0 = now;
            else if (now - t0 >= MM_SNAPSHOT_WAIT_NS) {
                memset(out, 0, sizeof *out);
                return MM_ESTATE;
            }
        }
    }
    memcpy(out, w, sizeof w);
    return MM_OK;
}

void _mm_run_set_seq(mm_run *r, unsigned seq) { atomic_store(&r->seq, seq); }

/* ---- lifecycle ----------------------------------------------------------------- */
/* What the baseline takes from the C heap for n items: each item's malloc
   chunk (glibc: the request + 8, rounded up to 16, at least 32) and the
   index of pointers. */
static uint64_t baseline_bytes(uint64_t n) {
    uint64_t cycle = 0, part = 0, rem = n % NMAX;
    for (uint64_t i = 0; i < NMAX; i++) {
        uint64_t c = (2 * (i + 1) + 8 + 15) / 16 * 16;
        if (c < 32) c = 32;
        cycle += c;
        if (i < rem) part += c;
    }
    return n / NMAX * cycle + part + n * sizeof(uint8_t *);
}

MM_API int mm_run_create(const mm_run_config *cfg, mm_run **out) {
    return mm_run_create_ex(cfg, out, NULL, 0);
}

MM_API int mm_run_create_ex(const mm_run_config *cfg, mm_run **out, char *msg, size_t msg_len) {
    return mm_run_create_budgeted(cfg, NULL, out, msg, msg_len);
}

/* the smaller of a and a budget b (0: no budget) */
static uint64_t within(uint64_t a, uint64_t b) { return b && b < a ? b : a; }

MM_API int mm_run_create_budgeted(const mm_run_config *cfg, const mm_budget *budget, mm_run **out, char *msg,
                                  size_t msg_len) {
    if (msg && msg_len) msg[0] = 0;
    if (!out) return _mm_fmt(msg, msg_len, MM_EINVAL, "out is NULL; allowed: a pointer to an mm_run *");
    *out = NULL;
    if (!cfg) return _mm_fmt(msg, msg_len, MM_EINVAL, "cfg is NULL; allowed: a configuration from mm_run_config_init");
    mm_run *r = calloc(1, sizeof *r);
    if (!r) return _mm_fmt(msg, msg_len, MM_ENOMEM, "out of memory for the run (%llu bytes)", (unsigned long long)sizeof *r);
    r->cfg = *cfg;
    r->cfg.heap.disk_dir = NULL;
    r->cfg.heap.name_prefix = NULL;
    r->last_nul = -1;
    r->batch_j = -1;
    _mm_budget_init(&r->budget, budget);
    for (int i = 0; i < NMAX; i++) {
        r->pattern[2 * i] = 'a';
        r->pattern[2 * i + 1] = 0;
    }
    r->pattern[2 * NMAX] = r->pattern[2 * NMAX + 1] = 0;
    uint64_t n = cfg->items;
    int rc = MM_OK;
    if (cfg->scenario < MM_SCENARIO_BASELINE || cfg->scenario > MM_SCENARIO_RANDOM)
        rc = RERR(r, MM_EINVAL, "scenario %d is invalid; allowed: 0 (baseline), 1 (grow), 2 (deletions), 3 (random)", (int)cfg->scenario);
    else if (n > 0x7fffffffull)
        rc = RERR(r, MM_EINVAL, "items %llu is too many; allowed: 0 to 2147483647", (unsigned long long)n);
    else
        rc = _mm_config_check(&cfg->heap, r->err, sizeof r->err, NULL, 0);
    if (!rc && cfg->scenario != MM_SCENARIO_BASELINE) {
        mm_heap_options opt;
        rc = provision_from_env(r, &opt);
        if (!rc) {
            rc = mm_heap_open_ex(&cfg->heap, &opt, &r->heap);
            if (rc) RERR(r, rc, "creating the heap failed");
            else _mm_heap_set_cancel(r->heap, &r->cancel);
        }
    }
    if (!rc && (cfg->scenario == MM_SCENARIO_GROW || cfg->scenario == MM_SCENARIO_DELETIONS) && n) {
        char what[96];
        snprintf(what, sizeof what, "out of memory for %llu locators: they need", (unsigned long long)n);
        rc = _mm_heap_memory_check(what, n * sizeof *r->locs, r->err, sizeof r->err);
        if (!rc) rc = _mm_budget_take(&r->budget, _mm_malloc_footprint(n * sizeof *r->locs), 0, 0,
                                      "the memory-mapped heap", r->err, sizeof r->err);
        if (!rc) {
            r->locs = calloc((size_t)n, sizeof *r->locs);
            if (!r->locs) rc = RERR(r, MM_ENOMEM, "out of memory for %llu locators (%llu bytes)", (unsigned long long)n,
                                    (unsigned long long)(n * sizeof *r->locs));
        }
    }
    if (!rc && cfg->scenario == MM_SCENARIO_BASELINE && n) {
        /* the items go on the C heap of this process: check before taking
           them, so the limit ends the run with a sentence instead of
           starving whoever shares the process (the runner's JavaScript) */
        /* under an address budget only what fits in it is checked here: the
           budget's wall ends the run there, with the item reached. Under a
           memory budget the items are not checked here at all: the caller
           gave the run that memory (a cgroup of that size around it) and the
           library's count stops the items at the budget. */
        uint64_t need = r->budget.st.memory_bytes ? 0 : within(baseline_bytes(n), r->budget.st.address_bytes);
        if (need) rc = _mm_heap_memory_check("the baseline needs", need, r->err, sizeof r->err);
        if (!rc) rc = _mm_budget_take(&r->budget, _mm_malloc_footprint(n * sizeof *r->bufs), 0, 0, "the heap",
                                      r->err, sizeof r->err);
        if (!rc) {
            r->bufs = calloc((size_t)n, sizeof *r->bufs);
            if (!r->bufs) rc = RERR(r, MM_ENOMEM, "out of memory for %llu items", (unsigned long long)n);
        }
    }
    if (rc) {
        _mm_fmt(msg, msg_len, rc, "%s", r->err);
        mm_heap_close(r->heap);
        free(r->locs);
        free(r->bufs);
        free(r);
        return rc;
    }
    r->rstate = cfg->seed;  /* srand(seed) */
    switch (cfg->scenario) {
    case MM_SCENARIO_GROW: r->ops_total = 2 * n; r->phase = MM_PHASE_ALLOC; break;
    case MM_SCENARIO_RANDOM: r->ops_total = n * 319 / 10; r->phase = MM_PHASE_RANDOM; break;
    default: r->ops_total = 3 * n; r->phase = MM_PHASE_ALLOC; break;
    }
    if (n == 0) {
        r->phase = MM_PHASE_DONE;
        r->ops_total = 0;
    }
    publish(r);
    *out = r;
    return MM_OK;
}

MM_API void mm_run_destroy(mm_run *r) {
    if (!r) return;
    mm_heap_close(r->heap);
    if (r->bufs)
        for (uint64_t i = 0; i < r->cfg.items; i++) free(r->bufs[i]);
    free(r->bufs);
    free(r->locs);
    bvec_free(&r->vec);
    free(r);
}

MM_API void mm_run_cancel(mm_run *r) {
    if (r) atomic_store(&r->cancel, 1);
}

MM_API mm_heap *mm_run_heap(mm_run *r) { return r ? r->heap : NULL; }

MM_API int mm_run_budget_state(const mm_run *r, mm_budget_state *out) {
    if (!r || !out) return MM_EINVAL;
    *out = r->budget.st;
    return MM_OK;
}

MM_API const char *mm_run_last_error(const mm_run *r) { return r ? r->err : "run is NULL"; }

MM_API int mm_run_result(const mm_run *r, mm_result *out) {
    if (!r || !out) return MM_EINVAL;
    *out = r->res;
    if (r->heap) mm_heap_stats(r->heap, &out->stats);
    else {
        memset(&out->stats, 0, sizeof out->stats);
        out->stats.allocs = r->base_allocs;
        out->stats.bytes_allocated = r->base_bytes;
    }
    return MM_OK;
}

/* ---- operations -------------------------------------------------------------------- */
static int heap_fail(mm_run *r, int rc) {
    RERR(r, rc, "%s", mm_heap_last_error(r->heap));
    return rc;
}

static void next_phase(mm_run *r, int32_t phase) {
    r->phase = phase;
    r->idx = 0;
    r->cur_b = 0;
    r->cur_e = 0;
}

static int op_baseline(mm_run *r) {
    uint64_t n = r->cfg.items, i = r->idx;
    uint32_t len = (uint32_t)(i % NMAX), size = 2 * (len + 1);
    switch (r->phase) {
    case MM_PHASE_ALLOC: {
        if (_mm_budget_on(&r->budget)) {
            int brc = _mm_budget_take(&r->budget, _mm_malloc_footprint(size), i, r->base_bytes, "the heap", r->err,
                                      sizeof r->err);
            if (brc) return brc;
        }
        uint8_t *p = malloc(size);
        if (!p) return RERR(r, MM_ENOMEM, "malloc of %u bytes failed", (unsigned)size);
        memcpy(p, make_string(r, len), size);
        r->bufs[i] = p;
        r->base_allocs++;
        r->base_bytes += size;
        r->items_done = i + 1;
        if (++r->idx == n) next_phase(r, MM_PHASE_VERIFY);
        return MM_OK;
    }
    case MM_PHASE_VERIFY: {
        int rc = verify(r, i, 0, r->bufs[i], len);
        if (rc) return rc;
        if (++r->idx == n) next_phase(r, MM_PHASE_FREE);
        return MM_OK;
    }
    default:
        free(r->bufs[i]);
        r->bufs[i] = NULL;
        _mm_budget_give(&r->budget, _mm_malloc_footprint(size));
        if (++r->idx == n) next_phase(r, MM_PHASE_DONE);
        return MM_OK;
    }
}

static int op_grow_del(mm_run *r) {
    uint64_t n = r->cfg.items, i = r->idx;
    uint32_t len = (uint32_t)(i % NMAX), size = 2 * (len + 1);
    int rc;
    switch (r->phase) {
    case MM_PHASE_ALLOC:
        rc = mm_alloc_put(r->heap, make_string(r, len), size, &r->locs[i]);
        if (rc) return heap_fail(r, rc);
        r->items_done = i + 1;
        if (++r->idx == n) next_phase(r, MM_PHASE_VERIFY);
        return MM_OK;
    case MM_PHASE_VERIFY:
        if (r->cfg.scenario == MM_SCENARIO_GROW) { /* the seed's Dereference loop */
            void *p;
            rc = mm_deref(r->heap, &r->locs[i], &p);
            if (rc) return heap_fail(r, rc);
            rc = verify(r, i, r->locs[i].offset, p, len);
        } else { /* uncounted: the seed does not verify here */
            rc = _mm_heap_read_uncounted(r->heap, &r->locs[i], r->scratch, size);
            if (rc) return heap_fail(r, rc);
            rc = verify(r, i, r->locs[i].offset, r->scratch, len);
        }
        if (rc) return rc;
        if (++r->idx == n)
            next_phase(r, r->cfg.scenario == MM_SCENARIO_GROW ? MM_PHASE_DONE : MM_PHASE_FREE);
        return MM_OK;
    default:
        rc = mm_free(r->heap, &r->locs[i]);
        if (rc) return heap_fail(r, rc);
        if (++r->idx == n) next_phase(r, MM_PHASE_DONE);
        return MM_OK;
    }
}

static int random_add(mm_run *r, uint32_t len) {
    mm_locator loc;
    int rc = mm_alloc_put(r->heap, make_string(r, len), 2 * (len + 1), &loc);
    if (rc) return heap_fail(r, rc);
    ritem it = {loc.offset, loc.size, len};
    if (bvec_push(&r->vec, it)) return RERR(r, MM_ENOMEM, "out of memory for the item vector");
    return MM_OK;
}

static void random_iter_done(mm_run *r) {
    r->idx++;
    r->items_done = r->idx;
    if (r->idx == r->cfg.items) {
        next_phase(r, MM_PHASE_VERIFY);
        r->ops_total = r->ops_done + 1 + 2 * r->vec.total;
    }
}

static int op_random(mm_run *r) {
    int rc;
    if (r->phase == MM_PHASE_RANDOM) {
        if (r->batch_j >= 0) { /* inside a batch of 100 adds */
            rc = random_add(r, (uint32_t)r->batch_j);
            if (rc) return rc;
            if (++r->batch_j == 100) {
                r->batch_j = -1;
                random_iter_done(r);
            }
            return MM_OK;
        }
        double verb = ms_rand(r) * 100.0 / 32767;
        if (verb < 10) {
            r->batch_j = 0;
            rc = random_add(r, 0);
            if (rc) return rc;
            r->batch_j = 1;
            return MM_OK;
        } else if (verb < 20) { /* delete */
            uint32_t ndx = (uint32_t)((double)r->vec.total * ((double)ms_rand(r) / 32767));
            if (ndx < r->vec.total) {
                size_t bi;
                uint32_t ei;
                ritem it = *bvec_at(&r->vec, ndx, &bi, &ei);
                bvec_erase(&r->vec, bi, ei);
                mm_locator loc = {it.off, it.size, 0};
                rc = mm_free(r->heap, &loc);
                if (rc) return heap_fail(r, rc);
            }
        } else if (verb < 40) { /* dereference */
            uint32_t ndx = (uint32_t)((double)r->vec.total * ((double)ms_rand(r) / 32767));
            if (ndx < r->vec.total) {
                size_t bi;
                uint32_t ei;
                ritem it = *bvec_at(&r->vec, ndx, &bi, &ei);
                mm_locator loc = {it.off, it.size, 0};
                void *p;
                rc = mm_deref(r->heap, &loc, &p);
                if (rc) return heap_fail(r, rc);
                rc = verify(r, ndx, it.off, p, it.len);
                if (rc) return rc;
            }
        } else {
            rc = random_add(r, 1);
            if (rc) return rc;
        }
        random_iter_done(r);
        return MM_OK;
    }
    ritem *it = bvec_cursor(r);
    if (!it) {
        next_phase(r, r->phase == MM_PHASE_VERIFY ? MM_PHASE_FREE : MM_PHASE_DONE);
        return MM_OK;
    }
    mm_locator loc = {it->off, it->size, 0};
    if (r->phase == MM_PHASE_VERIFY) { /* uncounted */
        rc = _mm_heap_read_uncounted(r->heap, &loc, r->scratch, 2 * (it->len + 1));
        if (rc) return heap_fail(r, rc);
        rc = verify(r, r->idx, it->off, r->scratch, it->len);
        if (rc) return rc;
    } else {
        rc = mm_free(r->heap, &loc);
        if (rc) return heap_fail(r, rc);
    }
    r->idx++;
    r->cur_e++;
    return MM_OK;
}

/* Cold verify: evict the heap's file before the first read-back. */
static int evict(mm_run *r) {
    mm_residency res;
    uint64_t t0 = _mm_os_now_ns();
    r->evicted = 1;
    if (mm_heap_residency(r->heap, 1, &res, NULL) == MM_OK) r->ins.resident_before_evict = res.resident_bytes;
    uint32_t how = 0;
    int rc = mm_heap_evict(r->heap, &how);
    if (rc) return heap_fail(r, rc);
    r->ins.evict_how = how;
    if (mm_heap_residency(r->heap, 1, &res, NULL) == MM_OK) r->ins.resident_after_evict = res.resident_bytes;
    r->ins.evict_ns = _mm_os_now_ns() - t0;
    return MM_OK;
}

MM_API int mm_run_set_cold_verify(mm_run *r, int on) {
    if (!r) return MM_EINVAL;
    if (r->cfg.scenario == MM_SCENARIO_BASELINE && on)
        return RERR(r, MM_EINVAL, "cold verify needs a mapped scenario; allowed: grow, deletions or random "
                                  "(the baseline keeps its items in the C heap: there is no file to evict)");
    if (r->ops_done || r->finished)
        return RERR(r, MM_ESTATE, "cold verify is set before the run starts; allowed: mm_run_set_cold_verify "
                                  "before the first mm_run_step");
    r->cold = on ? 1 : 0;
    r->ins.cache = on ? MM_CACHE_COLD : MM_CACHE_WARM;
    return MM_OK;
}

static uint64_t take(uint64_t *from, uint64_t want) {
    uint64_t t = want < *from ? want : *from;
    *from -= t;
    return t;
}

MM_API int mm_run_insight_get(const mm_run *r, mm_run_insight *out) {
    if (!r || !out) return MM_EINVAL;
    *out = r->ins;
    mm_fault_cost fc;
    out->ns_per_fault = mm_fault_cost_get(&fc) == MM_OK ? fc.ns_per_fault : 0;
    uint64_t rest = r->res.elapsed_ns, book = 0, map = 0, grow = 0, grow_faults = 0;
    out->elapsed_ns = rest;
    if (r->heap) _mm_heap_times(r->heap, &book, &map, &grow, &grow_faults);
    /* the parts, each at most what is left, so they add up to elapsed_ns */
    out->grow_ns = take(&rest, grow);
    out->map_ns = take(&rest, map);
    out->evict_ns = take(&rest, r->ins.evict_ns);
    out->heap_ns = take(&rest, book);
    out->copy_compare_ns = rest;
    /* page faults outside growth (those are growth time): taken from
       copy/compare first (first touches of pages by memcpy/memcmp), then
       from the heap's bookkeeping, then from mapping (populating views) */
    out->growth_faults = grow_faults;
    uint64_t n = out->minor_faults + out->major_faults;
    n = n > grow_faults ? n - grow_faults : 0;
    uint64_t faults = n * out->ns_per_fault;
    uint64_t f = take(&out->copy_compare_ns, faults);
    f += take(&out->heap_ns, faults - f);
    f += take(&out->map_ns, faults - f);
    out->fault_ns = f;
    return MM_OK;
}

MM_API int mm_run_step(mm_run *r, uint64_t max_ops, uint32_t until_mask, uint64_t budget_ns,
                       uint64_t *ops) {
    if (ops) *ops = 0;
    if (!r) return MM_EINVAL;
    if (r->finished) {
        RERR(r, MM_ESTATE, "the run has finished (status %d); allowed: mm_run_result, mm_run_destroy",
             (int)r->res.status);
        return MM_ESTATE;
    }
    uint64_t t0 = _mm_os_now_ns(), done = 0;
    uint64_t minor0, major0;
    _mm_prim_fault_counts(&minor0, &major0);
    int rc = MM_OK;
    if (r->heap) _mm_heap_take_event_bits(r->heap);
    while (r->phase != MM_PHASE_DONE) {
        if (atomic_load_explicit(&r->cancel, memory_order_relaxed)) {
            rc = RERR(r, MM_ECANCELED, "canceled after %llu operations", (unsigned long long)r->ops_done);
            break;
        }
        if (r->heap) _mm_heap_set_op(r->heap, r->ops_done);
        if (r->cold && !r->evicted && r->phase == MM_PHASE_VERIFY && r->heap) {
            rc = evict(r);
            if (rc) break;
        }
        switch (r->cfg.scenario) {
        case MM_SCENARIO_BASELINE: rc = op_baseline(r); break;
        case MM_SCENARIO_RANDOM: rc = op_random(r); break;
        default: rc = op_grow_del(r); break;
        }
        if (rc) {
            if (rc == MM_ECANCELED || atomic_load(&r->cancel)) {
                rc = MM_ECANCELED;
                RERR(r, rc, "canceled after %llu operations", (unsigned long long)r->ops_done);
            }
            break;
        }
        r->ops_done++;
        done++;
        uint32_t bits = r->heap ? _mm_heap_take_event_bits(r->heap) : 0;
        if (r->heap && r->budget.st.address_bytes) {
            rc = _mm_budget_after_op(&r->budget, bits, r->items_done, r->heap, "the memory-mapped heap", r->err,
                                     sizeof r->err);
            if (rc) break;
        }
        if (max_ops && done >= max_ops) break;
        if (until_mask && (bits & until_mask)) break;
        /* Every 64 operations: the snapshot for a reader on another thread
           (a sampler reads ~10 times a second; the call's end publishes the
           exact figures), and the time budget. */
        if ((done & 63) == 0) {
            publish(r);
            if (budget_ns && _mm_os_now_ns() - t0 >= budget_ns) break;
        }
    }
    if (!rc && r->phase == MM_PHASE_DONE) {
        r->finished = 1;
        r->res.status = MM_OK;
        r->res.verified = 1;
        r->ops_total = r->ops_done;
        rc = 1;
    } else if (rc < 0) {
        r->finished = 1;
        r->res.status = rc;
        r->res.verified = 0;
    }
    r->res.elapsed_ns += _mm_os_now_ns() - t0;
    uint64_t minor1, major1;
    _mm_prim_fault_counts(&minor1, &major1);
    r->ins.minor_faults += minor1 - minor0;
    r->ins.major_faults += major1 - major0;
    publish(r);
    if (ops) *ops = done;
    return rc;
}
