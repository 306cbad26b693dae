/*
 * os.c - the portable half of the OS layer: the _mm_os_* contract of
 * internal.h on top of the raw calls of prim/prim.h.
 *
 * Everything here exists once for every platform: the name-and-retry loop
 * for disk files, the path-length check, the resize preconditions, the
 * chunked growth copy and populate loops (with cancellation), touching
 * pages, and the words of every message the OS layer writes. The platform
 * files (prim/unix/prim.c, prim/windows/prim.c) make the system calls and
 * return OS error numbers; what differs between them and is not a call is
 * data (_mm_prim_traits()).
 */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OSTEXT(e) _mm_prim_strerror((e), etext, sizeof etext)

/* ---- facts -------------------------------------------------------------- */
const _mm_os_traits *_mm_os_traits_get(void) { return _mm_prim_traits(); }
uint64_t _mm_os_page_size(void) { return _mm_prim_page_size(); }
uint64_t _mm_os_granularity(void) { return _mm_prim_granularity(); }
uint64_t _mm_os_now_ns(void) { return _mm_prim_now_ns(); }
const char *_mm_os_temp_dir(void) { return _mm_prim_temp_dir(); }

/* ---- directories ---------------------------------------------------------- */
int _mm_os_check_dir(const char *dir, char *out, size_t out_len, char *err, size_t errlen) {
    char etext[256];
    char buf[MM_PATHLEN];
    const char *allowed = _mm_prim_traits()->temp_dir_words;
    int oserr = 0;
    switch (_mm_prim_resolve_dir(dir, buf, sizeof buf, &oserr)) {
    case _MM_DIR_OK: break;
    case _MM_DIR_BAD_NAME:
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is not valid text for a path or too long; "
                       "allowed: an existing, writable directory (NULL = %s)", dir, allowed);
    case _MM_DIR_UNRESOLVED:
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" cannot be resolved (%s); allowed: an existing, "
                       "writable directory (NULL = %s)", dir, OSTEXT(oserr), allowed);
    case _MM_DIR_NOT_DIR:
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is not a directory; allowed: an existing, "
                       "writable directory (NULL = %s)", buf, allowed);
    case _MM_DIR_NOT_WRITABLE:
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is not writable (%s); allowed: an existing, "
                       "writable directory (NULL = %s)", buf, OSTEXT(oserr), allowed);
    }
    /* the path-length check: room for "<sep><prefix>-<pid>-<counter>.mmap" */
    size_t n = strlen(buf);
    if (n + 64 >= out_len || n + 64 >= MM_PATHLEN)
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is too long; allowed: at most %u bytes",
                       buf, (unsigned)(MM_PATHLEN - 64));
    memcpy(out, buf, n + 1);
    return MM_OK;
}

/* ---- backings ------------------------------------------------------------- */
static atomic_uint file_counter;

void _mm_os_backing_init(_mm_backing *b) {
    memset(b, 0, sizeof *b);
    _mm_prim_backing_clear(b);
}

int _mm_os_backing_create(_mm_backing *b, int is_disk, const char *dir, const char *prefix,
                          char *err, size_t errlen) {
    char etext[256];
    const _mm_os_traits *t = _mm_prim_traits();
    _mm_prim_backing_clear(b);
    b->size = 0;
    b->backed = 0;
    b->path[0] = 0;
    b->is_disk = is_disk;
    if (!is_disk) {
        int e = _mm_prim_pagefile_create(b);
        if (e)
            return _mm_fmt(err, errlen, _mm_prim_code(e), "%s failed creating the page-file backing: %s",
                           t->call_pagefile, OSTEXT(e));
        return MM_OK;
    }
    /* the name-and-retry loop: <dir><sep><prefix>-<pid>-<counter>.mmap,
       the next counter while the name is taken */
    size_t dl = strlen(dir);
    const char *sep = dl && (dir[dl - 1] == '/' || dir[dl - 1] == t->path_sep) ? "" : (t->path_sep == '/' ? "/" : "\\");
    int e = 0;
    for (int tries = 0; tries < 1000; tries++) {
        snprintf(b->path, sizeof b->path, "%s%s%s-%d-%u.mmap", dir, sep, prefix, _mm_prim_pid(),
                 atomic_fetch_add(&file_counter, 1));
        e = _mm_prim_file_create(b);
        if (!e) return MM_OK;
        if (!_mm_prim_exists(e)) break;
    }
    int code = _mm_fmt(err, errlen, _mm_prim_code(e), "%s(\"%s\") failed creating the disk file: %s",
                       t->call_open, b->path, OSTEXT(e));
    b->path[0] = 0;
    return code;
}

