"""``state_dict()`` as torch's, for every torch scheduler: the same keys (in torch's
order), value types and values, so that checkpoints cross-load both ways and continue
with identical lrs (those tests skip without torch). Without torch: the torch types
lrsched reproduces (MultiStepLR's Counter, ReduceLROnPlateau's int ``min_lr``), the keys
torch leaves out (CyclicLR's and OneCycleLR's momentum state without
``cycle_momentum``), and the library's JSON form of the Counter.

Known difference, documented: an int lr (``lr=1``) is a float in lrsched's groups and
states (``1.0``; torch keeps the int until the first multiplication)."""

from __future__ import annotations

import json
import warnings
from collections import Counter

import pytest

try:
    import torch
    import torch.optim.lr_scheduler as torch_sched
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not importable")

# name -> (build(module, opt), steps before the checkpoint, steps after, metric-driven)
CASES = {
    "LambdaLR": (lambda m, o: m.LambdaLR(o, lambda e: 0.9**e), 3, 4, False),
    "MultiplicativeLR": (lambda m, o: m.MultiplicativeLR(o, lambda e: 0.9), 3, 4, False),
    "StepLR": (lambda m, o: m.StepLR(o, 2, 0.5), 3, 4, False),
    "MultiStepLR": (lambda m, o: m.MultiStepLR(o, [6, 2, 6, 9], 0.5), 3, 8, False),
    "ConstantLR": (lambda m, o: m.ConstantLR(o, 0.5, 5), 3, 4, False),
    "LinearLR": (lambda m, o: m.LinearLR(o, 0.5, 1.0, 5), 3, 4, False),
    "ExponentialLR": (lambda m, o: m.ExponentialLR(o, 0.9), 3, 4, False),
    "PolynomialLR": (lambda m, o: m.PolynomialLR(o, 6, 2.0), 3, 4, False),
    "CosineAnnealingLR": (lambda m, o: m.CosineAnnealingLR(o, 10, 0.001), 3, 4, False),
    "ReduceLROnPlateau": (lambda m, o: m.ReduceLROnPlateau(o, patience=1), 3, 6, True),
    "ReduceLROnPlateau-float-min_lr": (lambda m, o: m.ReduceLROnPlateau(o, patience=1, min_lr=1e-3), 3, 6, True),
    "ReduceLROnPlateau-min_lr-list": (lambda m, o: m.ReduceLROnPlateau(o, patience=0, min_lr=[0, 1e-3]), 3, 6, True),
    "CyclicLR": (lambda m, o: m.CyclicLR(o, 0.01, 0.1, 3), 4, 5, False),
    "CyclicLR-no-momentum": (lambda m, o: m.CyclicLR(o, 0.01, 0.1, 3, cycle_momentum=False), 4, 5, False),
    "CyclicLR-exp_range": (lambda m, o: m.CyclicLR(o, 0.01, 0.1, 2, mode="exp_range", gamma=0.9), 4, 5, False),
    "OneCycleLR": (lambda m, o: m.OneCycleLR(o, 0.1, 20), 4, 5, False),
    "OneCycleLR-no-momentum": (lambda m, o: m.OneCycleLR(o, 0.1, 20, cycle_momentum=False), 4, 5, False),
    "CosineAnnealingWarmRestarts": (lambda m, o: m.CosineAnnealingWarmRestarts(o, 3, 2), 4, 5, False),
    "SequentialLR": (lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, 0.5, 2), m.ExponentialLR(o, 0.9)], [3]),
                     2, 5, False),
    "ChainedScheduler": (lambda m, o: m.ChainedScheduler([m.ConstantLR(o, 0.5, 4), m.ExponentialLR(o, 0.9)]),
                         2, 5, False),
}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's step-order warning
        yield


def _step(sched, metric, k):
    sched.step(1.0 if k < 2 else 2.0) if metric else sched.step()


def _typed(v):
    """v with every value's type beside it (Counter vs dict, int vs float, ...)."""
    if isinstance(v, dict):
        return (type(v).__name__, [(k, _typed(x)) for k, x in v.items()])
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_typed(x) for x in v])
    return (type(v).__name__, v)


# -- without torch ------------------------------------------------------------------

