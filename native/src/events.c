/* events.c - the event ring: fixed capacity, oldest overwritten and counted
   as dropped. The heap calls _mm_ring_push only when capacity > 0. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int _mm_ring_init(_mm_ring *r, uint32_t cap) {
    memset(r, 0, sizeof *r);
    if (cap == 0) return MM_OK;
    r->buf = calloc(cap, sizeof *r->buf);
    if (!r->buf) return MM_ENOMEM;
    r->cap = cap;
    return MM_OK;
}

void _mm_ring_free(_mm_ring *r) {
    free(r->buf);
    memset(r, 0, sizeof *r);
}

void _mm_ring_push(_mm_ring *r, const mm_event *ev) {
    uint32_t idx;
    if (r->count == r->cap) { /* full: forget the oldest */
        idx = r->head;
        r->head = (r->head + 1) % r->cap;
        r->dropped++;
    } else {
        idx = (r->head + r->count) % r->cap;
        r->count++;
    }
    r->buf[idx] = *ev;
    r->buf[idx].seq = r->seq++;
}

uint32_t _mm_ring_drain(_mm_ring *r, mm_event *out, uint32_t max, uint64_t *dropped) {
    uint32_t n = 0;
    while (n < max && r->count) {
        out[n++] = r->buf[r->head];
        r->head = (r->head + 1) % r->cap;
        r->count--;
    }
    if (dropped) *dropped = r->dropped;
    r->dropped = 0;
    return n;
}
