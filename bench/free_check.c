/*
 * free_check.c - the cost of refusing double frees and made-up locators
 * (the heap's record of live blocks, heap.c "liveset"), measured by running
 * the same scenario through the library built with it (MM_LIVESET=1, the
 * default) and without it (MM_LIVESET=0). bench/free-check.mjs builds both
 * and runs them interleaved.
 *
 *   free_check <scenario 0-3> <items> <mode 0 pagefile|1 disk>
 *   prints one JSON line: elapsedMs (mm_run_step time), peakRssBytes
 */
#include "../native/include/memmap_lab.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: free_check <scenario 0-3> <items> <mode 0|1>\n");
        return 2;
    }
    mm_run_config rc;
    mm_run_config_init(&rc);
    rc.scenario = atoi(argv[1]);
    rc.items = strtoull(argv[2], NULL, 10);
    rc.heap.mode = atoi(argv[3]);
    rc.heap.offset_bits = 64;
    mm_run *r;
    int e = mm_run_create(&rc, &r);
    if (e) {
        fprintf(stderr, "mm_run_create: %s\n", mm_strerror(e));
        return 1;
    }
    while ((e = mm_run_step(r, 0, 0, 0, NULL)) == 0) {}
    mm_result res;
    mm_run_result(r, &res);
    mm_process_stats ps;
    mm_process_stats_get(&ps);
    if (e != 1) {
        fprintf(stderr, "run failed: %s\n", mm_run_last_error(r));
        return 1;
    }
    printf("{\"elapsedMs\":%.3f,\"peakRssBytes\":%llu,\"deletions\":%llu}\n", (double)res.elapsed_ns / 1e6,
           (unsigned long long)ps.peak_rss_bytes, (unsigned long long)res.stats.deletions);
    mm_run_destroy(r);
    return 0;
}
