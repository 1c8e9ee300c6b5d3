"""torch interop: present an lrsched scheduler as a ``torch.optim.lr_scheduler`` one.

Frameworks that insist on torch's classes (PyTorch Lightning checks
``isinstance(s, torch.optim.lr_scheduler.LRScheduler)``, and ``ReduceLROnPlateau`` for
monitored schedulers) accept :func:`wrap`'s result::

    import torch, lrsched, lrsched.torch

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = lrsched.torch.wrap(lrsched.OneCycleLR(opt, max_lr=0.1, total_steps=1000))

The wrapper is a thin facade: ``step``, ``get_last_lr``, ``state_dict`` and
``load_state_dict`` (and ``last_epoch``, ``base_lrs``, ``optimizer``) delegate to the
lrsched scheduler, which drives the torch optimizer's ``param_groups``. torch itself is
imported only when :func:`wrap` is called (ImportError naming torch when it is absent).
"""

from __future__ import annotations

__all__ = ["wrap"]

_classes = {}


def _wrapper_class(plateau: bool):
    """The facade class (built once torch is importable)."""
    key = "plateau" if plateau else "plain"
    cls = _classes.get(key)
    if cls is not None:
        return cls
    try:
        import torch.optim.lr_scheduler as torch_sched
    except ImportError as e:
        raise ImportError(
            "lrsched.torch.wrap() needs torch (PyTorch), which is not importable: " + str(e)
        ) from e
    base = torch_sched.ReduceLROnPlateau if plateau else torch_sched.LRScheduler

    def __init__(self, inner):
        # torch's constructors are not run: they would step the optimizer's lrs again.
        self.__dict__["_lrsched"] = inner
        self.__dict__["optimizer"] = inner.optimizer

    def step(self, *args, **kwargs):
        """Steps the lrsched scheduler (``step(metrics)`` for ReduceLROnPlateau)."""
        self._lrsched.step(*args, **kwargs)

    def get_last_lr(self):
        """The lrsched scheduler's ``get_last_lr()``."""
        return self._lrsched.get_last_lr()

    def get_lr(self):
        """The lrs of the last step (lrsched computes no look-ahead lrs)."""
        return self._lrsched.get_last_lr()

    def state_dict(self):
        """The lrsched scheduler's ``state_dict()``."""
        return self._lrsched.state_dict()

    def load_state_dict(self, state_dict):
        """The lrsched scheduler's ``load_state_dict()``."""
        self._lrsched.load_state_dict(state_dict)

    def _get(name):
        return property(lambda self: getattr(self._lrsched, name), doc=f"The lrsched scheduler's {name}.")

    def __setattr__(self, name, value):
        # torch's base classes assign bookkeeping attributes (last_epoch, _last_lr, ...);
        # the lrsched scheduler owns them.
        if name in ("last_epoch", "base_lrs", "_last_lr"):
            return
        object.__setattr__(self, name, value)

    def __repr__(self):
        return f"<lrsched.torch.wrap of {self._lrsched!r}>"

    namespace = {
        "__init__": __init__,
        "step": step,
        "get_last_lr": get_last_lr,
        "get_lr": get_lr,
        "state_dict": state_dict,
        "load_state_dict": load_state_dict,
        "last_epoch": _get("last_epoch"),
        "base_lrs": _get("base_lrs"),
        "_last_lr": property(lambda self: self._lrsched.get_last_lr()),
        "__setattr__": __setattr__,
        "__repr__": __repr__,
        "__module__": __name__,
        "__doc__": "A torch LRScheduler facade over an lrsched scheduler (see lrsched.torch.wrap).",
    }
    name = "WrappedReduceLROnPlateau" if plateau else "WrappedLRScheduler"
    cls = type(name, (base,), namespace)
    _classes[key] = cls
    return cls


def wrap(sched):
    """A ``torch.optim.lr_scheduler.LRScheduler`` (``ReduceLROnPlateau`` for a plateau
    scheduler) instance delegating to the lrsched scheduler ``sched``.

    Raises ImportError (naming torch) when torch is not importable, TypeError when
    ``sched`` is not an lrsched scheduler.
    """
    from . import LRScheduler, ReduceLROnPlateau

    if not isinstance(sched, LRScheduler):
        try:  # the ctypes front end's schedulers work too
            import lrsched_ctypes

            ok = isinstance(sched, lrsched_ctypes.LRScheduler)
            plateau = isinstance(sched, lrsched_ctypes.ReduceLROnPlateau)
        except ImportError:
            ok = False
        if not ok:
            raise TypeError(f"wrap() expects an lrsched scheduler, got {type(sched).__name__}")
    else:
        plateau = isinstance(sched, ReduceLROnPlateau)
    return _wrapper_class(plateau)(sched)
