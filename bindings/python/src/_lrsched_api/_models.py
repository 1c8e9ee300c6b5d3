"""Models: Linear, ReLU, Sequential and their Parameter objects, over the backend's
Model. Runs once per package (see _lrsched_api.load)."""

from __future__ import annotations

import itertools
import operator

from _lrsched_api._data import _array_f32, _matrix, _numpy, _parameter_values
from _lrsched_api._values import _int_arg

# Seeded by _lrsched_api.load() before this module runs: the package's backend module
# (lrsched._lrsched or lrsched_ctypes._capi) and the package's name (for messages).
B = _backend  # noqa: F821
module_name = _module_name  # noqa: F821

__all__ = ["Module", "Parameter", "Linear", "ReLU", "Sequential"]

# ------------------------------------------------------------------------------------
# Models: Linear, ReLU, Sequential and their parameters
# ------------------------------------------------------------------------------------

class _ModelRef:
    """A library model handle, its parameters' torch names, and whether an SGD holds
    its parameters (then its layers cannot join a Sequential any more)."""

    __slots__ = ("h", "names", "in_use")

    def __init__(self, h, names):
        self.h = h
        self.names = names
        self.in_use = False

    def name_of(self, i):
        return self.names[i]

class Parameter:
    """A parameter of a model (the role of torch.nn.Parameter): float32 values held by
    the library's model, which :class:`Trainer` updates in place.

    ``p.shape`` is a tuple (``(out, in)`` for a Linear's weight, ``(out,)`` for its
    bias); ``p.tolist()`` the values as a flat row-major list of floats;
    ``p.set(values)`` overwrites them from a flat sequence or buffer of exactly
    ``p.numel()`` numbers, or a nested list of the parameter's shape (ValueError
    otherwise). ``numpy.asarray(p)`` gives a float32 copy of that shape. Parameters are
    created by :class:`Linear`, not directly.
    """

    __slots__ = ("_ref", "_i", "_shape", "_numel", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError(f"{module_name}.Parameter objects are created by Linear layers")

    @classmethod
    def _new(cls, ref, index):
        p = object.__new__(cls)
        p._ref = ref
        p._i = index
        p._shape = tuple(ref.h.parameter_shape(index))
        p._numel = ref.h.parameter_numel(index)
        return p

    @property
    def shape(self):
        """The shape, a tuple of ints."""
        return self._shape

    def numel(self):
        """The number of values."""
        return self._numel

    def dim(self):
        """The number of dimensions."""
        return len(self._shape)

    def tolist(self):
        """The values, flat row-major, as a list of floats (the layout of ``values`` in
        training vectors)."""
        return self._ref.h.parameter_get(self._i)

    def set(self, values):
        """Overwrites the values from a flat sequence or buffer of exactly numel numbers,
        or a nested list of the parameter's shape (converted to float32)."""
        self._ref.h.parameter_set(self._i, _parameter_values(values, self._shape, self._numel))

    def __array__(self, dtype=None, copy=None):
        np = _numpy()
        a = np.array(self.tolist(), dtype=np.float32).reshape(self._shape)
        return a if dtype is None else a.astype(dtype)

    def __reduce__(self):
        raise TypeError(f"cannot pickle '{type(self).__name__}' object; pickle p.tolist() instead")

    def __repr__(self):
        values = self.tolist()
        shown = ", ".join(f"{v:.4g}" for v in values[:8]) + (", ..." if len(values) > 8 else "")
        return f"Parameter(shape={self._shape}, values=[{shown}])"

class Module:
    """Base class of :class:`Linear`, :class:`ReLU` and :class:`Sequential` (the role of
    torch.nn.Module for these three). ``parameters()`` and ``named_parameters()`` list
    the parameters in torch's order; ``model(X)`` is the forward pass."""

    _ref = None
    _owner = None
    _named = ()
    _in = None
    _out = None

    def __init__(self, *args, **kwargs):
        raise TypeError(f"{module_name}.Module cannot be instantiated; use Linear, ReLU or Sequential")

    def parameters(self):
        """The parameters, a list in named_parameters() order."""
        return [p for _, p in self._named]

    def named_parameters(self):
        """(name, parameter) pairs, a list in torch's order ("0.weight", "0.bias",
        "2.weight", ... in a Sequential; "weight", "bias" for a Linear)."""
        return list(self._named)

    def _model(self):
        if self._ref is None:
            if self._owner is not None:
                raise RuntimeError(
                    f"this {type(self).__name__} belongs to a Sequential now; use that Sequential"
                )
            raise RuntimeError(f"{type(self).__name__} is not initialized")
        return self._ref

    def forward(self, x):
        """The model's output for x, a (rows, in_features) matrix (numpy array,
        float32 buffer, nested lists, ...): float32 of shape (rows, out_features), a
        numpy array when numpy is importable, else a memoryview."""
        ref = self._model()
        data, rows, cols = _matrix(x, "input", self._in, False)
        out = ref.h.forward(data, rows, cols)
        n_out = len(out) // 4 // rows if rows else (self._out or cols)
        np = _numpy()
        if np is not None:
            return np.frombuffer(out, dtype=np.float32).reshape(rows, n_out)
        mv = memoryview(out)
        return mv.cast("f", (rows, n_out)) if rows and n_out else mv.cast("f")

    def __call__(self, x):
        return self.forward(x)

    def __reduce__(self):
        raise TypeError(
            f"cannot pickle '{type(self).__name__}' object; pickle "
            "[(name, p.tolist()) for name, p in model.named_parameters()] instead"
        )

# Each Linear's initial values come from its own seed: 1, 2, 3, ... in creation order
# (per process and front end), as torch's draw from its global generator.
init_seeds = itertools.count(1)

def _fresh_seed():
    return next(init_seeds)

class Linear(Module):
    """``Linear(in_features, out_features)``: torch.nn.Linear with a bias, y = x W^T + b.

    ``weight`` (shape ``(out_features, in_features)``) and ``bias`` (``(out_features,)``)
    are initialised as torch initialises them (U(-k, k), k = 1/sqrt(in_features)) from
    the library's generator (values differ from torch's; set them with
    ``p.set(values)``). A Linear is a model on its own (``SGD(lin.parameters())``,
    ``Trainer(lin, ...)``) or a layer of one :class:`Sequential` (which then owns its
    parameters: the same Parameter objects).
    """

    def __init__(self, in_features, out_features):
        i = _int_arg(in_features, "Linear", "in_features")
        o = _int_arg(out_features, "Linear", "out_features")
        h = B.Model.create()
        h.add_linear(i, o, _fresh_seed())
        ref = _ModelRef(h, ["weight", "bias"])
        self.in_features = i
        self.out_features = o
        self._in, self._out = i, o
        self._ref = ref
        self._named = [("weight", Parameter._new(ref, 0)), ("bias", Parameter._new(ref, 1))]

    @property
    def weight(self):
        """The weight parameter, shape (out_features, in_features)."""
        return self._named[0][1]

    @property
    def bias(self):
        """The bias parameter, shape (out_features,)."""
        return self._named[1][1]

    def __repr__(self):
        return f"Linear(in_features={self.in_features}, out_features={self.out_features}, bias=True)"

class ReLU(Module):
    """``ReLU()``: torch.nn.ReLU, max(x, 0) element-wise. No parameters; one ReLU may be
    used in several places."""

    def __init__(self):
        h = B.Model.create()
        h.add_relu()
        self._ref = _ModelRef(h, [])

    def __repr__(self):
        return "ReLU()"

def _flatten(layers):
    """(flat, adopted) of a Sequential's layers: flat the (torch name, Linear or ReLU) pairs
    in order, nested Sequentials expanded; adopted the Linear and Sequential layers whose
    parameters move into the new model (each checked: not shared, not taken, not held by
    an SGD)."""
    flat = []  # (name prefix, Linear or ReLU)
    adopted = []  # Linear / Sequential modules whose parameters move here
    seen = set()

    def walk(mods, prefix, nested):
        for k, m in enumerate(mods):
            name = f"{prefix}{k}"
            if isinstance(m, ReLU):
                flat.append((name, m))
                continue
            if not isinstance(m, (Linear, Sequential)):
                raise TypeError(
                    f"Sequential: layer {name} is a {type(m).__name__}; {module_name} models are made "
                    "of Linear, ReLU and Sequential layers"
                )
            if id(m) in seen:
                raise ValueError(f"Sequential: {m!r} appears twice (lrsched layers cannot be shared)")
            seen.add(id(m))
            if not nested:  # (the layers of a nested Sequential belong to it)
                _check_adoptable(m, name)
                adopted.append(m)
            if isinstance(m, Sequential):
                walk(m._layers, name + ".", True)
            else:
                flat.append((name, m))

    walk(layers, "", False)
    return flat, adopted


def _check_adoptable(m, name):
    if m._ref is None:
        raise ValueError(f"Sequential: {type(m).__name__} at {name} already belongs to a Sequential")
    if m._ref.in_use:
        raise ValueError(
            f"Sequential: the parameters of {type(m).__name__} at {name} are already held by "
            "an SGD; build the model first, then its optimizer"
        )


def _model_of_layers(flat):
    """(library model, moves) for flat layers: the model built layer by layer with the
    Linear layers' current values copied in; moves the (Parameter, new index, torch name)
    of every parameter."""
    h = B.Model.create()
    for _, m in flat:
        if isinstance(m, Linear):
            h.add_linear(m.in_features, m.out_features, 0)
        else:
            h.add_relu()
    moves = []
    index = 0
    for name, m in flat:
        if isinstance(m, Linear):
            for pname, p in m._named:
                h.parameter_set(index, _array_f32(p.tolist()))
                moves.append((p, index, f"{name}.{pname}"))
                index += 1
    return h, moves


class Sequential(Module):
    """``Sequential(*layers)`` or ``Sequential([layers])``: torch.nn.Sequential of
    :class:`Linear`, :class:`ReLU` (and nested Sequential) layers, applied in order.

    Parameters are named as torch names them ("0.weight", "0.bias", "2.weight", ...) and
    are the layers' own Parameter objects (``seq[0].weight is seq.parameters()[0]``):
    their values move into the Sequential's model, which owns them from then on. So a
    Linear (or Sequential) can join one Sequential only, and not once an SGD holds its
    parameters (ValueError); ReLU layers can be shared. Indexing (``seq[i]``),
    ``len()`` and iteration give the layers.

    Example::

        model = Sequential(Linear(4, 16), ReLU(), Linear(16, 1))
        [name for name, _ in model.named_parameters()]
        # ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        flat, adopted = _flatten(layers)
        h, moves = _model_of_layers(flat)
        # Every value copied: now the parameters move here.
        ref = _ModelRef(h, [full for _, _, full in moves])
        named = []
        for p, i, full in moves:
            p._ref, p._i = ref, i
            named.append((full, p))
        for m in adopted:
            m._ref = None
            m._owner = self
        self._layers = list(layers)
        self._ref = ref
        self._named = named
        linears = [m for _, m in flat if isinstance(m, Linear)]
        self._in = linears[0].in_features if linears else None
        self._out = linears[-1].out_features if linears else None

    def __getitem__(self, i):
        return self._layers[operator.index(i)]

    def __len__(self):
        return len(self._layers)

    def __iter__(self):
        return iter(self._layers)

    def __repr__(self):
        lines = ["Sequential("]
        for k, m in enumerate(self._layers):
            inner = repr(m).replace("\n", "\n  ")
            lines.append(f"  ({k}): {inner}")
        lines.append(")")
        return "\n".join(lines) if self._layers else "Sequential()"
