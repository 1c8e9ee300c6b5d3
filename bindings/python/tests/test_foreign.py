"""Driving a foreign optimizer (anything with a param_groups list of dicts, as a
torch.optim.Optimizer): a small fake optimizer always; torch itself in test_torch.py."""

from __future__ import annotations

import math

import pytest
from conftest import assert_bits_equal, lrs_of


class FakeSGD:
    """torch.optim.SGD's shape without torch: defaults and param_groups dicts."""

    def __init__(self, lrs, momentum=0.9):
        self.defaults = {"lr": lrs[0], "momentum": momentum, "dampening": 0, "weight_decay": 0,
                         "nesterov": False, "maximize": False}
        self.param_groups = [{"params": [], "lr": lr, "momentum": momentum, "dampening": 0, "weight_decay": 0,
                              "nesterov": False, "maximize": False} for lr in lrs]
        self.steps = 0

    def step(self):
        self.steps += 1

    def add_param_group(self, group):
        g = dict(self.defaults)
        g.update(group)
        self.param_groups.append(g)


class FakeAdam:
    def __init__(self, lrs, betas=(0.9, 0.999)):
        self.defaults = {"lr": lrs[0], "betas": betas, "eps": 1e-8, "weight_decay": 0}
        self.param_groups = [{"params": [], "lr": lr, "betas": betas, "eps": 1e-8, "weight_decay": 0}
                             for lr in lrs]


class FakeRprop:
    def __init__(self, lrs):
        self.defaults = {"lr": lrs[0], "etas": (0.5, 1.2)}
        self.param_groups = [{"params": [], "lr": lr, "etas": (0.5, 1.2)} for lr in lrs]


class FakeTensor:
    """A 0-dim tensor stand-in: schedulers fill_ it in place."""

    def __init__(self, v):
        self.v = v

    def __float__(self):
        return self.v

    def fill_(self, v):
        self.v = v
        return self


def fake_lrs(opt):
    return [float(g["lr"]) for g in opt.param_groups]


CASES = {
    "StepLR": lambda m, o: [m.StepLR(o, step_size=3, gamma=0.5)],
    "CosineAnnealingLR": lambda m, o: [m.CosineAnnealingLR(o, T_max=6, eta_min=0.001)],
    "OneCycleLR": lambda m, o: [m.OneCycleLR(o, max_lr=[0.5, 0.05], total_steps=20)],
    "CyclicLR": lambda m, o: [m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3)],
    "ReduceLROnPlateau": lambda m, o: [m.ReduceLROnPlateau(o, patience=1, factor=0.5)],
    "LambdaLR": lambda m, o: [m.LambdaLR(o, lambda e: 0.9**e)],
    "SequentialLR": lambda m, o: [m.SequentialLR(o, [m.LinearLR(o, start_factor=0.5, total_iters=3),
                                                     m.ExponentialLR(o, gamma=0.8)], milestones=[3])],
    "ChainedScheduler": lambda m, o: [m.ChainedScheduler([m.ConstantLR(o, factor=0.5, total_iters=2),
                                                          m.ExponentialLR(o, gamma=0.9)])],
    "two on one optimizer": lambda m, o: [m.LinearLR(o, start_factor=0.25, total_iters=4),
                                          m.CosineAnnealingLR(o, T_max=10)],
}


def run(scheds, k):
    for s in scheds:
        if type(s).__name__ == "ReduceLROnPlateau":
            s.step(1.0 if k < 3 else 2.0)
        else:
            s.step()


@pytest.mark.parametrize("name", sorted(CASES))
def test_fake_sgd_matches_lrsched_sgd(api, name):
    fake = FakeSGD([0.1, 0.01])
    own = api.SGD([{"lr": 0.1}, {"lr": 0.01}], lr=0.1, momentum=0.9)
    fs, os_ = CASES[name](api, fake), CASES[name](api, own)
    assert fs[0].optimizer is fake
    for k in range(0, 15):
        if k:
            fake.step()
            run(fs, k)
            run(os_, k)
        assert_bits_equal(fake_lrs(fake), lrs_of(own), f"{name} step {k}")
        assert [type(g["lr"]) for g in fake.param_groups] == [float, float]
        assert_bits_equal([g["momentum"] for g in fake.param_groups],
                          [g["momentum"] for g in own.param_groups], f"{name} momentum step {k}")
        assert_bits_equal(fs[-1].get_last_lr(), os_[-1].get_last_lr())
        for key in ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"):
            if key in own.param_groups[0]:
                assert_bits_equal([g[key] for g in fake.param_groups], [g[key] for g in own.param_groups], key)
            else:
                assert key not in fake.param_groups[0]


def test_constructors_add_torchs_keys(api):
    fake = FakeSGD([0.1])
    api.OneCycleLR(fake, max_lr=0.5, total_steps=10)
    g = fake.param_groups[0]
    assert g["initial_lr"] == 0.5 / 25 and g["max_lr"] == 0.5 and g["min_lr"] == 0.5 / 25 / 1e4
    assert g["max_momentum"] == 0.95 and g["base_momentum"] == 0.85 and g["momentum"] == 0.95
    # torch's cos annealing at pct 0, from initial_lr 0.02 to max_lr 0.5
    assert g["lr"] == 0.5 + (0.02 - 0.5) / 2.0 * (math.cos(math.pi * 0.0) + 1)


