"""PyTorch's lr-scheduler API, written once for both lrsched front ends.

Private. ``lrsched`` (over the CPython extension ``lrsched._lrsched``) and
``lrsched_ctypes`` (over ctypes) each call :func:`build` with their *backend*, a module
offering:

- ``Optimizer``: a library optimizer handle with ``from_json``/``create`` class
  methods and ``get/set/has/unset/group_count/momentum_kind/lrs/add_group/state_save/
  state_load``;
- ``Scheduler``: a subclassable library scheduler handle with ``step``,
  ``get_last_lr``, ``last_epoch``, ``base_lrs`` and private ``_init_*``, ``_raw_step``,
  ``_state_save``/``_state_load``, ``_foreign``, ``_children``, ``_has_callbacks``;
- ``preview(schedulers, steps, metrics, momentum) -> (bytearray, bytearray|None, groups)``;
- ``Model`` (``create()``, ``add_linear``, ``add_relu``, ``parameter_count/name/shape/
  numel/get/set``, ``forward``), ``Sgd`` (``create(model, group_of, lr, ...)``,
  ``optimizer()``: the one ``Optimizer`` of its groups) and ``Trainer`` (``create(model,
  sgd, schedulers, batch_size, shuffle, drop_last, step_unit, seed)``, ``fit(x, y, rows,
  features, outputs, epochs, callback) -> [epoch, lr_start, loss, lr_after, ...]``,
  ``loss``), where data and parameter values are C-contiguous float32 buffers, read in
  place;
- ``version()`` and the constants of include/lrsched.h (``KEY_LR``, ``MOMENTUM_SGD``,
  ``STEP_EPOCH``...).

The classes built here subclass the backend's ``Scheduler``: ``step`` and
``get_last_lr`` are the backend's own (C methods in the extension), so the hot path
never runs code from this module. This module only parses arguments the way torch does
(types, defaults, keyword names) and turns them into library calls; every schedule,
every check on values and every error message of substance comes from the library.

Models (``Linear``, ``ReLU``, ``Sequential``), their ``Parameter`` objects, ``SGD`` over
their parameters and ``Trainer`` are written here too: they shape data into float32
buffers (the caller's own when they already are, else one converted copy) and hand
everything else to the backend's ``Model``/``Sgd``/``Trainer``. ``plot`` draws previews
with matplotlib (imported lazily).
"""

from __future__ import annotations

import itertools
import json
import math
import operator
import os
import sys
import types
import weakref
from collections.abc import MutableMapping

__all__ = ["build", "PUBLIC_NAMES"]

PUBLIC_NAMES = (
    "SGD",
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "SequentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "ChainedScheduler",
    "ReduceLROnPlateau",
    "CyclicLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "from_spec",
    "preview",
    "Module",
    "Parameter",
    "Linear",
    "ReLU",
    "Sequential",
    "Trainer",
    "plot",
)

# --- State dicts: the library's JSON <-> plain picklable dicts ---------------------------

_NONFINITE_NAMES = {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}


def _decode_state(v):
    """json.loads output with the library's "Infinity"/"-Infinity"/"NaN" strings as floats."""
    if isinstance(v, str):
        return _NONFINITE_NAMES.get(v, v)
    if isinstance(v, dict):
        return {k: _decode_state(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode_state(x) for x in v]
    return v


def _encode_state(v):
    """The inverse of _decode_state, also turning tuples into lists and numpy scalars into
    Python numbers, ready for json.dumps(allow_nan=False)."""
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v == math.inf:
            return "Infinity"
        if v == -math.inf:
            return "-Infinity"
        return float(v)
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, dict):
        return {k: _encode_state(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_encode_state(x) for x in v]
    t = type(v)
    if hasattr(t, "__index__"):
        try:
            return operator.index(v)
        except TypeError:
            pass
    if hasattr(t, "__float__"):
        return _encode_state(float(v))
    raise TypeError(f"state_dict value of type {t.__name__} is not supported: {v!r}")


def _dumps(obj) -> str:
    return json.dumps(obj, allow_nan=False, separators=(",", ":"))


# --- Arguments: Python values -> JSON values keeping Python's int/float kinds -------------


def _number(x, owner, name):
    """A number for a spec: int stays int, float stays float (the library tells them apart
    where torch does); bool counts as int, as in Python arithmetic; numpy scalars and
    0-dim tensors become the Python number they hold."""
    t = type(x)
    if t is int:
        return x
    if t is float:
        return _finite(x, owner, name)
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return _finite(float(x), owner, name)
    if x is not None and not isinstance(x, (str, bytes, bytearray)):
        if hasattr(t, "__index__"):
            try:
                return operator.index(x)
            except TypeError:
                pass
        if hasattr(t, "__float__"):
            return _finite(float(x), owner, name)
    raise TypeError(f"{owner}: '{name}' must be a number, got {t.__name__} {x!r}")


def _finite(x, owner, name):
    # JSON cannot carry NaN or infinities; the library rejects them anyway (ValueError).
    if x - x != 0.0:
        raise ValueError(f"{owner}: '{name}' must be finite, got {x!r}")
    return x


def _numbers(x, owner, name):
    """torch's _format_param input: one number, or a list/tuple (one per group)."""
    if isinstance(x, (list, tuple)):
        return [_number(v, owner, name) for v in x]
    return _number(x, owner, name)


def _per_group(x, owner, name, n_groups):
    """torch's _format_param: a list/tuple must hold one value per group (ValueError with
    torch's message); anything else is one value for every group."""
    if isinstance(x, (list, tuple)):
        if len(x) != n_groups:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(x)} values, param_groups has {n_groups}."
            )
        return [_number(v, owner, name) for v in x]
    return _number(x, owner, name)


def _int_list(x, owner, name):
    try:
        items = list(x)
    except TypeError:
        raise TypeError(f"{owner}: '{name}' must be a list of ints, got {type(x).__name__}") from None
    return [_number(v, owner, name) for v in items]


def _strict_int(x, message):
    """An argument torch checks with isinstance(x, int): ints (and bools, which are ints
    to Python) pass; floats go to the library, which rejects them with torch's message;
    anything else is rejected here with the same message."""
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return float(x)
    raise ValueError(message.format(x))


def _int_arg(x, owner, name):
    """An int for a typed library call (last_epoch, milestones): operator.index."""
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(f"{owner}: '{name}' must be an int, got {type(x).__name__} {x!r}") from None


def _float_value(x, key):
    if isinstance(x, float):
        return x
    if isinstance(x, (str, bytes, bytearray)) or x is None:
        raise TypeError(f"param group '{key}' must be a number, got {type(x).__name__}")
    return float(x)


# --- numpy, lazily ------------------------------------------------------------------------

_numpy_module = None
_numpy_checked = False


def _numpy():
    global _numpy_module, _numpy_checked
    if not _numpy_checked:
        try:
            import numpy
        except ImportError:
            numpy = None
        _numpy_module = numpy
        _numpy_checked = True
    return _numpy_module


def _as_matrix(buf, rows, cols):
    np = _numpy()
    if np is not None:
        return np.frombuffer(buf, dtype=np.float64).reshape(rows, cols)
    mv = memoryview(buf)
    if rows == 0 or cols == 0:
        return mv.cast("d")  # memoryview shapes cannot hold a zero dimension
    return mv.cast("d", (rows, cols))


# --- float32 data for models and trainers -------------------------------------------------

_F32_FORMATS = frozenset(("f", "@f", "=f", "<f" if sys.byteorder == "little" else ">f"))


def _float32_view(obj):
    """A memoryview of obj when obj exports C-contiguous float32 values (readable in place
    by the library), else None."""
    try:
        mv = memoryview(obj)
    except TypeError:
        return None
    if mv.format in _F32_FORMATS and mv.itemsize == 4 and mv.c_contiguous:
        return mv
    return None


def _array_f32(values):
    from array import array

    return array("f", values)


def _nested(obj, what):
    """(flat list of floats, shape) of nested lists/tuples of numbers; ValueError when
    ragged."""
    shape = []
    probe = obj
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    flat = []
    depth_max = len(shape)

    def walk(x, depth):
        if depth == depth_max:
            if isinstance(x, (list, tuple)):
                raise ValueError(f"{what}: nested lists of uneven depth")
            if isinstance(x, (str, bytes, bytearray)):
                raise TypeError(f"{what}: expected numbers, got {type(x).__name__}")
            flat.append(float(x))
            return
        if not isinstance(x, (list, tuple)) or len(x) != shape[depth]:
            raise ValueError(f"{what}: nested lists of uneven lengths (expected shape {tuple(shape)})")
        for v in x:
            walk(v, depth + 1)

    walk(obj, 0)
    return flat, tuple(shape)


def _to_float32(obj, what):
    """(C-contiguous float32 buffer, shape): one copy of obj (numpy when importable, else
    array('f'))."""
    np = _numpy()
    if np is not None:
        try:
            a = np.ascontiguousarray(obj, dtype=np.float32)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{what} must be numbers in a matrix: {e}") from None
        return a, a.shape
    try:
        mv = memoryview(obj)
    except TypeError:
        mv = None
    if mv is not None:
        if mv.ndim == 0:
            return _array_f32([float(mv.tolist())]), ()
        obj = mv.tolist()
    elif not isinstance(obj, (list, tuple)):
        if isinstance(obj, (str, bytes, bytearray)):
            raise TypeError(f"{what} must hold numbers, got {type(obj).__name__}")
        try:
            obj = list(obj)
        except TypeError:
            return _array_f32([float(obj)]), ()
    flat, shape = _nested(obj, what)
    return _array_f32(flat), shape


