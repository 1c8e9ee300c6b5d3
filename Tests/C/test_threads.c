/*
 * Separate objects on separate threads: 8 pthreads each create, step and free their
 * own optimizers and schedulers (typed constructors, JSON specs, lr callbacks), check
 * every value bit for bit against a single-threaded reference run, and provoke errors
 * whose messages name the thread — then, after a barrier at which every thread has
 * failed, each checks that lrsched_last_error() still holds its own message. Each round
 * every thread also trains its own model (shuffled, OneCycleLR per batch, an epoch
 * callback) on one shared read-only dataset and checks the history and the learned
 * parameters bit for bit against a reference run.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrsched.h"
#include "testutil.h"

#define N_THREADS 8
#define ROUNDS 30
#define STEPS 40
#define MAXG 4

static pthread_barrier_t barrier;
static pthread_mutex_t failures_lock = PTHREAD_MUTEX_INITIALIZER;

#define OPT "{\"lr\": 0.1, \"momentum\": 0.9, \"groups\": [{\"lr\": 0.1}, {\"lr\": 0.02, \"momentum\": 0.8}]}"

static const char *const specs[] = {
    "{\"type\":\"StepLR\",\"step_size\":4,\"gamma\":0.5}",
    "{\"type\":\"CosineAnnealingWarmRestarts\",\"T_0\":3,\"T_mult\":2,\"eta_min\":0.001}",
    "{\"type\":\"OneCycleLR\",\"max_lr\":[0.1,0.3],\"total_steps\":40,\"three_phase\":true}",
    "{\"type\":\"CyclicLR\",\"base_lr\":0.01,\"max_lr\":0.1,\"step_size_up\":5,\"mode\":\"triangular2\"}",
    "{\"type\":\"SequentialLR\",\"schedulers\":[{\"type\":\"LinearLR\",\"start_factor\":0.1,\"total_iters\":5},"
    "{\"type\":\"CosineAnnealingLR\",\"T_max\":20}],\"milestones\":[5]}",
    "{\"type\":\"LambdaLR\",\"lr_lambda\":[\"pow095\",\"inv1p\"]}",
};
#define N_SPECS (sizeof specs / sizeof specs[0])

/* reference[spec][step][group]: lrs, then momenta */
static double ref_lrs[N_SPECS][STEPS + 1][2];
static double ref_moms[N_SPECS][STEPS + 1][2];

static void read_groups(lrsched_optimizer *o, double *lrs, double *moms) {
    size_t n = 0;
    if (lrsched_optimizer_lrs(o, lrs, 2, &n) != LRSCHED_OK || n != 2) {
        lrs[0] = lrs[1] = NAN;
    }
    for (size_t g = 0; g < 2; g++)
        if (lrsched_optimizer_get(o, g, LRSCHED_KEY_MOMENTUM, &moms[g]) != LRSCHED_OK) moms[g] = NAN;
}

static void reference(void) {
    for (size_t i = 0; i < N_SPECS; i++) {
        lrsched_optimizer *o = NULL;
        lrsched_scheduler *s = NULL;
        OK(lrsched_optimizer_create_from_json(OPT, LRSCHED_NUL_TERMINATED, &o));
        OK(lrsched_scheduler_create_from_json(o, specs[i], LRSCHED_NUL_TERMINATED, &s));
        read_groups(o, ref_lrs[i][0], ref_moms[i][0]);
        for (int k = 1; k <= STEPS; k++) {
            OK(lrsched_scheduler_step(s));
            read_groups(o, ref_lrs[i][k], ref_moms[i][k]);
        }
        lrsched_scheduler_free(s);
        lrsched_optimizer_free(o);
    }
}

/* ------------------------------------------------------------------------------------
 * Training: one read-only dataset shared by every thread; models, SGD and trainers per
 * thread.
 * ---------------------------------------------------------------------------------- */

#define TRAIN_ROWS 64
#define TRAIN_EPOCHS 4
#define TRAIN_PARAMS 21 /* Linear(3, 4): 12 + 4, Linear(4, 1): 4 + 1 */

