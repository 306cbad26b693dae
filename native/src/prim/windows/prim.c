/*
 * prim/windows/prim.c - the raw OS calls for Windows (the seed's own
 * platform); the contract is prim/prim.h, the portable layer over it and
 * every message word is os.c.
 *
 * The calls the seed makes: CreateFileMapping over INVALID_HANDLE_VALUE
 * (page file) or over a FILE_ATTRIBUTE_TEMPORARY file (disk),
 * MapViewOfFileEx at the preferred address, UnmapViewOfFile, SetEndOfFile
 * to grow a disk file.
 *
 * What differs from POSIX, as data (_mm_prim_traits):
 *  - A page-file section has a fixed size: it cannot grow in place. The
 *    heap then grows by copying into a new section (MM_GROWTH_COPY).
 *  - Address-space reservation uses placeholders (VirtualAlloc2 +
 *    MapViewOfFile3 + UnmapViewOfFile2, Windows 10 1803+), looked up at run
 *    time; where they are missing or refused (Wine 8) _mm_prim_reserve
 *    fails with ERROR_NOT_SUPPORTED and the heap grows by remap instead.
 *  - A disk file grows in two steps: its allocation (FileAllocationInfo:
 *    the space is reserved, ERROR_DISK_FULL becomes MM_ENOSPC, like
 *    fallocate) and its end (SetFilePointerEx + SetEndOfFile); then a new
 *    file mapping object of the new size replaces the old one (views of the
 *    old one stay valid: same file, same pages).
 *  - Views need file offsets and addresses that are multiples of the
 *    allocation granularity (64 KiB), which config.c enforces.
 *  - Populating is a hint (PrefetchVirtualMemory) followed by touching.
 *  - Process figures: PageFaultCount counts all faults (soft and hard) and
 *    is reported as minor faults; major faults are 0 (unknown).
 *
 * The Win32 calls that can fail in interesting ways go through a
 * system-call table, as in prim/unix/prim.c (after SQLite's aSyscall[] in
 * os_unix.c): call sites read like plain calls (osMapViewOfFileEx(...)),
 * and a test replaces an entry by name with _mm_prim_set_syscall() to make
 * the real call fail (native/test/syscall_faults.c).
 */
#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN 1
#endif
#include "../../internal.h"

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


/* errno values (fault injection: _mm_prim_from_errno), as Win32 errors */
static DWORD errno_to_win(int e) {
    switch (e) {
    case ENOSPC: return ERROR_DISK_FULL;
    case ENOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    case EACCES: return ERROR_ACCESS_DENIED;
    case EMFILE: return ERROR_TOO_MANY_OPEN_FILES;
    case EFBIG: return ERROR_FILE_TOO_LARGE;
    case ENOSYS: return ERROR_CALL_NOT_IMPLEMENTED;
    default: return ERROR_IO_DEVICE;
    }
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

uint64_t _mm_prim_page_size(void) {
    DWORD v = sysinfo().dwPageSize;
    return v ? v : 4096;
}

uint64_t _mm_prim_granularity(void) {
    DWORD v = sysinfo().dwAllocationGranularity;
    return v ? v : 65536;
}

uint64_t _mm_prim_now_ns(void) {
    static LARGE_INTEGER freq;
    if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
    LARGE_INTEGER c;
    QueryPerformanceCounter(&c);
    uint64_t f = (uint64_t)freq.QuadPart, t = (uint64_t)c.QuadPart;
    return t / f * 1000000000ull + t % f * 1000000000ull / f;
}

int _mm_prim_pid(void) { return (int)GetCurrentProcessId(); }

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
    /* present is not enough: Wine 8 exports it but refuses placeholders. A
       probe of what the system can do, so the real call, not the table's
       entry (a test's stand-in would decide the traits for good) */
    if (api.va2) {
        void *p = api.va2(NULL, NULL, 1u << 16, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS,
                          NULL, 0);
        if (p) VirtualFree(p, 0, MEM_RELEASE);
        else atomic_store(&api.refused, 1);
    }
    return TRUE;
}

static void api_load(void) { InitOnceExecuteOnce(&api_once, api_init, NULL, NULL); }

/* ---- the system-call table ------------------------------------------------ */
/* The calls looked up at run time (api above), with a fixed entry each:
   ERROR_CALL_NOT_IMPLEMENTED where the system does not have them. */
