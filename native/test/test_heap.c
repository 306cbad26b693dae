/* test_heap.c - allocation, free lists, growth in every strategy x mode x
   view, the seed's counters (hand-computed and against seedsim.h), 32-bit
   overflow, events. */
#define _GNU_SOURCE 1
#include "../include/memmap.h"
#include "../src/internal.h"
#include "check.h"
#include "seedsim.h"

#include <sys/stat.h>

static mm_heap *open_heap(int mode, int growth, int view, int prefault) {
    mm_config c = check_config(mode, growth, view, prefault);
    mm_heap *h = NULL;
    char msg[256];
    CHECK_MSG(mm_config_validate(&c, msg, sizeof msg) == MM_OK, "validate: %s", msg);
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    return h;
}

static void fill(uint8_t *p, uint32_t n, uint64_t tag) {
    for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)(tag * 131 + i * 7 + (tag >> 8));
}

TEST(counters_three_small_items) {
    mm_heap *h = open_heap(MM_MODE_PAGEFILE, MM_GROWTH_SEED, MM_VIEW_SLIDING, 0);
    mm_locator l[3];
    const char *s[3] = {"a", "bb", "ccccc"};
    for (int i = 0; i < 3; i++) CHECK_RC(mm_alloc_put(h, s[i], (uint32_t)strlen(s[i]) + 1, &l[i]), MM_OK);
    mm_stats st;
    CHECK_RC(mm_heap_stats(h, &st), MM_OK);
    CHECK_EQ(st.allocs, 3);
    CHECK_EQ(st.map_views, 1);
    CHECK_EQ(st.file_maps, 1);
    CHECK_EQ(st.bytes_allocated, 4 + 4 + 8);
    CHECK_EQ(st.file_size, 65536);
    CHECK_EQ(st.offset_free_mem, 16);
    CHECK_EQ(l[0].offset, 0);
    CHECK_EQ(l[1].offset, 4);
    CHECK_EQ(l[2].offset, 8);
    CHECK_EQ(l[2].size, 8);
    char buf[8];
    CHECK_RC(mm_read(h, &l[2], buf, 6), MM_OK);
    CHECK(!strcmp(buf, "ccccc"));
    CHECK_RC(mm_free(h, &l[1]), MM_OK);
    CHECK_RC(mm_heap_stats(h, &st), MM_OK);
    CHECK_EQ(st.deletions, 1);
    CHECK_EQ(st.bytes_freed, 4);
    CHECK_EQ(st.free_list_bytes, 4);
    CHECK_EQ(st.map_views, 1); /* the seed never maps on free */
    CHECK_RC(mm_heap_check(h), MM_OK);
    mm_heap_close(h);
}

TEST(counters_size_zero_and_too_big) {
    mm_heap *h = open_heap(MM_MODE_PAGEFILE, MM_GROWTH_SEED, MM_VIEW_SLIDING, 0);
    mm_locator l;
    void *p = (void *)1;
    CHECK_RC(mm_alloc(h, 0, &l, &p), MM_OK);
    CHECK(p == NULL);
    CHECK_EQ(l.offset, 0);
    CHECK_EQ(l.size, 0);
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK_EQ(st.allocs, 1);
    CHECK_EQ(st.map_views, 0);
    CHECK_EQ(st.file_maps, 0);
    /* 131069 rounds to 131072 = view size: refused, but counted */
    CHECK_ERR(mm_alloc(h, 131069, &l, NULL), MM_ETOOBIG, mm_heap_last_error(h), "allowed");
    CHECK_ERR(mm_alloc(h, 131072, &l, NULL), MM_ETOOBIG, mm_heap_last_error(h), "131072");
    mm_heap_stats(h, &st);
    CHECK_EQ(st.allocs, 3);
    CHECK_EQ(st.file_maps, 0);
    CHECK_RC(mm_alloc(h, 131068, &l, NULL), MM_OK); /* largest allowed: 131068 < 131072 */
    mm_heap_stats(h, &st);
    CHECK_EQ(st.allocs, 4);
    CHECK_EQ(st.file_size, 131072); /* 64K -> 128K: 131068 < 131072 */
    CHECK_EQ(st.file_maps, 2);
    CHECK_RC(mm_free(h, &(mm_locator){0, 0, 0}), MM_OK); /* the zero locator */
    mm_heap_stats(h, &st);
    CHECK_EQ(st.deletions, 1);
    CHECK_EQ(st.bytes_freed, 0);
    CHECK_RC(mm_heap_check(h), MM_OK);
    mm_heap_close(h);
}

