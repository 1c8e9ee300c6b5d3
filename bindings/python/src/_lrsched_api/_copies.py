"""copy.deepcopy and pickle of schedulers and optimizers: each is rebuilt from its
construction arguments, then its state is loaded, so that the copy continues exactly.
Backend-independent (the classes come with the pickled data)."""

from __future__ import annotations

import contextlib

__all__ = ["rebuild", "rebuild_sgd"]


def rebuild(cls, optimizer, args, state, extras=None):
    """A scheduler of class ``cls`` rebuilt on ``optimizer`` from ``args``, then
    ``state`` loaded and ``extras`` (the caller's attributes) set. ``args``:
    ``("json", spec_text, fns, attributes)``; ``("init", positional, keywords,
    library_class)`` for the classes that take Python objects (the optimizer among
    them; ``library_class.__init__`` takes them, ``cls`` may be a subclass);
    ``("spec", type_name, kinds, args)`` for a spec built with Python functions of a
    float; ``("custom",)`` for a Python subclass of LRScheduler. Construction performs
    torch's initial step, which changes the optimizer's groups: they are put back."""
    obj = cls.__new__(cls)
    with groups_kept(optimizer):
        if args[0] == "json":
            obj._bind_json(optimizer, *args[1:])
        elif args[0] == "spec":  # built with Python functions of a float (WSD's decay_fn)
            obj._rebind_spec(optimizer, *args[1:])
        elif args[0] == "custom":  # a Python subclass: its attributes are in the state
            obj._rebind_custom(optimizer, state)
        else:  # the library class's __init__ (cls may be a subclass with its own)
            (args[3] if len(args) > 3 else cls).__init__(obj, *args[1], **args[2])
    obj.load_state_dict(state)
    for k, v in (extras or {}).items():  # the caller's attributes
        if k not in obj.__dict__:
            obj.__dict__[k] = v
    return obj


def rebuild_sgd(cls, groups, defaults, state):
    """An lrsched SGD rebuilt from its groups' Python-side keys (``params``...) and its
    defaults, then ``state`` (every hyperparameter) loaded."""
    opt = cls(groups, **defaults)
    opt.load_state_dict(state)
    return opt


@contextlib.contextmanager
def groups_kept(optimizer):
    """Puts every group's values back as they were (an lrsched SGD through its state
    dict, a foreign optimizer key by key; tensors in place)."""
    if hasattr(optimizer, "_extras"):  # an lrsched SGD
        saved = optimizer.state_dict()
        yield
        optimizer.load_state_dict(saved)
        return
    saved = [{k: _value(v) for k, v in g.items() if k != "params"} for g in optimizer.param_groups]
    yield
    for g, values in zip(optimizer.param_groups, saved):
        for k in [k for k in g if k != "params" and k not in values]:
            del g[k]
        for k, v in values.items():
            current = g.get(k)
            if hasattr(current, "copy_") and hasattr(v, "copy_"):
                current.copy_(v)
            else:
                g[k] = v


def _value(v):
    """A snapshot of a group value (tensors cloned: schedulers write them in place)."""
    clone = getattr(v, "clone", None)
    return clone() if callable(clone) else v
