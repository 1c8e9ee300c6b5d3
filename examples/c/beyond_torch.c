/*
 * Beyond torch: Hugging Face transformers' warmup-stable-decay schedule
 * (get_wsd_schedule) from C, on lr 0.1: 2 warmup steps, 4 stable, 4 decay. The spec
 * type is "hf.get_wsd_schedule"; the result is a LambdaLR, as transformers returns.
 *
 *   cc beyond_torch.c $(pkg-config --cflags --libs lrsched) -o beyond_torch
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
    check(lrsched_optimizer_create(1, 0.1, 0.0, LRSCHED_MOMENTUM_SGD, &opt), "optimizer");
    check(lrsched_spec_create("hf.get_wsd_schedule", &spec), "spec");
    check(lrsched_spec_set_int(spec, "num_warmup_steps", 2), "num_warmup_steps");
    check(lrsched_spec_set_int(spec, "num_decay_steps", 4), "num_decay_steps");
    check(lrsched_spec_set_int(spec, "num_training_steps", 10), "num_training_steps");
    check(lrsched_scheduler_create(opt, spec, &sched), "get_wsd_schedule");
    lrsched_spec_free(spec);

    for (int step = 0; step <= 10; step++) {
        double lr;
        size_t n;
        check(lrsched_scheduler_last_lr(sched, &lr, 1, &n), "last_lr");
        printf("step %2d  lr %.6f\n", step, lr);
        if (step < 10) check(lrsched_scheduler_step(sched), "step");
    }
    lrsched_scheduler_free(sched);
    lrsched_optimizer_free(opt);
    return 0;
}
