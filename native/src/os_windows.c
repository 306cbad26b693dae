/*
 * os_windows.c - the OS layer for Windows (the seed's own platform).
 *
 * The same contract as os_posix.c (stated once, in internal.h), with the
 * calls the seed makes: CreateFileMapping over INVALID_HANDLE_VALUE (page
 * file) or over a FILE_ATTRIBUTE_TEMPORARY file (disk), MapViewOfFileEx at
 * the preferred address, UnmapViewOfFile, SetEndOfFile to grow a disk file.
 *
 * What differs from POSIX, as data (_mm_os_traits_get):
 *  - A page-file section has a fixed size: it cannot grow in place. The
 *    heap then grows by copying into a new section (MM_GROWTH_COPY).
 *  - Address-space reservation uses placeholders (VirtualAlloc2 +
 *    MapViewOfFile3 + UnmapViewOfFile2, Windows 10 1803+), looked up at run
 *    time; where they are missing or refused (Wine 8) _mm_os_reserve says
 *    MM_ENOTSUP and the heap grows by remap instead.
 *  - A disk file grows in two steps: its allocation (FileAllocationInfo:
 *    the space is reserved, ERROR_DISK_FULL becomes MM_ENOSPC, like
 *    fallocate) and its end (SetFilePointerEx + SetEndOfFile); then a new
 *    file mapping object of the new size replaces the old one (views of the
 *    old one stay valid: same file, same pages).
 *  - Views need file offsets and addresses that are multiples of the
 *    allocation granularity (64 KiB), which config.c enforces.
 *  - Process figures: PageFaultCount counts all faults (soft and hard) and
 *    is reported as minor faults; major faults are 0 (unknown).
 *
 * Fault injection uses the same table as os_posix.c, at the analogous calls
 * (open = CreateFileW, memfd = CreateFileMappingW of the page file,
 * ftruncate = SetEndOfFile, fallocate = reserving the space, mmap =
 * MapViewOfFileEx, madvise = PrefetchVirtualMemory, copy = the growth copy).
 */
#ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN 1
#endif
#include "internal.h"

#include <windows.h>
#include <psapi.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MEM_RESERVE_PLACEHOLDER
#  define MEM_RESERVE_PLACEHOLDER 0x00040000
#endif
#ifndef MEM_REPLACE_PLACEHOLDER
#  define MEM_REPLACE_PLACEHOLDER 0x00004000
#endif
#ifndef MEM_PRESERVE_PLACEHOLDER
#  define MEM_PRESERVE_PLACEHOLDER 0x00000002
#endif
#ifndef MEM_COALESCE_PLACEHOLDERS
#  define MEM_COALESCE_PLACEHOLDERS 0x00000001
#endif


/* errno values given to _mm_os_fail_after, as Win32 errors */
static DWORD errno_to_win(int e) {
    switch (e) {
    case ENOSPC: return ERROR_DISK_FULL;
    case ENOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    case EACCES: return ERROR_ACCESS_DENIED;
    case EMFILE: return ERROR_TOO_MANY_OPEN_FILES;
    case EFBIG: return ERROR_FILE_TOO_LARGE;
    default: return ERROR_IO_DEVICE;
    }
}

/* Returns 0 to go ahead, or a Win32 error to fail with (faults.c; one
   branch when off). */
static DWORD inject(_mm_os_call call, DWORD natural) {
    int e = _mm_os_inject(call);
    return e < 0 ? natural : e ? errno_to_win(e) : 0;
}

/* ---- text ------------------------------------------------------------------ */
/* FormatMessageW of a Win32 error, as UTF-8 without the trailing ".\r\n",
   followed by " (error N)". */
static const char *win_text(DWORD code, char *buf, size_t len) {
    WCHAR w[512];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                             MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), w,
                             (DWORD)(sizeof w / sizeof *w), NULL);
    while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L' ' || w[n - 1] == L'.'))
        n--;
    int k = 0;
    if (n > 0) k = WideCharToMultiByte(CP_UTF8, 0, w, (int)n, buf, (int)len - 24, NULL, NULL);
    if (k <= 0) k = snprintf(buf, len, "unknown error");
    snprintf(buf + k, len - (size_t)k, " (error %lu)", (unsigned long)code);
    return buf;
}

#define WTEXT(code) win_text((code), etext, sizeof etext)

static int win_code(DWORD e) {
    switch (e) {
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
    case ERROR_COMMITMENT_LIMIT:
        return MM_ENOSPC;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_NO_SYSTEM_RESOURCES:
        return MM_ENOMEM;
    case ERROR_FILE_TOO_LARGE:
        return MM_EFBIG;
    default:
        return MM_EIO;
    }
}

/* UTF-8 -> UTF-16 (NUL-terminated); 0 on failure. */
static int to_wide(const char *s, WCHAR *out, int cap) {
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, out, cap);
    return n > 0;
}

static int to_utf8(const WCHAR *w, char *out, int cap) {
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, cap, NULL, NULL);
    return n > 0;
}

