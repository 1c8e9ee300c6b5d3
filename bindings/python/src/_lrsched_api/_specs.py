"""The schedulers as one table: torch's attributes as properties, from_spec, preview.
Runs once per package (see _lrsched_api.load), after _schedulers and _schedulers_gen."""

from __future__ import annotations

import json
import operator

from _lrsched_api._data import _as_matrix
from _lrsched_api._values import OMIT, _decode_state, _dumps_spec, _int64, spec_value

from . import _schedulers, _schedulers_gen
from ._schedulers import LRScheduler

B = _backend  # noqa: F821
_Scheduler = B.Scheduler

# Every scheduler class by torch's name: the hand-written ones and the generated ones.
classes = {
    name: getattr(module, name)
    for module in (_schedulers, _schedulers_gen)
    for name in module.__all__
    if name != "LRScheduler"
}


# torch exposes hyperparameters and counters as attributes (sched.gamma, sched.T_cur):
# properties reading (and, assigned, loading) the library's state (the attributes of each scheduler's
# descriptor, in _schedulers_gen.ATTRIBUTES). Properties, not __getattr__, which would
# slow every method lookup on the hot path.
def _state_property(name):
    def get(self):
        return _decode_state(json.loads(self._state_save()))[name]

    def set(self, value):
        # torch lets users assign its attributes: the state with the new value, loaded
        # (the library checks it as any loaded state).
        state = self.state_dict()
        state[name] = value
        self.load_state_dict(state)

    return property(get, set, doc=f"torch's ``{name}``, read from the scheduler's state (assignable, as in torch).")


for _name, _attributes in _schedulers_gen.ATTRIBUTES.items():
    for _attribute in _attributes:
        if _name in classes:
            setattr(classes[_name], _attribute, _state_property(_attribute))

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
        text = _dumps_spec(spec)
    else:
        raise TypeError(f"spec must be a dict or a JSON str, got {type(spec).__name__}")
    cls = classes.get(parsed.get("type")) if isinstance(parsed, dict) else None
    obj = (cls or LRScheduler).__new__(cls or LRScheduler)
    obj._bind_json(optimizer, text)
    if cls is None:  # e.g. a type the library knows under a name we do not
        obj.__class__ = classes.get(obj._type_name, LRScheduler)
    return obj

def build_spec(optimizer, type_name, kinds, **args):
    """The scheduler a spec of ``type_name`` builds from ``args``, each passed into the spec
    as ``kinds[type_name]`` says (the generated library functions: ``lrsched.hf``)."""
    spec = {"type": type_name}
    for name, value in args.items():
        v = spec_value(value, kinds[type_name][name], type_name, name)
        if v is not OMIT:
            spec[name] = v
    return from_spec(optimizer, spec)


def _preview_groups(scheds):
    """The group count of the schedulers' optimizer, once they are checked."""
    if not scheds:
        raise ValueError("preview needs at least one scheduler")
    for i, s in enumerate(scheds):
        if not isinstance(s, _Scheduler):
            raise TypeError(f"preview: item {i} is not an lrsched scheduler ({type(s).__name__})")
        s._check()
    return scheds[0]._opt.group_count()


def _preview_buffers(n, groups, momentum):
    """(lrs, momenta or None): bytearrays for n x groups float64 values (none beyond
    the library's cap, LRSCHED_MAX_PREVIEW_VALUES, which it then refuses)."""
    _int64(n, "preview", "n")
    total = n * groups if n > 0 else 0
    if total > B.MAX_PREVIEW_VALUES:
        # Allocate nothing: the library refuses the size (MemoryError, its message).
        return bytearray(), None
    return bytearray(total * 8), bytearray(total * 8) if momentum else None


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
    lrs, moms = _preview_buffers(n, _preview_groups(scheds), bool(momentum))
    groups = B.preview(scheds, n, ms, lrs, moms)
    a = _as_matrix(lrs, max(n, 0), groups)
    if momentum:
        return a, _as_matrix(moms, max(n, 0), groups)
    return a
# The extension gives each class its own step()/get_last_lr() descriptors (see
# lrsched._lrsched.bind_methods): CPython then specialises sched.step() calls.
bind_methods = getattr(B, "bind_methods", None)
if bind_methods is not None:
    for cls in (LRScheduler, *classes.values()):
        bind_methods(cls)

__all__ = ["from_spec", "preview"]
# The library's caps (include/lrsched.h), exported outside __all__ as ParamGroup is.
_UNLISTED_EXPORTS = ["MAX_PREVIEW_VALUES", "MAX_CREATED_GROUPS"]
MAX_PREVIEW_VALUES = B.MAX_PREVIEW_VALUES
MAX_CREATED_GROUPS = B.MAX_CREATED_GROUPS
