/*
 * heap.c - the MemMap allocator: exact-size LIFO free lists, bump
 * allocation, growth, views and the seed's counters.
 *
 * With growth MM_GROWTH_SEED and view MM_VIEW_SLIDING the counters equal
 * what the seed's MemMap<T> (MyMemMap.h) counts for the same calls; the
 * functions below named after the seed's methods follow them line by line
 * (map_view = MapView, heap_resize = Resize, mm_alloc = AllocateSpace).
 * Deliberate differences, none of which changes a count in a case the
 * seed survives:
 *  - growth keeps doubling until the request fits (one Resize call);
 *  - map_view rounds the view up as many granularities as needed and
 *    never maps past the end of the mapping (the seed asserted / faulted);
 *  - a 32-bit heap refuses to grow past 4 GiB (MM_EOVERFLOW) instead of
 *    wrapping;
 *  - on a failed mapping the block is given back, so nothing leaks.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if !defined(_WIN32)
#  include <pthread.h>
#  include <time.h>
#  define MM_HAVE_HELPER 1
#else
#  define MM_HAVE_HELPER 0
#endif

/* ---- free lists: size -> LIFO stack of offsets (open addressing) -------- */
typedef struct {
    uint32_t size;   /* 0 = empty slot */
    uint32_t count, cap;
    uint64_t *offs;
} fl_bucket;

typedef struct {
    fl_bucket *b;
    uint32_t cap;    /* power of two */
    uint32_t used;
} freelists;