static float train_x[TRAIN_ROWS][3], train_y[TRAIN_ROWS];
static double ref_history[4 * TRAIN_EPOCHS];
static float ref_params[TRAIN_PARAMS];

/* The epoch callback: counts calls and checks the thread (user: a thread_ctx or NULL). */
static int train_epoch(int64_t epoch, double lr_start, double loss, double lr_after, void *user);

/* One training run; returns the number of failed calls. */
static int train_run(void *user, double *history, float *params) {
    int bad = 0;
    lrsched_model *m = NULL;
    lrsched_sgd *sgd = NULL;
    lrsched_optimizer *o = NULL;
    lrsched_scheduler *s = NULL;
    lrsched_trainer *t = NULL;
    bad += lrsched_model_create_from_json("[{\"type\": \"Linear\", \"in\": 3, \"out\": 4}, {\"type\": \"ReLU\"}, "
                                          "{\"type\": \"Linear\", \"in\": 4, \"out\": 1}]",
                                          LRSCHED_NUL_TERMINATED, 3, &m) != LRSCHED_OK;
    bad += lrsched_sgd_create_from_json(m, "{\"lr\": 0.05, \"momentum\": 0.9}", LRSCHED_NUL_TERMINATED, &sgd) !=
           LRSCHED_OK;
    bad += lrsched_sgd_optimizer(sgd, &o) != LRSCHED_OK;
    bad += lrsched_scheduler_create_from_json(o, "{\"type\": \"OneCycleLR\", \"max_lr\": 0.1, \"total_steps\": 32}",
                                              LRSCHED_NUL_TERMINATED, &s) != LRSCHED_OK;
    bad += lrsched_trainer_create(m, sgd, &s, 1, 8, 1, 0, LRSCHED_STEP_BATCH, 9, &t) != LRSCHED_OK;
    size_t count = 0;
    bad += lrsched_trainer_fit(t, &train_x[0][0], train_y, TRAIN_ROWS, 3, 1, TRAIN_EPOCHS, train_epoch, user,
                               history, 4 * TRAIN_EPOCHS, &count) != LRSCHED_OK;
    bad += count != 4 * TRAIN_EPOCHS;
    size_t n = 0, at = 0, numel = 0;
    bad += lrsched_model_parameter_count(m, &n) != LRSCHED_OK;
    for (size_t i = 0; i < n && !bad; i++) {
        bad += lrsched_model_parameter_numel(m, i, &numel) != LRSCHED_OK || at + numel > TRAIN_PARAMS;
        if (!bad) bad += lrsched_model_parameter_get(m, i, params + at, TRAIN_PARAMS - at, &numel) != LRSCHED_OK;
        at += numel;
    }
    bad += at != TRAIN_PARAMS;
    lrsched_trainer_free(t);
    lrsched_scheduler_free(s);
    lrsched_optimizer_free(o);
    lrsched_sgd_free(sgd);
    lrsched_model_free(m);
    return bad;
}

static void train_reference(void) {
    for (int i = 0; i < TRAIN_ROWS; i++) {
        for (int j = 0; j < 3; j++) train_x[i][j] = (float)sin(i * 3 + j);
        train_y[i] = (float)(cos(i) + 0.5 * train_x[i][0]);
    }
    if (train_run(NULL, ref_history, ref_params) != 0) {
        fprintf(stderr, "training reference run failed: %s\n", lrsched_last_error());
        test_failures++;
    }
}

struct thread_ctx {
    int id;
    pthread_t thread; /* written by main */
    pthread_t self;   /* written by the thread itself */
    int failures;
    int callback_calls;
    int wrong_thread_callbacks;
};

