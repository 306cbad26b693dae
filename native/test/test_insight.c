/* test_insight.c - issue 16: latency histograms (buckets and percentiles
   against a hand model, counts equal to the counters), growth stalls,
   residency of a file made resident and then evicted (cachestat and the
   mincore path), the strip's resolution, cold verify, and the time
   breakdown adding up. */
#define _GNU_SOURCE 1
#include "../include/memmap.h"
#include "../src/internal.h"
#include "check.h"
#include "syscall_faults.h"

#if !defined(_WIN32)
#  include <time.h>
#endif

/* the heap counts an operation and then adds its time when it timed it */
static void hist_put(_mm_hist *h, uint64_t ns, uint64_t times) {
    for (uint64_t i = 0; i < times; i++) {
        h->count++;
        _mm_hist_add(h, ns);
    }
}

/* Bucket edges written out by hand: four per power of two. */
TEST(latency_bucket_edges) {
    static const uint64_t want[][2] = {{0, 0}, {3, 3}, {4, 4}, {5, 5}, {7, 7}, {8, 8}, {9, 10}, {10, 12}, {11, 14},
                                       {12, 16}, {13, 20}, {16, 32}, {24, 128}, {27, 224}, {251, 7ull << 61}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) CHECK_EQ(mm_latency_bucket_floor((uint32_t)want[i][0]), want[i][1]);
    CHECK_EQ(mm_latency_bucket_floor(MM_LATENCY_BUCKETS), UINT64_MAX);
    /* every value lands in the bucket whose floor is at most it and whose
       next floor is past it; buckets are at most 25% wide */
    for (uint32_t i = 0; i < MM_LATENCY_BUCKETS; i++) {
        uint64_t lo = mm_latency_bucket_floor(i), hi = mm_latency_bucket_floor(i + 1);
        CHECK(hi > lo);
        if (lo >= 4 && i + 1 < MM_LATENCY_BUCKETS) CHECK((hi - lo) * 4 <= lo);
        CHECK_EQ(_mm_lat_bucket(lo), i);
        CHECK_EQ(_mm_lat_bucket(hi - 1), i);
    }
    CHECK_EQ(_mm_lat_bucket(100), 22);   /* [96, 112) */
    CHECK_EQ(_mm_lat_bucket(UINT64_MAX), MM_LATENCY_BUCKETS - 1);
}