static uint32_t fl_hash(uint32_t size, uint32_t cap) {
    return (uint32_t)(((uint64_t)(size >> 2) * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static fl_bucket *fl_find(freelists *fl, uint32_t size) {
    if (!fl->cap) return NULL;
    for (uint32_t i = fl_hash(size, fl->cap);; i = (i + 1) & (fl->cap - 1)) {
        if (fl->b[i].size == size) return &fl->b[i];
        if (fl->b[i].size == 0) return NULL;
    }
}

static fl_bucket *fl_get(freelists *fl, uint32_t size) {
    fl_bucket *b = fl_find(fl, size);
    if (b) return b;
    if ((fl->used + 1) * 2 > fl->cap) {
        uint32_t ncap = fl->cap ? fl->cap * 2 : 64;
        fl_bucket *nb = calloc(ncap, sizeof *nb);
        if (!nb) return NULL;
        for (uint32_t i = 0; i < fl->cap; i++) {
            if (!fl->b[i].size) continue;
            uint32_t j = fl_hash(fl->b[i].size, ncap);
            while (nb[j].size) j = (j + 1) & (ncap - 1);
            nb[j] = fl->b[i];
        }
        free(fl->b);
        fl->b = nb;
        fl->cap = ncap;
    }
    uint32_t i = fl_hash(size, fl->cap);
    while (fl->b[i].size) i = (i + 1) & (fl->cap - 1);
    fl->b[i].size = size;
    fl->used++;
    return &fl->b[i];
}

static int fl_push(freelists *fl, uint32_t size, uint64_t off) {
    fl_bucket *b = fl_get(fl, size);
    if (!b) return MM_ENOMEM;
    if (b->count == b->cap) {
        uint32_t ncap = b->cap ? b->cap * 2 : 16;
        uint64_t *n = realloc(b->offs, (size_t)ncap * sizeof *n);
        if (!n) return MM_ENOMEM;
        b->offs = n;
        b->cap = ncap;
    }
    b->offs[b->count++] = off;
    return MM_OK;
}

static int fl_pop(freelists *fl, uint32_t size, uint64_t *off) {
    fl_bucket *b = fl_find(fl, size);
    if (!b || !b->count) return 0;
    *off = b->offs[--b->count];
    return 1;
}

static void fl_free(freelists *fl) {
    for (uint32_t i = 0; i < fl->cap; i++) free(fl->b[i].offs);
    free(fl->b);
    memset(fl, 0, sizeof *fl);
}

/* ---- blocks: every block ever carved, and which are live ----------------
   So mm_free can refuse a double free or a locator mm_alloc never returned
   (MM_EINVAL) instead of corrupting the free lists. Blocks tile the used
   part of the file: each is bump-allocated right after the previous one,
   and a free-list reuse hands out the very same block (exact sizes). So the
   table of block starts is append-only and sorted, a block's size is the
   distance to the next start, and a lookup is a binary search: 8 bytes and
   1 bit per block, appends in order (few page faults). MM_LIVESET=0
   compiles it out (bench/free-check.mjs measures its cost side by side). */
#if !defined(MM_LIVESET)
#  define MM_LIVESET 1
#endif

typedef struct {
    uint64_t *off;   /* start of block i, increasing */
    uint8_t *live;   /* bit i: block i is allocated and not freed */
    uint64_t n, cap;
} blocks;

static int blk_append(blocks *b, uint64_t off) {
    if (b->n == b->cap) {
        uint64_t ncap = b->cap ? b->cap * 2 : 4096;
        uint64_t *no = realloc(b->off, (size_t)ncap * sizeof *no);
        if (!no) return MM_ENOMEM;
        b->off = no;
        uint8_t *nl = realloc(b->live, (size_t)(ncap / 8));
        if (!nl) return MM_ENOMEM;
        memset(nl + b->cap / 8, 0, (size_t)((ncap - b->cap) / 8));
        b->live = nl;
        b->cap = ncap;
    }
    b->off[b->n] = off;
    b->live[b->n / 8] |= (uint8_t)(1u << (b->n % 8));
    b->n++;
    return MM_OK;
}

/* the index of the block starting at off, or n */
static uint64_t blk_find(const blocks *b, uint64_t off) {
    uint64_t lo = 0, hi = b->n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (b->off[mid] < off) lo = mid + 1;
        else hi = mid;
    }
    return lo < b->n && b->off[lo] == off ? lo : b->n;
}

static int blk_live(const blocks *b, uint64_t i) { return b->live[i / 8] >> (i % 8) & 1; }
static void blk_set(blocks *b, uint64_t i, int on) {
    if (on) b->live[i / 8] |= (uint8_t)(1u << (i % 8));
    else b->live[i / 8] &= (uint8_t)~(1u << (i % 8));
}

/* With the table of blocks the free lists hold block numbers (a reuse then
   needs no search); without it, offsets. */
#if MM_LIVESET
#  define FL_OFFSET(h, v) ((h)->blk.off[v])
#else
#  define FL_OFFSET(h, v) (v)
#endif

static void blk_free(blocks *b) {
    free(b->off);
    free(b->live);
    memset(b, 0, sizeof *b);
}

/* ---- the heap -------------------------------------------------------------- */
typedef struct {               /* the seed's MappingData */
    _mm_backing bk;            /* _hFileHandle (disk) or the page-file object */
    int active;                /* _hFileMapping != 0 */
    uint64_t file_size;        /* _dwFileSize */
    uint8_t *view;             /* _mapBase */
    uint64_t view_off;         /* _ulBaseOffset */
    uint64_t view_len;         /* _currentMappedViewSize */
    int view_in_resv;          /* view lies inside the reservation */
} mapobj;

struct mm_heap {
    mm_config cfg;
    char dir[MM_PATHLEN];
    char prefix[40];
    mm_stats st;
    mapobj cur;                /* _currentMapping */
    uint8_t *resv;             /* reserved address space (growth reserve) */
    uint64_t resv_len;
    int resv_dead;             /* reservation exhausted: grow by remap */
    freelists fl;
    blocks blk;                /* every block, and which are allocated */
    _mm_ring ring;
    uint32_t event_bits;
    uint64_t op;
    const atomic_int *cancel;
    uint64_t G;
    /* provisioning (issue 14): with `chunked` the backing's logical size
       still doubles, but only [0, cur.bk.backed) is backed (fallocated, and
       populated with prefault), a bounded distance ahead of the bump cursor */
    int chunked;
    uint64_t chunk;            /* bytes backed per step */
    uint64_t prov_next;        /* helper: ask it again when the cursor passes this
                                  (the next chunk boundary), not on every call */
    uint32_t ahead;            /* chunks the helper keeps backed ahead */
    int want_helper;           /* start a helper with the first backing */
    int assist;                /* a caller that caught up backs chunks too */
    int populate_only;         /* memfd + prefault: populate backs (no fallocate) */
    struct helper *helper;     /* NULL: provisioning on the caller's thread */
    /* insight (issue 16): latency per mm_op, growth stalls */
    _mm_hist lat[MM_OP_COUNT];
    uint32_t lat_skip[MM_OP_COUNT]; /* sampled ops: how many to let pass before the next timed one */
    uint32_t lat_rng;          /* xorshift32 state of the sampling gaps */
    uint64_t nested_ns;        /* timed views outside growths + growths, so far */
    uint64_t nested_at_begin;  /* nested_ns when the timed call now running began */
    /* alloc/deref/free: timed calls' time minus the views and growths inside
       them, of the first MM_LATENCY_TIMED_FIRST and of the sampled ones after */
    uint64_t self_first_ns[MM_OP_FREE + 1], self_rest_ns[MM_OP_FREE + 1];
    uint64_t open_ticks;       /* tick count when the heap was opened */
    int in_grow;               /* a growth is running: its views count as growth time */
    uint64_t map_in_grow_ns;   /* view map/unmap time inside growths */
    uint64_t grow_faults;      /* page faults of the process during growths */
    uint32_t grow_strategy;    /* of the last GROW event */
    uint64_t nstalls;
    mm_stall stalls[MM_STALLS_KEPT];
    char err[MM_ERRLEN];
};

/* Views and growths (microseconds to seconds each): every one is timed. Time
   since t0 (ticks) into the op's histogram; returns the ns. */
static uint64_t lat_add(mm_heap *h, int op, uint64_t t0) {
#if defined(MM_NO_LATENCY)
    (void)h; (void)op; (void)t0;
    return 0;
#endif
    uint64_t ns = _mm_ticks_to_ns(_mm_tick() - t0);
    h->lat[op].count++;
    _mm_hist_add(&h->lat[op], ns);
    if (h->in_grow && (op == MM_OP_MAP_VIEW || op == MM_OP_UNMAP_VIEW)) h->map_in_grow_ns += ns;
    else h->nested_ns += ns;
    return ns;
}

/* alloc, deref and free (about 100 ns to a few us each) are sampled: the first
   MM_LATENCY_TIMED_FIRST of each kind are timed, then one in
   MM_LATENCY_SAMPLE_EVERY on average, at random gaps (0 to 2N - 2 calls let
   pass) so that no period of a workload (the random scenario's batches of 100)
   can line up with the sampling. Timing every one cost two tick reads and a
   histogram add, ~20 ns, 6-8% of a random-scenario run; one in 8 still about
   2.5%, one in 16 under 1% (bench/latency-overhead.mjs, lab_run side by side).
   Every call is counted. Returns the start tick, or 0: not timed. */
static inline uint64_t lat_begin(mm_heap *h, int op) {
#if defined(MM_NO_LATENCY)
    (void)h; (void)op;
    return 0;
#else
    if (h->lat_skip[op]) {
        h->lat_skip[op]--;
        return 0;
    }
    if (h->lat[op].count >= MM_LATENCY_TIMED_FIRST) {
        uint32_t x = h->lat_rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        h->lat_rng = x;
        h->lat_skip[op] = x % (2 * MM_LATENCY_SAMPLE_EVERY - 1);
    }
    h->nested_at_begin = h->nested_ns;
    uint64_t t = _mm_tick();
    return t ? t : 1;
#endif
}

/* The end of a call lat_begin started (that counted: see each caller). */
static inline void lat_end(mm_heap *h, int op, uint64_t t0) {
#if defined(MM_NO_LATENCY)
    (void)h; (void)op; (void)t0;
#else
    uint64_t nth = h->lat[op].count++;
    if (!t0) return;
    uint64_t ns = _mm_ticks_to_ns(_mm_tick() - t0);
    _mm_hist_add(&h->lat[op], ns);
    uint64_t inner = h->nested_ns - h->nested_at_begin, self = ns > inner ? ns - inner : 0;
    if (nth < MM_LATENCY_TIMED_FIRST) h->self_first_ns[op] += self;
    else h->self_rest_ns[op] += self;
#endif
}

#define HERR(h, code, ...) _mm_fmt((h)->err, sizeof (h)->err, (code), __VA_ARGS__)

static void ev(mm_heap *h, uint32_t kind, uint64_t off, uint64_t size, const void *addr,
               uint64_t old_size, uint64_t new_size, uint64_t copied, uint32_t strategy) {
    h->event_bits |= 1u << kind;
    if (kind == MM_EVENT_GROW) h->grow_strategy = strategy;
    if (!h->ring.cap) return; /* events off: one branch */
    mm_event e;
    e.seq = 0;
    e.kind = kind;
    e.strategy = strategy;
    e.offset = off;
    e.size = size;
    e.address = (uint64_t)(uintptr_t)addr;
    e.old_size = old_size;
    e.new_size = new_size;
    e.bytes_copied = copied;
    e.op = h->op;
    _mm_ring_push(&h->ring, &e);
}

static int canceled(const mm_heap *h) {
    return h->cancel && atomic_load_explicit(h->cancel, memory_order_relaxed);
}

static void sync_view_stats(mm_heap *h) {
    h->st.view_offset = h->cur.view ? h->cur.view_off : 0;
    h->st.view_length = h->cur.view ? h->cur.view_len : 0;
}

static void helper_view(mm_heap *h, uint8_t *view, uint64_t len);

static void unmap_view(mm_heap *h, mapobj *m) {
    if (!m->view) return;
    if (m == &h->cur) helper_view(h, NULL, 0);
    uint64_t t0 = _mm_tick();
    _mm_os_unmap(m->view, m->view_len, m->view_in_resv);
    h->st.unmap_views++;
    lat_add(h, MM_OP_UNMAP_VIEW, t0);
    ev(h, MM_EVENT_UNMAP_VIEW, m->view_off, m->view_len, m->view, 0, 0, 0, 0);
    m->view = NULL;
    m->view_len = 0;
    m->view_off = 0;
    m->view_in_resv = 0;
    if (m == &h->cur) sync_view_stats(h);
}

static int use_resv(const mm_heap *h, const mapobj *m) {
    return h->resv && !h->resv_dead && m == &h->cur && m->file_size <= h->resv_len;
}

/* ---- provisioning ahead of the cursor -------------------------------------
   The logical size doubles (the seed's counters), but a doubling is backed
   (fallocate; with prefault also populated, MADV_POPULATE_WRITE) only chunk
   by chunk as the bump cursor comes near: every byte a write can reach
   ([0, cursor)) is backed before mm_alloc returns it, so a full disk or
   memory is an error (MM_ENOSPC), never SIGBUS. With the helper the next
   chunks are backed on a second thread while the caller writes the current
   one; the caller waits only when it catches up. */
/* Chunk sizes, measured (bench/results/analysis.md, "Chunk size"): small
   chunks hand work between the helper and a caller that caught up with it
   at a fine grain, and back little past the data at the end of a run. A
   memfd was fastest with 2 MiB at every size (100,000 to 3,000,000 items);
   a disk file with 4 MiB (2 MiB lost past the dirty-page limits, where each
   fallocate call meets the journal under write-back). Ahead: the same
   128 MiB whatever the chunk. */
#define MM_CHUNK_PAGEFILE ((uint64_t)2 << 20)
#define MM_CHUNK_DISK ((uint64_t)4 << 20)
#define MM_AHEAD_BYTES ((uint64_t)128 << 20)
/* a larger provision_chunk is taken as this: rounding it up to the page, or
   ahead x chunk, must not wrap (a chunk near 2^64 rounded to 0 and divided
   by zero) */
#define MM_CHUNK_MAX ((uint64_t)1 << 30)

MM_API void mm_heap_options_init(mm_heap_options *opt) {
    if (!opt) return;
    opt->provision_chunk = 0;
    opt->provision_ahead = 0;
    opt->provision_helper = -1;
    opt->provision_whole = -1;
    opt->provision_assist = -1;
    opt->provision_populate_only = -1;
}

static void provision_setup(mm_heap *h, const mm_heap_options *opt) {
    mm_heap_options dflt;
    if (!opt) {
        mm_heap_options_init(&dflt);
        opt = &dflt;
    }
    int whole = opt->provision_whole > 0;
    int in_place = h->cfg.mode == MM_MODE_DISK ? h->cfg.growth != MM_GROWTH_COPY
                                               : (h->cfg.growth == MM_GROWTH_REMAP || h->cfg.growth == MM_GROWTH_RESERVE);
    h->chunked = !whole && in_place && _mm_os_traits_get()->provisions_in_chunks;
    uint64_t ps = _mm_os_page_size();
    uint64_t c = opt->provision_chunk ? opt->provision_chunk
               : h->cfg.mode == MM_MODE_DISK ? MM_CHUNK_DISK : MM_CHUNK_PAGEFILE;
    if (c > MM_CHUNK_MAX) c = MM_CHUNK_MAX;
    h->chunk = (c + ps - 1) / ps * ps;
    uint64_t ahead = MM_AHEAD_BYTES / h->chunk;
    h->ahead = opt->provision_ahead ? opt->provision_ahead : (uint32_t)(ahead ? ahead : 1);
    h->prov_next = 0;
    h->assist = opt->provision_assist != 0;
    h->populate_only = opt->provision_populate_only != 0;
    /* the helper only where backing a chunk is work that can overlap the
       writes: populating it (prefault). Measured (docs/BENCHMARKS.md): with
       the caller assisting it is what makes a prefaulted disk file fast; for
       a memfd it is within the noise of the same thread. A disk file's
       fallocate only records extents; a memfd's without prefault was not
       measured with a helper, so it has none. */
    h->want_helper = h->chunked && h->cfg.view == MM_VIEW_WHOLE && h->cfg.prefault && opt->provision_helper != 0;
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* With prefault: populate the part of [from, to) that the current view
   covers (the view may be a window of the file). */
static int populate_backed(mm_heap *h, uint64_t from, uint64_t to) {
    mapobj *m = &h->cur;
    if (!h->cfg.prefault || !m->view) return MM_OK;
    uint64_t ps = _mm_os_page_size();
    uint64_t a = from > m->view_off ? from : m->view_off;
    uint64_t b = min64(to, m->view_off + m->view_len);
    a = a / ps * ps;
    if (a < m->view_off) a = m->view_off;
    if (a >= b) return MM_OK;
    return _mm_os_populate(m->view + (a - m->view_off), b - a, h->cancel, h->err, sizeof h->err);
}

#if MM_HAVE_HELPER
/* Ranges are backed in chunk order, but by two threads: the helper runs
   ahead; a caller that has caught up with it backs the next unclaimed chunk
   itself instead of waiting (populate only: a memfd's fallocate holds the
   inode lock, its page faults do not, so two threads zero pages in
   parallel). `next` is the first unclaimed byte; ranges finished out of
   order wait in `fin` until the prefix reaches them. A thread claims a
   range past the prefix only while the finished and in-flight ranges leave
   `fin` room for it (may_claim), so none is ever dropped: a dropped range
   left a gap nobody backed, and the caller waited for it forever (seen with
   2 MiB chunks and 16 ahead while the helper was descheduled). */
#define MM_FIN 4
struct helper {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    int stop, busy;
    int inflight;           /* ranges claimed and not yet finished (helper + caller) */
    uint64_t want;          /* back up to here */
    uint64_t limit;         /* the logical size (never past it) */
    uint64_t backed;        /* published: [0, backed) is backed (and populated) */
    uint64_t next;          /* first byte no thread has claimed */
    uint64_t fin_from[MM_FIN], fin_to[MM_FIN];
    int nfin;
    uint8_t *view;          /* the whole view (populate), or NULL */
    uint64_t view_len;
    uint64_t chunk;
    int prefault;
    int populate_only;      /* memfd + prefault: populating backs the pages */
    const atomic_int *cancel;
    int rc;                 /* the helper's failure, until the caller takes it */
    char err[MM_ERRLEN];
    _mm_backing bk;         /* the helper's own copy (fd, path); only its thread touches it */
};

/* [from, to) is backed: advance the prefix over it and any finished range. */
static void helper_finish(struct helper *x, uint64_t from, uint64_t to) {
    if (from <= x->backed) {
        if (to > x->backed) x->backed = to;
    } else if (x->nfin < MM_FIN) {
        x->fin_from[x->nfin] = from;
        x->fin_to[x->nfin] = to;
        x->nfin++;
    } else if (x->next > from) {
        x->next = from; /* cannot happen (may_claim); if it did: back it again, idempotent */
    }
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; i < x->nfin; i++) {
            if (x->fin_from[i] <= x->backed) {
                if (x->fin_to[i] > x->backed) x->backed = x->fin_to[i];
                x->fin_from[i] = x->fin_from[--x->nfin];
                x->fin_to[i] = x->fin_to[x->nfin];
                again = 1;
                break;
            }
        }
    }
    if (x->next < x->backed) x->next = x->backed;
}

/* Whether a thread may claim the next range: always at the prefix (it
   never waits in `fin`), past it only while every range finished or in
   flight ahead of the prefix would still fit in `fin`. */
static int may_claim(const struct helper *x) {
    return x->next < min64(x->want, x->limit) && (x->next == x->backed || x->nfin + x->inflight < MM_FIN);
}

/* Claim the next range for the calling thread (may_claim said yes). */
static void claim(struct helper *x, uint64_t *from, uint64_t *to) {
    *from = x->next;
    *to = min64(min64(*from + x->chunk, x->want), x->limit);
    x->next = *to;
    x->inflight++;
}

/* Back [from, to) of the helper's backing, outside the lock. bk is the
   calling thread's own copy. */
static int helper_back(struct helper *x, _mm_backing *bk, uint8_t *view, uint64_t vlen, uint64_t from, uint64_t to,
                       const atomic_int *cancel, char *err, size_t errlen) {
    int rc = MM_OK;
    int populate = x->prefault && view && from < vlen;
    if (!(populate && x->populate_only && to <= vlen)) {
        bk->backed = from;
        rc = _mm_os_backing_provision(bk, to, err, errlen);
    }
    if (!rc && populate) rc = _mm_os_populate(view + from, min64(to, vlen) - from, cancel, err, errlen);
    return rc;
}

static void *helper_main(void *arg) {
    struct helper *x = arg;
    char err[MM_ERRLEN];
    pthread_mutex_lock(&x->mu);
    for (;;) {
        while (!x->stop && (x->rc || !may_claim(x)))
            pthread_cond_wait(&x->work, &x->mu);
        if (x->stop) break;
        uint64_t from, to;
        claim(x, &from, &to);
        uint8_t *view = x->view;
        uint64_t vlen = x->view_len;
        const atomic_int *cancel = x->cancel;
        x->bk.size = x->limit;
        x->busy = 1;
        pthread_mutex_unlock(&x->mu);
        int rc = helper_back(x, &x->bk, view, vlen, from, to, cancel, err, sizeof err);
        pthread_mutex_lock(&x->mu);
        x->busy = 0;
        x->inflight--;
        if (rc) {
            x->rc = rc;
            memcpy(x->err, err, sizeof err);
            if (x->next > from) x->next = from; /* to be backed again */
        } else {
            helper_finish(x, from, to);
        }
        pthread_cond_broadcast(&x->done);
    }
    pthread_mutex_unlock(&x->mu);
    return NULL;
}

static void helper_stop(mm_heap *h) {
    struct helper *x = h->helper;
    if (!x) return;
    pthread_mutex_lock(&x->mu);
    x->stop = 1;
    pthread_cond_broadcast(&x->work);
    pthread_mutex_unlock(&x->mu);
    pthread_join(x->th, NULL);
    pthread_mutex_destroy(&x->mu);
    pthread_cond_destroy(&x->work);
    pthread_cond_destroy(&x->done);
    free(x);
    h->helper = NULL;
}

/* Start the helper for the backing just created (no thread: provision on
   the caller's thread, as without the helper). */
static void helper_start(mm_heap *h) {
    struct helper *x = calloc(1, sizeof *x);
    if (!x) return;
    x->bk = h->cur.bk;
    x->limit = h->cur.file_size;
    x->backed = x->next = h->cur.bk.backed;
    x->chunk = h->chunk;
    x->prefault = h->cfg.prefault;
    x->populate_only = h->cfg.prefault && h->cfg.mode == MM_MODE_PAGEFILE && h->populate_only;
    x->cancel = h->cancel;
    if (pthread_mutex_init(&x->mu, NULL)) { free(x); return; }
    if (pthread_cond_init(&x->work, NULL)) { pthread_mutex_destroy(&x->mu); free(x); return; }
    if (pthread_cond_init(&x->done, NULL)) {
        pthread_cond_destroy(&x->work);
        pthread_mutex_destroy(&x->mu);
        free(x);
        return;
    }
    if (pthread_create(&x->th, NULL, helper_main, x)) {
        pthread_cond_destroy(&x->done);
        pthread_cond_destroy(&x->work);
        pthread_mutex_destroy(&x->mu);
        free(x);
        return;
    }
    h->helper = x;
}

/* Tell the helper what is mapped: the size, and the whole view it may
   populate (NULL while none). Waits for chunks in progress when the view
   goes away, so nothing populates a range being unmapped. */
static void helper_view(mm_heap *h, uint8_t *view, uint64_t len) {
    struct helper *x = h->helper;
    if (!x) return;
    pthread_mutex_lock(&x->mu);
    if (!view || view != x->view)
        while (x->busy) pthread_cond_wait(&x->done, &x->mu);
    x->view = view;
    x->view_len = view ? len : 0;
    x->limit = h->cur.file_size;
    x->cancel = h->cancel;
    pthread_mutex_unlock(&x->mu);
}

static int helper_provision(mm_heap *h, uint64_t end) {
    struct helper *x = h->helper;
    int rc = MM_OK;
    pthread_mutex_lock(&x->mu);
    x->limit = h->cur.file_size;
    x->cancel = h->cancel;
    uint64_t want = (end + h->chunk - 1) / h->chunk * h->chunk + (uint64_t)h->ahead * h->chunk;
    if (want > x->want) x->want = want;
    pthread_cond_signal(&x->work);
    while (x->backed < end && !x->rc) {
        if (canceled(h)) break;
        if (h->assist && may_claim(x)) {
            /* caught up: back the next unclaimed chunk here rather than wait */
            uint64_t from, to;
            claim(x, &from, &to);
            uint8_t *view = x->view;
            uint64_t vlen = x->view_len;
            _mm_backing *bk = &h->cur.bk;
            uint64_t keep = bk->backed;
            pthread_mutex_unlock(&x->mu);
            int r = helper_back(x, bk, view, vlen, from, to, h->cancel, h->err, sizeof h->err);
            bk->backed = keep;
            pthread_mutex_lock(&x->mu);
            x->inflight--;
            if (r) {
                if (x->next > from) x->next = from;
                rc = r;
                break;
            }
            helper_finish(x, from, to);
            pthread_cond_signal(&x->work); /* the prefix moved: the helper may claim again */
            continue;
        }
        struct timespec ts;
        timespec_get(&ts, TIME_UTC); /* CLOCK_REALTIME, as the condition variable */
        ts.tv_nsec += 20 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&x->done, &x->mu, &ts);
    }
    if (x->backed < end && !rc) {
        if (x->rc) {
            rc = x->rc;
            memcpy(h->err, x->err, sizeof h->err);
            x->rc = 0; /* taken: the next call tries again */
            x->want = x->backed;
        } else {
            rc = HERR(h, MM_ECANCELED, "canceled while backing the file");
        }
    }
    h->cur.bk.backed = x->backed;
    h->prov_next = (end + h->chunk - 1) / h->chunk * h->chunk; /* one lock per chunk, not per call */
    pthread_mutex_unlock(&x->mu);
    return rc;
}
#else
struct helper { int unused; };
static void helper_stop(mm_heap *h) { (void)h; }
static void helper_start(mm_heap *h) { (void)h; }
static void helper_view(mm_heap *h, uint8_t *view, uint64_t len) { (void)h; (void)view; (void)len; }
static int helper_provision(mm_heap *h, uint64_t end) { (void)h; (void)end; return MM_OK; }
#endif

