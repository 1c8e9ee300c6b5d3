"""The ctypes backend of lrsched_ctypes: liblrsched.so through ctypes, pure Python.

It offers exactly what the extension module ``lrsched._lrsched`` offers (an
``Optimizer`` handle type, a subclassable ``Scheduler`` handle type, ``preview``,
``version``, the header's constants), with the same behaviour and exceptions, so that
the torch-style API in ``_lrsched_api`` runs unchanged on either. It never imports the
``lrsched`` package (nor its extension): the library is loaded by path.

Every function of include/lrsched.h gets its ``argtypes`` and ``restype`` declared from
``_decls.py``, generated from the header by tools/gen_ctypes.py (``make regen-python``);
this module holds only the wrappers.
The library is opened with ``ctypes.PyDLL``: calls keep the GIL, which serialises them
as the extension's calls are serialised (library objects are not thread-safe). Python
lr_lambdas are called through one ``CFUNCTYPE`` trampoline; when one raises, the
trampoline stores the exception, returns non-zero, and the caller re-raises it after the
library call returns.
"""

from __future__ import annotations

import ctypes
import operator
import os
import sys
import threading
from ctypes import (
    POINTER,
    byref,
    c_char,
    c_char_p,
    c_double,
    c_float,
    c_int,
    c_int64,
    c_size_t,
    c_ssize_t,
    c_uint32,
    c_void_p,
    py_object,
)

__all__ = ["Optimizer", "Scheduler", "Model", "Sgd", "Trainer", "preview", "version", "status_string",
           "library_path"]

# --- Constants and prototypes of include/lrsched.h (generated: _decls.py) ---------------

from _lrsched_api._stepping import real as _real

from . import _decls
from ._decls import *  # noqa: F403 - the header's constants (OK, KEY_LR, STEP_EPOCH, ...)

HEADER_VERSION_NUMBER = _decls.VERSION_NUMBER

_SMALL_GROUPS = 16

# --- Loading ----------------------------------------------------------------------------


def _find_library() -> str:
    """LRSCHED_LIBRARY, else liblrsched.so.0 installed beside the extension (in the
    lrsched package directory of the same site-packages), found without importing it."""
    env = os.environ.get("LRSCHED_LIBRARY")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    candidate = os.path.join(os.path.dirname(here), "lrsched", "liblrsched.so.0")
    if os.path.exists(candidate):
        return candidate
    import importlib.util  # only on this unusual path (split installs)

    spec = importlib.util.find_spec("lrsched")
    for d in (spec.submodule_search_locations or []) if spec else []:
        candidate = os.path.join(d, "liblrsched.so.0")
        if os.path.exists(candidate):
            return candidate
    raise ImportError(
        "lrsched_ctypes: cannot find liblrsched.so.0 (looked beside the lrsched package); "
        "set LRSCHED_LIBRARY to its path"
    )


library_path = _find_library()
_lib = ctypes.PyDLL(library_path)


def _declare(lib, names=None):
    """Sets restype and argtypes of lib's functions from _decls.PROTOTYPES (every one, or
    those named); returns the names lib does not export."""
    missing = []
    for name in _decls.PROTOTYPES if names is None else names:
        try:
            f = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        f.restype, argtypes = _decls.PROTOTYPES[name]
        f.argtypes = list(argtypes)
    return missing


LR_FN = _decls.lrsched_lr_fn
REAL_FN = _decls.lrsched_real_fn
# Python frames between the caller of step() and the shared _step_slow(): step() itself.
STEP_WRAPPER_FRAMES = 1

# The ABI first: a library of another ABI must not be called (nor even declared).
_declare(_lib, ["lrsched_abi_version"])
if _lib.lrsched_abi_version() != ABI_VERSION:
    raise ImportError(
        f"liblrsched ABI mismatch: lrsched_ctypes is written for ABI {ABI_VERSION}, "
        f"{library_path} has ABI {_lib.lrsched_abi_version()}"
    )
# Every prototype (the names the library lacks, none for a library of this header).
_MISSING_FUNCTIONS = frozenset(_declare(_lib))

# The same functions through a CDLL (which releases the GIL during the call), for fits,
# forwards and losses that call no Python code: other threads run meanwhile, kept off the
# model and optimizers by the busy marks.
_nogil = ctypes.CDLL(library_path)
_declare(_nogil, ["lrsched_trainer_fit", "lrsched_trainer_loss", "lrsched_model_forward"])
_fit_nogil = _nogil.lrsched_trainer_fit
_loss_nogil = _nogil.lrsched_trainer_loss
_forward_nogil = _nogil.lrsched_model_forward

LIBRARY_VERSION_NUMBER = _lib.lrsched_version_number()

# Hot-path functions as module globals (no attribute lookups per call).
_scheduler_step = _lib.lrsched_scheduler_step
_scheduler_step_metric = _lib.lrsched_scheduler_step_metric
_scheduler_step_epoch = _lib.lrsched_scheduler_step_epoch
_scheduler_step_epoch_int = _lib.lrsched_scheduler_step_epoch_int
_scheduler_step_at = _lib.lrsched_scheduler_step_at
_scheduler_last_lr = _lib.lrsched_scheduler_last_lr
# The same C function as a second ctypes object whose pointer parameters are declared
# void *: get_last_lr() passes precomputed addresses (ints), which skips ctypes' per-call
# pointer conversions (the typed declaration above costs ~2x more per call).
_scheduler_last_lr_addr = _lib["lrsched_scheduler_last_lr"]
_scheduler_last_lr_addr.restype = c_int
_scheduler_last_lr_addr.argtypes = [c_void_p, c_void_p, c_size_t, c_void_p]
_optimizer_get = _lib.lrsched_optimizer_get
_last_error = _lib.lrsched_last_error

# --- Errors -----------------------------------------------------------------------------

_EXCEPTIONS = {
    VALUE_ERROR: ValueError,
    TYPE_ERROR: TypeError,
    KEY_ERROR: KeyError,
    RUNTIME_ERROR: RuntimeError,
    ZERO_DIVISION_ERROR: ZeroDivisionError,
    NOT_IMPLEMENTED_ERROR: NotImplementedError,
    OUT_OF_MEMORY: MemoryError,
    OVERFLOW_ERROR: OverflowError,
}

