"""timm's schedulers as ``lrsched.timm.<Class>(optimizer, ...)`` and
``lrsched.timm.create_scheduler_v2``: every case of the timm vectors called as the Python
class or function gives the recorded lrs bit for bit; timm 1.0.31's signatures;
``get_cycle_length`` and ``num_epochs`` from the library (values worked out by hand from
timm's formulas); ``lr_scale`` as a param-group key; checkpoints resume exactly through
the classes."""

from __future__ import annotations

import inspect
import math
import json
import pathlib
import pickle

import pytest
from conftest import bits, blocked_in_thread

from lrsched import conformance

VECTORS = pathlib.Path(__file__).resolve().parents[3] / "Tests" / "Vectors" / "timm-1.0.31"


def _cases():
    path = VECTORS / "schedules.json"
    return json.loads(path.read_text())["cases"] if path.exists() else []


CASES = _cases()


def _build(api, case):
    """The case's optimizer and its scheduler, built by calling the timm class/function."""
    spec = dict(case["schedulers"][0])
    name = spec.pop("type")[len("timm."):]
    opt = conformance.build_optimizer(api, case["optimizer"])
    made = getattr(api.timm, name)(opt, **spec)
    return opt, made[0] if name == "create_scheduler_v2" else made


def _lrs(opt):
    return [bits(g["lr"]) for g in opt.param_groups]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_class_gives_the_vectors(api, case):
    opt, sched = _build(api, case)
    assert isinstance(sched, api.LRScheduler)
    assert type(sched).__module__ == f"{api.__name__}.timm"
    metrics = case.get("metrics")
    got = [_lrs(opt)]
    for k in range(1, case["steps"] + 1):
        conformance._step_all([sched], metrics, k)
        got.append(_lrs(opt))
    assert got == [[bits(v) for v in row] for row in case["lrs"]]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_checkpoints_resume_exactly(api, case):
    """Saved (through pickle) at several steps, loaded into fresh objects built by the
    classes (optimizer first, as timm's train.py resumes), continued: the recorded lrs."""
    steps, metrics = case["steps"], case.get("metrics")
    want = [[bits(v) for v in row] for row in case["lrs"]]
    for k in sorted({0, 1, 2, steps // 3, steps // 2, steps - 1, steps}):
        opt, sched = _build(api, case)
        for i in range(1, k + 1):
            conformance._step_all([sched], metrics, i)
        blob = pickle.dumps({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()})
        opt2, sched2 = _build(api, case)
        ck = pickle.loads(blob)
        opt2.load_state_dict(ck["optimizer"])
        sched2.load_state_dict(ck["scheduler"])
        assert _lrs(opt2) == want[k], f"loaded at {k}"
        for i in range(k + 1, steps + 1):
            conformance._step_all([sched2], metrics, i)
            assert _lrs(opt2) == want[i], f"resumed at {k}, step {i}"


# timm 1.0.31's signatures (timm/scheduler/*.py), defaults as Python writes them.
_BASE = ("t_in_epochs=True, noise_range_t=None, noise_pct=0.67, noise_std=1.0, noise_seed=42")
SIGNATURES = {
    "CosineLRScheduler": "(optimizer, t_initial, lr_min=0.0, cycle_mul=1.0, cycle_decay=1.0, cycle_limit=1, "
                         "warmup_t=0, warmup_lr_init=0.0, warmup_prefix=False, " + _BASE + ", k_decay=1.0, initialize=True)",
    "TanhLRScheduler": "(optimizer, t_initial, lb=-7.0, ub=3.0, lr_min=0.0, cycle_mul=1.0, cycle_decay=1.0, "
                       "cycle_limit=1, warmup_t=0, warmup_lr_init=0.0, warmup_prefix=False, " + _BASE + ", initialize=True)",
    "StepLRScheduler": "(optimizer, decay_t, decay_rate=1.0, warmup_t=0, warmup_lr_init=0.0, warmup_prefix=True, "
                       + _BASE + ", initialize=True)",
    "MultiStepLRScheduler": "(optimizer, decay_t, decay_rate=1.0, warmup_t=0, warmup_lr_init=0.0, warmup_prefix=True, "
                            + _BASE + ", initialize=True)",
    "PolyLRScheduler": "(optimizer, t_initial, power=0.5, lr_min=0.0, cycle_mul=1.0, cycle_decay=1.0, cycle_limit=1, "
                       "warmup_t=0, warmup_lr_init=0.0, warmup_prefix=False, " + _BASE + ", k_decay=1.0, initialize=True)",
    "WSDLRScheduler": "(optimizer, t_initial, decay_t, lr_min=0.0, stable_fn='constant', stable_timescale=None, "
                      "stable_power=0.5, decay_fn='1-sqrt', decay_power=0.5, decay_ratio=0.1, warmup_t=0, "
                      "warmup_lr_init=0.0, " + _BASE + ", initialize=True)",
    "PlateauLRScheduler": "(optimizer, decay_rate=0.1, patience_t=10, threshold=0.0001, cooldown_t=0, warmup_t=0, "
                          "warmup_lr_init=0.0, lr_min=0.0, mode='max', noise_range_t=None, noise_type='normal', "
                          "noise_pct=0.67, noise_std=1.0, noise_seed=None, initialize=True)",
    "create_scheduler_v2": "(optimizer, sched='cosine', num_epochs=300, decay_epochs=None, "
                           "decay_milestones=(90, 180, 270), cooldown_epochs=0, patience_epochs=10, decay_rate=0.1, "
                           "min_lr=0.0, warmup_lr=1e-05, warmup_epochs=0, warmup_prefix=False, noise=None, "
                           "noise_pct=0.67, noise_std=1.0, noise_seed=42, cycle_mul=1.0, cycle_decay=0.1, "
                           "cycle_limit=1, k_decay=1.0, decay_fn=None, stable_timescale=None, plateau_mode='max', "
                           "step_on_epochs=True, updates_per_epoch=0)",
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signatures_are_timms(api, name):
    obj = getattr(api.timm, name)
    sig = inspect.signature(obj.__init__ if isinstance(obj, type) else obj)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    assert str(sig.replace(parameters=params)).replace("1e-4", "0.0001") == SIGNATURES[name]
    assert sorted(api.timm.__all__) == sorted(SIGNATURES)


def test_classes_are_module_level_and_from_spec_returns_them(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    s = api.from_spec(opt, {"type": "timm.WSDLRScheduler", "t_initial": 10, "decay_t": 2})
    assert type(s) is api.timm.WSDLRScheduler
    assert api.timm.WSDLRScheduler.__qualname__ == "WSDLRScheduler"
    assert s.t_initial == 10 and s.decay_t == 2 and s.base_values == [0.1]
    sched, _ = api.timm.create_scheduler_v2(opt, sched="tanh", num_epochs=5)
    assert type(sched) is api.timm.TanhLRScheduler


def test_get_cycle_length(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    c = api.timm.CosineLRScheduler(opt, t_initial=10, cycle_mul=2.0, cycle_limit=3)
    assert c.get_cycle_length() == 70  # floor(-10 * (2 ** 3 - 1) / (1 - 2))
    assert c.get_cycle_length(2) == 30 and c.get_cycle_length(None) == 70
    t = api.timm.TanhLRScheduler(opt, t_initial=7, cycle_mul=1.5, warmup_t=4, warmup_prefix=True)
    assert t.get_cycle_length(3) == 37  # floor(33.25) + 4
    p = api.timm.PolyLRScheduler(opt, t_initial=10, cycle_mul=1.1, cycle_limit=3)
    assert p.get_cycle_length() == 33  # floor(33.10000000000004)
    w = api.timm.WSDLRScheduler(opt, t_initial=20, decay_t=5, warmup_t=3)
    assert w.get_cycle_length() == 23
    for cls in (api.timm.StepLRScheduler, api.timm.MultiStepLRScheduler, api.timm.PlateauLRScheduler):
        assert not hasattr(cls, "get_cycle_length")  # as timm's


@pytest.mark.parametrize("kwargs, num_epochs", [
    ({}, 300),
    ({"num_epochs": 30, "warmup_epochs": 3, "cooldown_epochs": 2}, 32),
    ({"num_epochs": 10, "cycle_mul": 2.0, "cycle_limit": 2, "warmup_epochs": 5, "warmup_prefix": True,
      "cooldown_epochs": 3}, 38),
    ({"num_epochs": 10, "step_on_epochs": False, "updates_per_epoch": 7, "cooldown_epochs": 2}, 12),
    ({"sched": "wsd", "num_epochs": 50, "warmup_epochs": 5, "decay_epochs": 0.3}, 50),
    ({"sched": "wsd", "num_epochs": 50, "warmup_epochs": 5, "warmup_prefix": True, "cooldown_epochs": 1}, 56),
    ({"sched": "step", "num_epochs": 40, "warmup_epochs": 2, "warmup_prefix": True, "cooldown_epochs": 9}, 42),
    ({"sched": "multistep", "num_epochs": 40, "decay_milestones": (10, 25)}, 40),
])
def test_create_scheduler_v2_returns_num_epochs(api, kwargs, num_epochs):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    sched, n = api.timm.create_scheduler_v2(opt, **kwargs)
    assert isinstance(sched, api.LRScheduler) and n == num_epochs


def test_arguments_pass_as_timm_takes_them(api):
    """noise_range_t a number, a list or a tuple; decay_t a tuple; an int decay_t float."""
    ref = None
    for noise in ([3, 6], (3, 6)):
        opt = api.SGD([{"lr": 0.1}], lr=0.1)
        s = api.timm.CosineLRScheduler(opt, t_initial=10, noise_range_t=noise)
        lrs = []
        for t in range(8):
            s.step(t)
            lrs.append(bits(opt.param_groups[0]["lr"]))
        assert ref is None or lrs == ref
        ref = lrs
    assert s.noise_range_t == [3, 6]
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    api.timm.MultiStepLRScheduler(opt, decay_t=(2, 4), decay_rate=0.5).step(4)
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5 * 0.5
    api.timm.StepLRScheduler(opt, decay_t=2.5, decay_rate=0.5).step(5)  # 5 // 2.5 == 2.0
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5 ** 2.0


def test_asserts_are_value_errors_and_leave_the_groups_unchanged(api):
    """timm's asserts are ValueErrors naming the argument; the failed construction leaves
    the groups as they were (timm would have added initial_lr)."""
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    before = dict(opt.param_groups[0])
    with pytest.raises(ValueError, match="t_initial"):
        api.timm.CosineLRScheduler(opt, t_initial=0)
    with pytest.raises(ValueError, match="lb"):
        api.timm.TanhLRScheduler(opt, t_initial=5, lb=3.0, ub=1.0)
    with pytest.raises(ValueError, match="decay_t"):
        api.timm.WSDLRScheduler(opt, t_initial=5, decay_t=9)
    with pytest.raises(ValueError, match="updates_per_epoch"):
        api.timm.create_scheduler_v2(opt, step_on_epochs=False)
    assert dict(opt.param_groups[0]) == before and "initial_lr" not in opt.param_groups[0]


def test_lr_scale_is_a_group_key(api):
    """timm reads param_group['lr_scale'] at every write: lrsched's groups hold it (SGD
    groups, the optimizer state) and foreign optimizers' groups are synced in."""
    opt = api.SGD([{"lr": 0.1, "lr_scale": 0.5}, {"lr": 0.1}], lr=0.1)
    s = api.timm.StepLRScheduler(opt, decay_t=1, decay_rate=0.5, warmup_t=2, warmup_lr_init=0.01)
    assert [g["lr"] for g in opt.param_groups] == [0.01 * 0.5, 0.01]
    opt.param_groups[1]["lr_scale"] = 0.25
    s.step(3)
    assert [g["lr"] for g in opt.param_groups] == [0.1 * 0.5 * 0.5, 0.1 * 0.5 * 0.25]
    del opt.param_groups[0]["lr_scale"]
    s.step(3)
    assert [g["lr"] for g in opt.param_groups] == [0.1 * 0.5, 0.1 * 0.5 * 0.25]
    state = opt.state_dict()
    assert state["param_groups"][1]["lr_scale"] == 0.25 and "lr_scale" not in state["param_groups"][0]
    with pytest.raises(ValueError, match="finite"):
        opt.param_groups[0]["lr_scale"] = float("nan")


class _Foreign:
    """A torch-style optimizer: param_groups as plain dicts."""

    def __init__(self, groups):
        self.param_groups = groups
        self.defaults = {"lr": groups[0]["lr"], "momentum": 0.0}


def test_lr_scale_of_a_foreign_optimizer(api):
    opt = _Foreign([{"params": [], "lr": 0.1, "momentum": 0.0, "lr_scale": 0.5}, {"params": [], "lr": 0.1, "momentum": 0.0}])
    s = api.timm.CosineLRScheduler(opt, t_initial=10)
    assert [g["lr"] for g in opt.param_groups] == [0.1 * 0.5, 0.1]
    opt.param_groups[1]["lr_scale"] = 2.0
    s.step(0)
    assert [g["lr"] for g in opt.param_groups] == [0.1 * 0.5, 0.1 * 2.0]
    assert opt.param_groups[0]["initial_lr"] == 0.1


# -- A callable decay_fn (timm's WSDLRScheduler accepts fn(progress) -> factor) ----------

def _one_minus_sqrt(frac):
    return 1.0 - math.sqrt(frac)


NAMED = {
    "linear": lambda frac: 1.0 - frac,
    "1-sqrt": _one_minus_sqrt,
    "cosine": lambda frac: 0.5 * (1.0 + math.cos(math.pi * frac)),
    "power": lambda frac: 1.0 - frac ** 0.5,
}


def _wsd_lrs(api, decay_fn, steps=14, **kw):
    opt = api.SGD([{"lr": 0.1}, {"lr": 0.05}], lr=0.1)
    s = api.timm.WSDLRScheduler(opt, t_initial=10, decay_t=6, warmup_t=2, lr_min=0.001, decay_fn=decay_fn, **kw)
    out = [_lrs(opt)]
    for t in range(1, steps):
        s.step(t)
        out.append(_lrs(opt))
    return out


@pytest.mark.parametrize("name", sorted(NAMED))
def test_callable_decay_fn_equal_to_a_named_one_gives_its_doubles(api, name):
    assert _wsd_lrs(api, NAMED[name]) == _wsd_lrs(api, name)
    updates = dict(t_in_epochs=False)
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    seen = []
    s = api.timm.WSDLRScheduler(opt, t_initial=10, decay_t=4, decay_fn=lambda f: seen.append(f) or 1.0 - f, **updates)
    for t in range(1, 13):
        s.step_update(t)
    assert seen == [min((t - 6) / 4, 1.0) for t in range(7, 13)]  # timm's progress, floats in (0, 1]


def test_callable_decay_fn_raising_raises_that_exception(api):
    error = KeyError("mine")

    def boom(frac):
        if frac > 0.5:
            raise error
        return 1.0 - frac

    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    s = api.timm.WSDLRScheduler(opt, t_initial=10, decay_t=4, decay_fn=boom)
    s.step(7)
    before = opt.param_groups[0]["lr"]
    with pytest.raises(KeyError) as info:
        s.step(9)
    assert info.value is error and opt.param_groups[0]["lr"] == before
    s.step(8)  # progress 0.5: fine again
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5
    with pytest.raises(TypeError):
        api.timm.WSDLRScheduler(opt, t_initial=10, decay_t=4, decay_fn=lambda f: "x").step(9)


def test_callable_decay_fn_state_dict_as_timms(api):
    """timm's state_dict() is its __dict__: decay_fn is the callable itself (pickled by
    reference); loading it into a scheduler built with a callable resumes exactly."""
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    s = api.timm.WSDLRScheduler(opt, t_initial=10, decay_t=6, decay_fn=_one_minus_sqrt)
    for t in range(1, 7):
        s.step(t)
    state = s.state_dict()
    assert state["decay_fn"] is _one_minus_sqrt and s.decay_fn is _one_minus_sqrt
    blob = pickle.dumps({"optimizer": opt.state_dict(), "scheduler": state})
    want = []
    for t in range(7, 12):
        s.step(t)
        want.append(_lrs(opt))
    ck = pickle.loads(blob)
    opt2 = api.SGD([{"lr": 0.1}], lr=0.1)
    s2 = api.timm.WSDLRScheduler(opt2, t_initial=10, decay_t=6, decay_fn=lambda f: 0.0)
    opt2.load_state_dict(ck["optimizer"])
    s2.load_state_dict(ck["scheduler"])  # its callable replaces the lambda, as in timm
    got = []
    for t in range(7, 12):
        s2.step(t)
        got.append(_lrs(opt2))
    assert got == want and s2.decay_fn is _one_minus_sqrt
    named = api.timm.WSDLRScheduler(api.SGD([{"lr": 0.1}], lr=0.1), t_initial=10, decay_t=6)
    with pytest.raises(ValueError, match="decay_fn"):
        named.load_state_dict(ck["scheduler"])
    s2.load_state_dict(named.state_dict())  # a name replaces the callable
    assert s2.decay_fn == "1-sqrt"


def test_failed_construction_leaves_a_foreign_optimizers_groups_unchanged(api):
    opt = _Foreign([{"params": [], "lr": 0.1, "momentum": 0.0, "lr_scale": 0.5}])
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises(ValueError, match="decay_ratio"):
        api.timm.WSDLRScheduler(opt, t_initial=10, decay_t=2, decay_fn="exp", decay_ratio=1.5)
    with pytest.raises(ValueError, match="t_initial"):
        api.timm.create_scheduler_v2(opt, sched="poly", num_epochs=0)
    assert opt.param_groups == before


def test_a_running_decay_fn_keeps_other_threads_off_the_optimizer(api):
    import threading

    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    entered, release = threading.Event(), threading.Event()

    def slow(frac):
        entered.set()
        release.wait(10)
        return 1.0 - frac

    s = api.timm.WSDLRScheduler(opt, t_initial=10, decay_t=4, decay_fn=slow)
    with blocked_in_thread(lambda: s.step(8), entered, release):
        with pytest.raises(RuntimeError, match="in use by another thread"):
            opt.param_groups[0]["lr"]
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5


def test_create_scheduler_v2_none_returns_no_scheduler(api):
    """timm: (None, num_epochs), num_epochs + warmup_epochs with warmup_prefix; the
    optimizer untouched; its preamble's assert still applies."""
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    assert api.timm.create_scheduler_v2(opt, sched="none", num_epochs=10) == (None, 10)
    assert api.timm.create_scheduler_v2(opt, sched="none", num_epochs=10, warmup_epochs=2, warmup_prefix=True,
                                        cooldown_epochs=4) == (None, 12)
    assert "initial_lr" not in opt.param_groups[0] and opt.param_groups[0]["lr"] == 0.1
    with pytest.raises(ValueError, match="updates_per_epoch"):
        api.timm.create_scheduler_v2(opt, sched="none", step_on_epochs=False)


def test_create_scheduler_v2_passes_a_callable_decay_fn_through(api):
    """timm's factory hands decay_fn to WSDLRScheduler, a callable included."""
    def run(decay_fn):
        opt = api.SGD([{"lr": 0.1}], lr=0.1)
        s, n = api.timm.create_scheduler_v2(opt, sched="rsqrt", num_epochs=20, warmup_epochs=2, decay_epochs=6,
                                            decay_fn=decay_fn)
        lrs = []
        for t in range(1, 22):
            s.step(t)
            lrs.append(_lrs(opt))
        return s, n, lrs

    named = run("linear")
    called = run(NAMED["linear"])
    assert called[1:] == named[1:] and type(called[0]) is api.timm.WSDLRScheduler
    assert called[0].state_dict()["decay_fn"] is NAMED["linear"] and named[0].decay_fn == "linear"


def test_copies_of_a_callable_decay_fn_scheduler_continue_exactly(api):
    import copy

    for build in (
        lambda o: api.timm.WSDLRScheduler(o, t_initial=10, decay_t=4, decay_fn=math.sqrt),
        lambda o: api.timm.create_scheduler_v2(o, sched="wsd", num_epochs=20, decay_fn=math.sqrt)[0],
    ):
        opt = api.SGD([{"lr": 1.0}, {"lr": 0.5}], lr=1.0)
        s = build(opt)
        s.step(5)
        copies = [copy.deepcopy(s), pickle.loads(pickle.dumps(s))]
        seen = set()
        for t in range(6, 20):
            s.step(t)
            seen.add(s.get_last_lr()[0])
            for c in copies:
                c.step(t)
                assert type(c) is type(s)
                assert list(map(bits, c.get_last_lr())) == list(map(bits, s.get_last_lr()))
        assert len(seen) >= 3  # the copies followed a decaying schedule