/* Make [0, end) backed before anything writes there. */
static int provision(mm_heap *h, uint64_t end) {
    if (h->helper) return helper_provision(h, end);
    uint64_t from = h->cur.bk.backed;
    uint64_t to = min64((end + h->chunk - 1) / h->chunk * h->chunk, h->cur.file_size);
    int rc = _mm_os_backing_provision(&h->cur.bk, to, h->err, sizeof h->err);
    if (rc) return rc;
    return populate_backed(h, from, h->cur.bk.backed);
}

/* Map [base, base+len) of m; counts one view as the seed does (before the
   attempt). */
static int map_at_(mm_heap *h, mapobj *m, uint64_t base, uint64_t len, void *preferred);

static int map_at(mm_heap *h, mapobj *m, uint64_t base, uint64_t len, void *preferred) {
    uint64_t t0 = _mm_tick();
    int rc = map_at_(h, m, base, len, preferred);
    /* a failed populate unmapped the view again: that unmap was timed on its
       own, and this map's time ends at its start, well enough */
    lat_add(h, MM_OP_MAP_VIEW, t0);
    return rc;
}

static int map_at_(mm_heap *h, mapobj *m, uint64_t base, uint64_t len, void *preferred) {
    void *p = NULL;
    int fixed = use_resv(h, m);
    h->st.map_views++;
    int rc = _mm_os_map(&m->bk, base, len, fixed ? h->resv + base : preferred, fixed, &p, h->err,
                        sizeof h->err);
    if (rc) return rc;
    m->view = p;
    m->view_off = base;
    m->view_len = len;
    m->view_in_resv = fixed;
    if (m == &h->cur) sync_view_stats(h);
    ev(h, MM_EVENT_MAP_VIEW, base, len, p, 0, 0, 0, 0);
    if (m == &h->cur && h->cfg.view == MM_VIEW_WHOLE) helper_view(h, p, len);
    /* chunked: only the backed part; provision() populates the rest as it
       backs it */
    uint64_t plen = !h->chunked || m != &h->cur ? len
                  : m->bk.backed <= base ? 0 : min64(len, m->bk.backed - base);
    if (h->cfg.prefault && plen) {
        rc = _mm_os_populate(p, plen, h->cancel, h->err, sizeof h->err);
        if (rc) {
            unmap_view(h, m);
            return rc;
        }
    }
    return MM_OK;
}