static const char *backing_name(const _mm_backing *b) {
    return b->is_disk ? b->path : _mm_prim_traits()->pagefile_name;
}

/* The words for a failed growth of b from old to new_size: call `call`
   failed with oserr. */
static int growth_error(const _mm_backing *b, _mm_step step, int oserr, uint64_t old, uint64_t new_size,
                        char *err, size_t errlen) {
    char etext[256];
    const _mm_os_traits *t = _mm_prim_traits();
    int code = _mm_prim_code(oserr);
    if (step == _MM_STEP_FIXED)
        return _mm_fmt(err, errlen, MM_ENOTSUP,
                       "%s cannot grow in place (from %llu to %llu bytes); growth copies into a new one instead",
                       t->pagefile_name, (unsigned long long)old, (unsigned long long)new_size);
    if (code == MM_EFBIG)
        return _mm_err_file_too_big(err, errlen, backing_name(b), new_size, _mm_prim_file_size_limit(new_size));
    if (code == MM_ENOSPC) {
        if (b->is_disk)
            return _mm_err_disk_full(err, errlen, b->path, t->path_sep, old, new_size, _mm_prim_free_bytes(b));
        return _mm_fmt(err, errlen, MM_ENOSPC,
                       "no space left for %s: needed %llu bytes more for growing it to %llu bytes (%s: %s)",
                       t->pagefile_name, (unsigned long long)(new_size - old), (unsigned long long)new_size,
                       step == _MM_STEP_SIZE       ? t->call_size
                       : step == _MM_STEP_ALLOCATE ? t->call_allocate
                       : step == _MM_STEP_PAGEFILE ? t->call_pagefile
                                                   : t->call_section,
                       OSTEXT(oserr));
    }
    switch (step) {
    case _MM_STEP_SIZE:
        return _mm_fmt(err, errlen, code, "%s to %llu bytes failed on %s: %s", t->call_size,
                       (unsigned long long)new_size, backing_name(b), OSTEXT(oserr));
    case _MM_STEP_ALLOCATE:
        return _mm_fmt(err, errlen, code, "%s of %llu bytes at %llu failed on %s: %s", t->call_allocate,
                       (unsigned long long)(new_size - old), (unsigned long long)old, backing_name(b),
                       OSTEXT(oserr));
    case _MM_STEP_PAGEFILE:
        return _mm_fmt(err, errlen, code, "%s failed creating the page-file backing: %s", t->call_pagefile,
                       OSTEXT(oserr));
    default:
        return _mm_fmt(err, errlen, code, "%s of %llu bytes failed on %s: %s", t->call_section,
                       (unsigned long long)new_size, backing_name(b), OSTEXT(oserr));
    }
}

/* The resize preconditions: MM_OK to go on, 1 for nothing to do, or an
   error code. */
static int grow_preconditions(const _mm_backing *b, uint64_t new_size, char *err, size_t errlen) {
    if (!_mm_prim_backing_is_open(b)) return _mm_fmt(err, errlen, MM_ESTATE, "backing is not open");
    if (new_size <= b->size) return 1;
    if (new_size > (uint64_t)INT64_MAX)
        return _mm_fmt(err, errlen, MM_EOVERFLOW, "file size %llu is too large", (unsigned long long)new_size);
    return MM_OK;
}

int _mm_os_backing_resize(_mm_backing *b, uint64_t new_size, char *err, size_t errlen) {
    int rc = grow_preconditions(b, new_size, err, errlen);
    if (rc) return rc == 1 ? MM_OK : rc;
    _mm_step step = _MM_STEP_SIZE;
    int e = _mm_prim_grow(b, new_size, &step);
    if (e) {
        uint64_t from = step == _MM_STEP_ALLOCATE && b->backed < b->size ? b->backed : b->size;
        return growth_error(b, step, e, from, new_size, err, errlen);
    }
    b->size = new_size;
    b->backed = new_size;
    return MM_OK;
}

