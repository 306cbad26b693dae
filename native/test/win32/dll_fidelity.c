/* dll_fidelity.c - the Windows DLL as the extension loads it: links against
   memmap.dll (public API only, dllimport), runs the seed's grow and random
   scenarios in both modes through mm_run_*, and compares the counters with
   the literal re-write of the seed (seedsim.h). Prints one PASS/FAIL line
   per case with the figures. Argument: items (default 100000, the seed's
   numItems). Not part of the POSIX suite (built by scripts/test-win32.mjs). */
#include "../../include/memmap_lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../seedsim.h"

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
    if (scenario == MM_SCENARIO_GROW) ss_run_grow(&s, items, 0);
    else ss_run_random(&s, items, 1);
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