def _matrix(obj, what, cols, vector_ok):
    """(buffer, rows, cols) of obj as a rows x cols float32 matrix: obj itself when it is a
    C-contiguous float32 buffer (read in place), else a converted copy. A 1-D obj is a
    column (n, 1) when vector_ok. cols None: any width."""
    mv = _float32_view(obj)
    if mv is not None:
        data, shape = obj, mv.shape
    else:
        data, shape = _to_float32(obj, what)
    if len(shape) == 2 and (cols is None or shape[1] == cols):
        return data, shape[0], shape[1]
    if len(shape) == 1 and vector_ok:
        return data, shape[0], 1
    want = f"(n, {cols if cols is not None else 'features'})" + (" or (n,)" if vector_ok else "")
    raise ValueError(f"{what} must have shape {want}, got shape {tuple(shape)}")


def _parameter_values(values, shape, numel):
    """values as exactly numel float32 values for a parameter of the given shape: a flat
    sequence or buffer of numel numbers, or nested lists (or a buffer) of that shape."""
    what = f"values for a parameter of shape {shape}"
    if isinstance(values, (str, bytes, bytearray)):
        raise TypeError(f"{what} must be numbers, not {type(values).__name__}")
    mv = _float32_view(values)
    if mv is not None:
        data, got = values, mv.shape
    else:
        try:
            memoryview(values)
            is_buffer = True
        except TypeError:
            is_buffer = False
        if not is_buffer and not isinstance(values, (list, tuple)):
            try:
                values = list(values)
            except TypeError:
                raise TypeError(f"{what} must be a sequence or buffer of numbers, "
                                f"not {type(values).__name__}") from None
        data, got = _to_float32(values, what)
    got = tuple(got)
    if got == tuple(shape) or got == (numel,):
        return data
    raise ValueError(f"{what} needs {numel} numbers (flat) or that shape; got shape {got}")


# --- Progress bars ------------------------------------------------------------------------


class _PlainBar:
    """A one-line progress bar on stderr (when tqdm is not installed)."""

    width = 30

    def __init__(self, total):
        self.total = total
        self.n = 0
        self.shown = 0
        self.stream = sys.stderr
        self._draw("")

    def _draw(self, info):
        frac = self.n / self.total if self.total else 1.0
        filled = int(self.width * frac)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.n}/{self.total} epochs{info}"
        self.stream.write("\r" + line + " " * max(0, self.shown - len(line)))
        self.shown = len(line)
        self.stream.flush()

    def update(self, row):
        self.n += 1
        self._draw(f"  loss {row['loss']:.4g}  lr {row['lr_after']:.4g}")

    def close(self):
        self.stream.write("\n")
        self.stream.flush()


class _TqdmBar:
    def __init__(self, tqdm, total):
        self.bar = tqdm(total=total, unit="epoch")

    def update(self, row):
        self.bar.set_postfix(loss=f"{row['loss']:.4g}", lr=f"{row['lr_after']:.4g}", refresh=False)
        self.bar.update(1)

    def close(self):
        self.bar.close()


def _progress_bar(total):
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(total)
    return _TqdmBar(tqdm, total)


