/* test_scenario.c - each scenario in both modes, counters against the
   seed re-write, stepping, until-mask, snapshots from another thread,
   cancel from another thread. */
#define _GNU_SOURCE 1
#include "../include/memmap.h"
#include "../src/internal.h"
#include "check.h"
#include "seedsim.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static mm_run *make_run(int scenario, int mode, uint64_t items) {
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = scenario;
    rc.heap.mode = mode;
    rc.items = items;
    mm_run *r = NULL;
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    return r;
}

static void run_all(mm_run *r) {
    int rc;
    do rc = mm_run_step(r, 0, 0, 0, NULL);
    while (rc == MM_OK);
    CHECK_MSG(rc == 1, "run ended with %d: %s", rc, mm_run_last_error(r));
}

static void cmp(const mm_stats *st, const seedsim *s, const char *what) {
#define CMP(a, b) CHECK_MSG((a) == (b), "%s: %s = %llu, seed %llu", what, #a, (unsigned long long)(a), (unsigned long long)(b))
    CMP(st->allocs, s->allocs);
    CMP(st->deletions, s->deletions);
    CMP(st->recycled_allocs, s->recycled);
    CMP(st->bytes_allocated, s->bytes_alloc);
    CMP(st->bytes_freed, s->bytes_freed);
    CMP(st->file_size, s->mem_size);
    CMP(st->file_maps, s->file_maps);
    CMP(st->map_views, s->map_views);
    CMP(st->free_list_bytes, s->free_list_bytes);
    CMP(st->compactions, 0);
#undef CMP
}

static void scenario_case(int scenario, int mode, uint64_t n) {
    mm_run *r = make_run(scenario, mode, n);
    run_all(r);
    mm_result res;
    CHECK_RC(mm_run_result(r, &res), MM_OK);
    CHECK_EQ(res.status, MM_OK);
    CHECK_EQ(res.verified, 1);
    CHECK(res.elapsed_ns > 0);
    mm_snapshot sn;
    CHECK_RC(mm_run_snapshot(r, &sn), MM_OK);
    CHECK_EQ(sn.finished, 1);
    CHECK_EQ(sn.phase, MM_PHASE_DONE);
    CHECK_EQ(sn.items_done, n);
    if (scenario == MM_SCENARIO_BASELINE) {
        CHECK(mm_run_heap(r) == NULL);
        CHECK_EQ(res.stats.allocs, n);
        CHECK_EQ(sn.ops_done, 3 * n); /* alloc, verify, free each item */
    } else {
        seedsim s;
        ss_init(&s, mode, 65536, 131072);
        if (scenario == MM_SCENARIO_RANDOM) ss_run_random(&s, n, 1);
        else ss_run_grow(&s, n, scenario == MM_SCENARIO_DELETIONS);
        /* operations counted independently: grow allocates and reads back
           each item, deletions also frees it; random: the model's count */
        uint64_t ops = scenario == MM_SCENARIO_GROW ? 2 * n : scenario == MM_SCENARIO_DELETIONS ? 3 * n : s.ops;
        CHECK_EQ(sn.ops_done, ops);
        cmp(&res.stats, &s, scenario == MM_SCENARIO_RANDOM ? "random" : scenario == MM_SCENARIO_GROW ? "grow" : "deletions");
        ss_free_all(&s);
        CHECK(mm_run_heap(r) != NULL);
        CHECK_RC(mm_heap_check(mm_run_heap(r)), MM_OK);
        if (scenario == MM_SCENARIO_DELETIONS) CHECK_EQ(res.stats.deletions, res.stats.allocs);
    }
    /* a finished run's total is what it did */
    CHECK_EQ(sn.ops_total, sn.ops_done);
    CHECK_RC(mm_run_step(r, 0, 0, 0, NULL), MM_ESTATE);
    mm_run_destroy(r);
}

TEST(scenario_baseline) { scenario_case(MM_SCENARIO_BASELINE, 0, 5000); }
TEST(scenario_grow_pagefile) { scenario_case(MM_SCENARIO_GROW, 0, 5000); }
TEST(scenario_grow_disk) { scenario_case(MM_SCENARIO_GROW, 1, 5000); }
TEST(scenario_deletions_pagefile) { scenario_case(MM_SCENARIO_DELETIONS, 0, 5000); }
TEST(scenario_deletions_disk) { scenario_case(MM_SCENARIO_DELETIONS, 1, 5000); }
TEST(scenario_random_pagefile) { scenario_case(MM_SCENARIO_RANDOM, 0, 3000); }
TEST(scenario_random_disk) { scenario_case(MM_SCENARIO_RANDOM, 1, 3000); }

