"""copy.deepcopy and pickle of optimizers and schedulers (and wrapped ones): a copy
taken mid-run continues exactly as the original, and an optimizer copied together with
its schedulers stays shared by them."""

from __future__ import annotations

import copy
import pickle

import pytest

import lrsched
import lrsched.torch
from conftest import make_sgd

try:
    import torch
    import torch.optim.lr_scheduler as T
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not importable")


def halve(epoch):  # a module-level function: picklable
    return 0.5 ** epoch


class Warmup:  # a callable object with state: picklable, its __dict__ in state_dict()
    def __init__(self, n):
        self.n = n

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.n)


CASES = {
    "StepLR": lambda api, o: api.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda api, o: api.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.5),
    "ConstantLR": lambda api, o: api.ConstantLR(o, factor=0.5, total_iters=4),
    "LinearLR": lambda api, o: api.LinearLR(o, start_factor=0.25, total_iters=6),
    "ExponentialLR": lambda api, o: api.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda api, o: api.PolynomialLR(o, total_iters=8, power=2.0),
    "CosineAnnealingLR": lambda api, o: api.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda api, o: api.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "CyclicLR": lambda api, o: api.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3),
    "OneCycleLR": lambda api, o: api.OneCycleLR(o, max_lr=0.5, total_steps=40),
    "ReduceLROnPlateau": lambda api, o: api.ReduceLROnPlateau(o, patience=1, factor=0.5),
    "LambdaLR": lambda api, o: api.LambdaLR(o, [halve, Warmup(4)]),
    "MultiplicativeLR": lambda api, o: api.MultiplicativeLR(o, halve),
    "SequentialLR": lambda api, o: api.SequentialLR(
        o, [api.LinearLR(o, start_factor=0.5, total_iters=2), api.ExponentialLR(o, gamma=0.8)], milestones=[3]),
    "ChainedScheduler": lambda api, o: api.ChainedScheduler(
        [api.StepLR(o, step_size=2, gamma=0.5), api.ExponentialLR(o, gamma=0.9)]),
    "from_spec": lambda api, o: api.from_spec(o, {"type": "StepLR", "step_size": 2, "gamma": 0.7}),
}

METRICS = [1.0, 0.9, 0.95, 0.97, 0.99, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]


def advance(sched, k, start=0):
    for i in range(start, start + k):
        sched.optimizer.step()
        sched.step(METRICS[i % len(METRICS)]) if isinstance(sched, _plateaus()) else sched.step()


def _plateaus():
    return (lrsched.ReduceLROnPlateau, __import__("lrsched_ctypes").ReduceLROnPlateau)


def trace(sched, steps, start):
    out = []
    for i in range(steps):
        advance(sched, 1, start + i)
        out.append(([g["lr"] for g in sched.optimizer.param_groups], list(sched.get_last_lr()), sched.last_epoch))
    return out


COPIERS = {
    "deepcopy": copy.deepcopy,
    "pickle": lambda x: pickle.loads(pickle.dumps(x)),
}


@pytest.mark.parametrize("how", sorted(COPIERS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_copies_continue_exactly(api, name, how):
    opt = make_sgd(api, 2, momentum=0.9)
    s = CASES[name](api, opt)
    advance(s, 5)
    opt2, s2 = COPIERS[how]((opt, s))
    assert s2 is not s and type(s2) is type(s)
    assert s2.optimizer is opt2 and opt2 is not opt
    assert s2.state_dict() == s.state_dict()
    assert opt2.state_dict() == opt.state_dict()
    assert s2._step_count == s._step_count
    ours, theirs = trace(s2, 9, 5), trace(s, 9, 5)
    assert ours == theirs
    # The copy is independent: the original's steps did not move it, and vice versa.
    advance(s, 2, 14)
    if name not in ("ReduceLROnPlateau", "ChainedScheduler"):  # (their last_epoch: see torch)
        assert s2.last_epoch + 2 == s.last_epoch


def test_composite_copy_shares_children_and_optimizer(api):
    opt = make_sgd(api)
    a, b = api.StepLR(opt, 2), api.ExponentialLR(opt, gamma=0.9)
    seq = api.SequentialLR(opt, [a, b], milestones=[3])
    advance(seq, 4)
    a2, b2, seq2 = copy.deepcopy((a, b, seq))
    assert seq2._schedulers[0] is a2 and seq2._schedulers[1] is b2
    assert a2.optimizer is b2.optimizer is seq2.optimizer
    assert trace(seq2, 6, 4) == trace(seq, 6, 4)


def test_lambdas_deepcopy_shares_functions_pickle_needs_picklable(api):
    opt = make_sgd(api)
    s = api.LambdaLR(opt, lambda e: 0.9 ** e)
    advance(s, 3)
    s2 = copy.deepcopy(s)
    assert s2.lr_lambdas[0] is s.lr_lambdas[0]  # functions are shared by deepcopy
    assert trace(s2, 4, 3) == trace(s, 4, 3)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(s)  # a lambda does not pickle, as with torch
    w = api.LambdaLR(make_sgd(api), Warmup(5))
    advance(w, 2)
    w.lr_lambdas[0].n = 8  # a callable object's state is its own, copied with it
    w2 = pickle.loads(pickle.dumps(w))
    assert w2.lr_lambdas[0].n == 8 and w2.lr_lambdas[0] is not w.lr_lambdas[0]
    assert trace(w2, 5, 2) == trace(w, 5, 2)


def test_sgd_copies(api):
    opt = api.SGD([{"lr": 0.1, "tag": "a"}, {"lr": 0.2, "momentum": 0.5}], lr=0.1, momentum=0.9, nesterov=True)
    opt.param_groups[1]["lr"] = 0.25
    for copier in COPIERS.values():
        o2 = copier(opt)
        assert o2.state_dict() == opt.state_dict()
        assert o2.param_groups[0]["tag"] == "a" and o2.defaults == opt.defaults
        o2.param_groups[0]["lr"] = 1.0
        assert opt.param_groups[0]["lr"] == 0.1
    model = api.Linear(2, 1)
    with pytest.raises(TypeError, match="model"):
        copy.deepcopy(api.SGD(model.parameters(), lr=0.1))


def test_rebuilding_does_not_step_the_optimizer_again(api):
    # Construction performs torch's initial step (LinearLR: lr * start_factor); the
    # rebuilt scheduler must leave the copied optimizer's lrs as they were.
    opt = make_sgd(api)
    s = api.LinearLR(opt, start_factor=0.5, total_iters=4)
    assert opt.param_groups[0]["lr"] == 0.05
    opt2, s2 = pickle.loads(pickle.dumps((opt, s)))
    assert opt2.param_groups[0]["lr"] == 0.05 and opt2.param_groups[0]["initial_lr"] == 0.1
    assert s2.last_epoch == 0 and s2.get_last_lr() == [0.05]
    s3 = copy.deepcopy(s)  # alone: its optimizer is copied with it
    assert s3.optimizer is not opt and s3.optimizer.param_groups[0]["lr"] == 0.05


# ------------------------------------------------------------------------------------
# With torch: torch optimizers, wrapped schedulers
# ------------------------------------------------------------------------------------


def torch_opt():
    params = [torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(1))]
    return torch.optim.SGD([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}], lr=0.1, momentum=0.9)


