"""LRScheduler over the backend's Scheduler, and the schedulers that take Python objects
(lr functions, child schedulers): LambdaLR, MultiplicativeLR, SequentialLR,
ChainedScheduler. The others are generated (_schedulers_gen). Runs once per package
(see _lrsched_api.load)."""

from __future__ import annotations

import json
import types
import warnings
from collections import Counter

from _lrsched_api import _stepping
from _lrsched_api._values import (
    OMIT,
    spec_value,
    _decode_state,
    _dumps,
    _dumps_spec,
    _encode_state,
    _int64,
    _int_arg,
    _scalar,
)

from _lrsched_api import _copies

from ._optim import _resolve

_GET_LR_WARNING = "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."

# Seeded by _lrsched_api.load() before this module runs: the package's backend module
# (lrsched._lrsched or lrsched_ctypes._capi) and the package's name (for messages).
B = _backend  # noqa: F821
module_name = _module_name  # noqa: F821
_Scheduler = B.Scheduler



_FLAG_METRIC = B.FLAG_METRIC
_FLAG_STEP_AT = B.FLAG_STEP_AT_EPOCH | B.FLAG_STEP_AT_UPDATE  # timm's schedulers


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
    ``lrsched``).

    Subclass it as torch's to write a schedule in Python: override ``get_lr()``
    (chainable, reading ``group["lr"]`` from ``self.optimizer.param_groups``, or closed
    form from ``self.base_lrs`` and ``self.last_epoch``; optionally
    ``_get_closed_form_lr()``, used by ``step(epoch)``), set your attributes, then call
    ``super().__init__(optimizer, last_epoch)``: torch's ``LRScheduler.__init__``
    (``initial_lr``, ``base_lrs``, the first step). The library calls ``get_lr()`` at each
    step (``self._is_initial`` is true during the first); an exception it raises
    propagates out of ``step()`` as itself and the step changes nothing. Its
    ``state_dict()`` is torch's: the base keys and every attribute you set.
    """

    _kind = 0  # LRSCHED_FLAG_* bits, set when bound

    def step_update(self, num_updates, metric=None):
        """timm's ``step_update(num_updates, metric=None)``: the schedule after
        ``num_updates`` optimizer updates (a timm scheduler with ``t_in_epochs=False``;
        with ``t_in_epochs=True`` it only records the metric). TypeError for the others."""
        self._check()
        if self._foreign:
            self._mirror.sync_in(self.optimizer)
        self._step_at(num_updates, True, metric)
        if self._foreign:
            self._mirror.sync_out(self.optimizer)

    @property
    def _steps_at_index(self):
        """timm's stepping: "epoch" (step(t)), "update" (step_update(t)) or None."""
        kind = self._kind
        return "epoch" if kind & B.FLAG_STEP_AT_EPOCH else "update" if kind & B.FLAG_STEP_AT_UPDATE else None

    @property
    def _steps_on_metric(self):
        """Whether step() takes a metric (ReduceLROnPlateau, transformers' GreedyLR)."""
        return bool(self._kind & _FLAG_METRIC)

    def __init__(self, optimizer, last_epoch=-1):
        """torch's ``LRScheduler.__init__(optimizer, last_epoch=-1)`` for a subclass that
        overrides ``get_lr()``."""
        if type(self).get_lr is LRScheduler.get_lr:
            raise NotImplementedError(
                f"{type(self).__name__} does not override get_lr(): subclass lrsched.LRScheduler with a "
                "get_lr(), or use one of the schedulers"
            )
        self._bind_custom(optimizer, last_epoch)

    def _bind_custom(self, optimizer, last_epoch):
        le = _int_arg(last_epoch, type(self).__name__, "last_epoch")
        closed = hasattr(type(self), "_get_closed_form_lr")
        self._bind(optimizer, lambda h: self._init_custom(h, self._custom_lrs, closed, le))
        self._rebuild_args = ("custom",)
        self._initial_step()  # the last line of torch's __init__, once self is usable

    def _custom_lrs(self, epoch, flags):
        """The library's call of a subclass's get_lr() (or _get_closed_form_lr())."""
        d = self.__dict__
        d["_is_initial"] = bool(flags & B.LRS_INITIAL)
        d["_get_lr_called_within_step"] = True
        try:
            return self._get_closed_form_lr() if flags & B.LRS_CLOSED_FORM else self.get_lr()
        finally:
            d["_is_initial"] = False
            d["_get_lr_called_within_step"] = False

    def _rebind_custom(self, optimizer, state):
        """A subclass rebuilt by copy/pickle: its attributes from the state, then bound."""
        self.__dict__.update({k: v for k, v in state.items() if k not in _CUSTOM_BASE_KEYS})
        self._bind_custom(optimizer, -1)

    # -- construction helpers --------------------------------------------------------

    def _bind(self, optimizer, init, spec_text=None):
        try:
            h, mirror = _resolve(optimizer)
        except TypeError:
            if spec_text is not None:
                _probe(spec_text)  # torch checks its arguments before the optimizer's type
            raise
        if mirror is not None:
            mirror.sync_in(optimizer)
        init(h)
        self._kind = _flags(self)
        self.optimizer = optimizer
        if mirror is not None:
            self._mirror = mirror
            self._foreign = True
            mirror.sync_out(optimizer)

    def _bind_json(self, optimizer, spec, fns=None, attributes=None):
        """Builds from a spec; ``fns``: Python lr functions by key, set on the spec
        (CyclicLR's scale_fn); ``attributes``: what to set on the instance after."""
        text = spec if isinstance(spec, str) else _dumps_spec(spec)
        if fns:
            self._bind(optimizer, lambda h: self._init_json_fns(h, text, dict(fns), {}), text)
        else:
            self._bind(optimizer, lambda h: self._init_json(h, text), text)
        if attributes:
            self.__dict__.update(attributes)
        self._rebuild_args = ("json", text, dict(fns or {}), attributes)

    def _rebind_spec(self, optimizer, type_name, kinds, args):
        """Builds again from ``_specs.bind_spec``'s arguments (copies of a scheduler
        built with Python functions of a float)."""
        from ._specs import bind_spec  # (_specs runs after this module)

        bind_spec(self, optimizer, type_name, kinds, args)

    def _bind_spec(self, optimizer, type_name, **args):
        """Builds the library scheduler ``type_name`` from its arguments, each passed as
        its kind says (the generated classes' constructors; ``_schedulers_gen.KINDS``)."""
        from ._schedulers_gen import KINDS  # (_schedulers_gen runs after this module)

        spec = {"type": type_name}
        fns, attributes = {}, {}
        for name, value in args.items():
            kind = KINDS[type_name][name]
            if kind == "scale_fn" and value is not None:
                # A Python scale function, called by the library (torch's _scale_fn_custom).
                if not callable(value):
                    raise TypeError(f"{type_name}: '{name}' must be callable or None, got {type(value).__name__}")
                fns[name] = value
                attributes["_scale_fn_custom"] = value
                continue
            v = spec_value(value, kind, type_name, name)
            if v is not OMIT:
                spec[name] = v
        self._bind_json(optimizer, spec, fns, attributes)

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
        if kind & _FLAG_STEP_AT:  # timm's step(epoch, metric=None)
            t, metric = _stepping.timm_args("epoch", args, kwargs)
            return self._step_at(t, False, metric)
        metrics, epoch = _stepping.step_args(kind & B.FLAG_METRIC, args, kwargs)
        if kind & B.FLAG_METRIC:
            if epoch is not _stepping.MISSING and epoch is not None:
                raise TypeError(_stepping.PLATEAU_EPOCH_ERROR)
            return self._step() if metrics is _stepping.MISSING else self._step_metric(metrics)
        if epoch is _stepping.MISSING or epoch is None:
            return self._step()
        # Int epochs (numpy ints, integer tensors too) exactly: a float rounds past 2**53.
        n = epoch if isinstance(epoch, (int, float)) else _scalar(epoch)
        exact = isinstance(n, int)
        e = _int64(int(n), type(self).__name__, "epoch") if exact else _stepping.real(epoch)
        if not kind & (B.FLAG_FRACTIONAL_EPOCH | B.FLAG_NO_EPOCH):
            # Attributed to step()'s caller: _raw_step, _step_slow, the backend's frames.
            warnings.warn(_stepping.STEP_EPOCH_WARNING, UserWarning, stacklevel=3 + B.STEP_WRAPPER_FRAMES)
        return self._step_epoch_int(e) if exact else self._step_epoch(e)

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
        if self._foreign:  # groups added to the foreign optimizer since the last step
            self._mirror.sync_in(self.optimizer)
        self._state_load(_dumps(_encode_state(self._pre_load(state_dict))))

    def _fix_state(self, state):
        """Adds what only Python knows (LambdaLR's callable objects, children's, a custom
        scale_fn's, a subclass's attributes) and torch's Python types (MultiStepLR's
        milestones: a Counter)."""
        ms = state.get("milestones")
        if isinstance(ms, dict):  # the library's {"2": 1, "6": 2}
            state["milestones"] = Counter({int(m): c for m, c in ms.items()})
        children = self._children
        if children is not None and isinstance(state.get("_schedulers"), list):
            if len(children) == len(state["_schedulers"]):
                state["_schedulers"] = [c._fix_state(s) for c, s in zip(children, state["_schedulers"])]
        d = self.__dict__
        if "_scale_fn_custom" in d:  # torch saves a callable object's __dict__, else None
            state["_scale_fn_custom"] = _function_state(d["_scale_fn_custom"])
        if d.get("_rebuild_args", ("",))[0] == "custom":  # torch: every __dict__ entry
            state.update({k: v for k, v in d.items() if k not in _PRIVATE_KEYS})
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
        d = self.__dict__
        if "_scale_fn_custom" in d and "_scale_fn_custom" in state:
            saved = state["_scale_fn_custom"]
            if isinstance(saved, dict):
                d["_scale_fn_custom"].__dict__.update(saved)
            state = dict(state, _scale_fn_custom=None)
        if d.get("_rebuild_args", ("",))[0] == "custom":
            d.update({k: v for k, v in state.items() if k not in _CUSTOM_BASE_KEYS})
            state = {k: v for k, v in state.items() if k in _CUSTOM_BASE_KEYS}
        return state

    # -- misc --------------------------------------------------------------------------

    def preview(self, n, metrics=None, momentum=False):
        """The next ``n`` lrs that stepping this scheduler would give, without
        changing it or its optimizer: float64 of shape ``(n, groups)`` (a numpy array
        when numpy is importable, else a memoryview). ReduceLROnPlateau needs
        ``metrics`` (one per step). With ``momentum=True``: ``(lrs, momenta)``."""
        from ._specs import preview  # (_specs runs after this module)

        return preview([self], n, metrics=metrics, momentum=momentum)

    def __reduce__(self):
        # copy.deepcopy and pickle: rebuilt from the construction arguments, then the
        # state loaded (the optimizer is an argument: pickled with it, it stays shared).
        args = self.__dict__.get("_rebuild_args")
        if args is None:
            raise TypeError(f"cannot pickle '{type(self).__name__}' object: it was not constructed")
        # Attributes of the caller's (a subclass's, or set on the instance), as torch's
        # copies keep its __dict__; the custom path has them in its state.
        extras = {k: v for k, v in self.__dict__.items() if k not in _CONSTRUCTED_KEYS}
        return (_copies.rebuild, (type(self), self.optimizer, args, self.state_dict(), extras))

    # -- torch's internals: torch's SequentialLR, ChainedScheduler and frameworks -------

    _get_lr_called_within_step = False

    def _initial_step(self):
        """torch's ``_initial_step()``: ``_step_count = 0``, then one step with
        ``_is_initial`` set (torch's SequentialLR calls it on its first child)."""
        self._synced(self._initial_step_raw)

    def _update_lr(self, epoch=None):
        """torch's ``_update_lr(epoch)``: ``last_epoch += 1`` and the chainable form, or
        ``last_epoch = epoch`` and the closed form (SequentialLR: ``_update_lr(0)`` at a
        milestone). ``_step_count`` is unchanged."""
        self._synced(lambda: self._update_lr_raw(None if epoch is None else _int_arg(epoch, type(self).__name__, "epoch")))

    def get_lr(self):
        """torch's ``get_lr()``: the lrs the schedule computes at the current
        ``last_epoch`` from the current group lrs (nothing changes). Outside ``step()``
        it warns as torch: use ``get_last_lr()`` for the last lrs."""
        if not self._get_lr_called_within_step:
            warnings.warn(_GET_LR_WARNING, UserWarning, stacklevel=2)
        return self._compute_lr()

    def _compute_lr(self):
        """get_lr() without the warning."""
        self._check()
        if self._foreign:
            self._mirror.sync_in(self.optimizer)
        return self._get_lr_raw()

    def _synced(self, call):
        """A raw library call that changes the lrs, synchronised with a foreign optimizer."""
        self._check()
        if self._foreign:
            self._mirror.sync_in(self.optimizer)
        call()
        if self._foreign:
            self._mirror.sync_out(self.optimizer)

    def __repr__(self):
        try:
            info = f"last_epoch={self.last_epoch}"
        except Exception:
            info = "unbound"
        return f"<{module_name}.{type(self).__name__} {info}>"

