/* dll_fidelity.c - the Windows DLL as the extension loads it: links against
   memmap.dll (public API only, dllimport), runs the seed's grow and random
   scenarios in both modes through mm_run_*, and compares the counters with
   the literal re-write of the seed (seedsim.h). Prints one PASS/FAIL line
   per case with the figures. Argument: items (default 100000, the seed's
   numItems). Not part of the POSIX suite (built by scripts/test-win32.mjs). */
#include "../../include/memmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../seedsim.h"

static void sim_grow(seedsim *s, uint64_t n) {
    uint64_t *off = malloc(n * sizeof *off), *sz = malloc(n * sizeof *sz);
    for (uint64_t i = 0; i < n; i++) ss_alloc(s, 2 * (i % 2000 + 1), &off[i], &sz[i]);
    for (uint64_t i = 0; i < n; i++) ss_deref(s, off[i], sz[i]);
    free(off);
    free(sz);
}

static uint32_t ms_state;
static uint32_t ms_rand(void) {
    ms_state = ms_state * 214013u + 2531011u;
    return (ms_state >> 16) & 0x7fff;
}

/* the seed's DoMemRand, as test_scenario.c's sim_random */
static void sim_random(seedsim *s, uint64_t n, uint32_t seed) {
    size_t cap = 1024, len = 0;
    uint64_t *vo = malloc(cap * 8), *vs = malloc(cap * 8);
    ms_state = seed;
    for (uint64_t i = 0; i < n; i++) {
        double verb = ms_rand() * 100.0 / 32767;
        uint64_t o, z;
        int pushes = 0;
        if (verb < 10) {
            for (int j = 0; j < 100; j++) {
                ss_alloc(s, 2 * (uint64_t)(j + 1), &o, &z);
                if (len + 1 > cap) {
                    cap *= 2;
                    vo = realloc(vo, cap * 8);
                    vs = realloc(vs, cap * 8);
                }
                vo[len] = o;
                vs[len] = z;
                len++;
            }
        } else if (verb < 20) {
            uint32_t ndx = (uint32_t)(len * ((double)ms_rand() / 32767));
            if (ndx < len) {
                o = vo[ndx];
                z = vs[ndx];
                memmove(&vo[ndx], &vo[ndx + 1], (len - ndx - 1) * 8);
                memmove(&vs[ndx], &vs[ndx + 1], (len - ndx - 1) * 8);
                len--;
                ss_dealloc(s, o, z);
            }
        } else if (verb < 40) {
            uint32_t ndx = (uint32_t)(len * ((double)ms_rand() / 32767));
            if (ndx < len) ss_deref(s, vo[ndx], vs[ndx]);
        } else {
            ss_alloc(s, 4, &o, &z);
            pushes = 1;
        }
        if (pushes) {
            if (len + 1 > cap) {
                cap *= 2;
                vo = realloc(vo, cap * 8);
                vs = realloc(vs, cap * 8);
            }
            vo[len] = o;
            vs[len] = z;
            len++;
        }
    }
    for (size_t k = 0; k < len; k++) ss_dealloc(s, vo[k], vs[k]);
    free(vo);
    free(vs);
}

static int one(int scenario, int mode, uint64_t items) {
    const char *sname = scenario == MM_SCENARIO_GROW ? "grow" : "random";
    const char *mname = mode == MM_MODE_DISK ? "disk" : "pagefile";
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = scenario;
    rc.heap.mode = mode;
    rc.items = items;
    mm_run *r = NULL;
    int rcode = mm_run_create(&rc, &r);
    if (rcode) {
        printf("FAIL dll_fidelity_%s_%s: mm_run_create: %s\n", sname, mname, mm_run_last_error(r));
        return 0;
    }
    do rcode = mm_run_step(r, 0, 0, 0, NULL);
    while (rcode == MM_OK);
    mm_result res;
    mm_run_result(r, &res);
    if (rcode != 1 || !res.verified) {
        printf("FAIL dll_fidelity_%s_%s: run ended with %d: %s\n", sname, mname, rcode, mm_run_last_error(r));
        mm_run_destroy(r);
        return 0;
    }
    seedsim s;
    ss_init(&s, mode, 65536, 131072);
    if (scenario == MM_SCENARIO_GROW) sim_grow(&s, items);
    else sim_random(&s, items, 1);
    const mm_stats *st = &res.stats;
    int same = st->allocs == s.allocs && st->deletions == s.deletions && st->recycled_allocs == s.recycled &&
               st->bytes_allocated == s.bytes_alloc && st->bytes_freed == s.bytes_freed &&
               st->file_size == s.mem_size && st->file_maps == s.file_maps && st->map_views == s.map_views &&
               st->free_list_bytes == s.free_list_bytes && st->compactions == 0;
    printf("%s dll_fidelity_%s_%s (%llu items, %.0f ms): nAllocs %llu/%llu nDeletions %llu/%llu "
           "nFileMaps %llu/%llu nMapViews %llu/%llu ulMemSize %llu/%llu nFreeListSize %llu/%llu "
           "(library/seed)\n",
           same ? "PASS" : "FAIL", sname, mname, (unsigned long long)items, res.elapsed_ns / 1e6,
           (unsigned long long)st->allocs, (unsigned long long)s.allocs,
           (unsigned long long)st->deletions, (unsigned long long)s.deletions,
           (unsigned long long)st->file_maps, (unsigned long long)s.file_maps,
           (unsigned long long)st->map_views, (unsigned long long)s.map_views,
           (unsigned long long)st->file_size, (unsigned long long)s.mem_size,
           (unsigned long long)st->free_list_bytes, (unsigned long long)s.free_list_bytes);
    ss_free_all(&s);
    mm_run_destroy(r);
    return same;
}

int main(int argc, char **argv) {
    uint64_t items = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000;
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("memmap.dll %s: page %llu, allocation granularity %llu\n", mm_version(),
           (unsigned long long)mm_os_page_size(), (unsigned long long)mm_os_allocation_granularity());
    int ok = 1;
    for (int mode = 0; mode < 2; mode++) {
        ok &= one(MM_SCENARIO_GROW, mode, items);
        ok &= one(MM_SCENARIO_RANDOM, mode, items / 20);
    }
    mm_process_stats ps;
    if (mm_process_stats_get(&ps) == MM_OK)
        printf("process: rss %llu peak %llu virtual %llu faults %llu\n", (unsigned long long)ps.rss_bytes,
               (unsigned long long)ps.peak_rss_bytes, (unsigned long long)ps.virtual_bytes,
               (unsigned long long)ps.minor_faults);
    return ok ? 0 : 1;
}
