/*
 * lrsched-verify-c: the conformance runner of the C library. Runs vector files through
 * liblrsched.so using nothing but include/lrsched.h, under the runner contract:
 *
 *   lrsched-verify-c FILE...
 *
 * Each file's kind is detected from its content (training files: meta.datasets or a
 * case with a "model"; error files: a case with an "error"; otherwise schedules). One
 * `FAIL <name>: <detail>` line per failed case, then `N passed, M failed` summed over
 * all files as the last line of stdout; exit status 0 if and only if nothing failed.
 *
 * Files are read with jansson, which keeps JSON's int/float distinction; specs are
 * handed to the library re-serialized with json_dumps (reals always keep a '.' or an
 * exponent there, so 10.0 stays a float). Doubles are compared bit for bit.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrsched.h"

#define MAX_SCHEDULERS 16

static long passed, failed;

/* The failure detail of the current case (empty: passed). */
static char detail[4096];

static void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
}

static void report(const char *name) {
    if (detail[0]) {
        failed++;
        printf("FAIL %s: %s\n", name, detail);
    } else {
        passed++;
    }
}

/* The Python exception name for a status, as the vectors spell it. */
static const char *exception_name(int status) {
    switch (status) {
    case LRSCHED_VALUE_ERROR: return "ValueError";
    case LRSCHED_TYPE_ERROR: return "TypeError";
    case LRSCHED_KEY_ERROR: return "KeyError";
    case LRSCHED_RUNTIME_ERROR: return "RuntimeError";
    case LRSCHED_ZERO_DIVISION_ERROR: return "ZeroDivisionError";
    case LRSCHED_NOT_IMPLEMENTED_ERROR: return "NotImplementedError";
    case LRSCHED_CALLBACK_FAILED: return "CallbackFailed";
    default: return lrsched_status_string(status);
    }
}

/* A number as written in a vector file: int, real, or "Infinity"/"-Infinity"/"NaN". */
static int vector_number(const json_t *v, double *out) {
    if (json_is_integer(v)) {
        *out = (double)json_integer_value(v);
        return 1;
    }
    if (json_is_real(v)) {
        *out = json_real_value(v);
        return 1;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcmp(s, "Infinity") == 0) *out = INFINITY;
        else if (strcmp(s, "-Infinity") == 0) *out = -INFINITY;
        else if (strcmp(s, "NaN") == 0) *out = NAN;
        else return 0;
        return 1;
    }
    return 0;
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* The shortest decimal that reads back as x (as Python's repr), into buf. */
static const char *repr(double x, char *buf, size_t size) {
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, x);
        if (isnan(x) || same_bits(strtod(buf, NULL), x)) break;
    }
    return buf;
}

/* ------------------------------------------------------------------------------------
 * A built case: the optimizer and its schedulers
 * ---------------------------------------------------------------------------------- */

struct run {
    lrsched_optimizer *opt;
    lrsched_scheduler *scheds[MAX_SCHEDULERS];
    int is_plateau[MAX_SCHEDULERS];
    size_t n_scheds;
    double *metrics;
    size_t n_metrics;
    size_t n_groups;
    int momentum_key;
};

static void run_free(struct run *r) {
    for (size_t i = 0; i < r->n_scheds; i++) lrsched_scheduler_free(r->scheds[i]);
    lrsched_optimizer_free(r->opt);
    free(r->metrics);
    memset(r, 0, sizeof *r);
}

/* Builds a case. Returns LRSCHED_OK, a library status (construction failed; the
 * library's message is in lrsched_last_error()), or -1 for a malformed case (detail
 * set). */