# A subclass's state: the library's base keys, and its own attributes (torch's
# state_dict(): every __dict__ entry but the optimizer) without lrsched's bookkeeping.
_CUSTOM_BASE_KEYS = frozenset(
    {"base_lrs", "last_epoch", "_step_count", "_is_initial", "_get_lr_called_within_step", "_last_lr"}
)
# What construction sets on an instance (the rest is the caller's: copies keep it).
_CONSTRUCTED_KEYS = frozenset(
    {"optimizer", "_mirror", "_foreign", "_kind", "_rebuild_args", "lr_lambdas", "_milestones", "_schedulers",
     "_scale_fn_custom", "_real_functions", "_is_initial", "_get_lr_called_within_step"}
)
_PRIVATE_KEYS = frozenset(
    {"optimizer", "_mirror", "_kind", "_rebuild_args", "_is_initial", "_get_lr_called_within_step"}
)


def _function_state(f):
    """What torch saves of a callable: None for a plain function, else its __dict__."""
    return None if isinstance(f, types.FunctionType) or not hasattr(f, "__dict__") else f.__dict__.copy()


class _LambdaBase(LRScheduler):
    _multiplicative = False

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        name = type(self).__name__
        h, mirror = _resolve(optimizer)
        n = h.group_count() if mirror is None else len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            # A list of one is torch's error with several groups; the C call would read one
            # function as one for every group, so the count is checked here.
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
        self._rebuild_args = ("init", (optimizer, lr_lambda, last_epoch), {}, _LambdaBase)

    def _fix_state(self, state):
        fns = self.__dict__.get("lr_lambdas")
        if fns is not None:
            state["lr_lambdas"] = [_function_state(f) for f in fns]
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
            state["lr_lambdas"] = [None if isinstance(e, dict) else e for e in entries]  # the core checks the rest
        return state

