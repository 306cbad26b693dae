/*
 * memlimit.c - the page-file memory bound, once for every OS layer.
 *
 * Page-file memory (a memfd, a shm object, a page-file-backed section) is
 * not in the process's resident size, so an OOM killer picks other
 * processes first and the runner dies last, silently. Before the heap
 * provisions page-file memory (the first mapping and every growth) it asks
 * here whether the machine and the process's memory limit can give it.
 *
 * The OS layer says how much memory is free for it (_mm_os_memory_room:
 * Linux MemAvailable and the cgroup's memory.max / memory.limit_in_bytes
 * minus what the cgroup uses; Windows the commit limit left; macOS the
 * physical memory). Of that, a safety margin stays free for everything
 * else: an eighth of it, and at least MM_MEM_MARGIN_MIN (128 MiB).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define MM_MEM_MARGIN_MIN ((uint64_t)128 << 20)

/* "21 GiB", "1.5 GiB", "200 MiB"; precise: two decimals */
static void human(char *buf, size_t len, uint64_t v, int precise) {
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    double d = (double)v;
    while (d >= 1024.0 && u < 5) {
        d /= 1024.0;
        u++;
    }
    if (u == 0) snprintf(buf, len, "%llu bytes", (unsigned long long)v);
    else if (precise) snprintf(buf, len, "%.2f %s", d, units[u]);
    else if (d >= 10.0 || d == (double)(uint64_t)d) snprintf(buf, len, "%.0f %s", d, units[u]);
    else snprintf(buf, len, "%.1f %s", d, units[u]);
}

uint64_t _mm_mem_usable(uint64_t room) {
    uint64_t margin = room / 8 > MM_MEM_MARGIN_MIN ? room / 8 : MM_MEM_MARGIN_MIN;
    return room > margin ? room - margin : 0;
}

/* The one check: can `what` take `extra` bytes more (holding `held`)?
   Against the machine's room and, when address_space is set, the process's
   address-space limit too. */
static int room_check(const char *what, const char *advice, uint64_t held, uint64_t extra, int copying,
                      int address_space, char *err, size_t errlen) {
    _mm_memroom r;
    memset(&r, 0, sizeof r);
    int known = _mm_os_memory_room(&r) == MM_OK;
    if (address_space) {
        _mm_memroom a;
        memset(&a, 0, sizeof a);
        if (_mm_os_address_room(&a) == MM_OK && (!known || a.room < r.room)) {
            r = a;
            known = 1;
        }
    }
    if (!known) return MM_OK; /* nothing known: no bound */
    uint64_t usable = _mm_mem_usable(r.room);
    if (extra <= usable) return MM_OK;
    char need[32], give[32];
    human(need, sizeof need, held + extra, 0);
    human(give, sizeof give, held + usable, 0);
    if (!strcmp(need, give)) { /* rounded alike: say the difference */
        human(need, sizeof need, held + extra, 1);
        human(give, sizeof give, held + usable, 1);
    }
    return _mm_fmt(err, errlen, MM_ENOMEM,
                   "%s %s%s%s but %s can give about %s; %s (%s, less a safety margin of an eighth "
                   "and at least 128 MiB)",
                   what, address_space ? "about " : "", need,
                   copying ? " (the old and the new mapping while the growth copies)" : "",
                   r.limited_by_process == 2 ? "this process's address-space limit"
                   : r.limited_by_process ? "this process's memory limit" : "this machine",
                   give, advice, r.source);
}

int _mm_pagefile_room_check(uint64_t held, uint64_t extra, int copying, char *err, size_t errlen) {
    return room_check("page-file mode needs", "use disk mode or fewer items", held, extra, copying, 0, err, errlen);
}

int _mm_heap_memory_check(const char *what, uint64_t need, char *err, size_t errlen) {
    return room_check(what, "use fewer items", 0, need, 0, 1, err, errlen);
}