TEST(free_list_lifo_reuse) {
    mm_heap *h = open_heap(MM_MODE_PAGEFILE, MM_GROWTH_SEED, MM_VIEW_SLIDING, 0);
    mm_locator a, b, c, d, x, y, z;
    CHECK_RC(mm_alloc(h, 10, &a, NULL), MM_OK);
    CHECK_RC(mm_alloc(h, 12, &b, NULL), MM_OK);
    CHECK_RC(mm_alloc(h, 9, &c, NULL), MM_OK);
    CHECK_RC(mm_alloc(h, 100, &d, NULL), MM_OK);
    CHECK_RC(mm_free(h, &a), MM_OK);
    CHECK_RC(mm_free(h, &c), MM_OK);
    CHECK_RC(mm_free(h, &b), MM_OK);
    CHECK_RC(mm_alloc(h, 12, &x, NULL), MM_OK); /* LIFO: b (12) */
    CHECK_EQ(x.offset, b.offset);
    CHECK_RC(mm_alloc(h, 11, &y, NULL), MM_OK); /* 12 again: c, the last freed 12 */
    CHECK_EQ(y.offset, c.offset);
    CHECK_RC(mm_alloc(h, 12, &z, NULL), MM_OK); /* then a */
    CHECK_EQ(z.offset, a.offset);
    mm_locator w;
    CHECK_RC(mm_alloc(h, 12, &w, NULL), MM_OK); /* empty list: bump */
    CHECK_EQ(w.offset, d.offset + 100);
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK_EQ(st.recycled_allocs, 3);
    CHECK_EQ(st.free_list_bytes, 0);
    CHECK_RC(mm_heap_check(h), MM_OK);
    mm_heap_close(h);
}

/* every strategy x mode x view x prefault: store, free some, grow, read back */
static void growth_case(int mode, int growth, int view, int prefault) {
    mm_heap *h = open_heap(mode, growth, view, prefault);
    enum { N = 1500 };
    static mm_locator l[N];
    static uint8_t buf[70000], got[70000];
    static int live[N];
    unsigned long long rs = (unsigned long long)(mode * 100 + growth * 10 + view * 2 + prefault);
    for (int i = 0; i < N; i++) {
        uint32_t n = (uint32_t)(t_rand(&rs) % (i % 50 == 0 ? 60000 : 300)) + 1;
        fill(buf, n, (uint64_t)i);
        CHECK_MSG(mm_alloc_put(h, buf, n, &l[i]) == MM_OK, "alloc %d (%u): %s", i, n, mm_heap_last_error(h));
        CHECK(l[i].size >= n && l[i].size % 4 == 0);
        live[i] = 1;
        if (i % 3 == 2) {
            int k = (int)(t_rand(&rs) % (uint64_t)i);
            if (live[k]) {
                CHECK_RC(mm_free(h, &l[k]), MM_OK);
                live[k] = 0;
            }
        }
        if (i % 97 == 0) CHECK_MSG(mm_heap_check(h) == MM_OK, "%s", mm_heap_last_error(h));
    }
    rs = (unsigned long long)(mode * 100 + growth * 10 + view * 2 + prefault);
    for (int i = 0; i < N; i++) {
        uint32_t n = (uint32_t)(t_rand(&rs) % (i % 50 == 0 ? 60000 : 300)) + 1;
        if (i % 3 == 2) t_rand(&rs);
        if (!live[i]) continue;
        fill(buf, n, (uint64_t)i);
        CHECK_RC(mm_read(h, &l[i], got, n), MM_OK);
        CHECK_MSG(!memcmp(buf, got, n), "item %d read back wrong (mode %d growth %d view %d)", i, mode, growth, view);
    }
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK(st.file_size >= 1u << 20);
    /* platform differences, pinned in check.h (not read from the library):
       a page-file backing that cannot grow in place (Windows) grows by copy
       under remap and reserve too; without address-space reservation (Wine
       8) reserve grows by remap */
    int in_place = mode == MM_MODE_DISK || t_pagefile_grows_in_place();
    int copies = growth == MM_GROWTH_COPY || (growth == MM_GROWTH_SEED && mode == MM_MODE_PAGEFILE) ||
                 (!in_place && (growth == MM_GROWTH_REMAP || growth == MM_GROWTH_RESERVE));
    if (growth == MM_GROWTH_RESERVE && in_place && t_can_reserve()) CHECK_EQ(st.file_maps, 1);
    else CHECK(st.file_maps > 3);
    if (copies) CHECK(st.bytes_copied > 0);
    else CHECK_EQ(st.bytes_copied, 0);
    CHECK_MSG(mm_heap_check(h) == MM_OK, "%s", mm_heap_last_error(h));
    char path[4096];
    snprintf(path, sizeof path, "%s", mm_heap_file_path(h));
    if (mode == MM_MODE_DISK) {
        struct stat sb;
        CHECK(t_is_abs(path));
        CHECK(strstr(path, "memmap-lab-") && strstr(path, ".mmap"));
        CHECK(stat(path, &sb) == 0);
        CHECK_EQ((uint64_t)sb.st_size, st.file_size);
        uint64_t disk = 0;
        CHECK_RC(mm_heap_disk_bytes(h, &disk), MM_OK);
        CHECK(disk >= st.file_size); /* space reserved up front */
    } else {
        CHECK_EQ(path[0], 0);
    }
    mm_heap_close(h);
    if (mode == MM_MODE_DISK) {
        struct stat sb;
        CHECK_MSG(stat(path, &sb) != 0, "file %s not removed on close", path);
    }
}

