"""The two front ends side by side on random scheduler programs: the same doubles, the
same exceptions (class and message), operation by operation."""

from __future__ import annotations

import random

import pytest
from conftest import BACKENDS, bits

SPECS = [
    {"type": "StepLR", "step_size": 3, "gamma": 0.7},
    {"type": "StepLR", "step_size": 0},
    {"type": "MultiStepLR", "milestones": [1, 4, 4, 9], "gamma": 0.5},
    {"type": "ConstantLR", "factor": 0.0, "total_iters": 2},
    {"type": "LinearLR", "start_factor": 0.3, "end_factor": 0.9, "total_iters": 5},
    {"type": "ExponentialLR", "gamma": 0.97},
    {"type": "PolynomialLR", "total_iters": 6, "power": 0.5},
    {"type": "CosineAnnealingLR", "T_max": 5, "eta_min": 0.001},
    {"type": "CosineAnnealingLR", "T_max": 0},
    {"type": "CosineAnnealingWarmRestarts", "T_0": 2, "T_mult": 3, "eta_min": 0.0001},
    {"type": "ReduceLROnPlateau", "mode": "max", "patience": 1, "cooldown": 1, "factor": 0.5},
    {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.2, "step_size_up": 2, "mode": "exp_range", "gamma": 0.9},
    {"type": "OneCycleLR", "max_lr": 0.3, "total_steps": 12, "three_phase": True},
    {"type": "LambdaLR", "lr_lambda": "inv1p"},
    {"type": "MultiplicativeLR", "lr_lambda": "halve_every_3"},
    {"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "ConstantLR", "factor": 0.5},
                                                               {"type": "ExponentialLR", "gamma": 0.9}]},
    {"type": "ChainedScheduler", "schedulers": [{"type": "LinearLR"}, {"type": "StepLR", "step_size": 2}]},
    {"type": "OneCycleLR", "max_lr": 0.3, "total_steps": 12.0},
    {"type": "Nope"},
]


def outcome(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - compared across front ends
        return ("raise", type(e).__name__, str(e))
    return ("ok", r)


def program(api, seed):
    rng = random.Random(seed)
    log = []
    groups = rng.randint(1, 3)
    opt = outcome(lambda: api.SGD([{"lr": 0.1 * (g + 1)} for g in range(groups)], lr=0.1,
                                  momentum=rng.choice([0.0, 0.9])))
    log.append(opt[0])
    opt = opt[1]
    scheds = []
    for _ in range(rng.randint(1, 3)):
        spec = rng.choice(SPECS)
        r = outcome(lambda: api.from_spec(opt, spec))
        log.append((r[0],) + ((r[1], r[2]) if r[0] == "raise" else (type(r[1]).__name__,)))
        if r[0] == "ok":
            scheds.append(r[1])
    saved = None
    for _ in range(40):
        op = rng.random()
        s = rng.choice(scheds) if scheds else None
        if s is None:
            break
        if op < 0.6:
            m = rng.choice([1.0, 0.5, 2.0, float("nan")])
            r = outcome(lambda: s.step(m) if type(s).__name__ == "ReduceLROnPlateau" else s.step())
        elif op < 0.7:
            r = outcome(lambda: [bits(v) for v in s.get_last_lr()])
        elif op < 0.8:
            r = outcome(lambda: s.state_dict())
            if r[0] == "ok":
                saved = (s, r[1])
        elif op < 0.85 and saved is not None and saved[0] is s:
            r = outcome(lambda: s.load_state_dict(saved[1]))
        elif op < 0.9:
            n = rng.randint(0, 5)
            ms = [1.0] * n if type(s).__name__ == "ReduceLROnPlateau" else None
            r = outcome(lambda: [[bits(v) for v in row] for row in api.preview(scheds, n, metrics=ms).tolist()])
        elif op < 0.95:
            r = outcome(lambda: s.step(rng.choice([2, 2.5, -1])))
        else:
            r = outcome(lambda: (s.last_epoch, [bits(v) for v in s.base_lrs]))
        log.append(r)
        log.append([bits(g["lr"]) for g in opt.param_groups] + [bits(g["momentum"]) for g in opt.param_groups])
    return log


@pytest.mark.parametrize("seed", range(150))
def test_front_ends_agree(seed):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert program(BACKENDS["ext"], seed) == program(BACKENDS["ctypes"], seed)
