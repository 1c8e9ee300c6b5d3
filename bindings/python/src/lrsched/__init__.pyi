# Type stubs of lrsched, the one stub source of both packages (lrsched_ctypes/__init__.pyi re-exports it).
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from typing import Any, Literal, TypedDict, overload

__version__: str
__all__ = [
    "SGD",
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "SequentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "ChainedScheduler",
    "ReduceLROnPlateau",
    "CyclicLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "from_spec",
    "preview",
    "Module",
    "Parameter",
    "Linear",
    "ReLU",
    "Sequential",
    "Trainer",
    "plot",
]

_Number = float | int
_PerGroup = float | int | Sequence[float | int]
_LRLambda = Callable[[int], float | int]

class ParamGroup(MutableMapping[str, Any]):
    """A dict-like view of one parameter group of an SGD."""
    def __getitem__(self, key: str) -> Any: ...
    def __setitem__(self, key: str, value: Any) -> None: ...
    def __delitem__(self, key: str) -> None: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...

class SGD:
    defaults: dict[str, Any]
    state: dict[Any, Any]
    param_groups: list[ParamGroup]
    def __init__(
        self,
        params: Iterable[Any] | Iterable[dict[str, Any]],
        lr: _Number = 1e-3,
        momentum: _Number = 0,
        dampening: _Number = 0,
        weight_decay: _Number = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None: ...
    def add_param_group(self, param_group: dict[str, Any]) -> None: ...
    def state_dict(self) -> dict[str, Any]: ...
    def load_state_dict(self, state_dict: dict[str, Any]) -> None: ...
    def step(self, closure: Callable[[], Any] | None = None) -> Any: ...
    def zero_grad(self, set_to_none: bool = True) -> None: ...

_Optimizer = Any  # an SGD, or any object with a `param_groups` list of dicts (torch.optim.Optimizer)

class LRScheduler:
    optimizer: _Optimizer
    @property
    def last_epoch(self) -> int: ...
    @property
    def base_lrs(self) -> list[float]: ...
    def __init__(self, optimizer: _Optimizer, last_epoch: int = -1) -> None: ...
    def step(self, epoch: int | float | None = None) -> None: ...
    def get_last_lr(self) -> list[float]: ...
    def state_dict(self) -> dict[str, Any]: ...
    def load_state_dict(self, state_dict: dict[str, Any]) -> None: ...
    @overload
    def preview(self, n: int, metrics: Sequence[float] | None = None, momentum: Literal[False] = False) -> Any: ...
    @overload
    def preview(self, n: int, metrics: Sequence[float] | None = None, *, momentum: Literal[True]) -> tuple[Any, Any]: ...

class LambdaLR(LRScheduler):
    lr_lambdas: list[_LRLambda]
    def __init__(self, optimizer: _Optimizer, lr_lambda: _LRLambda | Sequence[_LRLambda], last_epoch: int = -1) -> None: ...

class MultiplicativeLR(LRScheduler):
    lr_lambdas: list[_LRLambda]
    def __init__(self, optimizer: _Optimizer, lr_lambda: _LRLambda | Sequence[_LRLambda], last_epoch: int = -1) -> None: ...

class StepLR(LRScheduler):
    step_size: int
    gamma: float
    def __init__(self, optimizer: _Optimizer, step_size: int, gamma: _Number = 0.1, last_epoch: int = -1) -> None: ...

class MultiStepLR(LRScheduler):
    milestones: list[int]
    gamma: float
    def __init__(self, optimizer: _Optimizer, milestones: Iterable[int], gamma: _Number = 0.1, last_epoch: int = -1) -> None: ...

class ConstantLR(LRScheduler):
    factor: float
    total_iters: int
    def __init__(self, optimizer: _Optimizer, factor: _Number = ..., total_iters: int = 5, last_epoch: int = -1) -> None: ...

class LinearLR(LRScheduler):
    start_factor: float
    end_factor: float
    total_iters: int
    def __init__(
        self,
        optimizer: _Optimizer,
        start_factor: _Number = ...,
        end_factor: _Number = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None: ...

class ExponentialLR(LRScheduler):
    gamma: float
    def __init__(self, optimizer: _Optimizer, gamma: _Number, last_epoch: int = -1) -> None: ...

class SequentialLR(LRScheduler):
    def __init__(
        self, optimizer: _Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int], last_epoch: int = -1
    ) -> None: ...

class PolynomialLR(LRScheduler):
    total_iters: int
    power: float
    def __init__(self, optimizer: _Optimizer, total_iters: int = 5, power: _Number = 1.0, last_epoch: int = -1) -> None: ...

class CosineAnnealingLR(LRScheduler):
    T_max: int
    eta_min: float
    def __init__(self, optimizer: _Optimizer, T_max: int, eta_min: _Number = 0.0, last_epoch: int = -1) -> None: ...

class ChainedScheduler(LRScheduler):
    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: _Optimizer | None = None) -> None: ...