static PVOID WINAPI sys_VirtualAlloc2(HANDLE proc, PVOID addr, SIZE_T n, ULONG type, ULONG prot, void *ext,
                                      ULONG count) {
    api_load();
    if (!api.va2) {
        SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
        return NULL;
    }
    return api.va2(proc, addr, n, type, prot, ext, count);
}
static PVOID WINAPI sys_MapViewOfFile3(HANDLE section, HANDLE proc, PVOID addr, ULONG64 off, SIZE_T n, ULONG type,
                                       ULONG prot, void *ext, ULONG count) {
    api_load();
    if (!api.mv3) {
        SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
        return NULL;
    }
    return api.mv3(section, proc, addr, off, n, type, prot, ext, count);
}
static BOOL WINAPI sys_UnmapViewOfFile2(HANDLE proc, PVOID addr, ULONG flags) {
    api_load();
    if (!api.uv2) {
        SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
        return FALSE;
    }
    return api.uv2(proc, addr, flags);
}
static BOOL WINAPI sys_PrefetchVirtualMemory(HANDLE proc, ULONG_PTR n, PWIN32_MEMORY_RANGE_ENTRY r, ULONG flags) {
    api_load();
    if (!api.prefetch) {
        SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
        return FALSE;
    }
    return api.prefetch(proc, n, r, flags);
}

/* Entries by index (the names and signatures are listed in internal.h
   beside _mm_prim_set_syscall). */
enum {
    SYS_CreateFileW,
    SYS_CreateFileMappingW,
    SYS_SetFilePointerEx,
    SYS_SetEndOfFile,
    SYS_SetFileInformationByHandle,
    SYS_WriteFile,
    SYS_MapViewOfFile,
    SYS_MapViewOfFileEx,
    SYS_MapViewOfFile3,
    SYS_UnmapViewOfFile,
    SYS_UnmapViewOfFile2,
    SYS_VirtualAlloc,
    SYS_VirtualAlloc2,
    SYS_VirtualFree,
    SYS_PrefetchVirtualMemory,
    SYS_DeleteFileW,
    SYS_FlushViewOfFile,
    SYS_FlushFileBuffers,
    SYS_VirtualUnlock,
    SYS_QueryWorkingSetEx,
    SYS_GetDiskFreeSpaceExW,
    SYS_LockFileEx,
    SYS_COUNT
};
#define MM_SYSCALL(i, name, fn) [i] = {name, (_mm_syscall_ptr)(fn), (_mm_syscall_ptr)(fn)}
static _mm_syscall aSyscall[SYS_COUNT] = {
    MM_SYSCALL(SYS_CreateFileW, "CreateFileW", CreateFileW),
    MM_SYSCALL(SYS_CreateFileMappingW, "CreateFileMappingW", CreateFileMappingW),
    MM_SYSCALL(SYS_SetFilePointerEx, "SetFilePointerEx", SetFilePointerEx),
    MM_SYSCALL(SYS_SetEndOfFile, "SetEndOfFile", SetEndOfFile),
    MM_SYSCALL(SYS_SetFileInformationByHandle, "SetFileInformationByHandle", SetFileInformationByHandle),
    MM_SYSCALL(SYS_WriteFile, "WriteFile", WriteFile),
    MM_SYSCALL(SYS_MapViewOfFile, "MapViewOfFile", MapViewOfFile),
    MM_SYSCALL(SYS_MapViewOfFileEx, "MapViewOfFileEx", MapViewOfFileEx),
    MM_SYSCALL(SYS_MapViewOfFile3, "MapViewOfFile3", sys_MapViewOfFile3),
    MM_SYSCALL(SYS_UnmapViewOfFile, "UnmapViewOfFile", UnmapViewOfFile),
    MM_SYSCALL(SYS_UnmapViewOfFile2, "UnmapViewOfFile2", sys_UnmapViewOfFile2),
    MM_SYSCALL(SYS_VirtualAlloc, "VirtualAlloc", VirtualAlloc),
    MM_SYSCALL(SYS_VirtualAlloc2, "VirtualAlloc2", sys_VirtualAlloc2),
    MM_SYSCALL(SYS_VirtualFree, "VirtualFree", VirtualFree),
    MM_SYSCALL(SYS_PrefetchVirtualMemory, "PrefetchVirtualMemory", sys_PrefetchVirtualMemory),
    MM_SYSCALL(SYS_DeleteFileW, "DeleteFileW", DeleteFileW),
    MM_SYSCALL(SYS_FlushViewOfFile, "FlushViewOfFile", FlushViewOfFile),
    MM_SYSCALL(SYS_FlushFileBuffers, "FlushFileBuffers", FlushFileBuffers),
    MM_SYSCALL(SYS_VirtualUnlock, "VirtualUnlock", VirtualUnlock),
    MM_SYSCALL(SYS_QueryWorkingSetEx, "QueryWorkingSetEx", K32QueryWorkingSetEx),
    MM_SYSCALL(SYS_GetDiskFreeSpaceExW, "GetDiskFreeSpaceExW", GetDiskFreeSpaceExW),
    MM_SYSCALL(SYS_LockFileEx, "LockFileEx", LockFileEx),
};
#define SYSCALL(i) atomic_load_explicit(&aSyscall[i].cur, memory_order_relaxed)
#define osCreateFileW \
    ((HANDLE(WINAPI *)(LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE))SYSCALL(SYS_CreateFileW))
#define osCreateFileMappingW \
    ((HANDLE(WINAPI *)(HANDLE, LPSECURITY_ATTRIBUTES, DWORD, DWORD, DWORD, LPCWSTR))SYSCALL(SYS_CreateFileMappingW))