/* 990 x 100 ns, 9 x 10 us, 1 x 1 ms: percentiles worked out by hand. */
TEST(latency_percentiles_hand_model) {
    _mm_hist h;
    memset(&h, 0, sizeof h);
    hist_put(&h, 100, 990);
    hist_put(&h, 10000, 9);
    hist_put(&h, 1000000, 1);
    mm_latency l;
    _mm_hist_read(&h, &l);
    CHECK_EQ(l.count, 1000);
    CHECK_EQ(l.timed, 1000);
    CHECK_EQ(l.sum_ns, 990 * 100 + 9 * 10000 + 1000000);
    CHECK_EQ(l.min_ns, 100);
    CHECK_EQ(l.max_ns, 1000000);
    CHECK_EQ(l.p50_ns, 111);     /* rank 500: bucket [96, 112) */
    CHECK_EQ(l.p99_ns, 111);     /* rank 990: still the 100 ns bucket */
    CHECK_EQ(l.p999_ns, 10239);  /* rank 999: bucket [8192, 10240) */
    uint64_t sum = 0;
    for (int i = 0; i < MM_LATENCY_BUCKETS; i++) sum += l.buckets[i];
    CHECK_EQ(sum, 1000);
    CHECK_EQ(l.buckets[22], 990);
    /* a single value: every percentile is that value (clamped to max) */
    memset(&h, 0, sizeof h);
    hist_put(&h, 1000, 1);
    _mm_hist_read(&h, &l);
    CHECK_EQ(l.p50_ns, 1000);
    CHECK_EQ(l.p999_ns, 1000);
    /* empty */
    memset(&h, 0, sizeof h);
    _mm_hist_read(&h, &l);
    CHECK_EQ(l.count + l.timed + l.p50_ns + l.max_ns + l.min_ns, 0);
    /* percentiles rank the timed operations, not all of them: 10 timed
       (9 x 100 ns, 1 x 1 ms) of 80 counted; rank ceil(0.99 * 10) = 10 */
    memset(&h, 0, sizeof h);
    hist_put(&h, 100, 9);
    hist_put(&h, 1000000, 1);
    h.count = 80;
    _mm_hist_read(&h, &l);
    CHECK_EQ(l.count, 80);
    CHECK_EQ(l.timed, 10);
    CHECK_EQ(l.p50_ns, 111);
    CHECK_EQ(l.p99_ns, 1000000);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Random durations against a sorted model: each percentile is the true
   value at its rank, rounded up to its bucket's end (at most 25% more). */
TEST(latency_percentiles_sorted_model) {
    unsigned long long seed = 16;
    enum { N = 20011 };
    static uint64_t v[N];
    _mm_hist h;
    memset(&h, 0, sizeof h);
    for (int i = 0; i < N; i++) {
        v[i] = 1 + t_rand(&seed) % (1u << (t_rand(&seed) % 24));
        hist_put(&h, v[i], 1);
    }
    qsort(v, N, sizeof *v, cmp_u64);
    mm_latency l;
    _mm_hist_read(&h, &l);
    const uint64_t q[3][2] = {{50, 100}, {99, 100}, {999, 1000}};
    const uint64_t got[3] = {l.p50_ns, l.p99_ns, l.p999_ns};
    for (int k = 0; k < 3; k++) {
        uint64_t rank = ((uint64_t)N * q[k][0] + q[k][1] - 1) / q[k][1];
        uint64_t truth = v[rank - 1];
        CHECK_MSG(got[k] >= truth && got[k] <= truth + truth / 4 + 1, "percentile %d: got %llu, true %llu", k,
                  (unsigned long long)got[k], (unsigned long long)truth);
    }
    CHECK_EQ(l.max_ns, v[N - 1]);
    CHECK_EQ(l.min_ns, v[0]);
}

/* The tick clock measures what the monotonic clock measures. */
TEST(latency_clock_calibrated) {
    mm_clock_info ci;
    CHECK_RC(mm_latency_clock(&ci), MM_OK);
    CHECK(ci.tick_hz > 0);
    CHECK(ci.tick_read_ps > 0 && ci.now_read_ps > 0);
    CHECK(ci.source[0]);
    CHECK_RC(mm_latency_clock(NULL), MM_EINVAL);
    uint64_t t0 = _mm_os_now_ns(), k0 = _mm_tick();
    while (_mm_os_now_ns() - t0 < 30000000) { /* 30 ms */ }
    uint64_t t1 = _mm_os_now_ns(), k1 = _mm_tick();
    uint64_t mono = t1 - t0, ticks = _mm_ticks_to_ns(k1 - k0);
    CHECK_MSG(ticks > mono - mono / 50 && ticks < mono + mono / 50, "ticks say %llu ns, the clock %llu ns",
              (unsigned long long)ticks, (unsigned long long)mono);
}

static void lat(mm_heap *h, int op, mm_latency *l) { CHECK_RC(mm_heap_latency(h, op, l), MM_OK); }

/* The buckets hold the timed operations; views and growths are all timed,
   alloc/deref/free all of their first 256, then about one in 16. */
static void check_hist_shape(int op, const mm_latency *l) {
    uint64_t sum = 0;
    for (int i = 0; i < MM_LATENCY_BUCKETS; i++) sum += l->buckets[i];
    CHECK_EQ(sum, l->timed);
    CHECK(l->timed <= l->count);
    if (op >= MM_OP_MAP_VIEW) CHECK_EQ(l->timed, l->count);
    else if (l->count <= 256) CHECK_EQ(l->timed, l->count);
    else {
        double expect = 256 + (double)(l->count - 256) / 16; /* one in 16 past the first 256 */
        CHECK_MSG(l->timed > 256 && (double)l->timed > expect * 0.9 && (double)l->timed < expect * 1.1,
                  "op %d: %llu of %llu timed, about %.0f expected", op, (unsigned long long)l->timed,
                  (unsigned long long)l->count, expect);
    }
    if (l->timed) {
        CHECK(l->min_ns <= l->p50_ns && l->p50_ns <= l->p99_ns && l->p99_ns <= l->p999_ns && l->p999_ns <= l->max_ns);
        CHECK(l->sum_ns >= l->max_ns);
    }
}

/* The histograms count what the counters count, through a run of each
   mapped scenario, in both modes. */
static void counts_equal_counters(int scenario, int mode) {
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = scenario;
    rc.items = scenario == MM_SCENARIO_RANDOM ? 6000 : 30000; /* random: many operations per item */
    rc.heap.mode = mode;
    rc.heap.event_capacity = 1u << 16;
    mm_run *r;
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    mm_heap *h = mm_run_heap(r);
    uint64_t grow_events = 0;
    static mm_event evs[1 << 16];
    int st;
    do {
        st = mm_run_step(r, 5000, 0, 0, NULL);
        CHECK(st >= 0);
        int n = mm_heap_events_drain(h, evs, 1u << 16, NULL);
        for (int i = 0; i < n; i++) grow_events += evs[i].kind == MM_EVENT_GROW;
    } while (st == 0);
    mm_stats s;
    CHECK_RC(mm_heap_stats(h, &s), MM_OK);
    mm_latency l[MM_OP_COUNT];
    for (int op = 0; op < MM_OP_COUNT; op++) {
        lat(h, op, &l[op]);
        check_hist_shape(op, &l[op]);
    }
    CHECK_EQ(l[MM_OP_ALLOC].count, s.allocs);
    CHECK_EQ(l[MM_OP_FREE].count, s.deletions);
    CHECK_EQ(l[MM_OP_MAP_VIEW].count, s.map_views);
    CHECK_EQ(l[MM_OP_UNMAP_VIEW].count, s.unmap_views);
    CHECK_EQ(l[MM_OP_GROW].count, grow_events);
    CHECK(grow_events >= 5);
    if (scenario == MM_SCENARIO_GROW) CHECK_EQ(l[MM_OP_DEREF].count, rc.items); /* one per verified item */
    /* stalls: one per growth, in order, their durations the grow histogram's */
    mm_stall stalls[MM_STALLS_KEPT];
    uint64_t total = 0;
    int n = mm_heap_stalls(h, stalls, MM_STALLS_KEPT, &total);
    CHECK_EQ(total, grow_events);
    CHECK_EQ((uint64_t)n, grow_events);
    uint64_t dsum = 0;
    for (int i = 0; i < n; i++) {
        dsum += stalls[i].duration_ns;
        CHECK(stalls[i].new_size > stalls[i].old_size);
        if (i) CHECK(stalls[i].start_ns >= stalls[i - 1].start_ns + stalls[i - 1].duration_ns);
        if (i) CHECK_EQ(stalls[i].old_size, stalls[i - 1].new_size);
    }
    CHECK_EQ(dsum, l[MM_OP_GROW].sum_ns);
    CHECK_EQ(stalls[n - 1].new_size, s.file_size);
    mm_run_destroy(r);
}

TEST(latency_counts_equal_counters_grow_pagefile) { counts_equal_counters(MM_SCENARIO_GROW, MM_MODE_PAGEFILE); }
TEST(latency_counts_equal_counters_deletions_disk) { counts_equal_counters(MM_SCENARIO_DELETIONS, MM_MODE_DISK); }
TEST(latency_counts_equal_counters_random_pagefile) { counts_equal_counters(MM_SCENARIO_RANDOM, MM_MODE_PAGEFILE); }

/* Which allocations are timed, against a model written from memmap.h's
   words: every one of the first 256, then gaps of 0 to 30 calls drawn from a
   xorshift32 seeded with 0x9E3779B9 (heap.c's seed), so one in 16 on average;
   the same calls are timed in two heaps. */
TEST(latency_sampling_model) {
    uint64_t timed_model = 0, skip = 0, counted = 0;
    uint32_t x = 0x9E3779B9u;
    enum { N = 20000 };
    for (int i = 0; i < N; i++, counted++) {
        if (skip) {
            skip--;
            continue;
        }
        if (counted >= 256) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            skip = x % 31;
        }
        timed_model++;
    }
    uint64_t timed[2];
    for (int k = 0; k < 2; k++) {
        mm_config c;
        mm_config_init(&c);
        mm_heap *h;
        CHECK_RC(mm_heap_open(&c, &h), MM_OK);
        mm_locator loc;
        for (int i = 0; i < N; i++) CHECK_RC(mm_alloc(h, 8, &loc, NULL), MM_OK);
        mm_latency l;
        lat(h, MM_OP_ALLOC, &l);
        check_hist_shape(MM_OP_ALLOC, &l);
        CHECK_EQ(l.count, N);
        timed[k] = l.timed;
        mm_heap_close(h);
    }
    CHECK_EQ(timed[0], timed_model);
    CHECK_EQ(timed[1], timed_model);
}