TEST(scenario_best_config_fast_path) {
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = MM_SCENARIO_GROW;
    rc.items = 20000;
    rc.heap.growth = MM_GROWTH_RESERVE;
    rc.heap.view = MM_VIEW_WHOLE;
    rc.heap.prefault = 1;
    rc.heap.offset_bits = 64;
    mm_run *r;
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    run_all(r);
    mm_result res;
    mm_run_result(r, &res);
    if (t_pagefile_grows_in_place() && t_can_reserve()) { /* pinned in check.h */
        CHECK_EQ(res.stats.file_maps, 1);
        CHECK_EQ(res.stats.unmap_views, 0);
        CHECK_EQ(res.stats.bytes_copied, 0);
    } else { /* Windows: a page-file section grows by copy */
        CHECK(res.stats.file_maps > 1);
        CHECK(res.stats.bytes_copied > 0);
    }
    CHECK_EQ(res.verified, 1);
    mm_run_destroy(r);
}

/* the statistic that moves with each event kind: MAP_VIEW -> map_views,
   GROW (page file, seed growth: a new mapping) -> file_maps */
static uint64_t stat_of(const mm_snapshot *sn, int grow) { return grow ? sn->stats.file_maps : sn->stats.map_views; }

/* step a twin run one operation at a time until the statistic changes;
   returns the operations done then */
static uint64_t step_until_change(mm_run *t, int grow) {
    mm_snapshot sn;
    mm_run_snapshot(t, &sn);
    uint64_t before = stat_of(&sn, grow);
    for (;;) {
        CHECK_RC(mm_run_step(t, 1, 0, 0, NULL), MM_OK);
        mm_run_snapshot(t, &sn);
        if (stat_of(&sn, grow) != before) return sn.ops_done;
    }
}

TEST(step_one_op_and_until_map_view) {
    mm_run *r = make_run(MM_SCENARIO_GROW, 0, 3000);
    mm_run *twin = make_run(MM_SCENARIO_GROW, 0, 3000); /* the same run, stepped one by one */
    uint64_t ops = 0;
    CHECK_RC(mm_run_step(r, 1, 0, 0, &ops), MM_OK);
    CHECK_EQ(ops, 1);
    CHECK_RC(mm_run_step(twin, 1, 0, 0, NULL), MM_OK);
    mm_snapshot sn;
    mm_run_snapshot(r, &sn);
    CHECK_EQ(sn.ops_done, 1);
    CHECK_EQ(sn.stats.allocs, 1);
    CHECK_EQ(sn.stats.map_views, 1);
    /* until a view is mapped, three times: each stop is right after the
       first operation that mapped one, as stepping the twin one operation at
       a time finds */
    for (int k = 0; k < 3; k++) {
        uint64_t before = sn.ops_done;
        CHECK_RC(mm_run_step(r, 0, MM_UNTIL(MM_EVENT_MAP_VIEW), 0, &ops), MM_OK);
        mm_run_snapshot(r, &sn);
        CHECK_EQ(sn.ops_done, before + ops);
        CHECK(ops >= 1);
        CHECK_EQ(sn.ops_done, step_until_change(twin, 0));
    }
    /* until the file grows: right after the first operation that grew it */
    uint64_t fm = sn.stats.file_maps, allocs = sn.stats.allocs;
    CHECK_RC(mm_run_step(r, 0, MM_UNTIL(MM_EVENT_GROW), 0, &ops), MM_OK);
    mm_run_snapshot(r, &sn);
    CHECK_EQ(sn.stats.file_maps, fm + 1);
    CHECK(sn.stats.allocs > allocs);
    CHECK_EQ(sn.ops_done, step_until_change(twin, 1));
    mm_snapshot tw;
    mm_run_snapshot(twin, &tw);
    CHECK_EQ(tw.stats.map_views, sn.stats.map_views);
    CHECK_EQ(tw.stats.file_size, sn.stats.file_size);
    mm_result res;
    mm_run_result(r, &res);
    CHECK_EQ(res.status, MM_OK);
    run_all(r);
    run_all(twin);
    mm_run_destroy(r);
    mm_run_destroy(twin);
}

