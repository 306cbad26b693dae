/* error.c - messages, mm_strerror, library facts. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int _mm_vfmt(char *buf, size_t len, int code, const char *fmt, va_list ap) {
    if (buf && len) {
        int n = vsnprintf(buf, len, fmt, ap);
        if (n < 0) buf[0] = 0;
        buf[len - 1] = 0;
    }
    return code;
}

int _mm_fmt(char *buf, size_t len, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    _mm_vfmt(buf, len, code, fmt, ap);
    va_end(ap);
    return code;
}

int _mm_err_disk_full(char *err, size_t errlen, const char *path, char sep, uint64_t old, uint64_t new_size,
                      uint64_t free_bytes) {
    char dir[MM_PATHLEN];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, sep);
    if (slash && slash != dir) *slash = 0;
    return _mm_fmt(err, errlen, MM_ENOSPC,
                   "no space left on device in %s: needed %llu bytes more for growing the file to "
                   "%llu bytes (%llu bytes free)",
                   dir, (unsigned long long)(new_size - old), (unsigned long long)new_size,
                   (unsigned long long)free_bytes);
}

int _mm_err_file_too_big(char *err, size_t errlen, const char *path, uint64_t new_size, uint64_t limit) {
    if (limit)
        return _mm_fmt(err, errlen, MM_EFBIG,
                       "file too large: growing %s to %llu bytes passes this process's file-size limit "
                       "(ulimit -f, RLIMIT_FSIZE: %llu bytes); allowed: a file within the limit (fewer "
                       "items) or a higher ulimit -f",
                       path, (unsigned long long)new_size, (unsigned long long)limit);
    return _mm_fmt(err, errlen, MM_EFBIG,
                   "file too large: growing %s to %llu bytes passes the largest file the file system "
                   "allows; allowed: a smaller file (fewer items) or a disk directory on another file "
                   "system",
                   path, (unsigned long long)new_size);
}

MM_API const char *mm_strerror(int code) {
    switch (code) {
    case MM_OK: return "success";
    case MM_EINVAL: return "invalid argument";
    case MM_ENOMEM: return "out of memory or address space";
    case MM_ENOSPC: return "no space left on device";
    case MM_EIO: return "an operating-system call failed";
    case MM_ETOOBIG: return "request not smaller than the view size";
    case MM_EOVERFLOW: return "growth past what the offset width can address";
    case MM_ECANCELED: return "canceled";
    case MM_EVERIFY: return "stored data did not read back";
    case MM_ESTATE: return "call not valid in this state";
    case MM_ENOTSUP: return "not supported on this platform or configuration";
    case MM_EFBIG: return "the file would pass a file-size limit";
    default: break;
    }
    if (code > 0) return strerror(code); /* an OS errno value */
    return "unknown error code";
}

MM_API const char *mm_version(void) { return MM_VERSION_STRING; }

MM_API uint64_t mm_os_page_size(void) { return _mm_os_page_size(); }

MM_API uint64_t mm_os_allocation_granularity(void) { return _mm_os_granularity(); }

MM_API int mm_process_stats_get(mm_process_stats *out) {
    if (!out) return MM_EINVAL;
    return _mm_os_process_stats(out);
}
