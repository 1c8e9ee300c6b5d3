"""timm's schedulers through from_spec: timm's stepping (step(epoch, metric=None),
step_update(num_updates, metric=None)) with the library's doubles and errors."""

from __future__ import annotations

import pytest


def test_step_at_epoch(api):
    opt = api.SGD([{"lr": 1.0}], lr=1.0)
    s = api.from_spec(opt, {"type": "timm.StepLRScheduler", "decay_t": 2, "decay_rate": 0.5})
    s.step(4)
    assert opt.param_groups[0]["lr"] == 0.25
    s.step(epoch=5, metric=0.3)
    assert opt.param_groups[0]["lr"] == 0.25
    s.step_update(7)  # t_in_epochs: step_update only records the metric
    assert opt.param_groups[0]["lr"] == 0.25
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'epoch'"):
        s.step()
    with pytest.raises(TypeError, match="unexpected keyword argument 'epochs'"):
        s.step(epochs=3)


def test_step_update(api):
    opt = api.SGD([{"lr": 1.0}], lr=1.0)
    s = api.from_spec(opt, {"type": "timm.StepLRScheduler", "decay_t": 2, "decay_rate": 0.5, "t_in_epochs": False})
    s.step(6)  # per-update stepping: step(epoch) changes no lr
    assert opt.param_groups[0]["lr"] == 1.0
    s.step_update(2)
    assert opt.param_groups[0]["lr"] == 0.5


def test_step_update_is_timms_only(api):
    opt = api.SGD([{"lr": 1.0}], lr=1.0)
    with pytest.raises(TypeError, match="not a timm scheduler"):
        api.StepLR(opt, 2).step_update(1)
