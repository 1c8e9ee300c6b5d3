"""Argument types checked as torch checks them, and status codes mapped to the builtin
exceptions of the same kind."""

from __future__ import annotations

import pytest
from conftest import lrs_of, make_sgd


def test_onecycle_types(api):
    opt = make_sgd(api, momentum=0.9)
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 10.0"):
        api.OneCycleLR(opt, max_lr=0.1, total_steps=10.0)
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 0"):
        api.OneCycleLR(opt, max_lr=0.1, total_steps=0)
    with pytest.raises(ValueError, match="Expected positive integer epochs, but got 2.0"):
        api.OneCycleLR(opt, max_lr=0.1, epochs=2.0, steps_per_epoch=5)
    with pytest.raises(ValueError, match="Expected positive integer steps_per_epoch, but got 5.5"):
        api.OneCycleLR(opt, max_lr=0.1, epochs=2, steps_per_epoch=5.5)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        api.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        api.OneCycleLR(opt, max_lr=0.1, epochs=2)
    with pytest.raises(ValueError, match="Expected float between 0 and 1 pct_start, but got 0"):
        api.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=0)  # an int, as torch rejects
    with pytest.raises(ValueError, match="pct_start, but got True"):
        api.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=True)  # bool is not a float
    with pytest.raises(ValueError, match="pct_start, but got 1.5"):
        api.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear', instead got tanh"):
        api.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="tanh")
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 10"):
        api.OneCycleLR(opt, max_lr=0.1, total_steps="10")
    # What torch accepts: ints (bools are ints to isinstance), float pct_start.
    api.OneCycleLR(make_sgd(api, momentum=0.9), max_lr=0.1, total_steps=True, pct_start=0.0)
    api.OneCycleLR(make_sgd(api, momentum=0.9), max_lr=1, total_steps=10, pct_start=1.0)


def test_warm_restarts_types(api):
    opt = make_sgd(api)
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 5.0"):
        api.CosineAnnealingWarmRestarts(opt, T_0=5.0)
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        api.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="Expected integer T_mult >= 1, but got 2.0"):
        api.CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2.0)
    with pytest.raises(ValueError, match="Expected float or int eta_min, but got x of type <class 'str'>"):
        api.CosineAnnealingWarmRestarts(opt, T_0=5, eta_min="x")
    api.CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=1, eta_min=0)


def test_per_group_lists(api):
    opt = make_sgd(api, 2, momentum=0.9)
    with pytest.raises(ValueError, match="base_lr must have the same length as optimizer.param_groups. "
                                         "base_lr has 1 values, param_groups has 2."):
        api.CyclicLR(opt, base_lr=[0.01], max_lr=0.1)
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        api.OneCycleLR(opt, max_lr=[0.1, 0.2, 0.3], total_steps=10)
    with pytest.raises(ValueError, match="max_momentum must have the same length"):
        api.CyclicLR(opt, base_lr=0.01, max_lr=0.1, max_momentum=(0.9,))
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        api.ReduceLROnPlateau(opt, min_lr=[0.1])
    s = api.CyclicLR(opt, base_lr=(0.01, 0.001), max_lr=[0.1, 0.02], step_size_up=2)
    assert lrs_of(opt) == [0.01, 0.001]
    s.step()
    s.step()
    assert lrs_of(opt) == [0.1, 0.02]


def test_optimizer_type(api):
    for cls, args in [("StepLR", (3,)), ("LambdaLR", (lambda e: 1.0,)), ("CyclicLR", (0.01, 0.1)),
                      ("OneCycleLR", (0.1, 10)), ("SequentialLR", ([], [])), ("ExponentialLR", (0.9,))]:
        with pytest.raises(TypeError, match="int is not an Optimizer"):
            getattr(api, cls)(42, *args)
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        api.ReduceLROnPlateau(42, factor=1.0)  # torch checks the factor first
    with pytest.raises(TypeError, match="object is not an Optimizer"):
        api.ReduceLROnPlateau(object())


def test_numbers(api):
    opt = make_sgd(api)
    with pytest.raises(TypeError):
        api.StepLR(opt, step_size="3")
    with pytest.raises(TypeError):
        api.ExponentialLR(opt, gamma=None)
    with pytest.raises(ValueError, match="finite"):
        api.ExponentialLR(opt, gamma=float("inf"))
    with pytest.raises(TypeError, match="must be an int"):
        api.StepLR(opt, step_size=3.0)  # lrsched keeps epoch counts integral (documented)
    with pytest.raises(TypeError, match="must be an int"):
        api.SequentialLR(opt, [api.ConstantLR(opt), api.ConstantLR(opt)], milestones=[2.0])
    s = api.StepLR(make_sgd(api), step_size=True, gamma=1)  # bool/int where torch computes with them
    s.step()
    assert s.get_last_lr() == [0.1]

    class NumpyLikeInt:
        def __index__(self):
            return 2

    class NumpyLikeFloat:
        def __float__(self):
            return 0.5

    t = api.StepLR(make_sgd(api), step_size=NumpyLikeInt(), gamma=NumpyLikeFloat())
    t.step()
    t.step()
    assert t.get_last_lr() == [0.05]


def test_status_codes_map_to_builtins(api):
    opt = make_sgd(api)
    with pytest.raises(ZeroDivisionError):
        s = api.StepLR(opt, step_size=0)
        s.step()
    with pytest.raises(ZeroDivisionError):
        api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, step_size_up=0, step_size_down=0)
    with pytest.raises(KeyError):
        api.ExponentialLR(make_sgd(api), 0.9, last_epoch=2)
    with pytest.raises(ValueError, match="mode is invalid and scale_fn is None"):
        api.CyclicLR(make_sgd(api), 0.01, 0.1, mode="sawtooth")
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        api.CyclicLR(_NoMomentum(), 0.01, 0.1)
    with pytest.raises(TypeError, match="callable"):
        api.CyclicLR(make_sgd(api), 0.01, 0.1, scale_fn=1.0)
    with pytest.raises(NotImplementedError):
        api.LRScheduler(make_sgd(api))
    with pytest.raises(ValueError, match="mode median is unknown!"):
        api.ReduceLROnPlateau(make_sgd(api), mode="median")
    with pytest.raises(ValueError, match="threshold mode pct is unknown!"):
        api.ReduceLROnPlateau(make_sgd(api), threshold_mode="pct")


class _NoMomentum:
    """An optimizer with neither momentum nor betas (e.g. Rprop)."""

    def __init__(self):
        self.defaults = {"lr": 0.1}
        self.param_groups = [{"params": [], "lr": 0.1}]