/* ---- facts ----------------------------------------------------------------- */
static SYSTEM_INFO sysinfo(void) {
    static SYSTEM_INFO si;
    static atomic_int done;
    if (!atomic_load_explicit(&done, memory_order_acquire)) {
        SYSTEM_INFO s;
        GetSystemInfo(&s);
        si = s;
        atomic_store_explicit(&done, 1, memory_order_release);
    }
    return si;
}

uint64_t _mm_os_page_size(void) {
    DWORD v = sysinfo().dwPageSize;
    return v ? v : 4096;
}

uint64_t _mm_os_granularity(void) {
    DWORD v = sysinfo().dwAllocationGranularity;
    return v ? v : 65536;
}

uint64_t _mm_os_now_ns(void) {
    static LARGE_INTEGER freq;
    if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
    LARGE_INTEGER c;
    QueryPerformanceCounter(&c);
    uint64_t f = (uint64_t)freq.QuadPart, t = (uint64_t)c.QuadPart;
    return t / f * 1000000000ull + t % f * 1000000000ull / f;
}

int _mm_os_pid(void) { return (int)GetCurrentProcessId(); }

/* ---- placeholders (looked up once) ------------------------------------------ */
typedef PVOID(WINAPI *va2_fn)(HANDLE, PVOID, SIZE_T, ULONG, ULONG, void *, ULONG);
typedef PVOID(WINAPI *mv3_fn)(HANDLE, HANDLE, PVOID, ULONG64, SIZE_T, ULONG, ULONG, void *, ULONG);
typedef BOOL(WINAPI *uv2_fn)(HANDLE, PVOID, ULONG);
typedef BOOL(WINAPI *pvm_fn)(HANDLE, ULONG_PTR, PWIN32_MEMORY_RANGE_ENTRY, ULONG);

static struct {
    va2_fn va2;
    mv3_fn mv3;
    uv2_fn uv2;
    pvm_fn prefetch;
    atomic_int refused;       /* VirtualAlloc2 said the flags are invalid (Wine 8) */
} api;

static INIT_ONCE api_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK api_init(PINIT_ONCE once, PVOID param, PVOID *ctx) {
    (void)once; (void)param; (void)ctx;
    HMODULE kb = GetModuleHandleW(L"kernelbase.dll");
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    if (kb) {
        api.va2 = (va2_fn)(void (*)(void))GetProcAddress(kb, "VirtualAlloc2");
        api.mv3 = (mv3_fn)(void (*)(void))GetProcAddress(kb, "MapViewOfFile3");
        api.uv2 = (uv2_fn)(void (*)(void))GetProcAddress(kb, "UnmapViewOfFile2");
    }
    if (k32) api.prefetch = (pvm_fn)(void (*)(void))GetProcAddress(k32, "PrefetchVirtualMemory");
    if (api.va2) { /* present is not enough: Wine 8 exports it but refuses placeholders */
        void *p = api.va2(NULL, NULL, 1u << 16, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS,
                          NULL, 0);
        if (p) VirtualFree(p, 0, MEM_RELEASE);
        else atomic_store(&api.refused, 1);
    }
    return TRUE;
}

static void api_load(void) { InitOnceExecuteOnce(&api_once, api_init, NULL, NULL); }

static int have_placeholders(void) {
    api_load();
    return api.va2 && api.mv3 && api.uv2 && !atomic_load(&api.refused);
}

const _mm_os_traits *_mm_os_traits_get(void) {
    static _mm_os_traits t[2] = {{"windows", 0, 0, 0}, {"windows", 0, 1, 0}};
    return &t[have_placeholders() ? 1 : 0];
}

/* ---- directories ------------------------------------------------------------ */
static char temp_dir[MM_PATHLEN];
static INIT_ONCE temp_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK temp_init(PINIT_ONCE once, PVOID param, PVOID *ctx) {
    (void)once; (void)param; (void)ctx;
    WCHAR w[MAX_PATH + 2];
    DWORD n = GetTempPathW(MAX_PATH + 1, w);
    if (n == 0 || n > MAX_PATH || !to_utf8(w, temp_dir, sizeof temp_dir)) {
        snprintf(temp_dir, sizeof temp_dir, "C:\\Windows\\Temp");
        return TRUE;
    }
    size_t k = strlen(temp_dir);
    while (k > 3 && (temp_dir[k - 1] == '\\' || temp_dir[k - 1] == '/')) temp_dir[--k] = 0;
    return TRUE;
}

/* Default directory for disk files: GetTempPathW (%TMP%, %TEMP%, ...). */
const char *_mm_os_temp_dir(void) {
    InitOnceExecuteOnce(&temp_once, temp_init, NULL, NULL);
    return temp_dir;
}

static atomic_uint file_counter;

