/*
 * The article's training with liblrsched: nn.Linear(2, 1) fitted by SGD(lr=0.1) on 1000
 * synthetic rows (batch 10, shuffled, 10 epochs) under ExponentialLR, StepLR and
 * LinearLR in turn, printing the lr after every epoch.
 *
 *   cc article_train.c $(pkg-config --cflags --libs lrsched) -lm -o article_train
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <lrsched.h>

#define ROWS 1000

/* Stops the program with the library's message when a call fails. */
static void check(int status, const char *what) {
    if (status != LRSCHED_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, lrsched_status_string(status), lrsched_last_error());
        exit(1);
    }
}

/* N(mean, std) from a seeded xorshift64* generator (Box-Muller). */
static uint64_t rng = 2026;
static double normal(double mean, double std) {
    double u[2];
    for (int i = 0; i < 2; i++) {
        rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
        u[i] = ((rng * 2685821657736338717u) >> 11) * 0x1p-53;
    }
    return mean + std * sqrt(-2 * log(1 - u[0])) * cos(6.283185307179586 * u[1]);
}

/* Called after every epoch: the article's line. */
static int print_lr(int64_t epoch, double lr_start, double loss, double lr_after, void *user) {
    (void)lr_start, (void)loss, (void)user;
    printf("epoch %d  lr %.4f\n", (int)epoch, lr_after);
    return 0;
}

static void train(const char *title, const char *schedule, const float *x, const float *y) {
    lrsched_model *model;
    lrsched_sgd *sgd;
    lrsched_optimizer *groups;
    lrsched_scheduler *sched;
    lrsched_trainer *trainer;

    /* nn.Linear(2, 1), weight ~ N(0, 0.01), bias 0 */
    float weight[2] = {(float)normal(0, 0.01), (float)normal(0, 0.01)}, bias = 0;
    check(lrsched_model_create(&model), "model");
    check(lrsched_model_add_linear(model, 2, 1, 0), "Linear(2, 1)");
    check(lrsched_model_parameter_set(model, 0, weight, 2), "0.weight");
    check(lrsched_model_parameter_set(model, 1, &bias, 1), "0.bias");

    /* SGD(lr=0.1), the schedule on its param groups, batches of 10 rows, shuffled */
    check(lrsched_sgd_create(model, NULL, 0, 0.1, 0, 0, 0, 0, 0, &sgd), "SGD");
    check(lrsched_sgd_optimizer(sgd, &groups), "param groups");
    check(lrsched_scheduler_create_from_json(groups, schedule, LRSCHED_NUL_TERMINATED, &sched), title);
    check(lrsched_trainer_create(model, sgd, &sched, 1, 10, 1, 0, LRSCHED_STEP_EPOCH, 1, &trainer), "trainer");

    printf("%s\n", title);
    check(lrsched_trainer_fit(trainer, x, y, ROWS, 2, 1, 10, print_lr, NULL, NULL, 0, NULL), "fit");

    lrsched_trainer_free(trainer);
    lrsched_scheduler_free(sched);
    lrsched_optimizer_free(groups);
    lrsched_sgd_free(sgd);
    lrsched_model_free(model);
}

int main(void) {
    /* X ~ N(0, 1), y = X . [2, -3.4] + 4.2 + N(0, 0.01) */
    static float x[ROWS][2], y[ROWS];
    for (int i = 0; i < ROWS; i++) {
        x[i][0] = (float)normal(0, 1);
        x[i][1] = (float)normal(0, 1);
        y[i] = (float)(2 * x[i][0] - 3.4 * x[i][1] + 4.2 + normal(0, 0.01));
    }
    train("ExponentialLR(gamma=0.9)", "{\"type\": \"ExponentialLR\", \"gamma\": 0.9}", &x[0][0], y);
    train("StepLR(step_size=4, gamma=0.9)", "{\"type\": \"StepLR\", \"step_size\": 4, \"gamma\": 0.9}", &x[0][0], y);
    train("LinearLR(start_factor=0.5, total_iters=4)",
          "{\"type\": \"LinearLR\", \"start_factor\": 0.5, \"total_iters\": 4}", &x[0][0], y);
    return 0;
}