TEST(growth_matrix) {
    for (int mode = 0; mode < 2; mode++)
        for (int growth = 0; growth < 4; growth++)
            for (int view = 0; view < 2; view++)
                for (int pf = 0; pf < 2; pf++) growth_case(mode, growth, view, pf);
}

TEST(reserve_whole_keeps_base_address) {
    /* on Windows a page-file section cannot grow in place: use a disk file */
    int mode = t_pagefile_grows_in_place() ? MM_MODE_PAGEFILE : MM_MODE_DISK;
    mm_heap *h = open_heap(mode, MM_GROWTH_RESERVE, MM_VIEW_WHOLE, 1);
    mm_locator l0, l;
    void *p0, *p;
    CHECK_RC(mm_alloc(h, 8, &l0, &p0), MM_OK);
    memcpy(p0, "1234567", 8);
    for (int i = 0; i < 2000; i++) CHECK_RC(mm_alloc(h, 1000, &l, &p), MM_OK);
    CHECK_RC(mm_deref(h, &l0, &p), MM_OK);
    CHECK(!memcmp(p, "1234567", 8));
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK_EQ(st.view_length, st.file_size);
    CHECK_EQ(st.bytes_copied, 0);
    if (t_can_reserve()) {
        CHECK(p == p0);
        CHECK_EQ(st.file_maps, 1);
        CHECK_EQ(st.unmap_views, 0);
    } else { /* no reservation here (Wine 8): the documented fallback, remap */
        printf("    (no address-space reservation here; growth remapped)\n");
        CHECK(st.file_maps > 1);
        CHECK_EQ(st.bytes_copied, 0);
    }
    mm_heap_close(h);
}

/* Windows: page-file growth under remap and reserve copies into a new
   section, and the GROW event says MM_GROWTH_COPY; elsewhere it is in place */