int _mm_os_check_dir(const char *dir, char *out, size_t out_len, char *err, size_t errlen) {
    char etext[256];
    static const char allowed[] = "allowed: an existing, writable directory (NULL = the temp directory of GetTempPathW)";
    WCHAR wdir[MM_PATHLEN], full[MM_PATHLEN];
    if (!to_wide(dir, wdir, MM_PATHLEN))
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is not valid UTF-8 or too long; %s", dir, allowed);
    DWORD n = GetFullPathNameW(wdir, MM_PATHLEN, full, NULL);
    if (n == 0 || n >= MM_PATHLEN)
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" cannot be resolved (%s); %s", dir,
                       WTEXT(GetLastError()), allowed);
    while (n > 3 && (full[n - 1] == L'\\' || full[n - 1] == L'/')) full[--n] = 0;
    char buf[MM_PATHLEN];
    if (!to_utf8(full, buf, sizeof buf))
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is too long; %s", dir, allowed);
    DWORD attr = GetFileAttributesW(full);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" cannot be resolved (%s); %s", buf,
                       WTEXT(GetLastError()), allowed);
    if (!(attr & FILE_ATTRIBUTE_DIRECTORY))
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is not a directory; %s", buf, allowed);
    /* writable? (a read-only attribute means nothing on a directory): create
       and delete a probe file */
    WCHAR probe[MM_PATHLEN + 64];
    _snwprintf(probe, sizeof probe / sizeof *probe, L"%ls%ls.memmap-probe-%lu-%u", full,
               full[n - 1] == L'\\' ? L"" : L"\\", (unsigned long)GetCurrentProcessId(),
               atomic_fetch_add(&file_counter, 1));
    probe[sizeof probe / sizeof *probe - 1] = 0;
    HANDLE f = CreateFileW(probe, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is not writable (%s); %s", buf,
                       WTEXT(GetLastError()), allowed);
    CloseHandle(f);
    size_t k = strlen(buf);
    if (k + 64 >= out_len || k + 64 >= MM_PATHLEN)
        return _mm_fmt(err, errlen, MM_EINVAL, "disk_dir \"%s\" is too long; allowed: at most %u bytes",
                       buf, (unsigned)(MM_PATHLEN - 64));
    memcpy(out, buf, k + 1);
    return MM_OK;
}

/* ---- backings --------------------------------------------------------------- */
/* A disk file says it is ours, and that it is in use, for as long as it is:
   an exclusive LockFileEx on its first byte range past any size it can have
   (released by the system when the process ends), then the marker, an NTFS
   stream "<file>:memmap-lab". A file system without streams (FAT, Wine's)
   gets no marker: its files are never removed by the stale-file cleanup. */
#define MM_MARKER_STREAM L":memmap-lab"
static const char mm_marker_value[] = "disk file of libmemmap";