/* The seed's MapView(locator, mappingData). */
static int map_view(mm_heap *h, mapobj *m, uint64_t off, uint64_t n, uint8_t **addr) {
    if (h->cfg.view == MM_VIEW_WHOLE) {
        if (m->view && m->view_off == 0 && m->view_len == m->file_size) {
            *addr = m->view + off;
            return MM_OK;
        }
        void *preferred = m->view;
        unmap_view(h, m);
        int rc = map_at(h, m, 0, m->file_size, preferred);
        if (rc) return rc;
        *addr = m->view + off;
        return MM_OK;
    }
    uint64_t G = h->G;
    uint64_t new_base = off / G * G;
    uint64_t leftover = off - new_base;
    void *preferred = NULL;
    /* note: the CURRENT mapping's size, even while mapping the new one */
    uint64_t desired = h->cfg.view_size > h->cur.file_size ? h->cur.file_size : h->cfg.view_size;
    if (m->view) {
        int fits = off >= m->view_off && off + n < m->view_off + m->view_len;
        if (fits && leftover + n < m->view_len) {
            *addr = m->view + (off - m->view_off);
            return MM_OK;
        }
        preferred = m->view;
        unmap_view(h, m);
        while (leftover + n > desired) desired += G; /* seed: once, asserting n <= G */
        if (new_base + desired >= m->file_size) desired = m->file_size - new_base;
    } else {
        while (leftover + n > desired) desired += G;
        if (new_base + desired > m->file_size) desired = m->file_size - new_base;
    }
    int rc = map_at(h, m, new_base, desired, preferred);
    if (rc) return rc;
    *addr = m->view + leftover;
    return MM_OK;
}

static int reserve_space(mm_heap *h, uint64_t first_size) {
    uint64_t want = h->cfg.offset_bits == 32 ? MM_4GIB : ((uint64_t)1 << 38); /* 256 GiB */
    uint64_t min = first_size * 4 > want ? want : first_size * 4;
    if (min < first_size) min = first_size;
    char scratch[MM_ERRLEN];
    for (uint64_t len = want; len >= min && len >= first_size; len /= 2) {
        void *p;
        if (_mm_os_reserve(len, &p, scratch, sizeof scratch) == MM_OK) {
            h->resv = p;
            h->resv_len = len;
            return MM_OK;
        }
        if (len == min) break;
        if (len / 2 < min) len = min * 2;
    }
    h->resv_dead = 1; /* no address space: grow by remap */
    return MM_OK;
}

