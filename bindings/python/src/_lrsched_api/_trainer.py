"""Trainer: torch's training loop (SGD, MSE, mini-batches, the schedulers) run by the
backend's Trainer. Runs once per package (see _lrsched_api.load)."""

from __future__ import annotations

from _lrsched_api._data import _matrix, _progress_bar
from _lrsched_api._values import _int_arg

from ._models import Module
from ._optim import SGD
from ._schedulers import LRScheduler

# Seeded by _lrsched_api.load() before this module runs: the package's backend module
# (lrsched._lrsched or lrsched_ctypes._capi) and the package's name (for messages).
B = _backend  # noqa: F821
module_name = _module_name  # noqa: F821

__all__ = ["Trainer", "set_num_threads", "get_num_threads"]


def set_num_threads(n):
    """Sets the number of threads the trainer's matrix products use, for the whole
    process (``torch.set_num_threads``); results do not depend on it beyond float32
    rounding. ValueError unless ``1 <= n <= 4096``; OverflowError when ``n`` does not
    fit a C int."""
    n = _int_arg(n, "set_num_threads", "n")
    if not -(1 << 31) <= n < (1 << 31):
        raise OverflowError(f"set_num_threads: 'n' = {n} does not fit a C int")
    B.set_num_threads(n)


def get_num_threads():
    """The number of threads the trainer's matrix products use: the last
    :func:`set_num_threads`, else ``LRSCHED_NUM_THREADS`` from the environment, else
    the CPUs this process may run on."""
    return B.get_num_threads()

# ------------------------------------------------------------------------------------
# Training
# ------------------------------------------------------------------------------------

