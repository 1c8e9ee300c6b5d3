"""The conformance runner of the Python front ends.

    python3 -m lrsched.conformance FILE... [--backend ext|ctypes|both]

Runs vector files (Tests/Vectors/pytorch-2.15/*.json) through the Python API under the
project's runner contract: each file's kind (schedules, errors, training) is detected
from its content; every failed case prints ``FAIL <name>: <detail>`` (the first
differing step, the value got and the value expected); the last line of stdout is
exactly ``N passed, M failed``, summed over the files (and over the backends with
``--backend both``: each case counts once per backend); the exit status is 0 if and only
if M is 0.

Values are compared bit for bit (``float.hex``: -0.0 differs from 0.0).

- schedules: an SGD with scheduling-only groups built from the case's optimizer spec,
  the schedulers built with ``from_spec`` in order, each stepped in order after every
  optimizer step (ReduceLROnPlateau with the step's metric); ``param_groups[g]["lr"]``
  (and ``["momentum"]`` when the case has "momentum") compared after construction and
  after every step.
- errors: construction fails with the named exception class; or, with ``error_step``
  k, steps 1..k-1 succeed and step k raises it, leaving every lr and momentum unchanged.
- added groups (added-groups.json, schedule or error cases): ``opt.add_param_group(
  {"lr": ...})`` (the optimizer's defaults but that lr) before step ``add_group.before_step``
  (for an error case, before the lrs are read for the unchanged check).
- training: the case's model (a Sequential of its Linear/ReLU layers, the recorded initial
  parameters set by name), ``SGD(model.parameters(), **case["sgd"])``, the schedulers
  built with ``from_spec`` on it, and a ``Trainer`` (no shuffling; "step_scheduler" epoch
  or batch) fitted on the file's dataset (``meta.datasets``, float32, read in place).
  Every lr_start and lr_after must be identical, each epoch's loss within 1e-4 relative,
  the final parameters within 1e-5 absolute (the vectors' tolerances: torch fuses
  multiply-adds in its own order).
"""

from __future__ import annotations

import argparse
import builtins
import json
import math
import sys
from array import array

__all__ = ["main", "run_files", "run_case"]


def _hex(x) -> str:
    return float.hex(float(x))


def _same(got, expected) -> bool:
    return _hex(got) == _hex(expected)


def case_kind(case) -> str:
    if not isinstance(case, dict):
        return "unknown"
    if "model" in case or "history" in case or "final_parameters" in case:
        return "training"
    if "error" in case:
        return "error"
    if "lrs" in case:
        return "schedule"
    return "unknown"


def file_kind(data) -> str:
    """schedules, errors, training or mixed/unknown — from the cases' content."""
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list):
        return "unknown"
    kinds = {case_kind(c) for c in cases}
    names = {"schedule": "schedules", "error": "errors", "training": "training"}
    if len(kinds) == 1:
        return names.get(next(iter(kinds)), "unknown")
    return "mixed"


def _build_schedulers(api, case):
    """The case's optimizer (timm's groups' lr_scale is a group key) and schedulers."""
    opt = build_optimizer(api, case["optimizer"])
    return opt, [api.from_spec(opt, s) for s in case["schedulers"]]


def build_optimizer(api, spec):
    """SGD(groups, lr=..., momentum=..., ...) with one scheduling-only group per entry of
    spec["groups"] (or one group)."""
    spec = dict(spec)
    groups = spec.pop("groups", None)
    lr = spec.pop("lr", 1e-3)
    params = [dict(g) for g in groups] if groups is not None else [{}]
    return api.SGD(params, lr=lr, **spec)


def _snapshot(opt, momentum):
    lrs = [g["lr"] for g in opt.param_groups]
    moms = [g["momentum"] for g in opt.param_groups] if momentum else None
    return lrs, moms


def _add_group_if_due(opt, case, k):
    """added-groups.json: add the case's group once step k reaches its before_step."""
    add = case.get("add_group")
    if add is not None and k >= add["before_step"] and len(opt.param_groups) == len(case_groups(case)):
        opt.add_param_group(dict(add["group"]))


def case_groups(case):
    """The optimizer spec's groups as built (one when it has no "groups")."""
    return case["optimizer"].get("groups") or [{}]


def _step_all(scheds, metrics, k):
    for s in scheds:
        if s._steps_at_index:  # timm's: step(k) or step_update(k), with the case's metric
            metric = metrics[k - 1] if metrics is not None else None
            s.step_update(k, metric) if s._steps_at_index == "update" else s.step(k, metric)
        elif s._steps_on_metric:
            if metrics is None:
                raise ValueError("metric-driven scheduler in a case without metrics")
            s.step(metrics[k - 1])
        else:
            s.step()


