"""The article's three schedules with lrsched's schedulers alone: a scheduling-only param
group at lr 0.1, ten epochs each, printing the lr after every epoch."""
import lrsched

SCHEDULES = [
    ("ExponentialLR(gamma=0.9)", lrsched.ExponentialLR, dict(gamma=0.9)),
    ("StepLR(step_size=4, gamma=0.9)", lrsched.StepLR, dict(step_size=4, gamma=0.9)),
    ("LinearLR(start_factor=0.5, total_iters=4)", lrsched.LinearLR, dict(start_factor=0.5, total_iters=4)),
]

for title, Scheduler, kwargs in SCHEDULES:
    opt = lrsched.SGD([{"lr": 0.1}], lr=0.1)  # one param group, no parameters
    sched = Scheduler(opt, **kwargs)
    print(title)
    for epoch in range(1, 11):
        opt.step()
        sched.step()
        print(f"epoch {epoch}  lr {opt.param_groups[0]['lr']:.4f}")
