/*
 * insight.c - issue 16: what each operation costs.
 *
 * The tick clock the heap times its operations with (prim: rdtsc with an
 * invariant TSC, cntvct_el0, QueryPerformanceCounter, else the monotonic
 * clock) and its rate, calibrated once per process against the monotonic
 * clock where the platform does not state it; the log-linear latency
 * buckets (four per power of two) and their percentiles; the public calls
 * that describe them. The heap (heap.c) keeps one _mm_hist per mm_op and
 * adds to it with _mm_hist_add (internal.h): two tick reads, a multiply,
 * a count-leading-zeros and four stores per timed operation (alloc, deref
 * and free are sampled: heap.c, lat_begin).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ---- the tick clock ---------------------------------------------------------- */
static _Atomic uint64_t tick_mult;   /* ns per tick, 32.32 fixed point; 0: not calibrated */
static _Atomic uint64_t tick_hz;

void _mm_clock_init(void) {
    if (atomic_load_explicit(&tick_mult, memory_order_acquire)) return;
    uint64_t hz = _mm_prim_tick_hz();
    if (!hz) { /* calibrate against the monotonic clock over 2 ms */
        uint64_t t0 = _mm_prim_now_ns(), k0 = _mm_prim_ticks(), t1, k1;
        do {
            t1 = _mm_prim_now_ns();
            k1 = _mm_prim_ticks();
        } while (t1 - t0 < 2000000);
        hz = k1 > k0 ? (uint64_t)((double)(k1 - k0) * 1e9 / (double)(t1 - t0)) : 1000000000ull;
        if (!hz) hz = 1000000000ull;
    }
    uint64_t mult = (uint64_t)(1e9 * 4294967296.0 / (double)hz);
    atomic_store(&tick_hz, hz);
    atomic_store_explicit(&tick_mult, mult ? mult : 1, memory_order_release);
}

uint64_t _mm_ticks_to_ns(uint64_t ticks) {
    uint64_t m = atomic_load_explicit(&tick_mult, memory_order_relaxed);
#if defined(__SIZEOF_INT128__)
    return (uint64_t)(((unsigned __int128)ticks * m) >> 32);
#else
    return (uint64_t)((double)ticks * (double)m / 4294967296.0);
#endif
}

/* ---- buckets ---------------------------------------------------------------- */
uint32_t _mm_lat_bucket(uint64_t ns) {
    if (ns < 4) return (uint32_t)ns;
#if defined(__GNUC__) || defined(__clang__)
    uint32_t e = 63u - (uint32_t)__builtin_clzll(ns);
#else
    uint32_t e = 0;
    for (uint64_t v = ns; v >>= 1;) e++;
#endif
    return 4 * (e - 1) + (uint32_t)((ns >> (e - 2)) & 3);
}

MM_API uint64_t mm_latency_bucket_floor(uint32_t i) {
    if (i < 4) return i;
    if (i >= MM_LATENCY_BUCKETS) return UINT64_MAX;
    uint32_t e = i / 4 + 1;
    return (uint64_t)(4 + i % 4) << (e - 2);
}

/* the duration at rank ceil(num/den * count): the upper end of its bucket */
static uint64_t rank_value(const _mm_hist *h, uint64_t num, uint64_t den) {
    if (!h->timed) return 0;
    uint64_t rank = (h->timed * num + den - 1) / den;
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < MM_LATENCY_BUCKETS; i++) {
        seen += h->b[i];
        if (seen >= rank) {
            uint64_t top = mm_latency_bucket_floor(i + 1) - 1;
            if (top > h->max_ns) top = h->max_ns;
            if (top < h->min_ns) top = h->min_ns;
            return top;
        }
    }
    return h->max_ns;
}

void _mm_hist_read(const _mm_hist *h, mm_latency *out) {
    memset(out, 0, sizeof *out);
    out->count = h->count;
    out->timed = h->timed;
    out->sum_ns = h->sum_ns;
    out->min_ns = h->timed ? h->min_ns : 0;
    out->max_ns = h->max_ns;
    out->p50_ns = rank_value(h, 50, 100);
    out->p99_ns = rank_value(h, 99, 100);
    out->p999_ns = rank_value(h, 999, 1000);
    memcpy(out->buckets, h->b, sizeof out->buckets);
}

/* ---- public facts --------------------------------------------------------------- */
static mm_clock_info clock_info;
static atomic_int clock_state; /* 0 not yet, 1 measuring, 2 done */

MM_API int mm_latency_clock(mm_clock_info *out) {
    if (!out) return MM_EINVAL;
    int want = 0;
    if (atomic_compare_exchange_strong(&clock_state, &want, 1)) {
        _mm_clock_init();
        /* the best of 5 rounds of 20000 reads each (a round the scheduler
           interrupted says nothing about the clock) */
        const int n = 20000;
        volatile uint64_t sink = 0;
        uint64_t best_tick = UINT64_MAX, best_now = UINT64_MAX;
        for (int round = 0; round < 5; round++) {
            uint64_t t0 = _mm_prim_now_ns();
            for (int i = 0; i < n; i++) sink += _mm_prim_ticks();
            uint64_t t1 = _mm_prim_now_ns();
            for (int i = 0; i < n; i++) sink += _mm_prim_now_ns();
            uint64_t t2 = _mm_prim_now_ns();
            if (t1 - t0 < best_tick) best_tick = t1 - t0;
            if (t2 - t1 < best_now) best_now = t2 - t1;
        }
        (void)sink;
        clock_info.tick_hz = atomic_load(&tick_hz);
        clock_info.tick_read_ps = best_tick * 1000 / (uint64_t)n;
        clock_info.now_read_ps = best_now * 1000 / (uint64_t)n;
#if defined(_WIN32)
        snprintf(clock_info.source, sizeof clock_info.source, "QueryPerformanceCounter");
#else
        snprintf(clock_info.source, sizeof clock_info.source, "%s",
                 clock_info.tick_hz == 1000000000ull ? "clock_gettime(CLOCK_MONOTONIC)"
#  if defined(__aarch64__)
                                                     : "cntvct_el0");
#  else
                                                     : "rdtsc");
#  endif
#endif
        atomic_store(&clock_state, 2);
    } else {
        while (atomic_load(&clock_state) != 2) { /* another thread measures */ }
    }
    *out = clock_info;
    return MM_OK;
}

MM_API int mm_fault_cost_get(mm_fault_cost *out) {
    if (!out) return MM_EINVAL;
    return _mm_os_fault_cost(out);
}