/* A heap used after errors: refused allocs that count (too big) and that do
   not (no locator), frees refused (freed twice, a made-up locator), reads
   refused before any deref (len past the block) and reads through mm_read.
   The counts stay the counters' (and the derefs the reads that mapped), the
   buckets hold the timed ones, and the sampling shape holds. */
TEST(latency_counts_after_errors) {
    mm_config c;
    mm_config_init(&c);
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    uint64_t reads = 0;
    char buf[8];
    for (int i = 0; i < 3000; i++) {
        mm_locator loc, bogus = { 0 };
        CHECK_RC(mm_alloc(h, 8, &loc, NULL), MM_OK);
        CHECK_RC(mm_read(h, &loc, buf, 8), MM_OK);
        reads++;
        CHECK(mm_read(h, &loc, buf, 9) != MM_OK);
        if (i % 3 == 0) CHECK_RC(mm_alloc(h, (uint32_t)c.view_size, &bogus, NULL), MM_ETOOBIG);
        if (i % 3 == 1) CHECK(mm_alloc(h, 8, NULL, NULL) != MM_OK);
        if (i % 2 == 0) {
            CHECK_RC(mm_free(h, &loc), MM_OK);
            CHECK(mm_free(h, &loc) != MM_OK);
        }
        bogus.offset = 4;
        bogus.size = 4096;
        if (i % 5 == 0) CHECK(mm_free(h, &bogus) != MM_OK);
    }
    mm_stats s;
    CHECK_RC(mm_heap_stats(h, &s), MM_OK);
    CHECK_EQ(s.allocs, 3000 + 1000);
    CHECK_EQ(s.deletions, 1500);
    mm_latency l;
    lat(h, MM_OP_ALLOC, &l);
    CHECK_EQ(l.count, s.allocs);
    check_hist_shape(MM_OP_ALLOC, &l);
    lat(h, MM_OP_FREE, &l);
    CHECK_EQ(l.count, s.deletions);
    check_hist_shape(MM_OP_FREE, &l);
    lat(h, MM_OP_DEREF, &l);
    CHECK_EQ(l.count, reads);
    check_hist_shape(MM_OP_DEREF, &l);
    lat(h, MM_OP_MAP_VIEW, &l);
    CHECK_EQ(l.count, s.map_views);
    check_hist_shape(MM_OP_MAP_VIEW, &l);
    mm_heap_close(h);
}