class LambdaLR(_LambdaBase):
    """``LambdaLR(optimizer, lr_lambda, last_epoch=-1)``: lr = base_lr * lr_lambda(epoch).

    ``lr_lambda`` is a callable of the epoch counter (an int) or a list of them, one
    per group. Its result must be a real number (``lambda e: 0.95 ** e`` or
    ``lambda e: e // 10``; a str, None or complex is a TypeError). An exception it raises propagates out of ``step()`` (or
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
        self._rebuild_args = ("init", (optimizer, children, ms, last_epoch), {}, SequentialLR)

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
        self._rebuild_args = ("init", (children, optimizer), {}, ChainedScheduler)

def _probe(spec_text):
    """Builds the spec on a scratch optimizer, for the error its arguments alone give."""
    scratch = B.Optimizer.from_json(_dumps({"lr": 0.1, "momentum": 0.9}))
    try:
        B.Scheduler()._init_json(scratch, spec_text)
    except (ValueError, ZeroDivisionError):
        raise
    except Exception:
        pass


def _check_children(children, owner):
    for i, c in enumerate(children):
        if not isinstance(c, _Scheduler):
            if not hasattr(c, "optimizer"):
                raise TypeError(f"{owner} at index {i} should have `optimizer` as its attribute.")
            raise TypeError(
                f"{owner} at index {i}: {type(c).__name__} is not a {module_name} scheduler "
                f"({module_name} composes only its own schedulers)"
            )


__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "SequentialLR", "ChainedScheduler"]