#define osSetFilePointerEx ((BOOL(WINAPI *)(HANDLE, LARGE_INTEGER, PLARGE_INTEGER, DWORD))SYSCALL(SYS_SetFilePointerEx))
#define osSetEndOfFile ((BOOL(WINAPI *)(HANDLE))SYSCALL(SYS_SetEndOfFile))
#define osSetFileInformationByHandle \
    ((BOOL(WINAPI *)(HANDLE, FILE_INFO_BY_HANDLE_CLASS, LPVOID, DWORD))SYSCALL(SYS_SetFileInformationByHandle))
#define osWriteFile ((BOOL(WINAPI *)(HANDLE, LPCVOID, DWORD, LPDWORD, LPOVERLAPPED))SYSCALL(SYS_WriteFile))
#define osMapViewOfFile ((LPVOID(WINAPI *)(HANDLE, DWORD, DWORD, DWORD, SIZE_T))SYSCALL(SYS_MapViewOfFile))
#define osMapViewOfFileEx \
    ((LPVOID(WINAPI *)(HANDLE, DWORD, DWORD, DWORD, SIZE_T, LPVOID))SYSCALL(SYS_MapViewOfFileEx))
#define osMapViewOfFile3 ((mv3_fn)SYSCALL(SYS_MapViewOfFile3))
#define osUnmapViewOfFile ((BOOL(WINAPI *)(LPCVOID))SYSCALL(SYS_UnmapViewOfFile))
#define osUnmapViewOfFile2 ((uv2_fn)SYSCALL(SYS_UnmapViewOfFile2))
#define osVirtualAlloc ((LPVOID(WINAPI *)(LPVOID, SIZE_T, DWORD, DWORD))SYSCALL(SYS_VirtualAlloc))
#define osVirtualAlloc2 ((va2_fn)SYSCALL(SYS_VirtualAlloc2))
#define osVirtualFree ((BOOL(WINAPI *)(LPVOID, SIZE_T, DWORD))SYSCALL(SYS_VirtualFree))
#define osPrefetchVirtualMemory ((pvm_fn)SYSCALL(SYS_PrefetchVirtualMemory))
#define osDeleteFileW ((BOOL(WINAPI *)(LPCWSTR))SYSCALL(SYS_DeleteFileW))
#define osFlushViewOfFile ((BOOL(WINAPI *)(LPCVOID, SIZE_T))SYSCALL(SYS_FlushViewOfFile))
#define osFlushFileBuffers ((BOOL(WINAPI *)(HANDLE))SYSCALL(SYS_FlushFileBuffers))
#define osVirtualUnlock ((BOOL(WINAPI *)(LPVOID, SIZE_T))SYSCALL(SYS_VirtualUnlock))
#define osQueryWorkingSetEx ((BOOL(WINAPI *)(HANDLE, PVOID, DWORD))SYSCALL(SYS_QueryWorkingSetEx))
#define osGetDiskFreeSpaceExW \
    ((BOOL(WINAPI *)(LPCWSTR, PULARGE_INTEGER, PULARGE_INTEGER, PULARGE_INTEGER))SYSCALL(SYS_GetDiskFreeSpaceExW))
#define osLockFileEx ((BOOL(WINAPI *)(HANDLE, DWORD, DWORD, DWORD, DWORD, LPOVERLAPPED))SYSCALL(SYS_LockFileEx))

_mm_syscall *_mm_prim_syscalls(size_t *count) {
    *count = SYS_COUNT;
    return aSyscall;
}

static int have_placeholders(void) {
    api_load();
    return api.va2 && api.mv3 && api.uv2 && !atomic_load(&api.refused);
}

const _mm_os_traits *_mm_prim_traits(void) {
    static const _mm_os_traits t[2] = {
        {"windows", 0, 0, 0, '\\', "the page file", "the temp directory of GetTempPathW", "CreateFileMappingW",
         "CreateFileW", "SetEndOfFile", "reserving the space (FileAllocationInfo)", "CreateFileMappingW",
         "PrefetchVirtualMemory", 1, 1},
        {"windows", 0, 1, 0, '\\', "the page file", "the temp directory of GetTempPathW", "CreateFileMappingW",
         "CreateFileW", "SetEndOfFile", "reserving the space (FileAllocationInfo)", "CreateFileMappingW",
         "PrefetchVirtualMemory", 1, 1},
    };
    return &t[have_placeholders() ? 1 : 0];
}

/* ---- errors ------------------------------------------------------------------ */
int _mm_prim_code(int oserr) {
    if ((DWORD)oserr == ERROR_NOT_SUPPORTED || (DWORD)oserr == ERROR_CALL_NOT_IMPLEMENTED) return MM_ENOTSUP;
    return win_code((DWORD)oserr);
}

int _mm_prim_exists(int oserr) { return (DWORD)oserr == ERROR_FILE_EXISTS || (DWORD)oserr == ERROR_ALREADY_EXISTS; }

