/* test_main.c - runs every test in a forked child, prints one line per
   test and a summary line "passed N failed M". Argument: a substring to
   select tests. */
#define _GNU_SOURCE 1
#include "check.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern const mm_test tests_api[], tests_heap[], tests_fault[], tests_scenario[], tests_model[];

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    const mm_test *groups[] = {tests_api, tests_heap, tests_fault, tests_scenario, tests_model};
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        for (const mm_test *t = groups[g]; t->name; t++) {
            if (filter && !strstr(t->name, filter)) continue;
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