int _mm_os_backing_extend(_mm_backing *b, uint64_t new_size, char *err, size_t errlen) {
    if (!_mm_prim_traits()->provisions_in_chunks) {
        int rc = _mm_os_backing_resize(b, new_size, err, errlen);
        if (!rc) b->backed = b->size;
        return rc;
    }
    int rc = grow_preconditions(b, new_size, err, errlen);
    if (rc) return rc == 1 ? MM_OK : rc;
    int e = _mm_prim_set_size(b, new_size);
    if (e) return growth_error(b, _MM_STEP_SIZE, e, b->size, new_size, err, errlen);
    b->size = new_size; /* [backed, size) is a hole until provisioned */
    return MM_OK;
}

int _mm_os_backing_provision(_mm_backing *b, uint64_t to, char *err, size_t errlen) {
    if (!_mm_prim_backing_is_open(b)) return _mm_fmt(err, errlen, MM_ESTATE, "backing is not open");
    if (!_mm_prim_traits()->provisions_in_chunks) {
        b->backed = b->size;
        return MM_OK;
    }
    if (to > b->size) to = b->size;
    if (to <= b->backed) return MM_OK;
    int e = _mm_prim_allocate(b, b->backed, to - b->backed);
    if (e) return growth_error(b, _MM_STEP_ALLOCATE, e, b->backed, to, err, errlen);
    b->backed = to;
    return MM_OK;
}

void _mm_os_backing_close(_mm_backing *b) {
    _mm_prim_backing_close(b);
    b->path[0] = 0;
    b->size = 0;
    b->backed = 0;
}

int _mm_os_backing_copy(_mm_backing *dst, const _mm_backing *src, uint64_t len, const atomic_int *cancel,
                        char *err, size_t errlen) {
    char etext[256];
    const uint64_t chunk = 8u << 20; /* a multiple of every granularity */
    if (len && (dst->size < len || src->size < len))
        return _mm_fmt(err, errlen, MM_ESTATE, "growth copy of %llu bytes between backings of %llu and %llu bytes",
                       (unsigned long long)len, (unsigned long long)src->size, (unsigned long long)dst->size);
    _mm_prim_copy st = {0};
    int rc = MM_OK;
    for (uint64_t done = 0; done < len;) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed)) {
            rc = _mm_fmt(err, errlen, MM_ECANCELED, "canceled during the growth copy");
            break;
        }
        uint64_t n = len - done < chunk ? len - done : chunk;
        uint64_t got = 0;
        const char *call = "copy";
        int e = _mm_prim_copy_chunk(&st, dst, src, done, n, &got, &call);
        if (e) {
            rc = _mm_fmt(err, errlen, _mm_prim_code(e), "%s during the growth copy (%llu bytes at %llu) failed: %s",
                         call, (unsigned long long)n, (unsigned long long)done, OSTEXT(e));
            break;
        }
        done += got;
    }
    _mm_prim_copy_end(&st);
    return rc;
}

int _mm_os_backing_pread(const _mm_backing *b, void *dst, uint64_t len, uint64_t off, char *err,
                         size_t errlen) {
    char etext[256];
    if (len && off + len > b->size)
        return _mm_fmt(err, errlen, MM_EIO, "read of %llu bytes at %llu is past the backing (%llu bytes)",
                       (unsigned long long)len, (unsigned long long)off, (unsigned long long)b->size);
    const char *call = "read";
    int e = len ? _mm_prim_read(b, dst, len, off, &call) : 0;
    if (e)
        return _mm_fmt(err, errlen, MM_EIO, "%s of %llu bytes at %llu failed: %s", call, (unsigned long long)len,
                       (unsigned long long)off, OSTEXT(e));
    return MM_OK;
}

uint64_t _mm_os_backing_allocated(const _mm_backing *b) {
    return _mm_prim_backing_is_open(b) ? _mm_prim_backing_allocated(b) : 0;
}