/* The heap's bookkeeping part of the breakdown from sampled calls, against
   numbers worked by hand. 2000 allocations: the first 256 timed, 1000 ns each
   (a cold start); 111 of the 1744 after them timed, 30 ns each. Their own time
   is 256 x 1000 + 1744 x 30 = 308,320 ns; scaling all 367 timed by
   2000 / 367 would make it 1,413,242 ns, the cold start counted 5.4 times. */
TEST(latency_scaled_self_time) {
    CHECK_EQ((uint64_t)(_mm_scaled_self_ns(2000, 367, 256 * 1000, 111 * 30) + 0.5), 308320);
    /* all timed (a short run): the time as measured */
    CHECK_EQ((uint64_t)(_mm_scaled_self_ns(200, 200, 7000, 0) + 0.5), 7000);
    CHECK_EQ((uint64_t)(_mm_scaled_self_ns(0, 0, 0, 0) + 0.5), 0);
    /* past the first 256 with none of the later ones timed (a refused call
       took the sample): the first ones' mean for the rest */
    CHECK_EQ((uint64_t)(_mm_scaled_self_ns(300, 256, 256 * 10, 0) + 0.5), 3000);
    /* 1000 calls, 256 + 50 timed, the later ones 20 ns: 2560 + 744 x 20 */
    CHECK_EQ((uint64_t)(_mm_scaled_self_ns(1000, 306, 2560, 50 * 20) + 0.5), 2560 + 744 * 20);
}

