"""Values between Python and the library: state dicts (the library's JSON <-> plain
picklable dicts) and torch-style arguments (Python values -> JSON values keeping
Python's int/float kinds). Backend-independent: imported once, shared by both packages."""

from __future__ import annotations

import json
import math
import operator


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
    n = _scalar(v)
    if n is not None:
        return _encode_state(n)
    raise TypeError(f"state_dict value of type {type(v).__name__} is not supported: {v!r}")


def _scalar(x):
    """The Python int or float a numpy scalar or 0-dim tensor holds (``__index__``, else
    ``__float__``); None for anything else."""
    t = type(x)
    if hasattr(t, "__index__"):
        try:
            return operator.index(x)
        except TypeError:
            pass
    if hasattr(t, "__float__"):
        return float(x)
    return None


def _encode_spec(v):
    """A spec (dict) as JSON values: tuples become lists, numpy scalars Python numbers;
    floats stay floats, NaN and infinities included (written bare, for the library to
    refuse with its own message)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, dict):
        return {k: _encode_spec(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_encode_spec(x) for x in v]
    n = _scalar(v)
    if n is not None:
        return n
    raise TypeError(f"a spec value of type {type(v).__name__} is not supported: {v!r} (specs hold JSON values)")


def _dumps_spec(spec) -> str:
    return json.dumps(_encode_spec(spec), separators=(",", ":"))


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
        return x
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return float(x)
    n = None if x is None or isinstance(x, (str, bytes, bytearray)) else _scalar(x)
    if n is not None:
        return n
    raise TypeError(f"{owner}: '{name}' must be a number, got {t.__name__} {x!r}")


_INT64 = range(-(1 << 63), 1 << 63)


def _float_number(x, owner, name):
    """A float-kind argument (lr, gamma, eta_min): as _number, and an int beyond 64 bits
    becomes float(x), as torch's arithmetic takes it (OverflowError past float's range)."""
    v = _number(x, owner, name)
    return float(v) if type(v) is int and v not in _INT64 else v


def _int_number(x, owner, name):
    """An int-kind argument (step_size, milestones): as _number; an int beyond 64 bits is
    an OverflowError naming the argument (lrsched's ints are int64)."""
    v = _number(x, owner, name)
    return _int64(v, owner, name) if type(v) is int else v


def _int64(v, owner, name):
    """v when it fits int64, else OverflowError naming the argument."""
    if v not in _INT64:
        raise OverflowError(f"{owner}: '{name}' = {v} is outside the 64-bit integers lrsched takes")
    return v


def _numbers(x, owner, name):
    """torch's _format_param input: one number, or a list/tuple (one per group)."""
    if isinstance(x, (list, tuple)):
        return [_float_number(v, owner, name) for v in x]
    return _float_number(x, owner, name)


def _int_list(x, owner, name):
    try:
        items = list(x)
    except TypeError:
        raise TypeError(f"{owner}: '{name}' must be a list of ints, got {type(x).__name__}") from None
    return [_int_number(v, owner, name) for v in items]


def _int_arg(x, owner, name, int64=True):
    """An int for a typed library call (last_epoch, batch_size, Linear sizes):
    operator.index, and within int64 (OverflowError naming the argument, never a value
    wrapped by a C conversion); ``int64=False``: the caller checks the range."""
    try:
        v = operator.index(x)
    except TypeError:
        raise TypeError(f"{owner}: '{name}' must be an int, got {type(x).__name__} {x!r}") from None
    return _int64(v, owner, name) if int64 else v


def _float_value(x, key):
    if isinstance(x, float):
        return x
    if isinstance(x, (str, bytes, bytearray)) or x is None:
        raise TypeError(f"param group '{key}' must be a number, got {type(x).__name__}")
    return float(x)


# --- Spec values by parameter kind (the generated scheduler classes name the kinds) --------

OMIT = object()  # a spec value left out (the library's default applies)


def _loose_number(x, owner, name):
    """A number the library checks with its library's own rules and messages (torch's
    T_0, total_steps, pct_start: isinstance checks): bools, ints, floats and strings go
    as they are; numpy scalars become the Python number they hold."""
    if isinstance(x, (bool, str)) or type(x) is int:
        return x
    if type(x) is float:
        return x
    try:
        return _number(x, owner, name)
    except TypeError:
        return str(x)


def spec_value(x, kind, owner, name):
    """A Python argument as the JSON value of a spec key of the given kind (the kind
    codes of the generated classes: int, float, number, number_or_list, bool, str, ints,
    per_group, nullable_<kind>, scale_fn)."""
    if kind.startswith("nullable_"):
        return None if x is None else spec_value(x, kind[len("nullable_"):], owner, name)
    if kind == "int":
        return _int_number(x, owner, name)
    if kind == "float":
        return _float_number(x, owner, name)
    if kind == "number":
        v = _loose_number(x, owner, name)
        return _int_number(v, owner, name) if type(v) is int else v
    if kind == "real_fn":  # a function name (a callable is passed by _specs.bind_spec)
        return x if isinstance(x, str) else str(x)
    if kind == "number_or_list":  # timm's noise_range_t: a number or a list, as timm takes it
        if isinstance(x, (list, tuple)):
            return [spec_value(v, "number", owner, name) for v in x]
        return spec_value(x, "nullable_number", owner, name)
    if kind == "per_group":
        return _numbers(x, owner, name)
    if kind == "ints":
        return _int_list(x, owner, name)
    if kind == "bool":
        return bool(x)
    if kind == "str":
        return x if isinstance(x, str) else str(x)
    if kind == "mapping":
        if not isinstance(x, dict):
            raise TypeError(f"{owner}: '{name}' must be a dict, got {type(x).__name__}")
        return _encode_state(x)
    if kind == "scale_fn":
        if x is not None:
            raise NotImplementedError(
                f"{owner} with a custom {name} is not supported by lrsched (the library has no "
                "scale-function callback); use one of its modes"
            )
        return OMIT
    raise TypeError(f"{owner}: '{name}' has a kind this package cannot pass ({kind})")
