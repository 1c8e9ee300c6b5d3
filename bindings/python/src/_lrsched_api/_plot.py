"""plot: previews drawn with matplotlib (imported inside the call). Runs once per
package (see _lrsched_api.load)."""

from __future__ import annotations

import json
import operator
import os
import sys

from ._optim import SGD
from ._schedulers import LRScheduler
from ._specs import from_spec, preview

# Seeded by _lrsched_api.load() before this module runs: the package's backend module
# (lrsched._lrsched or lrsched_ctypes._capi) and the package's name (for messages).
B = _backend  # noqa: F821
module_name = _module_name  # noqa: F821

__all__ = ["plot"]

def _plot_source(source, steps, metrics):
    """(schedulers, steps, metrics) to plot from a scheduler, a list of schedulers on one
    optimizer, or a JSON spec (a conformance case or a bare scheduler spec)."""
    if isinstance(source, LRScheduler):
        scheds = [source]
    elif isinstance(source, (list, tuple)) and source and all(isinstance(s, LRScheduler) for s in source):
        scheds = list(source)
    elif isinstance(source, (dict, str, bytes, bytearray)):
        spec = source
        if isinstance(spec, (bytes, bytearray)):
            spec = spec.decode("utf-8")
        if isinstance(spec, str):
            spec = json.loads(spec)
        if not isinstance(spec, dict):
            raise TypeError("plot: a JSON spec must be an object")
        if "schedulers" in spec and "type" not in spec:  # a conformance case (a composite's spec has a type)
            o = dict(spec.get("optimizer") or {})
            groups = o.pop("groups", None)
            lr = o.pop("lr", 0.1)
            opt = SGD([dict(g) for g in groups] if groups else [{}], lr=lr, **o)
            scheds = [from_spec(opt, s) for s in spec["schedulers"]]
            if steps is None:
                steps = spec.get("steps")
            if metrics is None:
                metrics = spec.get("metrics")
        else:  # a bare scheduler spec, on SGD(lr=0.1)
            scheds = [from_spec(SGD([{}], lr=0.1), spec)]
    else:
        raise TypeError(
            f"plot: expected a {module_name} scheduler or a JSON spec (dict or str), got {type(source).__name__}"
        )
    if steps is None:
        raise ValueError("plot: how many steps? (pass steps)")
    steps = operator.index(steps)
    if metrics is not None:
        metrics = list(metrics)[:steps]
    return scheds, steps, metrics

def plot(sched_or_spec, steps=None, ax=None, *, metrics=None):
    """Draws the next ``steps`` lrs of a scheduler (computed with :func:`preview`: the
    scheduler is not disturbed) or of a JSON spec (a dict or str: a conformance case
    ``{"optimizer", "schedulers", "steps"?, "metrics"?}``, or a bare scheduler spec
    such as ``{"type": "StepLR", "step_size": 4}`` on SGD(lr=0.1)), with matplotlib:
    one line per param group (labelled "group 0", ...), x the step 1..steps. When the
    schedule cycles the momentum (CyclicLR, OneCycleLR), the momenta are drawn dashed
    on a twin y axis. ``metrics`` feeds ReduceLROnPlateau. Draws on ``ax`` (a new
    figure's Axes when None; the Agg backend when there is no display) and returns
    it. Needs matplotlib (ImportError otherwise)."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(f"{module_name}.plot needs matplotlib: pip install matplotlib") from None
    scheds, steps, metrics = _plot_source(sched_or_spec, steps, metrics)
    try:
        lrs, moms = preview(scheds, steps, metrics=metrics, momentum=True)
    except (ValueError, TypeError, KeyError):
        lrs, moms = preview(scheds, steps, metrics=metrics), None
    lr_rows = lrs.tolist()
    if lr_rows and not isinstance(lr_rows[0], list):  # the 0-step memoryview fallback
        lr_rows = []
    groups = len(lr_rows[0]) if lr_rows else 0
    mom_rows = moms.tolist() if moms is not None and lr_rows else []
    if ax is None:
        if ("matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND")
                and sys.platform.startswith("linux")
                and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    xs = list(range(1, steps + 1))
    for g in range(groups):
        ax.plot(xs, [r[g] for r in lr_rows], label=f"group {g}")
    ax.set_xlabel("step")
    ax.set_ylabel("lr")
    ax.set_title(" + ".join(type(s).__name__ for s in scheds))
    handles, labels = ax.get_legend_handles_labels()
    cycled = [g for g in range(groups) if len({r[g] for r in mom_rows}) > 1]
    if cycled:
        ax2 = ax.twinx()
        for g in cycled:
            ax2.plot(xs, [r[g] for r in mom_rows], linestyle="--", label=f"group {g} momentum")
        ax2.set_ylabel("momentum")
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    if handles:
        ax.legend(handles, labels)
    return ax