static void mark_and_lock(HANDLE f, const WCHAR *wpath) {
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = 0xFFFFFFFEu;
    ov.OffsetHigh = 0x7FFFFFFFu;
    if (!LockFileEx(f, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) return;
    WCHAR stream[MM_PATHLEN + 16];
    if (wcslen(wpath) + wcslen(MM_MARKER_STREAM) + 1 > sizeof stream / sizeof *stream) return;
    wcscpy(stream, wpath);
    wcscat(stream, MM_MARKER_STREAM);
    HANDLE m = CreateFileW(stream, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    if (m == INVALID_HANDLE_VALUE) return;
    DWORD w = 0;
    WriteFile(m, mm_marker_value, (DWORD)(sizeof mm_marker_value - 1), &w, NULL);
    CloseHandle(m);
}

/* Windows: the owner is not compared (a per-user temp directory is the
   default); a file opened by anyone cannot be opened without sharing, and
   a file whose owner lives keeps its lock. */
int _mm_os_remove_if_stale(const char *path, char *msg, size_t msglen) {
    WCHAR wpath[MM_PATHLEN], stream[MM_PATHLEN + 16];
    if (!to_wide(path, wpath, MM_PATHLEN) || wcslen(wpath) + wcslen(MM_MARKER_STREAM) + 1 > sizeof stream / sizeof *stream)
        return _mm_fmt(msg, msglen, 0, "kept %s: path too long", path);
    HANDLE f = CreateFileW(wpath, GENERIC_READ | GENERIC_WRITE | DELETE, 0, NULL, OPEN_EXISTING,
                           FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        return _mm_fmt(msg, msglen, 0, "kept %s: %s", path,
                       e == ERROR_SHARING_VIOLATION ? "in use (its runner has it open)" : "cannot open it");
    }
    int kept = 1;
    BY_HANDLE_FILE_INFORMATION info;
    char v[64] = {0};
    DWORD n = 0;
    wcscpy(stream, wpath);
    wcscat(stream, MM_MARKER_STREAM);
    HANDLE m = CreateFileW(stream, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (m != INVALID_HANDLE_VALUE) {
        if (!ReadFile(m, v, sizeof v - 1, &n, NULL)) n = 0;
        CloseHandle(m);
    }
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = 0xFFFFFFFEu;
    ov.OffsetHigh = 0x7FFFFFFFu;
    if (!GetFileInformationByHandle(f, &info) || (info.dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)))
        _mm_fmt(msg, msglen, 0, "kept %s: not a regular file", path);
    else if (n != sizeof mm_marker_value - 1 || memcmp(v, mm_marker_value, n) != 0)
        _mm_fmt(msg, msglen, 0, "kept %s: it has no marker of libmemmap (not a file this library made)", path);
    else if (!LockFileEx(f, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov))
        _mm_fmt(msg, msglen, 0, "kept %s: in use (its runner holds the lock)", path);
    else {
        FILE_DISPOSITION_INFO d;
        d.DeleteFile = TRUE;
        if (SetFileInformationByHandle(f, FileDispositionInfo, &d, sizeof d)) {
            kept = 0;
            _mm_fmt(msg, msglen, 0, "removed %s: made by libmemmap, its owner is gone", path);
        } else {
            _mm_fmt(msg, msglen, 0, "kept %s: deleting it failed", path);
        }
    }
    CloseHandle(f);
    return kept ? 0 : 1;
}

/* A page-file backing has no section until its size is set (a section's
   size is fixed at creation); a disk backing is the file, plus a section
   of the file's current size. fd is 0 while open, -1 when closed. */
int _mm_os_backing_create(_mm_backing *b, int is_disk, const char *dir, const char *prefix,
                          char *err, size_t errlen) {
    char etext[256];
    b->fd = -1;
    b->size = 0;
    b->path[0] = 0;
    b->is_disk = is_disk;
    b->os_file = NULL;
    b->os_section = NULL;
    if (!is_disk) {
        b->fd = 0;
        return MM_OK;
    }
    size_t dl = strlen(dir);
    const char *sep = dl && (dir[dl - 1] == '\\' || dir[dl - 1] == '/') ? "" : "\\";
    DWORD e = 0;
    for (int tries = 0; tries < 1000; tries++) {
        snprintf(b->path, sizeof b->path, "%s%s%s-%lu-%u.mmap", dir, sep, prefix,
                 (unsigned long)GetCurrentProcessId(), atomic_fetch_add(&file_counter, 1));
        WCHAR wpath[MM_PATHLEN];
        if (!to_wide(b->path, wpath, MM_PATHLEN)) {
            e = ERROR_FILENAME_EXCED_RANGE;
            break;
        }
        HANDLE f = INVALID_HANDLE_VALUE;
        e = inject(_MM_OS_OPEN, ERROR_ACCESS_DENIED);
        if (!e) {
            f = CreateFileW(wpath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                            NULL, CREATE_NEW, FILE_ATTRIBUTE_TEMPORARY, NULL);
            if (f == INVALID_HANDLE_VALUE) e = GetLastError();
        }
        if (f != INVALID_HANDLE_VALUE) {
            b->os_file = f;
            b->fd = 0;
            mark_and_lock(f, wpath);
            return MM_OK;
        }
        if (e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS) break;
    }
    int code = _mm_fmt(err, errlen, win_code(e), "CreateFileW(\"%s\") failed creating the disk file: %s",
                       b->path, WTEXT(e));
    b->path[0] = 0;
    return code;
}

static HANDLE make_section(HANDLE file, uint64_t size, DWORD *e) {
    HANDLE s = CreateFileMappingW(file ? file : INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                  (DWORD)(size >> 32), (DWORD)size, NULL);
    if (!s) *e = GetLastError();
    return s;
}

static uint64_t free_bytes(const char *path) {
    char dir[MM_PATHLEN];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '\\');
    if (slash) slash[1] = 0;
    WCHAR w[MM_PATHLEN];
    ULARGE_INTEGER avail;
    if (!to_wide(dir, w, MM_PATHLEN) || !GetDiskFreeSpaceExW(w, &avail, NULL, NULL)) return 0;
    return avail.QuadPart;
}

static int enospc_disk(const _mm_backing *b, uint64_t old, uint64_t new_size, char *err, size_t errlen) {
    return _mm_err_disk_full(err, errlen, b->path, '\\', old, new_size, free_bytes(b->path));
}

/* FileAllocationInfo is how Windows reserves a file's space; Wine 8 does
   not implement it (ERROR_CALL_NOT_IMPLEMENTED), nor do some file systems */
static atomic_int alloc_unsupported;

static int unsupported_error(DWORD e) {
    return e == ERROR_CALL_NOT_IMPLEMENTED || e == ERROR_NOT_SUPPORTED ||
           e == ERROR_INVALID_FUNCTION || e == ERROR_INVALID_PARAMETER;
}

static BOOL set_allocation(HANDLE f, uint64_t size) {
    if (atomic_load_explicit(&alloc_unsupported, memory_order_relaxed)) return TRUE;
    FILE_ALLOCATION_INFO ai;
    ai.AllocationSize.QuadPart = (LONGLONG)size;
    if (SetFileInformationByHandle(f, FileAllocationInfo, &ai, sizeof ai)) return TRUE;
    if (!unsupported_error(GetLastError())) return FALSE;
    atomic_store(&alloc_unsupported, 1);
    return TRUE;
}

/* Without FileAllocationInfo: posix_fallocate's emulation, zeros written
   over [old, new_size) (already zero: the file grew there), so a sparse
   file system allocates every block now and a full disk fails here
   instead of through a view. Returns 0 or the error. */
static DWORD write_blocks(HANDLE f, uint64_t old, uint64_t new_size) {
    static char zeros[1u << 20]; /* in .bss, never written; one call per MiB, not per block */
    for (uint64_t off = old; off < new_size;) {
        DWORD n = new_size - off < sizeof zeros ? (DWORD)(new_size - off) : (DWORD)sizeof zeros;
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.Offset = (DWORD)off;
        ov.OffsetHigh = (DWORD)(off >> 32);
        DWORD w = 0;
        if (!WriteFile(f, zeros, n, &w, &ov)) return GetLastError();
        if (w == 0) return ERROR_WRITE_FAULT;
        off += w;
    }
    return 0;
}

static BOOL set_end(HANDLE f, uint64_t size) {
    LARGE_INTEGER li;
    li.QuadPart = (LONGLONG)size;
    return SetFilePointerEx(f, li, NULL, FILE_BEGIN) && SetEndOfFile(f);
}

static int resize_pagefile(_mm_backing *b, uint64_t new_size, char *err, size_t errlen) {
    char etext[256];
    if (b->os_section)
        return _mm_fmt(err, errlen, MM_ENOTSUP,
                       "a Windows page-file section cannot grow in place (from %llu to %llu bytes); "
                       "growth copies into a new section instead",
                       (unsigned long long)b->size, (unsigned long long)new_size);
    DWORD e = inject(_MM_OS_MEMFD, ERROR_TOO_MANY_OPEN_FILES);
    if (e)
        return _mm_fmt(err, errlen, win_code(e),
                       "CreateFileMappingW failed creating the page-file section: %s", WTEXT(e));
    e = inject(_MM_OS_FALLOCATE, ERROR_COMMITMENT_LIMIT);
    HANDLE s = e ? NULL : make_section(NULL, new_size, &e);
    if (!s) {
        if (win_code(e) == MM_ENOSPC)
            return _mm_fmt(err, errlen, MM_ENOSPC,
                           "no space left for the page file: needed %llu bytes more for growing it "
                           "to %llu bytes (CreateFileMappingW: %s)",
                           (unsigned long long)(new_size - b->size), (unsigned long long)new_size,
                           WTEXT(e));
        return _mm_fmt(err, errlen, win_code(e),
                       "CreateFileMappingW of a %llu-byte page-file section failed: %s",
                       (unsigned long long)new_size, WTEXT(e));
    }
    b->os_section = s;
    b->size = new_size;
    b->backed = new_size;
    return MM_OK;
}

int _mm_os_backing_resize(_mm_backing *b, uint64_t new_size, char *err, size_t errlen) {
    char etext[256];
    if (b->fd < 0) return _mm_fmt(err, errlen, MM_ESTATE, "backing is not open");
    uint64_t old = b->size;
    if (new_size <= old) return MM_OK;
    if (new_size > (uint64_t)INT64_MAX)
        return _mm_fmt(err, errlen, MM_EOVERFLOW, "file size %llu is too large",
                       (unsigned long long)new_size);
    if (!b->is_disk) return resize_pagefile(b, new_size, err, errlen);
    HANDLE f = b->os_file;
    /* 1. reserve the space (as fallocate): a full disk fails here, never
          later through a view */
    DWORD e = inject(_MM_OS_FALLOCATE, ERROR_DISK_FULL);
    if (!e && !set_allocation(f, new_size)) e = GetLastError();
    if (e) {
        set_allocation(f, old); /* best effort undo */
        if (win_code(e) == MM_ENOSPC) return enospc_disk(b, old, new_size, err, errlen);
        if (win_code(e) == MM_EFBIG) return _mm_err_file_too_big(err, errlen, b->path, new_size, 0);
        return _mm_fmt(err, errlen, win_code(e),
                       "reserving %llu bytes at %llu (FileAllocationInfo) failed on %s: %s",
                       (unsigned long long)(new_size - old), (unsigned long long)old, b->path,
                       WTEXT(e));
    }
    int emulate = atomic_load(&alloc_unsupported);
    if (emulate && free_bytes(b->path) < new_size - old) /* a clear error before trying */
        return enospc_disk(b, old, new_size, err, errlen);
    /* 2. move the end of the file */
    e = inject(_MM_OS_FTRUNCATE, ERROR_IO_DEVICE);
    if (!e && !set_end(f, new_size)) e = GetLastError();
    if (!e && emulate && (e = write_blocks(f, old, new_size)) != 0) set_end(f, old);
    if (e) {
        set_allocation(f, old);
        if (win_code(e) == MM_ENOSPC) return enospc_disk(b, old, new_size, err, errlen);
        if (win_code(e) == MM_EFBIG) return _mm_err_file_too_big(err, errlen, b->path, new_size, 0);
        return _mm_fmt(err, errlen, win_code(e), "SetEndOfFile to %llu bytes failed on %s: %s",
                       (unsigned long long)new_size, b->path, WTEXT(e));
    }
    /* 3. a mapping object of the new size (views of the old one stay valid) */
    HANDLE s = make_section(f, new_size, &e);
    if (!s) {
        set_end(f, old);
        set_allocation(f, old);
        return _mm_fmt(err, errlen, win_code(e),
                       "CreateFileMappingW of %llu bytes failed on %s: %s",
                       (unsigned long long)new_size, b->path, WTEXT(e));
    }
    if (b->os_section) CloseHandle(b->os_section);
    b->os_section = s;
    b->size = new_size;
    b->backed = new_size;
    return MM_OK;
}

/* No chunked provisioning here (traits): a page-file section is committed
   whole and a disk file's allocation is set with its size. */
int _mm_os_backing_extend(_mm_backing *b, uint64_t new_size, char *err, size_t errlen) {
    int rc = _mm_os_backing_resize(b, new_size, err, errlen);
    if (!rc) b->backed = b->size;
    return rc;
}

int _mm_os_backing_provision(_mm_backing *b, uint64_t to, char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    (void)to;
    b->backed = b->size;
    return MM_OK;
}

void _mm_os_backing_close(_mm_backing *b) {
    if (b->os_section) CloseHandle(b->os_section);
    b->os_section = NULL;
    if (b->os_file) CloseHandle(b->os_file);
    b->os_file = NULL;
    b->fd = -1;
    if (b->is_disk && b->path[0]) {
        WCHAR w[MM_PATHLEN];
        if (to_wide(b->path, w, MM_PATHLEN)) DeleteFileW(w);
    }
    b->path[0] = 0;
    b->size = 0;
}

/* A temporary view of [off, off+len) of b's section (not counted, not an
   event); *base is what to unmap, the return value points at off. */
static uint8_t *temp_view(const _mm_backing *b, uint64_t off, uint64_t len, void **base, DWORD *e) {
    uint64_t G = _mm_os_granularity();
    uint64_t vb = off / G * G;
    void *p = MapViewOfFile(b->os_section, FILE_MAP_READ | FILE_MAP_WRITE, (DWORD)(vb >> 32),
                            (DWORD)vb, (SIZE_T)(off - vb + len));
    if (!p) {
        *e = GetLastError();
        return NULL;
    }
    *base = p;
    return (uint8_t *)p + (off - vb);
}

int _mm_os_backing_copy(_mm_backing *dst, const _mm_backing *src, uint64_t len,
                        const atomic_int *cancel, char *err, size_t errlen) {
    char etext[256];
    const uint64_t chunk = 8u << 20; /* a multiple of the granularity */
    if (len && (!src->os_section || !dst->os_section || dst->size < len || src->size < len))
        return _mm_fmt(err, errlen, MM_ESTATE, "growth copy of %llu bytes between backings of %llu and %llu bytes",
                       (unsigned long long)len, (unsigned long long)src->size, (unsigned long long)dst->size);
    for (uint64_t done = 0; done < len;) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            return _mm_fmt(err, errlen, MM_ECANCELED, "canceled during the growth copy");
        uint64_t n = len - done < chunk ? len - done : chunk;
        DWORD e = inject(_MM_OS_COPY, ERROR_IO_DEVICE);
        if (e)
            return _mm_fmt(err, errlen, win_code(e), "copying the file for growth failed: %s", WTEXT(e));
        void *sb = NULL, *db = NULL;
        uint8_t *s = temp_view(src, done, n, &sb, &e);
        uint8_t *d = s ? temp_view(dst, done, n, &db, &e) : NULL;
        if (!d) {
            if (sb) UnmapViewOfFile(sb);
            return _mm_fmt(err, errlen, win_code(e),
                           "MapViewOfFile for the growth copy (%llu bytes at %llu) failed: %s",
                           (unsigned long long)n, (unsigned long long)done, WTEXT(e));
        }
        memcpy(d, s, (size_t)n);
        UnmapViewOfFile(sb);
        UnmapViewOfFile(db);
        done += n;
    }
    return MM_OK;
}