/* The stale-file rule's verdict in words; 1 removed, 0 kept. */
int _mm_os_remove_if_stale(const char *path, char *msg, size_t msglen) {
    char etext[256];
    _mm_stale_check c;
    _mm_prim_remove_if_stale(path, &c);
    switch (c.verdict) {
    case _MM_STALE_REMOVED:
        _mm_fmt(msg, msglen, 0, "removed %s: made by libmemmap, its owner is gone", path);
        return 1;
    case _MM_STALE_BAD_PATH: _mm_fmt(msg, msglen, 0, "kept %s: not a valid path here, or too long", path); break;
    case _MM_STALE_SYMLINK: _mm_fmt(msg, msglen, 0, "kept %s: a symbolic link", path); break;
    case _MM_STALE_CANNOT_OPEN: _mm_fmt(msg, msglen, 0, "kept %s: cannot open it (%s)", path, OSTEXT(c.oserr)); break;
    case _MM_STALE_OPEN: _mm_fmt(msg, msglen, 0, "kept %s: in use (its runner has it open)", path); break;
    case _MM_STALE_NOT_REGULAR: _mm_fmt(msg, msglen, 0, "kept %s: not a regular file", path); break;
    case _MM_STALE_OTHER_OWNER:
        _mm_fmt(msg, msglen, 0, "kept %s: owned by uid %u, not this process's uid %u", path, c.owner, c.self);
        break;
    case _MM_STALE_NO_MARKER:
        _mm_fmt(msg, msglen, 0, "kept %s: it has no marker of libmemmap (not a file this library made)", path);
        break;
    case _MM_STALE_LOCKED: _mm_fmt(msg, msglen, 0, "kept %s: in use (its runner holds the lock)", path); break;
    case _MM_STALE_REPLACED: _mm_fmt(msg, msglen, 0, "kept %s: replaced while being checked", path); break;
    case _MM_STALE_REMOVE_FAILED:
        _mm_fmt(msg, msglen, 0, "kept %s: removing it failed (%s)", path, OSTEXT(c.oserr));
        break;
    }
    return 0;
}

/* ---- views and address space ------------------------------------------------ */
int _mm_os_map(const _mm_backing *b, uint64_t off, uint64_t len, void *addr, int fixed, void **out, char *err,
               size_t errlen) {
    char etext[256];
    const char *call = "mmap";
    int e = _mm_prim_map(b, off, len, addr, fixed, out, &call);
    if (e) {
        int code = _mm_prim_code(e);
        if (code == MM_ENOSPC) code = MM_ENOMEM; /* a commit limit while mapping: memory */
        return _mm_fmt(err, errlen, code, "%s of a %llu-byte view at file offset %llu failed: %s", call,
                       (unsigned long long)len, (unsigned long long)off, OSTEXT(e));
    }
    return MM_OK;
}

int _mm_os_unmap(void *addr, uint64_t len, int in_reservation) {
    if (!addr || !len) return MM_OK;
    return _mm_prim_unmap(addr, len, in_reservation);
}

int _mm_os_reserve(uint64_t len, void **out, char *err, size_t errlen) {
    char etext[256];
    int e = _mm_prim_reserve(len, out);
    if (!e) return MM_OK;
    if (_mm_prim_code(e) == MM_ENOTSUP)
        return _mm_fmt(err, errlen, MM_ENOTSUP,
                       "reserving %llu bytes of address space is not possible on this system (%s); growth "
                       "remaps instead",
                       (unsigned long long)len, OSTEXT(e));
    return _mm_fmt(err, errlen, _mm_prim_code(e), "reserving %llu bytes of address space failed: %s",
                   (unsigned long long)len, OSTEXT(e));
}

void _mm_os_release(void *addr, uint64_t len) {
    if (addr && len) _mm_prim_release(addr, len);
}

/* Make each page resident and writable by writing it (its own value). */
static void touch_pages(volatile uint8_t *p, uint64_t len, uint64_t ps) {
    for (uint64_t i = 0; i < len; i += ps) p[i] = p[i];
}

