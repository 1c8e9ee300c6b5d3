"""Checkpoints: state_dict/load_state_dict round trips (through pickle) at several k for
every scheduler kind, composites included, resumed in torch's order: save the optimizer
and the schedulers; build a fresh optimizer and the same schedulers; load the optimizer
state, then the schedulers'; continue -> identical doubles."""

from __future__ import annotations

import math
import pickle

import pytest
from conftest import assert_bits_equal, bits, lrs_of, momenta_of


class Decay:
    """A callable object: torch saves its __dict__ in LambdaLR's state."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, epoch):
        return self.rate**epoch


def metric(k):
    return 1.0 / (1 + k % 7) + (0.3 if k % 5 == 0 else 0.0)


# name -> (groups, momentum, build(api, opt) -> list of schedulers stepped in order)
KINDS = {
    "LambdaLR": (2, 0.0, lambda m, o: [m.LambdaLR(o, lambda e: 0.9**e)]),
    "LambdaLR/per-group": (2, 0.0, lambda m, o: [m.LambdaLR(o, [lambda e: 1.0 / (1 + e), lambda e: e // 3 + 1])]),
    "MultiplicativeLR": (1, 0.0, lambda m, o: [m.MultiplicativeLR(o, lambda e: 0.95)]),
    "StepLR": (2, 0.0, lambda m, o: [m.StepLR(o, step_size=3, gamma=0.5)]),
    "MultiStepLR": (1, 0.0, lambda m, o: [m.MultiStepLR(o, milestones=[2, 2, 5], gamma=0.5)]),
    "ConstantLR": (1, 0.0, lambda m, o: [m.ConstantLR(o, factor=0.25, total_iters=4)]),
    "LinearLR": (2, 0.0, lambda m, o: [m.LinearLR(o, start_factor=0.2, total_iters=6)]),
    "ExponentialLR": (1, 0.0, lambda m, o: [m.ExponentialLR(o, gamma=0.93)]),
    "PolynomialLR": (1, 0.0, lambda m, o: [m.PolynomialLR(o, total_iters=8, power=2.0)]),
    "CosineAnnealingLR": (2, 0.0, lambda m, o: [m.CosineAnnealingLR(o, T_max=7, eta_min=0.001)]),
    "CosineAnnealingWarmRestarts": (1, 0.0, lambda m, o: [m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2)]),
    "ReduceLROnPlateau": (2, 0.0, lambda m, o: [m.ReduceLROnPlateau(o, patience=1, factor=0.5, min_lr=[0.0, 0.01])]),
    "CyclicLR": (2, 0.9, lambda m, o: [m.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=3)]),
    "OneCycleLR": (1, 0.9, lambda m, o: [m.OneCycleLR(o, max_lr=0.5, total_steps=30, anneal_strategy="linear")]),
    "SequentialLR": (2, 0.0, lambda m, o: [m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=3), m.LambdaLR(o, Decay(0.8)),
            m.StepLR(o, step_size=2)], milestones=[3, 6])]),
    "ChainedScheduler": (1, 0.0, lambda m, o: [m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.5, total_iters=3), m.ExponentialLR(o, gamma=0.9)], optimizer=o)]),
    "two schedulers": (1, 0.0, lambda m, o: [m.LinearLR(o, start_factor=0.5, total_iters=4),
                                            m.CosineAnnealingLR(o, T_max=10)]),
}

K_VALUES = (0, 1, 4, 9)


def make(api, kind):
    groups, momentum, build = KINDS[kind]
    opt = api.SGD([{"lr": 0.1 * (i + 1)} for i in range(groups)], lr=0.1, momentum=momentum)
    return opt, build(api, opt)


def step_all(scheds, k):
    for s in scheds:
        if type(s).__name__ == "ReduceLROnPlateau":
            s.step(metric(k))
        else:
            s.step()


def snapshot(opt, scheds):
    return ([bits(v) for v in lrs_of(opt)] + [bits(v) for v in momenta_of(opt)]
            + [bits(v) for s in scheds for v in s.get_last_lr()])


@pytest.mark.parametrize("k", K_VALUES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_checkpoint_resume(api, kind, k):
    opt, scheds = make(api, kind)
    for i in range(1, k + 1):
        step_all(scheds, i)
    blob = pickle.dumps({"optimizer": opt.state_dict(), "schedulers": [s.state_dict() for s in scheds]})

    opt2, scheds2 = make(api, kind)
    ck = pickle.loads(blob)
    opt2.load_state_dict(ck["optimizer"])
    for s, sd in zip(scheds2, ck["schedulers"]):
        s.load_state_dict(sd)
    assert ck == pickle.loads(blob)  # loading does not modify the dicts
    assert [s.state_dict() for s in scheds2] == [s.state_dict() for s in scheds] or kind == "ReduceLROnPlateau"
    assert snapshot(opt2, scheds2) == snapshot(opt, scheds)
    for i in range(k + 1, k + 13):
        step_all(scheds, i)
        step_all(scheds2, i)
        assert snapshot(opt2, scheds2) == snapshot(opt, scheds), f"step {i}"


def test_state_dict_is_plain_and_has_torch_keys(api):
    opt, (s,) = make(api, "StepLR")
    sd = s.state_dict()
    assert list(sd) == ["step_size", "gamma", "base_lrs", "last_epoch", "_step_count", "_is_initial",
                        "_get_lr_called_within_step", "_last_lr"]
    assert pickle.loads(pickle.dumps(sd)) == sd


def test_nonfinite_values_are_floats(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    p = api.ReduceLROnPlateau(opt, mode="max")
    sd = p.state_dict()
    assert sd["best"] == -math.inf and sd["mode_worse"] == -math.inf
    p.step(float("nan"))  # NaN is a bad epoch, as torch
    sd = p.state_dict()
    assert sd["best"] == -math.inf and sd["num_bad_epochs"] == 1
    q = api.ReduceLROnPlateau(api.SGD([{"lr": 0.1}], lr=0.1), mode="min", factor=0.5)
    q.load_state_dict(pickle.loads(pickle.dumps(sd)))
    assert q.state_dict() == sd and q.mode == "max"
    q.step(2.0)
    assert q.best == 2.0


def test_lambda_callable_objects_state(api):
    opt = api.SGD([{"lr": 0.1}, {"lr": 0.2}], lr=0.1)
    d = Decay(0.5)
    s = api.LambdaLR(opt, [d, lambda e: 1.0])
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [{"rate": 0.5}, None]
    d2 = Decay(0.9)
    s2 = api.LambdaLR(api.SGD([{"lr": 0.1}, {"lr": 0.2}], lr=0.1), [d2, lambda e: 1.0])
    s2.load_state_dict(sd)
    assert d2.rate == 0.5  # restored into the callable object, as torch
    assert sd["lr_lambdas"] == [{"rate": 0.5}, None]
    shared = api.LambdaLR(api.SGD([{"lr": 0.1}, {"lr": 0.2}], lr=0.1), Decay(0.7))
    assert shared.state_dict()["lr_lambdas"] == [{"rate": 0.7}, {"rate": 0.7}]


def test_composite_state_nests_children(api):
    opt, (seq,) = make(api, "SequentialLR")
    for i in range(1, 5):
        seq.step()
    sd = seq.state_dict()
    assert [type(c).__name__ for c in seq._schedulers] == ["LinearLR", "LambdaLR", "StepLR"]
    assert len(sd["_schedulers"]) == 3 and sd["_milestones"] == [3, 6]
    assert sd["_schedulers"][1]["lr_lambdas"] == [{"rate": 0.8}, {"rate": 0.8}]


def test_load_state_dict_errors(api):
    opt, (s,) = make(api, "StepLR")
    with pytest.raises(TypeError):
        s.load_state_dict([1, 2])
    before = s.state_dict()
    with pytest.raises(ValueError):
        s.load_state_dict({**before, "last_epoch": "x"})
    assert s.state_dict() == before  # a failed load changes nothing
    # A state that does not fit the optimizer is refused whole (torch loads it and fails
    # at every step): at least one value, at most one per group, in base_lrs and
    # _last_lr; finite lrs. Fewer than the groups (torch's state after an added group)
    # loads.
    n = len(opt.param_groups)
    too_many = f"values for {n} param groups (one per group at most, at least one)"
    bad = [
        ({"base_lrs": [0.1] * (n + 1)}, f"StepLR state: 'base_lrs' holds {n + 1} {too_many}"),
        ({"base_lrs": []}, f"StepLR state: 'base_lrs' holds 0 {too_many}"),
        ({"_last_lr": [0.1] * (n + 1)}, f"StepLR state: '_last_lr' holds {n + 1} {too_many}"),
        ({"_last_lr": [float("inf")] * n}, "StepLR state: '_last_lr' must hold finite numbers, got inf"),
        ({"_last_lr": [float("nan")] * n}, "StepLR state: '_last_lr' must hold finite numbers, got nan"),
    ]
    for change, message in bad:
        with pytest.raises(ValueError) as e:
            s.load_state_dict({**before, **change})
        assert str(e.value) == message
        assert s.state_dict() == before
    p = api.ReduceLROnPlateau(api.SGD([{"lr": 0.1}, {"lr": 0.2}], lr=0.1), min_lr=[0.0, 0.0])
    with pytest.raises(ValueError, match=r"'min_lrs' holds 0 values for 2 param groups"):
        p.load_state_dict({**p.state_dict(), "min_lrs": []})


def test_state_of_resumed_scheduler_with_last_epoch(api):
    opt, (s,) = make(api, "StepLR")
    for _ in range(4):
        s.step()
    opt2 = api.SGD([{"lr": 0.1}, {"lr": 0.2}], lr=0.1)
    opt2.load_state_dict(opt.state_dict())
    s2 = api.StepLR(opt2, step_size=3, gamma=0.5, last_epoch=3)  # initial_lr comes with the optimizer state
    assert s2.last_epoch == 4
    with pytest.raises(KeyError, match="initial_lr"):
        api.StepLR(api.SGD([{"lr": 0.1}], lr=0.1), step_size=3, last_epoch=3)
    assert_bits_equal(s2.base_lrs, s.base_lrs)