def test_user_writes_are_synced_in(api):
    fake = FakeSGD([0.1])
    s = api.ExponentialLR(fake, gamma=0.5)
    s.step()
    assert fake.param_groups[0]["lr"] == 0.05
    fake.param_groups[0]["lr"] = 1.0  # e.g. a manual warm restart
    s.step()
    assert fake.param_groups[0]["lr"] == 0.5
    del fake.param_groups[0]["initial_lr"]
    fake.param_groups[0]["initial_lr"] = 2.0
    c = api.CosineAnnealingLR(fake, T_max=4)
    assert c.base_lrs == [2.0]  # setdefault semantics: an existing initial_lr is kept


def test_adam_betas(api):
    fake = FakeAdam([0.1, 0.2], betas=(0.9, 0.99))
    s = api.CyclicLR(fake, base_lr=0.01, max_lr=0.1, step_size_up=2, base_momentum=0.8, max_momentum=0.9)
    assert fake.param_groups[0]["betas"] == (0.9, 0.99)
    s.step()
    b = fake.param_groups[1]["betas"]
    assert isinstance(b, tuple) and b[1] == 0.99 and b[0] == 0.9 - ((0.9 - 0.8) * 0.5) * 1.0  # scale factor 0.5 at step 1
    assert fake.param_groups[0]["max_momentum"] == 0.9
    assert "momentum" not in fake.param_groups[0]
    assert s.use_beta1 is True
    o = api.OneCycleLR(FakeAdam([0.1]), max_lr=0.1, total_steps=5)
    assert o.optimizer.param_groups[0]["betas"][0] == 0.95


def test_momentumless_optimizer(api):
    fake = FakeRprop([0.1])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        api.CyclicLR(fake, base_lr=0.01, max_lr=0.1)
    s = api.CyclicLR(fake, base_lr=0.01, max_lr=0.1, step_size_up=2, cycle_momentum=False)
    s.step()
    assert fake.param_groups[0]["lr"] == 0.01 + ((0.1 - 0.01) * 0.5) * 1.0
    assert set(fake.param_groups[0]) == {"params", "lr", "etas", "initial_lr"}


def test_added_groups_are_picked_up(api):
    fake = FakeSGD([0.5])
    p = api.ReduceLROnPlateau(fake, patience=0, factor=0.1)
    p.step(1.0)
    fake.add_param_group({"params": [], "lr": 0.05})
    p.step(2.0)
    assert fake_lrs(fake) == [0.5 * 0.1, 0.05 * 0.1]


def test_tensor_lrs_are_filled_in_place(api):
    fake = FakeSGD([0.1])
    t = FakeTensor(0.1)
    fake.param_groups[0]["lr"] = t
    s = api.StepLR(fake, step_size=1, gamma=0.5)
    s.step()
    assert fake.param_groups[0]["lr"] is t and t.v == 0.05


def test_preview_of_a_foreign_optimizer(api):
    fake = FakeSGD([0.1])
    s = api.StepLR(fake, step_size=2, gamma=0.5)
    fake.param_groups[0]["lr"] = 0.4
    p = s.preview(4)
    assert [float(p[i][0]) for i in range(4)] == [0.4, 0.2, 0.2, 0.1]
    assert fake.param_groups[0]["lr"] == 0.4  # previews change nothing


def test_mirror_is_shared_and_released(api):
    import gc
    import weakref

    fake = FakeSGD([0.1])
    a = api.ConstantLR(fake, factor=0.5)
    b = api.ExponentialLR(fake, gamma=0.9)
    api.SequentialLR(fake, [a, b], milestones=[2])  # one optimizer: one mirror
    ref = weakref.ref(fake)
    del a, b, fake
    gc.collect()
    assert ref() is None


def test_not_an_optimizer(api):
    class NoGroups:
        param_groups = None

    with pytest.raises(TypeError, match="NoGroups is not an Optimizer"):
        api.StepLR(NoGroups(), 3)
    with pytest.raises(ValueError, match="empty parameter list"):
        api.StepLR(_Empty(), 3)


class _Empty:
    param_groups: list = []
    defaults: dict = {}


class _Slotted:
    """Not weak-referenceable, and no room for an attribute."""

    __slots__ = ("param_groups", "defaults")

    def __init__(self):
        self.defaults = {"lr": 0.1, "momentum": 0.0}
        self.param_groups = [{"params": [], "lr": 0.1, "momentum": 0.0}]


class _EqualByValue(FakeSGD):
    def __eq__(self, other):
        return isinstance(other, FakeSGD)

    __hash__ = None


def test_unusual_optimizer_objects(api):
    a, b = _EqualByValue([0.1]), _EqualByValue([0.2])
    sa, sb = api.ExponentialLR(a, 0.5), api.ExponentialLR(b, 0.5)
    sa.step()
    sb.step()
    assert fake_lrs(a) == [0.05] and fake_lrs(b) == [0.1]  # identity, not equality
    api.SequentialLR(a, [api.ConstantLR(a), api.ConstantLR(a)], [1])  # one shared mirror
    s = _Slotted()
    t = api.StepLR(s, step_size=1, gamma=0.5)
    t.step()
    assert s.param_groups[0]["lr"] == 0.05
    with pytest.raises(ValueError, match="same optimizer"):
        api.SequentialLR(s, [api.ConstantLR(s), api.ConstantLR(s)], [1])  # no mirror to share