TEST(step_budget) {
    /* behaviour, not a wall-clock bound: with a 1 ms budget the call returns
       with work left (without one, this run takes seconds), having done some */
    mm_run *r = make_run(MM_SCENARIO_RANDOM, 0, 200000);
    uint64_t ops = 0;
    uint64_t t0 = now_ns();
    CHECK_RC(mm_run_step(r, 0, 0, 1000000ull, &ops), MM_OK);
    uint64_t dt = now_ns() - t0;
    CHECK(ops > 0);
    mm_snapshot sn;
    mm_run_snapshot(r, &sn);
    CHECK_EQ(sn.finished, 0);
    CHECK_EQ(sn.ops_done, ops);
    CHECK(sn.ops_done < sn.ops_total);
    mm_result res;
    mm_run_result(r, &res);
    CHECK(res.elapsed_ns >= 1000000ull);
    CHECK(res.elapsed_ns <= dt);
    mm_run_destroy(r);
}

typedef struct {
    mm_run *r;
    atomic_int stop;
    atomic_ullong reads;
    int bad;
} reader_arg;

static void *reader(void *p) {
    reader_arg *a = p;
    uint64_t last_ops = 0, last_allocs = 0;
    while (!atomic_load(&a->stop)) {
        mm_snapshot sn;
        mm_run_snapshot(a->r, &sn);
        /* counters only grow; a torn read would break these */
        if (sn.ops_done < last_ops || sn.stats.allocs < last_allocs) a->bad = 1;
        if (sn.stats.deletions > sn.stats.allocs) a->bad = 2;
        if (sn.stats.bytes_allocated - sn.stats.bytes_freed + sn.stats.free_list_bytes != sn.stats.offset_free_mem) a->bad = 3;
        last_ops = sn.ops_done;
        last_allocs = sn.stats.allocs;
        atomic_fetch_add(&a->reads, 1);
    }
    return NULL;
}

TEST(snapshot_from_another_thread) {
    mm_run *r = make_run(MM_SCENARIO_RANDOM, 0, 5000);
    reader_arg a = {r, 0, 0, 0};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, reader, &a) == 0);
    int rc;
    do rc = mm_run_step(r, 1000, 0, 0, NULL);
    while (rc == MM_OK);
    atomic_store(&a.stop, 1);
    pthread_join(t, NULL);
    CHECK_EQ(rc, 1);
    CHECK_MSG(a.bad == 0, "torn or inconsistent snapshot (%d)", a.bad);
    CHECK(atomic_load(&a.reads) > 0);
    mm_run_destroy(r);
}

typedef struct {
    mm_run *r;
    int rc;
    uint64_t end_ns;
} worker_arg;

static void *worker(void *p) {
    worker_arg *w = p;
    w->rc = mm_run_step(w->r, 0, 0, 0, NULL);
    w->end_ns = now_ns();
    return NULL;
}

static void cancel_case(int growth, int view) {
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = MM_SCENARIO_GROW;
    rc.items = 2000000; /* far more than fits in the test's time */
    rc.heap.growth = growth;
    rc.heap.view = view;
    rc.heap.offset_bits = 64;
    mm_run *r;
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    worker_arg w = {r, 0, 0};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, worker, &w) == 0);
    /* poll until the run is under way (generous deadline), then cancel; a
       cancel that never lands hangs the join and the test's alarm fails it.
       How fast it lands: bench/latency.mjs, not a test. */
    mm_snapshot sn;
    uint64_t deadline = now_ns() + 60ull * 1000000000ull;
    struct timespec d = {0, 5 * 1000000L};
    do {
        nanosleep(&d, NULL);
        mm_run_snapshot(r, &sn);
        CHECK_MSG(now_ns() < deadline, "the run did not start within 60 s");
    } while (sn.ops_done < 1000);
    CHECK_EQ(sn.finished, 0);
    mm_run_cancel(r);
    pthread_join(t, NULL);
    CHECK_ERR(w.rc, MM_ECANCELED, mm_run_last_error(r), "cancel");
    mm_result res;
    mm_run_result(r, &res);
    CHECK_EQ(res.status, MM_ECANCELED);
    mm_run_snapshot(r, &sn);
    CHECK_EQ(sn.finished, 1);
    CHECK_RC(mm_heap_check(mm_run_heap(r)), MM_OK);
    mm_run_destroy(r);
}

