"""No leaks: creating and dropping 100k schedulers (with steps, states, previews and
Python callbacks along the way), and 6k models, SGDs and trainers (with fits, forwards and
failing callbacks), grows the resident set by less than 5 MB."""

from __future__ import annotations

import gc
import os

import pytest

N = 100_000
LIMIT = 5 * 1024 * 1024


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def churn(api, n):
    opt = api.SGD([{"lr": 0.1}, {"lr": 0.01}], lr=0.1, momentum=0.9)
    for i in range(n):
        k = i % 8
        if k == 0:
            s = api.StepLR(opt, step_size=3)
            s.step()
            s.get_last_lr()
        elif k == 1:
            s = api.LambdaLR(opt, lambda e, i=i: 0.9**e)
            s.step()
        elif k == 2:
            s = api.SequentialLR(opt, [api.ConstantLR(opt), api.ExponentialLR(opt, 0.9)], milestones=[2])
            s.step()
        elif k == 3:
            s = api.from_spec(opt, {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10})
            s.load_state_dict(s.state_dict())
        elif k == 4:
            s = api.ReduceLROnPlateau(opt)
            s.step(1.0)
        elif k == 5:
            s = api.CyclicLR(opt, 0.01, 0.1)
            s.preview(3, momentum=True)
        elif k == 6:
            try:
                api.LambdaLR(opt, lambda e: 1 / 0)
            except ZeroDivisionError:
                pass
            s = api.ChainedScheduler([api.MultiplicativeLR(opt, lambda e: 0.99)])
            s.step()
        else:
            s = api.CosineAnnealingWarmRestarts(opt, T_0=2)
            s.base_lrs
            s.last_epoch
        del s
        if i % 1000 == 999:
            # The optimizer collects initial_lr etc.; renew it too.
            opt = api.SGD([{"lr": 0.1}, {"lr": 0.01}], lr=0.1, momentum=0.9)


@pytest.mark.parametrize("backend", ["ext", "ctypes"])
def test_create_and_drop_100k_schedulers(backend):
    from conftest import BACKENDS

    api = BACKENDS[backend]
    churn(api, 4000)  # warm up allocator pools and caches
    gc.collect()
    before = rss_bytes()
    churn(api, N)
    gc.collect()
    grown = rss_bytes() - before
    assert grown < LIMIT, f"RSS grew by {grown / 1e6:.2f} MB over {N} schedulers"


def churn_training(api, n):
    from array import array

    X = memoryview(array("f", [0.5, -1.0, 2.0, 0.25] * 8)).cast("B").cast("f", (16, 2))
    y = array("f", [1.0, -1.0] * 8)
    for i in range(n):
        k = i % 4
        if k == 0:
            m = api.Linear(2, 1)
        else:
            m = api.Sequential(api.Linear(2, 3), api.ReLU(), api.Linear(3, 1))
        m.parameters()[0].set([0.1] * m.parameters()[0].numel())
        opt = api.SGD(m.parameters(), lr=0.01, momentum=0.9)
        sched = api.LambdaLR(opt, lambda e: 0.9**e) if k == 1 else api.StepLR(opt, 2)
        t = api.Trainer(m, opt, sched, batch_size=4, shuffle=k == 2)
        t.fit(X, y, 2, callback=(lambda h: None) if k == 3 else None)
        m(X)
        if k == 2:
            try:
                t.fit(X, y, 2, callback=lambda h: 1 / 0)
            except ZeroDivisionError:
                pass
        del m, opt, sched, t


@pytest.mark.parametrize("backend", ["ext", "ctypes"])
def test_create_and_drop_6k_trainers(backend):
    from conftest import BACKENDS

    api = BACKENDS[backend]
    churn_training(api, 500)
    gc.collect()
    before = rss_bytes()
    churn_training(api, 6_000)
    gc.collect()
    grown = rss_bytes() - before
    assert grown < LIMIT, f"RSS grew by {grown / 1e6:.2f} MB over 6000 models, SGDs and trainers"
