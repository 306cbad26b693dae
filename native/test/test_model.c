/* test_model.c - seeded random operations against a simple reference
   model: every live item reads back its exact bytes, live blocks never
   overlap, nothing is lost (the counters add up to the model's).
   1,000,000 operations on the fast configuration, fewer on the sliding
   ones (every slide is an mmap + munmap). Fixed seeds. */
#define _GNU_SOURCE 1
#include "../include/memmap.h"
#include "check.h"

typedef struct {
    mm_locator loc;
    uint32_t len;
    uint32_t tag;
} item;

static void pattern(uint8_t *p, uint32_t n, uint32_t tag) {
    uint8_t a = (uint8_t)(tag * 31u), b = (uint8_t)(tag >> 8 | 1);
    for (uint32_t k = 0; k < n; k++) p[k] = (uint8_t)(a + k * b);
}

static int by_off(const void *x, const void *y) {
    const item *a = x, *b = y;
    return a->loc.offset < b->loc.offset ? -1 : a->loc.offset > b->loc.offset;
}

static void check_all(mm_heap *h, item *live, size_t n, const char *when) {
    static uint8_t want[70000], got[70000];
    item *sorted = malloc((n ? n : 1) * sizeof *sorted);
    memcpy(sorted, live, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_off);
    for (size_t i = 1; i < n; i++)
        CHECK_MSG(sorted[i - 1].loc.offset + sorted[i - 1].loc.size <= sorted[i].loc.offset,
                  "%s: live blocks overlap at %llu", when, (unsigned long long)sorted[i].loc.offset);
    free(sorted);
    for (size_t i = 0; i < n; i++) {
        pattern(want, live[i].len, live[i].tag);
        CHECK_RC(mm_read(h, &live[i].loc, got, live[i].len), MM_OK);
        CHECK_MSG(!memcmp(want, got, live[i].len), "%s: item tag %u read back wrong", when, live[i].tag);
    }
    CHECK_MSG(mm_heap_check(h) == MM_OK, "%s: %s", when, mm_heap_last_error(h));
}

static void model_run(int mode, int growth, int view, int prefault, uint64_t ops, unsigned long long seed,
                      size_t max_live) {
    mm_config c = check_config(mode, growth, view, prefault);
    c.offset_bits = 64;
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    item *live = malloc(max_live * sizeof *live);
    size_t n = 0;
    uint64_t m_allocs = 0, m_frees = 0, m_live_bytes = 0;
    static uint8_t buf[70000], got[70000];
    unsigned long long s = seed;
    uint32_t tag = 0;
    for (uint64_t op = 0; op < ops; op++) {
        uint64_t r = t_rand(&s) % 100;
        if (n == 0 || (r < 45 && n < max_live)) {
            uint64_t k = t_rand(&s);
            uint32_t len = (k & 0xff) < 3 ? (uint32_t)(k >> 8) % 60000 + 1 : (uint32_t)(k >> 8) % 200 + 1;
            pattern(buf, len, ++tag);
            item it;
            it.len = len;
            it.tag = tag;
            int rc = mm_alloc_put(h, buf, len, &it.loc);
            CHECK_MSG(rc == MM_OK, "op %llu alloc %u: %s", (unsigned long long)op, len, mm_heap_last_error(h));
            live[n++] = it;
            m_allocs++;
            m_live_bytes += it.loc.size;
        } else if (r < 75 || n >= max_live) {
            size_t i = (size_t)(t_rand(&s) % n);
            CHECK_RC(mm_free(h, &live[i].loc), MM_OK);
            m_frees++;
            m_live_bytes -= live[i].loc.size;
            live[i] = live[--n];
        } else {
            size_t i = (size_t)(t_rand(&s) % n);
            CHECK_RC(mm_read(h, &live[i].loc, got, live[i].len), MM_OK);
            pattern(buf, live[i].len, live[i].tag);
            CHECK_MSG(!memcmp(buf, got, live[i].len), "op %llu: item tag %u read back wrong",
                      (unsigned long long)op, live[i].tag);
        }
        if (op % 250000 == 249999) check_all(h, live, n, "periodic");
    }
    check_all(h, live, n, "end");
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK_EQ(st.allocs, m_allocs);
    CHECK_EQ(st.deletions, m_frees);
    CHECK_EQ(st.bytes_allocated - st.bytes_freed, m_live_bytes);
    for (size_t i = 0; i < n; i++) CHECK_RC(mm_free(h, &live[i].loc), MM_OK);
    mm_heap_stats(h, &st);
    CHECK_EQ(st.free_list_bytes, st.offset_free_mem); /* nothing lost */
    CHECK_RC(mm_heap_check(h), MM_OK);
    free(live);
    mm_heap_close(h);
}

TEST(model_1m_ops_reserve_whole) { model_run(0, MM_GROWTH_RESERVE, MM_VIEW_WHOLE, 1, 1000000, 42, 30000); }
TEST(model_remap_whole_disk) { model_run(1, MM_GROWTH_REMAP, MM_VIEW_WHOLE, 0, 200000, 7, 20000); }
TEST(model_copy_whole) { model_run(0, MM_GROWTH_COPY, MM_VIEW_WHOLE, 0, 200000, 8, 20000); }
TEST(model_seed_sliding_pagefile) { model_run(0, MM_GROWTH_SEED, MM_VIEW_SLIDING, 0, 20000, 9, 3000); }
TEST(model_seed_sliding_disk) { model_run(1, MM_GROWTH_SEED, MM_VIEW_SLIDING, 0, 20000, 10, 3000); }
TEST(model_reserve_sliding) { model_run(0, MM_GROWTH_RESERVE, MM_VIEW_SLIDING, 1, 20000, 11, 3000); }

const mm_test tests_model[] = {
    TEST_ENTRY(model_1m_ops_reserve_whole),
    TEST_ENTRY(model_remap_whole_disk),
    TEST_ENTRY(model_copy_whole),
    TEST_ENTRY(model_seed_sliding_pagefile),
    TEST_ENTRY(model_seed_sliding_disk),
    TEST_ENTRY(model_reserve_sliding),
    {NULL, NULL, NULL},
};