static void drop_reservation(mm_heap *h) {
    if (h->cur.view && h->cur.view_in_resv) unmap_view(h, &h->cur);
    _mm_os_release(h->resv, h->resv_len);
    h->resv = NULL;
    h->resv_len = 0;
    h->resv_dead = 1;
}

/* the size of the backing: backed whole, or (chunked) backed later */
static int size_backing(mm_heap *h, _mm_backing *b, uint64_t size) {
    return h->chunked && b == &h->cur.bk ? _mm_os_backing_extend(b, size, h->err, sizeof h->err)
                                         : _mm_os_backing_resize(b, size, h->err, sizeof h->err);
}

static int new_backing(mm_heap *h, mapobj *m, uint64_t size) {
    memset(m, 0, sizeof *m);
    _mm_os_backing_init(&m->bk);
    int rc = _mm_os_backing_create(&m->bk, h->cfg.mode == MM_MODE_DISK, h->dir, h->prefix, h->err,
                                   sizeof h->err);
    if (rc) return rc;
    rc = size_backing(h, &m->bk, size);
    if (rc) {
        _mm_os_backing_close(&m->bk);
        return rc;
    }
    m->active = 1;
    m->file_size = size;
    h->st.file_maps++;
    ev(h, MM_EVENT_FILE_MAP, 0, 0, NULL, 0, size, 0, 0);
    return MM_OK;
}

/* extend the same backing and re-create the mapping (seed disk, remap) */
static int grow_remap(mm_heap *h, uint64_t new_size, uint32_t strategy) {
    uint64_t old = h->cur.file_size;
    unmap_view(h, &h->cur);
    int rc = size_backing(h, &h->cur.bk, new_size);
    if (rc) return rc;
    h->cur.file_size = new_size;
    h->st.file_maps++;
    ev(h, MM_EVENT_FILE_MAP, 0, 0, NULL, 0, new_size, 0, 0);
    ev(h, MM_EVENT_GROW, 0, 0, NULL, old, new_size, 0, strategy);
    return MM_OK;
}

/* The end of a growth by copy: drop the old backing, continue on the new. */
static int adopt_copy(mm_heap *h, mapobj *nm, uint64_t old, uint64_t new_size, uint64_t copied, int strategy) {
    unmap_view(h, &h->cur);
    _mm_os_backing_close(&h->cur.bk);
    h->cur = *nm;
    sync_view_stats(h);
    h->st.bytes_copied += copied;
    ev(h, MM_EVENT_GROW, 0, 0, NULL, old, new_size, copied, strategy);
    return MM_OK;
}

/* the seed's page-file growth: a new mapping, copied block by block
   through views of both */
static int grow_seed_copy(mm_heap *h, uint64_t new_size) {
    uint64_t old = h->cur.file_size;
    mapobj nm;
    int rc = new_backing(h, &nm, new_size);
    if (rc) return rc;
    uint64_t G = h->G, copied = 0;
    uint64_t nblocks = h->st.file_size / G;
    for (uint64_t i = 0; i < nblocks; i++) {
        uint8_t *src, *dst;
        if (canceled(h)) rc = HERR(h, MM_ECANCELED, "canceled during the growth copy");
        if (!rc) rc = map_view(h, &h->cur, i * G, G, &src);
        if (!rc) rc = map_view(h, &nm, i * G, G, &dst);
        if (rc) {
            unmap_view(h, &nm);
            _mm_os_backing_close(&nm.bk);
            return rc;
        }
        memcpy(dst, src, (size_t)G);
        copied += G;
    }
    return adopt_copy(h, &nm, old, new_size, copied, MM_GROWTH_SEED);
}

/* a new backing of the new size and one bulk copy */
static int grow_copy(mm_heap *h, uint64_t new_size) {
    uint64_t old = h->cur.file_size;
    mapobj nm;
    int rc = new_backing(h, &nm, new_size);
    if (rc) return rc;
    rc = _mm_os_backing_copy(&nm.bk, &h->cur.bk, old, h->cancel, h->err, sizeof h->err);
    if (rc) {
        _mm_os_backing_close(&nm.bk);
        return rc;
    }
    return adopt_copy(h, &nm, old, new_size, old, MM_GROWTH_COPY);
}

/* extend in place inside the reservation: no copy, stable addresses */
static int grow_reserve(mm_heap *h, uint64_t new_size) {
    if (!h->resv || h->resv_dead || new_size > h->resv_len) {
        if (h->resv) drop_reservation(h);
        return grow_remap(h, new_size, MM_GROWTH_REMAP);
    }
    uint64_t old = h->cur.file_size;
    int rc = size_backing(h, &h->cur.bk, new_size);
    if (rc) return rc;
    h->cur.file_size = new_size;
    if (h->cfg.view == MM_VIEW_WHOLE && h->cur.view && h->cur.view_in_resv &&
        h->cur.view_off == 0 && h->cur.view_len == old) {
        void *p;
        h->st.map_views++;
        char scratch[MM_ERRLEN];
        h->cur.bk.unwritten_from = h->st.offset_free_mem; /* OS hint */
        uint64_t t0 = _mm_tick();
        int mrc = _mm_os_map(&h->cur.bk, old, new_size - old, h->resv + old, 1, &p, scratch, sizeof scratch);
        lat_add(h, MM_OP_MAP_VIEW, t0); /* every counted view is timed: latency.mapView.count = map_views */
        if (mrc == MM_OK) {
            ev(h, MM_EVENT_MAP_VIEW, old, new_size - old, p, 0, 0, 0, 0);
            h->cur.view_len = new_size;
            sync_view_stats(h);
            helper_view(h, h->cur.view, new_size);
            /* chunked: the new part is populated as provision() backs it */
            if (h->cfg.prefault && !h->chunked) {
                rc = _mm_os_populate(p, new_size - old, h->cancel, h->err, sizeof h->err);
                if (rc) {
                    unmap_view(h, &h->cur);
                    return rc;
                }
            }
        }
        /* else: the view stays short; the next map_view maps it whole */
    }
    ev(h, MM_EVENT_GROW, 0, 0, NULL, old, new_size, 0, MM_GROWTH_RESERVE);
    return MM_OK;
}