/* In 32 MiB chunks, checking *cancel between them: the platform's populate
   call, else (or after a hint) touching each page. Failure is an error,
   never SIGBUS (the space was reserved by _mm_os_backing_resize/provision). */
int _mm_os_populate(void *addr, uint64_t len, const atomic_int *cancel, char *err, size_t errlen) {
    char etext[256];
    const uint64_t chunk = 32u << 20;
    uint64_t ps = _mm_prim_page_size();
    uint8_t *p = addr;
    const char *call = _mm_prim_traits()->call_populate;
    int touch = !call;
    for (uint64_t done = 0; done < len;) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            return _mm_fmt(err, errlen, MM_ECANCELED, "canceled while populating");
        uint64_t n = len - done < chunk ? len - done : chunk;
        _mm_pop r = _MM_POP_TOUCH;
        int e = 0;
        if (!touch) r = _mm_prim_populate(p + done, n, &e);
        switch (r) {
        case _MM_POP_DONE: break;
        case _MM_POP_TOUCH: touch_pages(p + done, n, ps); break;
        case _MM_POP_UNSUPPORTED: touch = 1; continue; /* e.g. a kernel before 5.14 */
        case _MM_POP_AGAIN: continue;
        case _MM_POP_FAILED:
        case _MM_POP_NOBACKING:
            return _mm_fmt(err, errlen, r == _MM_POP_NOBACKING ? MM_ENOSPC : _mm_prim_code(e),
                           "%s of %llu bytes failed: %s%s", call, (unsigned long long)n, OSTEXT(e),
                           r == _MM_POP_NOBACKING ? " (the backing store could not be allocated)" : "");
        }
        done += n;
    }
    return MM_OK;
}

/* ---- residency, eviction, fault cost (issue 16) ------------------------------ */
/* A level 0..4 of part out of whole: 0 none, 4 all, else the nearest
   quarter but never 0 or 4. */
static unsigned quarter(uint64_t part, uint64_t whole) {
    if (!part || !whole) return 0;
    if (part >= whole) return 4;
    unsigned q = (unsigned)((part * 4 + whole / 2) / whole);
    return q < 1 ? 1 : q > 3 ? 3 : q;
}

#define MINCORE_CHUNK ((uint64_t)64 << 20)