/* Same as the library's "pow095"; checks it runs on the calling thread. */
static int cb_pow095(int64_t e, void *user, double *out) {
    struct thread_ctx *t = user;
    t->callback_calls++;
    if (!pthread_equal(pthread_self(), t->self)) t->wrong_thread_callbacks++;
    *out = pow(0.95, (double)e);
    return 0;
}
static int cb_inv1p(int64_t e, void *user, double *out) {
    struct thread_ctx *t = user;
    t->callback_calls++;
    if (!pthread_equal(pthread_self(), t->self)) t->wrong_thread_callbacks++;
    *out = 1.0 / (1.0 + (double)e);
    return 0;
}
static int cb_fail(int64_t e, void *user, double *out) {
    (void)out;
    struct thread_ctx *t = user;
    return (int)(1000 + t->id * 10 + (e % 10));
}

static int train_epoch(int64_t epoch, double lr_start, double loss, double lr_after, void *user) {
    (void)epoch, (void)lr_start, (void)loss, (void)lr_after;
    struct thread_ctx *t = user;
    if (t) {
        t->callback_calls++;
        if (!pthread_equal(pthread_self(), t->self)) t->wrong_thread_callbacks++;
    }
    return 0;
}

#define TCHECK(cond)                                                                  \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "thread %d: %s:%d: CHECK failed: %s (last error: %s)\n",  \
                    t->id, __FILE__, __LINE__, #cond, lrsched_last_error());          \
            t->failures++;                                                            \
        }                                                                             \
    } while (0)

/* A typed constructor for some specs (the others go through JSON). */
static int make(struct thread_ctx *t, size_t i, int typed, lrsched_optimizer *o, lrsched_scheduler **out) {
    if (!typed) return lrsched_scheduler_create_from_json(o, specs[i], LRSCHED_NUL_TERMINATED, out);
    switch (i) {
    case 0: return lrsched_step_lr_create(o, 4, 0.5, LRSCHED_FRESH, out);
    case 1: return lrsched_cosine_annealing_warm_restarts_create(o, 3, 2, 0.001, LRSCHED_FRESH, out);
    case 2: {
        const double max[2] = {0.1, 0.3};
        return lrsched_one_cycle_lr_create(o, max, 2, 40, LRSCHED_UNSET, LRSCHED_UNSET, 0.3, LRSCHED_ANNEAL_COS, 1,
                                           NULL, 0, NULL, 0, 25.0, 1e4, 1, LRSCHED_FRESH, out);
    }
    case 5: {
        lrsched_lr_fn fns[2] = {cb_pow095, cb_inv1p};
        void *users[2] = {t, t};
        return lrsched_lambda_lr_create(o, fns, users, 2, LRSCHED_FRESH, out);
    }
    default: return lrsched_scheduler_create_from_json(o, specs[i], LRSCHED_NUL_TERMINATED, out);
    }
}