def test_multistep_milestones_are_a_counter(api):
    s = api.MultiStepLR(api.SGD([{}], lr=0.1), [6, 2, 6], 0.5)
    state = s.state_dict()
    assert type(state["milestones"]) is Counter and state["milestones"] == Counter({2: 1, 6: 2})
    assert s.milestones == Counter({2: 1, 6: 2})
    assert json.loads(s._state_save())["milestones"] == {"2": 1, "6": 2}  # the library's JSON
    for saved in ([2, 6, 6], Counter({6: 2, 2: 1}), {2: 1, 6: 2, 9: 0}):  # 0.1.0's list still loads
        s.load_state_dict({**state, "milestones": saved})
        assert s.state_dict()["milestones"] == Counter({2: 1, 6: 2})
    for bad in ({2: -1}, {"two": 1}, {2: 1.5}):
        with pytest.raises(ValueError, match="milestones"):
            s.load_state_dict({**state, "milestones": bad})


def test_keys_torch_leaves_out_without_cycle_momentum(api):
    opt = api.SGD([{}], lr=0.1, momentum=0.9)
    c = api.CyclicLR(opt, 0.01, 0.1, cycle_momentum=False).state_dict()
    assert not {"base_momentums", "max_momentums", "use_beta1"} & set(c)
    o = api.OneCycleLR(api.SGD([{}], lr=0.1, momentum=0.9), 0.1, 10, cycle_momentum=False)
    assert "use_beta1" not in o.state_dict()
    with pytest.raises(AttributeError):
        api.CyclicLR(opt, 0.01, 0.1, cycle_momentum=False).base_momentums
    assert {"base_momentums", "max_momentums", "use_beta1"} <= set(api.CyclicLR(opt, 0.01, 0.1).state_dict())


def test_reduce_on_plateau_keeps_int_min_lr(api):
    opt = api.SGD([{}, {"lr": 0.01}], lr=0.1)
    for kwargs, default, mins in [({}, 0, [0, 0]), ({"min_lr": 0.0}, 0.0, [0.0, 0.0]),
                                  ({"min_lr": [0, 1e-3]}, None, [0, 1e-3])]:
        s = api.ReduceLROnPlateau(opt, **kwargs).state_dict()
        assert _typed(s["default_min_lr"]) == _typed(default)
        assert _typed(s["min_lrs"]) == _typed(mins)
    s = api.ReduceLROnPlateau(opt)
    s.load_state_dict({**s.state_dict(), "default_min_lr": 1e-6, "min_lrs": [1e-6, 1e-6]})
    assert _typed(s.state_dict()["default_min_lr"]) == _typed(1e-6)


def test_int_lr_is_a_float(api):
    """Documented difference: lrsched's lrs are doubles."""
    opt = api.SGD([{}], lr=1)
    assert _typed(api.StepLR(opt, 2).state_dict()["base_lrs"]) == _typed([1.0])


# -- against torch -------------------------------------------------------------------

def _torch_opt():
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    return torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.01}],
                           lr=0.1, momentum=0.9)


def _run(module, name, k):
    build, _, _, metric = CASES[name]
    opt = _torch_opt()
    sched = build(module, opt)
    for i in range(k):
        opt.step()
        _step(sched, metric, i)
    return opt, sched


@needs_torch
@pytest.mark.parametrize("name", sorted(CASES))
def test_state_dict_is_torchs(api, name):
    k = CASES[name][1]
    _, theirs = _run(torch_sched, name, k)
    _, ours = _run(api, name, k)
    a, b = theirs.state_dict(), ours.state_dict()
    assert list(b) == list(a)
    assert _typed(b) == _typed(a)


@needs_torch
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("direction", ["torch-to-lrsched", "lrsched-to-torch"])
def test_checkpoints_cross_load(api, name, direction):
    """Saved after k steps by one library, loaded into the other (optimizer first, as
    torch resumes), both continue with the uninterrupted torch run's lrs."""
    _, k, more, metric = CASES[name]
    src, dst = (torch_sched, api) if direction == "torch-to-lrsched" else (api, torch_sched)
    ref_opt, ref = _run(torch_sched, name, k)
    opt, sched = _run(src, name, k)
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    opt2, resumed = _run(dst, name, 0)
    opt2.load_state_dict(opt_state)
    resumed.load_state_dict(sched_state)
    for i in range(k, k + more):
        for o, s in ((ref_opt, ref), (opt2, resumed)):
            o.step()
            _step(s, metric, i)
        assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in ref_opt.param_groups], i
        assert resumed.get_last_lr() == ref.get_last_lr(), i