TEST(cancel_from_thread_seed) { cancel_case(MM_GROWTH_SEED, MM_VIEW_SLIDING); }
TEST(cancel_from_thread_reserve_whole) { cancel_case(MM_GROWTH_RESERVE, MM_VIEW_WHOLE); }

TEST(verify_failure_reports_item) {
    /* corrupt a stored item through the heap, then let the verify phase find it */
    mm_run *r = make_run(MM_SCENARIO_GROW, 0, 100);
    uint64_t ops;
    CHECK_RC(mm_run_step(r, 100, 0, 0, &ops), MM_OK); /* all allocations */
    mm_heap *h = mm_run_heap(r);
    /* item 7 starts after items 0..6 (sizes 2,4,...,14 rounded to 4,4,8,8,12,12,16) */
    mm_locator it7 = {4 + 4 + 8 + 8 + 12 + 12 + 16, 16, 0};
    void *p;
    CHECK_RC(mm_deref(h, &it7, &p), MM_OK);
    ((uint8_t *)p)[4] = 'b';
    int rc;
    do rc = mm_run_step(r, 0, 0, 0, NULL);
    while (rc == MM_OK);
    CHECK_ERR(rc, MM_EVERIFY, mm_run_last_error(r), "item 7");
    mm_result res;
    mm_run_result(r, &res);
    CHECK_EQ(res.status, MM_EVERIFY);
    CHECK_EQ(res.verified, 0);
    CHECK_EQ(res.fail_item, 7);
    CHECK_EQ(res.fail_offset, it7.offset + 4);
    CHECK_EQ(res.fail_expected, 'a');
    CHECK_EQ(res.fail_found, 'b');
    mm_run_destroy(r);
}

/* ---- corruption: every scenario's verification finds a bad byte ---------- */

/* Step until the snapshot's phase is `phase` (or the run ends). */
static void step_to_phase(mm_run *r, int32_t phase) {
    mm_snapshot sn;
    for (;;) {
        mm_run_snapshot(r, &sn);
        if (sn.phase == phase || sn.finished) break;
        CHECK_MSG(mm_run_step(r, 1, 0, 0, NULL) == MM_OK, "%s", mm_run_last_error(r));
    }
    CHECK_EQ(sn.phase, phase);
}

static void run_expect_verify_failure(mm_run *r, int32_t phase, uint64_t item, uint64_t offset, uint8_t expected,
                                      uint8_t found) {
    int rc;
    mm_snapshot sn;
    do {
        rc = mm_run_step(r, 1, 0, 0, NULL);
        mm_run_snapshot(r, &sn);
    } while (rc == MM_OK);
    char needle[64];
    snprintf(needle, sizeof needle, "item %llu ", (unsigned long long)item);
    CHECK_ERR(rc, MM_EVERIFY, mm_run_last_error(r), needle);
    snprintf(needle, sizeof needle, "file offset %llu ", (unsigned long long)offset);
    CHECK_MSG(strstr(mm_run_last_error(r), needle), "\"%s\" does not name %s", mm_run_last_error(r), needle);
    CHECK_EQ(sn.phase, phase); /* found in the phase that reads the item back */
    mm_result res;
    mm_run_result(r, &res);
    CHECK_EQ(res.status, MM_EVERIFY);
    CHECK_EQ(res.verified, 0);
    CHECK_EQ(res.fail_item, item);
    CHECK_EQ(res.fail_offset, offset);
    CHECK_EQ(res.fail_expected, expected);
    CHECK_EQ(res.fail_found, found);
}

/* offset of item i of the grow / deletions scenarios (sizes 2 (i % 2000 + 1)
   rounded up to 4, bump-allocated from 0: the file only grows, so no gap) */
static uint64_t item_offset(uint64_t i) {
    uint64_t off = 0;
    for (uint64_t k = 0; k < i; k++) off += (2 * (k % 2000 + 1) + 3) / 4 * 4;
    return off;
}

/* deletions: the uncounted read-back before the frees, from the current
   view (item in it) and through the backing (item outside it) */
