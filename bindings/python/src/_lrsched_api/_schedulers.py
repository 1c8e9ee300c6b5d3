"""The fifteen torch schedulers over the backend's Scheduler, from_spec and preview. Runs
once per package (see _lrsched_api.load)."""

from __future__ import annotations

import json
import operator
import sys
import types
import warnings

from _lrsched_api import _stepping
from _lrsched_api._data import _as_matrix
from _lrsched_api._values import (
    _decode_state,
    _dumps,
    _encode_state,
    _int_arg,
    _int_list,
    _number,
    _numbers,
    _per_group,
    _strict_int,
)

from ._optim import _group_count, _resolve

# Seeded by _lrsched_api.load() before this module runs: the package's backend module
# (lrsched._lrsched or lrsched_ctypes._capi) and the package's name (for messages).
B = _backend  # noqa: F821
module_name = _module_name  # noqa: F821
_Scheduler = B.Scheduler



_FLAG_METRIC = B.FLAG_METRIC


def _flags(sched):
    """A bound scheduler's LRSCHED_FLAG_* bits (how torch's step() arguments apply to it),
    from the library: no type names compared."""
    return sched.flags()

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

    _kind = 0  # LRSCHED_FLAG_* bits, set when bound

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
        self._kind = _flags(self)
        self.optimizer = optimizer
        if mirror is not None:
            self._mirror = mirror
            self._foreign = True
            mirror.sync_out(optimizer)

    def _bind_json(self, optimizer, spec):
        text = spec if isinstance(spec, str) else _dumps(spec)
        self._bind(optimizer, lambda h: self._init_json(h, text))

    # -- stepping (the backend's step() runs the hot path itself) -------------------------

    def _step_slow(self, *args, **kwargs):
        """step() off the backend's fast path: with arguments, for composites, with
        lr_lambdas, on a foreign optimizer, or while the optimizer is busy."""
        if self._kind & _FLAG_METRIC and len(args) == 1 and not kwargs and not self._foreign:
            return self._step_metric(args[0])  # step(metrics), ReduceLROnPlateau's usual call
        self._check()
        if self._foreign:
            return self._foreign_step(*args, **kwargs)
        return self._raw_step(*args, **kwargs)

    def _foreign_step(self, *args, **kwargs):
        opt = self.optimizer
        m = self._mirror
        m.sync_in(opt)
        self._raw_step(*args, **kwargs)
        m.sync_out(opt)

    def _raw_step(self, *args, **kwargs):
        """step() without the foreign-optimizer synchronisation: torch's arguments, then
        the backend's raw step."""
        kind = self._kind
        metrics, epoch = _stepping.step_args(kind & B.FLAG_METRIC, args, kwargs)
        if kind & B.FLAG_METRIC:
            if epoch is not _stepping.MISSING and epoch is not None:
                raise TypeError(_stepping.PLATEAU_EPOCH_ERROR)
            return self._step() if metrics is _stepping.MISSING else self._step_metric(metrics)
        if epoch is _stepping.MISSING or epoch is None:
            return self._step()
        e = _stepping.real(epoch)
        if not kind & (B.FLAG_FRACTIONAL_EPOCH | B.FLAG_NO_EPOCH):
            # Attributed to step()'s caller: _raw_step, _step_slow, the backend's frames.
            warnings.warn(_stepping.STEP_EPOCH_WARNING, UserWarning, stacklevel=3 + B.STEP_WRAPPER_FRAMES)
        return self._step_epoch(e)

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
    """(lrs, momenta or None): bytearrays for n x groups float64 values."""
    if not -(1 << 63) <= n < (1 << 63):
        raise OverflowError("Python int too large to convert to C long")
    total = n * groups if n > 0 else 0
    if total > sys.maxsize // 8:
        raise MemoryError("preview too large")
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

__all__ = ["LRScheduler", *classes, "from_spec", "preview"]