/* The seed's Resize(newSize). */
static int heap_resize(mm_heap *h, uint64_t new_size) {
    if (h->cur.file_size == 0) h->st.offset_free_mem = 0;
    if (new_size <= h->st.file_size) return MM_OK;
    if (h->cfg.offset_bits == 32 && new_size > MM_4GIB)
        return HERR(h, MM_EOVERFLOW,
                    "growing the file from %llu to %llu bytes is past what 32-bit offsets can "
                    "address; allowed: at most 4294967296 bytes with offset_bits 32 (use "
                    "offset_bits 64)",
                    (unsigned long long)h->st.file_size, (unsigned long long)new_size);
    if (new_size > MM_SIZE_CAP)
        return HERR(h, MM_EOVERFLOW, "growing the file to %llu bytes is past the cap of %llu bytes",
                    (unsigned long long)new_size, (unsigned long long)MM_SIZE_CAP);
    int rc;
    if (h->cfg.mode == MM_MODE_PAGEFILE) {
        /* page-file memory is bounded by what the machine and the process's
           memory limit can give (memlimit.c); a growth by copy holds the old
           and the new backing at once */
        int in_place = _mm_os_traits_get()->pagefile_grows_in_place;
        uint64_t held = h->cur.active ? h->cur.file_size : 0;
        int copying = h->cur.active && (h->cfg.growth == MM_GROWTH_SEED || h->cfg.growth == MM_GROWTH_COPY || !in_place);
        rc = _mm_pagefile_room_check(held, copying || !held ? new_size : new_size - held, copying, h->err,
                                     sizeof h->err);
        if (rc) return rc;
    }
    if (!h->cur.active) {
        rc = new_backing(h, &h->cur, new_size);
        if (!rc && h->cfg.growth == MM_GROWTH_RESERVE) rc = reserve_space(h, new_size);
        if (!rc && h->want_helper) helper_start(h);
    } else if (canceled(h)) {
        rc = HERR(h, MM_ECANCELED, "canceled before growing the file");
    } else {
        /* a page-file backing that cannot grow in place (a Windows section)
           grows by copy, and its GROW event says so */
        int in_place = h->cfg.mode == MM_MODE_DISK || _mm_os_traits_get()->pagefile_grows_in_place;
        uint64_t t0 = _mm_tick(), copied0 = h->st.bytes_copied, minor0, major0, minor1, major1;
        _mm_prim_fault_counts(&minor0, &major0); /* rare: two getrusage calls per growth */
        h->in_grow = 1;
        switch (h->cfg.growth) {
        case MM_GROWTH_SEED:
            rc = h->cfg.mode == MM_MODE_DISK ? grow_remap(h, new_size, MM_GROWTH_SEED)
                                             : grow_seed_copy(h, new_size);
            break;
        case MM_GROWTH_COPY: rc = grow_copy(h, new_size); break;
        case MM_GROWTH_REMAP:
            rc = in_place ? grow_remap(h, new_size, MM_GROWTH_REMAP) : grow_copy(h, new_size);
            break;
        default: rc = in_place ? grow_reserve(h, new_size) : grow_copy(h, new_size); break;
        }
        h->in_grow = 0;
        _mm_prim_fault_counts(&minor1, &major1);
        h->grow_faults += minor1 - minor0 + major1 - major0;
        if (!rc) { /* a growth that happened: one per GROW event */
            uint64_t ns = lat_add(h, MM_OP_GROW, t0);
            if (h->nstalls < MM_STALLS_KEPT) {
                mm_stall *x = &h->stalls[h->nstalls];
                x->start_ns = _mm_ticks_to_ns(t0 - h->open_ticks);
                x->duration_ns = ns;
                x->old_size = h->st.file_size;
                x->new_size = new_size;
                x->bytes_copied = h->st.bytes_copied - copied0;
                x->strategy = h->grow_strategy;
                x->reserved = 0;
            }
            h->nstalls++;
        }
    }
    if (rc) return rc;
    h->st.file_size = new_size;
    if (h->helper) helper_view(h, h->cur.view && h->cfg.view == MM_VIEW_WHOLE ? h->cur.view : NULL, h->cur.view_len);
    return MM_OK;
}

/* ---- public API -------------------------------------------------------------- */
MM_API int mm_heap_open(const mm_config *cfg, mm_heap **out) { return mm_heap_open_ex(cfg, NULL, out); }

MM_API int mm_heap_open_ex(const mm_config *cfg, const mm_heap_options *opt, mm_heap **out) {
    if (!out) return MM_EINVAL;
    *out = NULL;
    mm_heap *h = calloc(1, sizeof *h);
    if (!h) return MM_ENOMEM;
    int rc = _mm_config_check(cfg, h->err, sizeof h->err, h->dir, sizeof h->dir);
    if (rc) {
        free(h);
        return rc;
    }
    h->cfg = *cfg;
    snprintf(h->prefix, sizeof h->prefix, "%s", cfg->name_prefix ? cfg->name_prefix : "memmap-lab");
    h->cfg.disk_dir = NULL;   /* never keep the caller's pointers */
    h->cfg.name_prefix = NULL;
    h->G = cfg->granularity;
    _mm_os_backing_init(&h->cur.bk);
    h->st.view_size = cfg->view_size;
    h->st.initial_file_size = cfg->initial_file_size;
    provision_setup(h, opt);
    _mm_clock_init();
    h->open_ticks = _mm_tick();
    h->lat_rng = 0x9E3779B9u; /* any non-zero seed: the same calls sample the same way every run */
    if (_mm_ring_init(&h->ring, cfg->event_capacity) != MM_OK) {
        free(h);
        return MM_ENOMEM;
    }
    *out = h;
    return MM_OK;
}

MM_API void mm_heap_close(mm_heap *h) {
    if (!h) return;
    helper_stop(h);
    unmap_view(h, &h->cur);
    if (h->resv) _mm_os_release(h->resv, h->resv_len);
    _mm_os_backing_close(&h->cur.bk);
    fl_free(&h->fl);
    blk_free(&h->blk);
    _mm_ring_free(&h->ring);
    free(h);
}

MM_API const char *mm_heap_last_error(const mm_heap *h) {
    return h ? h->err : "heap is NULL";
}

MM_API const char *mm_heap_file_path(const mm_heap *h) {
    return h ? h->cur.bk.path : "";
}

MM_API int mm_disk_file_remove_if_stale(const char *path, char *msg, size_t msg_len) {
    char scratch[MM_ERRLEN];
    if (!msg || !msg_len) {
        msg = scratch;
        msg_len = sizeof scratch;
    }
    if (!path || !path[0])
        return _mm_fmt(msg, msg_len, MM_EINVAL, "path is NULL or empty; allowed: the path of a disk file");
    return _mm_os_remove_if_stale(path, msg, msg_len);
}

MM_API int mm_heap_stats(const mm_heap *h, mm_stats *out) {
    if (!h || !out) return MM_EINVAL;
    *out = h->st;
    return MM_OK;
}

MM_API int mm_heap_disk_bytes(const mm_heap *h, uint64_t *out) {
    if (!h || !out) return MM_EINVAL;
    *out = _mm_os_backing_allocated(&h->cur.bk);
    return MM_OK;
}

MM_API int mm_heap_events_drain(mm_heap *h, mm_event *out, uint32_t max, uint64_t *dropped) {
    if (!h) return MM_EINVAL;
    if (!out && max) return HERR(h, MM_EINVAL, "out is NULL with max %u; allowed: an array of max events", (unsigned)max);
    if (max > (uint32_t)INT32_MAX) max = INT32_MAX;
    if (!h->ring.cap) {
        if (dropped) *dropped = 0;
        return 0;
    }
    return (int)_mm_ring_drain(&h->ring, out, max, dropped);
}

static int alloc_(mm_heap *h, uint32_t size, mm_locator *loc, void **addr);

/* Timed: every call that counts in allocs (issue 16). */
MM_API int mm_alloc(mm_heap *h, uint32_t size, mm_locator *loc, void **addr) {
    if (!h) return MM_EINVAL;
    uint64_t before = h->st.allocs, t0 = lat_begin(h, MM_OP_ALLOC);
    int rc = alloc_(h, size, loc, addr);
    if (h->st.allocs != before) lat_end(h, MM_OP_ALLOC, t0);
    return rc;
}

/* The seed's AllocateSpace. */
static int alloc_(mm_heap *h, uint32_t size, mm_locator *loc, void **addr) {
    if (addr) *addr = NULL;
    if (!loc) return HERR(h, MM_EINVAL, "loc is NULL; allowed: a pointer to an mm_locator");
    memset(loc, 0, sizeof *loc);
    uint64_t n = ((uint64_t)size + 3) & ~(uint64_t)3; /* Roundit(requestSize) */
    h->st.allocs++;                                   /* nAllocs++, even if refused */
    if (n == 0) return MM_OK;                         /* zero locator, nothing mapped */
    if (n > 0xFFFFFFFCull)
        return HERR(h, MM_ETOOBIG, "size %u rounds past 32 bits; allowed: at most 4294967292",
                    (unsigned)size);
    if (h->cfg.view == MM_VIEW_SLIDING && n >= h->cfg.view_size)
        return HERR(h, MM_ETOOBIG,
                    "size %u (rounded %llu) is not smaller than the view size %llu; allowed: a "
                    "rounded size below %llu (or view = whole)",
                    (unsigned)size, (unsigned long long)n, (unsigned long long)h->cfg.view_size,
                    (unsigned long long)h->cfg.view_size);
    int rc;
    if (h->cur.file_size == 0) { /* initialization */
        rc = heap_resize(h, h->cfg.initial_file_size);
        if (rc) return rc;
    }
    uint64_t off, fv; /* fv: what the free list holds (FL_OFFSET turns it into an offset) */
    int recycled = fl_pop(&h->fl, (uint32_t)n, &fv);
    if (recycled) {
        off = FL_OFFSET(h, fv);
        h->st.free_list_bytes -= n;
        h->st.recycled_allocs++;
    } else {
        if (h->st.offset_free_mem + n >= h->st.file_size) { /* gotta grow */
            uint64_t ns = h->st.file_size * 2;
            while (h->st.offset_free_mem + n >= ns) ns *= 2;
            rc = heap_resize(h, ns);
            if (rc) return rc;
        }
        /* back what this block reaches (and, with the helper, the next
           chunks) before anything can write there */
        if (h->chunked && (h->st.offset_free_mem + n > h->cur.bk.backed ||
                           (h->helper && h->st.offset_free_mem + n > h->prov_next))) {
            rc = provision(h, h->st.offset_free_mem + n);
            if (rc) return rc;
        }
        off = h->st.offset_free_mem;
        h->st.offset_free_mem += n;
    }
    h->st.bytes_allocated += n;
    uint8_t *p;
    h->cur.bk.unwritten_from = recycled ? h->st.offset_free_mem : off; /* OS hint */
    rc = map_view(h, &h->cur, off, n, &p);
    if (rc) { /* give the block back so nothing is lost */
        h->st.bytes_allocated -= n;
        if (recycled) {
            h->st.recycled_allocs--;
            h->st.free_list_bytes += n;
            fl_push(&h->fl, (uint32_t)n, fv);
        } else {
            h->st.offset_free_mem -= n;
        }
        return rc;
    }
#if MM_LIVESET
    if (recycled) {
        blk_set(&h->blk, fv, 1);
    } else if (blk_append(&h->blk, off)) {
        rc = HERR(h, MM_ENOMEM, "out of memory for the table of blocks");
        h->st.bytes_allocated -= n;
        h->st.offset_free_mem -= n;
        return rc;
    }
#endif
    loc->offset = off;
    loc->size = (uint32_t)n;
    if (addr) *addr = p;
    ev(h, MM_EVENT_ALLOC, off, n, p, 0, 0, 0, 0);
    return MM_OK;
}

