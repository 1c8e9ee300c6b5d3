"""Threads: separate objects work concurrently; an optimizer in use by a thread running
Python callbacks (or a GIL-free preview) is refused to other threads instead of racing."""

from __future__ import annotations

import threading

import pytest
from conftest import bits, blocked_in_thread, lrs_of, make_sgd


def test_busy_optimizer_refuses_other_threads(api):
    opt = make_sgd(api)
    entered, release = threading.Event(), threading.Event()

    def fn(e):
        if e >= 1:
            entered.set()
            release.wait(10)
        return 1.0

    s = api.LambdaLR(opt, fn)
    other = api.StepLR(opt, 2)
    with blocked_in_thread(s.step, entered, release):
        with pytest.raises(RuntimeError, match="in use by another thread"):
            other.step()
        with pytest.raises(RuntimeError, match="in use by another thread"):
            opt.param_groups[0]["lr"]
        with pytest.raises(RuntimeError, match="in use by another thread"):
            api.ExponentialLR(opt, 0.5)
        with pytest.raises(RuntimeError, match="in use by another thread"):
            other.state_dict()
        api.StepLR(make_sgd(api), 2).step()  # other optimizers are free
    other.step()
    assert s.last_epoch == 1 and other.last_epoch == 1


def test_separate_objects_in_parallel(api):
    def run(seed, out):
        opt = api.SGD([{"lr": 0.1 + seed / 100}], lr=0.1, momentum=0.9)
        scheds = [api.OneCycleLR(opt, max_lr=0.5, total_steps=3000), api.LambdaLR(opt, lambda e: 1.0)]
        rows = []
        for _ in range(2000):
            for s in scheds:
                s.step()
            rows.append(bits(lrs_of(opt)[0]))
        rows.append(api.preview(scheds, 500).tolist())
        out[seed] = rows

    serial, parallel = {}, {}
    for i in range(4):
        run(i, serial)
    threads = [threading.Thread(target=run, args=(i, parallel)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert parallel == serial


def test_long_preview_releases_the_gil_safely():
    import lrsched

    opt = lrsched.SGD([{"lr": 0.1}] * 4, lr=0.1)
    s = lrsched.CosineAnnealingLR(opt, T_max=1000)
    results = {}

    def previewer():
        results["p"] = s.preview(400_000)

    t = threading.Thread(target=previewer)
    t.start()
    refused = 0
    done_elsewhere = 0
    other = lrsched.SGD([{"lr": 0.1}], lr=0.1)
    o = lrsched.StepLR(other, 3)
    while t.is_alive():
        o.step()  # other objects progress meanwhile
        done_elsewhere += 1
        try:
            s.step()
            break  # the preview already finished
        except RuntimeError:
            refused += 1
    t.join()
    assert results["p"].shape == (400_000, 4)
    assert done_elsewhere >= 1