const char *_mm_prim_strerror(int oserr, char *buf, size_t len) { return win_text((DWORD)oserr, buf, len); }

int _mm_prim_from_errno(int e) { return (int)errno_to_win(e); }

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
const char *_mm_prim_temp_dir(void) {
    InitOnceExecuteOnce(&temp_once, temp_init, NULL, NULL);
    return temp_dir;
}

static atomic_uint probe_counter;

_mm_dir_check _mm_prim_resolve_dir(const char *dir, char *out, size_t out_len, int *oserr) {
    WCHAR wdir[MM_PATHLEN], full[MM_PATHLEN];
    if (!to_wide(dir, wdir, MM_PATHLEN)) return _MM_DIR_BAD_NAME;
    DWORD n = GetFullPathNameW(wdir, MM_PATHLEN, full, NULL);
    if (n == 0 || n >= MM_PATHLEN) {
        *oserr = (int)GetLastError();
        return _MM_DIR_UNRESOLVED;
    }
    while (n > 3 && (full[n - 1] == L'\\' || full[n - 1] == L'/')) full[--n] = 0;
    if (!to_utf8(full, out, (int)out_len)) return _MM_DIR_BAD_NAME;
    DWORD attr = GetFileAttributesW(full);
    if (attr == INVALID_FILE_ATTRIBUTES) {
        *oserr = (int)GetLastError();
        return _MM_DIR_UNRESOLVED;
    }
    if (!(attr & FILE_ATTRIBUTE_DIRECTORY)) return _MM_DIR_NOT_DIR;
    /* writable? (a read-only attribute means nothing on a directory): create
       and delete a probe file */
    WCHAR probe[MM_PATHLEN + 64];
    _snwprintf(probe, sizeof probe / sizeof *probe, L"%ls%ls.memmap-probe-%lu-%u", full,
               full[n - 1] == L'\\' ? L"" : L"\\", (unsigned long)GetCurrentProcessId(),
               atomic_fetch_add(&probe_counter, 1));
    probe[sizeof probe / sizeof *probe - 1] = 0;
    HANDLE f = osCreateFileW(probe, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        *oserr = (int)GetLastError();
        return _MM_DIR_NOT_WRITABLE;
    }
    CloseHandle(f);
    return _MM_DIR_OK;
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
    if (!osLockFileEx(f, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) return;
    WCHAR stream[MM_PATHLEN + 16];
    if (wcslen(wpath) + wcslen(MM_MARKER_STREAM) + 1 > sizeof stream / sizeof *stream) return;
    wcscpy(stream, wpath);
    wcscat(stream, MM_MARKER_STREAM);
    HANDLE m = osCreateFileW(stream, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    if (m == INVALID_HANDLE_VALUE) return;
    DWORD w = 0;
    osWriteFile(m, mm_marker_value, (DWORD)(sizeof mm_marker_value - 1), &w, NULL);
    CloseHandle(m);
}

/* Windows: the owner is not compared (a per-user temp directory is the
   default); a file opened by anyone cannot be opened without sharing, and
   a file whose owner lives keeps its lock. */
void _mm_prim_remove_if_stale(const char *path, _mm_stale_check *out) {
    memset(out, 0, sizeof *out);
    WCHAR wpath[MM_PATHLEN], stream[MM_PATHLEN + 16];
    if (!to_wide(path, wpath, MM_PATHLEN) || wcslen(wpath) + wcslen(MM_MARKER_STREAM) + 1 > sizeof stream / sizeof *stream) {
        out->verdict = _MM_STALE_BAD_PATH;
        return;
    }
    HANDLE f = osCreateFileW(wpath, GENERIC_READ | GENERIC_WRITE | DELETE, 0, NULL, OPEN_EXISTING,
                           FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        out->oserr = (int)GetLastError();
        out->verdict = (DWORD)out->oserr == ERROR_SHARING_VIOLATION ? _MM_STALE_OPEN : _MM_STALE_CANNOT_OPEN;
        return;
    }
    BY_HANDLE_FILE_INFORMATION info;
    char v[64] = {0};
    DWORD n = 0;
    wcscpy(stream, wpath);
    wcscat(stream, MM_MARKER_STREAM);
    HANDLE m = osCreateFileW(stream, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (m != INVALID_HANDLE_VALUE) {
        if (!ReadFile(m, v, sizeof v - 1, &n, NULL)) n = 0;
        CloseHandle(m);
    }
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = 0xFFFFFFFEu;
    ov.OffsetHigh = 0x7FFFFFFFu;
    if (!GetFileInformationByHandle(f, &info) || (info.dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)))
        out->verdict = _MM_STALE_NOT_REGULAR;
    else if (n != sizeof mm_marker_value - 1 || memcmp(v, mm_marker_value, n) != 0)
        out->verdict = _MM_STALE_NO_MARKER;
    else if (!osLockFileEx(f, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov))
        out->verdict = _MM_STALE_LOCKED;
    else {
        FILE_DISPOSITION_INFO d;
        d.DeleteFile = TRUE;
        if (osSetFileInformationByHandle(f, FileDispositionInfo, &d, sizeof d)) out->verdict = _MM_STALE_REMOVED;
        else {
            out->verdict = _MM_STALE_REMOVE_FAILED;
            out->oserr = (int)GetLastError();
        }
    }
    CloseHandle(f);
}

void _mm_prim_backing_clear(_mm_backing *b) {
    b->os.open = 0;
    b->os.file = NULL;
    b->os.section = NULL;
}

int _mm_prim_backing_is_open(const _mm_backing *b) { return b->os.open; }

/* The section comes with the first resize (a page-file section has a fixed size). */
int _mm_prim_pagefile_create(_mm_backing *b) {
    b->os.open = 1;
    return 0;
}

int _mm_prim_file_create(_mm_backing *b) {
    WCHAR wpath[MM_PATHLEN];
    if (!to_wide(b->path, wpath, MM_PATHLEN)) return ERROR_FILENAME_EXCED_RANGE;
    HANDLE f = osCreateFileW(wpath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           CREATE_NEW, FILE_ATTRIBUTE_TEMPORARY, NULL);
    if (f == INVALID_HANDLE_VALUE) return (int)GetLastError();
    b->os.file = f;
    b->os.open = 1;
    mark_and_lock(f, wpath);
    return 0;
}

static HANDLE make_section(HANDLE file, uint64_t size, DWORD *e) {
    HANDLE s = osCreateFileMappingW(file ? file : INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                  (DWORD)(size >> 32), (DWORD)size, NULL);
    if (!s) *e = GetLastError();
    return s;
}

/* FileAllocationInfo is how Windows reserves a file's space; Wine 8 does
   not implement it (ERROR_CALL_NOT_IMPLEMENTED), nor do some file systems.
   Asked at every growth (one call per doubling), so the call is made, and
   can be made to fail, wherever a growth reserves space. */
static int unsupported_error(DWORD e) {
    return e == ERROR_CALL_NOT_IMPLEMENTED || e == ERROR_NOT_SUPPORTED ||
           e == ERROR_INVALID_FUNCTION || e == ERROR_INVALID_PARAMETER;
}

/* Set f's allocation to size: 0, or the error. Not supported here: 0 with
   *unsupported set (the caller then writes the blocks, write_blocks). */
static DWORD set_allocation(HANDLE f, uint64_t size, int *unsupported) {
    FILE_ALLOCATION_INFO ai;
    ai.AllocationSize.QuadPart = (LONGLONG)size;
    *unsupported = 0;
    if (osSetFileInformationByHandle(f, FileAllocationInfo, &ai, sizeof ai)) return 0;
    DWORD e = GetLastError();
    if (!unsupported_error(e)) return e;
    *unsupported = 1;
    return 0;
}

/* Best effort: back to size (undoing a growth). */
static void undo_allocation(HANDLE f, uint64_t size) {
    int unsupported;
    set_allocation(f, size, &unsupported);
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
        if (!osWriteFile(f, zeros, n, &w, &ov)) return GetLastError();
        if (w == 0) return ERROR_WRITE_FAULT;
        off += w;
    }
    return 0;
}

static BOOL set_end(HANDLE f, uint64_t size) {
    LARGE_INTEGER li;
    li.QuadPart = (LONGLONG)size;
    return osSetFilePointerEx(f, li, NULL, FILE_BEGIN) && osSetEndOfFile(f);
}

/* A page-file backing: one section of new_size, made once. */
static int grow_pagefile(_mm_backing *b, uint64_t new_size, _mm_step *step) {
    if (b->os.section) {
        *step = _MM_STEP_FIXED;
        return ERROR_NOT_SUPPORTED;
    }
    /* creating the section is creating the backing (as memfd_create) and
       committing its size (as fallocate): ERROR_COMMITMENT_LIMIT is no space */
    *step = _MM_STEP_PAGEFILE;
    DWORD e = 0;
    HANDLE s = make_section(NULL, new_size, &e);
    if (!s) return (int)e;
    b->os.section = s;
    return 0;
}

int _mm_prim_grow(_mm_backing *b, uint64_t new_size, _mm_step *step) {
    if (!b->is_disk) return grow_pagefile(b, new_size, step);
    uint64_t old = b->size;
    HANDLE f = b->os.file;
    /* 1. reserve the space (as fallocate): a full disk fails here, never
          later through a view */
    *step = _MM_STEP_ALLOCATE;
    int emulate = 0;
    DWORD e = set_allocation(f, new_size, &emulate);
    if (e) {
        undo_allocation(f, old);
        return (int)e;
    }
    if (emulate && _mm_prim_free_bytes(b) < new_size - old) /* a clear error before trying */
        return ERROR_DISK_FULL;
    /* 2. move the end of the file */
    *step = _MM_STEP_SIZE;
    if (!set_end(f, new_size)) e = GetLastError();
    if (!e && emulate && (e = write_blocks(f, old, new_size)) != 0) set_end(f, old);
    if (e) {
        undo_allocation(f, old);
        if (win_code(e) == MM_ENOSPC) *step = _MM_STEP_ALLOCATE;
        return (int)e;
    }
    /* 3. a mapping object of the new size (views of the old one stay valid) */
    *step = _MM_STEP_SECTION;
    HANDLE s = make_section(f, new_size, &e);
    if (!s) {
        set_end(f, old);
        undo_allocation(f, old);
        return (int)e;
    }
    if (b->os.section) CloseHandle(b->os.section);
    b->os.section = s;
    return 0;
}

/* No chunked provisioning here (traits: provisions_in_chunks is 0), so
   os.c never calls these two. */
int _mm_prim_set_size(_mm_backing *b, uint64_t new_size) {
    (void)b;
    (void)new_size;
    return ERROR_NOT_SUPPORTED;
}

int _mm_prim_allocate(_mm_backing *b, uint64_t off, uint64_t len) {
    (void)b;
    (void)off;
    (void)len;
    return ERROR_NOT_SUPPORTED;
}

uint64_t _mm_prim_free_bytes(const _mm_backing *b) {
    char dir[MM_PATHLEN];
    snprintf(dir, sizeof dir, "%s", b->path);
    char *slash = strrchr(dir, '\\');
    if (slash) slash[1] = 0;
    WCHAR w[MM_PATHLEN];
    ULARGE_INTEGER avail;
    if (!to_wide(dir, w, MM_PATHLEN) || !osGetDiskFreeSpaceExW(w, &avail, NULL, NULL)) return 0;
    return avail.QuadPart;
}

/* No per-process file-size limit to report. */
uint64_t _mm_prim_file_size_limit(uint64_t new_size) {
    (void)new_size;
    return 0;
}

void _mm_prim_backing_close(_mm_backing *b) {
    if (b->os.section) CloseHandle(b->os.section);
    if (b->os.file) CloseHandle(b->os.file);
    _mm_prim_backing_clear(b);
    if (b->is_disk && b->path[0]) {
        WCHAR w[MM_PATHLEN];
        if (to_wide(b->path, w, MM_PATHLEN)) osDeleteFileW(w);
    }
}

/* A temporary view of [off, off+len) of b's section (not counted, not an
   event), writable or read-only; *base is what to unmap, the return value
   points at off. */
static uint8_t *temp_view(const _mm_backing *b, uint64_t off, uint64_t len, int write, void **base, DWORD *e) {
    uint64_t G = _mm_prim_granularity();
    uint64_t vb = off / G * G;
    void *p = osMapViewOfFile(b->os.section, write ? FILE_MAP_READ | FILE_MAP_WRITE : FILE_MAP_READ, (DWORD)(vb >> 32),
                            (DWORD)vb, (SIZE_T)(off - vb + len));
    if (!p) {
        *e = GetLastError();
        return NULL;
    }
    *base = p;
    return (uint8_t *)p + (off - vb);
}

int _mm_prim_copy_chunk(_mm_prim_copy *st, _mm_backing *dst, const _mm_backing *src, uint64_t off,
                        uint64_t n, uint64_t *done, const char **call) {
    (void)st;
    *call = "MapViewOfFile";
    if (!src->os.section || !dst->os.section) return ERROR_INVALID_HANDLE;
    void *sb = NULL, *db = NULL;
    DWORD e = 0;
    uint8_t *s = temp_view(src, off, n, 0, &sb, &e);
    uint8_t *d = s ? temp_view(dst, off, n, 1, &db, &e) : NULL;
    if (!d) {
        if (sb) osUnmapViewOfFile(sb);
        return (int)e;
    }
    memcpy(d, s, (size_t)n);
    osUnmapViewOfFile(sb);
    osUnmapViewOfFile(db);
    *done = n;
    return 0;
}

void _mm_prim_copy_end(_mm_prim_copy *st) { (void)st; }

int _mm_prim_read(const _mm_backing *b, void *dst, uint64_t len, uint64_t off, const char **call) {
    const uint64_t chunk = 8u << 20;
    *call = "MapViewOfFile to read";
    if (!b->os.section) return ERROR_INVALID_HANDLE;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < chunk ? len - done : chunk;
        void *base = NULL;
        DWORD e = 0;
        uint8_t *p = temp_view(b, off + done, n, 0, &base, &e);
        if (!p) return (int)e;
        memcpy((uint8_t *)dst + done, p, (size_t)n);
        osUnmapViewOfFile(base);
        done += n;
    }
    return 0;
}

