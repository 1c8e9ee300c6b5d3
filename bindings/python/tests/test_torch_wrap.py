"""lrsched.torch.wrap() under torch's own composites (SequentialLR writes last_epoch,
calls _initial_step() and _update_lr(0); ChainedScheduler steps its children), its
attribute forwarding, get_lr() and _step_count, and last_epoch assignment on lrsched's
own schedulers with torch's meaning (against torch where importable; lrsched as the
reference without it)."""

from __future__ import annotations

import warnings

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

GET_LR_WARNING = "To get the last learning rate computed by the scheduler"


def torch_opt(n_groups=2):
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(n_groups)]
    groups = [{"params": [p], "lr": 0.1 / (i + 1)} for i, p in enumerate(params)]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


def lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def run(make, steps=12, metrics=None):
    """The group lrs after construction and after each of `steps` steps (and the
    scheduler's get_last_lr() each time)."""
    opt = torch_opt()
    s = make(opt)
    out = [(lrs(opt), s.get_last_lr())]
    for k in range(steps):
        opt.step()
        s.step() if metrics is None else s.step(metrics[k])
        out.append((lrs(opt), list(s.get_last_lr())))
    return out


# Children as (name, kwargs); each composite is built from torch's classes and from
# wrapped lrsched ones of the same names.
SEQUENCES = [
    ([("LinearLR", dict(start_factor=0.1, total_iters=4)), ("ExponentialLR", dict(gamma=0.5))], [4]),
    ([("ConstantLR", dict(factor=0.5, total_iters=3)), ("CosineAnnealingLR", dict(T_max=6, eta_min=0.001))], [3]),
    ([("ExponentialLR", dict(gamma=0.9)), ("StepLR", dict(step_size=2, gamma=0.5)),
      ("MultiStepLR", dict(milestones=[1, 3], gamma=0.5))], [2, 5]),
    ([("LinearLR", dict(start_factor=0.5, total_iters=2)), ("PolynomialLR", dict(total_iters=5, power=2.0))], [0]),
    ([("StepLR", dict(step_size=1, gamma=0.9)), ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2))], [3]),
]


def torch_children(opt, spec):
    return [getattr(T, name)(opt, **kw) for name, kw in spec]


def wrapped_children(api, opt, spec, wrap=True):
    children = [getattr(api, name)(opt, **kw) for name, kw in spec]
    return [lrsched.torch.wrap(c) for c in children] if wrap else children


@needs_torch
@pytest.mark.parametrize("case", range(len(SEQUENCES)))
@pytest.mark.parametrize("wrap", [True, False], ids=["wrapped", "plain"])
def test_wrapped_children_of_torch_sequential_lr(api, case, wrap):
    # Plain lrsched schedulers have the same internals (last_epoch, _initial_step, ...).
    spec, milestones = SEQUENCES[case]
    theirs = run(lambda o: T.SequentialLR(o, torch_children(o, spec), milestones=milestones))
    ours = run(lambda o: T.SequentialLR(o, wrapped_children(api, o, spec, wrap), milestones=milestones))
    assert ours == theirs


def test_issue_example_values():
    # The issue's numbers, torch's: 0.01, .0325, .055, .0775, .1, .05, .025 (lrsched alone
    # is the reference without torch: its own SequentialLR gives them).
    opt = make_sgd(lrsched)
    s = lrsched.SequentialLR(opt, [lrsched.LinearLR(opt, start_factor=0.1, total_iters=4),
                                   lrsched.ExponentialLR(opt, gamma=0.5)], milestones=[4])
    got = [opt.param_groups[0]["lr"]]
    for _ in range(6):
        s.step()
        got.append(opt.param_groups[0]["lr"])
    assert [round(x, 12) for x in got] == [0.01, 0.0325, 0.055, 0.0775, 0.1, 0.05, 0.025]