TEST(latency_bad_arguments) {
    mm_config c;
    mm_config_init(&c);
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    mm_latency l;
    CHECK_ERR(mm_heap_latency(h, MM_OP_COUNT, &l), MM_EINVAL, mm_heap_last_error(h), "allowed: 0 (alloc) to 5 (grow)");
    CHECK_ERR(mm_heap_latency(h, -1, &l), MM_EINVAL, mm_heap_last_error(h), "allowed");
    CHECK_RC(mm_heap_latency(h, 0, NULL), MM_EINVAL);
    CHECK_RC(mm_heap_latency(NULL, 0, &l), MM_EINVAL);
    CHECK_ERR(mm_heap_stalls(h, NULL, 3, NULL), MM_EINVAL, mm_heap_last_error(h), "allowed");
    uint64_t total = 7;
    CHECK_RC(mm_heap_stalls(h, NULL, 0, &total), 0);
    CHECK_EQ(total, 0);
    mm_residency res;
    CHECK_ERR(mm_heap_residency(h, 0, &res, NULL), MM_EINVAL, mm_heap_last_error(h), "allowed: 1 to 1048576");
    CHECK_ERR(mm_heap_residency(h, (1u << 20) + 1, &res, NULL), MM_EINVAL, mm_heap_last_error(h), "1048576");
    /* no file yet */
    CHECK_RC(mm_heap_residency(h, 10, &res, NULL), MM_OK);
    CHECK_EQ(res.file_bytes + res.cells + res.resident_bytes, 0);
    CHECK(!strcmp(res.source, "none"));
    uint32_t how = 9;
    CHECK_RC(mm_heap_evict(h, &how), MM_OK);
    CHECK_EQ(how, 0);
    mm_heap_close(h);
}

/* Fill a heap with n bytes of blobs (written through the views). */
static void fill(mm_heap *h, uint64_t bytes) {
    static uint8_t blob[4000];
    memset(blob, 0x5a, sizeof blob);
    mm_locator loc;
    for (uint64_t done = 0; done < bytes; done += sizeof blob) CHECK_RC(mm_alloc_put(h, blob, sizeof blob, &loc), MM_OK);
}

static mm_heap *disk_heap(void) {
    mm_config c;
    mm_config_init(&c);
    c.mode = MM_MODE_DISK;
    c.disk_dir = t_tmpdir();
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    return h;
}

/* A disk file written (resident, dirty), then evicted (not resident):
   cachestat and mincore agree on both. */
static void resident_then_evicted(int force_mincore) {
    if (force_mincore) sf_no_cachestat(); /* cachestat(2) ENOSYS through the system-call table */
    mm_heap *h = disk_heap();
    const uint64_t data = 24u << 20;
    fill(h, data);
    mm_stats s;
    CHECK_RC(mm_heap_stats(h, &s), MM_OK);
    enum { MAXC = 64 };
    uint8_t cells[MAXC];
    mm_residency r;
    CHECK_RC(mm_heap_residency(h, MAXC, &r, cells), MM_OK);
    /* cachestat where the kernel has it (Linux 6.5+; not under qemu-user 7),
       else mincore; forced: mincore */
    int cachestat = !strcmp(r.source, "cachestat");
    CHECK(force_mincore ? !strcmp(r.source, "mincore") : cachestat || !strcmp(r.source, "mincore"));
    CHECK_EQ(r.file_bytes, s.file_size);
    CHECK_MSG(r.resident_bytes >= data * 9 / 10, "resident %llu of %llu written", (unsigned long long)r.resident_bytes,
              (unsigned long long)data);
    CHECK(r.resident_bytes <= r.file_bytes);
    if (cachestat) {
        CHECK_EQ(r.dirty_known, 1);
        CHECK(r.dirty_bytes > 0); /* written, not yet written back */
    } else {
        CHECK_EQ(r.dirty_known, 0);
    }
    /* the written cells (the first data bytes) are resident */
    CHECK_EQ(MM_CELL_RESIDENT(cells[0]), 4);
    CHECK(MM_CELL_RESIDENT(cells[(data / 2) / r.cell_bytes]) == 4);
    uint32_t how = 0;
    CHECK_RC(mm_heap_evict(h, &how), MM_OK);
    CHECK(how & MM_EVICT_WRITEBACK);
    CHECK(how & MM_EVICT_FADVISE);
    CHECK_RC(mm_heap_residency(h, MAXC, &r, cells), MM_OK);
    /* what stays: at most the current view (still mapped) */
    CHECK_MSG(r.resident_bytes <= s.view_length + (1u << 20), "resident %llu after evicting",
              (unsigned long long)r.resident_bytes);
    CHECK_EQ(r.dirty_bytes, 0);
    CHECK_EQ(MM_CELL_RESIDENT(cells[0]), 0);
    mm_heap_close(h);
    sf_reset();
}

