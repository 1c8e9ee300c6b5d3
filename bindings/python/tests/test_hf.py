"""transformers' schedules as ``lrsched.hf.<function>(optimizer, ...)``: every case of the
transformers vectors whose spec is one ``hf.*`` function, called as that Python function,
gives the recorded lrs bit for bit; the result is the class transformers returns; the
functions have transformers' signatures; errors are the library's."""

from __future__ import annotations

import inspect
import json
import pathlib

import pytest
from conftest import bits

from lrsched import conformance

VECTORS = pathlib.Path(__file__).resolve().parents[3] / "Tests" / "Vectors" / "transformers-5.25.0"


def _cases(name):
    path = VECTORS / name
    if not path.exists():
        pytest.skip("the repository's transformers vectors are not reachable")
    return json.loads(path.read_text())["cases"]


def _single_function_cases():
    try:
        cases = _cases("schedules.json")
    except pytest.skip.Exception:
        return []
    return [c for c in cases if len(c["schedulers"]) == 1 and c["schedulers"][0]["type"].startswith("hf.")]


CASES = _single_function_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_function_gives_the_vectors(api, case):
    spec = dict(case["schedulers"][0])
    function = getattr(api.hf, spec.pop("type")[len("hf."):])
    opt = conformance.build_optimizer(api, case["optimizer"])
    sched = function(opt, **spec)
    metrics = case.get("metrics")
    got = [[bits(g["lr"]) for g in opt.param_groups]]
    for k in range(1, case["steps"] + 1):
        sched.step(metrics[k - 1]) if metrics is not None else sched.step()
        got.append([bits(g["lr"]) for g in opt.param_groups])
    assert got == [[bits(v) for v in row] for row in case["lrs"]]


def test_functions_return_transformers_classes(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    assert type(api.hf.get_cosine_schedule_with_warmup(opt, 2, 10)) is api.LambdaLR
    assert type(api.hf.get_reduce_on_plateau_schedule(opt)) is api.ReduceLROnPlateau
    assert api.hf.get_linear_schedule_with_warmup(opt, 2, 10).state_dict()["lr_lambdas"] == [{}]


def test_signatures_are_transformers(api):
    assert str(inspect.signature(api.hf.get_cosine_schedule_with_warmup)) == \
        "(optimizer, num_warmup_steps, num_training_steps, num_cycles=0.5, last_epoch=-1)"
    assert str(inspect.signature(api.hf.get_wsd_schedule)) == (
        "(optimizer, num_warmup_steps, num_decay_steps, num_training_steps=None, num_stable_steps=None, "
        "warmup_type='linear', decay_type='cosine', min_lr_ratio=0, num_cycles=0.5, last_epoch=-1)")
    assert api.hf.get_constant_schedule.__module__ == f"{api.__name__}.hf"


def test_errors_are_the_librarys(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'num_training_steps'"):
        api.hf.get_linear_schedule_with_warmup(opt, 2)
    with pytest.raises(ValueError):
        api.hf.get_cosine_with_min_lr_schedule_with_warmup(opt, 2, 10)  # neither min_lr nor min_lr_rate


def test_get_scheduler_is_the_named_function(api):
    def lrs(make):
        opt = api.SGD([{"lr": 0.1}], lr=0.1)
        sched = make(opt)
        out = [opt.param_groups[0]["lr"]]
        for _ in range(12):
            sched.step()
            out.append(opt.param_groups[0]["lr"])
        return [bits(v) for v in out]

    assert lrs(lambda o: api.hf.get_scheduler("linear", o, 2, 10)) == \
        lrs(lambda o: api.hf.get_linear_schedule_with_warmup(o, 2, 10))
    assert lrs(lambda o: api.hf.get_scheduler("cosine_with_restarts", o, num_warmup_steps=1, num_training_steps=9,
                                              scheduler_specific_kwargs={"num_cycles": 2})) == \
        lrs(lambda o: api.hf.get_cosine_with_hard_restarts_schedule_with_warmup(o, 1, 9, num_cycles=2))
    with pytest.raises(ValueError, match="SchedulerType.COSINE requires `num_training_steps`"):
        api.hf.get_scheduler("cosine", api.SGD([{"lr": 0.1}], lr=0.1), 2)
    assert str(inspect.signature(api.hf.get_scheduler)) == \
        "(name, optimizer, num_warmup_steps=None, num_training_steps=None, scheduler_specific_kwargs=None)"


def test_import_submodule(api):
    import importlib

    module = importlib.import_module(f"{api.__name__}.hf")
    assert module is api.hf