int _mm_os_residency(const _mm_backing *b, uint64_t file_bytes, const void *view, uint64_t view_off,
                     uint64_t view_len, uint32_t max_cells, mm_residency *out, uint8_t *cells, char *err,
                     size_t errlen) {
    char etext[256];
    uint64_t t0 = _mm_prim_now_ns();
    uint64_t ps = _mm_prim_page_size();
    const _mm_os_traits *tr = _mm_prim_traits();
    memset(out, 0, sizeof *out);
    out->file_bytes = file_bytes;
    /* the smallest page multiple with ceil(file / cell) <= max_cells */
    uint64_t pages = (file_bytes + ps - 1) / ps;
    uint64_t cell_pages = pages ? (pages + max_cells - 1) / max_cells : 1;
    out->cell_bytes = cell_pages * ps;
    out->cells = file_bytes ? (uint32_t)((file_bytes + out->cell_bytes - 1) / out->cell_bytes) : 0;
    if (cells) memset(cells, 0, max_cells);
    if (!file_bytes || !_mm_prim_backing_is_open(b)) {
        snprintf(out->source, sizeof out->source, "none");
        out->cells = 0;
        out->cost_ns = _mm_prim_now_ns() - t0;
        return MM_OK;
    }
    if (tr->residency_views_only) {
        out->views_only = 1;
        snprintf(out->source, sizeof out->source, "QueryWorkingSetEx (views only; the file cache is not visible)");
        if (view && view_len) {
            uint64_t n = view_len / ps;
            unsigned char *vec = malloc(n ? n : 1);
            uint32_t *count = cells ? calloc(out->cells ? out->cells : 1, sizeof *count) : NULL;
            if (!vec || (cells && !count)) {
                free(vec);
                free(count);
                return _mm_fmt(err, errlen, MM_ENOMEM, "out of memory for the residency of a %llu-byte view",
                               (unsigned long long)view_len);
            }
            int e = _mm_prim_resident_range(view, n * ps, vec);
            if (e) {
                free(vec);
                free(count);
                return _mm_fmt(err, errlen, _mm_prim_code(e), "QueryWorkingSetEx of the view failed: %s", OSTEXT(e));
            }
            for (uint64_t i = 0; i < n; i++) {
                if (!(vec[i] & 1)) continue;
                out->resident_bytes += ps;
                uint64_t c = (view_off + i * ps) / out->cell_bytes;
                if (count && c < out->cells) count[c]++;
            }
            if (count)
                for (uint32_t c = 0; c < out->cells; c++) cells[c] = (uint8_t)quarter(count[c], cell_pages);
            free(vec);
            free(count);
        }
        out->cost_ns = _mm_prim_now_ns() - t0;
        return MM_OK;
    }
    /* cachestat: the whole file in one call for the totals, one per cell for the strip */
    uint64_t res = 0, dirty = 0;
    int e = _mm_prim_cachestat(b, 0, pages * ps, &res, &dirty);
    if (!e) {
        snprintf(out->source, sizeof out->source, "cachestat");
        out->dirty_known = 1;
        out->resident_bytes = res * ps;
        out->dirty_bytes = dirty * ps;
        if (cells)
            for (uint32_t c = 0; c < out->cells; c++) {
                uint64_t off = (uint64_t)c * out->cell_bytes;
                uint64_t len = off + out->cell_bytes > pages * ps ? pages * ps - off : out->cell_bytes;
                e = _mm_prim_cachestat(b, off, len, &res, &dirty);
                if (e) return _mm_fmt(err, errlen, _mm_prim_code(e), "cachestat of the file failed: %s", OSTEXT(e));
                cells[c] = (uint8_t)(quarter(res * ps, len) | quarter(dirty * ps, len) << 4);
            }
        out->cost_ns = _mm_prim_now_ns() - t0;
        return MM_OK;
    }
    /* mincore over a temporary read-only mapping, a chunk at a time; cells
       count pages first (up to cell_pages, which can pass 255: use a wider
       count per cell only for the cell being filled) */
    snprintf(out->source, sizeof out->source, "mincore");
    uint64_t chunk = MINCORE_CHUNK < pages * ps ? MINCORE_CHUNK : pages * ps;
    unsigned char *vec = malloc((size_t)(chunk / ps));
    if (!vec) return _mm_fmt(err, errlen, MM_ENOMEM, "out of memory for mincore's vector");
    uint64_t cell_res = 0, cur_cell = 0;
    for (uint64_t off = 0; off < pages * ps; off += chunk) {
        uint64_t len = off + chunk > pages * ps ? pages * ps - off : chunk;
        e = _mm_prim_mincore_file(b, off, len, vec);
        if (e) {
            free(vec);
            return _mm_fmt(err, errlen, _mm_prim_code(e), "mincore over a read-only mapping of the file failed: %s",
                           OSTEXT(e));
        }
        for (uint64_t i = 0; i < len / ps; i++) {
            uint64_t page = off / ps + i;
            uint64_t c = page / cell_pages;
            if (c != cur_cell) {
                if (cells) cells[cur_cell] = (uint8_t)quarter(cell_res, cell_pages);
                cur_cell = c;
                cell_res = 0;
            }
            if (vec[i] & 1) {
                out->resident_bytes += ps;
                cell_res++;
            }
        }
    }
    if (cells && out->cells) {
        uint64_t last_pages = pages - cur_cell * cell_pages;
        cells[cur_cell] = (uint8_t)quarter(cell_res, last_pages < cell_pages ? last_pages : cell_pages);
    }
    free(vec);
    out->cost_ns = _mm_prim_now_ns() - t0;
    return MM_OK;
}

/* The view's resident pages (mincore / QueryWorkingSetEx), 64 MiB at a time;
   UINT64_MAX when they cannot be read. */