@needs_torch
@pytest.mark.parametrize("case", range(len(SEQUENCES)))
@pytest.mark.parametrize("wrap", [True, False], ids=["wrapped", "plain"])
def test_wrapped_children_of_torch_chained_scheduler(api, case, wrap):
    spec, _ = SEQUENCES[case]
    theirs = run(lambda o: T.ChainedScheduler(torch_children(o, spec)))
    ours = run(lambda o: T.ChainedScheduler(wrapped_children(api, o, spec, wrap)))
    assert ours == theirs


@needs_torch
def test_nested_torch_composites_of_wrapped_children(api):
    # torch's ChainedScheduler of wrapped children as the first child of torch's
    # SequentialLR (recursive_undo walks its _schedulers), a wrapped one after it.
    def make(children):
        def build(o):
            a, b, c = children(o)
            return T.SequentialLR(o, [T.ChainedScheduler([a, b]), c], milestones=[3])
        return build

    spec = [("ExponentialLR", dict(gamma=0.9)), ("StepLR", dict(step_size=2, gamma=0.5)),
            ("LinearLR", dict(start_factor=0.5, total_iters=3))]
    theirs = run(make(lambda o: torch_children(o, spec)))
    ours = run(make(lambda o: wrapped_children(api, o, spec)))
    assert ours == theirs


@needs_torch
def test_wrapped_lrsched_composite_inside_torch_sequential_lr(api):
    # recursive_undo walks a wrapped lrsched SequentialLR's _schedulers.
    def build(children, seq):
        def make(o):
            a, b, c = children(o)
            return T.SequentialLR(o, [seq(o, [a, b]), c], milestones=[5])
        return make

    spec = [("LinearLR", dict(start_factor=0.5, total_iters=2)), ("ExponentialLR", dict(gamma=0.8)),
            ("StepLR", dict(step_size=2, gamma=0.5))]
    theirs = run(build(lambda o: torch_children(o, spec), lambda o, cs: T.SequentialLR(o, cs, milestones=[2])),
                 steps=4)
    ours = run(build(lambda o: [getattr(api, n)(o, **kw) for n, kw in spec],
                     lambda o, cs: lrsched.torch.wrap(api.SequentialLR(o, cs, milestones=[2]))), steps=4)
    assert ours == theirs


@needs_torch
def test_step_count_get_lr_and_flags_as_torch(api):
    o1, o2 = torch_opt(), torch_opt()
    theirs = T.ExponentialLR(o1, gamma=0.5)
    ours = lrsched.torch.wrap(api.ExponentialLR(o2, gamma=0.5))
    assert ours._step_count == theirs._step_count == 1
    for _ in range(3):
        o1.step(), o2.step()
        theirs.step(), ours.step()
    assert ours._step_count == theirs._step_count == 4
    for s in (theirs, ours):
        with pytest.warns(UserWarning, match=GET_LR_WARNING):
            s.get_lr()
    with pytest.warns(UserWarning, match=GET_LR_WARNING):
        expected = theirs.get_lr()
    with pytest.warns(UserWarning, match=GET_LR_WARNING):
        assert ours.get_lr() == expected
    assert lrs(o2) == lrs(o1)  # get_lr() changes nothing
    ours._get_lr_called_within_step = True  # as torch's _enable_get_lr_call
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ours.get_lr() == expected
    ours._get_lr_called_within_step = False
    assert ours._get_lr_called_within_step is False


@needs_torch
def test_plateau_attributes_forwarded(api):
    o1, o2 = torch_opt(), torch_opt()
    theirs = T.ReduceLROnPlateau(o1, patience=1, factor=0.5, cooldown=1)
    ours = lrsched.torch.wrap(api.ReduceLROnPlateau(o2, patience=1, factor=0.5, cooldown=1))
    names = ["best", "num_bad_epochs", "mode", "patience", "cooldown_counter", "min_lrs", "factor",
             "threshold", "threshold_mode", "cooldown", "eps", "mode_worse", "last_epoch"]
    for m in [1.0, 0.5, 0.6, 0.7, 0.8, 0.4, 0.9]:
        theirs.step(m), ours.step(m)
        assert [getattr(ours, n) for n in names] == [getattr(theirs, n) for n in names]
        assert ours.in_cooldown == theirs.in_cooldown
        assert ours.is_better(0.3, ours.best) == theirs._is_better(0.3, theirs.best)
        assert lrs(o2) == lrs(o1)
    # Assignable where torch allows: the next steps follow the new value.
    theirs.patience = ours.patience = 0
    assert ours.patience == 0
    for m in [0.95, 0.99, 1.0]:
        theirs.step(m), ours.step(m)
        assert lrs(o2) == lrs(o1)