int _mm_os_backing_pread(const _mm_backing *b, void *dst, uint64_t len, uint64_t off, char *err,
                         size_t errlen) {
    char etext[256];
    const uint64_t chunk = 8u << 20;
    if (len && (!b->os_section || off + len > b->size))
        return _mm_fmt(err, errlen, MM_EIO, "read of %llu bytes at %llu is past the backing (%llu bytes)",
                       (unsigned long long)len, (unsigned long long)off, (unsigned long long)b->size);
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < chunk ? len - done : chunk;
        void *base = NULL;
        DWORD e = 0;
        uint8_t *p = temp_view(b, off + done, n, &base, &e);
        if (!p)
            return _mm_fmt(err, errlen, MM_EIO, "MapViewOfFile to read %llu bytes at %llu failed: %s",
                           (unsigned long long)len, (unsigned long long)off, WTEXT(e));
        memcpy((uint8_t *)dst + done, p, (size_t)n);
        UnmapViewOfFile(base);
        done += n;
    }
    return MM_OK;
}

/* Disk: the file's allocation size. Page file: the section's size (a
   page-file section is committed in full when it is created). */
uint64_t _mm_os_backing_allocated(const _mm_backing *b) {
    if (b->fd < 0) return 0;
    if (!b->is_disk) return b->os_section ? b->size : 0;
    FILE_STANDARD_INFO si;
    if (!b->os_file || !GetFileInformationByHandleEx(b->os_file, FileStandardInfo, &si, sizeof si))
        return 0;
    return (uint64_t)si.AllocationSize.QuadPart;
}

