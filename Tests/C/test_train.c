/*
 * The C suite of the training API (lrsched_model_*, lrsched_sgd_*, lrsched_trainer_*):
 * every function, results against an independent float32 reimplementation of the loop
 * (Linear + MSE + torch's SGD) and against known lrs bit for bit, the article's fit,
 * param groups, batching, shuffling, callbacks (failure, re-entry, freeing from inside),
 * scheduler errors mid-training, ownership, and bad input everywhere — NULL pointers,
 * wrong handle kinds, sizes out of range or overflowing, mismatched model and data
 * shapes, small buffers. A crash anywhere fails the suite; it runs under
 * AddressSanitizer and valgrind (see mk/c.mk).
 */
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

/* Linear(in, out) with the given weight ([out][in], row-major) and bias. */
static lrsched_model *linear_model(int64_t in, int64_t out, const float *w, const float *b) {
    lrsched_model *m = NULL;
    OK(lrsched_model_create(&m));
    OK(lrsched_model_add_linear(m, in, out, 7));
    if (w) OK(lrsched_model_parameter_set(m, 0, w, (size_t)(in * out)));
    if (b) OK(lrsched_model_parameter_set(m, 1, b, (size_t)out));
    return m;
}

static lrsched_optimizer *groups_of(lrsched_sgd *sgd) {
    lrsched_optimizer *o = NULL;
    OK(lrsched_sgd_optimizer(sgd, &o));
    return o;
}

static lrsched_scheduler *sched_json(lrsched_optimizer *o, const char *json) {
    lrsched_scheduler *s = NULL;
    OK(lrsched_scheduler_create_from_json(o, json, LRSCHED_NUL_TERMINATED, &s));
    return s;
}

/* Parameter index as a float array (n values expected). */
static void get_param(lrsched_model *m, size_t index, float *out, size_t n) {
    size_t count = 0;
    OK(lrsched_model_parameter_get(m, index, out, n, &count));
    CHECK(count == n);
}

static int same_floats(const float *a, const float *b, size_t n) { return memcmp(a, b, n * sizeof(float)) == 0; }

/* A seeded N(0, 1) (xorshift64* and Box-Muller) for synthetic data. */
static uint64_t rng_state = 99;
static double gauss(void) {
    double u[2];
    for (int i = 0; i < 2; i++) {
        rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
        u[i] = (double)((rng_state * 2685821657736338717u) >> 11) * 0x1p-53;
    }
    return sqrt(-2 * log(1 - u[0])) * cos(6.283185307179586 * u[1]);
}

/* 6 rows, 2 features, 1 output: the small problem of the reference tests. */
static const float X6[6][2] = {{0.5f, -1.0f}, {1.5f, 0.25f}, {-0.75f, 2.0f}, {2.0f, -0.5f}, {-1.25f, -1.5f}, {0.1f, 0.9f}};
static const float Y6[6] = {3.1f, 1.2f, -4.0f, 6.5f, 2.2f, -0.3f};
static const float W0[2] = {0.3f, -0.2f};
static const float B0[1] = {0.1f};

/* ----------------------------------------------------------------------------------
 * An independent float32 reimplementation: Linear(2, 1), MSE, torch's SGD with every
 * hyperparameter, unshuffled batches, StepLR(step_size, gamma) stepped per epoch.
 * -------------------------------------------------------------------------------- */

struct ref_sgd {
    double lr, momentum, dampening, weight_decay;
    int nesterov, maximize;
};

static double ref_loss(const float *w, float b) {
    double acc = 0;
    for (int i = 0; i < 6; i++) {
        float p = w[0] * X6[i][0] + w[1] * X6[i][1] + b;
        float d = p - Y6[i];
        acc += (double)(d * d);
    }
    return (double)(float)(acc / 6);
}

/* One parameter value's SGD update (torch's _single_tensor_sgd, float32 scalars). */
static void ref_update(float *p, float g, float *buf, int first, double lr, const struct ref_sgd *h) {
    float d = h->maximize ? -g : g;
    if (h->weight_decay != 0) d = fmaf(*p, (float)h->weight_decay, d);
    if (h->momentum != 0) {
        *buf = first ? d : fmaf(d, (float)(1 - h->dampening), *buf * (float)h->momentum);
        d = h->nesterov ? fmaf(*buf, (float)h->momentum, d) : *buf;
    }
    *p = fmaf(d, (float)(-lr), *p);
}

/* Runs the loop; history as lrsched_trainer_fit writes it. */
static void ref_fit(const struct ref_sgd *h, int batch, int epochs, int step_size, double gamma, float *w, float *b,
                    double *history) {
    float buf[3] = {0, 0, 0};
    int first = 1;
    double lr = h->lr;
    for (int e = 1; e <= epochs; e++) {
        double lr_start = lr;
        for (int start = 0; start < 6; start += batch) {
            int n = 6 - start < batch ? 6 - start : batch;
            float norm = (float)(2.0 / n), gw0 = 0, gw1 = 0, gb = 0;
            for (int i = start; i < start + n; i++) {
                float p = w[0] * X6[i][0] + w[1] * X6[i][1] + *b;
                float g = (p - Y6[i]) * norm;
                gw0 += g * X6[i][0];
                gw1 += g * X6[i][1];
                gb += g;
            }
            ref_update(&w[0], gw0, &buf[0], first, lr, h);
            ref_update(&w[1], gw1, &buf[1], first, lr, h);
            ref_update(b, gb, &buf[2], first, lr, h);
            first = 0;
        }
        double loss = ref_loss(w, *b);
        if (e % step_size == 0) lr = lr * gamma; /* StepLR's recursive form */
        history[4 * (e - 1)] = e;
        history[4 * (e - 1) + 1] = lr_start;
        history[4 * (e - 1) + 2] = loss;
        history[4 * (e - 1) + 3] = lr;
    }
}

/* The same run through the library. */
static void lib_fit(const struct ref_sgd *h, int batch, int epochs, int step_size, double gamma, float *w, float *b,
                    double *history) {
    lrsched_model *m = linear_model(2, 1, W0, B0);
    lrsched_sgd *sgd = NULL;
    OK(lrsched_sgd_create(m, NULL, 0, h->lr, h->momentum, h->dampening, h->weight_decay, h->nesterov, h->maximize,
                          &sgd));
    lrsched_optimizer *o = groups_of(sgd);
    lrsched_scheduler *s = NULL;
    OK(lrsched_step_lr_create(o, step_size, gamma, LRSCHED_FRESH, &s));
    lrsched_trainer *t = NULL;
    OK(lrsched_trainer_create(m, sgd, &s, 1, (size_t)batch, 0, 0, LRSCHED_STEP_EPOCH, 0, &t));
    size_t count = 0;
    OK(lrsched_trainer_fit(t, &X6[0][0], Y6, 6, 2, 1, epochs, NULL, NULL, history, 4 * (size_t)epochs, &count));
    CHECK(count == 4 * (size_t)epochs);
    get_param(m, 0, w, 2);
    get_param(m, 1, b, 1);
    lrsched_trainer_free(t);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
    lrsched_sgd_free(sgd);
    lrsched_model_free(m);
}

