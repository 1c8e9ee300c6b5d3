"""The classes behind :func:`lrsched.torch.wrap`: torch ``LRScheduler`` (and
``ReduceLROnPlateau``) subclasses delegating to an lrsched scheduler. Imported on the
first ``wrap()`` call, since it imports torch."""

from __future__ import annotations

import warnings

import torch.optim.lr_scheduler as _torch_sched

__all__ = ["WrappedLRScheduler", "WrappedReduceLROnPlateau", "GET_LR_WARNING"]

# torch's warning when get_lr() is called outside step() (_warn_get_lr_called_within_step).
GET_LR_WARNING = "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."

# The facade's own attributes: never forwarded to the lrsched scheduler.
_OWN = frozenset({"_lrsched", "optimizer"})


class _Facade:
    """The delegation shared by both wrapper classes: every attribute not defined by the
    class (or torch's base class) is the lrsched scheduler's, read and written there
    (``last_epoch``, ``base_lrs``, ``_step_count``, ``best``, ``T_cur``, ...)."""

    def __init__(self, inner):
        # torch's constructors are not run: they would step the optimizer's lrs again.
        object.__setattr__(self, "_lrsched", inner)
        object.__setattr__(self, "optimizer", inner.optimizer)

    def __getattr__(self, name):
        # Only reached when the ordinary lookup fails (instance, class, torch's base).
        inner = self.__dict__.get("_lrsched")
        if inner is None:
            raise AttributeError(name)
        return getattr(inner, name)

    def __setattr__(self, name, value):
        # torch's composites assign last_epoch (SequentialLR: last_epoch -= 1) and
        # frameworks set flags: an attribute the lrsched scheduler has is written there.
        inner = self.__dict__.get("_lrsched")
        if inner is not None and name not in _OWN and hasattr(inner, name):
            setattr(inner, name, value)
        else:
            object.__setattr__(self, name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(dir(self._lrsched)))

    # -- torch's scheduler API -------------------------------------------------------

    def step(self, *args, **kwargs):
        """Steps the lrsched scheduler (``step(metrics)`` for ReduceLROnPlateau)."""
        self._lrsched.step(*args, **kwargs)

    def get_last_lr(self):
        """The lrsched scheduler's ``get_last_lr()``."""
        return self._lrsched.get_last_lr()

    def get_lr(self):
        """torch's ``get_lr()``: the lrs the schedule computes at the current
        ``last_epoch`` from the current group lrs (nothing changes); torch's warning
        when called outside ``step()``."""
        if not self._lrsched._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        return self._lrsched._compute_lr()

    def _initial_step(self):
        """torch's ``_initial_step()`` (SequentialLR calls it on its first child)."""
        self._lrsched._initial_step()

    def _update_lr(self, epoch=None):
        """torch's ``_update_lr(epoch)`` (SequentialLR calls ``_update_lr(0)`` at a milestone)."""
        self._lrsched._update_lr(epoch)

    @property
    def _last_lr(self):
        return self._lrsched.get_last_lr()

    @property
    def _get_lr_called_within_step(self):
        return self._lrsched._get_lr_called_within_step

    @_get_lr_called_within_step.setter
    def _get_lr_called_within_step(self, value):
        self._lrsched._get_lr_called_within_step = value

    def state_dict(self):
        """The lrsched scheduler's ``state_dict()``."""
        return self._lrsched.state_dict()

    def load_state_dict(self, state_dict):
        """The lrsched scheduler's ``load_state_dict()``."""
        self._lrsched.load_state_dict(state_dict)

    # -- copies: the lrsched scheduler's own (its optimizer shared in one pickle) --------

    def __reduce__(self):
        return (_rewrap, (self._lrsched,))

    def __repr__(self):
        return f"<lrsched.torch.wrap of {self._lrsched!r}>"


def _rewrap(inner):
    from . import torch as _lrsched_torch

    return _lrsched_torch.wrap(inner)


class WrappedLRScheduler(_Facade, _torch_sched.LRScheduler):
    """A torch ``LRScheduler`` delegating to an lrsched scheduler (see lrsched.torch.wrap)."""


class WrappedReduceLROnPlateau(_Facade, _torch_sched.ReduceLROnPlateau):
    """A torch ``ReduceLROnPlateau`` delegating to an lrsched ReduceLROnPlateau (see
    lrsched.torch.wrap)."""

    if not hasattr(_torch_sched.ReduceLROnPlateau, "is_better"):

        def is_better(self, a, best):
            """Whether metric ``a`` improves on ``best`` (torch's ``_is_better``, the
            name of torch < 2.x and of frameworks reading it)."""
            return self._is_better(a, best)