TEST(residency_disk_cachestat_resident_then_evicted) { resident_then_evicted(0); }
TEST(residency_disk_mincore_resident_then_evicted) { resident_then_evicted(1); }

/* Page-file mode (memfd): the written part is resident. */
TEST(residency_pagefile_written_part) {
    mm_config c;
    mm_config_init(&c);
    c.view = MM_VIEW_WHOLE;
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    fill(h, 6u << 20);
    mm_residency r;
    CHECK_RC(mm_heap_residency(h, 16, &r, NULL), MM_OK);
    CHECK_MSG(r.resident_bytes >= (6u << 20) * 9 / 10, "resident %llu (%s)", (unsigned long long)r.resident_bytes,
              r.source);
    mm_heap_close(h);
}

/* The strip's cells: page multiples, at most max_cells, the smallest such. */
TEST(residency_strip_resolution_bounds) {
    mm_heap *h = disk_heap();
    fill(h, 5u << 20); /* an 8 MiB file */
    uint64_t ps = mm_os_page_size();
    static uint8_t cells[4096];
    const uint32_t maxes[] = {1, 2, 3, 7, 100, 2047, 4096};
    for (size_t i = 0; i < sizeof maxes / sizeof *maxes; i++) {
        mm_residency r;
        memset(cells, 0xee, sizeof cells);
        CHECK_RC(mm_heap_residency(h, maxes[i], &r, cells), MM_OK);
        CHECK_EQ(r.file_bytes, 8u << 20);
        CHECK(r.cells >= 1 && r.cells <= maxes[i]);
        CHECK_EQ(r.cell_bytes % ps, 0);
        CHECK((uint64_t)r.cells * r.cell_bytes >= r.file_bytes);
        CHECK((uint64_t)(r.cells - 1) * r.cell_bytes < r.file_bytes);
        if (r.cell_bytes > ps) /* one page less per cell would need more cells than allowed */
            CHECK((r.file_bytes + r.cell_bytes - ps - 1) / (r.cell_bytes - ps) > maxes[i]);
        for (uint32_t c = 0; c < r.cells; c++) CHECK(MM_CELL_RESIDENT(cells[c]) <= 4 && MM_CELL_DIRTY(cells[c]) <= 4);
        if (maxes[i] < sizeof cells) CHECK_EQ(cells[maxes[i]], 0xee); /* nothing past max_cells */
    }
    /* 8 MiB over 3 cells: 2048 pages of 4 KiB -> 683 pages a cell (hand) */
    mm_residency r;
    CHECK_RC(mm_heap_residency(h, 3, &r, NULL), MM_OK);
    if (ps == 4096) CHECK_EQ(r.cell_bytes, 683u * 4096);
    mm_heap_close(h);
}

/* A 40,000-item grow run in `mode` made cold (evicted before its verify), run to its end.
   Page file: the whole file in one view (reserve growth), so the view holds
   all of its resident pages (Windows sees residency through views only). */
static mm_run *cold_grow_run(mm_run_config *rc, mm_mode mode) {
    mm_run_config_init(rc);
    rc->scenario = MM_SCENARIO_GROW;
    rc->items = 40000;
    rc->heap.mode = mode;
    if (mode == MM_MODE_DISK) rc->heap.disk_dir = t_tmpdir();
    if (mode == MM_MODE_PAGEFILE) {
        rc->heap.view = MM_VIEW_WHOLE;
        rc->heap.growth = MM_GROWTH_RESERVE;
    }
    mm_run *r = NULL;
    CHECK_RC(mm_run_create(rc, &r), MM_OK);
    CHECK_RC(mm_run_set_cold_verify(r, 1), MM_OK);
    int st;
    while ((st = mm_run_step(r, 10000, 0, 0, NULL)) == 0) {}
    CHECK_EQ(st, 1);
    return r;
}