@needs_torch
def test_cawr_attributes_forwarded(api):
    o1, o2 = torch_opt(), torch_opt()
    theirs = T.CosineAnnealingWarmRestarts(o1, T_0=2, T_mult=2, eta_min=0.01)
    ours = lrsched.torch.wrap(api.CosineAnnealingWarmRestarts(o2, T_0=2, T_mult=2, eta_min=0.01))
    for _ in range(7):
        o1.step(), o2.step()
        theirs.step(), ours.step()
        assert [ours.T_0, ours.T_i, ours.T_cur, ours.eta_min, ours.T_mult, ours.base_lrs] == \
            [theirs.T_0, theirs.T_i, theirs.T_cur, theirs.eta_min, theirs.T_mult, theirs.base_lrs]
    assert "T_cur" in dir(ours)
    with pytest.raises(AttributeError):
        ours.no_such_attribute


# ------------------------------------------------------------------------------------
# last_epoch assignment on lrsched's own schedulers, mid-run, against torch
# ------------------------------------------------------------------------------------

ASSIGNABLE = {
    "StepLR": dict(step_size=3, gamma=0.5),
    "MultiStepLR": dict(milestones=[2, 5, 9], gamma=0.5),
    "ConstantLR": dict(factor=0.5, total_iters=4),
    "LinearLR": dict(start_factor=0.25, total_iters=6),
    "ExponentialLR": dict(gamma=0.9),
    "PolynomialLR": dict(total_iters=8, power=2.0),
    "CosineAnnealingLR": dict(T_max=7, eta_min=0.001),
    "CosineAnnealingWarmRestarts": dict(T_0=3, T_mult=2),
    "CyclicLR": dict(base_lr=0.01, max_lr=0.1, step_size_up=3),
    "OneCycleLR": dict(max_lr=0.5, total_steps=40),
    "LambdaLR": dict(lr_lambda=lambda e: 0.9 ** e),
    "MultiplicativeLR": dict(lr_lambda=lambda e: 0.95),
}


def assigned_run(make, assign_at, value, steps=10):
    opt = torch_opt()
    s = make(opt)
    out = []
    for k in range(steps):
        if k == assign_at:
            s.last_epoch = value
            out.append(("assigned", s.last_epoch))
        opt.step()
        try:
            s.step()
        except Exception as e:  # noqa: BLE001 - torch's own failure, compared by class
            out.append(type(e))
            break
        out.append((s.last_epoch, lrs(opt)))
    return out


@needs_torch
@pytest.mark.parametrize("name", sorted(ASSIGNABLE))
@pytest.mark.parametrize("value", [0, 2, 6, -1], ids=lambda v: f"to{v}")
def test_last_epoch_assignment_as_torch(api, name, value):
    kw = ASSIGNABLE[name]
    theirs = assigned_run(lambda o: getattr(T, name)(o, **kw), 4, value)
    if any(isinstance(x, type) for x in theirs):
        pytest.skip(f"torch itself fails: {theirs[-1].__name__}")
    ours = assigned_run(lambda o: getattr(api, name)(o, **kw), 4, value)
    assert ours == theirs


@needs_torch
def test_plateau_last_epoch_assignment_as_torch(api):
    o1, o2 = torch_opt(), torch_opt()
    theirs, ours = T.ReduceLROnPlateau(o1, patience=0), api.ReduceLROnPlateau(o2, patience=0)
    for m in [1.0, 2.0]:
        theirs.step(m), ours.step(m)
    theirs.last_epoch = ours.last_epoch = 10
    for m in [3.0, 0.5]:
        theirs.step(m), ours.step(m)
        assert (ours.last_epoch, lrs(o2)) == (theirs.last_epoch, lrs(o1))


