"""A param group added after the scheduler was built (``opt.add_param_group(...)``, the
unfreeze-layers pattern) is stepped as torch steps it, scheduler by scheduler
(added-groups.json, both packages); a checkpoint taken after the group was added (its
``base_lrs`` shorter than the groups) resumes, within lrsched and across torch and lrsched
(those skip without torch)."""

from __future__ import annotations

import warnings

import pytest

from conftest import load_vectors
from lrsched.conformance import build_optimizer, run_case

try:
    import torch
    import torch.optim.lr_scheduler as torch_sched
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not importable")

CASES = load_vectors("added-groups.json")["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_added_groups_vectors(api, case):
    assert run_case(api, case) is None


def test_the_file_holds_both_outcomes():
    assert sum("error" in c for c in CASES) == 14
    assert sum("lrs" in c for c in CASES) == 16


STEPPING = [c for c in CASES if "lrs" in c and c["add_group"]["before_step"] == 3]


def _build(api, case):
    opt = build_optimizer(api, case["optimizer"])
    return opt, api.from_spec(opt, case["schedulers"][0])


def _step(sched, case, k):
    metrics = case.get("metrics")
    sched.step(metrics[k - 1]) if metrics else sched.step()


@pytest.mark.parametrize("case", STEPPING, ids=[c["name"] for c in STEPPING])
def test_checkpoint_after_added_group_resumes(api, case):
    """Saved at step 5 (two steps after the group was added), loaded into a fresh
    optimizer that re-added the group, the run continues as the vectors."""
    opt, sched = _build(api, case)
    for k in range(1, 6):
        if k == 3:
            opt.add_param_group(dict(case["add_group"]["group"]))
        _step(sched, case, k)
    state = sched.state_dict()
    opt_state = opt.state_dict()
    if "base_lrs" in state:
        assert len(state["base_lrs"]) == 1 < len(opt.param_groups)
    opt2, sched2 = _build(api, case)
    opt2.add_param_group(dict(case["add_group"]["group"]))
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(state)
    for k in range(6, case["steps"] + 1):
        _step(sched2, case, k)
        assert [g["lr"] for g in opt2.param_groups] == case["lrs"][k], k


# With torch: lrsched's classes on a torch optimizer, beside torch's own.
TORCH_CASES = {
    "StepLR": dict(step_size=2, gamma=0.5),
    "MultiStepLR": dict(milestones=[3, 6], gamma=0.5),
    "ConstantLR": dict(factor=0.5, total_iters=4),
    "LinearLR": dict(start_factor=0.5, total_iters=4),
    "ExponentialLR": dict(gamma=0.9),
    "PolynomialLR": dict(total_iters=8, power=2.0),
    "CosineAnnealingLR": dict(T_max=10),
    "ReduceLROnPlateau": dict(patience=1),
    "LambdaLR": dict(lr_lambda=lambda e: 0.9**e),
    "MultiplicativeLR": dict(lr_lambda=lambda e: 0.9),
    "CyclicLR": dict(base_lr=0.01, max_lr=0.1, step_size_up=3),
    "CosineAnnealingWarmRestarts": dict(T_0=3),
    "OneCycleLR": dict(max_lr=0.1, total_steps=20),
}


def _torch_run(module, name, steps=12, add_at=3, state_at=None, restore=None):
    """lrs per step (or the exception class name that stopped it); with state_at: the
    optimizer's and scheduler's states after that step; with restore (a pair of states and
    their step): a fresh run that re-adds the group, loads them and continues."""
    p, q = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = getattr(module, name)(opt, **TORCH_CASES[name])
    rows, saved, start = [], None, 1
    if restore is not None:
        (opt_state, sched_state), start = restore
        opt.add_param_group({"params": [q], "lr": 0.01})
        opt.load_state_dict(opt_state)
        sched.load_state_dict(sched_state)
        start += 1
    for k in range(start, steps + 1):
        if k == add_at and restore is None:
            opt.add_param_group({"params": [q], "lr": 0.01})
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sched.step(1.0) if name == "ReduceLROnPlateau" else sched.step()
        except Exception as e:  # noqa: BLE001 - the class is compared
            rows.append(type(e).__name__)
            break
        rows.append([g["lr"] for g in opt.param_groups])
        if k == state_at:
            saved = (opt.state_dict(), sched.state_dict())
    return rows, saved


@needs_torch
@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_torch_optimizer_with_an_added_group_like_torch(api, name):
    theirs, _ = _torch_run(torch_sched, name)
    ours, _ = _torch_run(api, name)
    assert ours == theirs


CROSS = ["StepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
         "ReduceLROnPlateau", "MultiStepLR"]


@needs_torch
@pytest.mark.parametrize("name", CROSS)
@pytest.mark.parametrize("direction", ["torch-to-lrsched", "lrsched-to-torch"])
def test_checkpoint_after_added_group_crosses_torch(api, name, direction):
    """A checkpoint taken after the group was added (base_lrs shorter than the groups)
    loads into the other library and continues with torch's lrs."""
    src, dst = (torch_sched, api) if direction == "torch-to-lrsched" else (api, torch_sched)
    full, _ = _torch_run(torch_sched, name)
    _, saved = _torch_run(src, name, state_at=5)
    assert len(saved[1].get("base_lrs", [0])) == 1
    resumed, _ = _torch_run(dst, name, restore=(saved, 5))
    assert resumed == full[5:]


def test_key_error_carries_the_key_as_torch(api):
    # torch: KeyError('initial_lr') (str(e) == "'initial_lr'"), not the quoted message.
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    s = api.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    opt.add_param_group({"lr": 0.2})
    with pytest.raises(KeyError) as e:
        s.step()
    assert e.value.args == ("initial_lr",)
    assert str(e.value) == "'initial_lr'"