/* Disk: the file's allocation size. Page file: the section's size (a
   page-file section is committed in full when it is created). */
uint64_t _mm_prim_backing_allocated(const _mm_backing *b) {
    if (!b->is_disk) return b->os.section ? b->size : 0;
    FILE_STANDARD_INFO si;
    if (!b->os.file || !GetFileInformationByHandleEx(b->os.file, FileStandardInfo, &si, sizeof si)) return 0;
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
            if (!osUnmapViewOfFile2(GetCurrentProcess(), mbi.AllocationBase, MEM_PRESERVE_PLACEHOLDER))
                return GetLastError();
            continue;
        }
        if (mbi.State != MEM_RESERVE) return ERROR_INVALID_ADDRESS;
        if (!lo) lo = mbi.AllocationBase;
        hi = (uint8_t *)mbi.BaseAddress + mbi.RegionSize;
        pieces++;
    }
    if (pieces > 1 && !osVirtualFree(lo, (SIZE_T)(hi - lo), MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS))
        return GetLastError();
    if ((lo < a || hi > end) && !osVirtualFree(a, (SIZE_T)len, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER))
        return GetLastError();
    return 0;
}

int _mm_prim_map(const _mm_backing *b, uint64_t off, uint64_t len, void *addr, int fixed, void **out,
                 const char **call) {
    DWORD e = 0;
    void *p = NULL;
    *call = "MapViewOfFileEx";
    if (!e && !b->os.section) e = ERROR_INVALID_HANDLE;
    if (!e && fixed) {
        *call = "MapViewOfFile3";
        if (!have_placeholders()) e = ERROR_NOT_SUPPORTED;
        else if (!(e = carve_placeholder(addr, len))) {
            p = osMapViewOfFile3(b->os.section, GetCurrentProcess(), addr, off, (SIZE_T)len, MEM_REPLACE_PLACEHOLDER,
                        PAGE_READWRITE, NULL, 0);
            if (!p) e = GetLastError();
        }
    } else if (!e) {
        p = osMapViewOfFileEx(b->os.section, FILE_MAP_READ | FILE_MAP_WRITE, (DWORD)(off >> 32), (DWORD)off,
                              (SIZE_T)len, addr);
        if (!p && addr) /* preferred address refused: anywhere */
            p = osMapViewOfFileEx(b->os.section, FILE_MAP_READ | FILE_MAP_WRITE, (DWORD)(off >> 32), (DWORD)off,
                                  (SIZE_T)len, NULL);
        if (!p) e = GetLastError();
    }
    if (!p) return (int)(e ? e : ERROR_INVALID_FUNCTION);
    *out = p;
    return 0;
}