static void *run(void *arg) {
    struct thread_ctx *t = arg;
    t->self = pthread_self();
    char want[64];
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t i = 0; i < N_SPECS; i++) {
            lrsched_optimizer *o = NULL;
            lrsched_scheduler *s = NULL;
            TCHECK(lrsched_optimizer_create_from_json(OPT, LRSCHED_NUL_TERMINATED, &o) == LRSCHED_OK);
            TCHECK(make(t, i, (round + t->id) % 2, o, &s) == LRSCHED_OK);
            if (!o || !s) {
                lrsched_scheduler_free(s);
                lrsched_optimizer_free(o);
                continue;
            }
            double lrs[2], moms[2];
            read_groups(o, lrs, moms);
            TCHECK(same_array(lrs, ref_lrs[i][0], 2) && same_array(moms, ref_moms[i][0], 2));
            for (int k = 1; k <= STEPS; k++) {
                TCHECK(lrsched_scheduler_step(s) == LRSCHED_OK);
                read_groups(o, lrs, moms);
                if (!same_array(lrs, ref_lrs[i][k], 2) || !same_array(moms, ref_moms[i][k], 2)) {
                    fprintf(stderr, "thread %d: spec %zu differs at step %d\n", t->id, i, k);
                    t->failures++;
                    break;
                }
                /* an error naming this thread, mid-run */
                if (k % 10 == 0) {
                    size_t bad = 1000000u + (size_t)t->id * 1000u + (size_t)k;
                    double v;
                    TCHECK(lrsched_optimizer_get(o, bad, LRSCHED_KEY_LR, &v) == LRSCHED_VALUE_ERROR);
                    snprintf(want, sizeof want, "index %zu out of range", bad);
                    TCHECK(strstr(lrsched_last_error(), want) != NULL);
                }
            }
            if (i == 2) { /* OneCycleLR stepped past its end */
                TCHECK(lrsched_scheduler_step(s) == LRSCHED_VALUE_ERROR);
                TCHECK(strstr(lrsched_last_error(), "Tried to step 41 times") != NULL);
                read_groups(o, lrs, moms);
                TCHECK(same_array(lrs, ref_lrs[i][STEPS], 2));
            }
            lrsched_scheduler_free(s);
            lrsched_optimizer_free(o);
        }

        /* its own training, bit for bit as the reference */
        double history[4 * TRAIN_EPOCHS];
        float params[TRAIN_PARAMS];
        TCHECK(train_run(t, history, params) == 0);
        TCHECK(same_array(history, ref_history, 4 * TRAIN_EPOCHS));
        TCHECK(memcmp(params, ref_params, sizeof params) == 0);

        /* Every thread fails with its own message, waits for all the others to fail,
         * then reads its own message back. */
        lrsched_optimizer *o = NULL;
        lrsched_scheduler *s = NULL;
        TCHECK(lrsched_optimizer_create(2, 0.1, 0.9, LRSCHED_MOMENTUM_SGD, &o) == LRSCHED_OK);
        lrsched_lr_fn f = cb_fail;
        void *u = t;
        TCHECK(lrsched_lambda_lr_create(o, &f, &u, 1, LRSCHED_FRESH, &s) == LRSCHED_CALLBACK_FAILED);
        TCHECK(s == NULL);
        snprintf(want, sizeof want, "lr_lambda callback returned %d at epoch 0", 1000 + t->id * 10);
        const char *mine = lrsched_last_error();
        TCHECK(strcmp(mine, want) == 0);
        pthread_barrier_wait(&barrier);
        TCHECK(strcmp(lrsched_last_error(), want) == 0);
        TCHECK(lrsched_last_error() == mine);
        pthread_barrier_wait(&barrier);
        /* and a long message, which lives on the heap */
        char spec[1200];
        int len = snprintf(spec, sizeof spec, "{\"type\": \"thread%d_round%d_%0900d\"}", t->id, round, 0);
        TCHECK(lrsched_scheduler_create_from_json(o, spec, (size_t)len, &s) == LRSCHED_TYPE_ERROR);
        snprintf(want, sizeof want, "unknown scheduler type 'thread%d_round%d_", t->id, round);
        pthread_barrier_wait(&barrier);
        TCHECK(strstr(lrsched_last_error(), want) != NULL);
        lrsched_optimizer_free(o);
    }
    return NULL;
}

int main(void) {
    reference();
    train_reference();
    if (test_failures) return 1;
    pthread_barrier_init(&barrier, NULL, N_THREADS);
    struct thread_ctx ctx[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        ctx[i] = (struct thread_ctx){.id = i};
        if (pthread_create(&ctx[i].thread, NULL, run, &ctx[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    int failures = 0, calls = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(ctx[i].thread, NULL);
        pthread_mutex_lock(&failures_lock);
        failures += ctx[i].failures + ctx[i].wrong_thread_callbacks;
        calls += ctx[i].callback_calls;
        pthread_mutex_unlock(&failures_lock);
    }
    pthread_barrier_destroy(&barrier);
    /* the main thread's last error is its own (none yet) */
    if (strcmp(lrsched_last_error(), "") != 0) {
        fprintf(stderr, "main thread sees another thread's error: %s\n", lrsched_last_error());
        failures++;
    }
    if (calls == 0) {
        fprintf(stderr, "no lr callbacks ran\n");
        failures++;
    }
    if (failures) {
        fprintf(stderr, "test_threads: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_threads: %d threads x %d rounds passed (%d callbacks)\n", N_THREADS, ROUNDS, calls);
    return 0;
}