def _compare(what, k, got, expected):
    """None, or the detail of the first difference."""
    if len(got) != len(expected):
        return f"step {k}: {len(got)} groups, expected {len(expected)}"
    for g, (a, b) in enumerate(zip(got, expected)):
        if not _same(a, b):
            return f"step {k} group {g}: {what} got {float(a)!r} ({_hex(a)}), expected {float(b)!r} ({_hex(b)})"
    return None


def run_schedule_case(api, case):
    """None if the case passes, else a failure detail."""
    opt, scheds = _build_schedulers(api, case)
    lrs = case["lrs"]
    moms = case.get("momentum")
    metrics = case.get("metrics")
    steps = case["steps"]
    if len(lrs) != steps + 1:
        return f"malformed case: {len(lrs)} lr rows for {steps} steps"
    for k in range(steps + 1):
        if k > 0:
            _add_group_if_due(opt, case, k)
            _step_all(scheds, metrics, k)
        got_lrs, got_moms = _snapshot(opt, moms is not None)
        d = _compare("lr", k, got_lrs, lrs[k])
        if d is None and moms is not None:
            d = _compare("momentum", k, got_moms, moms[k])
        if d is not None:
            return d
    return None


def run_error_case(api, case):
    name = case["error"]
    exc_class = getattr(builtins, name, None)
    if not (isinstance(exc_class, type) and issubclass(exc_class, BaseException)):
        return f"malformed case: unknown exception class {name!r}"
    error_step = case.get("error_step")
    if exc_class is AssertionError:  # timm's asserts: lrsched raises ValueError naming the argument
        exc_class = ValueError
    try:
        opt, scheds = _build_schedulers(api, case)
    except exc_class as e:
        if error_step is None:
            if not str(e):
                return f"construction raised {name} without a message"
            return None
        return f"construction raised {type(e).__name__}: {e}; expected {name} at step {error_step}"
    except Exception as e:  # noqa: BLE001 - reported as a failure
        return f"construction raised {type(e).__name__}: {e}; expected {name}"
    if error_step is None:
        return f"construction succeeded; expected {name}"
    metrics = case.get("metrics")
    for k in range(1, error_step + 1):
        try:
            _add_group_if_due(opt, case, k)
            if k < error_step:
                _step_all(scheds, metrics, k)
        except Exception as e:  # noqa: BLE001
            return f"step {k} raised {type(e).__name__}: {e}; expected {name} at step {error_step}"
    before = _snapshot(opt, True)
    try:
        _step_all(scheds, metrics, error_step)
    except exc_class as e:
        if not str(e):
            return f"step {error_step} raised {name} without a message"
    except Exception as e:  # noqa: BLE001
        return f"step {error_step} raised {type(e).__name__}: {e}; expected {name}"
    else:
        return f"step {error_step} succeeded; expected {name}"
    after = _snapshot(opt, True)
    d = _compare("lr", error_step, after[0], before[0]) or _compare("momentum", error_step, after[1], before[1])
    if d is not None:
        return f"the failed step changed the optimizer: {d} (expected unchanged)"
    return None


LOSS_RELATIVE_TOLERANCE = 1e-4
PARAMETER_ABSOLUTE_TOLERANCE = 1e-5


def dataset(meta, name):
    """(X, y) of meta["datasets"][name] as float32 matrices (n, features) and (n,): numpy
    arrays when numpy is importable, else shaped memoryviews over array('f') (both read in
    place by the trainer)."""
    ds = (meta or {}).get("datasets", {}).get(name)
    if not isinstance(ds, dict):
        raise ValueError(f"no dataset {name!r} in meta.datasets")
    n, f = ds["n"], ds["features"]
    xs, ys = ds["X"], ds["y"]
    if len(xs) != n * f or len(ys) != n:
        raise ValueError(f"dataset {name!r}: X has {len(xs)} values, y {len(ys)}, for n={n}, features={f}")
    try:
        import numpy as np
    except ImportError:
        x = memoryview(array("f", xs)).cast("B").cast("f", (n, f))
        y = memoryview(array("f", ys))
    else:
        x = np.array(xs, dtype=np.float32).reshape(n, f)
        y = np.array(ys, dtype=np.float32)
    return x, y


