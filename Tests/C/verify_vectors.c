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
 *
 * Training cases run through the trainer API: the data of meta.datasets as float32, the
 * model from its layer specs with the recorded initial parameters, SGD from the "sgd"
 * keyword arguments, the schedulers on the SGD's optimizer, no shuffling. Every
 * lr_start/lr_after must be identical, each epoch's loss within 1e-4 relative, the final
 * parameters within 1e-5 absolute (the conformance README's tolerances).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
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
    uint32_t flags[MAX_SCHEDULERS]; /* LRSCHED_FLAG_*: how each steps */
    size_t n_scheds;
    double *metrics;
    size_t n_metrics;
    size_t n_groups;
    int momentum_key;
    /* added-groups.json's add_group: before step add_before (0: none), a group with lr
     * add_lr and the optimizer's momentum as created (its defaults). */
    long add_before;
    double add_lr, add_momentum;
    size_t initial_groups;
};

static void run_free(struct run *r) {
    for (size_t i = 0; i < r->n_scheds; i++) lrsched_scheduler_free(r->scheds[i]);
    lrsched_optimizer_free(r->opt);
    free(r->metrics);
    memset(r, 0, sizeof *r);
}

/* Reads add_group ({"before_step": k, "group": {"lr": x}}) and the optimizer's momentum
 * (before any scheduler cycles it). LRSCHED_OK, a library status, or -1 (detail set). */
