/* check.h - a tiny test harness. Every test runs in its own forked child
   (test_main.c): a failed CHECK prints where and why and ends that child,
   a crash (SIGBUS, SIGSEGV) is reported by the parent as a failure. */
#ifndef MM_CHECK_H
#define MM_CHECK_H

#include "../include/memmap_lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *name;
    void (*fn)(void);
    const char *skip;   /* not NULL: not run on this platform, and why */
} mm_test;

#define CHECK_FAIL_(...)                                                     \
    do {                                                                     \
        fprintf(stderr, "    %s:%d: ", __FILE__, __LINE__);                  \
        fprintf(stderr, __VA_ARGS__);                                        \
        fprintf(stderr, "\n");                                               \
        fflush(stderr);                                                      \
        _exit(1);                                                            \
    } while (0)

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) CHECK_FAIL_("CHECK failed: %s", #cond);                 \
    } while (0)

#define CHECK_MSG(cond, ...)                                                 \
    do {                                                                     \
        if (!(cond)) CHECK_FAIL_(__VA_ARGS__);                               \
    } while (0)

#define CHECK_EQ(a, b)                                                       \
    do {                                                                     \
        unsigned long long a_ = (unsigned long long)(a);                     \
        unsigned long long b_ = (unsigned long long)(b);                     \
        if (a_ != b_)                                                        \
            CHECK_FAIL_("CHECK_EQ failed: %s == %llu, %s == %llu", #a, a_, #b, b_); \
    } while (0)

#define CHECK_RC(expr, want)                                                 \
    do {                                                                     \
        int rc_ = (expr);                                                    \
        if (rc_ != (want))                                                   \
            CHECK_FAIL_("%s returned %d (%s), expected %d", #expr, rc_,     \
                        mm_strerror(rc_), (int)(want));                      \
    } while (0)

/* rc is want and msg contains needle */
#define CHECK_ERR(expr, want, msgexpr, needle)                               \
    do {                                                                     \
        int rc_ = (expr);                                                    \
        const char *msg_ = (msgexpr);                                        \
        if (rc_ != (want))                                                   \
            CHECK_FAIL_("%s returned %d, expected %d (message: %s)", #expr, rc_, (int)(want), msg_ ? msg_ : "(null)"); \
        if (!msg_ || !strstr(msg_, (needle)))                                \
            CHECK_FAIL_("%s: message \"%s\" does not mention \"%s\"", #expr, msg_ ? msg_ : "(null)", (needle)); \
    } while (0)

#define TEST(name) static void name(void)
#define TEST_ENTRY(name) {#name, name, NULL}
/* a test that needs POSIX (fork, mount, the memfd/madvise calls): listed
   as skipped, with the reason, on Windows */
#if defined(_WIN32)
#  define TEST_ENTRY_POSIX_ONLY(name, why) {#name, name, why}
#else
#  define TEST_ENTRY_POSIX_ONLY(name, why) {#name, name, NULL}
#endif

/* platform bits for tests: the temp directory, the path separator */
#if defined(_WIN32)
#  define T_SEP "\\"
static inline const char *t_tmpdir(void) {
    static char d[1024];
    if (!d[0]) {
        const char *t = getenv("TMP");
        if (!t || !*t) t = getenv("TEMP");
        snprintf(d, sizeof d, "%s", t && *t ? t : "C:\\Windows\\Temp");
        size_t n = strlen(d);
        while (n > 3 && (d[n - 1] == '\\' || d[n - 1] == '/')) d[--n] = 0;
    }
    return d;
}
static inline int t_is_abs(const char *p) { return p[0] && p[1] == ':' && (p[2] == '\\' || p[2] == '/'); }
#else
#  define T_SEP "/"
static inline const char *t_tmpdir(void) { return "/tmp"; }
static inline int t_is_abs(const char *p) { return p[0] == '/'; }
#endif

/* a tiny deterministic PRNG for tests (splitmix64) */
static inline unsigned long long t_rand(unsigned long long *s) {
    unsigned long long z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A test that cannot run here says why and ends as a skip: the drivers
   (scripts/test-native.mjs, test-win32.mjs) count a test whose output has a
   line starting with "SKIPPED" as skipped, not passed. */
#define T_SKIP(...)                                                          \
    do {                                                                     \
        printf("SKIPPED ");                                                  \
        printf(__VA_ARGS__);                                                 \
        printf("\n");                                                        \
        fflush(stdout);                                                      \
        _exit(0);                                                            \
    } while (0)

/* The OS facts the tests expect, pinned per platform here and NOT read
   from the library (_mm_os_traits_get() is the code under test):
   - Linux: a page-file backing (memfd) grows in place (ftruncate) and
     address space can be reserved (PROT_NONE + MAP_FIXED);
   - macOS: a POSIX shm object is sized once, so page-file growth copies;
     reservation works;
   - Windows: a page-file section has a fixed size (growth copies); address
     space reservation needs placeholders (VirtualAlloc2/MapViewOfFile3,
     Windows 10 1803+), which Wine 8 does not provide, so under Wine up to
     8.x reserve growth falls back to remap. */
#if defined(__linux__)
static inline int t_pagefile_grows_in_place(void) { return 1; }
static inline int t_can_reserve(void) { return 1; }
#elif defined(__APPLE__)
static inline int t_pagefile_grows_in_place(void) { return 0; }
static inline int t_can_reserve(void) { return 1; }
#elif defined(_WIN32)
#  include <windows.h>
static inline int t_pagefile_grows_in_place(void) { return 0; }
/* the Wine version (major), 0 on real Windows */
static inline int t_wine_major(void) {
    HMODULE nt = GetModuleHandleA("ntdll.dll");
    FARPROC f = nt ? GetProcAddress(nt, "wine_get_version") : NULL;
    if (!f) return 0;
    const char *v = ((const char *(*)(void))(void (*)(void))f)();
    return v ? atoi(v) : 0;
}
static inline int t_can_reserve(void) {
    int w = t_wine_major();
    return w == 0 || w >= 9;
}
#else
#  error "pin the OS facts for this platform in check.h"
#endif

/* The seed's defaults with the four choices the heap tests vary. */
static inline mm_config check_config(int mode, int growth, int view, int prefault) {
    mm_config c;
    mm_config_init(&c);
    c.mode = mode;
    c.growth = growth;
    c.view = view;
    c.prefault = prefault;
    return c;
}

#endif