TEST(pagefile_growth_in_place_or_copy) {
    for (int growth = MM_GROWTH_REMAP; growth <= MM_GROWTH_RESERVE; growth++) {
        mm_config c;
        mm_config_init(&c);
        c.growth = growth;
        c.view = MM_VIEW_WHOLE;
        c.event_capacity = 10000;
        mm_heap *h;
        CHECK_RC(mm_heap_open(&c, &h), MM_OK);
        mm_locator l;
        for (int i = 0; i < 100; i++) CHECK_RC(mm_alloc(h, 4000, &l, NULL), MM_OK);
        static mm_event ev[10000];
        int n = mm_heap_events_drain(h, ev, 10000, NULL);
        int grows = 0;
        for (int i = 0; i < n; i++)
            if (ev[i].kind == MM_EVENT_GROW) {
                grows++;
                if (t_pagefile_grows_in_place()) {
                    CHECK_EQ(ev[i].bytes_copied, 0);
                    CHECK(ev[i].strategy == (uint32_t)growth ||
                          (growth == MM_GROWTH_RESERVE && ev[i].strategy == MM_GROWTH_REMAP));
                } else {
                    CHECK_EQ(ev[i].strategy, MM_GROWTH_COPY);
                    CHECK_EQ(ev[i].bytes_copied, ev[i].old_size);
                }
            }
        CHECK_EQ(grows, 3); /* 64K -> 512K */
        mm_stats st;
        mm_heap_stats(h, &st);
        if (t_pagefile_grows_in_place()) CHECK_EQ(st.bytes_copied, 0);
        else CHECK_EQ(st.bytes_copied, 65536 + 131072 + 262144);
        CHECK_RC(mm_heap_check(h), MM_OK);
        mm_heap_close(h);
    }
}

/* The OS layer's own description of itself agrees with the facts pinned
   per platform in check.h. */
TEST(os_facts_pinned) {
    const _mm_os_traits *tr = _mm_os_traits_get();
    CHECK_EQ(tr->pagefile_grows_in_place, t_pagefile_grows_in_place());
    CHECK_EQ(tr->can_reserve, t_can_reserve());
}

/* Remap and reserve growth of a page-file heap (Linux: in place) and of a
   disk heap (everywhere): no byte copied, and with reserve and a whole view
   the data keeps its address. */
static void no_copy_case(int mode, int growth) {
    mm_heap *h = open_heap(mode, growth, MM_VIEW_WHOLE, 0);
    mm_locator l0, l;
    void *p0, *p;
    CHECK_RC(mm_alloc(h, 8, &l0, &p0), MM_OK);
    memcpy(p0, "abcdefg", 8);
    for (int i = 0; i < 600; i++) CHECK_RC(mm_alloc(h, 4000, &l, &p), MM_OK);
    CHECK_RC(mm_deref(h, &l0, &p), MM_OK);
    CHECK(!memcmp(p, "abcdefg", 8));
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK(st.file_size >= 2u << 20); /* grew 64K -> 4M: 6 growths */
    int in_place = mode == MM_MODE_DISK || t_pagefile_grows_in_place();
    if (in_place) {
        CHECK_EQ(st.bytes_copied, 0);
        if (growth == MM_GROWTH_RESERVE && t_can_reserve()) {
            CHECK(p == p0);
            CHECK_EQ(st.file_maps, 1);
        }
    } else {
        CHECK(st.bytes_copied > 0);
    }
    mm_heap_close(h);
}

TEST(remap_reserve_copy_nothing) {
    for (int mode = 0; mode < 2; mode++) {
        no_copy_case(mode, MM_GROWTH_REMAP);
        no_copy_case(mode, MM_GROWTH_RESERVE);
    }
}

TEST(whole_view_allows_big_blocks) {
    mm_heap *h = open_heap(MM_MODE_PAGEFILE, MM_GROWTH_REMAP, MM_VIEW_WHOLE, 0);
    mm_locator l;
    void *p;
    CHECK_RC(mm_alloc(h, 1u << 20, &l, &p), MM_OK);
    memset(p, 0x5a, 1u << 20);
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK_EQ(st.file_size, 2u << 20);
    CHECK_RC(mm_heap_check(h), MM_OK);
    mm_heap_close(h);
}

