/* test_main.c - runs every test in a child process (fork on POSIX; on
   Windows the binary starts itself with CreateProcess and "--one NAME"),
   prints one line per test and a summary line "passed N failed M".
   Argument: a substring to select tests. */
#define _GNU_SOURCE 1
#include "check.h"

#include <string.h>
#include <time.h>
#if defined(_WIN32)
#  include <windows.h>
#else
#  include <signal.h>
#  include <sys/wait.h>
#endif

extern const mm_test tests_api[], tests_heap[], tests_fault[], tests_scenario[], tests_model[], tests_budget[], tests_insight[];

#if defined(_WIN32)
static double now_ms(void) {
    static LARGE_INTEGER f;
    LARGE_INTEGER c;
    if (!f.QuadPart) QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart * 1e3 / (double)f.QuadPart;
}

static const char *exit_text(DWORD code) {
    switch (code) {
    case 0xC0000005u: return " (access violation)";
    case 0xC0000006u: return " (in-page error)";
    case 0xC00000FDu: return " (stack overflow)";
    case 0xC0000409u: return " (stack buffer overrun / abort)";
    case 3: return " (abort)";
    default: return "";
    }
}

int main(int argc, char **argv) {
    const mm_test *groups[] = {tests_api, tests_heap, tests_fault, tests_scenario, tests_model, tests_budget, tests_insight};
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 && !strcmp(argv[1], "--one")) { /* the child: run one test */
        for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
            for (const mm_test *t = groups[g]; t->name; t++)
                if (!strcmp(t->name, argv[2])) {
                    t->fn();
                    fflush(stdout);
                    fflush(stderr);
                    return 0;
                }
        fprintf(stderr, "no test named %s\n", argv[2]);
        return 2;
    }
    const char *filter = argc > 1 ? argv[1] : NULL;
    char exe[MAX_PATH];
    if (!GetModuleFileNameA(NULL, exe, sizeof exe)) return 2;
    int passed = 0, failed = 0, skipped = 0;
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        for (const mm_test *t = groups[g]; t->name; t++) {
            if (filter && !strstr(t->name, filter)) continue;
            if (t->skip) {
                printf("SKIP %s: %s\n", t->name, t->skip);
                skipped++;
                continue;
            }
            double t0 = now_ms();
            char cmd[MAX_PATH + 256];
            snprintf(cmd, sizeof cmd, "\"%s\" --one %s", exe, t->name);
            STARTUPINFOA si;
            PROCESS_INFORMATION pi;
            memset(&si, 0, sizeof si);
            si.cb = sizeof si;
            if (!CreateProcessA(exe, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
                printf("FAIL %s: CreateProcess failed (error %lu)\n", t->name, (unsigned long)GetLastError());
                failed++;
                continue;
            }
            DWORD w = WaitForSingleObject(pi.hProcess, 300 * 1000);
            DWORD code = 0;
            if (w == WAIT_TIMEOUT) {
                TerminateProcess(pi.hProcess, 124);
                WaitForSingleObject(pi.hProcess, INFINITE);
            }
            GetExitCodeProcess(pi.hProcess, &code);
            CloseHandle(pi.hThread);
            CloseHandle(pi.hProcess);
            double ms = now_ms() - t0;
            if (w == WAIT_TIMEOUT) {
                printf("FAIL %s: timed out after 300 s\n", t->name);
                failed++;
            } else if (code == 0) {
                printf("PASS %s (%.0f ms)\n", t->name, ms);
                passed++;
            } else {
                printf("FAIL %s: exit status 0x%lx%s (%.0f ms)\n", t->name, (unsigned long)code,
                       exit_text(code), ms);
                failed++;
            }
        }
    }
    if (skipped) printf("skipped %d (POSIX only)\n", skipped);
    printf("passed %d failed %d\n", passed, failed);
    return failed ? 1 : 0;
}
#else

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    const mm_test *groups[] = {tests_api, tests_heap, tests_fault, tests_scenario, tests_model, tests_budget, tests_insight};
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        for (const mm_test *t = groups[g]; t->name; t++) {
            if (filter && !strstr(t->name, filter)) continue;
            if (t->skip) {
                printf("SKIP %s: %s\n", t->name, t->skip);
                continue;
            }
            double t0 = now_ms();
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid == 0) {
                alarm(150);
                t->fn();
                exit(0);
            }
            int st = 0;
            waitpid(pid, &st, 0);
            double ms = now_ms() - t0;
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
                printf("PASS %s (%.0f ms)\n", t->name, ms);
                passed++;
            } else {
                if (WIFSIGNALED(st))
                    printf("FAIL %s: killed by signal %d (%s) (%.0f ms)\n", t->name, WTERMSIG(st),
                           strsignal(WTERMSIG(st)), ms);
                else
                    printf("FAIL %s: exit status %d (%.0f ms)\n", t->name, WEXITSTATUS(st), ms);
                failed++;
            }
        }
    }
    printf("passed %d failed %d\n", passed, failed);
    return failed ? 1 : 0;
}
#endif