static int run_build(struct run *r, const json_t *c) {
    memset(r, 0, sizeof *r);
    const json_t *opt = json_object_get(c, "optimizer");
    const json_t *specs = json_object_get(c, "schedulers");
    if (!opt) {
        fail("case has no 'optimizer'");
        return -1;
    }
    if (!json_is_array(specs)) {
        fail("case has no 'schedulers' list");
        return -1;
    }
    if (json_array_size(specs) > MAX_SCHEDULERS) {
        fail("case has more than %d schedulers", MAX_SCHEDULERS);
        return -1;
    }
    const json_t *metrics = json_object_get(c, "metrics");
    if (metrics) {
        if (!json_is_array(metrics)) {
            fail("'metrics' must be a list");
            return -1;
        }
        r->n_metrics = json_array_size(metrics);
        r->metrics = calloc(r->n_metrics ? r->n_metrics : 1, sizeof(double));
        if (!r->metrics) {
            fail("out of memory");
            return -1;
        }
        for (size_t i = 0; i < r->n_metrics; i++) {
            if (!vector_number(json_array_get(metrics, i), &r->metrics[i])) {
                fail("'metrics' must hold numbers");
                return -1;
            }
        }
    }

    char *text = json_dumps(opt, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) {
        fail("cannot serialize the optimizer spec");
        return -1;
    }
    int rc = lrsched_optimizer_create_from_json(text, strlen(text), &r->opt);
    free(text);
    if (rc != LRSCHED_OK) return rc;
    int kind = LRSCHED_MOMENTUM_SGD;
    if ((rc = lrsched_optimizer_momentum_kind(r->opt, &kind)) != LRSCHED_OK) return rc;
    r->momentum_key = kind == LRSCHED_MOMENTUM_BETAS ? LRSCHED_KEY_BETA1 : LRSCHED_KEY_MOMENTUM;

    for (size_t i = 0; i < json_array_size(specs); i++) {
        text = json_dumps(json_array_get(specs, i), JSON_COMPACT | JSON_ENCODE_ANY);
        if (!text) {
            fail("cannot serialize scheduler spec %zu", i);
            return -1;
        }
        lrsched_scheduler *s = NULL;
        rc = lrsched_scheduler_create_from_json(r->opt, text, LRSCHED_NUL_TERMINATED, &s);
        free(text);
        if (rc != LRSCHED_OK) return rc;
        r->scheds[r->n_scheds] = s;
        r->is_plateau[r->n_scheds] = strcmp(lrsched_scheduler_type(s), "ReduceLROnPlateau") == 0;
        r->n_scheds++;
    }
    return LRSCHED_OK;
}

/* Step k (1-based): every scheduler once, in order; ReduceLROnPlateau with metric k-1.
 * Returns a library status, or -1 (detail set) when the case lacks a metric. */
static int run_step(struct run *r, long k) {
    for (size_t i = 0; i < r->n_scheds; i++) {
        int rc;
        if (r->is_plateau[i]) {
            if (k < 1 || (size_t)(k - 1) >= r->n_metrics) {
                fail("ReduceLROnPlateau needs a metric for step %ld", k);
                return -1;
            }
            rc = lrsched_scheduler_step_metric(r->scheds[i], r->metrics[k - 1]);
        } else {
            rc = lrsched_scheduler_step(r->scheds[i]);
        }
        if (rc != LRSCHED_OK) return rc;
    }
    return LRSCHED_OK;
}

/* The groups' lrs and momenta (malloc'd, n_groups each). */
static int run_read(struct run *r, double **lrs, double **moms) {
    size_t n = 0;
    int rc = lrsched_optimizer_lrs(r->opt, NULL, 0, &n);
    if (rc != LRSCHED_OK) return rc;
    *lrs = calloc(n ? n : 1, sizeof(double));
    *moms = calloc(n ? n : 1, sizeof(double));
    if (!*lrs || !*moms) return LRSCHED_OUT_OF_MEMORY;
    if ((rc = lrsched_optimizer_lrs(r->opt, *lrs, n, &n)) != LRSCHED_OK) return rc;
    for (size_t g = 0; g < n; g++)
        if ((rc = lrsched_optimizer_get(r->opt, g, r->momentum_key, &(*moms)[g])) != LRSCHED_OK) return rc;
    r->n_groups = n;
    return LRSCHED_OK;
}

