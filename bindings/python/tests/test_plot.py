"""lrsched.plot: one line per param group with the previewed lrs (the scheduler is not
disturbed), from schedulers or JSON specs, momentum on a twin axis when cycled; a clear
ImportError without matplotlib."""

from __future__ import annotations

import builtins
import json
import math
import subprocess
import sys

import pytest
from conftest import VECTORS_DIR, load_vectors, lrs_of, make_sgd

matplotlib = pytest.importorskip("matplotlib")  # tools/install-deps.sh installs it
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lines_of(ax):
    return [line for line in ax.get_lines() if isinstance(line, Line2D)]


def test_plot_a_scheduler(api):
    opt = make_sgd(api, 2, momentum=0.9)
    sched = api.StepLR(opt, step_size=3, gamma=0.5)
    sched.step()
    before = (lrs_of(opt), sched.last_epoch, sched.get_last_lr())
    want = sched.preview(12).tolist()
    ax = api.plot(sched, 12)
    assert (lrs_of(opt), sched.last_epoch, sched.get_last_lr()) == before  # not disturbed
    lines = lines_of(ax)
    assert len(lines) == 2
    for g, line in enumerate(lines):
        assert list(line.get_xdata()) == list(range(1, 13))
        assert list(line.get_ydata()) == [row[g] for row in want]
        assert line.get_label() == f"group {g}"
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "lr" and ax.get_title() == "StepLR"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["group 0", "group 1"]
    assert not [a for a in ax.figure.axes if a is not ax]  # no momentum axis: not cycled


def test_plot_on_a_given_axes_and_momentum_twin_axis(api):
    opt = make_sgd(api, 1, momentum=0.9)
    sched = api.OneCycleLR(opt, max_lr=0.1, total_steps=20)
    fig, ax = plt.subplots()
    lrs, moms = sched.preview(19, momentum=True)
    assert api.plot(sched, 19, ax=ax) is ax
    assert [list(line.get_ydata()) for line in lines_of(ax)] == [lrs[:, 0].tolist()]
    twins = [a for a in fig.axes if a is not ax]
    assert len(twins) == 1
    (mline,) = lines_of(twins[0])
    assert list(mline.get_ydata()) == moms[:, 0].tolist()
    assert mline.get_label() == "group 0 momentum" and twins[0].get_ylabel() == "momentum"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["group 0", "group 0 momentum"]


def test_plot_a_bare_spec_and_a_json_string(api):
    spec = {"type": "CosineAnnealingLR", "T_max": 10}
    ref = api.from_spec(api.SGD([{}], lr=0.1), spec).preview(25)[:, 0].tolist()
    for source in (spec, json.dumps(spec), json.dumps(spec).encode()):
        ax = api.plot(source, 25)
        (line,) = lines_of(ax)
        assert list(line.get_ydata()) == ref and ax.get_title() == "CosineAnnealingLR"
        assert ref[0] == 0.1 * (1 + math.cos(math.pi / 10)) / 2  # lr 0.1 by default


def test_plot_a_conformance_case(api):
    case = next(c for c in load_vectors("schedules.json")["cases"] if len(c["optimizer"].get("groups", [])) >= 2)
    ax = api.plot(case)  # steps from the case
    lines = lines_of(ax)
    assert len(lines) == len(case["lrs"][0])
    for g, line in enumerate(lines):
        assert list(line.get_ydata()) == [row[g] for row in case["lrs"][1:]]
    plateau = next(c for c in load_vectors("schedules.json")["cases"] if "metrics" in c)
    ax = api.plot(plateau, 5)  # metrics from the case
    assert list(lines_of(ax)[0].get_ydata()) == [row[0] for row in plateau["lrs"][1:6]]


def test_plot_composite_and_several_schedulers(api):
    opt = make_sgd(api)
    warm = api.LinearLR(opt, start_factor=0.1, total_iters=3)
    cos = api.CosineAnnealingLR(opt, T_max=10)
    seq = api.SequentialLR(opt, [warm, cos], milestones=[3])
    ax = api.plot(seq, 15)
    assert list(lines_of(ax)[0].get_ydata()) == seq.preview(15)[:, 0].tolist()
    opt2 = make_sgd(api)
    a, b = api.StepLR(opt2, 2), api.ExponentialLR(opt2, 0.9)
    ax = api.plot([a, b], 6)
    assert list(lines_of(ax)[0].get_ydata()) == api.preview([a, b], 6)[:, 0].tolist()
    assert ax.get_title() == "StepLR + ExponentialLR"


def test_plot_errors(api):
    with pytest.raises(ValueError, match="steps"):
        api.plot({"type": "StepLR", "step_size": 2})
    with pytest.raises(TypeError, match="scheduler or a JSON spec"):
        api.plot(42, 3)
    with pytest.raises(ValueError):
        api.plot({"type": "ReduceLROnPlateau"}, 3)  # needs metrics
    ax = api.plot({"type": "ReduceLROnPlateau", "patience": 0}, 3, metrics=[1.0, 2.0, 3.0])
    assert list(lines_of(ax)[0].get_ydata()) == [0.1, 0.010000000000000002, 0.0010000000000000002]


def test_plot_without_matplotlib(api, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    sched = api.StepLR(make_sgd(api), 2)
    with pytest.raises(ImportError) as info:
        api.plot(sched, 5)
    prefix = "lrsched" if api.__name__ == "lrsched" else "lrsched_ctypes"
    assert str(info.value) == f"{prefix}.plot needs matplotlib: pip install matplotlib"
    # Also with matplotlib blocked in sys.modules (what `import` sees for a missing package).
    monkeypatch.setattr(builtins, "__import__", real_import)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"plot needs matplotlib: pip install matplotlib"):
        api.plot(sched, 5)


def test_plot_uses_agg_without_a_display(tmp_path):
    code = (
        "import lrsched, matplotlib\n"
        "ax = lrsched.plot({'type': 'StepLR', 'step_size': 2}, 6)\n"
        "ax.figure.savefig(r'%s')\n"
        "print(matplotlib.get_backend())\n" % (tmp_path / "plot.png")
    )
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().lower() == "agg"
    assert (tmp_path / "plot.png").stat().st_size > 1000
    # Importing lrsched does not import matplotlib.
    r = subprocess.run([sys.executable, "-c", "import sys, lrsched, lrsched_ctypes; print('matplotlib' in sys.modules)"],
                       capture_output=True, text=True)
    assert r.stdout.strip() == "False"


def test_vectors_dir_exists():
    assert (VECTORS_DIR / "schedules.json").is_file()


def test_plot_a_bare_composite_spec(api):
    """A bare SequentialLR spec (it has "schedulers" too) is a scheduler spec, not a case."""
    spec = {
        "type": "SequentialLR",
        "schedulers": [
            {"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},
            {"type": "CosineAnnealingLR", "T_max": 95},
        ],
        "milestones": [5],
    }
    want = api.from_spec(api.SGD([{}], lr=0.1), spec).preview(100)[:, 0].tolist()
    for source in (spec, json.dumps(spec)):
        ax = api.plot(source, 100)
        (line,) = lines_of(ax)
        assert list(line.get_ydata()) == want
        assert ax.get_title() == "SequentialLR"
    assert want[4] == 0.1  # the milestone: cosine starts at the base lr
