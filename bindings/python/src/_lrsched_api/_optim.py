"""torch's SGD over the library's optimizer state (ParamGroup views of its groups), and
the mirrors that let schedulers drive foreign optimizers (torch's). Runs once per
package (see _lrsched_api.load)."""

from __future__ import annotations

import json
import weakref
from collections.abc import MutableMapping

from _lrsched_api import _copies
from _lrsched_api._values import _decode_state, _dumps, _dumps_spec, _encode_state, _float_number, _float_value

from ._models import Parameter

# Seeded by _lrsched_api.load() before this module runs: the package's backend module
# (lrsched._lrsched or lrsched_ctypes._capi) and the package's name (for messages).
B = _backend  # noqa: F821
module_name = _module_name  # noqa: F821
_Optimizer = B.Optimizer

__all__ = ["SGD"]
_UNLISTED_EXPORTS = ["ParamGroup"]  # the packages export it, outside __all__

# Library keys of a param group: name -> (code, is_bool).
lib_keys = {
    "lr": (B.KEY_LR, False),
    "momentum": (B.KEY_MOMENTUM, False),
    "dampening": (B.KEY_DAMPENING, False),
    "weight_decay": (B.KEY_WEIGHT_DECAY, False),
    "nesterov": (B.KEY_NESTEROV, True),
    "maximize": (B.KEY_MAXIMIZE, True),
    "initial_lr": (B.KEY_INITIAL_LR, False),
    "max_lr": (B.KEY_MAX_LR, False),
    "min_lr": (B.KEY_MIN_LR, False),
    "max_momentum": (B.KEY_MAX_MOMENTUM, False),
    "base_momentum": (B.KEY_BASE_MOMENTUM, False),
    "lr_scale": (B.KEY_LR_SCALE, False),  # timm's layer-wise scale: its schedulers write lr * lr_scale
}
required_keys = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")
optional_keys = ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum", "lr_scale")
# Keys the library's optimizer spec reads (per group or as defaults).
spec_keys = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")
# Group keys kept in Python only: the defaults torch adds that the library ignores.
python_defaults = ("foreach", "differentiable", "fused")

# ------------------------------------------------------------------------------------
# Optimizer
# ------------------------------------------------------------------------------------

class ParamGroup(MutableMapping):
    """One of ``SGD.param_groups``: a dict-like view of a parameter group.

    Hyperparameters (``lr``, ``momentum``, ``dampening``, ``weight_decay``,
    ``nesterov``, ``maximize``, ``betas``, timm's ``lr_scale``, and the keys schedulers
    add: ``initial_lr``, ``max_lr``, ``min_lr``, ``max_momentum``, ``base_momentum``) live in the library's
    optimizer state: reading and writing them here reads and writes what the
    schedulers see. ``params`` and any other key are kept in Python.
    """

    __slots__ = ("_h", "_i", "_extra")

    def __init__(self, handle, index, extra):
        self._h = handle
        self._i = index
        self._extra = extra

    def __getitem__(self, key):
        spec = lib_keys.get(key)
        if spec is not None:
            try:
                v = self._h.get(self._i, spec[0])
            except KeyError:
                raise KeyError(key) from None
            return bool(v) if spec[1] else v
        if key == "betas":
            try:
                return (self._h.get(self._i, B.KEY_BETA1), self._h.get(self._i, B.KEY_BETA2))
            except KeyError:
                raise KeyError(key) from None
        return self._extra[key]

    def __setitem__(self, key, value):
        spec = lib_keys.get(key)
        if spec is not None:
            self._h.set(self._i, spec[0], _float_value(value, key))
        elif key == "betas":
            b = tuple(value)
            if len(b) != 2:
                raise ValueError("betas must hold two numbers")
            self._h.set(self._i, B.KEY_BETA1, _float_value(b[0], key))
            self._h.set(self._i, B.KEY_BETA2, _float_value(b[1], key))
        elif key == "params":
            self._extra[key] = _param_list(value)
        else:
            self._extra[key] = value

    def __delitem__(self, key):
        spec = lib_keys.get(key)
        if spec is not None:
            if not self._h.has(self._i, spec[0]):
                raise KeyError(key)
            self._h.unset(self._i, spec[0])  # ValueError for a required key
        elif key == "betas":
            if not self._h.has(self._i, B.KEY_BETA1):
                raise KeyError(key)
            self._h.unset(self._i, B.KEY_BETA1)
            self._h.unset(self._i, B.KEY_BETA2)
        elif key == "params":
            raise KeyError("'params' cannot be removed from a param group")
        else:
            del self._extra[key]

    def __contains__(self, key):
        spec = lib_keys.get(key)
        if spec is not None:
            return self._h.has(self._i, spec[0])
        if key == "betas":
            return self._h.has(self._i, B.KEY_BETA1)
        return key in self._extra

    def __iter__(self):
        yield "params"
        yield from required_keys
        for k in python_defaults:
            if k in self._extra:
                yield k
        h, i = self._h, self._i
        if h.has(i, B.KEY_BETA1):
            yield "betas"
        for k in optional_keys:
            if h.has(i, lib_keys[k][0]):
                yield k
        for k in self._extra:
            if k != "params" and k not in python_defaults:
                yield k

    def __len__(self):
        return sum(1 for _ in self)

    def __repr__(self):
        return repr(dict(self))

    def __reduce__(self):
        # A snapshot, as a plain dict (a view cannot outlive its optimizer usefully).
        return (dict, (dict(self),))