/* A page-file heap's eviction names only the steps that took effect: a
   memfd's pages leave memory only to swap, so MADV_PAGEOUT succeeding is
   not enough; PAGEOUT (or TRIM) is reported only when the resident bytes
   went down. */
TEST(cold_verify_pagefile_reports_only_what_took_effect) {
    mm_run_config rc;
    mm_run *r = cold_grow_run(&rc, MM_MODE_PAGEFILE);
    mm_run_insight in;
    CHECK_RC(mm_run_insight_get(r, &in), MM_OK);
    CHECK_EQ(in.cache, MM_CACHE_COLD);
    CHECK(in.evict_how & MM_EVICT_WRITEBACK);
    CHECK(!(in.evict_how & MM_EVICT_FADVISE)); /* a memfd is not a disk file: not tried */
    CHECK(in.resident_before_evict > 10u << 20);
    if (in.evict_how & (MM_EVICT_PAGEOUT | MM_EVICT_TRIM))
        CHECK(in.resident_after_evict < in.resident_before_evict);
    else
        CHECK(in.resident_after_evict * 4 > in.resident_before_evict * 3);
    mm_run_destroy(r);
}

/* Disk mode with a page-out that does nothing (madvise(MADV_PAGEOUT)
   "succeeds"): the view's pages that the fadvise dropped are the drop's,
   not the page-out's. PAGEOUT is not reported (it was when the residency
   was measured before the write-back and the fadvise). */
TEST(cold_verify_disk_pageout_that_did_nothing_is_not_reported) {
    sf_noop_pageout();
    mm_run_config rc;
    mm_run *r = cold_grow_run(&rc, MM_MODE_DISK);
    sf_reset();
    mm_run_insight in;
    CHECK_RC(mm_run_insight_get(r, &in), MM_OK);
    CHECK_EQ(in.cache, MM_CACHE_COLD);
    CHECK(in.evict_how & MM_EVICT_WRITEBACK);
    CHECK(in.evict_how & MM_EVICT_FADVISE);
    CHECK_MSG(!(in.evict_how & MM_EVICT_PAGEOUT), "PAGEOUT reported (how %u) though madvise paged nothing out",
              (unsigned)in.evict_how);
    mm_run_destroy(r);
}

/* Cold verify: the file is evicted before the read-back, and it says so. */
TEST(cold_verify_run) {
    mm_run_config rc;
    mm_run *r = cold_grow_run(&rc, MM_MODE_DISK);
    int st;
    CHECK_ERR(mm_run_set_cold_verify(r, 0), MM_ESTATE, mm_run_last_error(r), "before the first mm_run_step");
    mm_run_insight in;
    CHECK_RC(mm_run_insight_get(r, &in), MM_OK);
    CHECK_EQ(in.cache, MM_CACHE_COLD);
    CHECK(in.evict_how & MM_EVICT_WRITEBACK);
    CHECK(in.evict_how & MM_EVICT_FADVISE);
    CHECK(in.resident_before_evict > 10u << 20);
    CHECK(in.resident_after_evict < in.resident_before_evict / 4);
    CHECK(in.evict_ns > 0);
    mm_run_destroy(r);
    /* warm: no eviction */
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    while ((st = mm_run_step(r, 0, 0, 0, NULL)) == 0) {}
    CHECK_RC(mm_run_insight_get(r, &in), MM_OK);
    CHECK_EQ(in.cache, MM_CACHE_WARM);
    CHECK_EQ(in.evict_how, 0);
    CHECK_EQ(in.evict_ns, 0);
    mm_run_destroy(r);
    /* the baseline has no file */
    rc.scenario = MM_SCENARIO_BASELINE;
    rc.items = 100;
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    CHECK_ERR(mm_run_set_cold_verify(r, 1), MM_EINVAL, mm_run_last_error(r), "allowed: grow, deletions or random");
    CHECK_RC(mm_run_set_cold_verify(r, 0), MM_OK);
    mm_run_destroy(r);
}

/* The parts of a run's time add up to its elapsed time; growth is the
   grow histogram's sum; faults are costed. */
