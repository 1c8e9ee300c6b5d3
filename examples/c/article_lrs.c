/*
 * The article's three learning-rate schedules with liblrsched: ExponentialLR, StepLR
 * and LinearLR on SGD(lr=0.1), ten epochs each, printing the lr after every epoch.
 *
 *   cc article_lrs.c $(pkg-config --cflags --libs lrsched) -o article_lrs
 */
#include <stdio.h>
#include <stdlib.h>

#include <lrsched.h>

/* Stops the program with the library's message when a call fails. */
static void check(int status, const char *what) {
    if (status != LRSCHED_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, lrsched_status_string(status), lrsched_last_error());
        exit(1);
    }
}

/* Builds a scheduler on a fresh one-group optimizer with lr 0.1 and prints ten epochs. */
static void run(const char *title, int (*make)(lrsched_optimizer *, lrsched_scheduler **)) {
    lrsched_optimizer *opt = NULL;
    lrsched_scheduler *sched = NULL;
    check(lrsched_optimizer_create(1, 0.1, 0.0, LRSCHED_MOMENTUM_SGD, &opt), "optimizer");
    check(make(opt, &sched), title);
    printf("%s\n", title);
    for (int epoch = 1; epoch <= 10; epoch++) {
        /* ... train one epoch ... */
        check(lrsched_scheduler_step(sched), "step");
        double lr;
        size_t n;
        check(lrsched_scheduler_last_lr(sched, &lr, 1, &n), "last_lr");
        printf("epoch %d  lr %.4f\n", epoch, lr);
    }
    lrsched_scheduler_free(sched);
    lrsched_optimizer_free(opt);
}

static int exponential(lrsched_optimizer *opt, lrsched_scheduler **out) {
    return lrsched_exponential_lr_create(opt, 0.9, LRSCHED_FRESH, out);
}

static int step(lrsched_optimizer *opt, lrsched_scheduler **out) {
    return lrsched_step_lr_create(opt, 4, 0.9, LRSCHED_FRESH, out);
}

static int linear(lrsched_optimizer *opt, lrsched_scheduler **out) {
    return lrsched_linear_lr_create(opt, 0.5, 1.0, 4, LRSCHED_FRESH, out);
}

int main(void) {
    run("ExponentialLR(gamma=0.9)", exponential);
    run("StepLR(step_size=4, gamma=0.9)", step);
    run("LinearLR(start_factor=0.5, total_iters=4)", linear);
    return 0;
}
