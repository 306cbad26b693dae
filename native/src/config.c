/* config.c - defaults and the one validation function. */
#include "internal.h"

#include <string.h>

MM_API void mm_config_init(mm_config *cfg) {
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = MM_MODE_PAGEFILE;
    cfg->growth = MM_GROWTH_SEED;
    cfg->view = MM_VIEW_SLIDING;
    cfg->offset_bits = 32;                 /* the seed's MemMap<UINT> */
    cfg->initial_file_size = 65536;        /* AllocationGranularity */
    cfg->view_size = 2 * 65536;            /* 2 * AllocationGranularity */
    cfg->granularity = 65536;              /* the seed's AllocationGranularity */
    cfg->prefault = 0;
    cfg->event_capacity = 0;
    cfg->disk_dir = NULL;
    cfg->name_prefix = NULL;
}

static int prefix_ok(const char *p) {
    size_t n = 0;
    for (; p[n]; n++) {
        char c = p[n];
        if (n >= 32) return 0;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return n >= 1;
}

int _mm_config_check(const mm_config *cfg, char *msg, size_t msg_len, char *resolved_dir,
                     size_t resolved_len) {
    if (!cfg) return _mm_fmt(msg, msg_len, MM_EINVAL, "cfg is NULL; allowed: a pointer to an mm_config filled by mm_config_init");
    if (cfg->mode != MM_MODE_PAGEFILE && cfg->mode != MM_MODE_DISK)
        return _mm_fmt(msg, msg_len, MM_EINVAL, "mode %d is invalid; allowed: 0 (page file) or 1 (disk)", (int)cfg->mode);
    if (cfg->growth < MM_GROWTH_SEED || cfg->growth > MM_GROWTH_RESERVE)
        return _mm_fmt(msg, msg_len, MM_EINVAL,
                       "growth %d is invalid; allowed: 0 (seed), 1 (copy), 2 (remap), 3 (reserve)",
                       (int)cfg->growth);
    if (cfg->view != MM_VIEW_SLIDING && cfg->view != MM_VIEW_WHOLE)
        return _mm_fmt(msg, msg_len, MM_EINVAL, "view %d is invalid; allowed: 0 (sliding) or 1 (whole)", (int)cfg->view);
    if (cfg->offset_bits != 32 && cfg->offset_bits != 64)
        return _mm_fmt(msg, msg_len, MM_EINVAL, "offset_bits %d is invalid; allowed: 32 or 64", (int)cfg->offset_bits);
    if (cfg->prefault != 0 && cfg->prefault != 1)
        return _mm_fmt(msg, msg_len, MM_EINVAL, "prefault %d is invalid; allowed: 0 or 1", (int)cfg->prefault);
    uint64_t ps = _mm_os_page_size();
    uint64_t ag = _mm_os_granularity(); /* view offsets: the page size on POSIX, 64 KiB on Windows */
    uint64_t g = cfg->granularity;
    if (g == 0 || g % ps != 0 || g % ag != 0 || g > MM_GRAN_CAP)
        return _mm_fmt(msg, msg_len, MM_EINVAL,
                       "granularity %llu is invalid; allowed: a multiple of the OS page size %llu%s, "
                       "at least %llu and at most %llu",
                       (unsigned long long)g, (unsigned long long)ps,
                       ag != ps ? " and of the OS allocation granularity" : "",
                       (unsigned long long)(ag > ps ? ag : ps), (unsigned long long)MM_GRAN_CAP);
    if (cfg->view == MM_VIEW_SLIDING) {
        uint64_t v = cfg->view_size;
        if (v < g || v % g != 0 || v > MM_SIZE_CAP)
            return _mm_fmt(msg, msg_len, MM_EINVAL,
                           "view_size %llu is not a multiple of the granularity %llu of at least "
                           "%llu; allowed: a multiple of %llu of at least %llu and at most %llu "
                           "(or view = 1, whole)",
                           (unsigned long long)v, (unsigned long long)g, (unsigned long long)g,
                           (unsigned long long)g, (unsigned long long)g,
                           (unsigned long long)MM_SIZE_CAP);
    }
    uint64_t f = cfg->initial_file_size;
    uint64_t fmax = cfg->offset_bits == 32 ? MM_4GIB : MM_SIZE_CAP;
    if (f < g || f % g != 0 || f > fmax)
        return _mm_fmt(msg, msg_len, MM_EINVAL,
                       "initial_file_size %llu is invalid; allowed: a multiple of the granularity "
                       "%llu of at least %llu and at most %llu%s",
                       (unsigned long long)f, (unsigned long long)g, (unsigned long long)g,
                       (unsigned long long)fmax,
                       cfg->offset_bits == 32 ? " (4 GiB with 32-bit offsets)" : "");
    if (cfg->event_capacity > MM_EVENT_CAP)
        return _mm_fmt(msg, msg_len, MM_EINVAL, "event_capacity %u is too large; allowed: 0 to %u",
                       (unsigned)cfg->event_capacity, (unsigned)MM_EVENT_CAP);
    if (cfg->name_prefix && !prefix_ok(cfg->name_prefix))
        return _mm_fmt(msg, msg_len, MM_EINVAL,
                       "name_prefix is invalid; allowed: 1 to 32 characters of [A-Za-z0-9_-] (NULL = \"memmap-lab\")");
    if (cfg->mode == MM_MODE_DISK) {
        char tmp[MM_PATHLEN];
        const char *dir = cfg->disk_dir ? cfg->disk_dir : _mm_os_temp_dir();
        if (cfg->disk_dir && !cfg->disk_dir[0])
            return _mm_fmt(msg, msg_len, MM_EINVAL,
                           "disk_dir is empty; allowed: an existing, writable directory (NULL = $TMPDIR or /tmp)");
        int rc = _mm_os_check_dir(dir, resolved_dir ? resolved_dir : tmp,
                                  resolved_dir ? resolved_len : sizeof tmp, msg, msg_len);
        if (rc) return rc;
    } else if (resolved_dir && resolved_len) {
        resolved_dir[0] = 0;
    }
    if (msg && msg_len) msg[0] = 0;
    return MM_OK;
}

MM_API int mm_config_validate(const mm_config *cfg, char *msg, size_t msg_len) {
    return _mm_config_check(cfg, msg, msg_len, NULL, 0);
}

MM_API void mm_run_config_init(mm_run_config *cfg) {
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    mm_config_init(&cfg->heap);
    cfg->scenario = MM_SCENARIO_GROW;
    cfg->seed = 1;
    cfg->items = 100000;
}