def build(backend, module_name: str) -> dict:
    """The public API over one backend: a dict of the names in PUBLIC_NAMES (and helpers),
    with classes whose __module__ is module_name."""
    B = backend
    _Optimizer = B.Optimizer
    _Scheduler = B.Scheduler

    # Library keys of a param group: name -> (code, is_bool).
    lib_keys = {
        "lr": (B.KEY_LR, False),
        "momentum": (B.KEY_MOMENTUM, False),
        "dampening": (B.KEY_DAMPENING, False),
        "weight_decay": (B.KEY_WEIGHT_DECAY, False),
        "nesterov": (B.KEY_NESTEROV, True),
        "maximize": (B.KEY_MAXIMIZE, True),
        "initial_lr": (B.KEY_INITIAL_LR, False),
        "max_lr": (B.KEY_MAX_LR, False),
        "min_lr": (B.KEY_MIN_LR, False),
        "max_momentum": (B.KEY_MAX_MOMENTUM, False),
        "base_momentum": (B.KEY_BASE_MOMENTUM, False),
    }
    required_keys = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")
    optional_keys = ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum")
    # Keys the library's optimizer spec reads (per group or as defaults).
    spec_keys = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")
    # Group keys kept in Python only: the defaults torch adds that the library ignores.
    python_defaults = ("foreach", "differentiable", "fused")

    # ------------------------------------------------------------------------------------
    # Optimizer
    # ------------------------------------------------------------------------------------

    class ParamGroup(MutableMapping):
        """One of ``SGD.param_groups``: a dict-like view of a parameter group.

        Hyperparameters (``lr``, ``momentum``, ``dampening``, ``weight_decay``,
        ``nesterov``, ``maximize``, ``betas``, and the keys schedulers add: ``initial_lr``,
        ``max_lr``, ``min_lr``, ``max_momentum``, ``base_momentum``) live in the library's
        optimizer state: reading and writing them here reads and writes what the
        schedulers see. ``params`` and any other key are kept in Python.
        """

        __slots__ = ("_h", "_i", "_extra")

        def __init__(self, handle, index, extra):
            self._h = handle
            self._i = index
            self._extra = extra

        def __getitem__(self, key):
            spec = lib_keys.get(key)
            if spec is not None:
                try:
                    v = self._h.get(self._i, spec[0])
                except KeyError:
                    raise KeyError(key) from None
                return bool(v) if spec[1] else v
            if key == "betas":
                try:
                    return (self._h.get(self._i, B.KEY_BETA1), self._h.get(self._i, B.KEY_BETA2))
                except KeyError:
                    raise KeyError(key) from None
            return self._extra[key]

        def __setitem__(self, key, value):
            spec = lib_keys.get(key)
            if spec is not None:
                self._h.set(self._i, spec[0], _float_value(value, key))
            elif key == "betas":
                b = tuple(value)
                if len(b) != 2:
                    raise ValueError("betas must hold two numbers")
                self._h.set(self._i, B.KEY_BETA1, _float_value(b[0], key))
                self._h.set(self._i, B.KEY_BETA2, _float_value(b[1], key))
            elif key == "params":
                self._extra[key] = _param_list(value)
            else:
                self._extra[key] = value

        def __delitem__(self, key):
            spec = lib_keys.get(key)
            if spec is not None:
                if not self._h.has(self._i, spec[0]):
                    raise KeyError(key)
                self._h.unset(self._i, spec[0])  # ValueError for a required key
            elif key == "betas":
                if not self._h.has(self._i, B.KEY_BETA1):
                    raise KeyError(key)
                self._h.unset(self._i, B.KEY_BETA1)
                self._h.unset(self._i, B.KEY_BETA2)
            elif key == "params":
                raise KeyError("'params' cannot be removed from a param group")
            else:
                del self._extra[key]

        def __contains__(self, key):
            spec = lib_keys.get(key)
            if spec is not None:
                return self._h.has(self._i, spec[0])
            if key == "betas":
                return self._h.has(self._i, B.KEY_BETA1)
            return key in self._extra

        def __iter__(self):
            yield "params"
            yield from required_keys
            for k in python_defaults:
                if k in self._extra:
                    yield k
            h, i = self._h, self._i
            if h.has(i, B.KEY_BETA1):
                yield "betas"
            for k in optional_keys:
                if h.has(i, lib_keys[k][0]):
                    yield k
            for k in self._extra:
                if k != "params" and k not in python_defaults:
                    yield k

        def __len__(self):
            return sum(1 for _ in self)

        def __repr__(self):
            return repr(dict(self))

        def __reduce__(self):
            # A snapshot, as a plain dict (a view cannot outlive its optimizer usefully).
            return (dict, (dict(self),))

    def _param_list(params):
        if _is_tensor_like(params) or isinstance(params, Parameter):
            return [params]
        if isinstance(params, set):
            import warnings

            warnings.warn(
                "optimizer contains a parameter group with a set of parameters; use a list "
                "(sets are unordered, so the order of parameters changes between runs)",
                FutureWarning,
                stacklevel=4,
            )
        return list(params)

    def _is_tensor_like(x):
        t = type(x)
        return t.__module__.split(".")[0] == "torch" and hasattr(x, "dim") and hasattr(x, "shape")

    def _model_of(extras):
        """The _ModelRef of the groups' parameters when they are model parameters (all of
        one model, no scheduling-only group among them); None when no group holds a model
        parameter."""
        refs = []
        other = empty = False
        for e in extras:
            ps = e["params"]
            if not ps:
                empty = True
            for p in ps:
                if isinstance(p, Parameter):
                    if not any(p._ref is r for r in refs):
                        refs.append(p._ref)
                else:
                    other = True
        if not refs:
            return None
        if other:
            raise TypeError(f"an SGD cannot mix {module_name} model parameters with other objects")
        if len(refs) > 1:
            raise ValueError("the parameters of an lrsched SGD must all belong to one model")
        if empty:
            raise ValueError(
                "a param group without parameters cannot join model parameters in one SGD "
                "(an lrsched SGD over a model holds exactly that model's parameters)"
            )
        return refs[0]

    def _copy_group(src, dst, i):
        """Copies group i's hyperparameters (and optional keys) from one library optimizer
        to another."""
        for k in required_keys:
            code = lib_keys[k][0]
            dst.set(i, code, src.get(i, code))
        for k in optional_keys:
            code = lib_keys[k][0]
            if src.has(i, code):
                dst.set(i, code, src.get(i, code))
        if src.has(i, B.KEY_BETA1):
            dst.set(i, B.KEY_BETA1, src.get(i, B.KEY_BETA1))
            dst.set(i, B.KEY_BETA2, src.get(i, B.KEY_BETA2))

    class SGD:
        """torch.optim.SGD's interface, over the library's optimizer state.

        ``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
        *, maximize=False)``. ``params`` is an iterable of parameters or of param-group
        dicts, as in torch. lrsched extension: a group without parameters (no
        ``"params"`` key, or ``"params": []``) is a *scheduling-only* group, e.g.
        ``SGD([{"lr": 0.1}, {"lr": 0.01}], lr=0.1)`` has two groups to schedule and no
        parameters. ``SGD([])`` is a ValueError, as in torch.

        Over a model's parameters (``SGD(model.parameters(), lr=0.1)``, or param-group dicts
        whose ``"params"`` are parameters of one model, every parameter in exactly one group)
        it is the library's torch.optim.SGD over that model: :class:`Trainer` fits the model
        with it, applying torch's update (momentum, dampening, weight decay, nesterov,
        maximize) with each group's hyperparameters. Other objects as parameters (torch
        tensors, say) are kept in each group's ``"params"`` list but not updated.
        :meth:`step` calls the closure and returns its loss (gradients are computed inside
        ``Trainer.fit`` only). ``param_groups[i]`` reads and writes the hyperparameters the
        schedulers act on, and the next update uses.

        Example::

            opt = SGD([{"lr": 0.1}], lr=0.1)
            sched = StepLR(opt, step_size=4, gamma=0.9)
            for epoch in range(10):
                ...                      # train
                opt.step()
                sched.step()
                print(opt.param_groups[0]["lr"])
        """

        def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                     maximize=False, foreach=None, differentiable=False, fused=None):
            owner = "SGD"
            spec = {
                "lr": _number(lr, owner, "lr"),
                "momentum": _number(momentum, owner, "momentum"),
                "dampening": _number(dampening, owner, "dampening"),
                "weight_decay": _number(weight_decay, owner, "weight_decay"),
                "nesterov": bool(nesterov),
                "maximize": bool(maximize),
            }
            self.defaults = {
                "lr": lr,
                "momentum": momentum,
                "dampening": dampening,
                "weight_decay": weight_decay,
                "nesterov": nesterov,
                "maximize": maximize,
                "foreach": foreach,
                "differentiable": differentiable,
                "fused": fused,
            }
            self.state = {}
            if _is_tensor_like(params) or isinstance(params, Parameter):
                raise TypeError(
                    "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                    f"but got {type(params).__module__}.{type(params).__name__}"
                )
            groups = list(params)
            if len(groups) == 0:
                raise ValueError("optimizer got an empty parameter list")
            if not isinstance(groups[0], dict):
                groups = [{"params": groups}]
            lib_groups, extras, optionals = [], [], []
            for g in groups:
                lg, extra, opt_vals = self._split_group(g)
                lib_groups.append(lg)
                extras.append(extra)
                optionals.append(opt_vals)
            spec["groups"] = lib_groups
            self._check_duplicates(extras)
            model_ref = _model_of(extras)
            # The library optimizer of the groups: it validates every value (as torch's
            # SGD validates its defaults) and holds them.
            h = _Optimizer.from_json(_dumps(spec))
            for i, opt_vals in enumerate(optionals):
                for k, v in opt_vals.items():
                    h.set(i, lib_keys[k][0], v)
            self._sgd = None
            self._model_ref = model_ref
            if model_ref is not None:
                # SGD over the model's parameters: the library's SGD, the groups copied in.
                n_params = model_ref.h.parameter_count()
                group_of = [None] * n_params
                for gi, e in enumerate(extras):
                    for p in e["params"]:
                        group_of[p._i] = gi
                missing = [model_ref.name_of(i) for i, g in enumerate(group_of) if g is None]
                if missing:
                    raise ValueError(
                        "an lrsched SGD over a model updates every parameter of that model; missing: "
                        + ", ".join(missing)
                    )
                sgd = B.Sgd.create(model_ref.h, group_of, float(spec["lr"]), float(spec["momentum"]),
                                   float(spec["dampening"]), float(spec["weight_decay"]), spec["nesterov"],
                                   spec["maximize"])
                oh = sgd.optimizer()
                for i in range(len(extras)):
                    _copy_group(h, oh, i)
                model_ref.in_use = True
                self._sgd = sgd
                h = oh
            self._h = h
            self._extras = extras
            self.param_groups = [ParamGroup(self._h, i, e) for i, e in enumerate(extras)]

        def _split_group(self, g):
            """A param-group dict -> (library spec overrides, Python-side keys, optional
            library keys to set after creation)."""
            if not isinstance(g, dict):
                raise TypeError(f"param group must be a dict, but got {type(g).__name__}")
            lib, extra, opt_vals = {}, {}, {}
            extra["params"] = _param_list(g.get("params", []))
            for k, v in g.items():
                if k == "params":
                    continue
                if k in spec_keys:
                    lib[k] = bool(v) if k in ("nesterov", "maximize") else _number(v, "param group", k)
                elif k in optional_keys:
                    opt_vals[k] = _float_value(v, k)
                elif k == "betas":
                    lib[k] = [_number(b, "param group", "betas") for b in v]
                else:
                    extra[k] = v
            for k in python_defaults:
                extra.setdefault(k, self.defaults[k])
            return lib, extra, opt_vals

        @staticmethod
        def _check_duplicates(extras):
            seen = set()
            for e in extras:
                ids = {id(p) for p in e["params"]}
                if seen & ids:
                    raise ValueError("some parameters appear in more than one parameter group")
                seen |= ids

        def add_param_group(self, param_group):
            """Adds a group (torch's add_param_group); missing hyperparameters take the
            optimizer's defaults. A group without ``"params"`` is scheduling-only."""
            if not isinstance(param_group, dict):
                raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
            if self._sgd is not None:
                raise ValueError(
                    "add_param_group: an lrsched SGD over a model's parameters has its groups fixed at "
                    "construction (give every group to SGD(...))"
                )
            lib, extra, opt_vals = self._split_group(param_group)
            if any(isinstance(p, Parameter) for p in extra["params"]):
                raise ValueError(
                    "add_param_group: model parameters can only be given to SGD(...) itself "
                    "(SGD(model.parameters(), ...))"
                )
            self._check_duplicates(self._extras + [extra])
            lr = lib.get("lr", _number(self.defaults["lr"], "SGD", "lr"))
            momentum = lib.get("momentum", _number(self.defaults["momentum"], "SGD", "momentum"))
            self._h.add_group(lr, momentum)
            i = self._h.group_count() - 1
            for k in ("dampening", "weight_decay", "nesterov", "maximize"):
                if k in lib:
                    self._h.set(i, lib_keys[k][0], float(lib[k]))
            if "betas" in lib:
                self._h.set(i, B.KEY_BETA1, float(lib["betas"][0]))
                self._h.set(i, B.KEY_BETA2, float(lib["betas"][1]))
            for k, v in opt_vals.items():
                self._h.set(i, lib_keys[k][0], v)
            self._extras.append(extra)
            self.param_groups.append(ParamGroup(self._h, i, extra))

        def state_dict(self):
            """torch's optimizer state dict: ``{"state": {}, "param_groups": [...]}`` with
            every hyperparameter of every group and ``"params"`` as indices. A plain,
            picklable dict."""
            d = _decode_state(json.loads(self._h.state_save()))
            index = 0
            for g, extra in zip(d["param_groups"], self._extras):
                for k, v in extra.items():
                    if k != "params":
                        g[k] = v
                n = len(extra["params"])
                g["params"] = list(range(index, index + n))
                index += n
            d["state"] = {}
            return d

        def load_state_dict(self, state_dict):
            """Restores a state from :meth:`state_dict` (the group hyperparameters, including
            ``initial_lr`` and the other scheduler keys). Load the optimizer before the
            schedulers, as in torch."""
            if not isinstance(state_dict, dict):
                raise TypeError(f"state_dict must be a dict, got {type(state_dict).__name__}")
            groups = state_dict.get("param_groups")
            if not isinstance(groups, list):
                raise ValueError("optimizer state has no 'param_groups' list")
            if len(groups) != len(self._extras):
                raise ValueError("loaded state dict has a different number of parameter groups")
            lib_groups, new_extras = [], []
            for g, extra in zip(groups, self._extras):
                if not isinstance(g, dict):
                    raise ValueError("each param group of the state must be a dict")
                if "params" in g and len(g["params"]) != len(extra["params"]):
                    raise ValueError(
                        "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
                    )
                lg, ne = {}, {"params": extra["params"]}
                for k, v in g.items():
                    if k in lib_keys or k == "betas":
                        lg[k] = v
                    elif k != "params":
                        ne[k] = v
                lib_groups.append(lg)
                new_extras.append(ne)
            text = _dumps(_encode_state({"state": {}, "param_groups": lib_groups}))
            self._h.state_load(text)
            for extra, ne in zip(self._extras, new_extras):
                extra.clear()
                extra.update(ne)

        def step(self, closure=None):
            """Calls ``closure`` (if given) and returns its loss. Parameters are updated by
            :class:`Trainer` (the library computes the gradients inside ``fit``); without
            gradients this step updates nothing, so it is harmless in a scheduling loop."""
            return None if closure is None else closure()

        def zero_grad(self, set_to_none=True):
            """No-op (gradients live inside ``Trainer.fit`` only)."""

        def __reduce__(self):
            raise TypeError(f"cannot pickle '{type(self).__name__}' object; pickle its state_dict() instead")

        def __repr__(self):
            lines = [f"{type(self).__name__} ("]
            for i, g in enumerate(self.param_groups):
                lines.append(f"Parameter Group {i}")
                for k in sorted(k for k in g if k != "params"):
                    lines.append(f"    {k}: {g[k]}")
            lines.append(")")
            return "\n".join(lines)

    # ------------------------------------------------------------------------------------
    # Foreign optimizers (torch.optim.Optimizer or anything with param_groups)
    # ------------------------------------------------------------------------------------

    class _Mirror:
        """A private library optimizer state mirroring a foreign optimizer's groups:
        synced in before each scheduler call, written back after."""

        __slots__ = ("h", "kind", "defaults", "__weakref__")

        def __init__(self, foreign):
            groups = foreign.param_groups
            defaults = getattr(foreign, "defaults", None) or {}
            if not groups:
                raise ValueError("optimizer got an empty parameter list")
            g0 = groups[0]
            if "betas" in defaults or "betas" in g0:
                kind = B.MOMENTUM_BETAS
                m0 = float((g0.get("betas") or defaults["betas"])[0])
            elif "momentum" in defaults or "momentum" in g0:
                kind = B.MOMENTUM_SGD
                m0 = float(g0.get("momentum", defaults.get("momentum", 0.0)))
            else:
                kind = B.MOMENTUM_NONE
                m0 = 0.0
            self.kind = kind
            self.defaults = defaults
            self.h = _Optimizer.create(len(groups), float(g0["lr"]), m0, kind)

        def sync_in(self, foreign):
            h = self.h
            groups = foreign.param_groups
            n = h.group_count()
            if len(groups) < n:
                raise RuntimeError(
                    f"the optimizer has {len(groups)} param groups, fewer than the {n} lrsched has seen"
                )
            for g in groups[n:]:  # add_param_group since the last call
                h.add_group(float(g["lr"]), self._momentum(g))
            for i, g in enumerate(groups):
                h.set(i, B.KEY_LR, float(g["lr"]))
                for k in optional_keys:
                    code = lib_keys[k][0]
                    if k in g:
                        h.set(i, code, float(g[k]))
                    else:
                        h.unset(i, code)
                if self.kind == B.MOMENTUM_SGD:
                    h.set(i, B.KEY_MOMENTUM, self._momentum(g))
                elif self.kind == B.MOMENTUM_BETAS:
                    b = g.get("betas") or self.defaults["betas"]
                    h.set(i, B.KEY_BETA1, float(b[0]))
                    h.set(i, B.KEY_BETA2, float(b[1]))

        def _momentum(self, g):
            if self.kind == B.MOMENTUM_SGD:
                return float(g.get("momentum", self.defaults.get("momentum", 0.0)))
            if self.kind == B.MOMENTUM_BETAS:
                return float((g.get("betas") or self.defaults["betas"])[0])
            return 0.0

        def sync_out(self, foreign):
            h = self.h
            for i, g in enumerate(foreign.param_groups):
                _put(g, "lr", h.get(i, B.KEY_LR))
                for k in optional_keys:
                    code = lib_keys[k][0]
                    if h.has(i, code):
                        v = h.get(i, code)
                        if k not in g or g[k] != v:
                            _put(g, k, v)
                if self.kind == B.MOMENTUM_SGD:
                    m = h.get(i, B.KEY_MOMENTUM)
                    if g.get("momentum") != m:
                        _put(g, "momentum", m)
                elif self.kind == B.MOMENTUM_BETAS:
                    b1 = h.get(i, B.KEY_BETA1)
                    old = tuple(g.get("betas") or self.defaults["betas"])
                    if old[0] != b1:
                        g["betas"] = (b1, *old[1:])

    def _put(g, key, v):
        old = g.get(key)
        if old is not None and not isinstance(old, (int, float)) and hasattr(old, "fill_"):
            old.fill_(v)  # a Tensor lr keeps its object, as torch's schedulers do
        else:
            g[key] = v

    # One mirror per foreign optimizer (by identity), dropped with the optimizer, so that
    # every scheduler on it (composites included) shares one library optimizer.
    mirrors = {}  # id(foreign) -> (weakref to foreign, mirror)

    def _forget(ref, key):
        entry = mirrors.get(key)
        if entry is not None and entry[0] is ref:
            del mirrors[key]

    def _mirror_for(foreign):
        key = id(foreign)
        entry = mirrors.get(key)
        if entry is not None and entry[0]() is foreign:
            return entry[1]
        m = getattr(foreign, "_lrsched_mirror", None)
        if isinstance(m, _Mirror):
            return m
        m = _Mirror(foreign)
        try:
            ref = weakref.ref(foreign, lambda r, key=key: _forget(r, key))
        except TypeError:  # not weak-referenceable: keep the mirror on the object
            try:
                foreign._lrsched_mirror = m
            except AttributeError:
                pass  # then every scheduler gets its own mirror (no composition)
            return m
        mirrors[key] = (ref, m)
        return m

    def _group_count(optimizer):
        if isinstance(optimizer, SGD):
            return optimizer._h.group_count()
        groups = getattr(optimizer, "param_groups", None)
        if isinstance(groups, list):
            return len(groups)
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")

    def _resolve(optimizer):
        """(library optimizer, mirror or None) for an optimizer argument."""
        if isinstance(optimizer, SGD):
            return optimizer._h, None
        if isinstance(getattr(optimizer, "param_groups", None), list):
            m = _mirror_for(optimizer)
            return m.h, m
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")

    # ------------------------------------------------------------------------------------
    # Schedulers
    # ------------------------------------------------------------------------------------

    class LRScheduler(_Scheduler):
        """Base class of lrsched's schedulers (torch.optim.lr_scheduler.LRScheduler).

        Every scheduler takes an :class:`SGD` or any optimizer with a ``param_groups``
        list of dicts (a ``torch.optim.Optimizer``: the groups are synchronised with the
        library before each step and the new ``lr`` — and momentum or ``betas`` where the
        schedule cycles them — written back after).

        ``step()`` and ``get_last_lr()`` are implemented by the backend (C methods in
        ``lrsched``). Subclassing to write a Python ``get_lr()`` is not supported: the
        schedules are the library's.
        """

        def __init__(self, optimizer, last_epoch=-1):
            raise NotImplementedError(
                "lrsched.LRScheduler cannot be instantiated: custom Python schedulers (get_lr) are not "
                "supported; use one of the fifteen torch schedulers, or LambdaLR"
            )

        # -- construction helpers --------------------------------------------------------

        def _bind(self, optimizer, init):
            h, mirror = _resolve(optimizer)
            if mirror is not None:
                mirror.sync_in(optimizer)
            init(h)
            self.optimizer = optimizer
            if mirror is not None:
                self._mirror = mirror
                self._foreign = True
                mirror.sync_out(optimizer)

        def _bind_json(self, optimizer, spec):
            text = spec if isinstance(spec, str) else _dumps(spec)
            self._bind(optimizer, lambda h: self._init_json(h, text))

        def _foreign_step(self, *args, **kwargs):
            opt = self.optimizer
            m = self._mirror
            m.sync_in(opt)
            self._raw_step(*args, **kwargs)
            m.sync_out(opt)

        # -- state -------------------------------------------------------------------------

        def state_dict(self):
            """The scheduler's state: a plain, picklable dict with torch's keys
            (``last_epoch``, ``base_lrs``, ``_last_lr``, hyperparameters, ...; nested
            ``_schedulers`` for composites). Non-finite values are floats."""
            return self._fix_state(_decode_state(json.loads(self._state_save())))

        def load_state_dict(self, state_dict):
            """Restores a state from :meth:`state_dict` (the dict is not modified). To
            resume as torch does: load the optimizer's state first, then each
            scheduler's."""
            if not isinstance(state_dict, dict):
                raise TypeError(f"state_dict must be a dict, got {type(state_dict).__name__}")
            self._state_load(_dumps(_encode_state(self._pre_load(state_dict))))

        def _fix_state(self, state):
            """Adds what only Python knows (LambdaLR's callable objects, children's) ."""
            children = self._children
            if children is not None and isinstance(state.get("_schedulers"), list):
                if len(children) == len(state["_schedulers"]):
                    state["_schedulers"] = [c._fix_state(s) for c, s in zip(children, state["_schedulers"])]
            return state

        def _pre_load(self, state):
            """The state for the library, after restoring what only Python holds."""
            children = self._children
            subs = state.get("_schedulers")
            if children is not None and isinstance(subs, list) and len(subs) == len(children):
                state = dict(state)
                state["_schedulers"] = [
                    c._pre_load(s) if isinstance(s, dict) else s for c, s in zip(children, subs)
                ]
            return state

        # -- misc --------------------------------------------------------------------------

        def preview(self, n, metrics=None, momentum=False):
            """The next ``n`` lrs that stepping this scheduler would give, without
            changing it or its optimizer: float64 of shape ``(n, groups)`` (a numpy array
            when numpy is importable, else a memoryview). ReduceLROnPlateau needs
            ``metrics`` (one per step). With ``momentum=True``: ``(lrs, momenta)``."""
            return preview([self], n, metrics=metrics, momentum=momentum)

        def __reduce__(self):
            raise TypeError(
                f"cannot pickle '{type(self).__name__}' object; pickle its state_dict() (and the "
                "optimizer's) and load them into new objects instead"
            )

        def __repr__(self):
            try:
                info = f"last_epoch={self.last_epoch}"
            except Exception:
                info = "unbound"
            return f"<{module_name}.{type(self).__name__} {info}>"

    class _LambdaBase(LRScheduler):
        _multiplicative = False

        def __init__(self, optimizer, lr_lambda, last_epoch=-1):
            name = type(self).__name__
            h, mirror = _resolve(optimizer)
            n = h.group_count() if mirror is None else len(optimizer.param_groups)
            if isinstance(lr_lambda, (list, tuple)):
                if len(lr_lambda) != n:
                    raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
                fns = list(lr_lambda)
                self.lr_lambdas = list(fns)
            else:
                fns = [lr_lambda]
                self.lr_lambdas = [lr_lambda] * n
            if self._multiplicative:
                for f in fns:
                    if not callable(f):
                        raise TypeError(f"lr_lambda should be a function, but got {type(f).__name__}")
            le = _int_arg(last_epoch, name, "last_epoch")
            self._bind(optimizer, lambda h: self._init_lambda(h, fns, le, self._multiplicative))

        def _fix_state(self, state):
            fns = self.__dict__.get("lr_lambdas")
            if fns is not None:
                state["lr_lambdas"] = [
                    None if isinstance(f, types.FunctionType) or not hasattr(f, "__dict__") else f.__dict__.copy()
                    for f in fns
                ]
            return state

        def _pre_load(self, state):
            state = dict(state)
            entries = state.get("lr_lambdas")
            fns = self.__dict__.get("lr_lambdas")
            if isinstance(entries, list):
                if fns is not None:
                    for f, e in zip(fns, entries):
                        if isinstance(e, dict):
                            f.__dict__.update(e)
                state["lr_lambdas"] = [None] * len(entries)
            return state

    class LambdaLR(_LambdaBase):
        """``LambdaLR(optimizer, lr_lambda, last_epoch=-1)``: lr = base_lr * lr_lambda(epoch).

        ``lr_lambda`` is a callable of the epoch counter (an int) or a list of them, one
        per group. Its result is converted with ``float()`` (``lambda e: 0.95 ** e`` or
        ``lambda e: e // 10``). An exception it raises propagates out of ``step()`` (or
        the constructor) as itself, and the step changes nothing.

        Example (lr 0.1)::

            sched = LambdaLR(opt, lambda e: 0.5 ** e)   # lr 0.1 right away (0.5 ** 0)
            sched.step()                                 # 0.05
        """

    class MultiplicativeLR(_LambdaBase):
        """``MultiplicativeLR(optimizer, lr_lambda, last_epoch=-1)``: lr *= lr_lambda(epoch)
        at each step (not at construction). ``lr_lambda`` must be callable (or a list of
        callables, one per group): TypeError otherwise, as torch."""

        _multiplicative = True

    class StepLR(LRScheduler):
        """``StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1)``: multiplies the lr
        by ``gamma`` every ``step_size`` steps.

        Example, ``StepLR(opt, step_size=4, gamma=0.9)`` at lr 0.1, epochs 1..10:
        0.1, 0.1, 0.1, 0.09, 0.09, 0.09, 0.09, 0.081, 0.081, 0.081.
        ``step_size=0`` fails at the first step with ZeroDivisionError, as torch.
        """

        def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
            o = "StepLR"
            self._bind_json(optimizer, {"type": o, "step_size": _number(step_size, o, "step_size"),
                                        "gamma": _number(gamma, o, "gamma"),
                                        "last_epoch": _number(last_epoch, o, "last_epoch")})

    class MultiStepLR(LRScheduler):
        """``MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1)``: multiplies
        the lr by ``gamma`` at each milestone (a multiset: a repeated milestone applies
        gamma that many times)."""

        def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
            o = "MultiStepLR"
            self._bind_json(optimizer, {"type": o, "milestones": _int_list(milestones, o, "milestones"),
                                        "gamma": _number(gamma, o, "gamma"),
                                        "last_epoch": _number(last_epoch, o, "last_epoch")})

    class ConstantLR(LRScheduler):
        """``ConstantLR(optimizer, factor=1/3, total_iters=5, last_epoch=-1)``: lr *
        factor until ``total_iters`` steps, then the base lr. ``factor`` in [0, 1]
        (ValueError otherwise)."""

        def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
            o = "ConstantLR"
            self._bind_json(optimizer, {"type": o, "factor": _number(factor, o, "factor"),
                                        "total_iters": _number(total_iters, o, "total_iters"),
                                        "last_epoch": _number(last_epoch, o, "last_epoch")})

    class LinearLR(LRScheduler):
        """``LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5,
        last_epoch=-1)``: the lr factor moves linearly from start_factor to end_factor over
        ``total_iters`` steps.

        Example, ``LinearLR(opt, start_factor=0.5, total_iters=4)`` at lr 0.1: 0.05 at
        construction, then 0.0625, 0.075, 0.0875, 0.1, 0.1, ...
        """

        def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
            o = "LinearLR"
            self._bind_json(optimizer, {"type": o, "start_factor": _number(start_factor, o, "start_factor"),
                                        "end_factor": _number(end_factor, o, "end_factor"),
                                        "total_iters": _number(total_iters, o, "total_iters"),
                                        "last_epoch": _number(last_epoch, o, "last_epoch")})

    class ExponentialLR(LRScheduler):
        """``ExponentialLR(optimizer, gamma, last_epoch=-1)``: lr *= gamma at every step.

        Example, gamma 0.9 at lr 0.1, epochs 1..10: 0.09, 0.081, 0.0729, 0.06561, ...
        """

        def __init__(self, optimizer, gamma, last_epoch=-1):
            o = "ExponentialLR"
            self._bind_json(optimizer, {"type": o, "gamma": _number(gamma, o, "gamma"),
                                        "last_epoch": _number(last_epoch, o, "last_epoch")})

    class PolynomialLR(LRScheduler):
        """``PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1)``: decays
        the lr to 0 over ``total_iters`` steps along (1 - t/T) ** power."""

        def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
            o = "PolynomialLR"
            self._bind_json(optimizer, {"type": o, "total_iters": _number(total_iters, o, "total_iters"),
                                        "power": _number(power, o, "power"),
                                        "last_epoch": _number(last_epoch, o, "last_epoch")})

    class CosineAnnealingLR(LRScheduler):
        """``CosineAnnealingLR(optimizer, T_max, eta_min=0.0, last_epoch=-1)``: cosine
        annealing from the base lr to ``eta_min`` over ``T_max`` steps (torch's recursive
        form; past T_max it follows the cosine back up). ``T_max=0`` fails at the first
        step with ZeroDivisionError."""

        def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
            o = "CosineAnnealingLR"
            self._bind_json(optimizer, {"type": o, "T_max": _number(T_max, o, "T_max"),
                                        "eta_min": _number(eta_min, o, "eta_min"),
                                        "last_epoch": _number(last_epoch, o, "last_epoch")})

    class CosineAnnealingWarmRestarts(LRScheduler):
        """``CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0.0,
        last_epoch=-1)``: cosine annealing restarted every T_i steps (T_i = T_0 *
        T_mult ** k). ``T_0`` and ``T_mult`` must be ints (ValueError otherwise, as
        torch); ``step(epoch)`` takes fractional epochs without a warning."""

        def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
            o = "CosineAnnealingWarmRestarts"
            if not isinstance(eta_min, (float, int)):
                raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}")
            self._bind_json(optimizer, {
                "type": o,
                "T_0": _strict_int(T_0, "Expected positive integer T_0, but got {}"),
                "T_mult": _strict_int(T_mult, "Expected integer T_mult >= 1, but got {}"),
                "eta_min": _number(eta_min, o, "eta_min"),
                "last_epoch": _number(last_epoch, o, "last_epoch"),
            })

    class SequentialLR(LRScheduler):
        """``SequentialLR(optimizer, schedulers, milestones, last_epoch=-1)``: runs the
        schedulers one after another, switching at the milestones (torch's semantics: a
        child with a closed form restarts from its base lrs at its milestone).

        Example::

            warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
            cosine = CosineAnnealingLR(opt, T_max=30)
            sched = SequentialLR(opt, [warmup, cosine], milestones=[5])
        """

        def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
            o = "SequentialLR"
            children = list(schedulers)
            _check_children(children, o)
            ms = [_int_arg(m, o, "milestones") for m in milestones]
            le = _int_arg(last_epoch, o, "last_epoch")
            self._bind(optimizer, lambda h: self._init_sequential(h, children, ms, le))
            self._schedulers = children
            self._milestones = ms

    class ChainedScheduler(LRScheduler):
        """``ChainedScheduler(schedulers, optimizer=None)``: steps every scheduler at
        each step, in order (their effects multiply for chainable schedulers).
        ``optimizer`` defaults to the first scheduler's."""

        def __init__(self, schedulers, optimizer=None):
            children = list(schedulers)
            _check_children(children, "ChainedScheduler")
            if optimizer is None and children:
                optimizer = children[0].optimizer
            if optimizer is None:
                self._init_chained(children, None)  # the library's ValueError (no scheduler)
                return
            self._bind(optimizer, lambda h: self._init_chained(children, h))
            self._schedulers = children

    def _check_children(children, owner):
        for i, c in enumerate(children):
            if not isinstance(c, _Scheduler):
                if not hasattr(c, "optimizer"):
                    raise TypeError(f"{owner} at index {i} should have `optimizer` as its attribute.")
                raise TypeError(
                    f"{owner} at index {i}: {type(c).__name__} is not a {module_name} scheduler "
                    f"({module_name} composes only its own schedulers)"
                )

    class ReduceLROnPlateau(LRScheduler):
        """``ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10,
        threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)``: reduces
        the lr by ``factor`` when the metric passed to ``step(metrics)`` stops improving
        for ``patience`` steps. ``min_lr`` is a number or a list (one per group)."""

        def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                     cooldown=0, min_lr=0, eps=1e-8):
            o = "ReduceLROnPlateau"
            factor = _number(factor, o, "factor")
            if factor >= 1.0:  # torch checks it before anything else, the optimizer included
                raise ValueError("Factor should be < 1.0.")
            self._bind_json(optimizer, {
                "type": o, "mode": mode, "factor": factor, "patience": _number(patience, o, "patience"),
                "threshold": _number(threshold, o, "threshold"), "threshold_mode": threshold_mode,
                "cooldown": _number(cooldown, o, "cooldown"), "min_lr": _numbers(min_lr, o, "min_lr"),
                "eps": _number(eps, o, "eps"),
            })

    class CyclicLR(LRScheduler):
        """``CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
        mode='triangular', gamma=1.0, scale_fn=None, scale_mode='cycle',
        cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1)``:
        cycles the lr between ``base_lr`` and ``max_lr`` (and the momentum inversely,
        unless ``cycle_momentum=False``). Per-group values are numbers or lists/tuples.
        A custom ``scale_fn`` is not supported (NotImplementedError)."""

        def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
                     gamma=1.0, scale_fn=None, scale_mode="cycle", cycle_momentum=True, base_momentum=0.8,
                     max_momentum=0.9, last_epoch=-1):
            o = "CyclicLR"
            n = _group_count(optimizer)
            if scale_fn is not None:
                raise NotImplementedError(
                    "CyclicLR with a custom scale_fn is not supported by lrsched (the library has no "
                    "scale-function callback); use mode='triangular', 'triangular2' or 'exp_range'"
                )
            spec = {
                "type": o, "base_lr": _per_group(base_lr, o, "base_lr", n),
                "max_lr": _per_group(max_lr, o, "max_lr", n),
                "step_size_up": _number(step_size_up, o, "step_size_up"),
                "mode": mode if isinstance(mode, str) else str(mode),
                "gamma": _number(gamma, o, "gamma"),
                "scale_mode": scale_mode if isinstance(scale_mode, str) else str(scale_mode),
                "cycle_momentum": bool(cycle_momentum),
                "base_momentum": _per_group(base_momentum, o, "base_momentum", n),
                "max_momentum": _per_group(max_momentum, o, "max_momentum", n),
                "last_epoch": _number(last_epoch, o, "last_epoch"),
            }
            if step_size_down is not None:
                spec["step_size_down"] = _number(step_size_down, o, "step_size_down")
            self._bind_json(optimizer, spec)

    class OneCycleLR(LRScheduler):
        """``OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None,
        steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos', cycle_momentum=True,
        base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=1e4,
        three_phase=False, last_epoch=-1)``: the 1cycle policy. ``total_steps`` (or
        ``epochs`` and ``steps_per_epoch``) must be ints and ``pct_start`` a float, as
        torch checks (``total_steps=10.0`` is a ValueError). Stepping past total_steps is
        a ValueError that changes nothing."""

        def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                     anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                     div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
            o = "OneCycleLR"
            n = _group_count(optimizer)
            spec = {"type": o}
            if total_steps is not None:
                spec["total_steps"] = _strict_int(total_steps, "Expected positive integer total_steps, but got {}")
            if epochs is not None:
                spec["epochs"] = _strict_int(epochs, "Expected positive integer epochs, but got {}")
            if steps_per_epoch is not None:
                spec["steps_per_epoch"] = _strict_int(
                    steps_per_epoch, "Expected positive integer steps_per_epoch, but got {}")
            if isinstance(pct_start, float):
                spec["pct_start"] = float(pct_start)
            elif isinstance(pct_start, int) and not isinstance(pct_start, bool):
                spec["pct_start"] = int(pct_start)  # the library's ValueError, as torch's
            else:
                raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
            spec.update({
                "max_lr": _per_group(max_lr, o, "max_lr", n),
                "anneal_strategy": anneal_strategy if isinstance(anneal_strategy, str) else str(anneal_strategy),
                "cycle_momentum": bool(cycle_momentum),
                "base_momentum": _per_group(base_momentum, o, "base_momentum", n),
                "max_momentum": _per_group(max_momentum, o, "max_momentum", n),
                "div_factor": _number(div_factor, o, "div_factor"),
                "final_div_factor": _number(final_div_factor, o, "final_div_factor"),
                "three_phase": bool(three_phase),
                "last_epoch": _number(last_epoch, o, "last_epoch"),
            })
            self._bind_json(optimizer, spec)

    # torch exposes hyperparameters and counters as attributes (sched.gamma, sched.T_cur):
    # read-only properties reading the library's state. (Properties, not __getattr__,
    # which would slow every method lookup on the hot path.)
    state_attributes = {
        StepLR: ("step_size", "gamma"),
        MultiStepLR: ("milestones", "gamma"),
        ConstantLR: ("factor", "total_iters"),
        LinearLR: ("start_factor", "end_factor", "total_iters"),
        ExponentialLR: ("gamma",),
        PolynomialLR: ("total_iters", "power"),
        CosineAnnealingLR: ("T_max", "eta_min"),
        CosineAnnealingWarmRestarts: ("T_0", "T_i", "T_mult", "eta_min", "T_cur"),
        ReduceLROnPlateau: ("factor", "default_min_lr", "min_lrs", "patience", "cooldown", "eps", "mode_worse",
                            "mode", "threshold", "threshold_mode", "best", "cooldown_counter", "num_bad_epochs"),
        CyclicLR: ("max_lrs", "total_size", "step_ratio", "mode", "gamma", "scale_mode", "cycle_momentum",
                   "use_beta1", "base_momentums", "max_momentums"),
        OneCycleLR: ("total_steps", "cycle_momentum", "use_beta1"),
    }

    def _state_property(name):
        def get(self):
            return _decode_state(json.loads(self._state_save()))[name]

        return property(get, doc=f"torch's ``{name}``, read from the scheduler's state (read-only).")

    for cls, names in state_attributes.items():
        for name in names:
            setattr(cls, name, _state_property(name))

    classes = {
        c.__name__: c
        for c in (LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR,
                  SequentialLR, PolynomialLR, CosineAnnealingLR, ChainedScheduler, ReduceLROnPlateau, CyclicLR,
                  CosineAnnealingWarmRestarts, OneCycleLR)
    }

    # ------------------------------------------------------------------------------------
    # Models: Linear, ReLU, Sequential and their parameters
    # ------------------------------------------------------------------------------------

    class _ModelRef:
        """A library model handle, its parameters' torch names, and whether an SGD holds
        its parameters (then its layers cannot join a Sequential any more)."""

        __slots__ = ("h", "names", "in_use")

        def __init__(self, h, names):
            self.h = h
            self.names = names
            self.in_use = False

        def name_of(self, i):
            return self.names[i]

    class Parameter:
        """A parameter of a model (the role of torch.nn.Parameter): float32 values held by
        the library's model, which :class:`Trainer` updates in place.

        ``p.shape`` is a tuple (``(out, in)`` for a Linear's weight, ``(out,)`` for its
        bias); ``p.tolist()`` the values as a flat row-major list of floats;
        ``p.set(values)`` overwrites them from a flat sequence or buffer of exactly
        ``p.numel()`` numbers, or a nested list of the parameter's shape (ValueError
        otherwise). ``numpy.asarray(p)`` gives a float32 copy of that shape. Parameters are
        created by :class:`Linear`, not directly.
        """

        __slots__ = ("_ref", "_i", "_shape", "_numel", "__weakref__")

        def __init__(self, *args, **kwargs):
            raise TypeError(f"{module_name}.Parameter objects are created by Linear layers")

        @classmethod
        def _new(cls, ref, index):
            p = object.__new__(cls)
            p._ref = ref
            p._i = index
            p._shape = tuple(ref.h.parameter_shape(index))
            p._numel = ref.h.parameter_numel(index)
            return p

        @property
        def shape(self):
            """The shape, a tuple of ints."""
            return self._shape

        def numel(self):
            """The number of values."""
            return self._numel

        def dim(self):
            """The number of dimensions."""
            return len(self._shape)

        def tolist(self):
            """The values, flat row-major, as a list of floats (the layout of ``values`` in
            training vectors)."""
            return self._ref.h.parameter_get(self._i)

        def set(self, values):
            """Overwrites the values from a flat sequence or buffer of exactly numel numbers,
            or a nested list of the parameter's shape (converted to float32)."""
            self._ref.h.parameter_set(self._i, _parameter_values(values, self._shape, self._numel))

        def __array__(self, dtype=None, copy=None):
            np = _numpy()
            a = np.array(self.tolist(), dtype=np.float32).reshape(self._shape)
            return a if dtype is None else a.astype(dtype)

        def __reduce__(self):
            raise TypeError(f"cannot pickle '{type(self).__name__}' object; pickle p.tolist() instead")

        def __repr__(self):
            values = self.tolist()
            shown = ", ".join(f"{v:.4g}" for v in values[:8]) + (", ..." if len(values) > 8 else "")
            return f"Parameter(shape={self._shape}, values=[{shown}])"

    class Module:
        """Base class of :class:`Linear`, :class:`ReLU` and :class:`Sequential` (the role of
        torch.nn.Module for these three). ``parameters()`` and ``named_parameters()`` list
        the parameters in torch's order; ``model(X)`` is the forward pass."""

        _ref = None
        _owner = None
        _named = ()
        _in = None
        _out = None

        def __init__(self, *args, **kwargs):
            raise TypeError(f"{module_name}.Module cannot be instantiated; use Linear, ReLU or Sequential")

        def parameters(self):
            """The parameters, a list in named_parameters() order."""
            return [p for _, p in self._named]

        def named_parameters(self):
            """(name, parameter) pairs, a list in torch's order ("0.weight", "0.bias",
            "2.weight", ... in a Sequential; "weight", "bias" for a Linear)."""
            return list(self._named)

        def _model(self):
            if self._ref is None:
                if self._owner is not None:
                    raise RuntimeError(
                        f"this {type(self).__name__} belongs to a Sequential now; use that Sequential"
                    )
                raise RuntimeError(f"{type(self).__name__} is not initialized")
            return self._ref

        def forward(self, x):
            """The model's output for x, a (rows, in_features) matrix (numpy array,
            float32 buffer, nested lists, ...): float32 of shape (rows, out_features), a
            numpy array when numpy is importable, else a memoryview."""
            ref = self._model()
            data, rows, cols = _matrix(x, "input", self._in, False)
            out = ref.h.forward(data, rows, cols)
            n_out = len(out) // 4 // rows if rows else (self._out or cols)
            np = _numpy()
            if np is not None:
                return np.frombuffer(out, dtype=np.float32).reshape(rows, n_out)
            mv = memoryview(out)
            return mv.cast("f", (rows, n_out)) if rows and n_out else mv.cast("f")

        def __call__(self, x):
            return self.forward(x)

        def __reduce__(self):
            raise TypeError(
                f"cannot pickle '{type(self).__name__}' object; pickle "
                "[(name, p.tolist()) for name, p in model.named_parameters()] instead"
            )

    # Each Linear's initial values come from its own seed: 1, 2, 3, ... in creation order
    # (per process and front end), as torch's draw from its global generator.
    init_seeds = itertools.count(1)

    def _fresh_seed():
        return next(init_seeds)

    class Linear(Module):
        """``Linear(in_features, out_features)``: torch.nn.Linear with a bias, y = x W^T + b.

        ``weight`` (shape ``(out_features, in_features)``) and ``bias`` (``(out_features,)``)
        are initialised as torch initialises them (U(-k, k), k = 1/sqrt(in_features)) from
        the library's generator (values differ from torch's; set them with
        ``p.set(values)``). A Linear is a model on its own (``SGD(lin.parameters())``,
        ``Trainer(lin, ...)``) or a layer of one :class:`Sequential` (which then owns its
        parameters: the same Parameter objects).
        """

        def __init__(self, in_features, out_features):
            i = _int_arg(in_features, "Linear", "in_features")
            o = _int_arg(out_features, "Linear", "out_features")
            h = B.Model.create()
            h.add_linear(i, o, _fresh_seed())
            ref = _ModelRef(h, ["weight", "bias"])
            self.in_features = i
            self.out_features = o
            self._in, self._out = i, o
            self._ref = ref
            self._named = [("weight", Parameter._new(ref, 0)), ("bias", Parameter._new(ref, 1))]

        @property
        def weight(self):
            """The weight parameter, shape (out_features, in_features)."""
            return self._named[0][1]

        @property
        def bias(self):
            """The bias parameter, shape (out_features,)."""
            return self._named[1][1]

        def __repr__(self):
            return f"Linear(in_features={self.in_features}, out_features={self.out_features}, bias=True)"

    class ReLU(Module):
        """``ReLU()``: torch.nn.ReLU, max(x, 0) element-wise. No parameters; one ReLU may be
        used in several places."""

        def __init__(self):
            h = B.Model.create()
            h.add_relu()
            self._ref = _ModelRef(h, [])

        def __repr__(self):
            return "ReLU()"

    class Sequential(Module):
        """``Sequential(*layers)`` or ``Sequential([layers])``: torch.nn.Sequential of
        :class:`Linear`, :class:`ReLU` (and nested Sequential) layers, applied in order.

        Parameters are named as torch names them ("0.weight", "0.bias", "2.weight", ...) and
        are the layers' own Parameter objects (``seq[0].weight is seq.parameters()[0]``):
        their values move into the Sequential's model, which owns them from then on. So a
        Linear (or Sequential) can join one Sequential only, and not once an SGD holds its
        parameters (ValueError); ReLU layers can be shared. Indexing (``seq[i]``),
        ``len()`` and iteration give the layers.

        Example::

            model = Sequential(Linear(4, 16), ReLU(), Linear(16, 1))
            [name for name, _ in model.named_parameters()]
            # ['0.weight', '0.bias', '2.weight', '2.bias']
        """

        def __init__(self, *layers):
            if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
                layers = tuple(layers[0])
            flat = []  # (name prefix, Linear or ReLU)
            adopted = []  # Linear / Sequential modules whose parameters move here
            seen = set()

            def walk(mods, prefix, nested):
                for k, m in enumerate(mods):
                    name = f"{prefix}{k}"
                    if isinstance(m, ReLU):
                        flat.append((name, m))
                        continue
                    if not isinstance(m, (Linear, Sequential)):
                        raise TypeError(
                            f"Sequential: layer {name} is a {type(m).__name__}; {module_name} models are made "
                            "of Linear, ReLU and Sequential layers"
                        )
                    if id(m) in seen:
                        raise ValueError(f"Sequential: {m!r} appears twice (lrsched layers cannot be shared)")
                    seen.add(id(m))
                    if not nested:  # (the layers of a nested Sequential belong to it)
                        if m._ref is None:
                            raise ValueError(
                                f"Sequential: {type(m).__name__} at {name} already belongs to a Sequential")
                        if m._ref.in_use:
                            raise ValueError(
                                f"Sequential: the parameters of {type(m).__name__} at {name} are already held by "
                                "an SGD; build the model first, then its optimizer"
                            )
                        adopted.append(m)
                    if isinstance(m, Sequential):
                        walk(m._layers, name + ".", True)
                    else:
                        flat.append((name, m))

            walk(layers, "", False)
            h = B.Model.create()
            for _, m in flat:
                if isinstance(m, Linear):
                    h.add_linear(m.in_features, m.out_features, 0)
                else:
                    h.add_relu()
            moves = []
            index = 0
            for name, m in flat:
                if isinstance(m, Linear):
                    for pname, p in m._named:
                        h.parameter_set(index, _array_f32(p.tolist()))
                        moves.append((p, index, f"{name}.{pname}"))
                        index += 1
            # Every value copied: now the parameters move here.
            ref = _ModelRef(h, [full for _, _, full in moves])
            named = []
            for p, i, full in moves:
                p._ref, p._i = ref, i
                named.append((full, p))
            for m in adopted:
                m._ref = None
                m._owner = self
            self._layers = list(layers)
            self._ref = ref
            self._named = named
            linears = [m for _, m in flat if isinstance(m, Linear)]
            self._in = linears[0].in_features if linears else None
            self._out = linears[-1].out_features if linears else None

        def __getitem__(self, i):
            return self._layers[operator.index(i)]

        def __len__(self):
            return len(self._layers)

        def __iter__(self):
            return iter(self._layers)

        def __repr__(self):
            lines = ["Sequential("]
            for k, m in enumerate(self._layers):
                inner = repr(m).replace("\n", "\n  ")
                lines.append(f"  ({k}): {inner}")
            lines.append(")")
            return "\n".join(lines) if self._layers else "Sequential()"

    # ------------------------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------------------------

    class Trainer:
        """``Trainer(model, opt, scheduler=None, loss="mse", batch_size=10, shuffle=False,
        step_scheduler="epoch", seed=0, drop_last=False)``: fits ``model`` (a
        :class:`Linear` or :class:`Sequential`) with ``opt`` (an :class:`SGD` over its
        parameters) under ``scheduler`` (one scheduler on that SGD, a list of them —
        stepped in order — or None), all in the library: torch's training loop

            for epoch in 1..epochs:
                for xb, yb in batches:      # in order, or shuffled from seed
                    loss = mse(model(xb), yb); loss.backward(); opt.step()
                    if step_scheduler == "batch": step the schedulers
                loss = mse(model(X), y)      # the whole dataset
                if step_scheduler == "epoch": step the schedulers (ReduceLROnPlateau: loss)

        with lrs identical to torch's and losses and parameters equal to float32 rounding.
        ``loss`` must be "mse" (the only loss). With ``shuffle``, each epoch draws a fresh
        permutation from a generator seeded with ``seed``, carried on from fit to fit.
        ``drop_last`` drops an epoch's last short batch. The attributes ``model``,
        ``optimizer``, ``schedulers`` (a list), ``loss``, ``batch_size``, ... hold the
        arguments.
        """

        def __init__(self, model, opt, scheduler=None, loss="mse", batch_size=10, shuffle=False,
                     step_scheduler="epoch", seed=0, drop_last=False):
            optimizer = opt
            if loss != "mse":
                raise ValueError(f"unknown loss {loss!r}: {module_name}.Trainer trains with loss='mse' only")
            units = {"epoch": B.STEP_EPOCH, "batch": B.STEP_BATCH}
            if step_scheduler not in units:
                raise ValueError(f"step_scheduler must be 'epoch' or 'batch', got {step_scheduler!r}")
            if not isinstance(model, Module):
                raise TypeError(f"model must be a {module_name} Linear or Sequential, got {type(model).__name__}")
            ref = model._model()
            if not isinstance(optimizer, SGD) or optimizer._sgd is None:
                raise TypeError(
                    f"opt must be a {module_name}.SGD over the model's parameters "
                    "(SGD(model.parameters(), lr=...))"
                )
            if optimizer._model_ref is not ref:
                raise ValueError("the optimizer holds the parameters of another model")
            if scheduler is None:
                scheds = []
            elif isinstance(scheduler, (list, tuple)):
                scheds = list(scheduler)
            else:
                scheds = [scheduler]
            for i, s in enumerate(scheds):
                if not isinstance(s, LRScheduler):
                    raise TypeError(f"scheduler {i} is not a {module_name} scheduler ({type(s).__name__})")
                if getattr(s, "optimizer", None) is not optimizer:
                    raise ValueError(f"scheduler {i} ({type(s).__name__}) is attached to another optimizer")
            bs = _int_arg(batch_size, "Trainer", "batch_size")
            sd = _int_arg(seed, "Trainer", "seed")
            if not 0 <= sd < 1 << 64:
                raise ValueError(f"seed must be between 0 and 2**64 - 1, got {sd}")
            self._t = B.Trainer.create(ref.h, optimizer._sgd, scheds, bs, bool(shuffle), bool(drop_last),
                                       units[step_scheduler], sd)
            self.model = model
            self.optimizer = optimizer
            self.schedulers = scheds
            self.loss = loss
            self.batch_size = bs
            self.shuffle = bool(shuffle)
            self.step_scheduler = step_scheduler
            self.seed = sd
            self.drop_last = bool(drop_last)

        def _data(self, X, y):
            m = self.model
            xd, rows, features = _matrix(X, "X", m._in, m._in == 1)
            yd, yrows, outputs = _matrix(y, "y", m._out, m._out == 1)
            if rows != yrows:
                raise ValueError(f"X has {rows} rows but y has {yrows}")
            return xd, yd, rows, features, outputs

        def fit(self, X, y, epochs, callback=None, progress=False):
            """Trains for ``epochs`` epochs on ``X`` (shape ``(n, in_features)``) and ``y``
            (``(n,)`` or ``(n, out_features)``), updating the parameters, the SGD and the
            schedulers in place. Returns the history: one dict per epoch with the keys
            "epoch", "lr_start" (group 0's lr during the epoch's first batch), "loss" (the
            MSE over the whole dataset after the epoch) and "lr_after" (after the epoch's
            scheduler steps).

            C-contiguous float32 data (numpy arrays, or any buffer of format 'f') is read
            in place, without a copy; anything else (float64 arrays, lists, nested lists)
            is converted once. ``callback`` gets each epoch's dict as it ends; an exception
            it raises stops training (updates so far are kept) and propagates.
            ``progress=True`` shows a progress bar (tqdm when installed, else a plain one
            on stderr).
            """
            epochs = _int_arg(epochs, "fit", "epochs")
            xd, yd, rows, features, outputs = self._data(X, y)
            bar = _progress_bar(epochs) if progress else None
            if callback is None and bar is None:
                cb = None
            else:
                def cb(epoch, lr_start, loss, lr_after):
                    row = {"epoch": epoch, "lr_start": lr_start, "loss": loss, "lr_after": lr_after}
                    if bar is not None:
                        bar.update(row)
                    if callback is not None:
                        callback(row)
            try:
                flat = self._t.fit(xd, yd, rows, features, outputs, epochs, cb)
            finally:
                if bar is not None:
                    bar.close()
            return [
                {"epoch": int(flat[k]), "lr_start": flat[k + 1], "loss": flat[k + 2], "lr_after": flat[k + 3]}
                for k in range(0, len(flat), 4)
            ]

        def evaluate(self, X, y):
            """The model's mean squared error over every row of (X, y), as fit reports
            it; nothing is trained."""
            xd, yd, rows, features, outputs = self._data(X, y)
            return self._t.loss(xd, yd, rows, features, outputs)

        def __reduce__(self):
            raise TypeError(f"cannot pickle '{type(self).__name__}' object")

        def __repr__(self):
            names = ", ".join(type(s).__name__ for s in self.schedulers) or "no scheduler"
            return (f"<{module_name}.Trainer {type(self.model).__name__} batch_size={self.batch_size} "
                    f"shuffle={self.shuffle} step_scheduler={self.step_scheduler!r} ({names})>")

    # ------------------------------------------------------------------------------------
    # Module functions
    # ------------------------------------------------------------------------------------

    def from_spec(optimizer, spec):
        """Builds a scheduler from a JSON spec (a dict or a JSON string) in the
        conformance format, e.g. ``{"type": "StepLR", "step_size": 4, "gamma": 0.9}``.

        Nested specs build composites (their children are internal);
        ``lr_lambda`` names one of the library's functions ("pow095", "inv1p",
        "const095", "halve_every_3"). Ints and floats keep their kinds
        (``"total_steps": 10.0`` is a ValueError, as in torch). The result is an
        instance of the torch class named by ``"type"``.
        """
        if isinstance(spec, (bytes, bytearray)):
            spec = spec.decode("utf-8")
        if isinstance(spec, str):
            text = spec
            try:
                parsed = json.loads(spec)
            except ValueError:
                parsed = None  # the library reports malformed JSON
        elif isinstance(spec, dict):
            parsed = spec
            text = _dumps(_encode_state(spec))
        else:
            raise TypeError(f"spec must be a dict or a JSON str, got {type(spec).__name__}")
        cls = classes.get(parsed.get("type")) if isinstance(parsed, dict) else None
        obj = (cls or LRScheduler).__new__(cls or LRScheduler)
        obj._bind_json(optimizer, text)
        if cls is None:  # e.g. a type the library knows under a name we do not
            obj.__class__ = classes.get(obj._type_name, LRScheduler)
        return obj

    def preview(schedulers, n, metrics=None, momentum=False):
        """The next ``n`` lrs that stepping ``schedulers`` (all on one optimizer, stepped
        in order, as in a training loop) would give, computed on copies: float64 of
        shape ``(n, groups)`` — a numpy array when numpy is importable, else a
        memoryview of that shape. Row k holds the lrs after k+1 steps.
        ``metrics`` (one per step) is required when a ReduceLROnPlateau is among them.
        With ``momentum=True``, returns ``(lrs, momenta)`` (momenta: the groups'
        ``momentum``, or ``betas[0]``)."""
        scheds = list(schedulers)
        n = operator.index(n)
        ms = None if metrics is None else list(metrics)
        seen = set()
        for s in scheds:
            m = getattr(s, "_mirror", None) if isinstance(s, _Scheduler) and s._foreign else None
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                m.sync_in(s.optimizer)
        lrs, moms, groups = B.preview(scheds, n, ms, bool(momentum))
        a = _as_matrix(lrs, max(n, 0), groups)
        if momentum:
            return a, _as_matrix(moms, max(n, 0), groups)
        return a

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
            if "schedulers" in spec:  # a conformance case
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

    # The extension gives each class its own step()/get_last_lr() descriptors (see
    # lrsched._lrsched.bind_methods): CPython then specialises sched.step() calls.
    bind_methods = getattr(B, "bind_methods", None)
    if bind_methods is not None:
        for cls in (LRScheduler, *classes.values()):
            bind_methods(cls)

    api = {
        "SGD": SGD,
        "ParamGroup": ParamGroup,
        "LRScheduler": LRScheduler,
        "from_spec": from_spec,
        "preview": preview,
        **classes,
        "Module": Module,
        "Parameter": Parameter,
        "Linear": Linear,
        "ReLU": ReLU,
        "Sequential": Sequential,
        "Trainer": Trainer,
        "plot": plot,
    }
    for name, obj in api.items():
        if isinstance(obj, type):
            obj.__module__ = module_name
            obj.__qualname__ = name
        elif isinstance(obj, types.FunctionType):
            obj.__module__ = module_name
            obj.__qualname__ = name
    return api