static void deletions_corrupt_case(int mode, int outside_view) {
    const uint64_t n = 400;          /* ~160 KB: more than one 128 KiB view */
    mm_run *r = make_run(MM_SCENARIO_DELETIONS, mode, n);
    CHECK_RC(mm_run_step(r, n, 0, 0, NULL), MM_OK); /* every allocation */
    mm_heap *h = mm_run_heap(r);
    const uint64_t item = outside_view ? 9 : n - 3;
    mm_locator loc = {item_offset(item), (uint32_t)((2 * (item % 2000 + 1) + 3) / 4 * 4), 0};
    void *p;
    CHECK_RC(mm_deref(h, &loc, &p), MM_OK);
    ((uint8_t *)p)[6] = 'z';
    if (outside_view) { /* slide the view away from the item */
        mm_locator last = {item_offset(n - 1), (uint32_t)((2 * ((n - 1) % 2000 + 1) + 3) / 4 * 4), 0};
        CHECK_RC(mm_deref(h, &last, &p), MM_OK);
        mm_stats st;
        mm_heap_stats(h, &st);
        CHECK(loc.offset + loc.size <= st.view_offset || loc.offset >= st.view_offset + st.view_length);
    }
    run_expect_verify_failure(r, MM_PHASE_VERIFY, item, loc.offset + 6, 'a', 'z');
    mm_result res;
    mm_run_result(r, &res);
    CHECK_EQ(res.stats.deletions, 0); /* stopped before freeing */
    mm_run_destroy(r);
}

TEST(verify_failure_deletions_pagefile_in_view) { deletions_corrupt_case(MM_MODE_PAGEFILE, 0); }
TEST(verify_failure_deletions_pagefile_outside_view) { deletions_corrupt_case(MM_MODE_PAGEFILE, 1); }
TEST(verify_failure_deletions_disk_outside_view) { deletions_corrupt_case(MM_MODE_DISK, 1); }

/* random: the live items tracked from the heap's ALLOC / FREE events, in the
   scenario's vector order (appended on alloc, removed on free) */
typedef struct { uint64_t off; uint32_t size; } t_item;
typedef struct { t_item *v; size_t n, cap; } t_items;

static void track_events(mm_heap *h, t_items *live) {
    static mm_event ev[4096];
    uint64_t dropped = 0;
    int n;
    while ((n = mm_heap_events_drain(h, ev, 4096, &dropped)) > 0) {
        CHECK_EQ(dropped, 0);
        for (int i = 0; i < n; i++) {
            if (ev[i].kind == MM_EVENT_ALLOC) {
                if (live->n == live->cap) {
                    live->cap = live->cap ? live->cap * 2 : 1024;
                    live->v = realloc(live->v, live->cap * sizeof *live->v);
                    CHECK(live->v != NULL);
                }
                live->v[live->n++] = (t_item){ev[i].offset, (uint32_t)ev[i].size};
            } else if (ev[i].kind == MM_EVENT_FREE) {
                size_t k = 0;
                while (k < live->n && live->v[k].off != ev[i].offset) k++;
                CHECK(k < live->n);
                memmove(&live->v[k], &live->v[k + 1], (live->n - k - 1) * sizeof *live->v);
                live->n--;
            }
        }
    }
    CHECK(n == 0);
}

static mm_run *make_random_with_events(int mode, uint64_t n) {
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = MM_SCENARIO_RANDOM;
    rc.heap.mode = mode;
    rc.heap.event_capacity = 1u << 20;
    rc.items = n;
    mm_run *r = NULL;
    CHECK_RC(mm_run_create(&rc, &r), MM_OK);
    return r;
}

/* every live item's first byte changed: the random phase's next
   dereference (20% of its operations) must find one */