class Trainer:
    """``Trainer(model, opt, scheduler=None, loss="mse", batch_size=10, shuffle=False,
    step_scheduler="epoch", seed=0, drop_last=False)``: fits ``model`` (a
    :class:`Linear` or :class:`Sequential`) with ``opt`` (an :class:`SGD` over its
    parameters) under ``scheduler`` (one scheduler on that SGD, a list of them —
    stepped in order — or None), all in the library: torch's training loop

        for epoch in 1..epochs:
            for xb, yb in batches:      # in order, or shuffled from seed
                loss = mse(model(xb), yb); loss.backward(); opt.step()
                if step_scheduler == "batch": step the schedulers
            loss = mse(model(X), y)      # the whole dataset
            if step_scheduler == "epoch": step the schedulers (ReduceLROnPlateau: loss)

    with lrs identical to torch's and losses and parameters equal to float32 rounding.
    ``loss`` must be "mse" (the only loss). With ``shuffle``, each epoch draws a fresh
    permutation from a generator seeded with ``seed``, carried on from fit to fit.
    ``drop_last`` drops an epoch's last short batch. The attributes ``model``,
    ``optimizer``, ``schedulers`` (a list), ``loss``, ``batch_size``, ... hold the
    arguments.
    """

    def __init__(self, model, opt, scheduler=None, loss="mse", batch_size=10, shuffle=False,
                 step_scheduler="epoch", seed=0, drop_last=False):
        optimizer = opt
        if loss != "mse":
            raise ValueError(f"unknown loss {loss!r}: {module_name}.Trainer trains with loss='mse' only")
        units = {"epoch": B.STEP_EPOCH, "batch": B.STEP_BATCH}
        if step_scheduler not in units:
            raise ValueError(f"step_scheduler must be 'epoch' or 'batch', got {step_scheduler!r}")
        if not isinstance(model, Module):
            raise TypeError(f"model must be a {module_name} Linear or Sequential, got {type(model).__name__}")
        ref = model._model()
        if not isinstance(optimizer, SGD) or optimizer._sgd is None:
            raise TypeError(
                f"opt must be a {module_name}.SGD over the model's parameters "
                "(SGD(model.parameters(), lr=...))"
            )
        if optimizer._model_ref is not ref:
            raise ValueError("the optimizer holds the parameters of another model")
        if scheduler is None:
            scheds = []
        elif isinstance(scheduler, (list, tuple)):
            scheds = list(scheduler)
        else:
            scheds = [scheduler]
        for i, s in enumerate(scheds):
            if not isinstance(s, LRScheduler):
                raise TypeError(f"scheduler {i} is not a {module_name} scheduler ({type(s).__name__})")
            if getattr(s, "optimizer", None) is not optimizer:
                raise ValueError(f"scheduler {i} ({type(s).__name__}) is attached to another optimizer")
        bs = _int_arg(batch_size, "Trainer", "batch_size")
        sd = _int_arg(seed, "Trainer", "seed", int64=False)  # a uint64, checked below
        if not 0 <= sd < 1 << 64:
            raise ValueError(f"seed must be between 0 and 2**64 - 1, got {sd}")
        self._t = B.Trainer.create(ref.h, optimizer._sgd, scheds, bs, bool(shuffle), bool(drop_last),
                                   units[step_scheduler], sd)
        self.model = model
        self.optimizer = optimizer
        self.schedulers = scheds
        self.loss = loss
        self.batch_size = bs
        self.shuffle = bool(shuffle)
        self.step_scheduler = step_scheduler
        self.seed = sd
        self.drop_last = bool(drop_last)

    def _data(self, X, y):
        m = self.model
        xd, rows, features = _matrix(X, "X", m._in, m._in == 1)
        yd, yrows, outputs = _matrix(y, "y", m._out, m._out == 1)
        if rows != yrows:
            raise ValueError(f"X has {rows} rows but y has {yrows}")
        return xd, yd, rows, features, outputs

    def fit(self, X, y, epochs, callback=None, progress=False):
        """Trains for ``epochs`` epochs on ``X`` (shape ``(n, in_features)``) and ``y``
        (``(n,)`` or ``(n, out_features)``), updating the parameters, the SGD and the
        schedulers in place. Returns the history: one dict per epoch with the keys
        "epoch", "lr_start" (group 0's lr during the epoch's first batch), "loss" (the
        MSE over the whole dataset after the epoch) and "lr_after" (after the epoch's
        scheduler steps).

        C-contiguous float32 data (numpy arrays, or any buffer of format 'f') is read
        in place, without a copy; anything else (float64 arrays, lists, nested lists)
        is converted once. ``callback`` gets each epoch's dict as it ends; an exception
        it raises stops training (updates so far are kept) and propagates.
        ``progress=True`` shows a progress bar (tqdm when installed, else a plain one
        on stderr).
        """
        epochs = _int_arg(epochs, "fit", "epochs")
        xd, yd, rows, features, outputs = self._data(X, y)
        bar = _progress_bar(epochs) if progress else None
        if callback is None and bar is None:
            cb = None
        else:
            def cb(epoch, lr_start, loss, lr_after):
                row = {"epoch": epoch, "lr_start": lr_start, "loss": loss, "lr_after": lr_after}
                if bar is not None:
                    bar.update(row)
                if callback is not None:
                    callback(row)
        try:
            flat = self._t.fit(xd, yd, rows, features, outputs, epochs, cb)
        finally:
            if bar is not None:
                bar.close()
        return [
            {"epoch": int(flat[k]), "lr_start": flat[k + 1], "loss": flat[k + 2], "lr_after": flat[k + 3]}
            for k in range(0, len(flat), 4)
        ]

    def evaluate(self, X, y):
        """The model's mean squared error over every row of (X, y), as fit reports
        it; nothing is trained."""
        xd, yd, rows, features, outputs = self._data(X, y)
        return self._t.loss(xd, yd, rows, features, outputs)

    def __reduce__(self):
        raise TypeError(f"cannot pickle '{type(self).__name__}' object")

    def __repr__(self):
        names = ", ".join(type(s).__name__ for s in self.schedulers) or "no scheduler"
        return (f"<{module_name}.Trainer {type(self.model).__name__} batch_size={self.batch_size} "
                f"shuffle={self.shuffle} step_scheduler={self.step_scheduler!r} ({names})>")