MM_API int mm_alloc_put(mm_heap *h, const void *data, uint32_t size, mm_locator *loc) {
    if (!h) return MM_EINVAL;
    if (!data && size) return HERR(h, MM_EINVAL, "data is NULL with size %u; allowed: data pointing at size bytes", (unsigned)size);
    void *p;
    int rc = mm_alloc(h, size, loc, &p);
    if (rc) return rc;
    if (size) memcpy(p, data, size);
    return MM_OK;
}

static int check_loc(mm_heap *h, const mm_locator *loc, const char *what) {
    if (!loc) return HERR(h, MM_EINVAL, "%s: loc is NULL; allowed: a locator from mm_alloc", what);
    if (loc->size == 0 || loc->size % 4 || loc->offset % 4 ||
        loc->offset + loc->size > h->st.offset_free_mem || loc->offset + loc->size < loc->offset)
        return HERR(h, MM_EINVAL,
                    "%s: locator (offset %llu, size %u) does not name a block; allowed: a locator "
                    "from mm_alloc (size a non-zero multiple of 4, offset + size <= %llu)",
                    what, (unsigned long long)loc->offset, (unsigned)loc->size,
                    (unsigned long long)h->st.offset_free_mem);
    return MM_OK;
}

/* The seed's Dereference. */
MM_API int mm_deref(mm_heap *h, const mm_locator *loc, void **addr) {
    if (!h) return MM_EINVAL;
    if (addr) *addr = NULL;
    int rc = check_loc(h, loc, "mm_deref");
    if (rc) return rc;
    uint8_t *p;
    uint64_t t0 = lat_begin(h, MM_OP_DEREF);
    h->cur.bk.unwritten_from = h->st.offset_free_mem; /* OS hint */
    rc = map_view(h, &h->cur, loc->offset, loc->size, &p);
    lat_end(h, MM_OP_DEREF, t0);
    if (rc) return rc;
    if (addr) *addr = p;
    return MM_OK;
}

MM_API int mm_read(mm_heap *h, const mm_locator *loc, void *dst, uint32_t len) {
    if (!h) return MM_EINVAL;
    int rc = check_loc(h, loc, "mm_read");
    if (rc) return rc;
    if (!dst && len) return HERR(h, MM_EINVAL, "mm_read: dst is NULL; allowed: a buffer of len bytes");
    if (len > loc->size)
        return HERR(h, MM_EINVAL, "mm_read: len %u is larger than the block; allowed: at most %u",
                    (unsigned)len, (unsigned)loc->size);
    void *p;
    rc = mm_deref(h, loc, &p);
    if (rc) return rc;
    if (len) memcpy(dst, p, len);
    return MM_OK;
}

static int free_(mm_heap *h, const mm_locator *loc);

/* Timed: every call that counts in deletions (issue 16). */
MM_API int mm_free(mm_heap *h, const mm_locator *loc) {
    if (!h) return MM_EINVAL;
    uint64_t before = h->st.deletions, t0 = lat_begin(h, MM_OP_FREE);
    int rc = free_(h, loc);
    if (h->st.deletions != before) lat_end(h, MM_OP_FREE, t0);
    return rc;
}

/* The seed's Deallocate. */
static int free_(mm_heap *h, const mm_locator *loc) {
    if (!loc) return HERR(h, MM_EINVAL, "mm_free: loc is NULL; allowed: a locator from mm_alloc");
    if (loc->size == 0 && loc->offset == 0) { /* the zero locator of a size-0 alloc */
        h->st.deletions++;
        return MM_OK;
    }
    int rc = check_loc(h, loc, "mm_free");
    if (rc) return rc;
#if MM_LIVESET
    uint64_t bi = blk_find(&h->blk, loc->offset);
    if (bi == h->blk.n || !blk_live(&h->blk, bi))
        return HERR(h, MM_EINVAL,
                    "mm_free: no live block starts at offset %llu (size %u): freed already, or a "
                    "locator mm_alloc did not return; allowed: a locator from mm_alloc, freed once",
                    (unsigned long long)loc->offset, (unsigned)loc->size);
    uint64_t bsize = (bi + 1 < h->blk.n ? h->blk.off[bi + 1] : h->st.offset_free_mem) - loc->offset;
    if (bsize != loc->size)
        return HERR(h, MM_EINVAL,
                    "mm_free: the block at offset %llu has size %llu, the locator says %u; allowed: "
                    "the locator mm_alloc returned, unchanged",
                    (unsigned long long)loc->offset, (unsigned long long)bsize, (unsigned)loc->size);
#endif
#if MM_LIVESET
    rc = fl_push(&h->fl, loc->size, bi);
#else
    rc = fl_push(&h->fl, loc->size, loc->offset);
#endif
    if (rc) return HERR(h, rc, "mm_free: out of memory for the free list");
#if MM_LIVESET
    blk_set(&h->blk, bi, 0);
#endif
    h->st.deletions++;
    h->st.bytes_freed += loc->size;
    h->st.free_list_bytes += loc->size;
    ev(h, MM_EVENT_FREE, loc->offset, loc->size, NULL, 0, 0, 0, 0);
    return MM_OK;
}

typedef struct { uint64_t off, size; } span;