static void random_corrupt_deref_case(int mode) {
    const uint64_t n = 3000;
    mm_run *r = make_random_with_events(mode, n);
    mm_heap *h = mm_run_heap(r);
    t_items live = {0};
    CHECK_RC(mm_run_step(r, 1500, 0, 0, NULL), MM_OK);
    track_events(h, &live);
    mm_snapshot sn;
    mm_run_snapshot(r, &sn);
    CHECK_EQ(sn.phase, MM_PHASE_RANDOM);
    CHECK(live.n > 100);
    t_item *copy = malloc(live.n * sizeof *copy);
    memcpy(copy, live.v, live.n * sizeof *copy);
    size_t nlive = live.n;
    for (size_t k = 0; k < nlive; k++) {
        mm_locator loc = {copy[k].off, copy[k].size, 0};
        void *p;
        CHECK_RC(mm_deref(h, &loc, &p), MM_OK);
        ((uint8_t *)p)[0] ^= 0x40; /* 'a' -> '!', 0 -> '@' */
    }
    int rc;
    do {
        rc = mm_run_step(r, 1, 0, 0, NULL);
        mm_run_snapshot(r, &sn);
        track_events(h, &live); /* deletions shift the vector's indices */
    } while (rc == MM_OK);
    CHECK_ERR(rc, MM_EVERIFY, mm_run_last_error(r), "did not read back");
    CHECK_EQ(sn.phase, MM_PHASE_RANDOM); /* found by a dereference, not the final check */
    mm_result res;
    mm_run_result(r, &res);
    CHECK_EQ(res.verified, 0);
    /* the item named is the vector's item fail_item, one of the corrupted
       ones, at its first byte */
    CHECK_MSG(res.fail_item < live.n, "item %llu of %zu", (unsigned long long)res.fail_item, live.n);
    CHECK_EQ(res.fail_offset, live.v[res.fail_item].off);
    int was_corrupted = 0;
    for (size_t k = 0; k < nlive; k++) was_corrupted |= copy[k].off == res.fail_offset;
    CHECK(was_corrupted);
    CHECK_EQ(res.fail_found, res.fail_expected ^ 0x40);
    char needle[64];
    snprintf(needle, sizeof needle, "item %llu ", (unsigned long long)res.fail_item);
    CHECK(strstr(mm_run_last_error(r), needle));
    free(copy);
    free(live.v);
    mm_run_destroy(r);
}

TEST(verify_failure_random_deref_pagefile) { random_corrupt_deref_case(MM_MODE_PAGEFILE); }
TEST(verify_failure_random_deref_disk) { random_corrupt_deref_case(MM_MODE_DISK); }

/* the final (uncounted) check of every live item, after the random phase */
static void random_corrupt_verify_case(int mode) {
    const uint64_t n = 2000;
    mm_run *r = make_random_with_events(mode, n);
    mm_heap *h = mm_run_heap(r);
    t_items live = {0};
    step_to_phase(r, MM_PHASE_VERIFY);
    track_events(h, &live);
    CHECK(live.n > 1000);
    /* one item in the middle of the vector, byte 2 of its data */
    size_t k = live.n / 2;
    while (live.v[k].size < 8) k++;
    mm_locator loc = {live.v[k].off, live.v[k].size, 0};
    void *p;
    CHECK_RC(mm_deref(h, &loc, &p), MM_OK);
    uint8_t was = ((uint8_t *)p)[2];
    ((uint8_t *)p)[2] = (uint8_t)(was ^ 0x21);
    run_expect_verify_failure(r, MM_PHASE_VERIFY, k, loc.offset + 2, was, (uint8_t)(was ^ 0x21));
    free(live.v);
    mm_run_destroy(r);
}

TEST(verify_failure_random_final_pagefile) { random_corrupt_verify_case(MM_MODE_PAGEFILE); }
TEST(verify_failure_random_final_disk) { random_corrupt_verify_case(MM_MODE_DISK); }

const mm_test tests_scenario[] = {
    TEST_ENTRY(scenario_baseline),
    TEST_ENTRY(scenario_grow_pagefile),
    TEST_ENTRY(scenario_grow_disk),
    TEST_ENTRY(scenario_deletions_pagefile),
    TEST_ENTRY(scenario_deletions_disk),
    TEST_ENTRY(scenario_random_pagefile),
    TEST_ENTRY(scenario_random_disk),
    TEST_ENTRY(scenario_best_config_fast_path),
    TEST_ENTRY(step_one_op_and_until_map_view),
    TEST_ENTRY(step_budget),
    TEST_ENTRY(snapshot_from_another_thread),
    TEST_ENTRY(cancel_from_thread_seed),
    TEST_ENTRY(cancel_from_thread_reserve_whole),
    TEST_ENTRY(verify_failure_reports_item),
    TEST_ENTRY(verify_failure_deletions_pagefile_in_view),
    TEST_ENTRY(verify_failure_deletions_pagefile_outside_view),
    TEST_ENTRY(verify_failure_deletions_disk_outside_view),
    TEST_ENTRY(verify_failure_random_deref_pagefile),
    TEST_ENTRY(verify_failure_random_deref_disk),
    TEST_ENTRY(verify_failure_random_final_pagefile),
    TEST_ENTRY(verify_failure_random_final_disk),
    {NULL, NULL, NULL},
};