int _mm_prim_unmap(void *addr, uint64_t len, int in_reservation) {
    if (!in_reservation) return osUnmapViewOfFile(addr) ? MM_OK : MM_EIO;
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
            if (!osUnmapViewOfFile2(GetCurrentProcess(), mbi.AllocationBase, MEM_PRESERVE_PLACEHOLDER)) rc = MM_EIO;
        }
        p = next;
    }
    return rc;
}

/* Placeholders missing or refused (Wine 8): ERROR_NOT_SUPPORTED, which
   _mm_prim_code calls MM_ENOTSUP (growth remaps instead). VirtualAlloc2 is
   asked whenever it exists, also after the start-up probe saw it refuse
   placeholders (it refuses again: ERROR_INVALID_PARAMETER). */
int _mm_prim_reserve(uint64_t len, void **out) {
    api_load();
    if (!api.va2 || !api.mv3 || !api.uv2) return ERROR_NOT_SUPPORTED;
    void *p = osVirtualAlloc2(NULL, NULL, (SIZE_T)len, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0);
    if (p && atomic_load(&api.refused)) { /* the traits said no placeholders: keep to that */
        osVirtualFree(p, 0, MEM_RELEASE);
        return ERROR_NOT_SUPPORTED;
    }
    if (!p) {
        DWORD e = GetLastError();
        if (e == ERROR_INVALID_PARAMETER) { /* placeholders not implemented (Wine 8) */
            atomic_store(&api.refused, 1);
            return ERROR_NOT_SUPPORTED;
        }
        return (int)e;
    }
    *out = p;
    return 0;
}

