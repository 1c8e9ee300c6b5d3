"""lrsched — PyTorch's learning-rate schedulers, bit for bit, outside PyTorch.

The fifteen ``torch.optim.lr_scheduler`` schedulers with torch's class names,
arguments, defaults and errors, over an :class:`SGD` whose parameter groups they
schedule (or over any optimizer with ``param_groups``, a ``torch.optim.Optimizer``
included). Every number comes from liblrsched (a Swift library reproducing torch 2.15's
IEEE-754 doubles exactly); this package is a thin CPython extension over it.

Example::

    import lrsched

    opt = lrsched.SGD([{"lr": 0.1}], lr=0.1)        # a scheduling-only group
    sched = lrsched.StepLR(opt, step_size=4, gamma=0.9)
    for epoch in range(1, 11):
        opt.step()
        sched.step()
        print(f"epoch {epoch}  lr {sched.get_last_lr()[0]:.4f}")

Training, in the library: :class:`Linear`, :class:`ReLU` and :class:`Sequential` models,
:class:`SGD` over their parameters, and :class:`Trainer`, which fits a model on float32
arrays (read in place) with MSE loss, mini-batches and the schedulers::

    model = lrsched.Linear(2, 1)
    opt = lrsched.SGD(model.parameters(), lr=0.1)
    trainer = lrsched.Trainer(model, opt, lrsched.ExponentialLR(opt, gamma=0.9), shuffle=True)
    history = trainer.fit(X, y, epochs=10)     # [{"epoch", "lr_start", "loss", "lr_after"}]

Also: :func:`from_spec` (schedulers from JSON specs), :func:`preview` (the next n lrs at
once, as a numpy array), :func:`plot` (those lrs drawn with matplotlib),
``lrsched.torch.wrap`` (a torch ``LRScheduler`` facade), and ``python -m
lrsched.conformance`` (the conformance runner). ``lrsched_ctypes`` offers the same API
over ctypes.
"""

import _lrsched_api

from . import _lrsched

# The shared API, run as this package's own modules (lrsched._schedulers, ...) over _lrsched;
# __all__ included.
globals().update(_lrsched_api.load(__name__, _lrsched))

__version__ = _lrsched.version()

del _lrsched_api
