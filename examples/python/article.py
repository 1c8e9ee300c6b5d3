"""The article's training with lrsched: nn.Linear(2, 1) fitted by SGD(lr=0.1) on 1000
synthetic rows (batch 10, shuffled, 10 epochs) under three schedules in turn, printing
the lr after every epoch."""
import random

import lrsched

SCHEDULES = [
    ("ExponentialLR(gamma=0.9)", lrsched.ExponentialLR, dict(gamma=0.9)),
    ("StepLR(step_size=4, gamma=0.9)", lrsched.StepLR, dict(step_size=4, gamma=0.9)),
    ("LinearLR(start_factor=0.5, total_iters=4)", lrsched.LinearLR, dict(start_factor=0.5, total_iters=4)),
]

# X ~ N(0, 1), y = X . [2, -3.4] + 4.2 + N(0, 0.01)
random.seed(2026)
X = [[random.gauss(0, 1), random.gauss(0, 1)] for _ in range(1000)]
y = [2 * x1 - 3.4 * x2 + 4.2 + random.gauss(0, 0.01) for x1, x2 in X]


def show(epoch):  # called by fit after every epoch
    print(f"epoch {epoch['epoch']}  lr {epoch['lr_after']:.4f}")


for title, Scheduler, kwargs in SCHEDULES:
    model = lrsched.Linear(2, 1)  # weight ~ N(0, 0.01), bias 0
    model.weight.set([random.gauss(0, 0.01), random.gauss(0, 0.01)])
    model.bias.set([0.0])
    opt = lrsched.SGD(model.parameters(), lr=0.1)
    trainer = lrsched.Trainer(model, opt, Scheduler(opt, **kwargs), batch_size=10, shuffle=True)
    print(title)
    trainer.fit(X, y, epochs=10, callback=show)
