"""torch's step() arguments, parsed once for both backends: the backends run ``step()``
without arguments themselves (the hot path) and hand every other call to the shared
``LRScheduler._step_slow``, which uses these. Backend-independent."""

from __future__ import annotations

MISSING = object()

STEP_EPOCH_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. "
    "Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from "
    "None, the closed form is used instead of the new chainable form, where available. Please open an issue if "
    "you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."
)

PLATEAU_EPOCH_ERROR = "ReduceLROnPlateau.step(): the deprecated epoch argument is not supported by lrsched"


def step_args(metric_kind: bool, args: tuple, kwargs: dict):
    """(metrics, epoch) of step(*args, **kwargs), each MISSING when absent: torch's
    step(epoch=None), or ReduceLROnPlateau's step(metrics, epoch=None) when metric_kind."""
    max_pos = 2 if metric_kind else 1
    if len(args) > max_pos:
        raise TypeError(
            f"step() takes at most {max_pos} positional argument{'' if max_pos == 1 else 's'} ({len(args)} given)"
        )
    if metric_kind:
        metrics = args[0] if len(args) >= 1 else MISSING
        epoch = args[1] if len(args) >= 2 else MISSING
    else:
        metrics, epoch = MISSING, args[0] if args else MISSING
    for name, value in kwargs.items():
        if name == "epoch":
            if epoch is not MISSING:
                raise TypeError(f"step() got multiple values for argument '{name}'")
            epoch = value
        elif metric_kind and name == "metrics":
            if metrics is not MISSING:
                raise TypeError(f"step() got multiple values for argument '{name}'")
            metrics = value
        else:
            raise TypeError(f"step() got an unexpected keyword argument '{name}'")
    return metrics, epoch


def timm_args(first: str, args: tuple, kwargs: dict):
    """(t, metric) of timm's step(epoch, metric=None) / step_update(num_updates, metric=None)."""
    if len(args) > 2:
        raise TypeError(f"step() takes at most 2 positional arguments ({len(args)} given)")
    values = dict(zip((first, "metric"), args))
    for name, value in kwargs.items():
        if name not in (first, "metric"):
            raise TypeError(f"step() got an unexpected keyword argument '{name}'")
        if name in values:
            raise TypeError(f"step() got multiple values for argument '{name}'")
        values[name] = value
    if first not in values:
        raise TypeError(f"step() missing 1 required positional argument: '{first}'")
    return values[first], values.get("metric")


def real(x):
    """float(x) as C's PyFloat_AsDouble converts it (what the backends' raw steps do),
    ahead of the deprecation warning: TypeError "must be real number, not <type>"."""
    t = type(x)
    if t is float:
        return x
    if isinstance(x, (str, bytes, bytearray)) or not (hasattr(t, "__float__") or hasattr(t, "__index__")):
        raise TypeError(f"must be real number, not {t.__name__}")
    return float(x)