static void test_against_reference(void) {
    static const struct ref_sgd cases[] = {
        {0.05, 0, 0, 0, 0, 0},
        {0.05, 0.9, 0, 0.01, 1, 0},
        {0.02, 0.5, 0.1, 0, 0, 0},
        {0.03, 0.8, 0.2, 0.05, 0, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const int batches[] = {1, 4, 6, 10};
        for (size_t j = 0; j < 4; j++) {
            float rw[2] = {W0[0], W0[1]}, rb = B0[0], lw[2], lb;
            double rh[4 * 5], lh[4 * 5];
            ref_fit(&cases[k], batches[j], 5, 2, 0.5, rw, &rb, rh);
            lib_fit(&cases[k], batches[j], 5, 2, 0.5, lw, &lb, lh);
            for (int e = 0; e < 5; e++) {
                CHECK(lh[4 * e] == e + 1);
                CHECK(same_bits(lh[4 * e + 1], rh[4 * e + 1])); /* lrs: bit for bit */
                CHECK(same_bits(lh[4 * e + 3], rh[4 * e + 3]));
                if (!(fabs(lh[4 * e + 2] - rh[4 * e + 2]) <= 1e-5 * fabs(rh[4 * e + 2]))) {
                    fprintf(stderr, "case %zu batch %d epoch %d: loss %.9g, reference %.9g\n", k, batches[j], e + 1,
                            lh[4 * e + 2], rh[4 * e + 2]);
                    test_failures++;
                }
            }
            if (!(fabsf(lw[0] - rw[0]) <= 1e-5f && fabsf(lw[1] - rw[1]) <= 1e-5f && fabsf(lb - rb) <= 1e-5f)) {
                fprintf(stderr, "case %zu batch %d: parameters [%.9g, %.9g] %.9g, reference [%.9g, %.9g] %.9g\n", k,
                        batches[j], lw[0], lw[1], lb, rw[0], rw[1], rb);
                test_failures++;
            }
        }
    }
}

/* ----------------------------------------------------------------------------------
 * Models
 * -------------------------------------------------------------------------------- */

static void test_model(void) {
    lrsched_model *m = NULL;
    OK(lrsched_model_create(&m));
    size_t n = 99;
    OK(lrsched_model_layer_count(m, &n));
    CHECK(n == 0);
    OK(lrsched_model_parameter_count(m, &n));
    CHECK(n == 0);
    OK(lrsched_model_add_linear(m, 2, 3, 1));
    OK(lrsched_model_add_relu(m));
    OK(lrsched_model_add_linear(m, 3, 1, 2));
    OK(lrsched_model_layer_count(m, &n));
    CHECK(n == 3);
    OK(lrsched_model_parameter_count(m, &n));
    CHECK(n == 4);

    static const char *names[] = {"0.weight", "0.bias", "2.weight", "2.bias"};
    static const size_t shapes[4][2] = {{3, 2}, {3, 0}, {1, 3}, {1, 0}};
    static const size_t ranks[] = {2, 1, 2, 1}, numels[] = {6, 3, 3, 1};
    const char *name0 = NULL;
    for (size_t i = 0; i < 4; i++) {
        const char *name = NULL;
        OK(lrsched_model_parameter_name(m, i, &name));
        CHECK(name && strcmp(name, names[i]) == 0);
        if (i == 0) name0 = name;
        size_t idx = 99;
        OK(lrsched_model_parameter_find(m, names[i], LRSCHED_NUL_TERMINATED, &idx));
        CHECK(idx == i);
        size_t dims[2] = {0, 0}, rank = 0;
        OK(lrsched_model_parameter_shape(m, i, NULL, 0, &rank)); /* size query */
        CHECK(rank == ranks[i]);
        OK(lrsched_model_parameter_shape(m, i, dims, 2, &rank));
        CHECK(rank == ranks[i] && dims[0] == shapes[i][0] && (rank == 1 || dims[1] == shapes[i][1]));
        OK(lrsched_model_parameter_numel(m, i, &n));
        CHECK(n == numels[i]);
    }
    /* explicit lengths: "2.bias" out of "2.biasXYZ" */
    size_t idx = 0;
    OK(lrsched_model_parameter_find(m, "2.biasXYZ", 6, &idx));
    CHECK(idx == 3);
    CHECK_ERR(lrsched_model_parameter_find(m, "1.weight", LRSCHED_NUL_TERMINATED, &idx), LRSCHED_KEY_ERROR,
              "no parameter named '1.weight' (the model has: 0.weight, 0.bias, 2.weight, 2.bias)");
    CHECK_RC(lrsched_model_parameter_find(m, "0.weight", 0, &idx), LRSCHED_KEY_ERROR);
    CHECK_RC(lrsched_model_parameter_find(m, NULL, 0, &idx), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_model_parameter_find(m, "0.weight", LRSCHED_NUL_TERMINATED, NULL), LRSCHED_NULL_ARGUMENT);

    /* torch's init: U(-1/sqrt(in), 1/sqrt(in)), deterministic per seed */
    float w[6], w2[6], b[3];
    get_param(m, 0, w, 6);
    get_param(m, 1, b, 3);
    for (int i = 0; i < 6; i++) CHECK(fabsf(w[i]) <= 1 / sqrtf(2));
    for (int i = 0; i < 3; i++) CHECK(fabsf(b[i]) <= 1 / sqrtf(2));
    lrsched_model *same = NULL, *other = NULL;
    OK(lrsched_model_create(&same));
    OK(lrsched_model_add_linear(same, 2, 3, 1));
    get_param(same, 0, w2, 6);
    CHECK(same_floats(w, w2, 6));
    OK(lrsched_model_create(&other));
    OK(lrsched_model_add_linear(other, 2, 3, 2));
    get_param(other, 0, w2, 6);
    CHECK(!same_floats(w, w2, 6));
    lrsched_model_free(same);
    lrsched_model_free(other);

    /* get: size query, small buffer */
    size_t count = 0;
    OK(lrsched_model_parameter_get(m, 0, NULL, 0, &count));
    CHECK(count == 6);
    count = 0;
    CHECK_ERR(lrsched_model_parameter_get(m, 0, w2, 5, &count), LRSCHED_BUFFER_TOO_SMALL, "6 values needed");
    CHECK(count == 6);
    CHECK_RC(lrsched_model_parameter_get(m, 0, NULL, 6, &count), LRSCHED_BUFFER_TOO_SMALL);
    CHECK_RC(lrsched_model_parameter_get(m, 0, w2, 6, NULL), LRSCHED_NULL_ARGUMENT);
    size_t dims[1];
    CHECK_RC(lrsched_model_parameter_shape(m, 0, dims, 1, &count), LRSCHED_BUFFER_TOO_SMALL);
    CHECK(count == 2);

    /* set: round trip, exact count only, non-finite values allowed */
    const float nw[6] = {1, -2, 3.5f, NAN, INFINITY, -0.0f};
    OK(lrsched_model_parameter_set(m, 0, nw, 6));
    get_param(m, 0, w2, 6);
    CHECK(same_floats(nw, w2, 6));
    CHECK_ERR(lrsched_model_parameter_set(m, 0, w, 5), LRSCHED_VALUE_ERROR,
              "parameter '0.weight' of shape [3, 2] needs 6 values, got 5");
    CHECK_RC(lrsched_model_parameter_set(m, 0, w, 7), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_parameter_set(m, 0, w, SIZE_MAX), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_parameter_set(m, 0, NULL, 6), LRSCHED_NULL_ARGUMENT);
    get_param(m, 0, w2, 6);
    CHECK(same_floats(nw, w2, 6)); /* unchanged by the failures */
    OK(lrsched_model_parameter_set(m, 0, w, 6));

    /* index out of range everywhere */
    const char *name = NULL;
    CHECK_ERR(lrsched_model_parameter_name(m, 4, &name), LRSCHED_VALUE_ERROR, "parameter index 4 out of range (0..<4)");
    CHECK(name == NULL);
    CHECK_RC(lrsched_model_parameter_name(m, SIZE_MAX, &name), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_parameter_shape(m, 4, dims, 1, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_parameter_numel(m, 4, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_parameter_get(m, 4, w2, 6, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_parameter_set(m, 4, w2, 6), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_parameter_name(m, 0, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_model_parameter_numel(m, 0, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_model_layer_count(m, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_model_parameter_count(m, NULL), LRSCHED_NULL_ARGUMENT);

    /* names stay valid (same pointers) as layers are added */
    OK(lrsched_model_add_relu(m));
    OK(lrsched_model_add_linear(m, 1, 1, 0));
    OK(lrsched_model_parameter_name(m, 0, &name));
    CHECK(name == name0);
    OK(lrsched_model_parameter_name(m, 5, &name));
    CHECK(strcmp(name, "4.bias") == 0);
    lrsched_model_free(m);
}

static void test_model_errors(void) {
    lrsched_model *m = NULL;
    CHECK_RC(lrsched_model_create(NULL), LRSCHED_NULL_ARGUMENT);
    OK(lrsched_model_create(&m));
    static const int64_t bad[] = {INT64_MIN, -1, 0, (1 << 20) + 1, INT64_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(lrsched_model_add_linear(m, bad[i], 1, 0), LRSCHED_VALUE_ERROR, "sizes must be between 1 and 1048576");
        CHECK_RC(lrsched_model_add_linear(m, 1, bad[i], 0), LRSCHED_VALUE_ERROR);
    }
    /* 2^20 x 2^11 + 2^11 values: above the 2^31 bound, refused before allocating */
    CHECK_ERR(lrsched_model_add_linear(m, 1 << 20, 1 << 11, 0), LRSCHED_VALUE_ERROR, "more than 2^31 parameter values");
    size_t n = 9;
    OK(lrsched_model_layer_count(m, &n));
    CHECK(n == 0);
    CHECK_RC(lrsched_model_add_linear(NULL, 1, 1, 0), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_model_add_relu(NULL), LRSCHED_NULL_ARGUMENT);

    /* JSON */
    static const struct {
        const char *json;
        int status;
        const char *needle;
    } specs[] = {
        {"[{\"type\": \"Linear\", \"in\": 2, \"out\": 1", LRSCHED_VALUE_ERROR, "JSON"},
        {"[]", LRSCHED_VALUE_ERROR, "non-empty list"},
        {"{\"type\": \"Linear\"}", LRSCHED_VALUE_ERROR, "non-empty list"},
        {"[{\"type\": \"Conv2d\"}]", LRSCHED_TYPE_ERROR, "unknown layer type 'Conv2d'"},
        {"[{\"type\": \"Linear\", \"in\": 2, \"out\": 1, \"bias\": false}]", LRSCHED_TYPE_ERROR, "bias"},
        {"[{\"type\": \"Linear\", \"in\": 2.0, \"out\": 1}]", LRSCHED_TYPE_ERROR, "int"},
        {"[{\"type\": \"Linear\", \"in\": 2}]", LRSCHED_TYPE_ERROR, "out"},
        {"[{\"type\": \"Linear\", \"in\": 0, \"out\": 1}]", LRSCHED_VALUE_ERROR, "between 1 and 1048576"},
        {"[{\"type\": \"Linear\", \"in\": 1048576, \"out\": 1048576}]", LRSCHED_VALUE_ERROR, "2^31"},
        {"[{\"type\": \"Linear\", \"in\": 1048576, \"out\": 1024}, {\"type\": \"Linear\", \"in\": 1024, \"out\": "
         "1048576}]",
         LRSCHED_VALUE_ERROR, "2^31"},
        {"[{\"type\": \"ReLU\", \"inplace\": true}]", LRSCHED_TYPE_ERROR, "inplace"},
        {"[1]", LRSCHED_TYPE_ERROR, "'type'"},
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        lrsched_model *j = NULL;
        CHECK_ERR(lrsched_model_create_from_json(specs[i].json, LRSCHED_NUL_TERMINATED, 0, &j), specs[i].status,
                  specs[i].needle);
        CHECK(j == NULL);
    }
    lrsched_model *j = NULL;
    CHECK_RC(lrsched_model_create_from_json(NULL, 0, 0, &j), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_model_create_from_json("[{\"type\": \"ReLU\"}]", LRSCHED_NUL_TERMINATED, 0, NULL),
             LRSCHED_NULL_ARGUMENT);
    /* explicit length: the trailing garbage is not read */
    const char *spec = "[{\"type\": \"Linear\", \"in\": 4, \"out\": 16, \"init_std\": 0.3}, {\"type\": \"ReLU\"}, "
                       "{\"type\": \"Linear\", \"in\": 16, \"out\": 1}]garbage";
    OK(lrsched_model_create_from_json(spec, strlen(spec) - 7, 5, &j));
    OK(lrsched_model_layer_count(j, &n));
    CHECK(n == 3);
    OK(lrsched_model_parameter_count(j, &n));
    CHECK(n == 4);
    const char *name = NULL;
    OK(lrsched_model_parameter_name(j, 2, &name));
    CHECK(strcmp(name, "2.weight") == 0);
    OK(lrsched_model_parameter_numel(j, 2, &n));
    CHECK(n == 16);
    float a[64], b[64];
    get_param(j, 0, a, 64);
    for (int i = 0; i < 64; i++) CHECK(fabsf(a[i]) <= 0.5f); /* 1/sqrt(4) */
    lrsched_model *j2 = NULL;
    OK(lrsched_model_create_from_json(spec, strlen(spec) - 7, 5, &j2));
    get_param(j2, 0, b, 64);
    CHECK(same_floats(a, b, 64)); /* deterministic per seed */
    lrsched_model_free(j2);
    lrsched_model_free(j);

    /* handles of the wrong kind */
    lrsched_optimizer *o = NULL;
    OK(lrsched_optimizer_create(1, 0.1, 0, LRSCHED_MOMENTUM_SGD, &o));
    lrsched_model *fake = (lrsched_model *)(void *)o;
    CHECK_ERR(lrsched_model_add_relu(fake), LRSCHED_TYPE_ERROR, "model is not an lrsched_model handle");
    CHECK_RC(lrsched_model_add_linear(fake, 1, 1, 0), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_model_layer_count(fake, &n), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_model_parameter_count(fake, &n), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_model_parameter_get(fake, 0, a, 1, &n), LRSCHED_TYPE_ERROR);
    lrsched_model_free(fake); /* ignored: not a model */
    lrsched_sgd_free((lrsched_sgd *)(void *)o);
    lrsched_trainer_free((lrsched_trainer *)(void *)o);
    /* a model is not an optimizer or scheduler either */
    CHECK_RC(lrsched_optimizer_add_group((lrsched_optimizer *)(void *)m, 0.1, 0), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_scheduler_step((lrsched_scheduler *)(void *)m), LRSCHED_TYPE_ERROR);
    lrsched_optimizer_free((lrsched_optimizer *)(void *)m); /* ignored */
    lrsched_scheduler_free((lrsched_scheduler *)(void *)m); /* ignored */
    OK(lrsched_optimizer_group_count(o, &n));
    CHECK(n == 1);
    lrsched_optimizer_free(o);
    OK(lrsched_model_layer_count(m, &n));
    lrsched_model_free(m);
    lrsched_model_free(NULL);
    lrsched_sgd_free(NULL);
    lrsched_trainer_free(NULL);
}

static void test_forward(void) {
    const float w[2] = {2, -3}, b[1] = {0.5f};
    lrsched_model *m = linear_model(2, 1, w, b);
    float out[6];
    size_t count = 0;
    OK(lrsched_model_forward(m, NULL, 6, 2, NULL, 0, &count)); /* size query */
    CHECK(count == 6);
    OK(lrsched_model_forward(m, &X6[0][0], 6, 2, out, 6, &count));
    for (int i = 0; i < 6; i++) CHECK(out[i] == 2 * X6[i][0] + -3 * X6[i][1] + 0.5f);
    CHECK_RC(lrsched_model_forward(m, &X6[0][0], 6, 2, out, 5, &count), LRSCHED_BUFFER_TOO_SMALL);
    CHECK(count == 6);
    CHECK_RC(lrsched_model_forward(m, NULL, 6, 2, out, 6, &count), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_model_forward(m, &X6[0][0], 6, 2, out, 6, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_ERR(lrsched_model_forward(m, &X6[0][0], 3, 4, out, 6, &count), LRSCHED_VALUE_ERROR,
              "Linear(in=2, out=1), does not fit: the data has 4 features");
    CHECK_RC(lrsched_model_forward(m, &X6[0][0], 6, 0, out, 6, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_forward(m, &X6[0][0], SIZE_MAX, 2, out, 6, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_model_forward(m, &X6[0][0], (SIZE_MAX >> 1) + 1, 2, out, 6, &count), LRSCHED_VALUE_ERROR);
    OK(lrsched_model_forward(m, NULL, 0, 2, out, 6, &count)); /* no rows */
    CHECK(count == 0);
    OK(lrsched_model_add_relu(m));
    OK(lrsched_model_forward(m, &X6[0][0], 6, 2, out, 6, &count));
    for (int i = 0; i < 6; i++) CHECK(out[i] == fmaxf(0, 2 * X6[i][0] + -3 * X6[i][1] + 0.5f));
    /* layers that do not fit each other */
    OK(lrsched_model_add_linear(m, 4, 1, 0));
    CHECK_ERR(lrsched_model_forward(m, &X6[0][0], 6, 2, out, 6, &count), LRSCHED_VALUE_ERROR,
              "layer 2, Linear(in=4, out=1), does not fit: the layers before it give 1 features");
    lrsched_model_free(m);
    /* the empty model is the identity */
    OK(lrsched_model_create(&m));
    float id[12];
    OK(lrsched_model_forward(m, &X6[0][0], 6, 2, id, 12, &count));
    CHECK(count == 12 && same_floats(id, &X6[0][0], 12));
    /* one layer's output for all rows above 2^31 values: refused */
    OK(lrsched_model_add_linear(m, 1, 1 << 20, 0));
    static float big[4096];
    CHECK_ERR(lrsched_model_forward(m, big, 4096, 1, NULL, 0, &count), LRSCHED_VALUE_ERROR, "2^31");
    lrsched_model_free(m);
}

/* ----------------------------------------------------------------------------------
 * SGD
 * -------------------------------------------------------------------------------- */

static void test_sgd(void) {
    lrsched_model *m = NULL;
    OK(lrsched_model_create(&m));
    lrsched_sgd *sgd = NULL;
    /* torch: an optimizer needs parameters */
    CHECK_ERR(lrsched_sgd_create(m, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR,
              "optimizer got an empty parameter list");
    OK(lrsched_model_add_relu(m));
    CHECK_RC(lrsched_sgd_create_from_json(m, "{}", LRSCHED_NUL_TERMINATED, &sgd), LRSCHED_VALUE_ERROR);
    OK(lrsched_model_add_linear(m, 2, 3, 0));
    OK(lrsched_model_add_relu(m));
    OK(lrsched_model_add_linear(m, 3, 1, 0));

    /* hyperparameter checks: torch's messages */
    CHECK_ERR(lrsched_sgd_create(m, NULL, 0, -0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR,
              "Invalid learning rate: -0.1");
    CHECK_ERR(lrsched_sgd_create(m, NULL, 0, 0.1, -1, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR, "Invalid momentum value");
    CHECK_ERR(lrsched_sgd_create(m, NULL, 0, 0.1, 0, 0, -1, 0, 0, &sgd), LRSCHED_VALUE_ERROR, "Invalid weight_decay");
    CHECK_ERR(lrsched_sgd_create(m, NULL, 0, 0.1, 0, 0, 0, 1, 0, &sgd), LRSCHED_VALUE_ERROR,
              "Nesterov momentum requires a momentum and zero dampening");
    CHECK_RC(lrsched_sgd_create(m, NULL, 0, NAN, 0, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_sgd_create(m, NULL, 0, 0.1, INFINITY, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR);
    CHECK(sgd == NULL);
    CHECK_RC(lrsched_sgd_create(NULL, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_sgd_create(m, NULL, 0, 0.1, 0, 0, 0, 0, 0, NULL), LRSCHED_NULL_ARGUMENT);

    /* group_of */
    const size_t two[4] = {0, 0, 1, 1}, gap[4] = {0, 0, 2, 2}, big[4] = {0, 0, 1, SIZE_MAX};
    CHECK_ERR(lrsched_sgd_create(m, two, 3, 0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR,
              "group_of has 3 entries, the model has 4 parameters");
    CHECK_ERR(lrsched_sgd_create(m, gap, 4, 0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR,
              "names no parameter for group 1");
    CHECK_ERR(lrsched_sgd_create(m, big, 4, 0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR, "group_of[3]");
    CHECK_RC(lrsched_sgd_create(m, NULL, 4, 0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_sgd_create(m, two, SIZE_MAX, 0.1, 0, 0, 0, 0, 0, &sgd), LRSCHED_VALUE_ERROR);
    OK(lrsched_sgd_create(m, two, 4, 0.1, 0.9, 0.1, 0.01, 0, 1, &sgd));
    lrsched_optimizer *o = groups_of(sgd);
    size_t n = 0;
    OK(lrsched_optimizer_group_count(o, &n));
    CHECK(n == 2);
    double v = 0;
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_MOMENTUM, &v));
    CHECK(v == 0.9);
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_DAMPENING, &v));
    CHECK(v == 0.1);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_WEIGHT_DECAY, &v));
    CHECK(v == 0.01);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_MAXIMIZE, &v));
    CHECK(v == 1);
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_NESTEROV, &v));
    CHECK(v == 0);
    int kind = -1;
    OK(lrsched_optimizer_momentum_kind(o, &kind));
    CHECK(kind == LRSCHED_MOMENTUM_SGD);
    /* the layers are fixed once an SGD uses the model */
    CHECK_ERR(lrsched_model_add_relu(m), LRSCHED_RUNTIME_ERROR, "cannot add layers to a model that an SGD");
    CHECK_RC(lrsched_model_add_linear(m, 1, 1, 0), LRSCHED_RUNTIME_ERROR);
    /* a second SGD over the same model is fine (torch allows it) */
    lrsched_sgd *sgd2 = NULL;
    OK(lrsched_sgd_create_from_json(m, "{\"lr\": 0.02, \"momentum\": 0.9, \"nesterov\": true, \"weight_decay\": 0.001}",
                                    LRSCHED_NUL_TERMINATED, &sgd2));
    lrsched_optimizer *o2 = groups_of(sgd2);
    OK(lrsched_optimizer_group_count(o2, &n));
    CHECK(n == 1);
    OK(lrsched_optimizer_get(o2, 0, LRSCHED_KEY_NESTEROV, &v));
    CHECK(v == 1);
    OK(lrsched_optimizer_get(o2, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.02);
    lrsched_optimizer_free(o2);
    lrsched_sgd_free(sgd2);
    OK(lrsched_sgd_create_from_json(m, "{}", LRSCHED_NUL_TERMINATED, &sgd2));
    o2 = groups_of(sgd2);
    OK(lrsched_optimizer_get(o2, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 1e-3); /* torch's default */
    lrsched_optimizer_free(o2);
    lrsched_sgd_free(sgd2);
    sgd2 = NULL;
    CHECK_ERR(lrsched_sgd_create_from_json(m, "{\"lr\": 0.1, \"betas\": [0.9, 0.99]}", LRSCHED_NUL_TERMINATED, &sgd2),
              LRSCHED_TYPE_ERROR, "betas");
    CHECK_RC(lrsched_sgd_create_from_json(m, "{\"lr\": \"fast\"}", LRSCHED_NUL_TERMINATED, &sgd2), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_sgd_create_from_json(m, "[0.1]", LRSCHED_NUL_TERMINATED, &sgd2), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_sgd_create_from_json(m, "{\"lr\": -1}", LRSCHED_NUL_TERMINATED, &sgd2), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_sgd_create_from_json(m, "{\"lr\": 0.1", LRSCHED_NUL_TERMINATED, &sgd2), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_sgd_create_from_json(m, NULL, 0, &sgd2), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_sgd_create_from_json(m, "{}", LRSCHED_NUL_TERMINATED, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK(sgd2 == NULL);

    /* wrong kinds */
    lrsched_model *fake_model = (lrsched_model *)(void *)o;
    lrsched_sgd *fake_sgd = (lrsched_sgd *)(void *)m;
    CHECK_ERR(lrsched_sgd_create(fake_model, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd2), LRSCHED_TYPE_ERROR,
              "not an lrsched_model handle");
    CHECK_RC(lrsched_sgd_create_from_json(fake_model, "{}", LRSCHED_NUL_TERMINATED, &sgd2), LRSCHED_TYPE_ERROR);
    CHECK_ERR(lrsched_sgd_optimizer(fake_sgd, &o2), LRSCHED_TYPE_ERROR, "sgd is not an lrsched_sgd handle");
    CHECK_RC(lrsched_sgd_optimizer(NULL, &o2), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_sgd_optimizer(sgd, NULL), LRSCHED_NULL_ARGUMENT);
    lrsched_sgd_free(fake_sgd); /* ignored */
    lrsched_trainer_free((lrsched_trainer *)(void *)sgd); /* ignored */

    /* ownership: the SGD keeps the model (and its parameter names) alive; the optimizer
     * handle outlives the SGD */
    const char *name = NULL;
    OK(lrsched_model_parameter_name(m, 3, &name));
    lrsched_model_free(m);
    CHECK(strcmp(name, "3.bias") == 0); /* ReLU, Linear, ReLU, Linear */
    lrsched_sgd_free(sgd);
    OK(lrsched_optimizer_set(o, 0, LRSCHED_KEY_LR, 0.5));
    OK(lrsched_optimizer_get(o, 0, LRSCHED_KEY_LR, &v));
    CHECK(v == 0.5);
    lrsched_optimizer_free(o);
}

/* ----------------------------------------------------------------------------------
 * Trainers
 * -------------------------------------------------------------------------------- */

static void test_trainer_create(void) {
    lrsched_model *m = linear_model(2, 1, W0, B0), *m2 = linear_model(2, 1, W0, B0);
    lrsched_sgd *sgd = NULL, *sgd2 = NULL;
    OK(lrsched_sgd_create(m, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd));
    OK(lrsched_sgd_create(m2, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd2));
    lrsched_optimizer *o = groups_of(sgd), *o2 = groups_of(sgd2), *bare = NULL;
    OK(lrsched_optimizer_create(1, 0.1, 0, LRSCHED_MOMENTUM_SGD, &bare));
    lrsched_scheduler *s = sched_json(o, "{\"type\": \"StepLR\", \"step_size\": 2}");
    lrsched_scheduler *s2 = sched_json(o2, "{\"type\": \"StepLR\", \"step_size\": 2}");
    lrsched_scheduler *sb = sched_json(bare, "{\"type\": \"StepLR\", \"step_size\": 2}");
    lrsched_trainer *t = NULL;
    CHECK_ERR(lrsched_trainer_create(m, sgd2, &s, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_VALUE_ERROR,
              "sgd was created over another model's parameters");
    CHECK_ERR(lrsched_trainer_create(m, sgd, &s2, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_VALUE_ERROR,
              "StepLR is attached to a different optimizer than the trainer's");
    CHECK_RC(lrsched_trainer_create(m, sgd, &sb, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_trainer_create(m, sgd, &s, 1, 0, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_VALUE_ERROR,
              "batch_size should be a positive integer value, but got batch_size=0");
    CHECK_RC(lrsched_trainer_create(m, sgd, &s, 1, SIZE_MAX, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_trainer_create(m, sgd, &s, 1, 2, 0, 0, 2, 0, &t), LRSCHED_VALUE_ERROR, "unknown step_unit 2");
    CHECK_RC(lrsched_trainer_create(m, sgd, &s, 1, 2, 0, 0, -1, 0, &t), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_trainer_create(m, sgd, NULL, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_NULL_ARGUMENT);
    lrsched_scheduler *with_null[2] = {s, NULL};
    CHECK_ERR(lrsched_trainer_create(m, sgd, with_null, 2, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_NULL_ARGUMENT,
              "scheds[1]");
    lrsched_scheduler *wrong[1] = {(lrsched_scheduler *)(void *)o};
    CHECK_ERR(lrsched_trainer_create(m, sgd, wrong, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_TYPE_ERROR,
              "scheds[0] is not an lrsched_scheduler handle");
    CHECK_RC(lrsched_trainer_create((lrsched_model *)(void *)sgd, sgd, &s, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t),
             LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_trainer_create(m, (lrsched_sgd *)(void *)m, &s, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t),
             LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_trainer_create(NULL, sgd, &s, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_trainer_create(m, NULL, &s, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_trainer_create(m, sgd, &s, 1, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK(t == NULL);
    /* no schedulers at all, scheds NULL */
    OK(lrsched_trainer_create(m, sgd, NULL, 0, 2, 0, 0, LRSCHED_STEP_BATCH, 0, &t));
    double h[8];
    size_t count = 0;
    OK(lrsched_trainer_fit(t, &X6[0][0], Y6, 6, 2, 1, 2, NULL, NULL, h, 8, &count));
    CHECK(count == 8 && h[1] == 0.1 && h[3] == 0.1 && h[7] == 0.1);
    lrsched_trainer_free(t);

    /* wrong kinds for fit and loss */
    double loss = 0;
    CHECK_ERR(lrsched_trainer_fit((lrsched_trainer *)(void *)m, &X6[0][0], Y6, 6, 2, 1, 1, NULL, NULL, NULL, 0, NULL),
              LRSCHED_TYPE_ERROR, "trainer is not an lrsched_trainer handle");
    CHECK_RC(lrsched_trainer_loss((lrsched_trainer *)(void *)s, &X6[0][0], Y6, 6, 2, 1, &loss), LRSCHED_TYPE_ERROR);
    CHECK_RC(lrsched_trainer_fit(NULL, &X6[0][0], Y6, 6, 2, 1, 1, NULL, NULL, NULL, 0, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_trainer_loss(NULL, &X6[0][0], Y6, 6, 2, 1, &loss), LRSCHED_NULL_ARGUMENT);

    lrsched_scheduler_free(s);
    lrsched_scheduler_free(s2);
    lrsched_scheduler_free(sb);
    lrsched_optimizer_free(o);
    lrsched_optimizer_free(o2);
    lrsched_optimizer_free(bare);
    lrsched_sgd_free(sgd);
    lrsched_sgd_free(sgd2);
    lrsched_model_free(m);
    lrsched_model_free(m2);
}

/* A fresh Linear(2, 1) trainer: SGD(lr, momentum 0.9) and one scheduler from JSON. */
struct setup {
    lrsched_model *m;
    lrsched_sgd *sgd;
    lrsched_optimizer *o;
    lrsched_scheduler *s;
    lrsched_trainer *t;
};

static struct setup make_setup(const char *sched, size_t batch, int shuffle, int drop_last, int unit, uint64_t seed) {
    struct setup st = {0};
    st.m = linear_model(2, 1, W0, B0);
    OK(lrsched_sgd_create(st.m, NULL, 0, 0.05, 0.9, 0, 0, 0, 0, &st.sgd));
    st.o = groups_of(st.sgd);
    if (sched) st.s = sched_json(st.o, sched);
    OK(lrsched_trainer_create(st.m, st.sgd, st.s ? &st.s : NULL, st.s ? 1 : 0, batch, shuffle, drop_last, unit, seed,
                              &st.t));
    return st;
}

static void free_setup(struct setup *st) {
    lrsched_trainer_free(st->t);
    lrsched_scheduler_free(st->s);
    lrsched_optimizer_free(st->o);
    lrsched_sgd_free(st->sgd);
    lrsched_model_free(st->m);
}

static void params3(lrsched_model *m, float *p) {
    get_param(m, 0, p, 2);
    get_param(m, 1, p + 2, 1);
}

static void test_fit_errors(void) {
    struct setup st = make_setup("{\"type\": \"StepLR\", \"step_size\": 1, \"gamma\": 0.5}", 2, 0, 0,
                                 LRSCHED_STEP_EPOCH, 0);
    float before[3], after[3];
    params3(st.m, before);
    double h[40];
    size_t count = 77;
    const float *x = &X6[0][0];
    /* shapes */
    CHECK_ERR(lrsched_trainer_fit(st.t, x, Y6, 4, 3, 1, 2, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR,
              "the data has 3 features");
    CHECK_ERR(lrsched_trainer_fit(st.t, x, Y6, 3, 2, 2, 2, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR,
              "the model gives 1 outputs per row, y has 2");
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, 6, 0, 1, 2, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 0, 2, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_trainer_fit(st.t, x, Y6, SIZE_MAX / 2, 2, 1, 2, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR,
              "x would hold");
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, SIZE_MAX, 2, 1, 2, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR);
    CHECK_ERR(lrsched_trainer_fit(st.t, x, Y6, ((size_t)1 << 30) + 1, 2, 1, 2, NULL, NULL, h, 40, &count),
              LRSCHED_VALUE_ERROR, "at most 2^31"); /* 2^31 + 2 values in x */
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, 6, SIZE_MAX, 1, 2, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR);
    /* pointers */
    CHECK_ERR(lrsched_trainer_fit(st.t, NULL, Y6, 6, 2, 1, 2, NULL, NULL, h, 40, &count), LRSCHED_NULL_ARGUMENT,
              "x must not be NULL");
    CHECK_ERR(lrsched_trainer_fit(st.t, x, NULL, 6, 2, 1, 2, NULL, NULL, h, 40, &count), LRSCHED_NULL_ARGUMENT,
              "y must not be NULL");
    /* epochs */
    CHECK_ERR(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, -1, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR,
              "epochs must be between 0 and 1048576, got -1");
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, (1 << 20) + 1, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, INT64_MIN, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, INT64_MAX, NULL, NULL, h, 40, &count), LRSCHED_VALUE_ERROR);
    CHECK(count == 77); /* untouched by failed checks */
    /* history buffer */
    CHECK_ERR(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, 10, NULL, NULL, h, 39, &count), LRSCHED_BUFFER_TOO_SMALL,
              "40 values needed for 10 epochs, capacity 39");
    CHECK(count == 40);
    count = 0;
    CHECK_ERR(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, 10, NULL, NULL, NULL, 4, &count), LRSCHED_BUFFER_TOO_SMALL,
              "history is NULL with capacity 4 (40 values needed for 10 epochs; NULL and 0 ask for the size)");
    CHECK(count == 40);
    CHECK_RC(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, 10, NULL, NULL, h, 0, NULL), LRSCHED_BUFFER_TOO_SMALL);
    /* nothing changed */
    params3(st.m, after);
    CHECK(same_floats(before, after, 3));
    int64_t le = -5;
    OK(lrsched_scheduler_last_epoch(st.s, &le));
    CHECK(le == 0);
    double lr = 0;
    OK(lrsched_optimizer_get(st.o, 0, LRSCHED_KEY_LR, &lr));
    CHECK(lr == 0.05);
    /* loss: the same checks */
    double loss = 0;
    CHECK_RC(lrsched_trainer_loss(st.t, x, Y6, 4, 3, 1, &loss), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_trainer_loss(st.t, x, Y6, 3, 2, 2, &loss), LRSCHED_VALUE_ERROR);
    CHECK_RC(lrsched_trainer_loss(st.t, NULL, Y6, 6, 2, 1, &loss), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_trainer_loss(st.t, x, Y6, 6, 2, 1, NULL), LRSCHED_NULL_ARGUMENT);
    CHECK_RC(lrsched_trainer_loss(st.t, x, Y6, SIZE_MAX, 2, 1, &loss), LRSCHED_VALUE_ERROR);
    /* epochs 0 and rows 0 are fine */
    OK(lrsched_trainer_fit(st.t, x, Y6, 6, 2, 1, 0, NULL, NULL, NULL, 0, &count));
    CHECK(count == 0);
    OK(lrsched_trainer_fit(st.t, NULL, NULL, 0, 2, 1, 2, NULL, NULL, h, 8, &count));
    CHECK(count == 8 && isnan(h[2]) && h[1] == 0.05 && h[3] == 0.025 && h[7] == 0.0125);
    OK(lrsched_trainer_loss(st.t, NULL, NULL, 0, 2, 1, &loss));
    CHECK(isnan(loss));
    params3(st.m, after);
    CHECK(same_floats(before, after, 3)); /* no rows, no updates */
    free_setup(&st);

    /* one batch's widest activation above 2^31 values: refused */
    lrsched_model *m = NULL;
    OK(lrsched_model_create(&m));
    OK(lrsched_model_add_linear(m, 1, 1 << 20, 0));
    OK(lrsched_model_add_relu(m));
    OK(lrsched_model_add_linear(m, 1 << 20, 1, 0));
    lrsched_sgd *sgd = NULL;
    OK(lrsched_sgd_create(m, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd));
    lrsched_trainer *t = NULL;
    OK(lrsched_trainer_create(m, sgd, NULL, 0, 4096, 0, 0, LRSCHED_STEP_EPOCH, 0, &t));
    static float big[4096];
    CHECK_ERR(lrsched_trainer_fit(t, big, big, 4096, 1, 1, 1, NULL, NULL, NULL, 0, NULL), LRSCHED_VALUE_ERROR,
              "a layer's output for one batch would hold 4096 x 1048576 values");
    lrsched_trainer_free(t);
    lrsched_sgd_free(sgd);
    lrsched_model_free(m);
}

static void test_fit_units(void) {
    double h[12];
    size_t count = 0;
    /* per batch: 6 rows, batch 2 -> 3 StepLR steps per epoch */
    struct setup st = make_setup("{\"type\": \"StepLR\", \"step_size\": 1, \"gamma\": 0.5}", 2, 0, 0,
                                 LRSCHED_STEP_BATCH, 0);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 2, NULL, NULL, h, 12, &count));
    CHECK(count == 8);
    CHECK(h[0] == 1 && h[1] == 0.05 && h[3] == 0.05 * 0.5 * 0.5 * 0.5);
    CHECK(h[4] == 2 && h[5] == h[3] && h[7] == h[3] * 0.5 * 0.5 * 0.5);
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(st.s, &le));
    CHECK(le == 6);
    free_setup(&st);
    /* drop_last: 6 rows, batch 4 -> one batch per epoch */
    st = make_setup("{\"type\": \"StepLR\", \"step_size\": 1, \"gamma\": 0.5}", 4, 0, 1, LRSCHED_STEP_BATCH, 0);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 2, NULL, NULL, h, 12, &count));
    CHECK(h[3] == 0.025 && h[7] == 0.0125);
    free_setup(&st);
    st = make_setup("{\"type\": \"StepLR\", \"step_size\": 1, \"gamma\": 0.5}", 4, 0, 0, LRSCHED_STEP_BATCH, 0);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 1, NULL, NULL, h, 12, &count));
    CHECK(count == 4 && h[3] == 0.0125);
    free_setup(&st);

    /* ReduceLROnPlateau steps with the epoch's loss; here the loss grows (maximize=1
     * climbs the error), so the lr halves after every epoch past patience 0 */
    lrsched_model *m = linear_model(2, 1, W0, B0);
    lrsched_sgd *sgd = NULL;
    OK(lrsched_sgd_create(m, NULL, 0, 0.01, 0, 0, 0, 0, 1, &sgd));
    lrsched_optimizer *o = groups_of(sgd);
    lrsched_scheduler *p = sched_json(o, "{\"type\": \"ReduceLROnPlateau\", \"patience\": 0, \"factor\": 0.5}");
    lrsched_trainer *t = NULL;
    OK(lrsched_trainer_create(m, sgd, &p, 1, 6, 0, 0, LRSCHED_STEP_EPOCH, 0, &t));
    OK(lrsched_trainer_fit(t, &X6[0][0], Y6, 6, 2, 1, 3, NULL, NULL, h, 12, &count));
    CHECK(h[2] < h[6] && h[6] < h[10]);
    CHECK(h[3] == 0.01 && h[7] == 0.005 && h[11] == 0.0025);
    lrsched_trainer_free(t);
    lrsched_scheduler_free(p);
    lrsched_optimizer_free(o);
    lrsched_sgd_free(sgd);
    lrsched_model_free(m);

    /* shuffling: the same seed gives the same run, another seed another one; the data
     * order does not matter without shuffling when batch = all rows */
    float a[3], b[3], c[3];
    double ha[12], hb[12];
    st = make_setup(NULL, 2, 1, 0, LRSCHED_STEP_EPOCH, 11);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 3, NULL, NULL, ha, 12, &count));
    params3(st.m, a);
    free_setup(&st);
    st = make_setup(NULL, 2, 1, 0, LRSCHED_STEP_EPOCH, 11);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 3, NULL, NULL, hb, 12, &count));
    params3(st.m, b);
    free_setup(&st);
    CHECK(same_floats(a, b, 3) && same_array(ha, hb, 12));
    st = make_setup(NULL, 2, 1, 0, LRSCHED_STEP_EPOCH, 12);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 3, NULL, NULL, hb, 12, &count));
    params3(st.m, c);
    free_setup(&st);
    CHECK(!same_floats(a, c, 3));
    st = make_setup(NULL, 2, 0, 0, LRSCHED_STEP_EPOCH, 11);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 3, NULL, NULL, hb, 12, &count));
    params3(st.m, c);
    free_setup(&st);
    CHECK(!same_floats(a, c, 3));

    /* non-finite data is allowed (as torch): it propagates */
    float xn[6][2];
    memcpy(xn, X6, sizeof xn);
    xn[2][1] = NAN;
    st = make_setup("{\"type\": \"ReduceLROnPlateau\", \"patience\": 0}", 2, 0, 0, LRSCHED_STEP_EPOCH, 0);
    OK(lrsched_trainer_fit(st.t, &xn[0][0], Y6, 6, 2, 1, 2, NULL, NULL, h, 12, &count));
    CHECK(count == 8 && isnan(h[2]) && isnan(h[6]));
    CHECK(h[3] < 0.05 && h[7] < h[3]); /* a NaN loss is a bad epoch: patience 0 reduces every time */
    params3(st.m, a);
    CHECK(isnan(a[0]));
    double loss = 0;
    OK(lrsched_trainer_loss(st.t, &X6[0][0], Y6, 6, 2, 1, &loss));
    CHECK(isnan(loss));
    free_setup(&st);
}

/* ----------------------------------------------------------------------------------
 * Param groups: group 1 with lr 0 keeps its parameters
 * -------------------------------------------------------------------------------- */

static void test_groups(void) {
    lrsched_model *m = NULL;
    OK(lrsched_model_create(&m));
    OK(lrsched_model_add_linear(m, 2, 4, 3));
    OK(lrsched_model_add_relu(m));
    OK(lrsched_model_add_linear(m, 4, 1, 4));
    float w0[8], w2[4], w0b[8], w2b[4];
    get_param(m, 0, w0, 8);
    get_param(m, 2, w2, 4);
    const size_t group_of[4] = {1, 1, 0, 0};
    lrsched_sgd *sgd = NULL;
    OK(lrsched_sgd_create(m, group_of, 4, 0.05, 0.5, 0, 0, 0, 0, &sgd));
    lrsched_optimizer *o = groups_of(sgd);
    OK(lrsched_optimizer_set(o, 1, LRSCHED_KEY_LR, 0.0));
    lrsched_scheduler *s = sched_json(o, "{\"type\": \"ExponentialLR\", \"gamma\": 0.5}");
    lrsched_trainer *t = NULL;
    OK(lrsched_trainer_create(m, sgd, &s, 1, 3, 0, 0, LRSCHED_STEP_EPOCH, 0, &t));
    double h[12];
    size_t count = 0;
    OK(lrsched_trainer_fit(t, &X6[0][0], Y6, 6, 2, 1, 3, NULL, NULL, h, 12, &count));
    CHECK(h[3] == 0.025 && h[11] == 0.00625); /* group 0's lr */
    double v = -1;
    OK(lrsched_optimizer_get(o, 1, LRSCHED_KEY_LR, &v));
    CHECK(v == 0);
    get_param(m, 0, w0b, 8);
    get_param(m, 2, w2b, 4);
    CHECK(same_floats(w0, w0b, 8)); /* lr 0: unchanged */
    CHECK(!same_floats(w2, w2b, 4));
    lrsched_trainer_free(t);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
    lrsched_sgd_free(sgd);
    lrsched_model_free(m);
}

/* ----------------------------------------------------------------------------------
 * Callbacks
 * -------------------------------------------------------------------------------- */

struct cb {
    int stop_at;     /* return 5 at this epoch (-1: never) */
    int reenter_at;  /* try calls back into the library at this epoch */
    int free_at;     /* free the trainer at this epoch */
    int calls;
    double rows[40];
    struct setup *st;
    const float *x, *y;
    /* results of the re-entrant calls */
    int fit_rc, set_rc, add_rc, sgd_rc, trainer_rc, opt_set_rc, step_rc, get_rc, loss_rc, forward_rc, lr_rc,
        create_rc;
    double loss_in_cb, loss_arg, lr_in_cb, lr_after_arg;
    char message[256];
};

static int on_epoch(int64_t epoch, double lr_start, double loss, double lr_after, void *user) {
    struct cb *c = user;
    if (c->calls < 10) {
        c->rows[4 * c->calls] = (double)epoch;
        c->rows[4 * c->calls + 1] = lr_start;
        c->rows[4 * c->calls + 2] = loss;
        c->rows[4 * c->calls + 3] = lr_after;
    }
    c->calls++;
    if (epoch == c->reenter_at) {
        struct setup *st = c->st;
        float p[2];
        size_t n = 0;
        c->fit_rc = lrsched_trainer_fit(st->t, c->x, c->y, 6, 2, 1, 1, NULL, NULL, NULL, 0, NULL);
        snprintf(c->message, sizeof c->message, "%s", lrsched_last_error());
        c->set_rc = lrsched_model_parameter_set(st->m, 0, W0, 2);
        c->add_rc = lrsched_model_add_relu(st->m);
        lrsched_sgd *sgd = NULL;
        c->sgd_rc = lrsched_sgd_create(st->m, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd);
        lrsched_sgd_free(sgd);
        lrsched_trainer *t = NULL;
        c->trainer_rc = lrsched_trainer_create(st->m, st->sgd, NULL, 0, 2, 0, 0, LRSCHED_STEP_EPOCH, 0, &t);
        lrsched_trainer_free(t);
        c->opt_set_rc = lrsched_optimizer_set(st->o, 0, LRSCHED_KEY_LR, 1.0);
        c->step_rc = lrsched_scheduler_step(st->s);
        c->get_rc = lrsched_model_parameter_get(st->m, 0, p, 2, &n);
        c->loss_rc = lrsched_trainer_loss(st->t, c->x, c->y, 6, 2, 1, &c->loss_in_cb);
        c->loss_arg = loss;
        float out[6];
        c->forward_rc = lrsched_model_forward(st->m, c->x, 6, 2, out, 6, &n);
        c->lr_rc = lrsched_optimizer_get(st->o, 0, LRSCHED_KEY_LR, &c->lr_in_cb);
        c->lr_after_arg = lr_after;
        lrsched_model *fresh = NULL;
        c->create_rc = lrsched_model_create(&fresh);
        lrsched_model_free(fresh);
    }
    if (epoch == c->free_at) {
        lrsched_trainer_free(c->st->t);
        c->st->t = NULL;
    }
    return epoch == c->stop_at ? 5 : 0;
}

static void test_callbacks(void) {
    const char *step = "{\"type\": \"StepLR\", \"step_size\": 2, \"gamma\": 0.5}";
    /* every epoch's row, as in the history */
    struct setup st = make_setup(step, 2, 0, 0, LRSCHED_STEP_EPOCH, 0);
    struct cb c = {.stop_at = -1, .reenter_at = -1, .free_at = -1, .st = &st, .x = &X6[0][0], .y = Y6};
    double h[40];
    size_t count = 0;
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 5, on_epoch, &c, h, 40, &count));
    CHECK(c.calls == 5 && count == 20 && same_array(c.rows, h, 20));
    free_setup(&st);

    /* stopping at epoch 3: CallbackFailed, three rows, the updates of three epochs kept */
    st = make_setup(step, 2, 0, 0, LRSCHED_STEP_EPOCH, 0);
    c = (struct cb){.stop_at = 3, .reenter_at = -1, .free_at = -1, .st = &st, .x = &X6[0][0], .y = Y6};
    double hs[40];
    count = 0;
    CHECK_ERR(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 5, on_epoch, &c, hs, 40, &count),
              LRSCHED_CALLBACK_FAILED, "epoch callback returned 5 at epoch 3");
    CHECK(c.calls == 3 && count == 12 && same_array(hs, h, 12));
    float stopped[3], three[3];
    params3(st.m, stopped);
    int64_t le_stopped = 0, le_three = 0;
    OK(lrsched_scheduler_last_epoch(st.s, &le_stopped));
    free_setup(&st);
    st = make_setup(step, 2, 0, 0, LRSCHED_STEP_EPOCH, 0);
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 3, NULL, NULL, NULL, 0, NULL));
    params3(st.m, three);
    OK(lrsched_scheduler_last_epoch(st.s, &le_three));
    CHECK(same_floats(stopped, three, 3) && le_stopped == 3 && le_three == 3);
    free_setup(&st);

    /* re-entry at epoch 2: modifying calls refused, reading ones work */
    st = make_setup(step, 2, 0, 0, LRSCHED_STEP_EPOCH, 0);
    c = (struct cb){.stop_at = -1, .reenter_at = 2, .free_at = -1, .st = &st, .x = &X6[0][0], .y = Y6};
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 4, on_epoch, &c, h, 40, &count));
    CHECK(c.calls == 4);
    CHECK(c.fit_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(strstr(c.message, "lrsched_trainer_fit cannot be called from inside") != NULL);
    CHECK(strstr(c.message, "epoch callback") != NULL);
    CHECK(c.set_rc == LRSCHED_RUNTIME_ERROR && c.add_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(c.sgd_rc == LRSCHED_RUNTIME_ERROR && c.trainer_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(c.opt_set_rc == LRSCHED_RUNTIME_ERROR && c.step_rc == LRSCHED_RUNTIME_ERROR);
    CHECK(c.get_rc == LRSCHED_OK && c.loss_rc == LRSCHED_OK && c.forward_rc == LRSCHED_OK);
    CHECK(c.lr_rc == LRSCHED_OK && c.create_rc == LRSCHED_OK);
    CHECK(same_bits(c.loss_in_cb, c.loss_arg)); /* the epoch's loss is the full-data loss */
    CHECK(same_bits(c.lr_in_cb, c.lr_after_arg));
    /* the refused calls changed nothing: the run equals one without re-entry */
    double h2[16];
    struct setup st2 = make_setup(step, 2, 0, 0, LRSCHED_STEP_EPOCH, 0);
    OK(lrsched_trainer_fit(st2.t, &X6[0][0], Y6, 6, 2, 1, 4, NULL, NULL, h2, 16, &count));
    CHECK(same_array(h, h2, 16));
    /* outside callbacks, everything works again */
    OK(lrsched_model_parameter_set(st.m, 0, W0, 2));
    OK(lrsched_scheduler_step(st.s));
    free_setup(&st2);
    free_setup(&st);

    /* freeing the trainer from its own callback: the fit completes */
    st = make_setup(step, 2, 0, 0, LRSCHED_STEP_EPOCH, 0);
    c = (struct cb){.stop_at = -1, .reenter_at = -1, .free_at = 1, .st = &st, .x = &X6[0][0], .y = Y6};
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 4, on_epoch, &c, h, 40, &count));
    CHECK(c.calls == 4 && count == 16 && st.t == NULL && same_array(h, h2, 16));
    free_setup(&st);
}

/* ----------------------------------------------------------------------------------
 * A scheduler failing mid-training: the updates so far are kept
 * -------------------------------------------------------------------------------- */

static int lr_fails_at_3(int64_t epoch, void *user, double *out) {
    (void)user;
    *out = 1.0 / (double)(epoch + 1);
    return epoch == 3;
}

static void test_scheduler_error(void) {
    /* OneCycleLR over 4 steps, stepped per batch of 2: 3 steps per epoch; the 5th step
     * (epoch 2, second batch) is past its end */
    struct setup st = make_setup("{\"type\": \"OneCycleLR\", \"max_lr\": 0.1, \"total_steps\": 4}", 2, 0, 0,
                                 LRSCHED_STEP_BATCH, 0);
    float before[3], after[3];
    params3(st.m, before);
    double h[8] = {0};
    size_t count = 99;
    CHECK_ERR(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 2, NULL, NULL, h, 8, &count), LRSCHED_VALUE_ERROR,
              "Tried to step 5 times");
    CHECK(count == 4 && h[0] == 1);
    params3(st.m, after);
    CHECK(!same_floats(before, after, 3));
    int64_t le = 0;
    OK(lrsched_scheduler_last_epoch(st.s, &le));
    CHECK(le == 4);
    free_setup(&st);

    /* LambdaLR whose lr function fails at epoch 3 (an lr_lambda callback inside fit) */
    lrsched_model *m = linear_model(2, 1, W0, B0);
    lrsched_sgd *sgd = NULL;
    OK(lrsched_sgd_create(m, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd));
    lrsched_optimizer *o = groups_of(sgd);
    lrsched_lr_fn fn = lr_fails_at_3;
    lrsched_scheduler *s = NULL;
    OK(lrsched_lambda_lr_create(o, &fn, NULL, 1, LRSCHED_FRESH, &s));
    lrsched_trainer *t = NULL;
    OK(lrsched_trainer_create(m, sgd, &s, 1, 3, 0, 0, LRSCHED_STEP_EPOCH, 0, &t));
    CHECK_ERR(lrsched_trainer_fit(t, &X6[0][0], Y6, 6, 2, 1, 5, NULL, NULL, h, 20, &count), LRSCHED_CALLBACK_FAILED,
              "lr_lambda callback returned 1 at epoch 3");
    CHECK(count == 8 && same_bits(h[3], 0.1 * 0.5) && same_bits(h[7], 0.1 * (1.0 / 3)));
    OK(lrsched_scheduler_last_epoch(s, &le));
    CHECK(le == 2);
    lrsched_trainer_free(t);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
    lrsched_sgd_free(sgd);
    lrsched_model_free(m);
}

/* ----------------------------------------------------------------------------------
 * Ownership: the trainer keeps everything alive
 * -------------------------------------------------------------------------------- */

static void test_ownership(void) {
    struct setup st = make_setup("{\"type\": \"ExponentialLR\", \"gamma\": 0.9}", 3, 1, 0, LRSCHED_STEP_EPOCH, 5);
    lrsched_model *m = st.m;
    const char *name = NULL;
    OK(lrsched_model_parameter_name(m, 0, &name));
    /* drop every reference but the trainer's */
    lrsched_scheduler_free(st.s);
    lrsched_optimizer_free(st.o);
    lrsched_sgd_free(st.sgd);
    lrsched_model_free(st.m);
    double h[8];
    size_t count = 0;
    OK(lrsched_trainer_fit(st.t, &X6[0][0], Y6, 6, 2, 1, 2, NULL, NULL, h, 8, &count));
    CHECK(count == 8 && same_bits(h[3], 0.05 * 0.9) && same_bits(h[7], 0.05 * 0.9 * 0.9));
    CHECK(strcmp(name, "0.weight") == 0);
    double loss = 0;
    OK(lrsched_trainer_loss(st.t, &X6[0][0], Y6, 6, 2, 1, &loss));
    CHECK(same_bits(loss, h[6]));
    lrsched_trainer_free(st.t);
}

/* ----------------------------------------------------------------------------------
 * The article: Linear(2, 1) learns y = 2 x0 - 3.4 x1 + 4.2 under its three schedules
 * -------------------------------------------------------------------------------- */

static void test_article(void) {
    enum { ROWS = 1000 };
    static float x[ROWS][2], y[ROWS];
    for (int i = 0; i < ROWS; i++) {
        x[i][0] = (float)gauss();
        x[i][1] = (float)gauss();
        y[i] = (float)(2 * x[i][0] - 3.4 * x[i][1] + 4.2 + 0.01 * gauss());
    }
    static const char *specs[] = {
        "{\"type\": \"ExponentialLR\", \"gamma\": 0.9}",
        "{\"type\": \"StepLR\", \"step_size\": 4, \"gamma\": 0.9}",
        "{\"type\": \"LinearLR\", \"start_factor\": 0.5, \"total_iters\": 4}",
    };
    /* the lrs the C suite checks for article_lrs (Tests/C/article_lrs.expected) */
    static const double want[3][10] = {
        {0.0900, 0.0810, 0.0729, 0.0656, 0.0590, 0.0531, 0.0478, 0.0430, 0.0387, 0.0349},
        {0.1000, 0.1000, 0.1000, 0.0900, 0.0900, 0.0900, 0.0900, 0.0810, 0.0810, 0.0810},
        {0.0625, 0.0750, 0.0875, 0.1000, 0.1000, 0.1000, 0.1000, 0.1000, 0.1000, 0.1000},
    };
    for (int k = 0; k < 3; k++) {
        lrsched_model *m = NULL;
        OK(lrsched_model_create_from_json("[{\"type\": \"Linear\", \"in\": 2, \"out\": 1}]", LRSCHED_NUL_TERMINATED,
                                          (uint64_t)k, &m));
        const float w[2] = {(float)(0.01 * gauss()), (float)(0.01 * gauss())}, b = 0;
        OK(lrsched_model_parameter_set(m, 0, w, 2));
        OK(lrsched_model_parameter_set(m, 1, &b, 1));
        lrsched_sgd *sgd = NULL;
        OK(lrsched_sgd_create_from_json(m, "{\"lr\": 0.1}", LRSCHED_NUL_TERMINATED, &sgd));
        lrsched_optimizer *o = groups_of(sgd);
        lrsched_scheduler *s = sched_json(o, specs[k]);
        lrsched_trainer *t = NULL;
        OK(lrsched_trainer_create(m, sgd, &s, 1, 10, 1, 0, LRSCHED_STEP_EPOCH, 100 + (uint64_t)k, &t));
        double first = 0;
        OK(lrsched_trainer_loss(t, &x[0][0], y, ROWS, 2, 1, &first));
        double h[40];
        size_t count = 0;
        OK(lrsched_trainer_fit(t, &x[0][0], y, ROWS, 2, 1, 10, NULL, NULL, h, 40, &count));
        CHECK(count == 40);
        for (int e = 0; e < 10; e++) CHECK(fabs(h[4 * e + 3] - want[k][e]) < 0.00005);
        float wl[2], bl;
        get_param(m, 0, wl, 2);
        get_param(m, 1, &bl, 1);
        CHECK(fabsf(wl[0] - 2) < 0.01f && fabsf(wl[1] + 3.4f) < 0.01f && fabsf(bl - 4.2f) < 0.01f);
        CHECK(first > 10 && h[38] < 0.001);
        lrsched_trainer_free(t);
        lrsched_scheduler_free(s);
        lrsched_optimizer_free(o);
        lrsched_sgd_free(sgd);
        lrsched_model_free(m);
    }
}

int main(void) {
    test_model();
    test_model_errors();
    test_forward();
    test_sgd();
    test_trainer_create();
    test_against_reference();
    test_fit_errors();
    test_fit_units();
    test_groups();
    test_callbacks();
    test_scheduler_error();
    test_ownership();
    test_article();
    if (test_failures) {
        fprintf(stderr, "test_train: %d check(s) failed\n", test_failures);
        return 1;
    }
    printf("test_train: all checks passed\n");
    return 0;
}