# The exception an lr_lambda raised during the current library call, per thread.
_tls = threading.local()
_tls.exc = None


def _pending():
    return getattr(_tls, "exc", None)


def _raise(status: int):
    """Raises the exception for a non-zero status (the extension's raise_from_status): a
    stored lr_lambda exception first, as itself; otherwise the builtin of the same kind
    with lrsched_last_error()'s message."""
    exc = getattr(_tls, "exc", None)
    if exc is not None:
        _tls.exc = None
        raise exc
    msg = _last_error().decode("utf-8", "replace")
    cls = _EXCEPTIONS.get(status)
    if cls is KeyError and len(msg) >= 2 and msg[0] == msg[-1] == "'" and "'" not in msg[1:-1]:
        raise KeyError(msg[1:-1])  # one quoted key: the key itself, as torch raises it
    if cls is not None:
        raise cls(msg)
    name = _lib.lrsched_status_string(status).decode()
    if status == CALLBACK_FAILED:
        raise RuntimeError(f"lr_lambda failed: {msg}")
    if status in (NULL_ARGUMENT, BUFFER_TOO_SMALL):
        raise RuntimeError(f"internal error in the lrsched bindings ({name}): {msg}")
    raise RuntimeError(f"lrsched error {status} ({name}): {msg}")


def _check_after_callbacks(status: int):
    if status or getattr(_tls, "exc", None) is not None:
        _raise(status)


@LR_FN
def _lr_fn_trampoline(epoch, user, out):
    # The library calls this during a step, on the stepping thread.
    if getattr(_tls, "exc", None) is not None:
        return 1  # an earlier callback of this call failed: keep its exception
    try:
        fn = ctypes.cast(user, py_object).value  # kept alive by the scheduler
        out[0] = _real(fn(epoch))  # ints such as e // 10 are fine
        return 0
    except BaseException as e:  # noqa: BLE001 - stored, re-raised by the caller
        _tls.exc = e
        return 1


@REAL_FN
def _real_fn_trampoline(x, user, out):
    # A function of a float (timm's WSD decay_fn), called as the lr functions are.
    if getattr(_tls, "exc", None) is not None:
        return 1
    try:
        fn = ctypes.cast(user, py_object).value  # kept alive by the scheduler
        out[0] = _real(fn(x))
        return 0
    except BaseException as e:  # noqa: BLE001 - stored, re-raised by the caller
        _tls.exc = e
        return 1


@_decls.lrsched_lrs_fn
def _lrs_fn_trampoline(epoch, flags, user, lrs, n_groups):
    # A Python LRScheduler subclass's get_lr(): user is its _custom_lrs(epoch, flags).
    if getattr(_tls, "exc", None) is not None:
        return 1
    try:
        fn = ctypes.cast(user, py_object).value  # kept alive by the scheduler
        values = list(fn(epoch, flags))
        if len(values) != n_groups:
            raise ValueError(f"get_lr() returned {len(values)} lrs for {n_groups} param groups")
        for i, v in enumerate(values):
            lrs[i] = _real(v)
        return 0
    except BaseException as e:  # noqa: BLE001 - stored, re-raised by the caller
        _tls.exc = e
        return 1


# --- Busy marks (see the extension: threads and callbacks) -----------------------------


def _busy_error():
    raise RuntimeError(
        "this lrsched optimizer (or a scheduler on it) is in use by another thread; "
        "lrsched objects must be used from one thread at a time"
    )


def _check_busy(opt):
    if opt._busy and opt._busy_owner != threading.get_ident():
        _busy_error()


class _Busy:
    """Marks an optimizer busy for the duration of a call that may run Python code."""

    __slots__ = ("opt", "saved")

    def __init__(self, opt):
        self.opt = opt

    def __enter__(self):
        o = self.opt
        self.saved = (o._busy, o._busy_owner)
        o._busy = 1
        o._busy_owner = threading.get_ident()

    def __exit__(self, *exc):
        self.opt._busy, self.opt._busy_owner = self.saved


# --- Buffers ----------------------------------------------------------------------------


def _read_doubles(fn, handle):
    buf = (c_double * _SMALL_GROUPS)()
    n = c_size_t(0)
    rc = fn(handle, buf, _SMALL_GROUPS, byref(n))
    if rc == OK:
        return buf[: n.value]
    if rc != BUFFER_TOO_SMALL:
        _raise(rc)
    buf = (c_double * n.value)()
    rc = fn(handle, buf, n.value, byref(n))
    if rc:
        _raise(rc)
    return buf[: n.value]


def _read_text(fn, handle):
    n = c_size_t(0)
    buf = ctypes.create_string_buffer(1024)
    rc = fn(handle, buf, 1024, byref(n))
    if rc == BUFFER_TOO_SMALL:
        buf = ctypes.create_string_buffer(n.value)
        rc = fn(handle, buf, n.value, byref(n))
    if rc:
        _raise(rc)
    return buf.raw[: max(n.value - 1, 0)].decode("utf-8")


def _utf8(s, what):
    if not isinstance(s, str):
        raise TypeError(f"{what} must be str, not {type(s).__name__}")
    return s.encode("utf-8")


def _int64(x):
    v = x.__index__() if not isinstance(x, int) else x
    if not -(1 << 63) <= v < (1 << 63):
        raise OverflowError("Python int too large to convert to C long")
    return v


# --- Optimizer --------------------------------------------------------------------------


class _Owned:
    """A library handle owned by one Python object: freed once, when the object dies;
    never pickled (the library objects have no pickle form, their states do)."""

    __slots__ = ()
    _free = None  # the class's lrsched_*_free
    _pickle_hint = ""

    def __del__(self):
        # Class attributes outlive module globals at interpreter exit.
        h = getattr(self, "_h", None)
        if h is not None and h.value:
            self._h = None
            type(self)._free(h)

    def __reduce__(self):
        raise TypeError(f"cannot pickle '{type(self).__name__}' object{self._pickle_hint}")


