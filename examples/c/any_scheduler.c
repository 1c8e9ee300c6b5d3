/*
 * Any scheduler by name, argument by argument: OneCycleLR(max_lr=0.1, total_steps=10,
 * anneal_strategy="linear") built with the spec builder, printing its lr at each step.
 *
 *   cc any_scheduler.c $(pkg-config --cflags --libs lrsched) -o any_scheduler
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

int main(void) {
    lrsched_optimizer *opt = NULL;
    lrsched_scheduler *sched = NULL;
    lrsched_spec *spec = NULL;
    check(lrsched_optimizer_create(1, 0.1, 0.9, LRSCHED_MOMENTUM_SGD, &opt), "optimizer");

    check(lrsched_spec_create("OneCycleLR", &spec), "spec");
    check(lrsched_spec_set_double(spec, "max_lr", 0.1), "max_lr");
    check(lrsched_spec_set_int(spec, "total_steps", 10), "total_steps");
    check(lrsched_spec_set_string(spec, "anneal_strategy", "linear"), "anneal_strategy");
    check(lrsched_scheduler_create(opt, spec, &sched), "OneCycleLR");
    lrsched_spec_free(spec); /* the scheduler keeps no reference to it */

    for (int step = 0; step < 10; step++) { /* the cycle's 10 steps: 0 .. 9 */
        double lr;
        size_t n;
        check(lrsched_scheduler_last_lr(sched, &lr, 1, &n), "last_lr");
        printf("step %2d  lr %.6f\n", step, lr);
        if (step < 9) check(lrsched_scheduler_step(sched), "step");
    }
    lrsched_scheduler_free(sched);
    lrsched_optimizer_free(opt);
    return 0;
}