TEST(overflow_32bit) {
    /* 2 GiB initial file, 32-bit offsets, whole view: one 3 GiB block makes
       the file 4 GiB (allowed), the next growth would pass 4 GiB. Disk mode:
       posix_fallocate on ext4 reserves without writing, so this is quick. */
    mm_config c;
    mm_config_init(&c);
    c.mode = MM_MODE_DISK;
    c.growth = MM_GROWTH_REMAP;
    c.view = MM_VIEW_WHOLE;
    c.initial_file_size = 2ull << 30;
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    mm_locator l;
    int rc = mm_alloc(h, 3u << 30, &l, NULL);
    if (rc == MM_ENOSPC) {
        printf("    (overflow_32bit: disk too small, using page file)\n");
        mm_heap_close(h);
        c.mode = MM_MODE_PAGEFILE;
        CHECK_RC(mm_heap_open(&c, &h), MM_OK);
        rc = mm_alloc(h, 3u << 30, &l, NULL);
    }
    CHECK_MSG(rc == MM_OK, "%s", mm_heap_last_error(h));
    mm_stats st;
    mm_heap_stats(h, &st);
    CHECK_EQ(st.file_size, 4ull << 30);
    CHECK_ERR(mm_alloc(h, 2u << 30, &l, NULL), MM_EOVERFLOW, mm_heap_last_error(h), "32-bit");
    CHECK(strstr(mm_heap_last_error(h), "offset_bits 64"));
    mm_heap_stats(h, &st);
    CHECK_EQ(st.file_size, 4ull << 30);
    CHECK_EQ(st.allocs, 2);
    CHECK_RC(mm_heap_check(h), MM_OK);
    mm_heap_close(h);
}

TEST(events_ring) {
    mm_config c;
    mm_config_init(&c);
    c.event_capacity = 8;
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    mm_locator l;
    CHECK_RC(mm_alloc(h, 16, &l, NULL), MM_OK);
    mm_event ev[16];
    uint64_t dropped = 99;
    int n = mm_heap_events_drain(h, ev, 16, &dropped);
    CHECK_EQ(n, 3); /* FILE_MAP, MAP_VIEW, ALLOC */
    CHECK_EQ(dropped, 0);
    CHECK_EQ(ev[0].kind, MM_EVENT_FILE_MAP);
    CHECK_EQ(ev[0].new_size, 65536);
    CHECK_EQ(ev[1].kind, MM_EVENT_MAP_VIEW);
    CHECK_EQ(ev[1].size, 65536);
    CHECK(ev[1].address != 0);
    CHECK_EQ(ev[2].kind, MM_EVENT_ALLOC);
    CHECK_EQ(ev[2].size, 16);
    CHECK_EQ(ev[0].seq, 0);
    CHECK_EQ(ev[2].seq, 2);
    CHECK_RC(mm_free(h, &l), MM_OK);
    n = mm_heap_events_drain(h, ev, 16, NULL);
    CHECK_EQ(n, 1);
    CHECK_EQ(ev[0].kind, MM_EVENT_FREE);
    /* overflow the ring: growth makes GROW, FILE_MAP, MAP/UNMAP events */
    for (int i = 0; i < 40; i++) CHECK_RC(mm_alloc(h, 4000, &l, NULL), MM_OK);
    n = mm_heap_events_drain(h, ev, 16, &dropped);
    CHECK_EQ(n, 8);
    CHECK(dropped > 0);
    int grow = 0;
    mm_heap_close(h);
    /* a GROW event with the strategy and bytes copied */
    c.event_capacity = 100000;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    for (int i = 0; i < 40; i++) CHECK_RC(mm_alloc(h, 4000, &l, NULL), MM_OK);
    static mm_event big[100000];
    n = mm_heap_events_drain(h, big, 100000, NULL);
    for (int i = 0; i < n; i++)
        if (big[i].kind == MM_EVENT_GROW) {
            CHECK_EQ(big[i].old_size, 65536ull << grow);
            CHECK_EQ(big[i].new_size, 131072ull << grow);
            CHECK_EQ(big[i].bytes_copied, 65536ull << grow);
            CHECK_EQ(big[i].strategy, MM_GROWTH_SEED);
            grow++;
        }
    CHECK_EQ(grow, 2); /* 160000 bytes: 64K -> 128K -> 256K */
    mm_heap_close(h);
}