class Optimizer(_Owned):
    """An lrsched_optimizer handle: the parameter groups schedulers act on. Private:
    build one with Optimizer.from_json() or Optimizer.create(); use lrsched_ctypes.SGD."""

    _free = _lib.lrsched_optimizer_free
    _pickle_hint = " (use state_save())"

    __slots__ = ("_h", "_busy", "_busy_owner", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create 'lrsched_ctypes._capi.Optimizer' instances")

    @classmethod
    def _wrap(cls, handle):
        self = object.__new__(cls)
        self._h = handle
        self._busy = 0
        self._busy_owner = 0
        return self

    @classmethod
    def from_json(cls, spec):
        """An optimizer state from a JSON spec (lrsched_optimizer_create_from_json)."""
        b = _utf8(spec, "spec")
        h = c_void_p()
        rc = _lib.lrsched_optimizer_create_from_json(b, len(b), byref(h))
        if rc:
            _raise(rc)
        return cls._wrap(h)

    @classmethod
    def create(cls, n_groups, lr, momentum, momentum_kind):
        """n_groups groups with lr and momentum (lrsched_optimizer_create)."""
        n = n_groups.__index__()
        if n < 0:
            raise ValueError("n_groups must be >= 0")
        h = c_void_p()
        rc = _lib.lrsched_optimizer_create(n, float(lr), float(momentum), int(momentum_kind), byref(h))
        if rc:
            _raise(rc)
        return cls._wrap(h)

    def _check(self):
        if self._h is None:
            raise RuntimeError("lrsched optimizer is not initialized")
        if self._busy:
            _check_busy(self)

    @staticmethod
    def _group_key(group, key):
        g = group.__index__()
        k = key.__index__()
        if g < 0:
            raise IndexError("param group index out of range")
        if not -(1 << 31) <= k < (1 << 31):
            raise ValueError("unknown param group key")
        return g, k

    def get(self, group, key):
        """param_groups[group][key] as a float (KeyError if the group lacks an optional key)."""
        g, k = self._group_key(group, key)
        self._check()
        out = c_double()
        rc = _optimizer_get(self._h, g, k, byref(out))
        if rc:
            _raise(rc)
        return out.value

    def set(self, group, key, value):
        """param_groups[group][key] = value (a finite float)."""
        g, k = self._group_key(group, key)
        v = _real(value)
        self._check()
        rc = _lib.lrsched_optimizer_set(self._h, g, k, v)
        if rc:
            _raise(rc)

    def has(self, group, key):
        """Whether param_groups[group] holds key."""
        g, k = self._group_key(group, key)
        self._check()
        out = c_int()
        rc = _lib.lrsched_optimizer_has(self._h, g, k, byref(out))
        if rc:
            _raise(rc)
        return bool(out.value)

    def unset(self, group, key):
        """del param_groups[group][key] for an optional key (absent: no error)."""
        g, k = self._group_key(group, key)
        self._check()
        rc = _lib.lrsched_optimizer_unset(self._h, g, k)
        if rc:
            _raise(rc)

    def group_count(self):
        """The number of parameter groups."""
        self._check()
        out = c_size_t()
        rc = _lib.lrsched_optimizer_group_count(self._h, byref(out))
        if rc:
            _raise(rc)
        return out.value

    def momentum_kind(self):
        """MOMENTUM_SGD (0), MOMENTUM_BETAS (1) or MOMENTUM_NONE (2)."""
        self._check()
        out = c_int()
        rc = _lib.lrsched_optimizer_momentum_kind(self._h, byref(out))
        if rc:
            _raise(rc)
        return out.value

    def lrs(self):
        """Every group's lr, as a list of floats."""
        self._check()
        return _read_doubles(_lib.lrsched_optimizer_lrs, self._h)

    def add_group(self, lr, momentum):
        """Appends a group with the defaults but lr and momentum."""
        lr = float(lr)
        momentum = float(momentum)
        self._check()
        rc = _lib.lrsched_optimizer_add_group(self._h, lr, momentum)
        if rc:
            _raise(rc)

    def state_save(self):
        """The optimizer state as JSON text (torch's optimizer.state_dict() shape)."""
        self._check()
        return _read_text(_lib.lrsched_optimizer_state_save, self._h)

    def state_load(self, json):
        """Restores a state saved by state_save()."""
        b = _utf8(json, "json")
        self._check()
        rc = _lib.lrsched_optimizer_state_load(self._h, b, len(b))
        if rc:
            _raise(rc)


# --- Scheduler --------------------------------------------------------------------------

_NO_ARG = object()


def _float_arg(x):
    """float(x) as the extension's PyFloat_AsDouble converts it: the same TypeError
    ("must be real number, not NoneType") for what is no real number (str, None, complex)."""
    return _real(x)


class Scheduler(_Owned):
    """An lrsched_scheduler handle: the base class of lrsched_ctypes' scheduler classes
    (StepLR, ...), whose __init__ binds it with one of the _init_* methods."""

    _free = _lib.lrsched_scheduler_free

    # Instance attributes (subclasses also get a __dict__ for their own).
    __slots__ = (
        "_h", "_optobj", "_last_lr", "_callbacks", "_children_t", "_foreign_flag", "_has_cb", "_fast", "_buf",
        "_count", "_buf_addr", "_count_addr", "__weakref__",
    )

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        self._h = None
        self._optobj = None
        self._last_lr = None
        self._callbacks = None
        self._children_t = None
        self._foreign_flag = False
        self._has_cb = False
        self._fast = False
        self._buf = (c_double * _SMALL_GROUPS)()
        self._count = c_size_t(0)
        self._buf_addr = ctypes.addressof(self._buf)
        self._count_addr = ctypes.addressof(self._count)
        return self

    # -- binding ------------------------------------------------------------------------

    def _free_handle(self):
        h = self._h
        if h is not None:
            self._h = None
            _lib.lrsched_scheduler_free(h)

    def _install(self, h, opt, callbacks, children):
        self._free_handle()
        self._h = h
        self._optobj = opt
        self._callbacks = callbacks
        self._children_t = children
        has_cb = callbacks is not None
        if children is not None:
            for c in children:
                has_cb = has_cb or c._has_cb
                c._invalidate()
        self._has_cb = has_cb
        self._last_lr = None
        self._update_fast()

    def _update_fast(self):
        self._fast = (self._h is not None and not self._foreign_flag and not self._has_cb
                      and self._children_t is None)

    def _invalidate(self):
        self._last_lr = None
        if self._children_t is not None:
            for c in self._children_t:
                c._invalidate()

    def _check(self):
        if self._h is None:
            raise RuntimeError("lrsched scheduler is not initialized (its __init__ did not run or failed)")
        opt = self._optobj
        if opt._busy:
            _check_busy(opt)

    def _check_unbound(self):
        # Re-binding would release the callbacks a composite built on the old handle
        # may still call.
        if self._h is not None:
            raise RuntimeError("this scheduler is already initialized")

    @staticmethod
    def _opt_arg(opt, who):
        if not isinstance(opt, Optimizer):
            raise TypeError(f"{who}: expected an lrsched_ctypes._capi.Optimizer, got {type(opt).__name__}")
        opt._check()
        return opt

    def _init_json(self, optimizer, spec):
        """Builds the scheduler from a JSON spec on optimizer (lrsched_scheduler_create_from_json)."""
        self._check_unbound()
        opt = self._opt_arg(optimizer, "_init_json")
        b = _utf8(spec, "spec")
        h = c_void_p()
        rc = _lib.lrsched_scheduler_create_from_json(opt._h, b, len(b), byref(h))
        if rc:
            _raise(rc)
        self._install(h, opt, None, None)

    def _init_json_fns(self, optimizer, spec, lr_fns, real_fns):
        """Builds the scheduler from a JSON spec and dicts of Python functions by key: lr
        functions (lr_lambda, CyclicLR's scale_fn) and functions of a float (timm's WSD
        decay_fn) (lrsched_spec_create_from_json, lrsched_spec_set_lr_fns,
        lrsched_spec_set_real_fn, lrsched_scheduler_create)."""
        self._check_unbound()
        opt = self._opt_arg(optimizer, "_init_json_fns")
        b = _utf8(spec, "spec")
        sp = c_void_p()
        rc = _lib.lrsched_spec_create_from_json(b, len(b), byref(sp))
        if rc:
            _raise(rc)
        h = c_void_p()
        try:
            for key, fn in lr_fns.items():
                rc = _lib.lrsched_spec_set_lr_fns(sp, _utf8(key, "key"), (LR_FN * 1)(_lr_fn_trampoline),
                                                  (c_void_p * 1)(id(fn)), 1)
                if rc:
                    _raise(rc)
            for key, fn in real_fns.items():
                rc = _lib.lrsched_spec_set_real_fn(sp, _utf8(key, "key"), _real_fn_trampoline, id(fn))
                if rc:
                    _raise(rc)
            with _Busy(opt):
                rc = _lib.lrsched_scheduler_create(opt._h, sp, byref(h))
        finally:
            _lib.lrsched_spec_free(sp)
        if rc or _pending() is not None:
            if h.value:
                _lib.lrsched_scheduler_free(h)
            _raise(rc)
        self._install(h, opt, (*lr_fns.values(), *real_fns.values()), None)

    def _init_lambda(self, optimizer, fns, last_epoch, multiplicative):
        """LambdaLR (multiplicative false) or MultiplicativeLR with Python callables."""
        self._check_unbound()
        opt = self._opt_arg(optimizer, "_init_lambda")
        le = _int64(last_epoch)
        fns = tuple(fns)
        n = len(fns)
        cfns = (LR_FN * max(n, 1))(*([_lr_fn_trampoline] * n))
        users = (c_void_p * max(n, 1))(*[id(f) for f in fns])
        create = _lib.lrsched_multiplicative_lr_create if multiplicative else _lib.lrsched_lambda_lr_create
        h = c_void_p()
        with _Busy(opt):
            rc = create(opt._h, cfns, users, n, le, byref(h))
        if rc or _pending() is not None:
            if h.value:
                _lib.lrsched_scheduler_free(h)
            _raise(rc)
        self._install(h, opt, fns, None)

    def _init_custom(self, optimizer, fn, has_closed_form, last_epoch):
        """A Python LRScheduler subclass: fn(epoch, flags) returns every group's lr
        (lrsched_custom_lr_create)."""
        self._check_unbound()
        opt = self._opt_arg(optimizer, "_init_custom")
        le = _int64(last_epoch)
        h = c_void_p()
        with _Busy(opt):
            rc = _lib.lrsched_custom_lr_create(opt._h, _lrs_fn_trampoline, id(fn), 1 if has_closed_form else 0, le,
                                               byref(h))
        if rc or _pending() is not None:
            if h.value:
                _lib.lrsched_scheduler_free(h)
            _raise(rc)
        self._install(h, opt, (fn,), None)

    @staticmethod
    def _children_arg(children, owner):
        children = tuple(children)
        for i, c in enumerate(children):
            if not isinstance(c, Scheduler):
                raise TypeError(f"{owner}: children[{i}] is not a Scheduler")
            c._check()
        arr = (c_void_p * max(len(children), 1))(*[c._h for c in children])
        return children, arr

    def _init_sequential(self, optimizer, schedulers, milestones, last_epoch):
        """SequentialLR over existing child schedulers (lrsched_sequential_lr_create)."""
        self._check_unbound()
        opt = self._opt_arg(optimizer, "_init_sequential")
        le = _int64(last_epoch)
        children, arr = self._children_arg(schedulers, "SequentialLR")
        ms = [_int64(m) for m in milestones]
        ms_arr = (c_int64 * max(len(ms), 1))(*ms)
        has_cb = any(c._has_cb for c in children)
        h = c_void_p()
        if has_cb:
            with _Busy(opt):
                rc = _lib.lrsched_sequential_lr_create(opt._h, arr, len(children), ms_arr, len(ms), le, byref(h))
        else:
            rc = _lib.lrsched_sequential_lr_create(opt._h, arr, len(children), ms_arr, len(ms), le, byref(h))
        if rc or _pending() is not None:
            if h.value:
                _lib.lrsched_scheduler_free(h)
            for c in children:
                c._invalidate()
            _raise(rc)
        self._install(h, opt, None, children)

    def _init_chained(self, schedulers, optimizer):
        """ChainedScheduler over existing child schedulers; optimizer may be None."""
        self._check_unbound()
        opt = None if optimizer is None else self._opt_arg(optimizer, "_init_chained")
        children, arr = self._children_arg(schedulers, "ChainedScheduler")
        if opt is None and children:
            opt = children[0]._optobj
        h = c_void_p()
        rc = _lib.lrsched_chained_scheduler_create(arr, len(children), None if opt is None else opt._h, byref(h))
        if rc:
            _raise(rc)
        self._install(h, opt, None, children)

    # -- stepping -----------------------------------------------------------------------

    def step(self, *args, **kwargs):
        """Advances the schedule by one step (ReduceLROnPlateau: step(metrics)); see lrsched.
        The hot path (a plain scheduler, no arguments) is here; anything else goes to the
        shared API's _step_slow(), which parses torch's arguments and calls the raw steps."""
        if self._fast and not args and not kwargs:
            if self._optobj._busy:
                _check_busy(self._optobj)
            rc = _scheduler_step(self._h)
            self._last_lr = None
            if rc:
                _raise(rc)
            return None
        return self._step_slow(*args, **kwargs)

    def _step(self):
        """lrsched_scheduler_step."""
        return self._raw_call(_scheduler_step, _NO_ARG)

    def _step_metric(self, metric):
        """lrsched_scheduler_step_metric(float(metric))."""
        return self._raw_call(_scheduler_step_metric, metric)

    def _step_epoch(self, epoch):
        """lrsched_scheduler_step_epoch(float(epoch))."""
        return self._raw_call(_scheduler_step_epoch, epoch)

    def _step_epoch_int(self, epoch):
        """lrsched_scheduler_step_epoch_int(epoch): an int epoch, exact (int64, checked by
        the caller)."""
        return self._raw_call(_scheduler_step_epoch_int, epoch)

    def _step_at(self, t, update, metric):
        """lrsched_scheduler_step_at(t, update, metric or NULL): timm's step/step_update."""
        self._check()
        m = None if metric is None else ctypes.byref(c_double(_float_arg(metric)))
        if self._has_cb:  # a Python decay_fn (timm's WSD) may run: the optimizer is busy
            with _Busy(self._optobj):
                rc = _scheduler_step_at(self._h, _int64(t), 1 if update else 0, m)
        else:
            rc = _scheduler_step_at(self._h, _int64(t), 1 if update else 0, m)
        self._invalidate()
        _check_after_callbacks(rc)

    def _raw_call(self, fn, arg):
        self._check()
        exact = type(arg) is float or fn is _scheduler_step_epoch_int
        args = (self._h,) if arg is _NO_ARG else (self._h, arg if exact else _float_arg(arg))
        if self._has_cb:
            with _Busy(self._optobj):
                rc = fn(*args)
        else:
            rc = fn(*args)
        self._invalidate()
        _check_after_callbacks(rc)

    def get_last_lr(self):
        """The lrs this scheduler computed at its last step (a list of floats, one per
        group); the same list object until the next step, as in torch."""
        v = self._last_lr
        if v is not None:
            return v
        if self._h is None or self._optobj._busy:
            self._check()
        rc = _scheduler_last_lr_addr(self._h, self._buf_addr, _SMALL_GROUPS, self._count_addr)
        if rc == OK:
            v = self._buf[: self._count.value]
        elif rc == BUFFER_TOO_SMALL:
            v = _read_doubles(_scheduler_last_lr, self._h)
        else:
            _raise(rc)
        self._last_lr = v
        return v

    @property
    def base_lrs(self):
        """The groups' initial lrs the schedule is computed from (empty for
        ReduceLROnPlateau and composites)."""
        self._check()
        return _read_doubles(_lib.lrsched_scheduler_base_lrs, self._h)

    @property
    def last_epoch(self):
        """The epoch counter (torch's last_epoch)."""
        self._check()
        out = c_int64()
        rc = _lib.lrsched_scheduler_last_epoch(self._h, byref(out))
        if rc:
            _raise(rc)
        return out.value

    def cycle_length(self, cycles):
        """timm's get_cycle_length(cycles) (lrsched_scheduler_cycle_length)."""
        self._check()
        out = c_int64()
        rc = _lib.lrsched_scheduler_cycle_length(self._h, cycles, byref(out))
        if rc:
            _raise(rc)
        return out.value

    def num_epochs(self):
        """timm's create_scheduler_v2 epoch count (lrsched_scheduler_num_epochs)."""
        self._check()
        out = c_int64()
        rc = _lib.lrsched_scheduler_num_epochs(self._h, byref(out))
        if rc:
            _raise(rc)
        return out.value

    @last_epoch.setter
    def last_epoch(self, value):
        """Assigns the epoch counter, as torch's ``sched.last_epoch = value``."""
        self._check()
        rc = _lib.lrsched_scheduler_set_last_epoch(self._h, _int64(operator.index(value)))
        self._invalidate()
        if rc:
            _raise(rc)

    @property
    def _step_count(self):
        """torch's _step_count (1 after construction)."""
        self._check()
        out = c_int64()
        rc = _lib.lrsched_scheduler_step_count(self._h, byref(out))
        if rc:
            _raise(rc)
        return out.value

    def _initial_step_raw(self):
        """torch's _initial_step() (lrsched_scheduler_initial_step)."""
        self._raw_call(_lib.lrsched_scheduler_initial_step, _NO_ARG)

    def _update_lr_raw(self, epoch):
        """torch's _update_lr(epoch); epoch None or an int (lrsched_scheduler_update_lr)."""
        self._check()
        e = 0 if epoch is None else _int64(epoch)
        if self._has_cb:
            with _Busy(self._optobj):
                rc = _lib.lrsched_scheduler_update_lr(self._h, e, 0 if epoch is None else 1)
        else:
            rc = _lib.lrsched_scheduler_update_lr(self._h, e, 0 if epoch is None else 1)
        self._invalidate()
        _check_after_callbacks(rc)

    def _get_lr_raw(self):
        """torch's get_lr() at the current last_epoch, computed on a copy (lrsched_scheduler_get_lr)."""
        self._check()
        if self._has_cb:
            with _Busy(self._optobj):
                v = _read_doubles(_lib.lrsched_scheduler_get_lr, self._h)
        else:
            v = _read_doubles(_lib.lrsched_scheduler_get_lr, self._h)
        _check_after_callbacks(OK)
        return v

    def flags(self):
        """The scheduler's LRSCHED_FLAG_* bits (lrsched_scheduler_flags)."""
        self._check()
        out = c_uint32()
        rc = _lib.lrsched_scheduler_flags(self._h, byref(out))
        if rc:
            _raise(rc)
        return out.value

    @property
    def _type_name(self):
        if self._h is None:
            return None
        return _lib.lrsched_scheduler_type(self._h).decode()

    @property
    def _opt(self):
        return self._optobj

    @property
    def _foreign(self):
        return self._foreign_flag

    @_foreign.setter
    def _foreign(self, value):
        self._foreign_flag = bool(value)
        self._update_fast()

    @property
    def _has_callbacks(self):
        return self._has_cb

    @property
    def _children(self):
        return self._children_t

    def _state_save(self):
        """The scheduler's state as JSON text (lrsched_scheduler_state_save)."""
        self._check()
        return _read_text(_lib.lrsched_scheduler_state_save, self._h)

    def _state_load(self, json):
        """Restores a saved state (lrsched_scheduler_state_load)."""
        b = _utf8(json, "json")
        self._check()
        rc = _lib.lrsched_scheduler_state_load(self._h, b, len(b))
        self._invalidate()
        if rc:
            _raise(rc)


# --- Training: buffers ------------------------------------------------------------------


class _PyBuffer(ctypes.Structure):
    """CPython's Py_buffer (Include/pybuffer.h), for borrowing float32 data in place."""

    _fields_ = [
        ("buf", c_void_p),
        ("obj", c_void_p),
        ("len", c_ssize_t),
        ("itemsize", c_ssize_t),
        ("readonly", c_int),
        ("ndim", c_int),
        ("format", c_char_p),
        ("shape", c_void_p),
        ("strides", c_void_p),
        ("suboffsets", c_void_p),
        ("internal", c_void_p),
    ]


_PyObject_GetBuffer = ctypes.pythonapi.PyObject_GetBuffer
_PyObject_GetBuffer.restype = c_int
_PyObject_GetBuffer.argtypes = [py_object, POINTER(_PyBuffer), c_int]
_PyBuffer_Release = ctypes.pythonapi.PyBuffer_Release
_PyBuffer_Release.restype = None
_PyBuffer_Release.argtypes = [POINTER(_PyBuffer)]
_PyBUF_C_CONTIGUOUS_FORMAT = 0x0020 | 0x0010 | 0x0008 | 0x0004  # PyBUF_C_CONTIGUOUS | PyBUF_FORMAT
_FLOAT32_FORMATS = {b"f", b"@f", b"=f", b"<f" if sys.byteorder == "little" else b">f"}
_ANY = -1


class _Float32:
    """Borrows an object's memory as C-contiguous float32 values (a buffer export held
    until exit, which keeps the object alive and unresizable): ``with _Float32(obj, n,
    "x") as (address, count)``. n: the exact count required, or _ANY."""

    __slots__ = ("obj", "n", "what", "view")

    def __init__(self, obj, n, what):
        self.obj = obj
        self.n = n
        self.what = what
        self.view = None

    def __enter__(self):
        view = _PyBuffer()
        _PyObject_GetBuffer(self.obj, byref(view), _PyBUF_C_CONTIGUOUS_FORMAT)  # raises on failure
        if view.itemsize != 4 or view.format not in _FLOAT32_FORMATS:
            fmt = (view.format or b"B").decode("ascii", "replace")
            _PyBuffer_Release(byref(view))
            raise TypeError(f"{self.what} must be a C-contiguous float32 buffer (format 'f'), got format '{fmt}'")
        count = view.len // 4
        if self.n != _ANY and count != self.n:
            _PyBuffer_Release(byref(view))
            raise ValueError(f"{self.what} holds {count} float32 values, expected {self.n}")
        self.view = view
        return view.buf, count

    def __exit__(self, *exc):
        if self.view is not None:
            _PyBuffer_Release(byref(self.view))
            self.view = None


def _size(x, what):
    v = x.__index__() if not isinstance(x, int) else x
    if v < 0:
        raise ValueError(f"{what} must be >= 0, got {v}")
    return v


def _uint64(x):
    v = x.__index__() if not isinstance(x, int) else x
    if not 0 <= v < (1 << 64):
        raise OverflowError("seed must be between 0 and 2**64 - 1")
    return v


@_decls.lrsched_epoch_fn
def _epoch_fn_trampoline(epoch, lr_start, loss, lr_after, user):
    # The library calls this after every epoch of a fit, on the fitting thread.
    if getattr(_tls, "exc", None) is not None:
        return 1
    try:
        ctypes.cast(user, py_object).value(epoch, lr_start, loss, lr_after)  # kept alive by fit
        return 0
    except BaseException as e:  # noqa: BLE001 - stored, re-raised by the caller
        _tls.exc = e
        return 1


_EPOCH_FN_ADDRESS = ctypes.cast(_epoch_fn_trampoline, c_void_p).value


# --- Training: Model, Sgd, Trainer ------------------------------------------------------


class Model(_Owned):
    """An lrsched_model handle (Linear and ReLU layers). Private: Model.create(); use
    lrsched_ctypes.Linear / Sequential."""

    _free = _lib.lrsched_model_free

    __slots__ = ("_h", "_busy", "_busy_owner", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create 'lrsched_ctypes._capi.Model' instances")

    @classmethod
    def create(cls):
        """An empty model (lrsched_model_create)."""
        h = c_void_p()
        rc = _lib.lrsched_model_create(byref(h))
        if rc:
            _raise(rc)
        self = object.__new__(cls)
        self._h = h
        self._busy = 0
        self._busy_owner = 0
        return self

    def _check(self):
        if self._h is None:
            raise RuntimeError("lrsched model is not initialized")
        if self._busy and self._busy_owner != threading.get_ident():
            raise RuntimeError(
                "this lrsched model is in use by another thread (a fit or forward); "
                "lrsched objects must be used from one thread at a time"
            )

    def add_linear(self, in_features, out_features, seed):
        """Appends nn.Linear(in_features, out_features) initialised from seed."""
        i, o, sd = _int64(in_features), _int64(out_features), _uint64(seed)
        self._check()
        rc = _lib.lrsched_model_add_linear(self._h, i, o, sd)
        if rc:
            _raise(rc)

    def add_relu(self):
        """Appends nn.ReLU()."""
        self._check()
        rc = _lib.lrsched_model_add_relu(self._h)
        if rc:
            _raise(rc)

    def _size_query(self, fn, *args):
        self._check()
        out = c_size_t()
        rc = fn(self._h, *args, byref(out))
        if rc:
            _raise(rc)
        return out.value

    def layer_count(self):
        """The number of layers."""
        return self._size_query(_lib.lrsched_model_layer_count)

    def parameter_count(self):
        """The number of parameter tensors (two per Linear)."""
        return self._size_query(_lib.lrsched_model_parameter_count)

    @staticmethod
    def _index(i):
        i = i.__index__() if not isinstance(i, int) else i
        return i if i >= 0 else (1 << 64) - 1  # negative: the library's out-of-range error

    def parameter_name(self, index):
        """The library's name of a parameter, e.g. "0.weight"."""
        i = self._index(index)
        self._check()
        out = c_char_p()
        rc = _lib.lrsched_model_parameter_name(self._h, i, byref(out))
        if rc:
            _raise(rc)
        return out.value.decode("utf-8")

    def parameter_numel(self, index):
        """The number of values of a parameter."""
        return self._size_query(_lib.lrsched_model_parameter_numel, self._index(index))

    def parameter_shape(self, index):
        """A parameter's shape, a tuple."""
        i = self._index(index)
        self._check()
        dims = (c_size_t * 8)()
        n = c_size_t()
        rc = _lib.lrsched_model_parameter_shape(self._h, i, dims, 8, byref(n))
        if rc:
            _raise(rc)
        return tuple(dims[: n.value])

    def parameter_get(self, index):
        """A parameter's values, flat row-major, as a list of floats."""
        i = self._index(index)
        n = self.parameter_numel(i)
        buf = (c_float * max(n, 1))()
        count = c_size_t()
        rc = _lib.lrsched_model_parameter_get(self._h, i, buf, n, byref(count))
        if rc:
            _raise(rc)
        return buf[: count.value]

    def parameter_set(self, index, values):
        """Overwrites a parameter from a C-contiguous float32 buffer of numel values."""
        i = self._index(index)
        self._check()
        with _Float32(values, _ANY, "values") as (addr, count):
            rc = _lib.lrsched_model_parameter_set(self._h, i, addr, count)
        if rc:
            _raise(rc)

    def forward(self, x, rows, features):
        """model(x) for rows x features float32 inputs: a bytearray of rows x outputs
        float32 values, row-major."""
        rows, features = _size(rows, "rows"), _size(features, "features")
        self._check()
        count = c_size_t()
        rc = _lib.lrsched_model_forward(self._h, None, rows, features, None, 0, byref(count))
        if rc:
            _raise(rc)
        out = bytearray(4 * count.value)
        obuf = (c_char * len(out)).from_buffer(out) if out else None
        written = c_size_t()
        with _Float32(x, rows * features, "x") as (addr, _):
            saved = (self._busy, self._busy_owner)
            self._busy, self._busy_owner = 1, threading.get_ident()
            try:
                rc = _forward_nogil(self._h, addr, rows, features, obuf, count.value, byref(written))
            finally:
                self._busy, self._busy_owner = saved
        del obuf
        if rc:
            _raise(rc)
        return out


class Sgd(_Owned):
    """An lrsched_sgd handle (SGD over a model's parameters). Private: use
    lrsched_ctypes.SGD(model.parameters(), ...)."""

    _free = _lib.lrsched_sgd_free

    __slots__ = ("_h", "_model", "_opt", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create 'lrsched_ctypes._capi.Sgd' instances")

    @classmethod
    def create(cls, model, group_of, lr, momentum, dampening, weight_decay, nesterov, maximize):
        """torch.optim.SGD over every parameter of model (lrsched_sgd_create); group_of:
        None (one group) or one group index per parameter."""
        if not isinstance(model, Model):
            raise TypeError(f"create() argument 1 must be lrsched_ctypes._capi.Model, not {type(model).__name__}")
        if group_of is None:
            arr, n = None, 0
        else:
            g = [_size(v, "a group index") for v in group_of]
            arr, n = (c_size_t * max(len(g), 1))(*g), len(g)
        args = (float(lr), float(momentum), float(dampening), float(weight_decay), int(bool(nesterov)),
                int(bool(maximize)))
        model._check()
        h = c_void_p()
        rc = _lib.lrsched_sgd_create(model._h, arr, n, *args, byref(h))
        if rc:
            _raise(rc)
        oh = c_void_p()
        rc = _lib.lrsched_sgd_optimizer(h, byref(oh))
        if rc:
            _lib.lrsched_sgd_free(h)
            _raise(rc)
        self = object.__new__(cls)
        self._h = h
        self._model = model
        self._opt = Optimizer._wrap(oh)
        return self

    def optimizer(self):
        """The SGD's param groups as an Optimizer handle (always the same object)."""
        return self._opt


class Trainer(_Owned):
    """An lrsched_trainer handle. Private: use lrsched_ctypes.Trainer."""

    _free = _lib.lrsched_trainer_free

    __slots__ = ("_h", "_model", "_sgd", "_scheds", "_has_cb", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create 'lrsched_ctypes._capi.Trainer' instances")

    @classmethod
    def create(cls, model, sgd, schedulers, batch_size, shuffle, drop_last, step_unit, seed):
        """A trainer (lrsched_trainer_create); step_unit: STEP_EPOCH or STEP_BATCH."""
        if not isinstance(model, Model):
            raise TypeError(f"create() argument 1 must be lrsched_ctypes._capi.Model, not {type(model).__name__}")
        if not isinstance(sgd, Sgd):
            raise TypeError(f"create() argument 2 must be lrsched_ctypes._capi.Sgd, not {type(sgd).__name__}")
        bs = batch_size.__index__() if not isinstance(batch_size, int) else batch_size
        if bs < 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={bs}")
        sd = _uint64(seed)
        scheds = tuple(schedulers)
        for i, s in enumerate(scheds):
            if not isinstance(s, Scheduler):
                raise TypeError(f"schedulers[{i}] is not an lrsched scheduler ({type(s).__name__})")
        model._check()
        sgd._opt._check()
        for s in scheds:
            s._check()
        arr = (c_void_p * max(len(scheds), 1))(*[s._h for s in scheds])
        h = c_void_p()
        rc = _lib.lrsched_trainer_create(model._h, sgd._h, arr, len(scheds), bs, int(bool(shuffle)),
                                         int(bool(drop_last)), int(step_unit), sd, byref(h))
        if rc:
            _raise(rc)
        self = object.__new__(cls)
        self._h = h
        self._model = model
        self._sgd = sgd
        self._scheds = scheds
        self._has_cb = any(s._has_cb for s in scheds)
        return self

    def _check(self):
        if self._h is None:
            raise RuntimeError("lrsched trainer is not initialized")
        self._model._check()
        self._sgd._opt._check()
        for s in self._scheds:
            s._check()

    def _busy_objects(self):
        return [self._model, self._sgd._opt, *(s._optobj for s in self._scheds)]

    def fit(self, x, y, rows, features, outputs, epochs, callback):
        """Trains for epochs epochs on x (rows x features) and y (rows x outputs),
        C-contiguous float32 buffers read in place (lrsched_trainer_fit). callback: None or
        callback(epoch, lr_start, loss, lr_after). Returns 4 floats per epoch."""
        rows, features, outputs = _size(rows, "rows"), _size(features, "features"), _size(outputs, "outputs")
        epochs = _int64(epochs)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        self._check()
        capacity = 4 * epochs if 0 < epochs <= (1 << 20) else 0
        history = (c_double * capacity)() if capacity else None
        count = c_size_t()
        objs = self._busy_objects()
        with _Float32(x, rows * features, "x") as (xa, _), _Float32(y, rows * outputs, "y") as (ya, _):
            saved = [(o._busy, o._busy_owner) for o in objs]
            me = threading.get_ident()
            for o in objs:
                o._busy, o._busy_owner = 1, me
            try:
                if callback is None and not self._has_cb:
                    rc = _fit_nogil(self._h, xa, ya, rows, features, outputs, epochs, None, None, history,
                                    capacity, byref(count))
                else:
                    rc = _lib.lrsched_trainer_fit(self._h, xa, ya, rows, features, outputs, epochs,
                                                  _EPOCH_FN_ADDRESS if callback is not None else None,
                                                  id(callback) if callback is not None else None,
                                                  history, capacity, byref(count))
            finally:
                for o, (b, owner) in zip(reversed(objs), reversed(saved)):
                    o._busy, o._busy_owner = b, owner
                for s in self._scheds:
                    s._invalidate()
        _check_after_callbacks(rc)
        return history[: count.value] if history is not None else []

    def loss(self, x, y, rows, features, outputs):
        """The model's mean squared error over every row (lrsched_trainer_loss)."""
        rows, features, outputs = _size(rows, "rows"), _size(features, "features"), _size(outputs, "outputs")
        self._check()
        out = c_double()
        m = self._model
        with _Float32(x, rows * features, "x") as (xa, _), _Float32(y, rows * outputs, "y") as (ya, _):
            saved = (m._busy, m._busy_owner)
            m._busy, m._busy_owner = 1, threading.get_ident()
            try:
                rc = _loss_nogil(self._h, xa, ya, rows, features, outputs, byref(out))
            finally:
                m._busy, m._busy_owner = saved
        if rc:
            _raise(rc)
        return out.value


# --- Module functions -------------------------------------------------------------------


def preview(schedulers, steps, metrics, lrs, momenta):
    """lrsched_preview into caller buffers: lrs (and momenta, or None) are bytearrays of
    float64 values, the capacity their size. Returns the group count."""
    steps = _int64(steps)
    scheds = tuple(schedulers)
    for i, s in enumerate(scheds):
        if not isinstance(s, Scheduler):
            raise TypeError(f"preview: item {i} is not an lrsched scheduler ({type(s).__name__})")
        s._check()
    handles = (c_void_p * max(len(scheds), 1))(*[s._h for s in scheds])
    if metrics is not None:
        ms = [_float_arg(m) for m in metrics]
        m_arr, n_metrics = (c_double * max(len(ms), 1))(*ms), len(ms)
    else:
        m_arr, n_metrics = None, 0
    lrs_cap = len(lrs) // 8
    mom_cap = len(momenta) // 8 if momenta is not None else 0
    lrs_buf = (c_double * lrs_cap).from_buffer(lrs) if lrs_cap else None
    mom_buf = (c_double * mom_cap).from_buffer(momenta) if mom_cap else None
    n_groups = c_size_t(0)
    args = (handles, len(scheds), steps, m_arr, n_metrics, lrs_buf, lrs_cap, mom_buf, mom_cap, byref(n_groups))
    if scheds and any(s._has_cb for s in scheds):
        with _Busy(scheds[0]._optobj):
            rc = _lib.lrsched_preview(*args)
    else:
        rc = _lib.lrsched_preview(*args)
    del lrs_buf, mom_buf, args  # release the exported buffers
    _check_after_callbacks(rc)
    return n_groups.value


def version():
    """The library's version string, e.g. "0.2.0"."""
    return _lib.lrsched_version().decode()


def set_num_threads(n):
    """lrsched_set_num_threads (n fits a C int: the caller checks)."""
    rc = _lib.lrsched_set_num_threads(n)
    if rc:
        _raise(rc)


def get_num_threads():
    """lrsched_get_num_threads."""
    return _lib.lrsched_get_num_threads()


def status_string(status):
    """The library's name for a status code."""
    return _lib.lrsched_status_string(int(status)).decode()