/* ---- views and address space ------------------------------------------------- */
/* Make [a, a+len) exactly one placeholder inside a reservation: unmap any
   view there (keeping its placeholder), coalesce the placeholders that
   cover the range, split off what lies outside it. */
static DWORD carve_placeholder(uint8_t *a, uint64_t len) {
    MEMORY_BASIC_INFORMATION mbi;
    uint8_t *lo = NULL, *hi = a, *end = a + len;
    int pieces = 0;
    while (hi < end) {
        if (!VirtualQuery(hi, &mbi, sizeof mbi)) return GetLastError();
        if (mbi.Type == MEM_MAPPED) { /* "replacing what is there" */
            if (!api.uv2(GetCurrentProcess(), mbi.AllocationBase, MEM_PRESERVE_PLACEHOLDER))
                return GetLastError();
            continue;
        }
        if (mbi.State != MEM_RESERVE) return ERROR_INVALID_ADDRESS;
        if (!lo) lo = mbi.AllocationBase;
        hi = (uint8_t *)mbi.BaseAddress + mbi.RegionSize;
        pieces++;
    }
    if (pieces > 1 && !VirtualFree(lo, (SIZE_T)(hi - lo), MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS))
        return GetLastError();
    if ((lo < a || hi > end) && !VirtualFree(a, (SIZE_T)len, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER))
        return GetLastError();
    return 0;
}