TEST(time_breakdown_adds_up) {
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = MM_SCENARIO_DELETIONS;
    rc.items = 50000;
    mm_run *r;
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    int st;
    while ((st = mm_run_step(r, 7000, 0, 0, NULL)) == 0) {}
    CHECK_EQ(st, 1);
    mm_run_insight in;
    mm_result res;
    CHECK_RC(mm_run_insight_get(r, &in), MM_OK);
    CHECK_RC(mm_run_result(r, &res), MM_OK);
    CHECK_EQ(in.elapsed_ns, res.elapsed_ns);
    CHECK_EQ(in.copy_compare_ns + in.heap_ns + in.map_ns + in.grow_ns + in.fault_ns + in.evict_ns, in.elapsed_ns);
    mm_latency g;
    lat(mm_run_heap(r), MM_OP_GROW, &g);
    CHECK(g.count > 0);
    CHECK_EQ(in.grow_ns, g.sum_ns);
    CHECK(in.map_ns > 0);
    CHECK(in.fault_ns <= (in.minor_faults + in.major_faults) * in.ns_per_fault);
    /* the estimate leaves the growths' faults out; the part is all of it, or
       capped at what copy/compare, bookkeeping and mapping had left (then 0) */
    CHECK(in.growth_faults <= in.minor_faults + in.major_faults);
    uint64_t estimate = (in.minor_faults + in.major_faults - in.growth_faults) * in.ns_per_fault;
    CHECK(in.fault_ns <= estimate);
    if (in.fault_ns < estimate) CHECK_EQ(in.copy_compare_ns + in.heap_ns + in.map_ns, 0);
    CHECK(in.ns_per_fault > 0);
    mm_fault_cost fc;
    CHECK_RC(mm_fault_cost_get(&fc), MM_OK);
    CHECK_EQ(fc.ns_per_fault, in.ns_per_fault);
    CHECK(fc.pages == (16u << 20) / mm_os_page_size());
    /* with no faults counted (Wine leaves PageFaultCount at 0) the probe's
       time is spread over its pages */
    CHECK_EQ(fc.ns_per_fault, fc.probe_ns / (fc.faults ? fc.faults : fc.pages));
#if !defined(_WIN32)
    CHECK(fc.faults >= fc.pages / 2);
    CHECK(in.minor_faults > 0); /* a fresh page-file heap faults its pages in */
    CHECK(in.growth_faults > 0); /* each growth copies into fresh pages */
    CHECK(in.fault_ns > 0);
#endif
    CHECK_RC(mm_run_insight_get(r, NULL), MM_EINVAL);
    mm_run_destroy(r);
}

const mm_test tests_insight[] = {
    TEST_ENTRY(latency_bucket_edges),
    TEST_ENTRY(latency_percentiles_hand_model),
    TEST_ENTRY(latency_percentiles_sorted_model),
    TEST_ENTRY(latency_sampling_model),
    TEST_ENTRY(latency_scaled_self_time),
    TEST_ENTRY(latency_counts_after_errors),
    TEST_ENTRY(latency_clock_calibrated),
    TEST_ENTRY(latency_counts_equal_counters_grow_pagefile),
    TEST_ENTRY(latency_counts_equal_counters_deletions_disk),
    TEST_ENTRY(latency_counts_equal_counters_random_pagefile),
    TEST_ENTRY(latency_bad_arguments),
    TEST_ENTRY_POSIX_ONLY(residency_disk_cachestat_resident_then_evicted,
                          "the file cache is not visible on Windows (QueryWorkingSetEx sees the views only)"),
    TEST_ENTRY_POSIX_ONLY(residency_disk_mincore_resident_then_evicted, "mincore is POSIX"),
    TEST_ENTRY(residency_pagefile_written_part),
    TEST_ENTRY(cold_verify_pagefile_reports_only_what_took_effect),
    TEST_ENTRY(residency_strip_resolution_bounds),
    TEST_ENTRY_POSIX_ONLY(cold_verify_run, "Windows cannot evict the file cache (it trims the working set only)"),
    TEST_ENTRY_POSIX_ONLY(cold_verify_disk_pageout_that_did_nothing_is_not_reported,
                          "madvise(MADV_PAGEOUT) and posix_fadvise are POSIX"),
    TEST_ENTRY(time_breakdown_adds_up),
    {NULL, NULL, NULL},
};
