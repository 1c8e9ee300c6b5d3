"""Beyond torch: timm's CosineLRScheduler with warmup and restarts (cycles of 4 epochs,
each 1.5x longer and 0.5x higher than the last) on lr 0.1, stepped the timm way:
scheduler.step(epoch) after each epoch."""

import lrsched

opt = lrsched.SGD([{"lr": 0.1}], lr=0.1)
sched = lrsched.timm.CosineLRScheduler(opt, t_initial=4, cycle_mul=1.5, cycle_decay=0.5, cycle_limit=3,
                                       warmup_t=2, warmup_lr_init=0.01)
for epoch in range(1, 13):
    # ... train one epoch ...
    sched.step(epoch)
    print(f"epoch {epoch:2d}  lr {opt.param_groups[0]['lr']:.6f}")