def _param_list(params):
    if _is_tensor_like(params) or isinstance(params, Parameter):
        return [params]
    if isinstance(params, set):
        import warnings

        warnings.warn(
            "optimizer contains a parameter group with a set of parameters; use a list "
            "(sets are unordered, so the order of parameters changes between runs)",
            FutureWarning,
            stacklevel=4,
        )
    return list(params)

def _is_tensor_like(x):
    t = type(x)
    return t.__module__.split(".")[0] == "torch" and hasattr(x, "dim") and hasattr(x, "shape")

def _model_of(extras):
    """The _ModelRef of the groups' parameters when they are model parameters (all of
    one model, no scheduling-only group among them); None when no group holds a model
    parameter."""
    refs = []
    other = empty = False
    for e in extras:
        ps = e["params"]
        if not ps:
            empty = True
        for p in ps:
            if isinstance(p, Parameter):
                if not any(p._ref is r for r in refs):
                    refs.append(p._ref)
            else:
                other = True
    if not refs:
        return None
    if other:
        raise TypeError(f"an SGD cannot mix {module_name} model parameters with other objects")
    if len(refs) > 1:
        raise ValueError("the parameters of an lrsched SGD must all belong to one model")
    if empty:
        raise ValueError(
            "a param group without parameters cannot join model parameters in one SGD "
            "(an lrsched SGD over a model holds exactly that model's parameters)"
        )
    return refs[0]

def _copy_group(src, dst, i):
    """Copies group i's hyperparameters (and optional keys) from one library optimizer
    to another."""
    for k in required_keys:
        code = lib_keys[k][0]
        dst.set(i, code, src.get(i, code))
    for k in optional_keys:
        code = lib_keys[k][0]
        if src.has(i, code):
            dst.set(i, code, src.get(i, code))
    if src.has(i, B.KEY_BETA1):
        dst.set(i, B.KEY_BETA1, src.get(i, B.KEY_BETA1))
        dst.set(i, B.KEY_BETA2, src.get(i, B.KEY_BETA2))

def _group_dicts(params):
    """SGD's params as a list of param-group dicts (torch's checks)."""
    if _is_tensor_like(params) or isinstance(params, Parameter):
        raise TypeError(
            "params argument given to the optimizer should be an iterable of Tensors or dicts, "
            f"but got {type(params).__module__}.{type(params).__name__}"
        )
    groups = list(params)
    if len(groups) == 0:
        raise ValueError("optimizer got an empty parameter list")
    if not isinstance(groups[0], dict):
        groups = [{"params": groups}]
    return groups


def _model_sgd(model_ref, extras, spec):
    """The library's SGD over the model of model_ref: every parameter in the group whose
    "params" hold it (ValueError when one is in none); defaults from the optimizer spec."""
    group_of = [None] * model_ref.h.parameter_count()
    for gi, e in enumerate(extras):
        for p in e["params"]:
            group_of[p._i] = gi
    missing = [model_ref.name_of(i) for i, g in enumerate(group_of) if g is None]
    if missing:
        raise ValueError(
            "an lrsched SGD over a model updates every parameter of that model; missing: " + ", ".join(missing)
        )
    return B.Sgd.create(model_ref.h, group_of, float(spec["lr"]), float(spec["momentum"]),
                        float(spec["dampening"]), float(spec["weight_decay"]), spec["nesterov"], spec["maximize"])


