/* seedsim.h - the seed's MemMap<T> counters, re-written literally from
   MyMemMap.h (AllocateSpace, MapView, Resize, Deallocate) with the OS
   calls replaced by bookkeeping. Independent of heap.c: the tests compare
   the library's counters against this for the same calls (sliding view,
   growth "seed"). Only for sequences the seed itself survives. */
#ifndef MM_SEEDSIM_H
#define MM_SEEDSIM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int has_mapping;
    uint64_t file_size;
    int has_view;
    uint64_t base, len;
} ss_map;

typedef struct {
    uint64_t allocs, deletions, recycled, bytes_alloc, bytes_freed, file_maps, map_views,
        free_list_bytes, mem_size, ofs_free;
    /* the random scenario's operations as scenario.c defines them (one per
       main-loop iteration, 100 for a batch of adds; then one read-back and
       one free per live item, plus one step ending each of those phases) */
    uint64_t ops;
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

/* the seed's DoMemMapGrowWithMemMap (verify by dereference) or, with
   deletions, DoMemWithDeletion (free all; the library verifies uncounted) */
static inline void ss_run_grow(seedsim *s, uint64_t n, int deletions) {
    uint64_t *off = malloc(n * sizeof *off), *sz = malloc(n * sizeof *sz);
    for (uint64_t i = 0; i < n; i++) ss_alloc(s, 2 * (i % 2000 + 1), &off[i], &sz[i]);
    for (uint64_t i = 0; i < n; i++) {
        if (deletions) ss_dealloc(s, off[i], sz[i]);
        else ss_deref(s, off[i], sz[i]);
    }
    free(off);
    free(sz);
}

/* MSVC's rand(): srand(seed) sets the state */
static uint32_t ms_state;
static inline uint32_t ms_rand(void) {
    ms_state = ms_state * 214013u + 2531011u;
    return (ms_state >> 16) & 0x7fff;
}

/* the seed's DoMemRand; at the end each live item is freed once (the seed's
   harness frees some twice: not copied) */
static inline void ss_run_random(seedsim *s, uint64_t n, uint32_t seed) {
    size_t cap = 1024, len = 0;
    uint64_t *vo = malloc(cap * 8), *vs = malloc(cap * 8);
    ms_state = seed;
#define PUSH(o, z)                                                                    \
    do {                                                                              \
        if (len == cap) {                                                             \
            cap *= 2;                                                                 \
            vo = realloc(vo, cap * 8);                                                \
            vs = realloc(vs, cap * 8);                                                \
        }                                                                             \
        vo[len] = (o);                                                                \
        vs[len] = (z);                                                                \
        len++;                                                                        \
    } while (0)
    for (uint64_t i = 0; i < n; i++) {
        double verb = ms_rand() * 100.0 / 32767;
        uint64_t o, z;
        s->ops += verb < 10 ? 100 : 1;
        if (verb < 10) {
            for (int j = 0; j < 100; j++) {
                ss_alloc(s, 2 * (uint64_t)(j + 1), &o, &z);
                PUSH(o, z);
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
            PUSH(o, z);
        }
    }
    for (size_t k = 0; k < len; k++) ss_dealloc(s, vo[k], vs[k]); /* live items, once */
    s->ops += 2 * (uint64_t)len + 2;
#undef PUSH
    free(vo);
    free(vs);
}


#endif
