/* check.h - a tiny test harness. Every test runs in its own forked child
   (test_main.c): a failed CHECK prints where and why and ends that child,
   a crash (SIGBUS, SIGSEGV) is reported by the parent as a failure. */
#ifndef MM_CHECK_H
#define MM_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *name;
    void (*fn)(void);
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
#define TEST_ENTRY(name) {#name, name}

/* a tiny deterministic PRNG for tests (splitmix64) */
static inline unsigned long long t_rand(unsigned long long *s) {
    unsigned long long z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

#endif