def test_last_epoch_assignment_without_torch(api):
    # lrsched as the reference: the next step increments from the assigned value.
    opt = make_sgd(api)
    s = api.StepLR(opt, step_size=3, gamma=0.5)
    s.step()
    s.last_epoch = 2
    assert s.last_epoch == 2 and s.get_last_lr() == [0.1]
    s.step()  # epoch 3: a multiple of step_size, chainable: lr * gamma
    assert (s.last_epoch, opt.param_groups[0]["lr"], s.get_last_lr()) == (3, 0.05, [0.05])
    s.last_epoch = -7  # any value, as torch's attribute
    assert s.last_epoch == -7
    with pytest.raises(TypeError):
        s.last_epoch = 1.5
    with pytest.raises(OverflowError):
        s.last_epoch = 2**63
    assert s.last_epoch == -7
    assert s._step_count == 3  # construction, then two steps


def test_initial_step_update_lr_and_get_lr_without_torch(api):
    opt = make_sgd(api)
    e = api.ExponentialLR(opt, gamma=0.5)
    e.step()
    assert opt.param_groups[0]["lr"] == 0.05 and e._step_count == 2
    e.last_epoch = -1
    e._initial_step()  # _is_initial: ExponentialLR keeps the lr
    assert (e.last_epoch, e._step_count, opt.param_groups[0]["lr"]) == (0, 1, 0.05)
    e._update_lr(3)  # the closed form at epoch 3, no step counted
    assert (e.last_epoch, e._step_count, opt.param_groups[0]["lr"]) == (3, 1, 0.0125)
    e._update_lr()
    assert (e.last_epoch, opt.param_groups[0]["lr"]) == (4, 0.00625)
    with pytest.warns(UserWarning, match=GET_LR_WARNING):
        assert e.get_lr() == [0.003125]
    assert opt.param_groups[0]["lr"] == 0.00625 and e.last_epoch == 4
    seq = api.SequentialLR(opt, [api.StepLR(opt, 2)], milestones=[])
    with pytest.raises(NotImplementedError), pytest.warns(UserWarning):
        seq.get_lr()
    with pytest.raises(NotImplementedError):
        seq._update_lr(0)


@needs_torch
@pytest.mark.parametrize("name", sorted(ASSIGNABLE))
@pytest.mark.parametrize("wrap", [False, True], ids=["plain", "wrapped"])
def test_get_lr_values_as_torch(api, name, wrap):
    # get_lr() outside step(): the chainable form at the current last_epoch, from the
    # current group lrs (torch's CyclicLR/OneCycleLR also write momenta there: not compared).
    kw = ASSIGNABLE[name]
    o1, o2 = torch_opt(), torch_opt()
    theirs = getattr(T, name)(o1, **kw)
    ours = getattr(api, name)(o2, **kw)
    if wrap:
        ours = lrsched.torch.wrap(ours)
    for k in range(7):
        o1.step(), o2.step()
        theirs.step(), ours.step()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = theirs.get_lr()
            got = ours.get_lr()
        assert got == expected, k
        assert lrs(o2) == lrs(o1)


@needs_torch
@pytest.mark.parametrize("value", [1, 5, 9])
def test_composite_last_epoch_assignment_as_torch(api, value):
    # SequentialLR picks its child and milestone from last_epoch: assigned, it moves on
    # from there as torch's does.
    spec, milestones = SEQUENCES[0]

    def make(mod, children):
        return lambda o: mod.SequentialLR(o, children(o), milestones=milestones)

    theirs = assigned_run(make(T, lambda o: torch_children(o, spec)), 3, value)
    ours = assigned_run(make(api, lambda o: wrapped_children(api, o, spec, wrap=False)), 3, value)
    assert ours == theirs