/* Compares a row of the vectors with what the library gives; sets detail on mismatch. */
static int compare(const double *got, size_t n, const json_t *row, const char *what, long step) {
    if (!json_is_array(row)) {
        fail("step %ld: %s row is not a list", step, what);
        return 0;
    }
    if (json_array_size(row) != n) {
        fail("step %ld: %zu groups, expected %zu", step, n, json_array_size(row));
        return 0;
    }
    for (size_t g = 0; g < n; g++) {
        double want;
        if (!vector_number(json_array_get(row, g), &want)) {
            fail("step %ld: %s value is not a number", step, what);
            return 0;
        }
        if (!same_bits(got[g], want)) {
            char a[32], b[32];
            fail("step %ld group %zu: %s %s, expected %s", step, g, what, repr(got[g], a, sizeof a),
                 repr(want, b, sizeof b));
            return 0;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------------------------
 * Cases
 * ---------------------------------------------------------------------------------- */

static void schedule_case(const json_t *c) {
    struct run r;
    int rc = run_build(&r, c);
    if (rc > 0) fail("unexpected %s: %s", exception_name(rc), lrsched_last_error());
    if (rc != LRSCHED_OK) {
        run_free(&r);
        return;
    }
    const json_t *steps = json_object_get(c, "steps");
    const json_t *lrs = json_object_get(c, "lrs");
    const json_t *moms = json_object_get(c, "momentum");
    if (!json_is_integer(steps) || json_integer_value(steps) < 0) {
        fail("case has no int 'steps'");
    } else if (!json_is_array(lrs)) {
        fail("case has no 'lrs'");
    } else if ((json_int_t)json_array_size(lrs) != json_integer_value(steps) + 1) {
        fail("'lrs' has %zu rows for %" JSON_INTEGER_FORMAT " steps", json_array_size(lrs), json_integer_value(steps));
    } else {
        long n = (long)json_integer_value(steps);
        for (long k = 0; k <= n && !detail[0]; k++) {
            if (k > 0 && (rc = run_step(&r, k)) != LRSCHED_OK) {
                if (rc > 0) fail("unexpected %s at step %ld: %s", exception_name(rc), k, lrsched_last_error());
                break;
            }
            double *got_lrs = NULL, *got_moms = NULL;
            if ((rc = run_read(&r, &got_lrs, &got_moms)) != LRSCHED_OK) {
                fail("reading the groups failed: %s", lrsched_last_error());
            } else if (compare(got_lrs, r.n_groups, json_array_get(lrs, (size_t)k), "lr", k)) {
                if (json_is_array(moms) && (size_t)k < json_array_size(moms))
                    compare(got_moms, r.n_groups, json_array_get(moms, (size_t)k), "momentum", k);
            }
            free(got_lrs);
            free(got_moms);
        }
    }
    run_free(&r);
}

static void error_case(const json_t *c) {
    const char *expected = json_string_value(json_object_get(c, "error"));
    if (!expected) {
        fail("case has no 'error'");
        return;
    }
    const json_t *es = json_object_get(c, "error_step");
    int has_step = json_is_integer(es);
    long k = has_step ? (long)json_integer_value(es) : 0;

    struct run r;
    int rc = run_build(&r, c);
    if (rc < 0) {
        run_free(&r);
        return;
    }
    if (rc != LRSCHED_OK) {
        if (has_step)
            fail("construction raised %s: %s, expected it to succeed", exception_name(rc), lrsched_last_error());
        else if (strcmp(exception_name(rc), expected) != 0)
            fail("construction raised %s: %s, expected %s", exception_name(rc), lrsched_last_error(), expected);
        else if (lrsched_last_error()[0] == '\0')
            fail("construction raised %s without a message", expected);
        run_free(&r);
        return;
    }
    if (!has_step) {
        fail("construction succeeded, expected %s", expected);
        run_free(&r);
        return;
    }
    for (long i = 1; i < k; i++) {
        if ((rc = run_step(&r, i)) != LRSCHED_OK) {
            if (rc > 0)
                fail("step %ld raised %s: %s before error_step %ld", i, exception_name(rc), lrsched_last_error(), k);
            run_free(&r);
            return;
        }
    }
    double *lrs_before = NULL, *moms_before = NULL, *lrs_after = NULL, *moms_after = NULL;
    if (run_read(&r, &lrs_before, &moms_before) != LRSCHED_OK) {
        fail("reading the groups failed: %s", lrsched_last_error());
    } else {
        size_t n = r.n_groups;
        rc = run_step(&r, k);
        if (rc == LRSCHED_OK) {
            fail("step %ld succeeded, expected %s", k, expected);
        } else if (rc > 0 && strcmp(exception_name(rc), expected) != 0) {
            fail("step %ld raised %s: %s, expected %s", k, exception_name(rc), lrsched_last_error(), expected);
        } else if (rc > 0 && lrsched_last_error()[0] == '\0') {
            fail("step %ld raised %s without a message", k, expected);
        } else if (rc > 0) {
            if (run_read(&r, &lrs_after, &moms_after) != LRSCHED_OK || r.n_groups != n)
                fail("reading the groups failed after step %ld", k);
            else if (memcmp(lrs_before, lrs_after, n * sizeof(double)) != 0)
                fail("step %ld failed but changed the lrs", k);
            else if (memcmp(moms_before, moms_after, n * sizeof(double)) != 0)
                fail("step %ld failed but changed the momenta", k);
        }
    }
    free(lrs_before);
    free(moms_before);
    free(lrs_after);
    free(moms_after);
    run_free(&r);
}

/* ------------------------------------------------------------------------------------
 * Files
 * ---------------------------------------------------------------------------------- */

enum kind { SCHEDULES, ERRORS, TRAINING };

static enum kind detect(const json_t *doc, const json_t *cases) {
    const json_t *meta = json_object_get(doc, "meta");
    if (json_object_get(meta, "datasets")) return TRAINING;
    size_t i;
    const json_t *c;
    json_array_foreach(cases, i, c) if (json_object_get(c, "model")) return TRAINING;
    json_array_foreach(cases, i, c) if (json_object_get(c, "error")) return ERRORS;
    return SCHEDULES;
}

static void run_file(const char *path) {
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    if (!doc) {
        fail("cannot read '%s': %s (line %d column %d)", path, err.text, err.line, err.column);
        report(path);
        return;
    }
    const json_t *cases = json_object_get(doc, "cases");
    if (!json_is_array(cases)) {
        fail("not a vector file (no 'cases' list)");
        report(path);
        json_decref(doc);
        return;
    }
    enum kind kind = detect(doc, cases);
    size_t i;
    const json_t *c;
    json_array_foreach(cases, i, c) {
        detail[0] = '\0';
        char fallback[512];
        const char *name = json_string_value(json_object_get(c, "name"));
        if (!name) {
            snprintf(fallback, sizeof fallback, "%s#%zu", path, i);
            name = fallback;
        }
        switch (kind) {
        case SCHEDULES: schedule_case(c); break;
        case ERRORS: error_case(c); break;
        case TRAINING: fail("training not supported yet"); break;
        }
        report(name);
    }
    json_decref(doc);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    if (lrsched_abi_version() != LRSCHED_ABI_VERSION) {
        fprintf(stderr, "liblrsched ABI %d, header ABI %d\n", (int)lrsched_abi_version(), LRSCHED_ABI_VERSION);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        detail[0] = '\0';
        run_file(argv[i]);
    }
    printf("%ld passed, %ld failed\n", passed, failed);
    fflush(stdout);
    return failed == 0 ? 0 : 1;
}
