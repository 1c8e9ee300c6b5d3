"""Checkpoints of transformers' and timm's schedules from Python: for every schedule case
of their vectors, save the optimizer and the schedulers (through pickle) after k steps,
build fresh objects from the same case, load the optimizer state then the schedulers',
continue: the recorded lrs, bit for bit."""

from __future__ import annotations

import json
import pathlib
import pickle

import pytest
from conftest import bits

from lrsched import conformance

VECTORS = pathlib.Path(__file__).resolve().parents[3] / "Tests" / "Vectors"
FILES = ["transformers-5.25.0/schedules.json", "timm-1.0.31/schedules.json"]


def _cases():
    out = []
    for f in FILES:
        path = VECTORS / f
        if path.exists():
            out += json.loads(path.read_text())["cases"]
    return out


CASES = _cases()


def _lrs(opt):
    return [bits(g["lr"]) for g in opt.param_groups]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_checkpoint_resumes_exactly(api, case):
    steps, metrics = case["steps"], case.get("metrics")
    want = [[bits(v) for v in row] for row in case["lrs"]]
    for k in sorted({0, steps // 2, steps}):
        opt, scheds = conformance._build_schedulers(api, case)
        for i in range(1, k + 1):
            conformance._step_all(scheds, metrics, i)
        blob = pickle.dumps({"optimizer": opt.state_dict(), "schedulers": [s.state_dict() for s in scheds]})
        opt2, scheds2 = conformance._build_schedulers(api, case)
        ck = pickle.loads(blob)
        opt2.load_state_dict(ck["optimizer"])
        for s, sd in zip(scheds2, ck["schedulers"]):
            s.load_state_dict(sd)
        assert _lrs(opt2) == want[k], f"loaded at {k}"
        for i in range(k + 1, steps + 1):
            conformance._step_all(scheds2, metrics, i)
            assert _lrs(opt2) == want[i], f"resumed at {k}, step {i}"