/* Release a reservation: unmap what is still mapped in it, free every
   placeholder piece. */
void _mm_prim_release(void *addr, uint64_t len) {
    if (!have_placeholders()) return;
    uint8_t *p = addr, *end = p + len;
    while (p < end) {
        MEMORY_BASIC_INFORMATION mbi;
        if (!VirtualQuery(p, &mbi, sizeof mbi)) return;
        if (mbi.Type == MEM_MAPPED) {
            if (!osUnmapViewOfFile2(GetCurrentProcess(), mbi.AllocationBase, MEM_PRESERVE_PLACEHOLDER)) return;
            continue; /* now a placeholder: query again */
        }
        uint8_t *next = (uint8_t *)mbi.BaseAddress + mbi.RegionSize;
        if (mbi.State == MEM_RESERVE && mbi.AllocationBase == mbi.BaseAddress)
            osVirtualFree(mbi.AllocationBase, 0, MEM_RELEASE);
        p = next;
    }
}

/* PrefetchVirtualMemory: one call brings a disk-backed range in with large
   reads. A hint, so its failure is not an error, and os.c then touches
   each page for write (what makes a page-file page resident and writable).
   The space was reserved by the growth, so touching cannot hit a full disk.
   Where the system has no PrefetchVirtualMemory its entry fails
   (ERROR_CALL_NOT_IMPLEMENTED): touching alone. */