static int run_parse_add_group(struct run *r, const json_t *add) {
    if (!add) return LRSCHED_OK;
    const json_t *k = json_object_get(add, "before_step");
    if (!json_is_integer(k) || json_integer_value(k) < 1 ||
        !vector_number(json_object_get(json_object_get(add, "group"), "lr"), &r->add_lr)) {
        fail("'add_group' needs an int 'before_step' >= 1 and a 'group' with an 'lr'");
        return -1;
    }
    r->add_before = (long)json_integer_value(k);
    int rc = lrsched_optimizer_group_count(r->opt, &r->initial_groups);
    if (rc == LRSCHED_OK) rc = lrsched_optimizer_get(r->opt, 0, r->momentum_key, &r->add_momentum);
    return rc;
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

    /* timm's groups' lr_scale is a group key of the optimizer spec, as in timm. */
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
    if ((rc = run_parse_add_group(r, json_object_get(c, "add_group"))) != LRSCHED_OK) return rc;

    for (size_t i = 0; i < json_array_size(specs); i++) {
        json_t *spec = json_deep_copy(json_array_get(specs, i));
        text = json_dumps(spec, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(spec);
        if (!text) {
            fail("cannot serialize scheduler spec %zu", i);
            return -1;
        }
        lrsched_scheduler *s = NULL;
        rc = lrsched_scheduler_create_from_json(r->opt, text, LRSCHED_NUL_TERMINATED, &s);
        free(text);
        if (rc == LRSCHED_OK) {
            r->scheds[r->n_scheds] = s;
            rc = lrsched_scheduler_flags(s, &r->flags[r->n_scheds]);
        }
        if (rc != LRSCHED_OK) return rc;
        uint32_t flags = r->flags[r->n_scheds];
        r->is_plateau[r->n_scheds] = (flags & LRSCHED_FLAG_METRIC) != 0; /* steps on a metric */
        r->n_scheds++;
    }
    return LRSCHED_OK;
}

/* Adds the case's group (lrsched_optimizer_add_group) once step k reaches its
 * before_step, unless the optimizer already has it (a loaded checkpoint). */
static int run_add_group_if_due(struct run *r, long k) {
    size_t n = 0;
    if (r->add_before <= 0 || k < r->add_before) return LRSCHED_OK;
    int rc = lrsched_optimizer_group_count(r->opt, &n);
    if (rc != LRSCHED_OK || n != r->initial_groups) return rc;
    return lrsched_optimizer_add_group(r->opt, r->add_lr, r->add_momentum);
}

/* Step k (1-based): the case's added group when due, then every scheduler once, in order;
 * ReduceLROnPlateau with metric k-1. Returns a library status, or -1 (detail set) when
 * the case lacks a metric. */
static int run_step(struct run *r, long k) {
    int added = run_add_group_if_due(r, k);
    if (added != LRSCHED_OK) return added;
    for (size_t i = 0; i < r->n_scheds; i++) {
        int rc;
        uint32_t at = r->flags[i] & (LRSCHED_FLAG_STEP_AT_EPOCH | LRSCHED_FLAG_STEP_AT_UPDATE);
        if (at) { /* timm's: step(k) or step_update(k), with metric k-1 when the case has metrics */
            const double *m = k >= 1 && (size_t)(k - 1) < r->n_metrics ? &r->metrics[k - 1] : NULL;
            rc = lrsched_scheduler_step_at(r->scheds[i], k, at == LRSCHED_FLAG_STEP_AT_UPDATE, m);
        } else if (r->is_plateau[i]) {
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

/* A state as malloc'd JSON text: the size query, then the save (NULL on failure). */
static char *saved_state(const void *obj, int (*save)(const void *, char *, size_t, size_t *)) {
    size_t len = 0;
    if (save(obj, NULL, 0, &len) != LRSCHED_OK) return NULL;
    char *buf = malloc(len ? len : 1);
    if (buf && save(obj, buf, len, &len) != LRSCHED_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int save_optimizer(const void *o, char *buf, size_t cap, size_t *len) {
    return lrsched_optimizer_state_save(o, buf, cap, len);
}

static int save_scheduler(const void *s, char *buf, size_t cap, size_t *len) {
    return lrsched_scheduler_state_save(s, buf, cap, len);
}

/* A checkpoint round trip at step k, in torch's order: after k steps save the optimizer's
 * state and each scheduler's, build the case afresh, load the optimizer's state, then the
 * schedulers', and continue: every row must be the vectors' (detail set otherwise). */
static void resume_check(const json_t *c, long k, long n, const json_t *lrs) {
    struct run a, b;
    int rc = run_build(&a, c);
    for (long i = 1; rc == LRSCHED_OK && i <= k; i++) rc = run_step(&a, i);
    char *opt_state = rc == LRSCHED_OK ? saved_state(a.opt, save_optimizer) : NULL;
    char *states[MAX_SCHEDULERS] = {0};
    for (size_t i = 0; opt_state && i < a.n_scheds; i++) states[i] = saved_state(a.scheds[i], save_scheduler);
    rc = opt_state ? run_build(&b, c) : -1;
    if (rc == LRSCHED_OK) rc = run_add_group_if_due(&b, k); /* as torch users re-add it before loading */
    if (rc == LRSCHED_OK) rc = lrsched_optimizer_state_load(b.opt, opt_state, strlen(opt_state));
    for (size_t i = 0; rc == LRSCHED_OK && i < b.n_scheds; i++)
        rc = states[i] ? lrsched_scheduler_state_load(b.scheds[i], states[i], strlen(states[i])) : -1;
    if (rc != LRSCHED_OK) fail("checkpoint at step %ld: %s", k, rc > 0 ? lrsched_last_error() : "save failed");
    for (long i = k; rc == LRSCHED_OK && i <= n && !detail[0]; i++) {
        if (i > k && (rc = run_step(&b, i)) != LRSCHED_OK) {
            fail("resumed at %ld: step %ld raised %s: %s", k, i, exception_name(rc), lrsched_last_error());
            break;
        }
        double *got_lrs = NULL, *got_moms = NULL;
        if (run_read(&b, &got_lrs, &got_moms) == LRSCHED_OK)
            compare(got_lrs, b.n_groups, json_array_get(lrs, (size_t)i), "lr resumed", i);
        free(got_lrs);
        free(got_moms);
    }
    free(opt_state);
    for (size_t i = 0; i < MAX_SCHEDULERS; i++) free(states[i]);
    run_free(&a);
    if (opt_state) run_free(&b);
}

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
        if (!detail[0]) resume_check(c, n / 2, n, lrs);
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
        else if (strcmp(exception_name(rc), expected) != 0 &&
                 !(strcmp(expected, "AssertionError") == 0 && rc == LRSCHED_VALUE_ERROR)) /* timm's asserts */
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
    if ((rc = run_add_group_if_due(&r, k)) != LRSCHED_OK) {
        fail("adding the case's group raised %s: %s", exception_name(rc), lrsched_last_error());
    } else if (run_read(&r, &lrs_before, &moms_before) != LRSCHED_OK) {
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
 * Training cases
 * ---------------------------------------------------------------------------------- */

#define LOSS_RELATIVE_TOLERANCE 1e-4
#define PARAMETER_ABSOLUTE_TOLERANCE 1e-5

/* A JSON list of count numbers as float32 (malloc'd), or NULL (detail set). */
static float *float_list(const json_t *list, size_t count, const char *what) {
    if (!json_is_array(list) || json_array_size(list) != count) {
        fail("'%s' must hold %zu numbers", what, count);
        return NULL;
    }
    float *out = malloc((count ? count : 1) * sizeof(float));
    if (!out) {
        fail("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        double d;
        if (!vector_number(json_array_get(list, i), &d)) {
            fail("'%s' must hold numbers", what);
            free(out);
            return NULL;
        }
        out[i] = (float)d;
    }
    return out;
}

struct training_data {
    float *x, *y;
    size_t rows, features;
};

/* meta.datasets[name]: X (n x features) and y (n, used as n x 1). 0 and detail on error. */
static int training_data(const json_t *meta, const char *name, struct training_data *d) {
    const json_t *ds = json_object_get(json_object_get(meta, "datasets"), name);
    const json_t *n = json_object_get(ds, "n"), *f = json_object_get(ds, "features");
    if (!ds) {
        fail("no dataset '%s' in meta.datasets", name);
        return 0;
    }
    if (!json_is_integer(n) || !json_is_integer(f) || json_integer_value(n) <= 0 || json_integer_value(f) <= 0 ||
        json_integer_value(n) > (1 << 24) || json_integer_value(f) > (1 << 10)) {
        fail("dataset '%s' needs positive 'n' and 'features'", name);
        return 0;
    }
    d->rows = (size_t)json_integer_value(n);
    d->features = (size_t)json_integer_value(f);
    d->x = float_list(json_object_get(ds, "X"), d->rows * d->features, "X");
    d->y = d->x ? float_list(json_object_get(ds, "y"), d->rows, "y") : NULL;
    return d->y != NULL;
}

/* A spec as compact JSON (malloc'd by jansson), or NULL (detail set). */
static char *dump(const json_t *v, const char *what) {
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) fail("cannot serialize %s", what);
    return text;
}

/* Loads [{"name", "values"}] into the model's parameters. A library status, or -1 with
 * detail set. */
static int load_parameters(lrsched_model *model, const json_t *items) {
    if (!json_is_array(items)) {
        fail("'initial_parameters' must be a list");
        return -1;
    }
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item) {
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t index = 0, numel = 0;
        if (!name) {
            fail("initial parameter %zu has no name", i);
            return -1;
        }
        int rc = lrsched_model_parameter_find(model, name, LRSCHED_NUL_TERMINATED, &index);
        if (rc == LRSCHED_OK) rc = lrsched_model_parameter_numel(model, index, &numel);
        if (rc != LRSCHED_OK) return rc;
        float *values = float_list(json_object_get(item, "values"), numel, name);
        if (!values) return -1;
        rc = lrsched_model_parameter_set(model, index, values, numel);
        free(values);
        if (rc != LRSCHED_OK) return rc;
    }
    return LRSCHED_OK;
}

/* Compares the history and the final parameters with the case; sets detail. */
static void training_compare(lrsched_model *model, const double *history, size_t n_epochs, const json_t *c) {
    const json_t *want = json_object_get(c, "history");
    if (!json_is_array(want) || json_array_size(want) != n_epochs) {
        fail("history has %zu epochs, expected %zu", n_epochs, json_is_array(want) ? json_array_size(want) : 0);
        return;
    }
    char a[32], b[32];
    for (size_t k = 0; k < n_epochs; k++) {
        const double *row = history + 4 * k;
        const json_t *w = json_array_get(want, k);
        double ls, la, loss;
        long e = (long)row[0];
        if (!vector_number(json_object_get(w, "lr_start"), &ls) || !vector_number(json_object_get(w, "lr_after"), &la) ||
            !vector_number(json_object_get(w, "loss"), &loss)) {
            fail("epoch %ld: malformed history entry", e);
            return;
        }
        if (row[0] != (double)(k + 1)) {
            fail("history row %zu is epoch %s, expected %zu", k, repr(row[0], a, sizeof a), k + 1);
            return;
        }
        if (!same_bits(row[1], ls)) {
            fail("epoch %ld: lr_start %s, expected %s", e, repr(row[1], a, sizeof a), repr(ls, b, sizeof b));
            return;
        }
        if (!same_bits(row[3], la)) {
            fail("epoch %ld: lr_after %s, expected %s", e, repr(row[3], a, sizeof a), repr(la, b, sizeof b));
            return;
        }
        if (!(fabs(row[2] - loss) <= LOSS_RELATIVE_TOLERANCE * fabs(loss))) {
            fail("epoch %ld: loss %s, expected %s (1e-4 relative)", e, repr(row[2], a, sizeof a),
                 repr(loss, b, sizeof b));
            return;
        }
    }
    size_t i;
    const json_t *item;
    json_array_foreach(json_object_get(c, "final_parameters"), i, item) {
        const char *name = json_string_value(json_object_get(item, "name"));
        const json_t *values = json_object_get(item, "values");
        size_t index = 0, n = 0;
        if (!name || !json_is_array(values)) {
            fail("malformed final_parameters");
            return;
        }
        if (lrsched_model_parameter_find(model, name, LRSCHED_NUL_TERMINATED, &index) != LRSCHED_OK ||
            lrsched_model_parameter_numel(model, index, &n) != LRSCHED_OK || n != json_array_size(values)) {
            fail("final parameter %s missing or of the wrong size", name);
            return;
        }
        float *got = malloc(n * sizeof(float));
        if (!got || lrsched_model_parameter_get(model, index, got, n, &n) != LRSCHED_OK) {
            fail("reading final parameter %s failed: %s", name, lrsched_last_error());
            free(got);
            return;
        }
        for (size_t j = 0; j < n; j++) {
            double v = NAN;
            vector_number(json_array_get(values, j), &v);
            if (!(fabs((double)got[j] - v) <= PARAMETER_ABSOLUTE_TOLERANCE)) {
                fail("final %s[%zu]: %s, expected %s (1e-5 absolute)", name, j, repr((double)got[j], a, sizeof a),
                     repr(v, b, sizeof b));
                break;
            }
        }
        free(got);
        if (detail[0]) return;
    }
}

static void training_case(const json_t *c, const json_t *meta) {
    struct training_data data = {0};
    lrsched_model *model = NULL;
    lrsched_sgd *sgd = NULL;
    lrsched_optimizer *opt = NULL;
    lrsched_scheduler *scheds[MAX_SCHEDULERS] = {0};
    size_t n_scheds = 0;
    lrsched_trainer *trainer = NULL;
    double *history = NULL;
    char *text = NULL;
    int rc = LRSCHED_OK;

    const char *data_name = json_string_value(json_object_get(c, "data"));
    const json_t *layers = json_object_get(c, "model");
    const json_t *sgd_spec = json_object_get(c, "sgd");
    const json_t *specs = json_object_get(c, "schedulers");
    const json_t *batch = json_object_get(c, "batch_size"), *epochs = json_object_get(c, "epochs");
    const char *unit_name = json_string_value(json_object_get(c, "step_scheduler"));
    int unit = LRSCHED_STEP_EPOCH;
    if (!data_name) {
        fail("case has no 'data'");
        goto done;
    }
    if (!layers) {
        fail("case has no 'model'");
        goto done;
    }
    if (!json_is_integer(batch) || !json_is_integer(epochs) || json_integer_value(batch) <= 0 ||
        json_integer_value(epochs) < 0 || json_integer_value(epochs) > (1 << 20)) {
        fail("case needs int 'batch_size' and 'epochs'");
        goto done;
    }
    if (specs && (!json_is_array(specs) || json_array_size(specs) > MAX_SCHEDULERS)) {
        fail("'schedulers' must be a list of at most %d specs", MAX_SCHEDULERS);
        goto done;
    }
    if (unit_name && strcmp(unit_name, "batch") == 0) {
        unit = LRSCHED_STEP_BATCH;
    } else if (unit_name && strcmp(unit_name, "epoch") != 0) {
        fail("unknown step_scheduler '%s'", unit_name);
        goto done;
    }
    if (!training_data(meta, data_name, &data)) goto done;

    if (!(text = dump(layers, "the model spec"))) goto done;
    if ((rc = lrsched_model_create_from_json(text, LRSCHED_NUL_TERMINATED, 0, &model)) != LRSCHED_OK) goto done;
    if ((rc = load_parameters(model, json_object_get(c, "initial_parameters"))) != LRSCHED_OK) goto done;
    free(text);
    if (!(text = sgd_spec ? dump(sgd_spec, "the sgd spec") : strdup("{}"))) goto done;
    if ((rc = lrsched_sgd_create_from_json(model, text, LRSCHED_NUL_TERMINATED, &sgd)) != LRSCHED_OK) goto done;
    if ((rc = lrsched_sgd_optimizer(sgd, &opt)) != LRSCHED_OK) goto done;
    for (size_t i = 0; i < json_array_size(specs); i++) {
        free(text);
        if (!(text = dump(json_array_get(specs, i), "a scheduler spec"))) goto done;
        if ((rc = lrsched_scheduler_create_from_json(opt, text, LRSCHED_NUL_TERMINATED, &scheds[n_scheds])) !=
            LRSCHED_OK)
            goto done;
        n_scheds++;
    }
    if ((rc = lrsched_trainer_create(model, sgd, scheds, n_scheds, (size_t)json_integer_value(batch), 0, 0, unit, 0,
                                     &trainer)) != LRSCHED_OK)
        goto done;

    size_t n_epochs = (size_t)json_integer_value(epochs), n_values = 0;
    history = calloc(4 * n_epochs + 1, sizeof(double));
    if (!history) {
        fail("out of memory");
        goto done;
    }
    rc = lrsched_trainer_fit(trainer, data.x, data.y, data.rows, data.features, 1, (int64_t)n_epochs, NULL, NULL,
                             history, 4 * n_epochs, &n_values);
    if (rc != LRSCHED_OK) goto done;
    if (n_values != 4 * n_epochs) {
        fail("fit wrote %zu history values for %zu epochs", n_values, n_epochs);
        goto done;
    }
    training_compare(model, history, n_epochs, c);

done:
    if (rc > 0 && !detail[0]) fail("unexpected %s: %s", exception_name(rc), lrsched_last_error());
    free(text);
    free(history);
    lrsched_trainer_free(trainer);
    for (size_t i = 0; i < n_scheds; i++) lrsched_scheduler_free(scheds[i]);
    lrsched_optimizer_free(opt);
    lrsched_sgd_free(sgd);
    lrsched_model_free(model);
    free(data.x);
    free(data.y);
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
        switch (kind) { /* added-groups.json mixes schedule and error cases */
        case SCHEDULES:
        case ERRORS: json_object_get(c, "error") ? error_case(c) : schedule_case(c); break;
        case TRAINING: training_case(c, json_object_get(doc, "meta")); break;
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
