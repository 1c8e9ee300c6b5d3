"""The schedulers as one table: torch's attributes as properties, from_spec, preview.
Runs once per package (see _lrsched_api.load), after _schedulers and _schedulers_gen."""

from __future__ import annotations

import json
import operator

from _lrsched_api._data import _as_matrix
from _lrsched_api._values import OMIT, _decode_state, _dumps_spec, _int64, spec_value

from . import _schedulers, _schedulers_gen
from ._optim import SGD
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
        state = self._fix_state(_decode_state(json.loads(self._state_save())))
        if name not in state:  # torch sets it only in some configurations (CyclicLR's momenta)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return state[name]

    def set(self, value):
        # torch lets users assign its attributes: the state with the new value, loaded
        # (the library checks it as any loaded state).
        state = self.state_dict()
        state[name] = value
        self.load_state_dict(state)

    return property(get, set, doc=f"torch's ``{name}``, read from the scheduler's state (assignable, as in torch).")


def state_properties(cls, attributes):
    """Read-only properties over the state for ``attributes``, except names the class
    already has (``last_epoch``)."""
    for attribute in attributes:
        if not hasattr(cls, attribute):
            setattr(cls, attribute, _state_property(attribute))


for _name, _attributes in _schedulers_gen.ATTRIBUTES.items():
    if _name in classes:
        state_properties(classes[_name], _attributes)

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

def spec_of(type_name, kinds, args):
    """The spec of ``type_name`` with ``args`` (a dict), each passed into the spec as
    ``kinds[type_name]`` says."""
    spec = {"type": type_name}
    for name, value in args.items():
        v = spec_value(value, kinds[type_name][name], type_name, name)
        if v is not OMIT:
            spec[name] = v
    return spec


class _RealFunction:
    """A Python function of a float as the library calls it (timm's WSD ``decay_fn``):
    ``fn`` can be replaced (``load_state_dict`` of a state holding another callable)."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, x):
        return self.fn(x)


def bind_spec(sched, optimizer, type_name, kinds, args):
    """Binds ``sched`` to the spec of ``type_name`` with ``args``; a callable given for a
    function-of-a-float argument (kind ``real_fn``: timm's WSD ``decay_fn``) goes to the
    library as a callback (lrsched_spec_set_real_fn) that it calls as timm would."""
    kind = kinds[type_name]
    fns = {k: _RealFunction(v) for k, v in args.items() if kind[k].endswith("real_fn") and callable(v)}
    spec = spec_of(type_name, kinds, {k: v for k, v in args.items() if k not in fns})
    if not fns:
        return sched._bind_json(optimizer, spec)
    text = _dumps_spec(spec)
    sched._bind(optimizer, lambda h: sched._init_json_fns(h, text, {}, fns), text)
    sched._real_functions = fns
    sched._rebuild_args = ("spec", type_name, kinds, args)  # copies: the callables too


class CallableArguments:
    """State of a scheduler built with Python functions of a float (timm's WSD
    ``decay_fn``): ``state_dict()`` holds the callable, as timm's ``__dict__`` does (the
    library saves None for it); ``load_state_dict()`` of a state holding a callable
    calls that one from then on (the scheduler must have been built with a callable)."""

    _real_functions = {}

    def _fix_state(self, state):
        state = super()._fix_state(state)
        for key, holder in self._real_functions.items():
            if state.get(key) is None:
                state[key] = holder.fn
        return state

    def load_state_dict(self, state_dict):
        if not isinstance(state_dict, dict):
            return super().load_state_dict(state_dict)
        given = {k: v for k, v in state_dict.items() if callable(v)}
        super().load_state_dict({k: (None if k in given else v) for k, v in state_dict.items()})
        for key, fn in given.items():
            self._real_functions[key].fn = fn


def build_spec(optimizer, type_name, kinds, **args):
    """The scheduler a spec of ``type_name`` builds from ``args`` (the generated library
    functions: ``lrsched.hf``, ``lrsched.timm.create_scheduler_v2``)."""
    return from_spec(optimizer, spec_of(type_name, kinds, args))


def build_with_num_epochs(optimizer, type_name, kinds, args):
    """timm's factory result ``(scheduler, num_epochs)``, both from the library. With
    ``sched='none'`` timm builds no scheduler and returns ``(None, num_epochs)``: the epoch
    count of the same arguments for a schedule without cycles (``'constant'``, built on a
    scratch optimizer; timm's ``num_epochs``, plus ``warmup_epochs`` with ``warmup_prefix``)."""
    if args.get("sched") == "none":
        scratch = SGD([{"lr": 0.1}], lr=0.1)
        return None, build_spec(scratch, type_name, kinds, **dict(args, sched="constant")).num_epochs()
    scheduler = LRScheduler.__new__(LRScheduler)
    bind_spec(scheduler, optimizer, type_name, kinds, args)  # a callable decay_fn included
    scheduler.__class__ = classes.get(scheduler._type_name, LRScheduler)
    return scheduler, scheduler.num_epochs()


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