int _mm_os_map(const _mm_backing *b, uint64_t off, uint64_t len, void *addr, int fixed,
               void **out, char *err, size_t errlen) {
    char etext[256];
    DWORD e = inject(_MM_OS_MMAP, ERROR_NOT_ENOUGH_MEMORY);
    void *p = NULL;
    const char *call = "MapViewOfFileEx";
    if (!e && !b->os_section) e = ERROR_INVALID_HANDLE;
    if (!e && fixed) {
        call = "MapViewOfFile3";
        if (!have_placeholders()) e = ERROR_NOT_SUPPORTED;
        else if (!(e = carve_placeholder(addr, len))) {
            p = api.mv3(b->os_section, GetCurrentProcess(), addr, off, (SIZE_T)len,
                        MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0);
            if (!p) e = GetLastError();
        }
    } else if (!e) {
        p = MapViewOfFileEx(b->os_section, FILE_MAP_READ | FILE_MAP_WRITE, (DWORD)(off >> 32),
                            (DWORD)off, (SIZE_T)len, addr);
        if (!p && addr) /* preferred address refused: anywhere */
            p = MapViewOfFileEx(b->os_section, FILE_MAP_READ | FILE_MAP_WRITE, (DWORD)(off >> 32),
                                (DWORD)off, (SIZE_T)len, NULL);
        if (!p) e = GetLastError();
    }
    if (!p) {
        int code = win_code(e);
        if (code == MM_ENOSPC) code = MM_ENOMEM; /* commit limit while mapping: memory */
        return _mm_fmt(err, errlen, code, "%s of a %llu-byte view at file offset %llu failed: %s",
                       call, (unsigned long long)len, (unsigned long long)off, WTEXT(e));
    }
    *out = p;
    return MM_OK;
}

int _mm_os_unmap(void *addr, uint64_t len, int in_reservation) {
    if (!addr || !len) return MM_OK;
    if (!in_reservation) return UnmapViewOfFile(addr) ? MM_OK : MM_EIO;
    /* inside a reservation a range may hold several views (a whole view
       extended in place): turn each back into a placeholder */
    if (!have_placeholders()) return MM_EIO;
    uint8_t *p = addr, *end = p + len;
    int rc = MM_OK;
    while (p < end) {
        MEMORY_BASIC_INFORMATION mbi;
        if (!VirtualQuery(p, &mbi, sizeof mbi)) return MM_EIO;
        uint8_t *next = (uint8_t *)mbi.BaseAddress + mbi.RegionSize;
        if (mbi.Type == MEM_MAPPED) {
            /* the view's end: regions sharing its allocation base */
            for (;;) {
                MEMORY_BASIC_INFORMATION m2;
                if (next >= end || !VirtualQuery(next, &m2, sizeof m2) ||
                    m2.AllocationBase != mbi.AllocationBase)
                    break;
                next = (uint8_t *)m2.BaseAddress + m2.RegionSize;
            }
            if (!api.uv2(GetCurrentProcess(), mbi.AllocationBase, MEM_PRESERVE_PLACEHOLDER)) rc = MM_EIO;
        }
        p = next;
    }
    return rc;
}

int _mm_os_reserve(uint64_t len, void **out, char *err, size_t errlen) {
    char etext[256];
    DWORD e = inject(_MM_OS_RESERVE, ERROR_NOT_ENOUGH_MEMORY);
    if (e)
        return _mm_fmt(err, errlen, win_code(e), "reserving %llu bytes of address space failed: %s",
                       (unsigned long long)len, WTEXT(e));
    if (!have_placeholders())
        return _mm_fmt(err, errlen, MM_ENOTSUP,
                       "reserving address space needs VirtualAlloc2/MapViewOfFile3 placeholders "
                       "(Windows 10 1803 or later), which this system lacks; growth remaps instead");
    void *p = api.va2(NULL, NULL, (SIZE_T)len, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS,
                      NULL, 0);
    if (!p) {
        e = GetLastError();
        if (e == ERROR_INVALID_PARAMETER) { /* placeholders not implemented (Wine 8) */
            atomic_store(&api.refused, 1);
            return _mm_fmt(err, errlen, MM_ENOTSUP,
                           "VirtualAlloc2 refused MEM_RESERVE_PLACEHOLDER (%s): no address-space "
                           "reservation here; growth remaps instead",
                           WTEXT(e));
        }
        return _mm_fmt(err, errlen, win_code(e), "reserving %llu bytes of address space failed: %s",
                       (unsigned long long)len, WTEXT(e));
    }
    *out = p;
    return MM_OK;
}

