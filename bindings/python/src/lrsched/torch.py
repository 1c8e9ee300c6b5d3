"""torch interop: present an lrsched scheduler as a ``torch.optim.lr_scheduler`` one.

Frameworks that insist on torch's classes (PyTorch Lightning checks
``isinstance(s, torch.optim.lr_scheduler.LRScheduler)``, and ``ReduceLROnPlateau`` for
monitored schedulers) accept :func:`wrap`'s result::

    import torch, lrsched, lrsched.torch

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = lrsched.torch.wrap(lrsched.OneCycleLR(opt, max_lr=0.1, total_steps=1000))

The wrapper behaves as a torch scheduler under torch's own composites and frameworks:
``step``, ``get_last_lr``, ``state_dict``, ``load_state_dict``, ``_initial_step``,
``_update_lr`` and ``get_lr()`` (torch's warning outside ``step``) delegate to the lrsched
scheduler, which drives the torch optimizer's ``param_groups``; every other attribute
(``last_epoch``, ``base_lrs``, ``_step_count``, ``best``, ``T_cur``...) is the lrsched
scheduler's, read and written there (``SequentialLR`` assigns ``last_epoch``). It
deep-copies and pickles with its scheduler. torch itself is imported only when
:func:`wrap` is called (ImportError naming torch when it is absent).
"""

from __future__ import annotations

__all__ = ["wrap"]


def _wrapper_class(plateau: bool):
    """The facade class (lrsched._torch_wrap, imported once torch is importable)."""
    try:
        from . import _torch_wrap
    except ImportError as e:
        raise ImportError(
            "lrsched.torch.wrap() needs torch (PyTorch), which is not importable: " + str(e)
        ) from e
    return _torch_wrap.WrappedReduceLROnPlateau if plateau else _torch_wrap.WrappedLRScheduler


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