_mm_pop _mm_prim_populate(void *addr, uint64_t len, int *oserr) {
    (void)oserr;
    WIN32_MEMORY_RANGE_ENTRY r;
    r.VirtualAddress = addr;
    r.NumberOfBytes = (SIZE_T)len;
    osPrefetchVirtualMemory(GetCurrentProcess(), 1, &r, 0); /* a hint: its failure is not an error */
    return _MM_POP_TOUCH;
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


/* ---- insight (issue 16) ------------------------------------------------------ */
uint64_t _mm_prim_ticks(void) {
    LARGE_INTEGER c;
    QueryPerformanceCounter(&c);
    return (uint64_t)c.QuadPart;
}

uint64_t _mm_prim_tick_hz(void) {
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    return (uint64_t)f.QuadPart;
}

/* The file cache of Windows is not visible to a process: only its views. */
int _mm_prim_cachestat(const _mm_backing *b, uint64_t off, uint64_t len, uint64_t *resident, uint64_t *dirty) {
    (void)b; (void)off; (void)len; (void)resident; (void)dirty;
    return (int)ERROR_NOT_SUPPORTED;
}

int _mm_prim_mincore_file(const _mm_backing *b, uint64_t off, uint64_t len, unsigned char *vec) {
    (void)b; (void)off; (void)len; (void)vec;
    return (int)ERROR_NOT_SUPPORTED;
}

int _mm_prim_resident_range(const void *addr, uint64_t len, unsigned char *vec) {
    uint64_t ps = _mm_prim_page_size(), n = len / ps;
    PSAPI_WORKING_SET_EX_INFORMATION info[256];
    for (uint64_t i = 0; i < n;) {
        uint64_t k = n - i < 256 ? n - i : 256;
        for (uint64_t j = 0; j < k; j++) info[j].VirtualAddress = (PVOID)((uintptr_t)addr + (i + j) * ps);
        if (!osQueryWorkingSetEx(GetCurrentProcess(), info, (DWORD)(k * sizeof *info))) return (int)GetLastError();
        for (uint64_t j = 0; j < k; j++) vec[i + j] = (unsigned char)(info[j].VirtualAttributes.Valid ? 1 : 0);
        i += k;
    }
    return 0;
}

int _mm_prim_evict_drop(const _mm_backing *b, void *view, uint64_t vlen, unsigned *how) {
    *how = 0;
    if (view && vlen && !osFlushViewOfFile(view, (SIZE_T)vlen)) return (int)GetLastError();
    if (b->os.file && !osFlushFileBuffers((HANDLE)b->os.file)) return (int)GetLastError();
    *how |= _MM_EVICT_WRITEBACK;
    return 0; /* no drop of a file's clean pages from the cache without unmapping it */
}

void _mm_prim_evict_pageout(void *view, uint64_t vlen, unsigned *how) {
    *how = 0;
    /* VirtualUnlock of pages that are not locked removes them from the
       working set (it then fails with ERROR_NOT_LOCKED, as documented) */
    if (view && vlen) {
        osVirtualUnlock(view, (SIZE_T)vlen);
        *how |= _MM_EVICT_TRIM;
    }
}

int _mm_prim_fault_probe(uint64_t bytes, uint64_t *ns, uint64_t *faults) {
    uint64_t ps = _mm_prim_page_size();
    unsigned char *p = osVirtualAlloc(NULL, (SIZE_T)bytes, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!p) return (int)GetLastError();
    PROCESS_MEMORY_COUNTERS c0, c1;
    memset(&c0, 0, sizeof c0);
    memset(&c1, 0, sizeof c1);
    K32GetProcessMemoryInfo(GetCurrentProcess(), &c0, sizeof c0);
    uint64_t t0 = _mm_prim_now_ns();
    for (uint64_t o = 0; o < bytes; o += ps) ((volatile unsigned char *)p)[o] = 1;
    uint64_t t1 = _mm_prim_now_ns();
    K32GetProcessMemoryInfo(GetCurrentProcess(), &c1, sizeof c1);
    osVirtualFree(p, 0, MEM_RELEASE);
    *ns = t1 - t0;
    *faults = (uint64_t)(c1.PageFaultCount - c0.PageFaultCount);
    return 0;
}

void _mm_prim_fault_counts(uint64_t *minor, uint64_t *major) {
    PROCESS_MEMORY_COUNTERS c;
    memset(&c, 0, sizeof c);
    *minor = *major = 0;
    if (K32GetProcessMemoryInfo(GetCurrentProcess(), &c, sizeof c)) *minor = (uint64_t)c.PageFaultCount;
}

#else
/* POSIX: prim/unix/prim.c */
typedef int _mm_prim_windows_unused;

#endif /* _WIN32 */