class SGD:
    """torch.optim.SGD's interface, over the library's optimizer state.

    ``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
    *, maximize=False)``. ``params`` is an iterable of parameters or of param-group
    dicts, as in torch. lrsched extension: a group without parameters (no
    ``"params"`` key, or ``"params": []``) is a *scheduling-only* group, e.g.
    ``SGD([{"lr": 0.1}, {"lr": 0.01}], lr=0.1)`` has two groups to schedule and no
    parameters. ``SGD([])`` is a ValueError, as in torch.

    Over a model's parameters (``SGD(model.parameters(), lr=0.1)``, or param-group dicts
    whose ``"params"`` are parameters of one model, every parameter in exactly one group)
    it is the library's torch.optim.SGD over that model: :class:`Trainer` fits the model
    with it, applying torch's update (momentum, dampening, weight decay, nesterov,
    maximize) with each group's hyperparameters. Other objects as parameters (torch
    tensors, say) are kept in each group's ``"params"`` list but not updated.
    :meth:`step` calls the closure and returns its loss (gradients are computed inside
    ``Trainer.fit`` only). ``param_groups[i]`` reads and writes the hyperparameters the
    schedulers act on, and the next update uses.

    Example::

        opt = SGD([{"lr": 0.1}], lr=0.1)
        sched = StepLR(opt, step_size=4, gamma=0.9)
        for epoch in range(10):
            ...                      # train
            opt.step()
            sched.step()
            print(opt.param_groups[0]["lr"])
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        owner = "SGD"
        spec = {
            "lr": _float_number(lr, owner, "lr"),
            "momentum": _float_number(momentum, owner, "momentum"),
            "dampening": _float_number(dampening, owner, "dampening"),
            "weight_decay": _float_number(weight_decay, owner, "weight_decay"),
            "nesterov": bool(nesterov),
            "maximize": bool(maximize),
        }
        self.defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        self.state = {}
        lib_groups, extras, optionals = [], [], []
        for g in _group_dicts(params):
            lg, extra, opt_vals = self._split_group(g)
            lib_groups.append(lg)
            extras.append(extra)
            optionals.append(opt_vals)
        spec["groups"] = lib_groups
        self._check_duplicates(extras)
        model_ref = _model_of(extras)
        # The library optimizer of the groups: it validates every value (as torch's
        # SGD validates its defaults) and holds them.
        h = _Optimizer.from_json(_dumps_spec(spec))
        for i, opt_vals in enumerate(optionals):
            for k, v in opt_vals.items():
                h.set(i, lib_keys[k][0], v)
        self._sgd = None
        self._model_ref = model_ref
        if model_ref is not None:
            # SGD over the model's parameters: the library's SGD, the groups copied in.
            sgd = _model_sgd(model_ref, extras, spec)
            oh = sgd.optimizer()
            for i in range(len(extras)):
                _copy_group(h, oh, i)
            model_ref.in_use = True
            self._sgd = sgd
            h = oh
        self._h = h
        self._extras = extras
        self.param_groups = [ParamGroup(self._h, i, e) for i, e in enumerate(extras)]

    def _split_group(self, g):
        """A param-group dict -> (library spec overrides, Python-side keys, optional
        library keys to set after creation)."""
        if not isinstance(g, dict):
            raise TypeError(f"param group must be a dict, but got {type(g).__name__}")
        lib, extra, opt_vals = {}, {}, {}
        extra["params"] = _param_list(g.get("params", []))
        for k, v in g.items():
            if k == "params":
                continue
            if k in spec_keys:
                lib[k] = bool(v) if k in ("nesterov", "maximize") else _float_number(v, "param group", k)
            elif k in optional_keys:
                opt_vals[k] = _float_value(v, k)
            elif k == "betas":
                lib[k] = [_float_number(b, "param group", "betas") for b in v]
            else:
                extra[k] = v
        for k in python_defaults:
            extra.setdefault(k, self.defaults[k])
        return lib, extra, opt_vals

    @staticmethod
    def _check_duplicates(extras):
        seen = set()
        for e in extras:
            ids = {id(p) for p in e["params"]}
            if seen & ids:
                raise ValueError("some parameters appear in more than one parameter group")
            seen |= ids

    def add_param_group(self, param_group):
        """Adds a group (torch's add_param_group); missing hyperparameters take the
        optimizer's defaults. A group without ``"params"`` is scheduling-only."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if self._sgd is not None:
            raise ValueError(
                "add_param_group: an lrsched SGD over a model's parameters has its groups fixed at "
                "construction (give every group to SGD(...))"
            )
        lib, extra, opt_vals = self._split_group(param_group)
        if any(isinstance(p, Parameter) for p in extra["params"]):
            raise ValueError(
                "add_param_group: model parameters can only be given to SGD(...) itself "
                "(SGD(model.parameters(), ...))"
            )
        self._check_duplicates(self._extras + [extra])
        lr = lib.get("lr", _float_number(self.defaults["lr"], "SGD", "lr"))
        momentum = lib.get("momentum", _float_number(self.defaults["momentum"], "SGD", "momentum"))
        self._h.add_group(lr, momentum)
        i = self._h.group_count() - 1
        for k in ("dampening", "weight_decay", "nesterov", "maximize"):
            if k in lib:
                self._h.set(i, lib_keys[k][0], float(lib[k]))
        if "betas" in lib:
            self._h.set(i, B.KEY_BETA1, float(lib["betas"][0]))
            self._h.set(i, B.KEY_BETA2, float(lib["betas"][1]))
        for k, v in opt_vals.items():
            self._h.set(i, lib_keys[k][0], v)
        self._extras.append(extra)
        self.param_groups.append(ParamGroup(self._h, i, extra))

    def state_dict(self):
        """torch's optimizer state dict: ``{"state": {}, "param_groups": [...]}`` with
        every hyperparameter of every group and ``"params"`` as indices. A plain,
        picklable dict."""
        d = _decode_state(json.loads(self._h.state_save()))
        index = 0
        for g, extra in zip(d["param_groups"], self._extras):
            for k, v in extra.items():
                if k != "params":
                    g[k] = v
            n = len(extra["params"])
            g["params"] = list(range(index, index + n))
            index += n
        d["state"] = {}
        return d

    def load_state_dict(self, state_dict):
        """Restores a state from :meth:`state_dict` (the group hyperparameters, including
        ``initial_lr`` and the other scheduler keys). Load the optimizer before the
        schedulers, as in torch."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict, got {type(state_dict).__name__}")
        groups = state_dict.get("param_groups")
        if not isinstance(groups, list):
            raise ValueError("optimizer state has no 'param_groups' list")
        if len(groups) != len(self._extras):
            raise ValueError("loaded state dict has a different number of parameter groups")
        lib_groups, new_extras = [], []
        for g, extra in zip(groups, self._extras):
            if not isinstance(g, dict):
                raise ValueError("each param group of the state must be a dict")
            if "params" in g and len(g["params"]) != len(extra["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
                )
            lg, ne = {}, {"params": extra["params"]}
            for k, v in g.items():
                if k in lib_keys or k == "betas":
                    lg[k] = v
                elif k != "params":
                    ne[k] = v
            lib_groups.append(lg)
            new_extras.append(ne)
        text = _dumps(_encode_state({"state": {}, "param_groups": lib_groups}))
        self._h.state_load(text)
        for extra, ne in zip(self._extras, new_extras):
            extra.clear()
            extra.update(ne)

    def step(self, closure=None):
        """Calls ``closure`` (if given) and returns its loss. Parameters are updated by
        :class:`Trainer` (the library computes the gradients inside ``fit``); without
        gradients this step updates nothing, so it is harmless in a scheduling loop."""
        return None if closure is None else closure()

    def zero_grad(self, set_to_none=True):
        """No-op (gradients live inside ``Trainer.fit`` only)."""

    def __reduce__(self):
        # copy.deepcopy and pickle: rebuilt from the groups' params and the defaults,
        # then the state (every hyperparameter) loaded. Not over a model's parameters.
        if self._model_ref is not None:
            raise TypeError(
                f"cannot pickle '{type(self).__name__}' object over a model's parameters; pickle its "
                "state_dict() (and the model's parameter values) instead"
            )
        groups = [{"params": list(extra["params"])} for extra in self._extras]
        return (_copies.rebuild_sgd, (type(self), groups, dict(self.defaults), self.state_dict()))

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in g if k != "params"):
                lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)

# ------------------------------------------------------------------------------------
# Foreign optimizers (torch.optim.Optimizer or anything with param_groups)
# ------------------------------------------------------------------------------------

class _Mirror:
    """A private library optimizer state mirroring a foreign optimizer's groups:
    synced in before each scheduler call, written back after."""

    __slots__ = ("h", "kind", "defaults", "__weakref__")

    def __init__(self, foreign):
        groups = foreign.param_groups
        defaults = getattr(foreign, "defaults", None) or {}
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        g0 = groups[0]
        if "betas" in defaults or "betas" in g0:
            kind = B.MOMENTUM_BETAS
            m0 = float((g0.get("betas") or defaults["betas"])[0])
        elif "momentum" in defaults or "momentum" in g0:
            kind = B.MOMENTUM_SGD
            m0 = float(g0.get("momentum", defaults.get("momentum", 0.0)))
        else:
            kind = B.MOMENTUM_NONE
            m0 = 0.0
        self.kind = kind
        self.defaults = defaults
        self.h = _Optimizer.create(len(groups), float(g0["lr"]), m0, kind)

    def sync_in(self, foreign):
        h = self.h
        groups = foreign.param_groups
        n = h.group_count()
        if len(groups) < n:
            raise RuntimeError(
                f"the optimizer has {len(groups)} param groups, fewer than the {n} lrsched has seen"
            )
        for g in groups[n:]:  # add_param_group since the last call
            h.add_group(float(g["lr"]), self._momentum(g))
        for i, g in enumerate(groups):
            h.set(i, B.KEY_LR, float(g["lr"]))
            for k in optional_keys:
                code = lib_keys[k][0]
                if k in g:
                    h.set(i, code, float(g[k]))
                else:
                    h.unset(i, code)
            if self.kind == B.MOMENTUM_SGD:
                h.set(i, B.KEY_MOMENTUM, self._momentum(g))
            elif self.kind == B.MOMENTUM_BETAS:
                b = g.get("betas") or self.defaults["betas"]
                h.set(i, B.KEY_BETA1, float(b[0]))
                h.set(i, B.KEY_BETA2, float(b[1]))

    def _momentum(self, g):
        if self.kind == B.MOMENTUM_SGD:
            return float(g.get("momentum", self.defaults.get("momentum", 0.0)))
        if self.kind == B.MOMENTUM_BETAS:
            return float((g.get("betas") or self.defaults["betas"])[0])
        return 0.0

    def sync_out(self, foreign):
        h = self.h
        for i, g in enumerate(foreign.param_groups):
            _put(g, "lr", h.get(i, B.KEY_LR))
            for k in optional_keys:
                code = lib_keys[k][0]
                if h.has(i, code):
                    v = h.get(i, code)
                    if k not in g or g[k] != v:
                        _put(g, k, v)
            if self.kind == B.MOMENTUM_SGD:
                m = h.get(i, B.KEY_MOMENTUM)
                if g.get("momentum") != m:
                    _put(g, "momentum", m)
            elif self.kind == B.MOMENTUM_BETAS:
                b1 = h.get(i, B.KEY_BETA1)
                old = tuple(g.get("betas") or self.defaults["betas"])
                if old[0] != b1:
                    g["betas"] = (b1, *old[1:])

def _put(g, key, v):
    old = g.get(key)
    if old is not None and not isinstance(old, (int, float)) and hasattr(old, "fill_"):
        old.fill_(v)  # a Tensor lr keeps its object, as torch's schedulers do
    else:
        g[key] = v

# One mirror per foreign optimizer (by identity), dropped with the optimizer, so that
# every scheduler on it (composites included) shares one library optimizer.
mirrors = {}  # id(foreign) -> (weakref to foreign, mirror)

def _forget(ref, key):
    entry = mirrors.get(key)
    if entry is not None and entry[0] is ref:
        del mirrors[key]

def _mirror_for(foreign):
    key = id(foreign)
    entry = mirrors.get(key)
    if entry is not None and entry[0]() is foreign:
        return entry[1]
    m = getattr(foreign, "_lrsched_mirror", None)
    if isinstance(m, _Mirror):
        return m
    m = _Mirror(foreign)
    try:
        ref = weakref.ref(foreign, lambda r, key=key: _forget(r, key))
    except TypeError:  # not weak-referenceable: keep the mirror on the object
        try:
            foreign._lrsched_mirror = m
        except AttributeError:
            pass  # then every scheduler gets its own mirror (no composition)
        return m
    mirrors[key] = (ref, m)
    return m

def _resolve(optimizer):
    """(library optimizer, mirror or None) for an optimizer argument."""
    if isinstance(optimizer, SGD):
        return optimizer._h, None
    if isinstance(getattr(optimizer, "param_groups", None), list):
        m = _mirror_for(optimizer)
        return m.h, m
    raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