static int span_cmp(const void *a, const void *b) {
    const span *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

MM_API int mm_heap_check(mm_heap *h) {
    if (!h) return MM_EINVAL;
    const mm_stats *s = &h->st;
    if (s->compactions != 0) return HERR(h, MM_ESTATE, "check: compactions %llu != 0", (unsigned long long)s->compactions);
    if (s->offset_free_mem > s->file_size || (s->file_size && s->offset_free_mem >= s->file_size))
        return HERR(h, MM_ESTATE, "check: bump pointer %llu not inside the file of %llu bytes",
                    (unsigned long long)s->offset_free_mem, (unsigned long long)s->file_size);
    if (s->file_size != h->cur.file_size)
        return HERR(h, MM_ESTATE, "check: file_size %llu != mapping size %llu",
                    (unsigned long long)s->file_size, (unsigned long long)h->cur.file_size);
    if (h->cur.active && h->cur.bk.size < h->cur.file_size)
        return HERR(h, MM_ESTATE, "check: backing of %llu bytes is smaller than the mapping (%llu)",
                    (unsigned long long)h->cur.bk.size, (unsigned long long)h->cur.file_size);
    if (h->chunked && h->cur.active && s->offset_free_mem > h->cur.bk.backed)
        return HERR(h, MM_ESTATE, "check: bump pointer %llu past the backed part (%llu bytes)",
                    (unsigned long long)s->offset_free_mem, (unsigned long long)h->cur.bk.backed);
    if (h->cfg.offset_bits == 32 && s->file_size > MM_4GIB)
        return HERR(h, MM_ESTATE, "check: a 32-bit heap is larger than 4 GiB");
    if (h->cur.view && h->cur.view_off + h->cur.view_len > h->cur.file_size)
        return HERR(h, MM_ESTATE, "check: view [%llu, +%llu) past the end of the file (%llu)",
                    (unsigned long long)h->cur.view_off, (unsigned long long)h->cur.view_len,
                    (unsigned long long)h->cur.file_size);
    if (s->bytes_allocated < s->bytes_freed ||
        s->bytes_allocated - s->bytes_freed + s->free_list_bytes != s->offset_free_mem)
        return HERR(h, MM_ESTATE,
                    "check: counters inconsistent: allocated %llu - freed %llu + free-list %llu != "
                    "bump pointer %llu",
                    (unsigned long long)s->bytes_allocated, (unsigned long long)s->bytes_freed,
                    (unsigned long long)s->free_list_bytes, (unsigned long long)s->offset_free_mem);
    if (s->recycled_allocs > s->allocs)
        return HERR(h, MM_ESTATE, "check: more recycled allocations than allocations");
    uint64_t total = 0, count = 0;
    for (uint32_t i = 0; i < h->fl.cap; i++) count += h->fl.b[i].size ? h->fl.b[i].count : 0;
    span *sp = count ? malloc((size_t)count * sizeof *sp) : NULL;
    if (count && !sp) return HERR(h, MM_ENOMEM, "check: out of memory");
    uint64_t k = 0;
    for (uint32_t i = 0; i < h->fl.cap; i++) {
        const fl_bucket *b = &h->fl.b[i];
        if (!b->size) continue;
        for (uint32_t j = 0; j < b->count; j++) {
            uint64_t o = FL_OFFSET(h, b->offs[j]);
            if (o % 4 || o + b->size > s->offset_free_mem) {
                free(sp);
                return HERR(h, MM_ESTATE, "check: free block (offset %llu, size %u) outside the used part (%llu bytes)",
                            (unsigned long long)o, (unsigned)b->size, (unsigned long long)s->offset_free_mem);
            }
            sp[k].off = o;
            sp[k].size = b->size;
            k++;
            total += b->size;
        }
    }
#if MM_LIVESET
    uint64_t live_bytes = 0;
    for (uint64_t i = 0; i < h->blk.n; i++)
        if (blk_live(&h->blk, i))
            live_bytes += (i + 1 < h->blk.n ? h->blk.off[i + 1] : s->offset_free_mem) - h->blk.off[i];
    if (live_bytes != s->bytes_allocated - s->bytes_freed) {
        free(sp);
        return HERR(h, MM_ESTATE, "check: live blocks hold %llu bytes, allocated - freed is %llu",
                    (unsigned long long)live_bytes, (unsigned long long)(s->bytes_allocated - s->bytes_freed));
    }
#endif
    if (total != s->free_list_bytes) {
        free(sp);
        return HERR(h, MM_ESTATE, "check: free lists hold %llu bytes, counter says %llu",
                    (unsigned long long)total, (unsigned long long)s->free_list_bytes);
    }
    if (k > 1) qsort(sp, (size_t)k, sizeof *sp, span_cmp);
    for (uint64_t i = 1; i < k; i++) {
        if (sp[i - 1].off + sp[i - 1].size > sp[i].off) {
            int rc = HERR(h, MM_ESTATE, "check: free blocks overlap: (offset %llu, size %llu) and (offset %llu, size %llu)",
                          (unsigned long long)sp[i - 1].off, (unsigned long long)sp[i - 1].size,
                          (unsigned long long)sp[i].off, (unsigned long long)sp[i].size);
            free(sp);
            return rc;
        }
    }
    free(sp);
    return MM_OK;
}

/* ---- internals for scenario.c ------------------------------------------------ */
uint32_t _mm_heap_take_event_bits(mm_heap *h) {
    uint32_t b = h->event_bits;
    h->event_bits = 0;
    return b;
}

void _mm_heap_set_op(mm_heap *h, uint64_t op) { h->op = op; }

void _mm_heap_set_cancel(mm_heap *h, const atomic_int *cancel) { h->cancel = cancel; }

char *_mm_heap_errbuf(mm_heap *h) { return h->err; }

int _mm_heap_read_uncounted(mm_heap *h, const mm_locator *loc, void *dst, uint32_t len) {
    int rc = check_loc(h, loc, "read");
    if (rc) return rc;
    if (len > loc->size) len = loc->size;
    const mapobj *m = &h->cur;
    if (m->view && loc->offset >= m->view_off && loc->offset + len <= m->view_off + m->view_len) {
        memcpy(dst, m->view + (loc->offset - m->view_off), len);
        return MM_OK;
    }
    return _mm_os_backing_pread(&m->bk, dst, len, loc->offset, h->err, sizeof h->err);
}

/* ---- insight (issue 16) ---------------------------------------------------------- */
MM_API int mm_heap_latency(const mm_heap *h, int op, mm_latency *out) {
    if (!h || !out) return MM_EINVAL;
    if (op < 0 || op >= MM_OP_COUNT)
        return HERR((mm_heap *)h, MM_EINVAL, "op %d is not an operation; allowed: 0 (alloc) to %d (grow), an mm_op",
                    op, MM_OP_COUNT - 1);
    _mm_hist_read(&h->lat[op], out);
    return MM_OK;
}

MM_API int mm_heap_stalls(const mm_heap *h, mm_stall *out, uint32_t max, uint64_t *total) {
    if (!h) return MM_EINVAL;
    if (!out && max) return HERR((mm_heap *)h, MM_EINVAL, "out is NULL with max %u; allowed: an array of max stalls", (unsigned)max);
    uint64_t kept = h->nstalls < MM_STALLS_KEPT ? h->nstalls : MM_STALLS_KEPT;
    uint32_t n = kept < max ? (uint32_t)kept : max;
    if (n) memcpy(out, h->stalls, n * sizeof *out);
    if (total) *total = h->nstalls;
    return (int)n;
}

MM_API int mm_heap_residency(mm_heap *h, uint32_t max_cells, mm_residency *out, uint8_t *cells) {
    if (!h) return MM_EINVAL;
    if (!out) return HERR(h, MM_EINVAL, "out is NULL; allowed: a pointer to an mm_residency");
    if (max_cells < 1 || max_cells > (1u << 20))
        return HERR(h, MM_EINVAL, "max_cells %u is out of range; allowed: 1 to 1048576", (unsigned)max_cells);
    return _mm_os_residency(&h->cur.bk, h->cur.active ? h->st.file_size : 0, h->cur.view, h->cur.view_off,
                            h->cur.view_len, max_cells, out, cells, h->err, sizeof h->err);
}

MM_API int mm_heap_evict(mm_heap *h, uint32_t *how) {
    if (!h) return MM_EINVAL;
    uint32_t bits = 0;
    int rc = _mm_os_evict(&h->cur.bk, h->cur.view, h->cur.view_len, &bits, h->err, sizeof h->err);
    if (how) *how = bits;
    return rc;
}

/* scenario.c: the heap's own time in its calls (alloc/deref/free, without the
   views and growths inside them; the sampled calls after the first
   MM_LATENCY_TIMED_FIRST scaled up to all of those: _mm_scaled_self_ns), in
   view map/unmap outside growth, and in growth */
void _mm_heap_times(const mm_heap *h, uint64_t *book_ns, uint64_t *map_ns, uint64_t *grow_ns, uint64_t *grow_faults) {
    *grow_faults = h->grow_faults;
    double book = 0;
    for (int op = MM_OP_ALLOC; op <= MM_OP_FREE; op++)
        book += _mm_scaled_self_ns(h->lat[op].count, h->lat[op].timed, h->self_first_ns[op], h->self_rest_ns[op]);
    *book_ns = (uint64_t)book;
    uint64_t maps = h->lat[MM_OP_MAP_VIEW].sum_ns + h->lat[MM_OP_UNMAP_VIEW].sum_ns;
    *map_ns = maps > h->map_in_grow_ns ? maps - h->map_in_grow_ns : 0;
    *grow_ns = h->lat[MM_OP_GROW].sum_ns;
}