@needs_torch
@pytest.mark.parametrize("how", sorted(COPIERS))
@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR", "ReduceLROnPlateau", "SequentialLR", "StepLR"])
@pytest.mark.parametrize("wrapped", [False, True], ids=["plain", "wrapped"])
def test_torch_optimizer_and_scheduler_copied_together(api, name, how, wrapped):
    opt = torch_opt()
    s = CASES[name](api, opt)
    if wrapped:
        s = lrsched.torch.wrap(s)
    plateau = name == "ReduceLROnPlateau"

    def go(sched, o, k, start):
        out = []
        for i in range(start, start + k):
            o.step()
            sched.step(METRICS[i % len(METRICS)]) if plateau else sched.step()
            out.append(([g["lr"] for g in o.param_groups], [g.get("momentum") for g in o.param_groups],
                        list(sched.get_last_lr())))
        return out

    go(s, opt, 5, 0)
    opt2, s2 = COPIERS[how]((opt, s))
    assert s2.optimizer is opt2 and type(s2) is type(s)
    if wrapped:
        assert isinstance(s2, T.ReduceLROnPlateau if plateau else T.LRScheduler)
    assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]
    assert s2.state_dict() == s.state_dict()
    assert go(s2, opt2, 8, 5) == go(s, opt, 8, 5)


@needs_torch
def test_torch_deepcopy_of_the_same_scheduler_matches_torch(api):
    # torch's own deepcopy continues exactly too: both copies give torch's lrs.
    o1, o2 = torch_opt(), torch_opt()
    theirs = T.CosineAnnealingWarmRestarts(o1, T_0=3, T_mult=2)
    ours = api.CosineAnnealingWarmRestarts(o2, T_0=3, T_mult=2)
    for _ in range(4):
        o1.step(), o2.step()
        theirs.step(), ours.step()
    o1c, tc = copy.deepcopy((o1, theirs))
    o2c, oc = copy.deepcopy((o2, ours))
    for _ in range(6):
        o1c.step(), o2c.step()
        tc.step(), oc.step()
        assert [g["lr"] for g in o2c.param_groups] == [g["lr"] for g in o1c.param_groups]


class _HalvingStep(lrsched.StepLR):  # module level: picklable
    def __init__(self, optimizer, note):
        self.note = note  # set before the base's __init__, as torch subclasses do
        super().__init__(optimizer, 2, 0.5)


class _TaggedLambda(lrsched.LambdaLR):
    def __init__(self, optimizer):
        super().__init__(optimizer, halve)
        self.tag = "t"


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copies_of_subclasses_keep_their_class_and_attributes(how):
    dup = copy.deepcopy if how == "deepcopy" else (lambda x: pickle.loads(pickle.dumps(x)))
    for make in (lambda o: _HalvingStep(o, 7), _TaggedLambda):
        opt = lrsched.SGD([{"lr": 1.0}], lr=1.0)
        s = make(opt)
        s.step()
        s.added = "x"  # an attribute set on the instance: torch's copies keep it
        c = dup(s)
        assert type(c) is type(s)
        assert {k: c.__dict__[k] for k in ("note", "tag", "added") if k in s.__dict__} == {
            k: s.__dict__[k] for k in ("note", "tag", "added") if k in s.__dict__
        }
        assert c.added == "x"
        for _ in range(4):
            s.step()
            c.step()
            assert c.get_last_lr() == s.get_last_lr()
        assert s.get_last_lr() != [1.0]
