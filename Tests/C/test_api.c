/*
 * The C suite of liblrsched.so: calls every function declared in lrsched.h (the header
 * check script verifies that each one appears here), checks results bit for bit, and
 * feeds bad input everywhere — NULL pointers, wrong counts, unknown enums, non-finite
 * numbers, int64 extremes, malformed JSON, schedulers stepped past their end, lr
 * callbacks that fail or call back into the library. A crash anywhere fails the suite;
 * it runs under AddressSanitizer or valgrind (see mk/c.mk).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrsched.h"
#include "testutil.h"

/* ----------------------------------------------------------------------------------
 * Helpers
 * -------------------------------------------------------------------------------- */

static lrsched_optimizer *opt_json(const char *json) {
    lrsched_optimizer *o = NULL;
    OK(lrsched_optimizer_create_from_json(json, LRSCHED_NUL_TERMINATED, &o));
    return o;
}

static lrsched_scheduler *sched_json(lrsched_optimizer *o, const char *json) {
    lrsched_scheduler *s = NULL;
    OK(lrsched_scheduler_create_from_json(o, json, LRSCHED_NUL_TERMINATED, &s));
    return s;
}

#define MAXG 8

/* Every group's lr and cycled momentum (betas[0] for Adam-style optimizers). */
static size_t read_groups(lrsched_optimizer *o, double *lrs, double *moms) {
    size_t n = 0;
    OK(lrsched_optimizer_lrs(o, lrs, MAXG, &n));
    int kind = -1;
    OK(lrsched_optimizer_momentum_kind(o, &kind));
    for (size_t g = 0; g < n && g < MAXG; g++) {
        moms[g] = 0;
        OK(lrsched_optimizer_get(o, g, kind == LRSCHED_MOMENTUM_BETAS ? LRSCHED_KEY_BETA1 : LRSCHED_KEY_MOMENTUM,
                                 &moms[g]));
    }
    return n;
}

/* A scheduler's state as a malloc'd string (size query, then the real call). */
static char *sched_state(const lrsched_scheduler *s) {
    size_t len = 0;
    OK(lrsched_scheduler_state_save(s, NULL, 0, &len));
    char *buf = malloc(len);
    if (!buf) abort();
    size_t len2 = 0;
    OK(lrsched_scheduler_state_save(s, buf, len, &len2));
    CHECK(len2 == len);
    CHECK(strlen(buf) + 1 == len);
    return buf;
}

static char *opt_state(const lrsched_optimizer *o) {
    size_t len = 0;
    OK(lrsched_optimizer_state_save(o, NULL, 0, &len));
    char *buf = malloc(len);
    if (!buf) abort();
    OK(lrsched_optimizer_state_save(o, buf, len, &len));
    CHECK(strlen(buf) + 1 == len);
    return buf;
}

/* lr functions matching the library's named ones ("pow095", "inv1p", "const095"). */
static int cb_pow095(int64_t e, void *user, double *out) {
    (void)user;
    *out = pow(0.95, (double)e);
    return 0;
}
static int cb_inv1p(int64_t e, void *user, double *out) {
    (void)user;
    *out = 1.0 / (1.0 + (double)e);
    return 0;
}
static int cb_const095(int64_t e, void *user, double *out) {
    (void)e;
    (void)user;
    *out = 0.95;
    return 0;
}

/* ----------------------------------------------------------------------------------
 * Versions, status strings, last error
 * -------------------------------------------------------------------------------- */

static void test_versions(void) {
    CHECK(strcmp(lrsched_version(), "0.2.0") == 0);
    CHECK(lrsched_version_number() == LRSCHED_VERSION_NUMBER);
    CHECK(lrsched_abi_version() == LRSCHED_ABI_VERSION);

    /* No failure yet on this thread. */
    CHECK(strcmp(lrsched_last_error(), "") == 0);

    static const char *names[] = {"ok", "value error", "type error", "key error", "runtime error",
                                  "zero division error", "not implemented error", "callback failed",
                                  "null argument", "buffer too small", "out of memory", "overflow error"};
    for (int i = 0; i <= LRSCHED_OVERFLOW_ERROR; i++) CHECK(strcmp(lrsched_status_string(i), names[i]) == 0);
    CHECK(strcmp(lrsched_status_string(-1), "unknown status") == 0);
    CHECK(strcmp(lrsched_status_string(12), "unknown status") == 0);
    CHECK(strcmp(lrsched_status_string(INT32_MIN), "unknown status") == 0);
    CHECK(strcmp(lrsched_status_string(INT32_MAX), "unknown status") == 0);
}