class ReduceLROnPlateau(LRScheduler):
    factor: float
    default_min_lr: float | None
    min_lrs: list[float]
    patience: int
    cooldown: int
    eps: float
    mode_worse: float
    mode: str
    threshold: float
    threshold_mode: str
    best: float
    cooldown_counter: int
    num_bad_epochs: int
    def __init__(
        self,
        optimizer: _Optimizer,
        mode: Literal["min", "max"] = "min",
        factor: _Number = 0.1,
        patience: int = 10,
        threshold: _Number = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: _PerGroup = 0,
        eps: _Number = 1e-8,
    ) -> None: ...
    def step(self, metrics: Any = ..., epoch: None = None) -> None: ...  # type: ignore[override]

class CyclicLR(LRScheduler):
    max_lrs: list[float]
    total_size: float
    step_ratio: float
    mode: str
    gamma: float
    scale_mode: str
    cycle_momentum: bool
    use_beta1: bool
    base_momentums: list[float]
    max_momentums: list[float]
    def __init__(
        self,
        optimizer: _Optimizer,
        base_lr: _PerGroup,
        max_lr: _PerGroup,
        step_size_up: _Number = 2000,
        step_size_down: _Number | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: _Number = 1.0,
        scale_fn: None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: _PerGroup = 0.8,
        max_momentum: _PerGroup = 0.9,
        last_epoch: int = -1,
    ) -> None: ...

class CosineAnnealingWarmRestarts(LRScheduler):
    T_0: int
    T_i: int
    T_mult: int
    eta_min: float
    T_cur: float
    def __init__(
        self, optimizer: _Optimizer, T_0: int, T_mult: int = 1, eta_min: _Number = 0.0, last_epoch: int = -1
    ) -> None: ...

class OneCycleLR(LRScheduler):
    total_steps: int
    cycle_momentum: bool
    use_beta1: bool
    def __init__(
        self,
        optimizer: _Optimizer,
        max_lr: _PerGroup,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: _PerGroup = 0.85,
        max_momentum: _PerGroup = 0.95,
        div_factor: _Number = 25.0,
        final_div_factor: _Number = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None: ...

def from_spec(optimizer: _Optimizer, spec: dict[str, Any] | str | bytes) -> LRScheduler: ...
@overload
def preview(
    schedulers: Sequence[LRScheduler], n: int, metrics: Sequence[float] | None = None, momentum: Literal[False] = False
) -> Any: ...
@overload
def preview(
    schedulers: Sequence[LRScheduler], n: int, metrics: Sequence[float] | None = None, *, momentum: Literal[True]
) -> tuple[Any, Any]: ...

# --- Models and training -------------------------------------------------------------

class Parameter:
    """A model parameter: float32 values held by the library's model."""
    @property
    def shape(self) -> tuple[int, ...]: ...
    def numel(self) -> int: ...
    def dim(self) -> int: ...
    def tolist(self) -> list[float]: ...
    def set(self, values: Any) -> None: ...
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Any: ...

class Module:
    def parameters(self) -> list[Parameter]: ...
    def named_parameters(self) -> list[tuple[str, Parameter]]: ...
    def forward(self, x: Any) -> Any: ...
    def __call__(self, x: Any) -> Any: ...

class Linear(Module):
    in_features: int
    out_features: int
    def __init__(self, in_features: int, out_features: int) -> None: ...
    @property
    def weight(self) -> Parameter: ...
    @property
    def bias(self) -> Parameter: ...

class ReLU(Module):
    def __init__(self) -> None: ...

class Sequential(Module):
    @overload
    def __init__(self, *layers: Module) -> None: ...
    @overload
    def __init__(self, layers: Sequence[Module], /) -> None: ...
    def __getitem__(self, i: int) -> Module: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Module]: ...

class EpochRecord(TypedDict):
    epoch: int
    lr_start: float
    loss: float
    lr_after: float

class Trainer:
    model: Module
    optimizer: SGD
    schedulers: list[LRScheduler]
    loss: str
    batch_size: int
    shuffle: bool
    step_scheduler: str
    seed: int
    drop_last: bool
    def __init__(
        self,
        model: Module,
        opt: SGD,
        scheduler: LRScheduler | Sequence[LRScheduler] | None = None,
        loss: Literal["mse"] = "mse",
        batch_size: int = 10,
        shuffle: bool = False,
        step_scheduler: Literal["epoch", "batch"] = "epoch",
        seed: int = 0,
        drop_last: bool = False,
    ) -> None: ...
    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int,
        callback: Callable[[EpochRecord], object] | None = None,
        progress: bool = False,
    ) -> list[EpochRecord]: ...
    def evaluate(self, X: Any, y: Any) -> float: ...

def plot(
    sched_or_spec: LRScheduler | Sequence[LRScheduler] | dict[str, Any] | str | bytes,
    steps: int | None = None,
    ax: Any = None,
    *,
    metrics: Sequence[float] | None = None,
) -> Any: ...
