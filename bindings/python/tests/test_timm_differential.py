"""lrsched.timm against timm itself, on real torch optimizers: the same lrs (bit for bit,
lr_scale groups, noise and a callable decay_fn included), the same state_dict(), the same
get_cycle_length() and create_scheduler_v2 epoch counts. timm (and torch) are never
dependencies: without them these tests skip (run them in a venv that has both)."""

from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch")
ts = pytest.importorskip("timm.scheduler")


def _opt():
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    return torch.optim.SGD([{"params": [params[0]], "lr": 0.1}, {"params": [params[1]], "lr": 0.1, "lr_scale": 0.5}],
                           lr=0.1, momentum=0.9)


def _square(frac):
    return (1.0 - frac) ** 2


CASES = [
    ("CosineLRScheduler", dict(t_initial=10, cycle_mul=1.5, cycle_decay=0.5, cycle_limit=3, warmup_t=3,
                               warmup_lr_init=0.01, warmup_prefix=True, noise_range_t=(5, 20), k_decay=1.5)),
    ("TanhLRScheduler", dict(t_initial=8, cycle_limit=2, warmup_t=2, warmup_lr_init=0.001)),
    ("PolyLRScheduler", dict(t_initial=12, power=2.0, cycle_mul=2.0, cycle_limit=2, lr_min=1e-4)),
    ("StepLRScheduler", dict(decay_t=2.5, decay_rate=0.5, noise_range_t=7)),
    ("MultiStepLRScheduler", dict(decay_t=(3, 9), decay_rate=0.3, warmup_t=2)),
    ("WSDLRScheduler", dict(t_initial=20, decay_t=8, warmup_t=3, decay_fn=_square)),
    ("WSDLRScheduler", dict(t_initial=20, decay_t=8, warmup_t=3, stable_fn="rsqrt", decay_fn="exp")),
]


def _run(make, steps=40):
    opt = _opt()
    s = make(opt)
    out = [[g["lr"].hex() for g in opt.param_groups]]
    for t in range(1, steps):
        s.step(t, 0.5)
        out.append([g["lr"].hex() for g in opt.param_groups])
    return out, s


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_same_as_timm(api, name, kwargs):
    want, theirs = _run(lambda o: getattr(ts, name)(o, **kwargs))
    got, ours = _run(lambda o: getattr(api.timm, name)(o, **kwargs))
    assert got == want
    mine, timms = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(timms)
    for k in timms:
        a, b = mine[k], timms[k]
        assert (list(a) if isinstance(a, (list, tuple)) else a) == (list(b) if isinstance(b, (list, tuple)) else b), k
    if hasattr(theirs, "get_cycle_length"):
        assert ours.get_cycle_length() == theirs.get_cycle_length()
        assert ours.get_cycle_length(2) == theirs.get_cycle_length(2)


@pytest.mark.parametrize("kwargs", [
    dict(sched="cosine", num_epochs=30, warmup_epochs=3, cooldown_epochs=2, cycle_limit=2, cycle_mul=2.0),
    dict(sched="wsd", num_epochs=50, warmup_epochs=5, cooldown_epochs=3),
    dict(sched="step", num_epochs=40, warmup_epochs=2, warmup_prefix=True),
    dict(sched="poly", num_epochs=10, step_on_epochs=False, updates_per_epoch=7, cooldown_epochs=1),
    dict(sched="tanh", num_epochs=10, warmup_epochs=3, warmup_prefix=True, cycle_limit=3),
    dict(sched="plateau", num_epochs=10, warmup_epochs=3, warmup_prefix=True),
    dict(sched="none", num_epochs=10, warmup_epochs=3, warmup_prefix=True, cooldown_epochs=2),
    dict(sched="wsd", num_epochs=20, warmup_epochs=2, decay_fn=_square),
])
def test_create_scheduler_v2_as_timm(api, kwargs):
    mine, theirs_opt = _opt(), _opt()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs, n = ts.create_scheduler_v2(theirs_opt, **kwargs)
    ours, m = api.timm.create_scheduler_v2(mine, **kwargs)
    assert m == n and type(ours).__name__ == type(theirs).__name__
    if theirs is not None and kwargs["sched"] != "plateau":
        for t in range(1, n + 1):
            theirs.step(t)
            ours.step(t)
            assert [g["lr"].hex() for g in mine.param_groups] == [g["lr"].hex() for g in theirs_opt.param_groups], t


def test_failed_construction_differs_only_in_initial_lr(api):
    theirs, ours = _opt(), _opt()
    with pytest.raises(AssertionError):
        ts.CosineLRScheduler(theirs, t_initial=0)
    with pytest.raises(ValueError, match="t_initial"):
        api.timm.CosineLRScheduler(ours, t_initial=0)
    assert "initial_lr" in theirs.param_groups[0]  # timm leaves it behind
    assert "initial_lr" not in ours.param_groups[0]