static void test_last_error(void) {
    lrsched_optimizer *o = NULL;
    CHECK_ERR(lrsched_optimizer_create(0, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_VALUE_ERROR, "empty parameter list");
    CHECK(o == NULL); /* outputs are written only on success */
    const char *first = lrsched_last_error();
    /* Successful calls do not clear it. */
    OK(lrsched_optimizer_create(1, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o));
    CHECK(strstr(lrsched_last_error(), "empty parameter list") != NULL);
    CHECK(first == lrsched_last_error());
    /* A long message (past the inline buffer) survives intact. */
    char spec[2048];
    memset(spec, 'x', sizeof spec);
    memcpy(spec, "{\"type\": \"", 10);
    memcpy(spec + sizeof spec - 3, "\"}", 3);
    lrsched_scheduler *s = NULL;
    CHECK_ERR(lrsched_scheduler_create_from_json(o, spec, LRSCHED_NUL_TERMINATED, &s), LRSCHED_TYPE_ERROR,
              "unknown scheduler type 'xxxxxxxx");
    CHECK(strlen(lrsched_last_error()) > 2000);
    CHECK(strstr(lrsched_last_error(), "PolynomialLR") != NULL); /* the list of known types */
    /* The next failure replaces it. */
    CHECK_ERR(lrsched_optimizer_get(o, 5, LRSCHED_KEY_LR, &(double){0}), LRSCHED_VALUE_ERROR, "out of range");
    CHECK(strlen(lrsched_last_error()) < 200);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Optimizer
 * -------------------------------------------------------------------------------- */

/* The training kernels' thread setting (process-wide). */
static void test_threads_setting(void) {
    int n = lrsched_get_num_threads();
    CHECK(n >= 1 && n <= 4096);
    CHECK_ERR(lrsched_set_num_threads(0), LRSCHED_VALUE_ERROR, "set_num_threads expects a positive integer (at most 4096), got 0");
    CHECK_RC(lrsched_set_num_threads(4097), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_set_num_threads(-1), LRSCHED_VALUE_ERROR);
    CHECK(lrsched_get_num_threads() == n);
    OK(lrsched_set_num_threads(1));
    CHECK(lrsched_get_num_threads() == 1);
    OK(lrsched_set_num_threads(n));
    CHECK(lrsched_get_num_threads() == n);
}

static void test_optimizer(void) {
    lrsched_optimizer *o = NULL;
    size_t n = 0;
    int kind = -1, has = -1;
    double v = 0;

    /* create: bad arguments */
    CHECK_RC(lrsched_optimizer_create(1, 0.1, 0, LRSCHED_MOMENTUM_SGD, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_optimizer_create(1, -0.1, 0, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_VALUE_ERROR,
              "Invalid learning rate");
    CHECK_ERR(lrsched_optimizer_create(1, 0.1, -1, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_VALUE_ERROR, "momentum");
    CHECK_RC(lrsched_optimizer_create(1, NAN, 0, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create(1, INFINITY, 0, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create(1, 0.1, NAN, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_optimizer_create(1, 0.1, 0, 3, &o), LRSCHED_VALUE_ERROR, "momentum_kind");
    CHECK_RC(lrsched_optimizer_create(1, 0.1, 0, -1, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create(SIZE_MAX, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create((size_t)1 << 40, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o), LRSCHED_OUT_OF_MEMORY);
    CHECK_ERR(lrsched_optimizer_create(LRSCHED_MAX_CREATED_GROUPS + 1, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o),
              LRSCHED_OUT_OF_MEMORY, "limit of 1048576 groups");
    CHECK(o == NULL);
    {   /* the same cap from JSON: {"groups": [{}, {}, ...]} with one group too many */
        size_t count = LRSCHED_MAX_CREATED_GROUPS + 1, len = 0;
        char *spec = malloc(16 + 3 * count);
        CHECK(spec != NULL);
        len += (size_t)sprintf(spec, "{\"groups\": [");
        for (size_t i = 0; i < count; i++) len += (size_t)sprintf(spec + len, i ? ",{}" : "{}");
        len += (size_t)sprintf(spec + len, "]}");
        CHECK_ERR(lrsched_optimizer_create_from_json(spec, len, &o), LRSCHED_OUT_OF_MEMORY, "limit of 1048576 groups");
        CHECK(o == NULL);
        free(spec);
    }

    /* create: SGD with three groups */
    OK(lrsched_optimizer_create(3, 0.1, 0.9, LRSCHED_MOMENTUM_SGD, &o));
    OK(lrsched_optimizer_group_count(o, &n));
    CHECK(n == 3);
    OK(lrsched_optimizer_momentum_kind(o, &kind));
    CHECK(kind == LRSCHED_MOMENTUM_SGD);
    OK(lrsched_optimizer_get(o, 2, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.1);
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_MOMENTUM, &v));
    CHECK(v == 0.9);
    for (int key = LRSCHED_KEY_DAMPENING; key <= LRSCHED_KEY_MAXIMIZE; key++) {
        OK(lrsched_optimizer_get(o, 0, key, &v));
        CHECK(v == 0);
    }
    for (int key = LRSCHED_KEY_INITIAL_LR; key <= LRSCHED_KEY_LR_SCALE; key++) {
        int optional = key == LRSCHED_KEY_INITIAL_LR || key >= LRSCHED_KEY_BETA1;
        OK(lrsched_optimizer_has(o, 0, key, &has));
        CHECK(has == !optional);
        if (optional) CHECK_ERR(lrsched_optimizer_get(o, 0, key, &v), LRSCHED_KEY_ERROR, "'");
    }
    CHECK_ERR(lrsched_optimizer_get(o, 0, LRSCHED_KEY_INITIAL_LR, &v), LRSCHED_KEY_ERROR, "'initial_lr'");

    /* get/set/has/unset: bad arguments */
    CHECK_RC(lrsched_optimizer_get(NULL, 0, LRSCHED_KEY_LR, &v), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_optimizer_get(o, 3, LRSCHED_KEY_LR, &v), LRSCHED_VALUE_ERROR, "index 3 out of range");
    CHECK_RC(lrsched_optimizer_get(o, SIZE_MAX, LRSCHED_KEY_LR, &v), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_optimizer_get(o, 0, 14, &v), LRSCHED_VALUE_ERROR, "key");
    CHECK_RC(lrsched_optimizer_get(o, 0, -1, &v), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_set(NULL, 0, LRSCHED_KEY_LR, 1), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_set(o, 9, LRSCHED_KEY_LR, 1), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_set(o, 0, 99, 1), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_optimizer_set(o, 0, LRSCHED_KEY_LR, NAN), LRSCHED_VALUE_ERROR, "finite");
    CHECK_RC(lrsched_optimizer_set(o, 0, LRSCHED_KEY_MOMENTUM, -INFINITY), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_set(o, 0, LRSCHED_KEY_NESTEROV, 2), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_has(o, 0, LRSCHED_KEY_LR, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_has(o, 7, LRSCHED_KEY_LR, &has), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_has(o, 0, 77, &has), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_unset(NULL, 0, LRSCHED_KEY_INITIAL_LR), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_optimizer_unset(o, 0, LRSCHED_KEY_LR), LRSCHED_VALUE_ERROR, "cannot be removed");
    CHECK_RC(lrsched_optimizer_unset(o, 5, LRSCHED_KEY_INITIAL_LR), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_unset(o, 0, 1000), LRSCHED_VALUE_ERROR);
    OK(lrsched_optimizer_unset(o, 0, LRSCHED_KEY_MAX_LR)); /* absent: fine */

    /* set/has/unset round trips; negative lrs are legitimate */
    OK(lrsched_optimizer_set(o, 1, LRSCHED_KEY_LR, -0.25));
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_LR, &v));
    CHECK(v == -0.25);
    OK(lrsched_optimizer_set(o, 2, LRSCHED_KEY_INITIAL_LR, 0.125));
    OK(lrsched_optimizer_has(o, 2, LRSCHED_KEY_INITIAL_LR, &has));
    CHECK(has == 1);
    OK(lrsched_optimizer_get(o, 2, LRSCHED_KEY_INITIAL_LR, &v));
    CHECK(v == 0.125);
    OK(lrsched_optimizer_unset(o, 2, LRSCHED_KEY_INITIAL_LR));
    OK(lrsched_optimizer_has(o, 2, LRSCHED_KEY_INITIAL_LR, &has));
    CHECK(has == 0);
    OK(lrsched_optimizer_set(o, 0, LRSCHED_KEY_NESTEROV, 1));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_NESTEROV, &v));
    CHECK(v == 1);
    OK(lrsched_optimizer_set(o, 0, LRSCHED_KEY_NESTEROV, 0));

    /* lrs: buffers */
    double lrs[4] = {7, 7, 7, 7};
    CHECK_RC(lrsched_optimizer_lrs(NULL, lrs, 4, &n), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_lrs(o, lrs, 4, NULL), LRSCHED_NULL_ARGUMENT);
    n = 0;
    OK(lrsched_optimizer_lrs(o, NULL, 0, &n)); /* size query */
    CHECK(n == 3);
    n = 0;
    CHECK_ERR(lrsched_optimizer_lrs(o, lrs, 2, &n), LRSCHED_BUFFER_TOO_SMALL, "buf too small: 3 values needed, capacity 2");
    CHECK_ERR(lrsched_optimizer_lrs(o, NULL, 10, &n), LRSCHED_BUFFER_TOO_SMALL,
              "buf is NULL with capacity 10 (3 values needed; NULL and 0 ask for the size)");
    CHECK(n == 3);
    CHECK(lrs[0] == 7 && lrs[1] == 7); /* nothing written */
    CHECK_RC(lrsched_optimizer_lrs(o, NULL, 5, &n), LRSCHED_BUFFER_TOO_SMALL);
    OK(lrsched_optimizer_lrs(o, lrs, 4, &n));
    CHECK(n == 3 && lrs[0] == 0.1 && lrs[1] == -0.25 && lrs[2] == 0.1 && lrs[3] == 7);

    /* add_group */
    CHECK_RC(lrsched_optimizer_add_group(NULL, 0.1, 0), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_add_group(o, -1, 0), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_add_group(o, NAN, 0), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_add_group(o, 0.1, INFINITY), LRSCHED_VALUE_ERROR);
    OK(lrsched_optimizer_group_count(o, &n));
    CHECK(n == 3);
    OK(lrsched_optimizer_add_group(o, 0.5, 0.25));
    OK(lrsched_optimizer_group_count(o, &n));
    CHECK(n == 4);
    OK(lrsched_optimizer_get(o, 3, LRSCHED_KEY_MOMENTUM, &v));
    CHECK(v == 0.25);
    CHECK_RC(lrsched_optimizer_group_count(NULL, &n), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_group_count(o, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_momentum_kind(NULL, &kind), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_momentum_kind(o, NULL), LRSCHED_NULL_ARGUMENT);

    /* state save/load */
    char small[8];
    size_t len = 0;
    CHECK_RC(lrsched_optimizer_state_save(NULL, small, sizeof small, &len), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_state_save(o, small, sizeof small, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_state_save(o, small, sizeof small, &len), LRSCHED_BUFFER_TOO_SMALL);
    CHECK(len > sizeof small);
    char *saved = opt_state(o);
    CHECK(strncmp(saved, "{\"state\":{},\"param_groups\":[{\"lr\":0.1,", 37) == 0);
    CHECK(strlen(saved) + 1 == len);
    OK(lrsched_optimizer_set(o, 0, LRSCHED_KEY_LR, 3.0));
    OK(lrsched_optimizer_state_load(o, saved, LRSCHED_NUL_TERMINATED));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.1);
    char *again = opt_state(o);
    CHECK(strcmp(saved, again) == 0);
    free(again);
    /* explicit length: the bytes after it are not read */
    size_t slen = strlen(saved);
    char *padded = malloc(slen + 10);
    if (!padded) abort();
    memcpy(padded, saved, slen);
    memcpy(padded + slen, "garbage!!", 10);
    OK(lrsched_optimizer_state_load(o, padded, slen));
    CHECK_RC(lrsched_optimizer_state_load(o, padded, LRSCHED_NUL_TERMINATED), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_state_load(o, padded, slen - 1), LRSCHED_VALUE_ERROR);
    free(padded);
    /* bad states change nothing */
    OK(lrsched_optimizer_set(o, 0, LRSCHED_KEY_LR, 2.0));
    CHECK_RC(lrsched_optimizer_state_load(NULL, saved, LRSCHED_NUL_TERMINATED), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_state_load(o, NULL, 0), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_state_load(o, "", 0), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_optimizer_state_load(o, "{", LRSCHED_NUL_TERMINATED), LRSCHED_VALUE_ERROR, "JSON");
    CHECK_RC(lrsched_optimizer_state_load(o, "[]", LRSCHED_NUL_TERMINATED), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_optimizer_state_load(o, "{\"state\":{},\"param_groups\":[{\"lr\":0.1}]}", LRSCHED_NUL_TERMINATED),
              LRSCHED_VALUE_ERROR, "different number of parameter groups");
    CHECK_RC(lrsched_optimizer_state_load(o, "{\"param_groups\":[{\"lr\":\"x\"},{},{},{}]}", LRSCHED_NUL_TERMINATED),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_state_load(o, "\xff\xfe", 2), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_state_load(o, "{\"a\":1}\0{", 9), LRSCHED_VALUE_ERROR);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 2.0);
    free(saved);
    lrsched_optimizer_free(o);

    /* create: betas and none */
    OK(lrsched_optimizer_create(2, 0.01, 0.9, LRSCHED_MOMENTUM_BETAS, &o));
    OK(lrsched_optimizer_momentum_kind(o, &kind));
    CHECK(kind == LRSCHED_MOMENTUM_BETAS);
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_BETA1, &v));
    CHECK(v == 0.9);
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_BETA2, &v));
    CHECK(v == 0.999);
    OK(lrsched_optimizer_add_group(o, 0.02, 0.8));
    OK(lrsched_optimizer_get(o, 2, LRSCHED_KEY_BETA1, &v));
    CHECK(v == 0.8);
    lrsched_optimizer_free(o);
    OK(lrsched_optimizer_create(1, 0.01, 0, LRSCHED_MOMENTUM_NONE, &o));
    OK(lrsched_optimizer_momentum_kind(o, &kind));
    CHECK(kind == LRSCHED_MOMENTUM_NONE);
    lrsched_scheduler *s = NULL;
    CHECK_ERR(lrsched_scheduler_create_from_json(o, "{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":10}",
                                                 LRSCHED_NUL_TERMINATED, &s),
              LRSCHED_VALUE_ERROR, "cycle_momentum");
    CHECK(s == NULL);
    lrsched_optimizer_free(o);

    /* create_from_json */
    o = NULL;
    CHECK_RC(lrsched_optimizer_create_from_json(NULL, 0, &o), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_optimizer_create_from_json("{}", LRSCHED_NUL_TERMINATED, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_optimizer_create_from_json("{\"lr\": 0.1,", LRSCHED_NUL_TERMINATED, &o), LRSCHED_VALUE_ERROR,
              "JSON");
    CHECK_RC(lrsched_optimizer_create_from_json("", LRSCHED_NUL_TERMINATED, &o), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_optimizer_create_from_json("{\"lr\": 0.1, \"bogus\": 1}", LRSCHED_NUL_TERMINATED, &o),
              LRSCHED_TYPE_ERROR, "bogus");
    CHECK_RC(lrsched_optimizer_create_from_json("{\"lr\": \"0.1\"}", LRSCHED_NUL_TERMINATED, &o), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_optimizer_create_from_json("[1]", LRSCHED_NUL_TERMINATED, &o), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_optimizer_create_from_json("{\"lr\": -1}", LRSCHED_NUL_TERMINATED, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create_from_json("{\"groups\": []}", LRSCHED_NUL_TERMINATED, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create_from_json("{\"lr\": NaN}", LRSCHED_NUL_TERMINATED, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create_from_json("{\"lr\": 1e999}", LRSCHED_NUL_TERMINATED, &o), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_optimizer_create_from_json("{\"lr\": 99999999999999999999999}", LRSCHED_NUL_TERMINATED, &o),
             LRSCHED_VALUE_ERROR);
    {
        /* deep nesting is an error, not a stack overflow */
        size_t depth = 100000;
        char *deep = malloc(2 * depth + 1);
        if (!deep) abort();
        memset(deep, '[', depth);
        memset(deep + depth, ']', depth);
        deep[2 * depth] = 0;
        CHECK_RC(lrsched_optimizer_create_from_json(deep, LRSCHED_NUL_TERMINATED, &o), LRSCHED_VALUE_ERROR);
        free(deep);
    }
    CHECK(o == NULL);
    OK(lrsched_optimizer_create_from_json("{\"lr\": 0.5}trailing garbage", 11, &o));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.5);
    lrsched_optimizer_free(o);
    o = opt_json("{\"lr\": 0.1, \"betas\": [0.8, 0.99], \"groups\": [{\"lr\": 0.2}, {\"betas\": [0.7, 0.9]}]}");
    OK(lrsched_optimizer_momentum_kind(o, &kind));
    CHECK(kind == LRSCHED_MOMENTUM_BETAS);
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_BETA1, &v));
    CHECK(v == 0.7);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.2);
    CHECK_RC(lrsched_optimizer_unset(o, 0, LRSCHED_KEY_BETA1), LRSCHED_OK);
    lrsched_optimizer_free(o);

    lrsched_optimizer_free(NULL); /* harmless */
}

/* ----------------------------------------------------------------------------------
 * Typed constructors against the JSON ones: identical lrs, momenta, states
 * -------------------------------------------------------------------------------- */

typedef int (*make_fn)(lrsched_optimizer *, lrsched_scheduler **);

static int mk_lambda(lrsched_optimizer *o, lrsched_scheduler **out) {
    lrsched_lr_fn fns[2] = {cb_pow095, cb_inv1p};
    return lrsched_lambda_lr_create(o, fns, NULL, 2, LRSCHED_FRESH, out);
}
static int mk_multiplicative(lrsched_optimizer *o, lrsched_scheduler **out) {
    lrsched_lr_fn f = cb_const095;
    return lrsched_multiplicative_lr_create(o, &f, NULL, 1, LRSCHED_FRESH, out);
}
static int mk_step(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_step_lr_create(o, 3, 0.5, LRSCHED_FRESH, out);
}
static int mk_multistep(lrsched_optimizer *o, lrsched_scheduler **out) {
    const int64_t ms[] = {5, 2, 9, 5};
    return lrsched_multistep_lr_create(o, ms, 4, 0.3, LRSCHED_FRESH, out);
}
static int mk_constant(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_constant_lr_create(o, 0.25, 4, LRSCHED_FRESH, out);
}
static int mk_linear(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_linear_lr_create(o, 0.2, 0.9, 7, LRSCHED_FRESH, out);
}
static int mk_exponential(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_exponential_lr_create(o, 0.87, LRSCHED_FRESH, out);
}
static int mk_polynomial(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_polynomial_lr_create(o, 6, 2.0, LRSCHED_FRESH, out);
}
static int mk_cosine(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_cosine_annealing_lr_create(o, 7, 0.001, LRSCHED_FRESH, out);
}
static int mk_warm(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_cosine_annealing_warm_restarts_create(o, 3, 2, 0.001, LRSCHED_FRESH, out);
}
static int mk_sequential(lrsched_optimizer *o, lrsched_scheduler **out) {
    lrsched_scheduler *kids[2] = {NULL, NULL};
    OK(lrsched_linear_lr_create(o, 0.1, 1.0, 3, LRSCHED_FRESH, &kids[0]));
    OK(lrsched_exponential_lr_create(o, 0.9, LRSCHED_FRESH, &kids[1]));
    const int64_t ms[] = {3};
    int rc = lrsched_sequential_lr_create(o, kids, 2, ms, 1, LRSCHED_FRESH, out);
    lrsched_scheduler_free(kids[0]); /* the composite holds its own references */
    lrsched_scheduler_free(kids[1]);
    return rc;
}
static int mk_chained(lrsched_optimizer *o, lrsched_scheduler **out) {
    lrsched_scheduler *kids[2] = {NULL, NULL};
    OK(lrsched_constant_lr_create(o, 0.5, 2, LRSCHED_FRESH, &kids[0]));
    OK(lrsched_exponential_lr_create(o, 0.9, LRSCHED_FRESH, &kids[1]));
    int rc = lrsched_chained_scheduler_create(kids, 2, NULL, out);
    lrsched_scheduler_free(kids[0]);
    lrsched_scheduler_free(kids[1]);
    return rc;
}
static int mk_plateau(lrsched_optimizer *o, lrsched_scheduler **out) {
    const double min_lrs[] = {0.01, 0.02};
    return lrsched_reduce_lr_on_plateau_create(o, LRSCHED_MODE_MAX, 0.5, 1, 0.01, LRSCHED_THRESHOLD_ABS, 1, 0.0,
                                               min_lrs, 2, 1e-9, out);
}
static int mk_plateau_defaults(lrsched_optimizer *o, lrsched_scheduler **out) {
    return lrsched_reduce_lr_on_plateau_create(o, LRSCHED_MODE_MIN, 0.1, 2, 1e-4, LRSCHED_THRESHOLD_REL, 0, 0.0, NULL,
                                               0, 1e-8, out);
}
static int mk_cyclic(lrsched_optimizer *o, lrsched_scheduler **out) {
    const double base[] = {0.01, 0.02}, max = 0.1, down = 2, bm = 0.8, mm[] = {0.9, 0.95};
    return lrsched_cyclic_lr_create(o, base, 2, &max, 1, 3, &down, LRSCHED_CYCLIC_EXP_RANGE, 0.97,
                                    LRSCHED_SCALE_CYCLE, 1, &bm, 1, mm, 2, LRSCHED_FRESH, out);
}
static int mk_cyclic_betas(lrsched_optimizer *o, lrsched_scheduler **out) {
    const double base = 0.001, max = 0.01;
    return lrsched_cyclic_lr_create(o, &base, 1, &max, 1, 2, NULL, LRSCHED_CYCLIC_TRIANGULAR2, 1.0,
                                    LRSCHED_SCALE_ITERATIONS, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, out);
}
static int mk_one_cycle(lrsched_optimizer *o, lrsched_scheduler **out) {
    const double max[] = {0.1, 0.2}, bm = 0.8, mm = 0.9;
    return lrsched_one_cycle_lr_create(o, max, 2, LRSCHED_UNSET, 4, 5, 0.25, LRSCHED_ANNEAL_LINEAR, 1, &bm, 1, &mm,
                                       1, 10.0, 100.0, 1, LRSCHED_FRESH, out);
}
static int mk_one_cycle_defaults(lrsched_optimizer *o, lrsched_scheduler **out) {
    const double max = 0.1;
    return lrsched_one_cycle_lr_create(o, &max, 1, 12, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, LRSCHED_ANNEAL_COS, 1,
                                       NULL, 0, NULL, 0, 25.0, 1e4, 0, LRSCHED_FRESH, out);
}

struct pair {
    const char *name;
    const char *opt;
    const char *spec;
    make_fn make;
    int steps;
    int metric;
};

#define OPT2 "{\"lr\": 0.1, \"momentum\": 0.9, \"groups\": [{\"lr\": 0.1}, {\"lr\": 0.05, \"momentum\": 0.8}]}"

static const struct pair pairs[] = {
    {"LambdaLR", OPT2, "{\"type\":\"LambdaLR\",\"lr_lambda\":[\"pow095\",\"inv1p\"]}", mk_lambda, 25, 0},
    {"MultiplicativeLR", OPT2, "{\"type\":\"MultiplicativeLR\",\"lr_lambda\":\"const095\"}", mk_multiplicative, 25, 0},
    {"StepLR", OPT2, "{\"type\":\"StepLR\",\"step_size\":3,\"gamma\":0.5}", mk_step, 25, 0},
    {"MultiStepLR", OPT2, "{\"type\":\"MultiStepLR\",\"milestones\":[5,2,9,5],\"gamma\":0.3}", mk_multistep, 25, 0},
    {"ConstantLR", OPT2, "{\"type\":\"ConstantLR\",\"factor\":0.25,\"total_iters\":4}", mk_constant, 25, 0},
    {"LinearLR", OPT2, "{\"type\":\"LinearLR\",\"start_factor\":0.2,\"end_factor\":0.9,\"total_iters\":7}", mk_linear,
     25, 0},
    {"ExponentialLR", OPT2, "{\"type\":\"ExponentialLR\",\"gamma\":0.87}", mk_exponential, 25, 0},
    {"PolynomialLR", OPT2, "{\"type\":\"PolynomialLR\",\"total_iters\":6,\"power\":2.0}", mk_polynomial, 25, 0},
    {"CosineAnnealingLR", OPT2, "{\"type\":\"CosineAnnealingLR\",\"T_max\":7,\"eta_min\":0.001}", mk_cosine, 25, 0},
    {"CosineAnnealingWarmRestarts", OPT2,
     "{\"type\":\"CosineAnnealingWarmRestarts\",\"T_0\":3,\"T_mult\":2,\"eta_min\":0.001}", mk_warm, 25, 0},
    {"SequentialLR", OPT2,
     "{\"type\":\"SequentialLR\",\"schedulers\":[{\"type\":\"LinearLR\",\"start_factor\":0.1,\"total_iters\":3},"
     "{\"type\":\"ExponentialLR\",\"gamma\":0.9}],\"milestones\":[3]}",
     mk_sequential, 25, 0},
    {"ChainedScheduler", OPT2,
     "{\"type\":\"ChainedScheduler\",\"schedulers\":[{\"type\":\"ConstantLR\",\"factor\":0.5,\"total_iters\":2},"
     "{\"type\":\"ExponentialLR\",\"gamma\":0.9}]}",
     mk_chained, 25, 0},
    {"ReduceLROnPlateau", OPT2,
     "{\"type\":\"ReduceLROnPlateau\",\"mode\":\"max\",\"factor\":0.5,\"patience\":1,\"threshold\":0.01,"
     "\"threshold_mode\":\"abs\",\"cooldown\":1,\"min_lr\":[0.01,0.02],\"eps\":1e-9}",
     mk_plateau, 25, 1},
    /* The typed min_lr is a double: a spec's default min_lr is the JSON int 0, saved as an int
     * as torch saves min_lr=0, so the spec spells the typed call's 0.0. */
    {"ReduceLROnPlateau", OPT2, "{\"type\":\"ReduceLROnPlateau\",\"patience\":2,\"min_lr\":0.0}", mk_plateau_defaults,
     25, 1},
    {"CyclicLR", OPT2,
     "{\"type\":\"CyclicLR\",\"base_lr\":[0.01,0.02],\"max_lr\":0.1,\"step_size_up\":3,\"step_size_down\":2,"
     "\"mode\":\"exp_range\",\"gamma\":0.97,\"base_momentum\":0.8,\"max_momentum\":[0.9,0.95]}",
     mk_cyclic, 25, 0},
    {"CyclicLR", "{\"lr\": 0.1, \"betas\": [0.9, 0.999]}",
     "{\"type\":\"CyclicLR\",\"base_lr\":0.001,\"max_lr\":0.01,\"step_size_up\":2,\"mode\":\"triangular2\","
     "\"scale_mode\":\"iterations\"}",
     mk_cyclic_betas, 25, 0},
    {"OneCycleLR", OPT2,
     "{\"type\":\"OneCycleLR\",\"max_lr\":[0.1,0.2],\"epochs\":4,\"steps_per_epoch\":5,\"pct_start\":0.25,"
     "\"anneal_strategy\":\"linear\",\"cycle_momentum\":true,\"base_momentum\":0.8,\"max_momentum\":0.9,"
     "\"div_factor\":10.0,\"final_div_factor\":100.0,\"three_phase\":true}",
     mk_one_cycle, 20, 0},
    {"OneCycleLR", OPT2, "{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":12}", mk_one_cycle_defaults, 12, 0},
};
#define N_PAIRS (sizeof pairs / sizeof pairs[0])

static const double plateau_metrics[] = {1.0, 2.0, 2.005, 2.0, 1.0, 3.0, 3.0, NAN, 3.0, 2.0, 2.0, 2.0, 2.0,
                                         5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};

static int step_pair(const struct pair *p, lrsched_scheduler *s, int k) {
    return p->metric ? lrsched_scheduler_step_metric(s, plateau_metrics[k]) : lrsched_scheduler_step(s);
}

static void compare_schedulers(const char *name, lrsched_optimizer *oa, lrsched_scheduler *a, lrsched_optimizer *ob,
                               lrsched_scheduler *b, int k) {
    double la[MAXG], lb[MAXG], ma[MAXG], mb[MAXG];
    size_t na = read_groups(oa, la, ma), nb = read_groups(ob, lb, mb);
    int same = na == nb && same_array(la, lb, na) && same_array(ma, mb, na);
    size_t ca = 0, cb = 0;
    OK(lrsched_scheduler_last_lr(a, la, MAXG, &ca));
    OK(lrsched_scheduler_last_lr(b, lb, MAXG, &cb));
    same = same && ca == cb && same_array(la, lb, ca);
    OK(lrsched_scheduler_base_lrs(a, la, MAXG, &ca));
    OK(lrsched_scheduler_base_lrs(b, lb, MAXG, &cb));
    same = same && ca == cb && same_array(la, lb, ca);
    int64_t ea = -7, eb = -8;
    OK(lrsched_scheduler_last_epoch(a, &ea));
    OK(lrsched_scheduler_last_epoch(b, &eb));
    same = same && ea == eb;
    char *sa = sched_state(a), *sb = sched_state(b);
    same = same && strcmp(sa, sb) == 0;
    if (!same) {
        fprintf(stderr, "%s: typed and JSON schedulers differ at step %d\n  %s\n  %s\n", name, k, sa, sb);
        test_failures++;
    }
    free(sa);
    free(sb);
}

static void test_typed_vs_json(void) {
    for (size_t i = 0; i < N_PAIRS; i++) {
        const struct pair *p = &pairs[i];
        lrsched_optimizer *oa = opt_json(p->opt), *ob = opt_json(p->opt);
        lrsched_scheduler *a = NULL, *b = sched_json(ob, p->spec);
        OK(p->make(oa, &a));
        if (!a || !b) {
            fprintf(stderr, "%s: construction failed\n", p->name);
            test_failures++;
            continue;
        }
        CHECK(strcmp(lrsched_scheduler_type(a), p->name) == 0);
        CHECK(strcmp(lrsched_scheduler_type(b), p->name) == 0);
        CHECK(lrsched_scheduler_type(a) == lrsched_scheduler_type(b)); /* static storage */
        compare_schedulers(p->name, oa, a, ob, b, 0);
        for (int k = 0; k < p->steps; k++) {
            OK(step_pair(p, a, k));
            OK(step_pair(p, b, k));
            compare_schedulers(p->name, oa, a, ob, b, k + 1);
        }
        lrsched_scheduler_free(a);
        lrsched_scheduler_free(b);
        lrsched_optimizer_free(oa);
        lrsched_optimizer_free(ob);
    }
}

/* Known values: ExponentialLR and StepLR lr chains, computed as torch does. */
static void test_known_values(void) {
    lrsched_optimizer *o = NULL;
    lrsched_scheduler *s = NULL;
    OK(lrsched_optimizer_create(1, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o));
    OK(lrsched_exponential_lr_create(o, 0.9, LRSCHED_FRESH, &s));
    double want = 0.1, got = 0;
    for (int e = 1; e <= 30; e++) {
        OK(lrsched_scheduler_step(s));
        want = want * 0.9;
        OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &got));
        CHECK(same_bits(got, want));
    }
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(s, &le));
    CHECK(le == 30);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);

    OK(lrsched_optimizer_create(1, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o));
    OK(lrsched_step_lr_create(o, 4, 0.9, LRSCHED_FRESH, &s));
    want = 0.1;
    for (int e = 1; e <= 30; e++) {
        OK(lrsched_scheduler_step(s));
        if (e % 4 == 0) want = want * 0.9;
        OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &got));
        CHECK(same_bits(got, want));
    }
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Constructors: bad input
 * -------------------------------------------------------------------------------- */

