"""preview(): shapes, values equal to stepping (bit for bit), momenta, several
schedulers, no side effects; numpy imported lazily, memoryview without numpy."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import bits, lrs_of, momenta_of

np = pytest.importorskip("numpy")

SPECS = [
    ("StepLR", 3, 0.0, [{"type": "StepLR", "step_size": 3, "gamma": 0.5}]),
    ("OneCycleLR", 2, 0.9, [{"type": "OneCycleLR", "max_lr": [0.5, 0.05], "total_steps": 40}]),
    ("CyclicLR", 2, 0.9, [{"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}]),
    ("LinearLR+Cosine", 1, 0.0, [{"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},
                                 {"type": "CosineAnnealingLR", "T_max": 20}]),
    ("SequentialLR", 2, 0.0, [{"type": "SequentialLR", "milestones": [5], "schedulers": [
        {"type": "ConstantLR", "factor": 0.5}, {"type": "LambdaLR", "lr_lambda": "inv1p"}]}]),
    ("ReduceLROnPlateau", 2, 0.0, [{"type": "ReduceLROnPlateau", "patience": 1, "factor": 0.5}]),
]


def metrics_for(n):
    return [1.0 / (1 + k % 4) for k in range(n)]


@pytest.mark.parametrize("name,groups,momentum,specs", SPECS, ids=[s[0] for s in SPECS])
@pytest.mark.parametrize("n", [0, 1, 37])
def test_preview_equals_stepping(api, name, groups, momentum, specs, n):
    opt = api.SGD([{"lr": 0.1 * (i + 1)} for i in range(groups)], lr=0.1, momentum=momentum)
    scheds = [api.from_spec(opt, s) for s in specs]
    for k in range(3):  # from the middle of a schedule
        for s in scheds:
            s.step(0.5) if name == "ReduceLROnPlateau" else s.step()
    plateau = name == "ReduceLROnPlateau"
    ms = metrics_for(n) if plateau else None
    state = [s.state_dict() for s in scheds], lrs_of(opt), momenta_of(opt)
    lrs, moms = api.preview(scheds, n, metrics=ms, momentum=True)
    only = api.preview(scheds, n, metrics=ms)
    if len(scheds) == 1:
        one = scheds[0].preview(n, metrics=ms)
        assert one.tobytes() == only.tobytes()
    assert ([s.state_dict() for s in scheds], lrs_of(opt), momenta_of(opt)) == state  # untouched
    for a in (lrs, moms, only):
        assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (n, groups)
    assert lrs.tobytes() == only.tobytes()
    for k in range(n):
        for s in scheds:
            s.step(ms[k]) if plateau else s.step()
        assert [bits(v) for v in lrs[k]] == [bits(v) for v in lrs_of(opt)], f"row {k}"
        assert [bits(v) for v in moms[k]] == [bits(v) for v in momenta_of(opt)], f"row {k}"


def test_preview_errors(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    p = api.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError):
        p.preview(5)  # metrics required
    with pytest.raises(ValueError):
        p.preview(5, metrics=[1.0])  # one per step
    with pytest.raises(ValueError):
        api.preview([], 3)
    with pytest.raises(ValueError):
        api.preview([api.StepLR(opt, 2), api.StepLR(api.SGD([{"lr": 0.1}], lr=0.1), 2)], 3)
    with pytest.raises(TypeError):
        api.preview([object()], 3)
    with pytest.raises(ValueError):
        api.StepLR(opt, 2).preview(-1)
    o = api.SGD([{"lr": 0.1}], lr=0.1, momentum=0.9)
    s = api.OneCycleLR(o, max_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        s.preview(11)
    assert s.preview(10).shape == (10, 1)


def test_preview_with_python_callbacks(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    s = api.LambdaLR(opt, lambda e: 1.0 / (e + 1))
    p = s.preview(5)
    assert p[:, 0].tolist() == [0.1 * (1.0 / (e + 1)) for e in range(1, 6)]
    assert s.last_epoch == 0


def test_large_preview(api):
    opt = api.SGD([{"lr": 0.1}, {"lr": 0.2}], lr=0.1)
    s = api.CosineAnnealingLR(opt, T_max=1000)
    p = s.preview(100_000)
    assert p.shape == (100_000, 2)
    for _ in range(100_000):
        s.step()
    assert p[-1].tolist() == lrs_of(opt)


def _run(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True)


@pytest.mark.parametrize("module", ["lrsched", "lrsched_ctypes"])
def test_numpy_is_imported_lazily_and_optional(module):
    r = _run(f"""
        import sys
        import {module} as m
        assert "numpy" not in sys.modules, "import {module} imported numpy"
        opt = m.SGD([{{"lr": 0.1}}, {{"lr": 0.2}}], lr=0.1)
        s = m.StepLR(opt, 2)
        s.step()
        assert "numpy" not in sys.modules
        sys.modules["numpy"] = None  # numpy unavailable
        mv = s.preview(3)
        assert isinstance(mv, memoryview) and mv.format == "d" and mv.shape == (3, 2), (mv.format, mv.shape)
        lrs, moms = s.preview(2, momentum=True)
        assert lrs.shape == moms.shape == (2, 2)
        assert moms.tolist() == [[0.0, 0.0], [0.0, 0.0]]
        assert s.preview(0).tolist() == []
        rows = []
        for _ in range(3):
            s.step()
            rows.append([g["lr"] for g in opt.param_groups])
        assert mv.tolist() == rows, (mv.tolist(), rows)
        print("ok")
    """)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def test_preview_size_is_capped(api):
    """One preview holds at most MAX_PREVIEW_VALUES (2^26) values: beyond, MemoryError
    with the library's message, before anything is allocated or stepped."""
    assert api.MAX_PREVIEW_VALUES == 2**26
    opt = api.SGD([{"lr": 0.1}, {"lr": 0.2}], lr=0.1)
    s = api.StepLR(opt, 3)
    msg = "a preview of 33554433 steps x 2 groups is more than lrsched's limit of 67108864 values"
    with pytest.raises(MemoryError, match=msg):
        s.preview(2**25 + 1)
    with pytest.raises(MemoryError, match=msg):
        api.preview([s], 2**25 + 1, momentum=True)
    with pytest.raises(MemoryError, match="a preview of 1000000000 steps x 2 groups"):
        s.preview(10**9)
    assert s.last_epoch == 0 and lrs_of(opt) == [0.1, 0.2]


def test_created_groups_are_capped(api):
    """An optimizer is created with at most MAX_CREATED_GROUPS (2^20) groups."""
    assert api.MAX_CREATED_GROUPS == 2**20
    with pytest.raises(MemoryError, match="an optimizer of 1048577 param groups is more than lrsched's limit"):
        api.SGD([{"lr": 0.1}] * (2**20 + 1), lr=0.1)
