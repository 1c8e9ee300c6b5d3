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