static void test_constructor_errors(void) {
    lrsched_optimizer *o = opt_json(OPT2);
    lrsched_scheduler *s = NULL;
    lrsched_lr_fn f1 = cb_pow095;
    lrsched_lr_fn fnull[2] = {cb_pow095, NULL};
    const double one = 0.1, two[2] = {0.1, 0.2}, three[3] = {0.1, 0.2, 0.3}, nan1 = NAN;
    const int64_t ms1[] = {3}, ms2[] = {3, 6};
    double before[MAXG], bm[MAXG], after[MAXG], am[MAXG];
    size_t n = read_groups(o, before, bm);

    /* NULL optimizer and output */
    CHECK_RC(lrsched_step_lr_create(NULL, 3, 0.1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_step_lr_create(o, 3, 0.1, LRSCHED_FRESH, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_exponential_lr_create(NULL, 0.9, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_create_from_json(NULL, "{\"type\":\"StepLR\",\"step_size\":2}", LRSCHED_NUL_TERMINATED,
                                                &s),
             LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_create_from_json(o, NULL, 3, &s), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_create_from_json(o, "{\"type\":\"StepLR\",\"step_size\":2}", LRSCHED_NUL_TERMINATED,
                                                NULL),
             LRSCHED_NULL_ARGUMENT);

    /* a scheduler handle where an optimizer handle belongs, and the reverse */
    lrsched_scheduler *probe = NULL;
    lrsched_optimizer *po = opt_json("{\"lr\": 0.1}");
    OK(lrsched_exponential_lr_create(po, 0.5, LRSCHED_FRESH, &probe));
    CHECK_ERR(lrsched_step_lr_create((lrsched_optimizer *)(void *)probe, 3, 0.1, LRSCHED_FRESH, &s),
              LRSCHED_TYPE_ERROR, "not an lrsched_optimizer");
    CHECK_ERR(lrsched_scheduler_step((lrsched_scheduler *)(void *)po), LRSCHED_TYPE_ERROR,
              "not an lrsched_scheduler");
    lrsched_optimizer_free((lrsched_optimizer *)(void *)probe); /* wrong kind: ignored */
    lrsched_scheduler_free((lrsched_scheduler *)(void *)po);    /* wrong kind: ignored */
    CHECK(strcmp(lrsched_scheduler_type((lrsched_scheduler *)(void *)po), "") == 0);
    OK(lrsched_scheduler_step(probe));
    lrsched_scheduler_free(probe);
    lrsched_optimizer_free(po);

    /* Lambda / Multiplicative */
    CHECK_RC(lrsched_lambda_lr_create(o, NULL, NULL, 1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_lambda_lr_create(o, &f1, NULL, 0, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR, "n_fns");
    CHECK_RC(lrsched_lambda_lr_create(o, fnull, NULL, 2, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
    {
        lrsched_lr_fn three_fns[3] = {cb_pow095, cb_pow095, cb_pow095};
        CHECK_ERR(lrsched_lambda_lr_create(o, three_fns, NULL, 3, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
                  "Expected 2 lr_lambdas, but got 3");
        CHECK_ERR(lrsched_multiplicative_lr_create(o, three_fns, NULL, 3, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
                  "Expected 2 lr_lambdas, but got 3");
    }
    CHECK_RC(lrsched_lambda_lr_create(o, &f1, NULL, SIZE_MAX, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_lambda_lr_create(o, &f1, NULL, 1, -2, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_lambda_lr_create(o, &f1, NULL, 1, INT64_MIN, &s), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_lambda_lr_create(o, &f1, NULL, 1, 5, &s), LRSCHED_KEY_ERROR, "initial_lr");
    CHECK_RC(lrsched_multiplicative_lr_create(o, NULL, NULL, 1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_multiplicative_lr_create(NULL, &f1, NULL, 1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);

    /* StepLR .. CosineAnnealingWarmRestarts */
    CHECK_RC(lrsched_step_lr_create(o, 3, NAN, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_step_lr_create(o, 3, INFINITY, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_step_lr_create(o, 3, 0.1, INT64_MIN, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_multistep_lr_create(o, NULL, 2, 0.1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_multistep_lr_create(o, ms2, SIZE_MAX, 0.1, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_multistep_lr_create(o, ms2, (size_t)1 << 62, 0.1, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_multistep_lr_create(o, ms2, ((size_t)1 << 61) + 1, 0.1, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_multistep_lr_create(o, ms2, 2, -INFINITY, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_constant_lr_create(o, 1.5, 5, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR, "between 0 and 1");
    CHECK_RC(lrsched_constant_lr_create(o, NAN, 5, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_linear_lr_create(o, 0.0, 1.0, 5, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR, "Starting");
    CHECK_ERR(lrsched_linear_lr_create(o, 0.5, -0.1, 5, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR, "Ending");
    CHECK_RC(lrsched_linear_lr_create(o, NAN, 1.0, 5, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_exponential_lr_create(o, NAN, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_polynomial_lr_create(o, 5, INFINITY, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cosine_annealing_lr_create(o, 5, NAN, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_cosine_annealing_warm_restarts_create(o, 0, 1, 0, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
              "Expected positive integer T_0");
    CHECK_ERR(lrsched_cosine_annealing_warm_restarts_create(o, 5, 0, 0, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
              "T_mult");
    CHECK_RC(lrsched_cosine_annealing_warm_restarts_create(o, INT64_MIN, 1, 0, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cosine_annealing_warm_restarts_create(o, 5, 1, -INFINITY, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);

    /* SequentialLR / ChainedScheduler */
    lrsched_scheduler *k1 = NULL, *k2 = NULL, *plateau = NULL, *foreign = NULL;
    lrsched_optimizer *other = opt_json("{\"lr\": 0.3}");
    OK(lrsched_exponential_lr_create(o, 0.9, LRSCHED_FRESH, &k1));
    OK(lrsched_step_lr_create(o, 2, 0.5, LRSCHED_FRESH, &k2));
    OK(mk_plateau_defaults(o, &plateau));
    OK(lrsched_exponential_lr_create(other, 0.5, LRSCHED_FRESH, &foreign));
    n = read_groups(o, before, bm);
    {
        lrsched_scheduler *kids[2] = {k1, k2}, *with_null[2] = {k1, NULL}, *with_plateau[2] = {k1, plateau},
                          *with_foreign[2] = {k1, foreign};
        CHECK_RC(lrsched_sequential_lr_create(o, NULL, 2, ms1, 1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
        CHECK_RC(lrsched_sequential_lr_create(o, with_null, 2, ms1, 1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
        CHECK_ERR(lrsched_sequential_lr_create(o, kids, 0, ms1, 0, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
                  "at least one scheduler");
        CHECK_ERR(lrsched_sequential_lr_create(o, kids, 2, ms2, 2, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
                  "number of milestones");
        CHECK_RC(lrsched_sequential_lr_create(o, kids, 2, NULL, 1, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
        CHECK_ERR(lrsched_sequential_lr_create(o, with_plateau, 2, ms1, 1, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
                  "ReduceLROnPlateau");
        CHECK_ERR(lrsched_sequential_lr_create(o, with_foreign, 2, ms1, 1, LRSCHED_FRESH, &s), LRSCHED_VALUE_ERROR,
                  "same optimizer");
        CHECK_RC(lrsched_chained_scheduler_create(NULL, 1, NULL, &s), LRSCHED_NULL_ARGUMENT);
        CHECK_RC(lrsched_chained_scheduler_create(kids, 2, NULL, NULL), LRSCHED_NULL_ARGUMENT);
        CHECK_RC(lrsched_chained_scheduler_create(with_null, 2, NULL, &s), LRSCHED_NULL_ARGUMENT);
        CHECK_ERR(lrsched_chained_scheduler_create(kids, 0, NULL, &s), LRSCHED_VALUE_ERROR, "at least one");
        CHECK_RC(lrsched_chained_scheduler_create(with_plateau, 2, o, &s), LRSCHED_VALUE_ERROR);
        CHECK_RC(lrsched_chained_scheduler_create(with_foreign, 2, NULL, &s), LRSCHED_VALUE_ERROR);
        CHECK_RC(lrsched_chained_scheduler_create(kids, 2, other, &s), LRSCHED_VALUE_ERROR);
        CHECK_RC(lrsched_chained_scheduler_create(kids, 2, (lrsched_optimizer *)(void *)k1, &s), LRSCHED_TYPE_ERROR);
        OK(lrsched_chained_scheduler_create(kids, 2, o, &s));
        CHECK(strcmp(lrsched_scheduler_type(s), "ChainedScheduler") == 0);
        lrsched_scheduler_free(s);
    }
    n = read_groups(o, after, am);
    CHECK(same_array(before, after, n) && same_array(bm, am, n)); /* failed constructions changed nothing */
    lrsched_scheduler_free(k1);
    lrsched_scheduler_free(k2);
    lrsched_scheduler_free(plateau);
    lrsched_scheduler_free(foreign);
    lrsched_optimizer_free(other);

    /* ReduceLROnPlateau */
    CHECK_ERR(lrsched_reduce_lr_on_plateau_create(o, 2, 0.1, 10, 1e-4, 0, 0, 0, NULL, 0, 1e-8, &s),
              LRSCHED_VALUE_ERROR, "mode 2 is unknown!");
    CHECK_ERR(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, 1e-4, -1, 0, 0, NULL, 0, 1e-8, &s),
              LRSCHED_VALUE_ERROR, "threshold mode -1 is unknown!");
    CHECK_ERR(lrsched_reduce_lr_on_plateau_create(o, 9, 1.0, 10, 1e-4, 0, 0, 0, NULL, 0, 1e-8, &s),
              LRSCHED_VALUE_ERROR, "Factor should be < 1.0.");
    CHECK_ERR(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, 1e-4, 0, 0, 0, three, 3, 1e-8, &s),
              LRSCHED_VALUE_ERROR, "expected 2 min_lrs, got 3");
    CHECK_RC(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, 1e-4, 0, 0, 0, two, 0, 1e-8, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_reduce_lr_on_plateau_create(o, 0, NAN, 10, 1e-4, 0, 0, 0, NULL, 0, 1e-8, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, NAN, 0, 0, 0, NULL, 0, 1e-8, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, 1e-4, 0, 0, INFINITY, NULL, 0, 1e-8, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, 1e-4, 0, 0, 0, &nan1, 1, 1e-8, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, 1e-4, 0, 0, 0, NULL, 0, NAN, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_reduce_lr_on_plateau_create(NULL, 0, 0.1, 10, 1e-4, 0, 0, 0, NULL, 0, 1e-8, &s),
             LRSCHED_NULL_ARGUMENT);

    /* CyclicLR */
    const double down0 = 0, up_nan = NAN;
    CHECK_ERR(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 0, &down0, 7, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
              LRSCHED_ZERO_DIVISION_ERROR, "float division by zero");
    CHECK_ERR(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 7, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "mode is invalid");
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 0, 1, 2, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cyclic_lr_create(o, NULL, 1, &one, 1, 4, NULL, 0, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_cyclic_lr_create(o, NULL, 0, &one, 1, 4, NULL, 0, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_cyclic_lr_create(o, three, 3, &one, 1, 4, NULL, 0, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "base_lr must have the same length");
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &nan1, 1, 4, NULL, 0, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, NAN, NULL, 0, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, &up_nan, 0, 1, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 0, INFINITY, 0, 1, NULL, 0, NULL, 0, LRSCHED_FRESH,
                                      &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 0, 1, 0, 1, three, 3, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 0, 1, 0, 1, NULL, 2, NULL, 0, LRSCHED_FRESH, &s),
             LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 0, 1, 0, 1, NULL, 0, &nan1, 1, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 0, 1, 0, 1, NULL, 0, NULL, 0, -5, &s),
             LRSCHED_VALUE_ERROR);

    /* OneCycleLR */
    CHECK_ERR(lrsched_one_cycle_lr_create(o, &one, 1, LRSCHED_UNSET, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0,
                                          NULL, 0, 25, 1e4, 0, LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "You must define either total_steps OR (epochs AND steps_per_epoch)");
    CHECK_RC(lrsched_one_cycle_lr_create(o, &one, 1, LRSCHED_UNSET, 5, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0, NULL, 0, 25,
                                         1e4, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_one_cycle_lr_create(o, &one, 1, 0, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0, NULL, 0, 25,
                                          1e4, 0, LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "Expected positive integer total_steps, but got 0");
    CHECK_ERR(lrsched_one_cycle_lr_create(o, &one, 1, LRSCHED_UNSET, -1, 5, 0.3, 0, 1, NULL, 0, NULL, 0, 25, 1e4, 0,
                                          LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "epochs");
    CHECK_ERR(lrsched_one_cycle_lr_create(o, &one, 1, LRSCHED_UNSET, 5, 0, 0.3, 0, 1, NULL, 0, NULL, 0, 25, 1e4, 0,
                                          LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "steps_per_epoch");
    CHECK_RC(lrsched_one_cycle_lr_create(o, &one, 1, LRSCHED_UNSET, INT64_MAX, INT64_MAX, 0.3, 0, 1, NULL, 0, NULL, 0,
                                         25, 1e4, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR); /* overflow */
    CHECK_ERR(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 1.5, 0, 1, NULL, 0, NULL, 0, 25,
                                          1e4, 0, LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "pct_start");
    CHECK_RC(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, NAN, 0, 1, NULL, 0, NULL, 0, 25,
                                         1e4, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 2, 1, NULL, 0, NULL, 0, 25,
                                          1e4, 0, LRSCHED_FRESH, &s),
              LRSCHED_VALUE_ERROR, "anneal_strategy");
    CHECK_RC(lrsched_one_cycle_lr_create(o, three, 3, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0, NULL, 0, 25,
                                         1e4, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_one_cycle_lr_create(o, NULL, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0, NULL, 0, 25,
                                         1e4, 0, LRSCHED_FRESH, &s),
             LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0, NULL, 0, 0,
                                         1e4, 0, LRSCHED_FRESH, &s),
             LRSCHED_ZERO_DIVISION_ERROR);
    CHECK_RC(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0, NULL, 0, 25,
                                         0, 0, LRSCHED_FRESH, &s),
             LRSCHED_ZERO_DIVISION_ERROR);
    CHECK_RC(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0, NULL, 0,
                                         INFINITY, 1e4, 0, LRSCHED_FRESH, &s),
             LRSCHED_VALUE_ERROR);

    /* JSON specs */
    static const struct {
        const char *spec;
        int status;
    } bad_specs[] = {
        {"", LRSCHED_VALUE_ERROR},
        {"{", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"StepLR\", \"step_size\": 3,}", LRSCHED_VALUE_ERROR},
        {"nul", LRSCHED_VALUE_ERROR},
        {"[]", LRSCHED_TYPE_ERROR},
        {"{}", LRSCHED_TYPE_ERROR},
        {"{\"type\": 3}", LRSCHED_TYPE_ERROR},
        {"{\"type\": \"FancyLR\"}", LRSCHED_TYPE_ERROR},
        {"{\"type\": \"StepLR\"}", LRSCHED_TYPE_ERROR},
        {"{\"type\": \"StepLR\", \"step_size\": 3, \"gama\": 0.1}", LRSCHED_TYPE_ERROR},
        {"{\"type\": \"StepLR\", \"step_size\": \"3\"}", LRSCHED_TYPE_ERROR},
        {"{\"type\": \"StepLR\", \"step_size\": 3, \"gamma\": NaN}", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"StepLR\", \"step_size\": 99999999999999999999}", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"LambdaLR\", \"lr_lambda\": \"mystery\"}", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"LambdaLR\", \"lr_lambda\": 3}", LRSCHED_TYPE_ERROR},
        {"{\"type\": \"LambdaLR\", \"lr_lambda\": [\"pow095\"]}", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"OneCycleLR\", \"max_lr\": 0.1, \"total_steps\": 10.0}", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"CosineAnnealingWarmRestarts\", \"T_0\": 5.0}", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"SequentialLR\", \"schedulers\": [], \"milestones\": []}", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"SequentialLR\", \"schedulers\": [{\"type\": \"Nope\"}], \"milestones\": []}", LRSCHED_TYPE_ERROR},
        {"{\"type\": \"ChainedScheduler\", \"schedulers\": 3}", LRSCHED_TYPE_ERROR},
        {"\"\\ud800\"", LRSCHED_VALUE_ERROR},
        {"{\"type\": \"StepLR\", \"step_size\": 3} 1", LRSCHED_VALUE_ERROR},
    };
    for (size_t i = 0; i < sizeof bad_specs / sizeof bad_specs[0]; i++) {
        s = NULL;
        CHECK_RC(lrsched_scheduler_create_from_json(o, bad_specs[i].spec, LRSCHED_NUL_TERMINATED, &s),
                 bad_specs[i].status);
        CHECK(s == NULL);
    }
    n = read_groups(o, after, am);
    CHECK(same_array(before, after, n) && same_array(bm, am, n));
    lrsched_optimizer_free(o);

    /* resuming without initial_lr: torch's KeyError */
    o = opt_json("{\"lr\": 0.1}");
    s = NULL;
    CHECK_ERR(lrsched_scheduler_create_from_json(o, "{\"type\": \"StepLR\", \"step_size\": 3, \"last_epoch\": 4}",
                                                 LRSCHED_NUL_TERMINATED, &s),
              LRSCHED_KEY_ERROR, "initial_lr");
    CHECK(s == NULL);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Callbacks
 * -------------------------------------------------------------------------------- */

struct cb_state {
    int fail_at;         /* epoch at which to return non-zero (-1: never) */
    int nan_at;          /* epoch at which to write NaN */
    int calls;
    lrsched_scheduler *self;
    lrsched_optimizer *opt;
    int reenter_step_rc, reenter_add_rc, reenter_get_rc, reenter_create_rc, reenter_load_rc;
    int free_at;         /* epoch at which to free `self` (the caller's only reference) */
    int in_preview, reenter_preview_rc, reenter_save_rc, reenter_last_lr_rc;
    double scale;
};

static int cb_user(int64_t epoch, void *user, double *out) {
    struct cb_state *st = user;
    st->calls++;
    if (epoch == st->fail_at) return 7;
    if (epoch == st->nan_at) {
        *out = NAN;
        return 0;
    }
    if (st->self) {
        st->reenter_step_rc = lrsched_scheduler_step(st->self);
        double v = 0;
        st->reenter_get_rc = lrsched_optimizer_get(st->opt, 0, LRSCHED_KEY_LR, &v);
        st->reenter_add_rc = lrsched_optimizer_add_group(st->opt, 0.1, 0);
        lrsched_scheduler *x = NULL;
        st->reenter_create_rc = lrsched_exponential_lr_create(st->opt, 0.5, LRSCHED_FRESH, &x);
        st->reenter_load_rc = lrsched_scheduler_state_load(st->self, "{}", 2);
        if (!st->in_preview) { /* reading calls work, previews of the scheduler being stepped included */
            st->in_preview = 1;
            double lrs[2 * MAXG];
            size_t n = 0, len = 0;
            st->reenter_preview_rc = lrsched_preview(&st->self, 1, 2, NULL, 0, lrs, 2 * MAXG, NULL, 0, &n);
            st->reenter_save_rc = lrsched_scheduler_state_save(st->self, NULL, 0, &len);
            st->reenter_last_lr_rc = lrsched_scheduler_last_lr(st->self, lrs, MAXG, &n);
            st->in_preview = 0;
        }
        if (epoch == st->free_at) {
            lrsched_scheduler_free(st->self);
            st->self = NULL;
        }
    }
    *out = st->scale * (double)(epoch + 1);
    return 0;
}

static void test_callbacks(void) {
    lrsched_optimizer *o = opt_json(OPT2);
    lrsched_scheduler *s = NULL;
    struct cb_state a = {.fail_at = -1, .nan_at = -1, .free_at = -1, .scale = 0.5};
    struct cb_state b = {.fail_at = -1, .nan_at = -1, .free_at = -1, .scale = 0.25};
    lrsched_lr_fn fns[2] = {cb_user, cb_user};
    void *users[2] = {&a, &b};
    OK(lrsched_lambda_lr_create(o, fns, users, 2, LRSCHED_FRESH, &s));
    double v = 0;
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.1 * 0.5));
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.05 * 0.25));
    OK(lrsched_scheduler_step(s));
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.05 * (0.25 * 2.0)));
    CHECK(a.calls == 2 && b.calls == 2);

    /* a failing callback aborts the step: nothing changes */
    double before[MAXG], bm[MAXG], after[MAXG], am[MAXG];
    size_t n = read_groups(o, before, bm);
    int64_t e0 = 0, e1 = 0;
    OK(lrsched_scheduler_last_epoch(s, &e0));
    b.fail_at = 2;
    CHECK_ERR(lrsched_scheduler_step(s), LRSCHED_CALLBACK_FAILED, "lr_lambda callback returned 7 at epoch 2");
    read_groups(o, after, am);
    CHECK(same_array(before, after, n));
    OK(lrsched_scheduler_last_epoch(s, &e1));
    CHECK(e0 == e1);
    b.fail_at = -1;
    a.nan_at = 2;
    CHECK_ERR(lrsched_scheduler_step(s), LRSCHED_VALUE_ERROR, "finite");
    read_groups(o, after, am);
    CHECK(same_array(before, after, n));
    a.nan_at = -1;
    OK(lrsched_scheduler_step(s));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.1 * (0.5 * 3.0)));

    /* re-entry: modifying calls are refused inside a callback, reading ones work */
    a.self = s;
    a.opt = o;
    OK(lrsched_scheduler_step(s));
    CHECK(a.reenter_step_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(a.reenter_add_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(a.reenter_create_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(a.reenter_load_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(a.reenter_get_rc == LRSCHED_OK);
    CHECK(a.reenter_preview_rc == LRSCHED_OK);
    CHECK(a.reenter_save_rc == LRSCHED_OK);
    CHECK(a.reenter_last_lr_rc == LRSCHED_OK);
    CHECK(strstr(lrsched_last_error(), "inside an lr_lambda callback") != NULL);
    OK(lrsched_optimizer_group_count(o, &n));
    CHECK(n == 2);
    /* outside callbacks they work again */
    OK(lrsched_optimizer_set(o, 0, LRSCHED_KEY_WEIGHT_DECAY, 0.0));

    /* freeing the scheduler from inside its own callback: the step completes */
    a.free_at = 4;
    OK(lrsched_scheduler_step(s)); /* epoch 4: frees the only reference */
    CHECK(a.self == NULL);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.1 * (0.5 * 5.0)));

    /* failure during construction: the optimizer is left as it was */
    lrsched_optimizer *o2 = opt_json(OPT2);
    n = read_groups(o2, before, bm);
    struct cb_state c = {.fail_at = 0, .nan_at = -1, .free_at = -1, .scale = 1};
    lrsched_lr_fn f = cb_user;
    void *cu = &c;
    s = NULL;
    CHECK_ERR(lrsched_lambda_lr_create(o2, &f, &cu, 1, LRSCHED_FRESH, &s), LRSCHED_CALLBACK_FAILED, "at epoch 0");
    CHECK(s == NULL);
    read_groups(o2, after, am);
    CHECK(same_array(before, after, n));
    int has = 1;
    OK(lrsched_optimizer_has(o2, 0, LRSCHED_KEY_INITIAL_LR, &has));
    CHECK(has == 0);

    /* MultiplicativeLR: a shared function, user data NULL */
    lrsched_lr_fn m = cb_const095;
    OK(lrsched_multiplicative_lr_create(o2, &m, NULL, 1, LRSCHED_FRESH, &s));
    OK(lrsched_scheduler_step(s));
    OK(lrsched_optimizer_get(o2, 1, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.05 * 0.95));
    lrsched_scheduler_free(s);
    struct cb_state d = {.fail_at = 2, .nan_at = -1, .free_at = -1, .scale = 1};
    f = cb_user;
    cu = &d;
    OK(lrsched_multiplicative_lr_create(o2, &f, &cu, 1, LRSCHED_FRESH, &s));
    OK(lrsched_scheduler_step(s));
    CHECK_RC(lrsched_scheduler_step(s), LRSCHED_CALLBACK_FAILED);
    CHECK_RC(lrsched_scheduler_step(s), LRSCHED_CALLBACK_FAILED); /* still epoch 2 */
    d.fail_at = -1;
    OK(lrsched_scheduler_step(s));
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(s, &le));
    CHECK(le == 2);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o2);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Stepping: metric, epoch, readers
 * -------------------------------------------------------------------------------- */

/* The spec builder: any scheduler by name, key by key; the same doubles as JSON. */
static void test_spec_builder(void) {
    /* Every scheduler lrsched_describe() lists has a spec. */
    const char *d = lrsched_describe();
    size_t found = 0;
    for (const char *p = strstr(d, "{\"name\":\""); p; p = strstr(p + 1, "{\"name\":\"")) {
        const char *name = p + 9, *end = strchr(name, '"');
        if (!end || strncmp(end, "\",\"library\"", 11) != 0) continue; /* a parameter */
        char type[64] = {0};
        memcpy(type, name, (size_t)(end - name) < sizeof type - 1 ? (size_t)(end - name) : sizeof type - 1);
        lrsched_spec *s = NULL;
        OK(lrsched_spec_create(type, &s));
        CHECK(s != NULL);
        lrsched_spec_free(s);
        found++;
    }
    CHECK(found >= 15);

    lrsched_optimizer *oa = opt_json("{\"lr\": 0.1, \"momentum\": 0.9}");
    lrsched_optimizer *ob = opt_json("{\"lr\": 0.1, \"momentum\": 0.9}");
    lrsched_spec *s = NULL, *warm = NULL, *lam = NULL;
    CHECK_ERR(lrsched_spec_create("StepLRR", &s), LRSCHED_TYPE_ERROR, "unknown scheduler type 'StepLRR'");
    CHECK_RC(lrsched_spec_create(NULL, &s), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_spec_create("StepLR", NULL), LRSCHED_NULL_ARGUMENT);

    /* SequentialLR(LinearLR, LambdaLR(C function)) built key by key = the JSON spec. */
    OK(lrsched_spec_create("LinearLR", &warm));
    OK(lrsched_spec_set_double(warm, "start_factor", 0.1));
    OK(lrsched_spec_set_int(warm, "total_iters", 4));
    OK(lrsched_spec_create("LambdaLR", &lam));
    lrsched_lr_fn f = cb_pow095;
    CHECK_ERR(lrsched_spec_set_lr_fns(lam, "last_epoch", &f, NULL, 1), LRSCHED_TYPE_ERROR, "'last_epoch' takes an int");
    OK(lrsched_spec_set_lr_fns(lam, "lr_lambda", &f, NULL, 1));
    OK(lrsched_spec_create("SequentialLR", &s));
    OK(lrsched_spec_add_child(s, "schedulers", warm));
    OK(lrsched_spec_add_child(s, "schedulers", lam));
    CHECK_ERR(lrsched_spec_add_child(s, "milestones", warm), LRSCHED_TYPE_ERROR, "'milestones' takes a list of ints");
    CHECK_RC(lrsched_spec_add_child(s, "schedulers", s), LRSCHED_VALUE_ERROR);
    lrsched_spec_free(warm); /* copied into s */
    lrsched_spec_free(lam);
    int64_t ms[] = {4};
    OK(lrsched_spec_set_ints(s, "milestones", ms, 1));
    lrsched_scheduler *a = NULL, *b = NULL;
    OK(lrsched_scheduler_create(oa, s, &a));
    lrsched_spec_free(s);
    b = sched_json(ob, "{\"type\": \"SequentialLR\", \"milestones\": [4], \"schedulers\": ["
                       "{\"type\": \"LinearLR\", \"start_factor\": 0.1, \"total_iters\": 4},"
                       "{\"type\": \"LambdaLR\", \"lr_lambda\": \"pow095\"}]}");
    for (int k = 0; k < 12; k++) {
        double la = 0, lb = -1;
        OK(lrsched_optimizer_get(oa, 0, LRSCHED_KEY_LR, &la));
        OK(lrsched_optimizer_get(ob, 0, LRSCHED_KEY_LR, &lb));
        CHECK(same_bits(la, lb));
        OK(lrsched_scheduler_step(a));
        OK(lrsched_scheduler_step(b));
    }
    lrsched_scheduler_free(a);
    lrsched_scheduler_free(b);

    /* Checks at set time, with the JSON path's messages; a failed set changes nothing. */
    OK(lrsched_spec_create("StepLR", &s));
    CHECK_ERR(lrsched_spec_set_double(s, "step_size", 10.0), LRSCHED_TYPE_ERROR,
              "StepLR: 'step_size' must be an int, got float 10.0");
    CHECK_ERR(lrsched_spec_set_int(s, "stepsize", 3), LRSCHED_TYPE_ERROR,
              "StepLR.__init__() got an unexpected keyword argument 'stepsize'");
    CHECK_ERR(lrsched_spec_set_string(s, "gamma", "0.5"), LRSCHED_TYPE_ERROR, "StepLR: 'gamma' must be a number");
    CHECK_RC(lrsched_spec_set_int(s, NULL, 3), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_spec_set_int(NULL, "step_size", 3), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_scheduler_create(oa, s, &a), LRSCHED_TYPE_ERROR,
              "StepLR.__init__() missing 1 required positional argument: 'step_size'");
    OK(lrsched_spec_set_int(s, "gamma", 1)); /* an int where torch takes a float */
    OK(lrsched_spec_set_int(s, "step_size", 2));
    OK(lrsched_scheduler_create(oa, s, &a));
    lrsched_spec_free(s);
    lrsched_scheduler_free(a);

    /* What the scheduler checks itself fails at create, with torch's error. */
    OK(lrsched_spec_create("ReduceLROnPlateau", &s));
    OK(lrsched_spec_set_string(s, "mode", "sideways"));
    CHECK_ERR(lrsched_scheduler_create(oa, s, &a), LRSCHED_VALUE_ERROR, "mode sideways is unknown!");
    OK(lrsched_spec_set_double(s, "factor", 1.5));
    CHECK_ERR(lrsched_scheduler_create(oa, s, &a), LRSCHED_VALUE_ERROR, "Factor should be < 1.0.");
    OK(lrsched_spec_set_doubles(s, "min_lr", (double[]){0.0, 0.1}, 2));
    CHECK_RC(lrsched_spec_set_null(s, "min_lr"), LRSCHED_TYPE_ERROR);
    lrsched_spec_free(s);
    OK(lrsched_spec_create("OneCycleLR", &s));
    OK(lrsched_spec_set_double(s, "max_lr", 0.1));
    OK(lrsched_spec_set_int(s, "total_steps", 10));
    CHECK_ERR(lrsched_spec_set_int(s, "three_phase", 1), LRSCHED_TYPE_ERROR, "OneCycleLR: 'three_phase' must be a bool");
    OK(lrsched_spec_set_bool(s, "three_phase", 1));
    OK(lrsched_scheduler_create(oa, s, &a));
    double lrs[2];
    size_t n = 0;
    OK(lrsched_scheduler_last_lr(a, lrs, 2, &n));
    CHECK(n == 1 && same_bits(lrs[0], 0.1 + (0.1 / 25.0 - 0.1) / 2.0 * (cos(0.0) + 1))); /* torch's anneal at 0 */
    lrsched_scheduler_free(a);
    lrsched_spec_free(s);
    OK(lrsched_spec_create("CosineAnnealingWarmRestarts", &s));
    OK(lrsched_spec_set_double(s, "T_0", 5.0));
    CHECK_ERR(lrsched_scheduler_create(oa, s, &a), LRSCHED_VALUE_ERROR, "Expected positive integer T_0, but got 5.0");
    lrsched_spec_free(s);
    lrsched_spec_free(NULL);
    lrsched_optimizer_free(oa);
    lrsched_optimizer_free(ob);
}

/* lrsched_describe(): the descriptors as JSON; lrsched_scheduler_flags(): how each steps. */
static void test_describe_and_flags(void) {
    const char *d = lrsched_describe();
    CHECK(d != NULL && d == lrsched_describe()); /* static storage */
    CHECK(strncmp(d, "{\"lrsched_version\":\"", 20) == 0);
    CHECK(strstr(d, lrsched_version()) != NULL);
    CHECK(strstr(d, "{\"name\":\"StepLR\",\"library\":\"torch\"") != NULL);
    CHECK(strstr(d, "\"name\":\"step_size\",\"kind\":{\"kind\":\"int\"},\"required\":true") != NULL);

    lrsched_optimizer *o = opt_json("{\"lr\": 1.0}");
    struct { const char *spec; uint32_t flags; } cases[] = {
        {"{\"type\": \"StepLR\", \"step_size\": 2}", 0},
        {"{\"type\": \"ReduceLROnPlateau\"}", LRSCHED_FLAG_METRIC | LRSCHED_FLAG_NO_EPOCH},
        {"{\"type\": \"CosineAnnealingWarmRestarts\", \"T_0\": 3}", LRSCHED_FLAG_FRACTIONAL_EPOCH},
        {"{\"type\": \"SequentialLR\", \"schedulers\": [{\"type\": \"ExponentialLR\", \"gamma\": 0.5}], "
         "\"milestones\": []}", LRSCHED_FLAG_COMPOSITE | LRSCHED_FLAG_NO_EPOCH},
        {"{\"type\": \"ChainedScheduler\", \"schedulers\": [{\"type\": \"ExponentialLR\", \"gamma\": 0.5}]}",
         LRSCHED_FLAG_COMPOSITE | LRSCHED_FLAG_NO_EPOCH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lrsched_scheduler *s = NULL;
        OK(lrsched_scheduler_create_from_json(o, cases[i].spec, strlen(cases[i].spec), &s));
        uint32_t f = 99;
        OK(lrsched_scheduler_flags(s, &f));
        CHECK(f == cases[i].flags);
        CHECK_RC(lrsched_scheduler_flags(s, NULL), LRSCHED_NULL_ARGUMENT);
        lrsched_scheduler_free(s);
    }
    uint32_t f = 0;
    CHECK_RC(lrsched_scheduler_flags(NULL, &f), LRSCHED_NULL_ARGUMENT);

    /* timm's schedulers step at an index given explicitly (lrsched_scheduler_step_at). */
    lrsched_scheduler *tm = sched_json(o, "{\"type\": \"timm.StepLRScheduler\", \"decay_t\": 2, \"decay_rate\": 0.5}");
    OK(lrsched_scheduler_flags(tm, &f));
    CHECK(f == LRSCHED_FLAG_STEP_AT_EPOCH);
    CHECK_RC(lrsched_scheduler_step(tm), LRSCHED_TYPE_ERROR);
    double lr = 0, metric = 1.0;
    OK(lrsched_scheduler_step_at(tm, 4, 0, NULL)); /* epoch 4: two decays */
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &lr));
    CHECK(same_bits(lr, 1.0 * 0.5 * 0.5));
    OK(lrsched_scheduler_step_at(tm, 6, 1, &metric)); /* step_update: only the metric */
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &lr));
    CHECK(same_bits(lr, 0.25));
    CHECK_RC(lrsched_scheduler_step_at(NULL, 1, 0, NULL), LRSCHED_NULL_ARGUMENT);
    lrsched_scheduler_free(tm);
    lrsched_scheduler *upd = sched_json(o, "{\"type\": \"timm.CosineLRScheduler\", \"t_initial\": 10, \"t_in_epochs\": false}");
    OK(lrsched_scheduler_flags(upd, &f));
    CHECK(f == (LRSCHED_FLAG_STEP_AT_UPDATE | LRSCHED_FLAG_CYCLES));
    lrsched_scheduler_free(upd);
    lrsched_scheduler *plain = sched_json(o, "{\"type\": \"StepLR\", \"step_size\": 2}");
    CHECK_ERR(lrsched_scheduler_step_at(plain, 1, 0, NULL), LRSCHED_TYPE_ERROR, "timm's");
    lrsched_scheduler_free(plain);
    lrsched_optimizer_free(o);
}

/* timm's get_cycle_length (lrsched_scheduler_cycle_length) and create_scheduler_v2's
 * num_epochs (lrsched_scheduler_num_epochs), against timm 1.0.31's formulas by hand. */
static void test_cycle_length(void) {
    lrsched_optimizer *o = opt_json("{\"lr\": 1.0}");
    int64_t n = -1;
    lrsched_scheduler *cos = sched_json(o, "{\"type\": \"timm.CosineLRScheduler\", \"t_initial\": 10, "
                                           "\"cycle_mul\": 2.0, \"cycle_limit\": 3}");
    OK(lrsched_scheduler_cycle_length(cos, 0, &n));
    CHECK(n == 70); /* floor(-10 * (2 ** 3 - 1) / (1 - 2)) */
    OK(lrsched_scheduler_cycle_length(cos, 2, &n));
    CHECK(n == 30);
    CHECK_RC(lrsched_scheduler_cycle_length(cos, 0, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_cycle_length(NULL, 0, &n), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_scheduler_num_epochs(cos, &n), LRSCHED_TYPE_ERROR, "create_scheduler_v2");
    CHECK(n == 30); /* unchanged by the failed call */
    lrsched_scheduler_free(cos);
    lrsched_scheduler *wsd = sched_json(o, "{\"type\": \"timm.WSDLRScheduler\", \"t_initial\": 20, \"decay_t\": 5, "
                                           "\"warmup_t\": 3}");
    OK(lrsched_scheduler_cycle_length(wsd, 0, &n));
    CHECK(n == 23);
    lrsched_scheduler_free(wsd);
    lrsched_scheduler *st = sched_json(o, "{\"type\": \"timm.StepLRScheduler\", \"decay_t\": 2}");
    CHECK_ERR(lrsched_scheduler_cycle_length(st, 0, &n), LRSCHED_TYPE_ERROR, "get_cycle_length");
    lrsched_scheduler_free(st);
    lrsched_scheduler *f = sched_json(o, "{\"type\": \"timm.create_scheduler_v2\", \"num_epochs\": 10, "
                                         "\"warmup_epochs\": 5, \"warmup_prefix\": true, \"cooldown_epochs\": 3}");
    OK(lrsched_scheduler_num_epochs(f, &n));
    CHECK(n == 18); /* get_cycle_length() (10 + 5) + cooldown 3 */
    lrsched_scheduler_free(f);
    lrsched_optimizer_free(o);
}

/* A C decay_fn for timm's WSD: 1 - x, timm's 'linear'; fails past 0.5 when user is set. */
static int linear_decay(double x, void *user, double *out) {
    if (user != NULL && x > 0.5) return 3;
    *out = 1.0 - x;
    return 0;
}

/* lrsched_spec_create_from_json + lrsched_spec_set_real_fn: a callable decay_fn equal to
 * a named one gives the same doubles; a failing one aborts the step, changing nothing. */
static void test_real_fn(void) {
    const char *json = "{\"type\": \"timm.WSDLRScheduler\", \"t_initial\": 10, \"decay_t\": 4, \"decay_fn\": \"linear\"}";
    lrsched_optimizer *oa = opt_json("{\"lr\": 1.0}"), *ob = opt_json("{\"lr\": 1.0}");
    lrsched_scheduler *named = sched_json(oa, json), *called = NULL, *failing = NULL;
    lrsched_spec *spec = NULL;
    OK(lrsched_spec_create_from_json(json, LRSCHED_NUL_TERMINATED, &spec));
    CHECK_ERR(lrsched_spec_set_real_fn(spec, "lr_min", linear_decay, NULL), LRSCHED_TYPE_ERROR, "lr_min");
    CHECK_RC(lrsched_spec_set_real_fn(spec, "decay_fn", NULL, NULL), LRSCHED_NULL_ARGUMENT);
    OK(lrsched_spec_set_real_fn(spec, "decay_fn", linear_decay, NULL));
    OK(lrsched_scheduler_create(ob, spec, &called));
    for (int64_t t = 1; t <= 12; t++) {
        double a = 0, b = 0;
        OK(lrsched_scheduler_step_at(named, t, 0, NULL));
        OK(lrsched_scheduler_step_at(called, t, 0, NULL));
        OK(lrsched_optimizer_get(oa, 0, LRSCHED_KEY_LR, &a));
        OK(lrsched_optimizer_get(ob, 0, LRSCHED_KEY_LR, &b));
        CHECK(same_bits(a, b));
    }
    lrsched_optimizer *oc = opt_json("{\"lr\": 1.0}");
    OK(lrsched_spec_set_real_fn(spec, "decay_fn", linear_decay, (void *)1));
    OK(lrsched_scheduler_create(oc, spec, &failing));
    double before = 0, after = 0;
    OK(lrsched_scheduler_step_at(failing, 7, 0, NULL)); /* progress 0.25 */
    OK(lrsched_optimizer_get(oc, 0, LRSCHED_KEY_LR, &before));
    CHECK_ERR(lrsched_scheduler_step_at(failing, 9, 0, NULL), LRSCHED_CALLBACK_FAILED, "decay_fn"); /* 0.75 */
    OK(lrsched_optimizer_get(oc, 0, LRSCHED_KEY_LR, &after));
    CHECK(same_bits(before, after));
    lrsched_spec *factory = NULL; /* a nullable function parameter: create_scheduler_v2's decay_fn */
    lrsched_scheduler *built = NULL;
    OK(lrsched_spec_create_from_json("{\"type\": \"timm.create_scheduler_v2\", \"sched\": \"wsd\", \"num_epochs\": 10}",
                                     LRSCHED_NUL_TERMINATED, &factory));
    OK(lrsched_spec_set_real_fn(factory, "decay_fn", linear_decay, NULL));
    OK(lrsched_scheduler_create(oc, factory, &built));
    CHECK(strcmp(lrsched_scheduler_type(built), "timm.WSDLRScheduler") == 0);
    lrsched_scheduler_free(built);
    lrsched_spec_free(factory);
    lrsched_spec *bad = NULL;
    CHECK_RC(lrsched_spec_create_from_json("[1]", LRSCHED_NUL_TERMINATED, &bad), LRSCHED_TYPE_ERROR);
    CHECK_ERR(lrsched_spec_create_from_json("{\"type\": \"StepLR\", \"step_size\": 1.5}", LRSCHED_NUL_TERMINATED, &bad),
              LRSCHED_TYPE_ERROR, "step_size");
    CHECK(bad == NULL);
    lrsched_spec_free(spec);
    lrsched_scheduler_free(named);
    lrsched_scheduler_free(called);
    lrsched_scheduler_free(failing);
    lrsched_optimizer_free(oa);
    lrsched_optimizer_free(ob);
    lrsched_optimizer_free(oc);
}

/* timm's lr_scale is a group key (LRSCHED_KEY_LR_SCALE, "lr_scale" in the optimizer spec):
 * timm's schedulers write value * lr_scale, reading it at every write. */
static void test_lr_scale_key(void) {
    lrsched_optimizer *o = opt_json("{\"lr\": 1.0, \"groups\": [{\"lr_scale\": 0.5}, {}]}");
    int has = -1;
    double v = 0;
    OK(lrsched_optimizer_has(o, 1, LRSCHED_KEY_LR_SCALE, &has));
    CHECK(has == 0);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR_SCALE, &v));
    CHECK(v == 0.5);
    lrsched_scheduler *s = sched_json(o, "{\"type\": \"timm.StepLRScheduler\", \"decay_t\": 1, \"decay_rate\": 0.5}");
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 1.0 * 0.5));
    OK(lrsched_optimizer_set(o, 1, LRSCHED_KEY_LR_SCALE, 0.25));
    OK(lrsched_optimizer_unset(o, 0, LRSCHED_KEY_LR_SCALE));
    OK(lrsched_scheduler_step_at(s, 1, 0, NULL));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.5));
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_LR, &v));
    CHECK(same_bits(v, 0.5 * 0.25));
    CHECK_RC(lrsched_optimizer_set(o, 1, LRSCHED_KEY_LR_SCALE, NAN), LRSCHED_VALUE_ERROR);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
}

static void test_stepping(void) {
    lrsched_optimizer *o = opt_json("{\"lr\": 1.0}");
    lrsched_scheduler *p = NULL, *st = NULL;
    OK(lrsched_reduce_lr_on_plateau_create(o, LRSCHED_MODE_MIN, 0.5, 0, 0.0, LRSCHED_THRESHOLD_ABS, 0, 0.0, NULL, 0,
                                           1e-8, &p));
    CHECK_ERR(lrsched_scheduler_step(p), LRSCHED_TYPE_ERROR, "metrics");
    CHECK_RC(lrsched_scheduler_step_epoch(p, 3), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_scheduler_step_epoch(p, 3.5), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_scheduler_step_metric(NULL, 1.0), LRSCHED_NULL_ARGUMENT);
    OK(lrsched_scheduler_step_metric(p, 1.0));
    OK(lrsched_scheduler_step_metric(p, 2.0)); /* bad epoch, patience 0: halve */
    double v = 0;
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.5);
    OK(lrsched_scheduler_step_metric(p, NAN)); /* NaN: a bad epoch */
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.25);
    OK(lrsched_scheduler_step_metric(p, -INFINITY));
    OK(lrsched_scheduler_step_metric(p, INFINITY));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.125);
    size_t n = 9;
    OK(lrsched_scheduler_base_lrs(p, NULL, 0, &n));
    CHECK(n == 0); /* empty for ReduceLROnPlateau */
    lrsched_scheduler_free(p);

    OK(lrsched_step_lr_create(o, 2, 0.5, LRSCHED_FRESH, &st));
    CHECK_ERR(lrsched_scheduler_step_metric(st, 1.0), LRSCHED_TYPE_ERROR, "metric");
    OK(lrsched_scheduler_step_epoch(st, 4)); /* closed form: base * 0.5^2 */
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.125 * 0.25);
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(st, &le));
    CHECK(le == 4);
    CHECK_ERR(lrsched_scheduler_step_epoch(st, 1.5), LRSCHED_VALUE_ERROR, "integer");
    CHECK_RC(lrsched_scheduler_step_epoch(st, NAN), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_scheduler_step_epoch(st, INFINITY), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_scheduler_step_epoch(st, 1e300), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_scheduler_step_epoch(st, 9223372036854775808.0), LRSCHED_VALUE_ERROR);
    OK(lrsched_scheduler_step_epoch(st, -4)); /* negative epochs are torch's business */
    OK(lrsched_scheduler_step_epoch(st, -0.0));
    CHECK_RC(lrsched_scheduler_step_epoch(NULL, 1), LRSCHED_NULL_ARGUMENT);
    OK(lrsched_scheduler_last_epoch(st, &le));
    CHECK(le == 0);
    CHECK_RC(lrsched_scheduler_last_epoch(st, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_last_epoch(NULL, &le), LRSCHED_NULL_ARGUMENT);

    /* buffers */
    double buf[4] = {9, 9, 9, 9};
    CHECK_RC(lrsched_scheduler_last_lr(NULL, buf, 4, &n), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_last_lr(st, buf, 4, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_last_lr(st, buf, 0, &n), LRSCHED_BUFFER_TOO_SMALL); /* not a size query */
    CHECK(n == 1 && buf[0] == 9);
    lrsched_scheduler_free(st);
    lrsched_optimizer_free(o);

    o = opt_json(OPT2);
    OK(lrsched_exponential_lr_create(o, 0.5, LRSCHED_FRESH, &st));
    n = 0;
    CHECK_RC(lrsched_scheduler_last_lr(st, buf, 1, &n), LRSCHED_BUFFER_TOO_SMALL);
    CHECK(n == 2 && buf[0] == 9);
    CHECK_RC(lrsched_scheduler_base_lrs(st, buf, 1, &n), LRSCHED_BUFFER_TOO_SMALL);
    CHECK_RC(lrsched_scheduler_base_lrs(st, NULL, 3, &n), LRSCHED_BUFFER_TOO_SMALL);
    CHECK_RC(lrsched_scheduler_base_lrs(NULL, buf, 4, &n), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_base_lrs(st, buf, 4, NULL), LRSCHED_NULL_ARGUMENT);
    OK(lrsched_scheduler_base_lrs(st, buf, 4, &n));
    CHECK(n == 2 && buf[0] == 0.1 && buf[1] == 0.05 && buf[2] == 9);
    OK(lrsched_scheduler_step(st));
    OK(lrsched_scheduler_last_lr(st, buf, 2, &n));
    CHECK(n == 2 && buf[0] == 0.05 && buf[1] == 0.025);
    CHECK_RC(lrsched_scheduler_step(NULL), LRSCHED_NULL_ARGUMENT);
    CHECK(strcmp(lrsched_scheduler_type(NULL), "") == 0);
    lrsched_scheduler_free(st);
    lrsched_scheduler_free(NULL);

    /* CosineAnnealingWarmRestarts takes fractional epochs */
    lrsched_scheduler *w = NULL, *wj = NULL;
    lrsched_optimizer *oj = opt_json(OPT2);
    OK(lrsched_cosine_annealing_warm_restarts_create(o, 3, 2, 0.001, LRSCHED_FRESH, &w));
    wj = sched_json(oj, "{\"type\":\"CosineAnnealingWarmRestarts\",\"T_0\":3,\"T_mult\":2,\"eta_min\":0.001}");
    OK(lrsched_scheduler_step_epoch(w, 2.5));
    OK(lrsched_scheduler_step_epoch(w, 7.25));
    OK(lrsched_scheduler_step_epoch(w, 1e15));
    CHECK_ERR(lrsched_scheduler_step_epoch(w, -0.5), LRSCHED_VALUE_ERROR, "non-negative");
    CHECK_RC(lrsched_scheduler_step_epoch(w, NAN), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_scheduler_step_epoch(w, INFINITY), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_scheduler_step_epoch(w, 1e300), LRSCHED_VALUE_ERROR);
    OK(lrsched_scheduler_step_epoch(w, 4));
    OK(lrsched_scheduler_step(w));
    OK(lrsched_scheduler_step_epoch(wj, 4));
    OK(lrsched_scheduler_step(wj));
    compare_schedulers("CosineAnnealingWarmRestarts/step_epoch", o, w, oj, wj, 0);
    lrsched_scheduler_free(w);
    lrsched_scheduler_free(wj);
    lrsched_optimizer_free(oj);

    /* composites take no epoch */
    lrsched_scheduler *seq =
        sched_json(o, "{\"type\":\"SequentialLR\",\"schedulers\":[{\"type\":\"ConstantLR\"},"
                      "{\"type\":\"ExponentialLR\",\"gamma\":0.9}],\"milestones\":[2]}");
    CHECK_ERR(lrsched_scheduler_step_epoch(seq, 3), LRSCHED_TYPE_ERROR, "positional");
    CHECK_RC(lrsched_scheduler_step_epoch(seq, 0.5), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_scheduler_step_metric(seq, 0.5), LRSCHED_TYPE_ERROR);
    n = 5;
    OK(lrsched_scheduler_base_lrs(seq, NULL, 0, &n));
    CHECK(n == 0);
    lrsched_scheduler *ch = sched_json(o, "{\"type\":\"ChainedScheduler\",\"schedulers\":[{\"type\":\"ConstantLR\"}]}");
    CHECK_RC(lrsched_scheduler_step_epoch(ch, 3), LRSCHED_TYPE_ERROR);
    OK(lrsched_scheduler_step(seq));
    OK(lrsched_scheduler_step(ch));
    lrsched_scheduler_free(seq);
    lrsched_scheduler_free(ch);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Past the end, ZeroDivisionError, changed group counts
 * -------------------------------------------------------------------------------- */

/* lrsched_scheduler_step_epoch_int: exact int64 epochs, and torch's classes where its
 * Python arithmetic raises (OverflowError, ZeroDivisionError), nothing changed then. */
static void test_int_epochs(void) {
    lrsched_optimizer *o = opt_json("{\"lr\": 0.1}");
    lrsched_scheduler *s = NULL;
    const int64_t big = ((int64_t)1 << 53) + 1;
    double v = 0;
    OK(lrsched_multistep_lr_create(o, &big, 1, 0.5, LRSCHED_FRESH, &s));
    OK(lrsched_scheduler_step_epoch(s, (double)big)); /* rounds to 2^53: before the milestone */
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.1);
    OK(lrsched_scheduler_step_epoch_int(s, big));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.05);
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(s, &le));
    CHECK(le == big);
    CHECK_RC(lrsched_scheduler_step_epoch_int(NULL, 1), LRSCHED_NULL_ARGUMENT);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);

    o = opt_json("{\"lr\": 0.1}");
    OK(lrsched_exponential_lr_create(o, 1e300, LRSCHED_FRESH, &s));
    OK(lrsched_scheduler_step(s)); /* chainable: 0.1 * 1e300 */
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK_ERR(lrsched_scheduler_step_epoch_int(s, 5), LRSCHED_OVERFLOW_ERROR, "Numerical result out of range");
    CHECK_ERR(lrsched_scheduler_step_epoch(s, 5), LRSCHED_OVERFLOW_ERROR, "Numerical result out of range");
    double after = 0;
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &after));
    CHECK(after == v);
    OK(lrsched_scheduler_last_epoch(s, &le));
    CHECK(le == 1);
    CHECK_ERR(lrsched_scheduler_step(s), LRSCHED_VALUE_ERROR, "non-finite"); /* torch writes inf */
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);

    o = opt_json("{\"lr\": 0.1}");
    OK(lrsched_step_lr_create(o, -1, 0.0, LRSCHED_FRESH, &s));
    OK(lrsched_scheduler_step(s));
    CHECK_ERR(lrsched_scheduler_step_epoch_int(s, 3), LRSCHED_ZERO_DIVISION_ERROR, "negative power");
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
}

static void test_step_errors(void) {
    lrsched_optimizer *o = opt_json("{\"lr\": 0.1, \"momentum\": 0.9}");
    lrsched_scheduler *s = sched_json(o, "{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":10}");
    for (int k = 0; k < 10; k++) OK(lrsched_scheduler_step(s));
    double before[MAXG], bm[MAXG], after[MAXG], am[MAXG];
    size_t n = read_groups(o, before, bm);
    char *state = sched_state(s);
    CHECK_ERR(lrsched_scheduler_step(s), LRSCHED_VALUE_ERROR, "Tried to step 11 times");
    CHECK_ERR(lrsched_scheduler_step(s), LRSCHED_VALUE_ERROR, "Tried to step 11 times");
    read_groups(o, after, am);
    CHECK(same_array(before, after, n) && same_array(bm, am, n));
    char *state2 = sched_state(s);
    CHECK(strcmp(state, state2) == 0);
    free(state);
    free(state2);
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(s, &le));
    CHECK(le == 10);
    OK(lrsched_scheduler_step_epoch(s, 3)); /* still usable */
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);

    o = opt_json("{\"lr\": 0.1}");
    OK(lrsched_step_lr_create(o, 0, 0.1, LRSCHED_FRESH, &s));
    CHECK_ERR(lrsched_scheduler_step(s), LRSCHED_ZERO_DIVISION_ERROR, "modulo by zero");
    CHECK_RC(lrsched_scheduler_step_epoch(s, 3), LRSCHED_ZERO_DIVISION_ERROR);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);

    /* Every scheduler type, then a group added behind its back: a status, no crash. */
    for (size_t i = 0; i < N_PAIRS; i++) {
        const struct pair *p = &pairs[i];
        o = opt_json(p->opt);
        s = NULL;
        OK(p->make(o, &s));
        OK(step_pair(p, s, 0));
        OK(lrsched_optimizer_add_group(o, 0.5, 0.9));
        for (int k = 1; k < 4; k++) {
            int rc = step_pair(p, s, k);
            CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
            if (rc != LRSCHED_OK) CHECK(lrsched_last_error()[0] != '\0');
        }
        double buf[MAXG];
        size_t c = 0;
        int rc = lrsched_scheduler_last_lr(s, buf, MAXG, &c);
        CHECK(rc == LRSCHED_OK);
        free(sched_state(s));
        lrsched_scheduler *copy = p->metric ? NULL : s;
        if (copy) {
            double lrs[3 * MAXG];
            rc = lrsched_preview(&copy, 1, 3, NULL, 0, lrs, 3 * MAXG, NULL, 0, &c);
            CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
        }
        lrsched_scheduler_free(s);
        lrsched_optimizer_free(o);
    }
}

/* ----------------------------------------------------------------------------------
 * State save/load
 * -------------------------------------------------------------------------------- */

static void test_state(void) {
    for (size_t i = 0; i < N_PAIRS; i++) {
        const struct pair *p = &pairs[i];
        lrsched_optimizer *oa = opt_json(p->opt), *ob = opt_json(p->opt);
        lrsched_scheduler *a = NULL, *b = NULL;
        OK(p->make(oa, &a));
        int half = p->steps / 2;
        for (int k = 0; k < half; k++) OK(step_pair(p, a, k));
        char *os = opt_state(oa), *ss = sched_state(a);
        /* a fresh pair restored from the states continues identically */
        OK(p->make(ob, &b));
        OK(lrsched_optimizer_state_load(ob, os, LRSCHED_NUL_TERMINATED));
        OK(lrsched_scheduler_state_load(b, ss, strlen(ss)));
        compare_schedulers(p->name, oa, a, ob, b, half);
        for (int k = half; k < p->steps; k++) {
            OK(step_pair(p, a, k));
            OK(step_pair(p, b, k));
        }
        compare_schedulers(p->name, oa, a, ob, b, p->steps);
        /* bad states change nothing */
        char *before = sched_state(b);
        CHECK_RC(lrsched_scheduler_state_load(b, "{\"last_epoch\": \"x\"}", LRSCHED_NUL_TERMINATED),
                 LRSCHED_VALUE_ERROR);
        CHECK_RC(lrsched_scheduler_state_load(b, "{\"no_such_key\": 1}", LRSCHED_NUL_TERMINATED), LRSCHED_VALUE_ERROR);
        CHECK_RC(lrsched_scheduler_state_load(b, "[1, 2]", LRSCHED_NUL_TERMINATED), LRSCHED_VALUE_ERROR);
        CHECK_RC(lrsched_scheduler_state_load(b, ss, strlen(ss) - 1), LRSCHED_VALUE_ERROR);
        CHECK_RC(lrsched_scheduler_state_load(b, NULL, 5), LRSCHED_NULL_ARGUMENT);
        CHECK_RC(lrsched_scheduler_state_load(NULL, ss, LRSCHED_NUL_TERMINATED), LRSCHED_NULL_ARGUMENT);
        char *after = sched_state(b);
        CHECK(strcmp(before, after) == 0);
        /* counters at the int64 edge: stepping fails cleanly */
        int rc = lrsched_scheduler_state_load(b, "{\"last_epoch\": 9223372036854775807, \"_step_count\": 9223372036854775807}",
                                              LRSCHED_NUL_TERMINATED);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
        rc = step_pair(p, b, 0);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
        rc = lrsched_scheduler_step_epoch(b, -9.2e18);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
        rc = step_pair(p, b, 1);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
        free(before);
        free(after);
        free(os);
        free(ss);
        lrsched_scheduler_free(a);
        lrsched_scheduler_free(b);
        lrsched_optimizer_free(oa);
        lrsched_optimizer_free(ob);
    }

    /* buffers */
    lrsched_optimizer *o = opt_json("{\"lr\": 0.1}");
    lrsched_scheduler *s = sched_json(o, "{\"type\":\"StepLR\",\"step_size\":2}");
    char buf[16];
    size_t len = 0;
    memset(buf, 'z', sizeof buf);
    CHECK_RC(lrsched_scheduler_state_save(s, buf, sizeof buf, &len), LRSCHED_BUFFER_TOO_SMALL);
    CHECK(len > sizeof buf && buf[0] == 'z');
    CHECK_RC(lrsched_scheduler_state_save(s, NULL, 100, &len), LRSCHED_BUFFER_TOO_SMALL);
    CHECK_RC(lrsched_scheduler_state_save(s, buf, sizeof buf, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_state_save(NULL, buf, sizeof buf, &len), LRSCHED_NULL_ARGUMENT);
    char *st = sched_state(s);
    CHECK(strcmp(st, "{\"step_size\":2,\"gamma\":0.1,\"base_lrs\":[0.1],\"last_epoch\":0,\"_step_count\":1,"
                     "\"_is_initial\":false,\"_get_lr_called_within_step\":false,\"_last_lr\":[0.1]}") == 0);
    free(st);
    /* non-finite values are written as strings */
    lrsched_scheduler *p = NULL;
    OK(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, 10, 1e-4, 0, 0, 0, NULL, 0, 1e-8, &p));
    st = sched_state(p);
    CHECK(strstr(st, "\"best\":\"Infinity\"") != NULL);
    OK(lrsched_scheduler_state_load(p, st, LRSCHED_NUL_TERMINATED));
    free(st);
    lrsched_scheduler_free(p);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Preview
 * -------------------------------------------------------------------------------- */

static void test_preview(void) {
    for (size_t i = 0; i < N_PAIRS; i++) {
        const struct pair *p = &pairs[i];
        lrsched_optimizer *o = opt_json(p->opt);
        lrsched_scheduler *s = NULL;
        OK(p->make(o, &s));
        size_t groups = 0;
        OK(lrsched_optimizer_group_count(o, &groups));
        int steps = p->steps;
        double *lrs = calloc((size_t)steps * groups, sizeof(double));
        double *moms = calloc((size_t)steps * groups, sizeof(double));
        if (!lrs || !moms) abort();
        char *state_before = sched_state(s);
        double before[MAXG], bm[MAXG], now[MAXG], nm[MAXG];
        read_groups(o, before, bm);
        size_t ng = 0;
        OK(lrsched_preview(&s, 1, steps, p->metric ? plateau_metrics : NULL, p->metric ? (size_t)steps : 0, lrs,
                           (size_t)steps * groups, moms, (size_t)steps * groups, &ng));
        CHECK(ng == groups);
        /* untouched */
        read_groups(o, now, nm);
        CHECK(same_array(before, now, groups) && same_array(bm, nm, groups));
        char *state_after = sched_state(s);
        CHECK(strcmp(state_before, state_after) == 0);
        free(state_before);
        free(state_after);
        /* identical to stepping */
        for (int k = 0; k < steps; k++) {
            OK(step_pair(p, s, k));
            read_groups(o, now, nm);
            if (!same_array(now, lrs + (size_t)k * groups, groups) || !same_array(nm, moms + (size_t)k * groups, groups)) {
                fprintf(stderr, "%s: preview differs from stepping at step %d\n", p->name, k + 1);
                test_failures++;
                break;
            }
        }
        free(lrs);
        free(moms);
        lrsched_scheduler_free(s);
        lrsched_optimizer_free(o);
    }

    /* several schedulers on one optimizer, a plateau among them */
    lrsched_optimizer *o = opt_json(OPT2);
    lrsched_scheduler *two[2] = {sched_json(o, "{\"type\":\"ExponentialLR\",\"gamma\":0.9}"), NULL};
    OK(mk_plateau(o, &two[1]));
    double lrs[2 * 6], moms[2 * 6];
    size_t ng = 0;
    OK(lrsched_preview(two, 2, 6, plateau_metrics, 25, lrs, 12, NULL, 0, &ng));
    CHECK(ng == 2);
    for (int k = 0; k < 6; k++) {
        OK(lrsched_scheduler_step(two[0]));
        OK(lrsched_scheduler_step_metric(two[1], plateau_metrics[k]));
        double now[MAXG], nm[MAXG];
        read_groups(o, now, nm);
        CHECK(same_array(now, lrs + 2 * k, 2));
    }

    /* bad input */
    lrsched_optimizer *other = opt_json("{\"lr\": 1.0}");
    lrsched_scheduler *foreign = sched_json(other, "{\"type\":\"ExponentialLR\",\"gamma\":0.9}");
    lrsched_scheduler *mixed[2] = {two[0], foreign}, *with_null[2] = {two[0], NULL};
    CHECK_RC(lrsched_preview(two, 2, 6, plateau_metrics, 25, lrs, 12, NULL, 0, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_preview(NULL, 1, 6, NULL, 0, lrs, 12, NULL, 0, &ng), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_preview(with_null, 2, 6, NULL, 0, lrs, 12, NULL, 0, &ng), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_preview(two, 0, 6, NULL, 0, lrs, 12, NULL, 0, &ng), LRSCHED_VALUE_ERROR, "at least one");
    CHECK_ERR(lrsched_preview(two, 2, -1, plateau_metrics, 25, lrs, 12, NULL, 0, &ng), LRSCHED_VALUE_ERROR, ">= 0");
    CHECK_RC(lrsched_preview(two, 2, INT64_MAX, plateau_metrics, 25, lrs, 12, NULL, 0, &ng), LRSCHED_OUT_OF_MEMORY);
    /* the cap is on steps x groups, checked before the buffers and the metrics */
    CHECK_ERR(lrsched_preview(two, 2, LRSCHED_MAX_PREVIEW_VALUES / 2 + 1, NULL, 0, NULL, 0, NULL, 0, &ng),
              LRSCHED_OUT_OF_MEMORY, "limit of 67108864 values");
    CHECK_RC(lrsched_preview(two, 2, LRSCHED_MAX_PREVIEW_VALUES / 2, plateau_metrics, 25, lrs, 12, NULL, 0, &ng),
             LRSCHED_BUFFER_TOO_SMALL);
    CHECK_RC(lrsched_preview(two, 2, INT64_MIN, plateau_metrics, 25, lrs, 12, NULL, 0, &ng), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_preview(two, 2, 6, NULL, 0, lrs, 12, NULL, 0, &ng), LRSCHED_VALUE_ERROR, "metric");
    CHECK_RC(lrsched_preview(two, 2, 6, plateau_metrics, 3, lrs, 12, NULL, 0, &ng), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_preview(two, 2, 6, NULL, 3, lrs, 12, NULL, 0, &ng), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_preview(mixed, 2, 6, NULL, 0, lrs, 12, NULL, 0, &ng), LRSCHED_VALUE_ERROR);
    ng = 0;
    CHECK_ERR(lrsched_preview(two, 2, 6, plateau_metrics, 25, lrs, 11, NULL, 0, &ng), LRSCHED_BUFFER_TOO_SMALL,
              "12 values");
    CHECK(ng == 2);
    CHECK_ERR(lrsched_preview(two, 2, 6, plateau_metrics, 25, NULL, 0, NULL, 0, &ng), LRSCHED_BUFFER_TOO_SMALL,
              "lrs is NULL with capacity 0 (12 values needed");
    CHECK_RC(lrsched_preview(two, 2, 6, plateau_metrics, 25, lrs, 12, moms, 11, &ng), LRSCHED_BUFFER_TOO_SMALL);
    OK(lrsched_preview(two, 2, 0, plateau_metrics, 0, NULL, 0, NULL, 0, &ng)); /* zero steps */
    CHECK(ng == 2);
    OK(lrsched_preview(two, 2, 6, plateau_metrics, 25, lrs, 12, moms, 12, &ng));
    /* a step error inside a preview */
    lrsched_scheduler *oc = sched_json(other, "{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":3}");
    double l5[5];
    CHECK_ERR(lrsched_preview(&oc, 1, 5, NULL, 0, l5, 5, NULL, 0, &ng), LRSCHED_VALUE_ERROR, "Tried to step 4 times");
    OK(lrsched_preview(&oc, 1, 3, NULL, 0, l5, 5, NULL, 0, &ng));
    lrsched_scheduler_free(oc);
    lrsched_scheduler_free(foreign);
    lrsched_optimizer_free(other);
    lrsched_scheduler_free(two[0]);
    lrsched_scheduler_free(two[1]);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Ownership: free in any order
 * -------------------------------------------------------------------------------- */

static void test_ownership(void) {
    lrsched_optimizer *o = opt_json(OPT2);
    lrsched_scheduler *a = NULL, *b = NULL, *seq = NULL;
    OK(lrsched_linear_lr_create(o, 0.5, 1.0, 4, LRSCHED_FRESH, &a));
    OK(lrsched_exponential_lr_create(o, 0.9, LRSCHED_FRESH, &b));
    lrsched_scheduler *kids[2] = {a, b};
    const int64_t ms[] = {4};
    OK(lrsched_sequential_lr_create(o, kids, 2, ms, 1, LRSCHED_FRESH, &seq));
    lrsched_optimizer_free(o); /* the schedulers keep it alive */
    lrsched_scheduler_free(a); /* the composite keeps its children alive */
    lrsched_scheduler_free(b);
    for (int k = 0; k < 8; k++) OK(lrsched_scheduler_step(seq));
    double buf[2];
    size_t n = 0;
    OK(lrsched_scheduler_last_lr(seq, buf, 2, &n));
    CHECK(n == 2 && same_bits(buf[0], 0.1 * 0.9 * 0.9 * 0.9 * 0.9));
    lrsched_scheduler_free(seq);
}

/* ----------------------------------------------------------------------------------
 * Extreme arguments: every constructor, one argument at a time; nothing may crash
 * -------------------------------------------------------------------------------- */

static const int64_t edge_ints[] = {INT64_MIN, INT64_MIN + 1, -1000, -2, -1, 0, 1, 2, 3, 1000, INT64_MAX - 1,
                                    INT64_MAX};
static const double edge_doubles[] = {NAN, INFINITY, -INFINITY, -1e308, -2.0, -1.0, -0.0, 0.0, 5e-324,
                                      1e-300, 0.5, 1.0, 2.0, 1e308};
#define N_EDGE_INTS (sizeof edge_ints / sizeof edge_ints[0])
#define N_EDGE_DOUBLES (sizeof edge_doubles / sizeof edge_doubles[0])

static void exercise(lrsched_optimizer *o, lrsched_scheduler *s, int rc) {
    CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
    if (rc != LRSCHED_OK) {
        CHECK(s == NULL);
        CHECK(lrsched_last_error()[0] != '\0');
        return;
    }
    static const double epochs[] = {3, -3, 0.5, 1e18, -1e18, 9.2e18, NAN};
    for (int k = 0; k < 4; k++) {
        rc = lrsched_scheduler_step(s);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
        rc = lrsched_scheduler_step_metric(s, k * 0.5);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
    }
    for (size_t k = 0; k < sizeof epochs / sizeof epochs[0]; k++) {
        rc = lrsched_scheduler_step_epoch(s, epochs[k]);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
        rc = lrsched_scheduler_step(s);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
    }
    for (size_t k = 0; k < N_EDGE_INTS; k++) {
        rc = lrsched_scheduler_step_epoch_int(s, edge_ints[k]);
        CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
    }
    double lrs[4 * MAXG];
    size_t ng = 0;
    rc = lrsched_preview(&s, 1, 4, (const double[]){1, 2, 3, 4}, 4, lrs, 4 * MAXG, lrs, 4 * MAXG, &ng);
    CHECK(rc >= 0 && rc <= LRSCHED_OVERFLOW_ERROR);
    char *st = sched_state(s);
    rc = lrsched_scheduler_state_load(s, st, LRSCHED_NUL_TERMINATED);
    /* The core refuses to load last_epoch < -1, which step(epoch) can reach. */
    if (rc != LRSCHED_OK && !(rc == LRSCHED_VALUE_ERROR && strstr(lrsched_last_error(), "'last_epoch' must be >= -1"))) {
        fprintf(stderr, "state round trip failed: %s\n  state: %s\n", lrsched_last_error(), st);
        test_failures++;
    }
    free(st);
    (void)o;
    lrsched_scheduler_free(s);
}

/* Runs one constructor call (which refers to `&s`) and exercises the result. */
#define EX(call)                                                                      \
    do {                                                                              \
        lrsched_scheduler *s = NULL;                                                  \
        int ex_rc_ = (call);                                                          \
        exercise(o, s, ex_rc_);                                                       \
    } while (0)

static void test_edges(void) {
    const double one = 0.1;
    for (size_t i = 0; i < N_EDGE_INTS; i++) {
        int64_t v = edge_ints[i];
        lrsched_optimizer *o = opt_json(OPT2);
        lrsched_lr_fn f = cb_pow095;
        const int64_t ms[] = {v, 2, v};
        EX(lrsched_lambda_lr_create(o, &f, NULL, 1, v, &s));
        EX(lrsched_step_lr_create(o, v, 0.5, LRSCHED_FRESH, &s));
        EX(lrsched_step_lr_create(o, 2, 0.5, v, &s));
        EX(lrsched_multistep_lr_create(o, ms, 3, 0.5, LRSCHED_FRESH, &s));
        EX(lrsched_constant_lr_create(o, 0.5, v, LRSCHED_FRESH, &s));
        EX(lrsched_linear_lr_create(o, 0.5, 1.0, v, LRSCHED_FRESH, &s));
        EX(lrsched_polynomial_lr_create(o, v, 1.0, LRSCHED_FRESH, &s));
        EX(lrsched_polynomial_lr_create(o, 5, 1.0, v, &s));
        EX(lrsched_cosine_annealing_lr_create(o, v, 0.0, LRSCHED_FRESH, &s));
        EX(lrsched_cosine_annealing_warm_restarts_create(o, v, 2, 0.0, LRSCHED_FRESH, &s));
        EX(lrsched_cosine_annealing_warm_restarts_create(o, 3, v, 0.0, LRSCHED_FRESH, &s));
        EX(lrsched_reduce_lr_on_plateau_create(o, 0, 0.1, v, 1e-4, 0, v, 0, NULL, 0, 1e-8, &s));
        EX(lrsched_one_cycle_lr_create(o, &one, 1, v, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0,
                                                   NULL, 0, 25, 1e4, 0, LRSCHED_FRESH, &s));
        EX(lrsched_one_cycle_lr_create(o, &one, 1, LRSCHED_UNSET, v, 3, 0.3, 0, 1, NULL, 0, NULL, 0, 25,
                                                   1e4, 0, LRSCHED_FRESH, &s));
        EX(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0,
                                                   NULL, 0, 25, 1e4, 0, v, &s));
        EX(lrsched_cyclic_lr_create(o, &one, 1, &one, 1, 4, NULL, 0, 1, 0, 1, NULL, 0, NULL, 0, v, &s));
        {
            lrsched_scheduler *kid = NULL;
            OK(lrsched_exponential_lr_create(o, 0.9, LRSCHED_FRESH, &kid));
            lrsched_scheduler *kids[2] = {kid, kid};
            const int64_t m1[] = {v};
            EX(lrsched_sequential_lr_create(o, kids, 2, m1, 1, LRSCHED_FRESH, &s));
            EX(lrsched_sequential_lr_create(o, kids, 2, m1, 1, v, &s));
            lrsched_scheduler_free(kid);
        }
        lrsched_optimizer_free(o);
    }
    for (size_t i = 0; i < N_EDGE_DOUBLES; i++) {
        double d = edge_doubles[i];
        lrsched_optimizer *o = opt_json(OPT2);
        const double arr[2] = {d, 0.1};
        EX(lrsched_step_lr_create(o, 2, d, LRSCHED_FRESH, &s));
        EX(lrsched_multistep_lr_create(o, (const int64_t[]){1, 2}, 2, d, LRSCHED_FRESH, &s));
        EX(lrsched_constant_lr_create(o, d, 3, LRSCHED_FRESH, &s));
        EX(lrsched_linear_lr_create(o, d, 1.0, 3, LRSCHED_FRESH, &s));
        EX(lrsched_linear_lr_create(o, 0.5, d, 3, LRSCHED_FRESH, &s));
        EX(lrsched_exponential_lr_create(o, d, LRSCHED_FRESH, &s));
        EX(lrsched_polynomial_lr_create(o, 4, d, LRSCHED_FRESH, &s));
        EX(lrsched_cosine_annealing_lr_create(o, 4, d, LRSCHED_FRESH, &s));
        EX(lrsched_cosine_annealing_warm_restarts_create(o, 3, 2, d, LRSCHED_FRESH, &s));
        EX(lrsched_reduce_lr_on_plateau_create(o, 1, d, 1, d, 1, 0, d, NULL, 0, d, &s));
        EX(lrsched_reduce_lr_on_plateau_create(o, 0, 0.5, 1, 0.1, 0, 0, 0, arr, 2, 1e-8, &s));
        EX(lrsched_cyclic_lr_create(o, arr, 2, &d, 1, d, &d, 2, d, 1, 1, &d, 1, arr, 2, LRSCHED_FRESH,
                                                &s));
        EX(lrsched_cyclic_lr_create(o, arr, 2, arr, 2, 3, NULL, 1, 1, 0, 1, NULL, 0, NULL, 0,
                                                LRSCHED_FRESH, &s));
        EX(lrsched_one_cycle_lr_create(o, arr, 2, 10, LRSCHED_UNSET, LRSCHED_UNSET, d, 1, 1, &d, 1, &d, 1,
                                                   d, d, 1, LRSCHED_FRESH, &s));
        EX(lrsched_one_cycle_lr_create(o, &one, 1, 10, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, 0, 1, NULL, 0,
                                                   NULL, 0, d, 1e4, 0, LRSCHED_FRESH, &s));
        CHECK(lrsched_optimizer_set(o, 0, LRSCHED_KEY_LR, d) == (isfinite(d) ? LRSCHED_OK : LRSCHED_VALUE_ERROR));
        EX(lrsched_exponential_lr_create(o, 0.5, LRSCHED_FRESH, &s));
        lrsched_optimizer_free(o);
    }
}

/* torch's internals reached from outside a scheduler: SequentialLR driven by hand as
 * torch's own does (last_epoch -= 1 on the children, _initial_step() on the first,
 * _update_lr(0) at the milestone) gives the library's SequentialLR, bit for bit. */
static void test_torch_internals(void) {
    lrsched_optimizer *a = opt_json("{\"lr\": 0.1}"), *b = opt_json("{\"lr\": 0.1}");
    lrsched_scheduler *lin = NULL, *ex = NULL, *ref_lin = NULL, *ref_ex = NULL, *seq = NULL;
    OK(lrsched_linear_lr_create(a, 0.1, 1.0, 4, LRSCHED_FRESH, &lin));
    OK(lrsched_exponential_lr_create(a, 0.5, LRSCHED_FRESH, &ex));
    OK(lrsched_linear_lr_create(b, 0.1, 1.0, 4, LRSCHED_FRESH, &ref_lin));
    OK(lrsched_exponential_lr_create(b, 0.5, LRSCHED_FRESH, &ref_ex));
    lrsched_scheduler *kids[2] = {ref_lin, ref_ex};
    const int64_t ms[1] = {4};
    OK(lrsched_sequential_lr_create(b, kids, 2, ms, 1, LRSCHED_FRESH, &seq));
    OK(lrsched_optimizer_set(a, 0, LRSCHED_KEY_LR, 0.1)); /* group["lr"] = group["initial_lr"] */
    OK(lrsched_scheduler_set_last_epoch(lin, -1));
    OK(lrsched_scheduler_set_last_epoch(ex, -1));
    OK(lrsched_scheduler_initial_step(lin));
    int64_t n = 0;
    OK(lrsched_scheduler_step_count(lin, &n));
    CHECK(n == 1);
    double va = 0, vb = 0;
    for (int64_t epoch = 1; epoch <= 8; epoch++) {
        if (epoch == 4) {
            OK(lrsched_scheduler_update_lr(ex, 0, 1));
        } else {
            OK(lrsched_scheduler_step(epoch < 4 ? lin : ex));
        }
        OK(lrsched_scheduler_step(seq));
        OK(lrsched_optimizer_get(a, 0, LRSCHED_KEY_LR, &va));
        OK(lrsched_optimizer_get(b, 0, LRSCHED_KEY_LR, &vb));
        CHECK(memcmp(&va, &vb, sizeof va) == 0);
    }
    CHECK(va == 0.00625);
    OK(lrsched_scheduler_step_count(ex, &n));
    CHECK(n == 5); /* construction, 4 steps; _update_lr counts none */
    /* get_lr(): the next chainable value, nothing changed */
    double buf[2] = {0, 0};
    size_t count = 0;
    OK(lrsched_scheduler_get_lr(ex, buf, 2, &count));
    CHECK(count == 1 && buf[0] == 0.00625 * 0.5);
    OK(lrsched_optimizer_get(a, 0, LRSCHED_KEY_LR, &va));
    CHECK(va == 0.00625);
    CHECK_ERR(lrsched_scheduler_get_lr(seq, buf, 2, &count), LRSCHED_NOT_IMPLEMENTED_ERROR, "not implemented");
    CHECK_RC(lrsched_scheduler_update_lr(seq, 0, 1), LRSCHED_NOT_IMPLEMENTED_ERROR);
    OK(lrsched_scheduler_update_lr(ex, 0, 0)); /* _update_lr(None): one chainable step */
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(ex, &le));
    CHECK(le == 5);
    CHECK_RC(lrsched_scheduler_set_last_epoch(NULL, 1), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_step_count(ex, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_scheduler_initial_step(NULL), LRSCHED_NULL_ARGUMENT);
    lrsched_scheduler_free(lin);
    lrsched_scheduler_free(ex);
    lrsched_scheduler_free(ref_lin);
    lrsched_scheduler_free(ref_ex);
    lrsched_scheduler_free(seq);
    lrsched_optimizer_free(a);
    lrsched_optimizer_free(b);
}

/* A custom get_lr(): lr = base * 0.5^epoch (closed form too), reading the scheduler's
 * base_lrs through the handle given in user. Failing at epoch 3 changes nothing. */
typedef struct {
    lrsched_scheduler **self;
    int calls, fail_at, initial_calls, closed_calls;
} custom_ctx;

static int custom_halving(int64_t epoch, int flags, void *user, double *lrs, size_t n) {
    custom_ctx *c = user;
    c->calls++;
    if (flags & LRSCHED_LRS_INITIAL) c->initial_calls++;
    if (flags & LRSCHED_LRS_CLOSED_FORM) c->closed_calls++;
    if (epoch == c->fail_at) return 7;
    double base[4];
    size_t nb = 0;
    if (lrsched_scheduler_base_lrs(*c->self, base, 4, &nb) != LRSCHED_OK || nb != n) return 9;
    for (size_t i = 0; i < n; i++) lrs[i] = base[i] * pow(0.5, (double)epoch);
    return 0;
}

static int scale_half(int64_t x, void *user, double *out) {
    (void)user;
    *out = pow(0.5, (double)(x - 1));
    return 0;
}

static void test_custom_schedulers(void) {
    lrsched_optimizer *o = opt_json("{\"lr\": 0.8, \"momentum\": 0.9}");
    lrsched_scheduler *s = NULL;
    custom_ctx c = {&s, 0, -99, 0, 0};
    OK(lrsched_custom_lr_create(o, custom_halving, &c, 1, LRSCHED_FRESH, &s));
    CHECK(c.calls == 0); /* the construction step is the caller's next call */
    OK(lrsched_scheduler_initial_step(s));
    CHECK(c.calls == 1 && c.initial_calls == 1);
    CHECK(strcmp(lrsched_scheduler_type(s), "CustomLR") == 0);
    double v = 0;
    OK(lrsched_scheduler_step(s));
    OK(lrsched_scheduler_step(s));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.2);
    c.fail_at = 3;
    CHECK_ERR(lrsched_scheduler_step(s), LRSCHED_CALLBACK_FAILED, "get_lr callback returned 7 at epoch 3");
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(s, &le));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(le == 2 && v == 0.2);
    OK(lrsched_scheduler_step_epoch(s, 5)); /* the closed form */
    CHECK(c.closed_calls == 1);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.8 / 32);
    double row[1];
    size_t ng = 0;
    CHECK_ERR(lrsched_preview(&s, 1, 1, NULL, 0, row, 1, NULL, 0, &ng), LRSCHED_NOT_IMPLEMENTED_ERROR, "preview");
    CHECK_RC(lrsched_custom_lr_create(o, NULL, NULL, 0, LRSCHED_FRESH, &s), LRSCHED_NULL_ARGUMENT);
    lrsched_scheduler_free(s);

    /* CyclicLR's scale_fn: a C function set on a spec (lrsched_spec_set_lr_fns, n == 1) */
    lrsched_scheduler *cy = NULL, *ref = NULL;
    lrsched_optimizer *o2 = opt_json("{\"lr\": 0.1, \"momentum\": 0.9}");
    lrsched_optimizer *o3 = opt_json("{\"lr\": 0.1, \"momentum\": 0.9}");
    const lrsched_lr_fn fns[2] = {scale_half, scale_half};
    const char *spec = "{\"type\": \"CyclicLR\", \"base_lr\": 0.01, \"max_lr\": 0.1, \"step_size_up\": 2, "
                       "\"scale_mode\": \"cycle\"}";
    lrsched_spec *sp = NULL;
    OK(lrsched_spec_create_from_json(spec, LRSCHED_NUL_TERMINATED, &sp));
    CHECK_RC(lrsched_spec_set_lr_fns(sp, "scale_fn", fns, NULL, 2), LRSCHED_VALUE_ERROR); /* one function */
    CHECK_RC(lrsched_spec_set_lr_fns(sp, "gamma", fns, NULL, 1), LRSCHED_TYPE_ERROR);
    OK(lrsched_spec_set_lr_fns(sp, "scale_fn", fns, NULL, 1));
    OK(lrsched_scheduler_create(o2, sp, &cy));
    lrsched_spec_free(sp);
    const char *ref_spec = "{\"type\": \"CyclicLR\", \"base_lr\": 0.01, \"max_lr\": 0.1, \"step_size_up\": 2, "
                           "\"mode\": \"triangular2\"}";
    OK(lrsched_scheduler_create_from_json(o3, ref_spec, LRSCHED_NUL_TERMINATED, &ref));
    double a = 0, b = 0;
    for (int k = 0; k < 12; k++) { /* scale 0.5^(cycle-1) is triangular2's */
        OK(lrsched_scheduler_step(cy));
        OK(lrsched_scheduler_step(ref));
        OK(lrsched_optimizer_get(o2, 0, LRSCHED_KEY_LR, &a));
        OK(lrsched_optimizer_get(o3, 0, LRSCHED_KEY_LR, &b));
        CHECK(memcmp(&a, &b, sizeof a) == 0);
    }
    lrsched_scheduler *bad = NULL;
    const char *named = "{\"type\": \"CyclicLR\", \"base_lr\": 0.01, \"max_lr\": 0.1, \"scale_fn\": \"nope\"}";
    CHECK_RC(lrsched_scheduler_create_from_json(o2, named, LRSCHED_NUL_TERMINATED, &bad), LRSCHED_VALUE_ERROR);
    CHECK(bad == NULL);
    lrsched_scheduler_free(cy);
    lrsched_scheduler_free(ref);
    lrsched_optimizer_free(o);
    lrsched_optimizer_free(o2);
    lrsched_optimizer_free(o3);
}

int main(void) {
    test_versions();
    test_last_error();
    test_threads_setting();
    test_optimizer();
    test_known_values();
    test_typed_vs_json();
    test_constructor_errors();
    test_callbacks();
    test_describe_and_flags();
    test_spec_builder();
    test_stepping();
    test_step_errors();
    test_int_epochs();
    test_state();
    test_cycle_length();
    test_lr_scale_key();
    test_real_fn();
    test_preview();
    test_ownership();
    test_edges();
    test_torch_internals();
    test_custom_schedulers();
    if (test_failures) {
        fprintf(stderr, "test_api: %d check(s) failed\n", test_failures);
        return 1;
    }
    printf("test_api: all checks passed\n");
    return 0;
}
