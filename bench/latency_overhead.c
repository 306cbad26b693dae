/*
 * latency_overhead.c - the cost of the per-operation latency histograms
 * (issue 16): the same scenario through the library built with them (what
 * ships) and without (-DMM_NO_LATENCY: no tick reads, no histogram adds).
 * bench/latency-overhead.mjs builds both and runs them interleaved.
 *
 *   latency_overhead <scenario 0-3> <items> <mode 0 pagefile|1 disk>
 *   prints one JSON line: elapsedMs (mm_run_step time), ops (timed
 *   operations: alloc+deref+free+map+unmap+grow), and the clock's figures
 */
#include "../native/include/memmap_lab.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: latency_overhead <scenario 0-3> <items> <mode 0|1>\n");
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
    if (e != 1) {
        fprintf(stderr, "run failed: %s\n", mm_run_last_error(r));
        return 1;
    }
    mm_result res;
    mm_run_result(r, &res);
    uint64_t ops = res.stats.allocs + res.stats.deletions + res.stats.map_views + res.stats.unmap_views;
    mm_latency l;
    if (mm_heap_latency(mm_run_heap(r), MM_OP_DEREF, &l) == MM_OK) ops += l.count;
    mm_clock_info ci;
    mm_latency_clock(&ci);
    printf("{\"elapsedMs\":%.3f,\"ops\":%llu,\"clock\":\"%s\",\"tickReadNs\":%.2f,\"nowReadNs\":%.2f}\n",
           (double)res.elapsed_ns / 1e6, (unsigned long long)ops, ci.source, (double)ci.tick_read_ps / 1000,
           (double)ci.now_read_ps / 1000);
    mm_run_destroy(r);
    return 0;
}