static uint64_t view_resident_pages(const void *view, uint64_t view_len) {
    uint64_t ps = _mm_prim_page_size();
    uint64_t step = 64u << 20, pages = 0;
    unsigned char *vec = malloc((size_t)(step / ps));
    if (!vec) return UINT64_MAX;
    for (uint64_t at = 0; at + ps <= view_len; at += step) {
        uint64_t n = (view_len - at < step ? view_len - at : step) / ps;
        if (_mm_prim_resident_range((const unsigned char *)view + at, n * ps, vec)) {
            free(vec);
            return UINT64_MAX;
        }
        for (uint64_t i = 0; i < n; i++) pages += vec[i] & 1;
    }
    free(vec);
    return pages;
}

int _mm_os_evict(const _mm_backing *b, void *view, uint64_t view_len, uint32_t *how, char *err, size_t errlen) {
    char etext[256];
    unsigned bits = 0;
    *how = 0;
    if (!_mm_prim_backing_is_open(b)) return MM_OK;
    int e = _mm_prim_evict_drop(b, view, view_len, &bits);
    if (e)
        return _mm_fmt(err, errlen, _mm_prim_code(e), "writing the file back before evicting it failed: %s",
                       OSTEXT(e));
    /* madvise(MADV_PAGEOUT) and the working-set trim succeed without reclaiming
       anything (a memfd's pages on a machine without swap): they are reported
       only when the view's resident pages went down between the drop (whose
       fadvise may take the file's pages itself) and the page-out. */
    if (view && view_len) {
        uint64_t before = view_resident_pages(view, view_len);
        unsigned out = 0;
        _mm_prim_evict_pageout(view, view_len, &out);
        if (out) {
            uint64_t after = view_resident_pages(view, view_len);
            if (before != UINT64_MAX && after != UINT64_MAX && after < before) bits |= out;
        }
    }
    *how = bits;
    return MM_OK;
}

static mm_fault_cost fault_cost;
static atomic_int fault_cost_state; /* 0 not yet, 1 measuring, 2 done */

int _mm_os_fault_cost(mm_fault_cost *out) {
    int st = atomic_load(&fault_cost_state);
    if (st != 2) {
        int want = 0;
        if (atomic_compare_exchange_strong(&fault_cost_state, &want, 1)) {
            const uint64_t bytes = (uint64_t)16 << 20;
            uint64_t ns = 0, faults = 0;
            int e = _mm_prim_fault_probe(bytes, &ns, &faults);
            if (e) {
                atomic_store(&fault_cost_state, 0);
                return _mm_prim_code(e) == MM_ENOMEM ? MM_ENOMEM : MM_EIO;
            }
            fault_cost.pages = bytes / _mm_prim_page_size();
            fault_cost.faults = faults;
            fault_cost.probe_ns = ns;
            /* no faults counted (a platform that does not count): one per page */
            fault_cost.ns_per_fault = ns / (faults ? faults : fault_cost.pages);
            atomic_store(&fault_cost_state, 2);
        } else {
            while (atomic_load(&fault_cost_state) == 1) { /* another thread measures */ }
            if (atomic_load(&fault_cost_state) != 2) return MM_EIO;
        }
    }
    *out = fault_cost;
    return MM_OK;
}

/* ---- the system-call table (tests' fault injection) ---------------------------- */
int _mm_prim_set_syscall(const char *name, _mm_syscall_ptr fn, _mm_syscall_ptr *old) {
    size_t n;
    _mm_syscall *t = _mm_prim_syscalls(&n);
    if (!name) { /* every entry back to the real call */
        for (size_t i = 0; i < n; i++) atomic_store(&t[i].cur, t[i].dflt);
        if (old) *old = NULL;
        return MM_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(name, t[i].name) != 0) continue;
        _mm_syscall_ptr prev = atomic_exchange(&t[i].cur, fn ? fn : t[i].dflt);
        if (old) *old = prev;
        return MM_OK;
    }
    return MM_EINVAL;
}

_mm_syscall_ptr _mm_prim_get_syscall(const char *name) {
    size_t n;
    _mm_syscall *t = _mm_prim_syscalls(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, t[i].name)) return atomic_load(&t[i].cur);
    return NULL;
}

const char *_mm_prim_next_syscall(const char *name) {
    size_t n;
    _mm_syscall *t = _mm_prim_syscalls(&n);
    if (!name) return n ? t[0].name : NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (!strcmp(name, t[i].name)) return t[i + 1].name;
    return NULL;
}