def build_model(api, layers):
    mods = []
    for spec in layers:
        t = spec.get("type")
        if t == "Linear":
            mods.append(api.Linear(spec["in"], spec["out"]))
        elif t == "ReLU":
            mods.append(api.ReLU())
        else:
            raise ValueError(f"unknown layer type {t!r}")
    return api.Sequential(*mods)


def run_training_case(api, case, meta):
    X, y = dataset(meta, case["data"])
    model = build_model(api, case["model"])
    params = dict(model.named_parameters())
    for item in case.get("initial_parameters", []):
        params[item["name"]].set(item["values"])
    opt = api.SGD(model.parameters(), **case.get("sgd", {}))
    scheds = [api.from_spec(opt, s) for s in case.get("schedulers", [])]
    trainer = api.Trainer(model, opt, scheds, batch_size=case["batch_size"],
                          step_scheduler=case.get("step_scheduler", "epoch"))
    history = trainer.fit(X, y, case["epochs"])
    want = case["history"]
    if len(history) != len(want):
        return f"history has {len(history)} epochs, expected {len(want)}"
    for got, exp in zip(history, want):
        e = got["epoch"]
        if e != exp["epoch"]:
            return f"history row is epoch {e}, expected {exp['epoch']}"
        for key in ("lr_start", "lr_after"):
            if not _same(got[key], exp[key]):
                return (f"epoch {e}: {key} {got[key]!r} ({_hex(got[key])}), expected {float(exp[key])!r} "
                        f"({_hex(exp[key])})")
        if not abs(got["loss"] - exp["loss"]) <= LOSS_RELATIVE_TOLERANCE * abs(exp["loss"]):
            return f"epoch {e}: loss {got['loss']!r}, expected {exp['loss']!r} (1e-4 relative)"
    for item in case.get("final_parameters", []):
        p = params.get(item["name"])
        if p is None:
            return f"final parameter {item['name']} missing"
        got = p.tolist()
        if len(got) != len(item["values"]):
            return f"final {item['name']}: {len(got)} values, expected {len(item['values'])}"
        for j, (a, b) in enumerate(zip(got, item["values"])):
            if not abs(a - b) <= PARAMETER_ABSOLUTE_TOLERANCE or math.isnan(a):
                return f"final {item['name']}[{j}]: {a!r}, expected {b!r} (1e-5 absolute)"
    return None


def run_case(api, case, meta=None):
    """None if the case passes, else a failure detail (exceptions become failures).
    Training cases need the file's meta (its datasets)."""
    kind = case_kind(case)
    try:
        if kind == "schedule":
            return run_schedule_case(api, case)
        if kind == "error":
            return run_error_case(api, case)
        if kind == "training":
            return run_training_case(api, case, meta)
        return "unknown case kind"
    except Exception as e:  # noqa: BLE001 - a crash is a failed case, not a crashed runner
        return f"raised {type(e).__name__}: {e}"


def _load_api(backend):
    if backend == "ext":
        import lrsched

        return lrsched
    if backend == "ctypes":
        import lrsched_ctypes

        return lrsched_ctypes
    raise ValueError(f"unknown backend {backend!r}")


def run_files(paths, backends, out=sys.stdout):
    """Runs every case of every file on every backend; returns (passed, failed)."""
    passed = failed = 0
    apis = [(b, _load_api(b)) for b in backends]
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            cases = data["cases"]
            if not isinstance(cases, list):
                raise ValueError("'cases' is not a list")
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"FAIL {path}: cannot read the vector file: {e}", file=out)
            failed += len(apis)
            continue
        meta = data.get("meta") if isinstance(data, dict) else None
        for backend, api in apis:
            for i, case in enumerate(cases):
                name = case.get("name", f"{path}#{i}") if isinstance(case, dict) else f"{path}#{i}"
                detail = run_case(api, case, meta)
                if detail is None:
                    passed += 1
                else:
                    failed += 1
                    tag = f"[{backend}] " if len(apis) > 1 else ""
                    print(f"FAIL {name}: {tag}{detail}", file=out)
    return passed, failed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python3 -m lrsched.conformance",
        description="Run conformance vector files through lrsched's Python API.",
    )
    ap.add_argument("files", nargs="+", metavar="FILE", help="vector files (schedules, errors, training)")
    ap.add_argument("--backend", choices=("ext", "ctypes", "both"), default="ext",
                    help="the extension (default), the ctypes wrapper, or both")
    args = ap.parse_args(argv)
    backends = ["ext", "ctypes"] if args.backend == "both" else [args.backend]
    passed, failed = run_files(args.files, backends)
    sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
