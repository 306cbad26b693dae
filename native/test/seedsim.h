/* seedsim.h - the seed's MemMap<T> counters, re-written literally from
   MyMemMap.h (AllocateSpace, MapView, Resize, Deallocate) with the OS
   calls replaced by bookkeeping. Independent of heap.c: the tests compare
   the library's counters against this for the same calls (sliding view,
   growth "seed"). Only for sequences the seed itself survives. */
#ifndef MM_SEEDSIM_H
#define MM_SEEDSIM_H

#include <stdint.h>
#include <stdlib.h>

typedef struct {
    int has_mapping;
    uint64_t file_size;
    int has_view;
    uint64_t base, len;
} ss_map;

typedef struct {
    uint64_t allocs, deletions, recycled, bytes_alloc, bytes_freed, file_maps, map_views,
        free_list_bytes, mem_size, ofs_free;
    uint64_t view_size, initial, G;
    int disk;
    ss_map cur;
    /* free lists: one LIFO stack per size (index size / 4) */
    struct ss_stack { uint64_t *o; size_t n, cap; } *fl;
} seedsim;

static inline void ss_init(seedsim *s, int disk, uint64_t initial, uint64_t view) {
    memset(s, 0, sizeof *s);
    s->disk = disk;
    s->initial = initial;
    s->view_size = view;
    s->G = 65536;
    s->fl = calloc(view / 4 + 1, sizeof *s->fl);
}

static inline void ss_free_all(seedsim *s) {
    for (uint64_t i = 0; i <= s->view_size / 4; i++) free(s->fl[i].o);
    free(s->fl);
}

static inline void ss_mapview(seedsim *s, uint64_t off, uint64_t n, ss_map *m) {
    uint64_t G = s->G;
    uint64_t nb = off / G * G, left = off - nb;
    uint64_t desired = s->view_size > s->cur.file_size ? s->cur.file_size : s->view_size;
    int mapped = 0;
    if (m->has_view) {
        int fits = off >= m->base && off + n < m->base + m->len;
        if (fits && left + n < m->len) mapped = 1;
        else {
            m->has_view = 0;
            if (left + n > desired) desired += G;
            if (nb + desired >= m->file_size) desired = m->file_size - nb;
        }
    }
    if (!mapped) {
        s->map_views++;
        m->has_view = 1;
        m->len = desired;
        m->base = nb;
    }
}

static inline ss_map ss_create(seedsim *s, uint64_t size) {
    ss_map m = {1, size, 0, 0, 0};
    s->file_maps++;
    return m;
}

static inline void ss_resize(seedsim *s, uint64_t ns) {
    if (s->cur.file_size == 0) s->ofs_free = 0;
    if (ns > s->mem_size) {
        if (s->cur.has_mapping) {
            if (s->disk) {
                s->cur.has_view = 0;
                s->cur = ss_create(s, ns);
            } else {
                ss_map nm = ss_create(s, ns);
                uint64_t nblocks = s->mem_size / s->G;
                for (uint64_t i = 0; i < nblocks; i++) {
                    ss_mapview(s, i * s->G, s->G, &s->cur);
                    ss_mapview(s, i * s->G, s->G, &nm);
                }
                s->cur = nm;
            }
        } else {
            s->cur = ss_create(s, ns);
        }
        s->mem_size = ns;
    }
}

/* returns 0 when refused; *off gets the offset, *sz the rounded size */
static inline int ss_alloc(seedsim *s, uint64_t req, uint64_t *off, uint64_t *sz) {
    uint64_t n = (req + 3) / 4 * 4;
    s->allocs++;
    *off = 0;
    *sz = 0;
    if (n == 0) return 1;
    if (n >= s->view_size) return 0;
    if (s->cur.file_size == 0) ss_resize(s, s->initial);
    struct ss_stack *st = &s->fl[n / 4];
    uint64_t o;
    if (st->n > 0) {
        o = st->o[--st->n];
        s->free_list_bytes -= n;
        s->recycled++;
    } else {
        if (s->ofs_free + n >= s->mem_size) ss_resize(s, s->mem_size * 2);
        o = s->ofs_free;
        s->ofs_free += n;
    }
    s->bytes_alloc += n;
    ss_mapview(s, o, n, &s->cur);
    *off = o;
    *sz = n;
    return 1;
}

static inline void ss_deref(seedsim *s, uint64_t off, uint64_t n) { ss_mapview(s, off, n, &s->cur); }

static inline void ss_dealloc(seedsim *s, uint64_t off, uint64_t n) {
    s->deletions++;
    struct ss_stack *st = &s->fl[n / 4];
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->o = realloc(st->o, st->cap * sizeof *st->o);
    }
    st->o[st->n++] = off;
    s->bytes_freed += n;
    s->free_list_bytes += n;
}

#endif