/* compare the counters with the literal re-write of the seed */
static void cmp_stats(mm_heap *h, const seedsim *s, const char *what) {
    mm_stats st;
    mm_heap_stats(h, &st);
#define CMP(a, b) CHECK_MSG((a) == (b), "%s: %s = %llu, seed %llu", what, #a, (unsigned long long)(a), (unsigned long long)(b))
    CMP(st.allocs, s->allocs);
    CMP(st.deletions, s->deletions);
    CMP(st.recycled_allocs, s->recycled);
    CMP(st.bytes_allocated, s->bytes_alloc);
    CMP(st.bytes_freed, s->bytes_freed);
    CMP(st.file_size, s->mem_size);
    CMP(st.file_maps, s->file_maps);
    CMP(st.map_views, s->map_views);
    CMP(st.free_list_bytes, s->free_list_bytes);
    CMP(st.offset_free_mem, s->ofs_free);
    CMP(st.compactions, 0);
#undef CMP
}

static void seed_compare(int disk, uint64_t initial, uint64_t view, int n_items) {
    mm_config c;
    mm_config_init(&c);
    c.mode = disk;
    c.initial_file_size = initial;
    c.view_size = view;
    mm_heap *h;
    CHECK_RC(mm_heap_open(&c, &h), MM_OK);
    seedsim s;
    ss_init(&s, disk, initial, view);
    static uint8_t data[4002];
    mm_locator *l = calloc((size_t)n_items, sizeof *l);
    /* the grow scenario: items 0..n-1, then Dereference all */
    for (int i = 0; i < n_items; i++) {
        uint32_t size = 2 * (uint32_t)(i % 2000 + 1);
        uint64_t o, sz;
        CHECK_RC(mm_alloc_put(h, data, size, &l[i]), MM_OK);
        ss_alloc(&s, size, &o, &sz);
        CHECK_EQ(l[i].offset, o);
    }
    cmp_stats(h, &s, "after allocations");
    for (int i = 0; i < n_items; i++) {
        void *p;
        CHECK_RC(mm_deref(h, &l[i], &p), MM_OK);
        ss_deref(&s, l[i].offset, l[i].size);
    }
    cmp_stats(h, &s, "after dereferences");
    /* free every other item, then allocate again (recycling) */
    for (int i = 0; i < n_items; i += 2) {
        CHECK_RC(mm_free(h, &l[i]), MM_OK);
        ss_dealloc(&s, l[i].offset, l[i].size);
    }
    for (int i = 0; i < n_items; i += 3) {
        uint32_t size = 2 * (uint32_t)(i % 2000 + 1);
        uint64_t o, sz;
        mm_locator x;
        CHECK_RC(mm_alloc(h, size, &x, NULL), MM_OK);
        ss_alloc(&s, size, &o, &sz);
        CHECK_EQ(x.offset, o);
    }
    cmp_stats(h, &s, "after recycling");
    CHECK_RC(mm_heap_check(h), MM_OK);
    ss_free_all(&s);
    free(l);
    mm_heap_close(h);
}

TEST(seed_counters_pagefile_default) { seed_compare(0, 65536, 131072, 6000); }
TEST(seed_counters_disk_default) { seed_compare(1, 65536, 131072, 6000); }
TEST(seed_counters_pagefile_big_view) { seed_compare(0, 1u << 20, 1u << 20, 4000); }
TEST(seed_counters_disk_view_192k) { seed_compare(1, 65536, 196608, 4000); }

const mm_test tests_heap[] = {
    TEST_ENTRY(counters_three_small_items),
    TEST_ENTRY(counters_size_zero_and_too_big),
    TEST_ENTRY(free_list_lifo_reuse),
    TEST_ENTRY(growth_matrix),
    TEST_ENTRY(reserve_whole_keeps_base_address),
    TEST_ENTRY(pagefile_growth_in_place_or_copy),
    TEST_ENTRY(os_facts_pinned),
    TEST_ENTRY(remap_reserve_copy_nothing),
    TEST_ENTRY(whole_view_allows_big_blocks),
    TEST_ENTRY(overflow_32bit),
    TEST_ENTRY(events_ring),
    TEST_ENTRY(seed_counters_pagefile_default),
    TEST_ENTRY(seed_counters_disk_default),
    TEST_ENTRY(seed_counters_pagefile_big_view),
    TEST_ENTRY(seed_counters_disk_view_192k),
    {NULL, NULL, NULL},
};
