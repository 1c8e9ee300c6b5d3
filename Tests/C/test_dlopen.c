/*
 * Loads a liblrsched.so with dlopen (no link-time dependency, no search path needed)
 * and runs a few calls through dlsym'd pointers, on the main thread and on a second
 * thread (per-thread last errors in a dlopen'ed library). With --self-contained it also
 * checks that no Swift runtime library got mapped into the process: the library must
 * carry its own.
 *
 *   test_dlopen [--self-contained] PATH/liblrsched.so
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrsched.h"

static void *lib;
static int failures;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "test_dlopen: %s:%d: CHECK failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                                 \
            failures++;                                                               \
        }                                                                             \
    } while (0)

/* Looks a function up; `*(void **)&fp = dlsym(...)` is POSIX's blessed spelling. */
#define SYM(var, name)                                                                \
    do {                                                                              \
        *(void **)(&var) = dlsym(lib, #name);                                         \
        if (!var) {                                                                   \
            fprintf(stderr, "test_dlopen: missing symbol %s\n", #name);               \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

static const char *(*p_version)(void);
static int32_t (*p_abi_version)(void);
static const char *(*p_last_error)(void);
static int (*p_opt_create)(size_t, double, double, int, lrsched_optimizer **);
static void (*p_opt_free)(lrsched_optimizer *);
static int (*p_opt_get)(const lrsched_optimizer *, size_t, int, double *);
static int (*p_sched_json)(lrsched_optimizer *, const char *, size_t, lrsched_scheduler **);
static int (*p_step)(lrsched_scheduler *);
static void (*p_sched_free)(lrsched_scheduler *);

static void *work(void *arg) {
    const char *tag = arg;
    lrsched_optimizer *o = NULL;
    lrsched_scheduler *s = NULL;
    CHECK(p_opt_create(1, 0.1, 0.0, LRSCHED_MOMENTUM_SGD, &o) == LRSCHED_OK);
    CHECK(p_sched_json(o, "{\"type\": \"StepLR\", \"step_size\": 4, \"gamma\": 0.9}", LRSCHED_NUL_TERMINATED, &s) ==
          LRSCHED_OK);
    double want = 0.1, got = 0;
    for (int e = 1; e <= 12 && s; e++) {
        CHECK(p_step(s) == LRSCHED_OK);
        if (e % 4 == 0) want = want * 0.9;
        CHECK(p_opt_get(o, 0, LRSCHED_KEY_LR, &got) == LRSCHED_OK);
        CHECK(memcmp(&got, &want, sizeof got) == 0);
    }
    /* an error message naming this thread */
    char spec[64];
    snprintf(spec, sizeof spec, "{\"type\": \"%s\"}", tag);
    lrsched_scheduler *bad = NULL;
    CHECK(p_sched_json(o, spec, LRSCHED_NUL_TERMINATED, &bad) == LRSCHED_TYPE_ERROR);
    CHECK(strstr(p_last_error(), tag) != NULL);
    p_sched_free(s);
    p_opt_free(o);
    return NULL;
}

/* Whether a Swift runtime library (libswiftCore & co.) is mapped in this process. */
static int swift_runtime_mapped(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return 0;
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "/libswift") || strstr(line, "/usr/lib/swift/")) {
            fprintf(stderr, "test_dlopen: Swift runtime mapped: %s", line);
            found = 1;
        }
    fclose(f);
    return found;
}

int main(int argc, char **argv) {
    int self_contained = argc == 3 && strcmp(argv[1], "--self-contained") == 0;
    if (argc != 2 + self_contained) {
        fprintf(stderr, "usage: %s [--self-contained] PATH/liblrsched.so\n", argv[0]);
        return 2;
    }
    lib = dlopen(argv[argc - 1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "test_dlopen: %s\n", dlerror());
        return 1;
    }
    SYM(p_version, lrsched_version);
    SYM(p_abi_version, lrsched_abi_version);
    SYM(p_last_error, lrsched_last_error);
    SYM(p_opt_create, lrsched_optimizer_create);
    SYM(p_opt_free, lrsched_optimizer_free);
    SYM(p_opt_get, lrsched_optimizer_get);
    SYM(p_sched_json, lrsched_scheduler_create_from_json);
    SYM(p_step, lrsched_scheduler_step);
    SYM(p_sched_free, lrsched_scheduler_free);
    /* nothing but the C ABI is visible */
    CHECK(dlsym(lib, "swift_retain") == NULL || !self_contained);
    CHECK(dlsym(lib, "lrschedshim_last_error") == NULL);

    CHECK(strcmp(p_version(), "0.2.0") == 0);
    CHECK(p_abi_version() == LRSCHED_ABI_VERSION);
    work("MainThreadLR");
    pthread_t t;
    CHECK(pthread_create(&t, NULL, work, "SecondThreadLR") == 0);
    pthread_join(t, NULL);
    CHECK(strstr(p_last_error(), "MainThreadLR") != NULL);
    if (self_contained) CHECK(!swift_runtime_mapped());
    if (failures) return 1;
    printf("test_dlopen: %s loaded and ran%s\n", argv[argc - 1], self_contained ? " (self-contained)" : "");
    return 0;
}
