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
    CHECK_EQ(sn.ops_done, sn.ops_total);
    CHECK_EQ(sn.items_done, n);
    if (scenario == MM_SCENARIO_BASELINE) {
        CHECK(mm_run_heap(r) == NULL);
        CHECK_EQ(res.stats.allocs, n);
        CHECK_EQ(sn.ops_done, 3 * n);
    } else {
        seedsim s;
        ss_init(&s, mode, 65536, 131072);
        if (scenario == MM_SCENARIO_RANDOM) ss_run_random(&s, n, 1);
        else ss_run_grow(&s, n, scenario == MM_SCENARIO_DELETIONS);
        cmp(&res.stats, &s, scenario == MM_SCENARIO_RANDOM ? "random" : scenario == MM_SCENARIO_GROW ? "grow" : "deletions");
        ss_free_all(&s);
        CHECK(mm_run_heap(r) != NULL);
        CHECK_RC(mm_heap_check(mm_run_heap(r)), MM_OK);
        if (scenario == MM_SCENARIO_DELETIONS) CHECK_EQ(res.stats.deletions, res.stats.allocs);
    }
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
    const _mm_os_traits *tr = _mm_os_traits_get();
    if (tr->pagefile_grows_in_place && tr->can_reserve) {
        CHECK_EQ(res.stats.file_maps, 1);
        CHECK_EQ(res.stats.unmap_views, 0);
    } else { /* Windows: a page-file section grows by copy */
        CHECK(res.stats.file_maps > 1);
        CHECK(res.stats.bytes_copied > 0);
    }
    CHECK_EQ(res.verified, 1);
    mm_run_destroy(r);
}

TEST(step_one_op_and_until_map_view) {
    mm_run *r = make_run(MM_SCENARIO_GROW, 0, 3000);
    uint64_t ops = 0;
    CHECK_RC(mm_run_step(r, 1, 0, 0, &ops), MM_OK);
    CHECK_EQ(ops, 1);
    mm_snapshot sn;
    mm_run_snapshot(r, &sn);
    CHECK_EQ(sn.ops_done, 1);
    CHECK_EQ(sn.stats.allocs, 1);
    CHECK_EQ(sn.stats.map_views, 1);
    /* stop right after the next op that maps a view */
    uint64_t before = sn.stats.map_views;
    CHECK_RC(mm_run_step(r, 0, MM_UNTIL(MM_EVENT_MAP_VIEW), 0, &ops), MM_OK);
    CHECK(ops >= 1);
    mm_run_snapshot(r, &sn);
    CHECK(sn.stats.map_views > before);
    /* the op before the last one did not map: re-check by stepping one by one */
    uint64_t mv = sn.stats.map_views, allocs = sn.stats.allocs;
    CHECK_RC(mm_run_step(r, 0, MM_UNTIL(MM_EVENT_GROW), 0, &ops), MM_OK);
    mm_run_snapshot(r, &sn);
    CHECK(sn.stats.file_maps >= 2);
    CHECK(sn.stats.allocs > allocs);
    CHECK(sn.stats.map_views > mv);
    mm_result res;
    mm_run_result(r, &res);
    CHECK_EQ(res.status, MM_OK);
    run_all(r);
    mm_run_destroy(r);
}

TEST(step_budget) {
    mm_run *r = make_run(MM_SCENARIO_RANDOM, 0, 200000);
    uint64_t ops = 0;
    uint64_t t0 = now_ns();
    CHECK_RC(mm_run_step(r, 0, 0, 20 * 1000000ull, &ops), MM_OK);
    uint64_t dt = now_ns() - t0;
    CHECK(ops > 0);
    CHECK_MSG(dt < 500 * 1000000ull, "budget 20 ms, took %llu ms", (unsigned long long)(dt / 1000000));
    mm_result res;
    mm_run_result(r, &res);
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
    struct timespec d = {0, 300 * 1000000L};
    nanosleep(&d, NULL);
    mm_snapshot sn;
    mm_run_snapshot(r, &sn);
    CHECK(sn.ops_done > 0);
    uint64_t t0 = now_ns();
    mm_run_cancel(r);
    pthread_join(t, NULL);
    uint64_t dt = w.end_ns - t0;
    CHECK_ERR(w.rc, MM_ECANCELED, mm_run_last_error(r), "cancel");
    CHECK_MSG(dt < 200 * 1000000ull, "cancel took %llu ms", (unsigned long long)(dt / 1000000));
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
    {NULL, NULL, NULL},
};