/* Release a reservation: unmap what is still mapped in it, free every
   placeholder piece. */
void _mm_os_release(void *addr, uint64_t len) {
    if (!addr || !len || !have_placeholders()) return;
    uint8_t *p = addr, *end = p + len;
    while (p < end) {
        MEMORY_BASIC_INFORMATION mbi;
        if (!VirtualQuery(p, &mbi, sizeof mbi)) return;
        if (mbi.Type == MEM_MAPPED) {
            if (!api.uv2(GetCurrentProcess(), mbi.AllocationBase, MEM_PRESERVE_PLACEHOLDER)) return;
            continue; /* now a placeholder: query again */
        }
        uint8_t *next = (uint8_t *)mbi.BaseAddress + mbi.RegionSize;
        if (mbi.State == MEM_RESERVE && mbi.AllocationBase == mbi.BaseAddress)
            VirtualFree(mbi.AllocationBase, 0, MEM_RELEASE);
        p = next;
    }
}

static void touch_pages(volatile uint8_t *p, uint64_t len, uint64_t ps) {
    for (uint64_t i = 0; i < len; i += ps) p[i] = p[i];
}

/* PrefetchVirtualMemory (one call brings a disk-backed range in with large
   reads; a hint, so its failure is not an error), then touching each page
   for write (what makes a page-file page resident and writable). The space
   was reserved by _mm_os_backing_resize, so touching cannot hit a full disk. */
int _mm_os_populate(void *addr, uint64_t len, const atomic_int *cancel, char *err, size_t errlen) {
    const uint64_t chunk = 32u << 20;
    uint64_t ps = _mm_os_page_size();
    uint8_t *p = addr;
    api_load();
    int touch_only = _mm_os_touch_forced() || !api.prefetch;
    for (uint64_t done = 0; done < len;) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            return _mm_fmt(err, errlen, MM_ECANCELED, "canceled while populating");
        uint64_t n = len - done < chunk ? len - done : chunk;
        if (!touch_only && !inject(_MM_OS_MADVISE, ERROR_INVALID_PARAMETER)) {
            WIN32_MEMORY_RANGE_ENTRY r;
            r.VirtualAddress = p + done;
            r.NumberOfBytes = (SIZE_T)n;
            api.prefetch(GetCurrentProcess(), 1, &r, 0);
        }
        touch_pages(p + done, n, ps);
        done += n;
    }
    return MM_OK;
}

int _mm_os_process_stats(mm_process_stats *out) {
    memset(out, 0, sizeof *out);
    PROCESS_MEMORY_COUNTERS_EX pmc;
    memset(&pmc, 0, sizeof pmc);
    pmc.cb = sizeof pmc;
    if (K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof pmc)) {
        out->rss_bytes = pmc.WorkingSetSize;
        out->peak_rss_bytes = pmc.PeakWorkingSetSize;
        out->minor_faults = pmc.PageFaultCount; /* soft and hard faults together */
        out->major_faults = 0;                  /* not told apart by Windows */
        out->virtual_bytes = pmc.PrivateUsage > pmc.PagefileUsage ? pmc.PrivateUsage : pmc.PagefileUsage;
    }
    /* virtual size: the user address space in use by this process */
    MEMORYSTATUSEX ms;
    ms.dwLength = sizeof ms;
    if (GlobalMemoryStatusEx(&ms) && ms.ullTotalVirtual > ms.ullAvailVirtual)
        out->virtual_bytes = ms.ullTotalVirtual - ms.ullAvailVirtual;
    if (out->virtual_bytes < out->rss_bytes) out->virtual_bytes = out->rss_bytes;
    if (out->peak_rss_bytes < out->rss_bytes) out->peak_rss_bytes = out->rss_bytes;
    return MM_OK;
}

/* ---- memory room for page-file backings ------------------------------------ */
/* A page-file-backed section is charged to the commit limit (RAM + page
   files): what is left of it is the room. */
int _mm_os_memory_room(_mm_memroom *out) {
    memset(out, 0, sizeof *out);
    MEMORYSTATUSEX ms;
    ms.dwLength = sizeof ms;
    if (!GlobalMemoryStatusEx(&ms) || !ms.ullTotalPageFile) return MM_ENOTSUP;
    out->room = ms.ullAvailPageFile;
    snprintf(out->source, sizeof out->source, "commit limit left %llu bytes of %llu",
             (unsigned long long)ms.ullAvailPageFile, (unsigned long long)ms.ullTotalPageFile);
    return MM_OK;
}

void _mm_os_set_sysfs_root(const char *root) { (void)root; }

/* No per-process address-space limit to read (a job object's limits are
   commit, covered by _mm_os_memory_room). */
int _mm_os_address_room(_mm_memroom *out) {
    memset(out, 0, sizeof *out);
    return MM_ENOTSUP;
}
