/*
 * lab_run.c - one scenario through the library, as built by the script that
 * compiled it (bench/sideBySide.mjs builds it twice, with and without a
 * feature, and runs the two interleaved: bench/free-check.mjs for the record
 * of live blocks, bench/latency-overhead.mjs for the latency histograms).
 *
 *   lab_run <scenario 0-3> <items> <mode 0 pagefile|1 disk>
 *   prints one JSON line: elapsedMs (mm_run_step time), peakRssBytes,
 *   deletions, ops (operations: alloc+deref+free+map+unmap), timed (of
 *   which the histograms timed: alloc, deref and free are sampled) and the
 *   latency clock's figures
 */
#include "../native/include/memmap_lab.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: lab_run <scenario 0-3> <items> <mode 0|1>\n");
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
    mm_process_stats ps;
    mm_process_stats_get(&ps);
    uint64_t ops = res.stats.allocs + res.stats.deletions + res.stats.map_views + res.stats.unmap_views;
    mm_latency l;
    if (mm_heap_latency(mm_run_heap(r), MM_OP_DEREF, &l) == MM_OK) ops += l.count;
    uint64_t timed = 0;
    for (int op = 0; op < MM_OP_COUNT; op++)
        if (op != MM_OP_GROW && mm_heap_latency(mm_run_heap(r), op, &l) == MM_OK) timed += l.timed;
    mm_clock_info ci;
    mm_latency_clock(&ci);
    printf("{\"elapsedMs\":%.3f,\"peakRssBytes\":%llu,\"deletions\":%llu,\"ops\":%llu,\"timed\":%llu,\"clock\":\"%s\",\"tickReadNs\":%.2f,"
           "\"nowReadNs\":%.2f}\n",
           (double)res.elapsed_ns / 1e6, (unsigned long long)ps.peak_rss_bytes, (unsigned long long)res.stats.deletions,
           (unsigned long long)ops, (unsigned long long)timed, ci.source, (double)ci.tick_read_ps / 1000, (double)ci.now_read_ps / 1000);
    mm_run_destroy(r);
    return 0;
}
