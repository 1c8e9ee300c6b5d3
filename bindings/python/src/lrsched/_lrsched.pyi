# Type stubs of the private extension lrsched._lrsched (see csrc/_lrschedmodule.c).
from collections.abc import Callable, Sequence
from typing import Any, final

ABI_VERSION: int
HEADER_VERSION_NUMBER: int
LIBRARY_VERSION_NUMBER: int
OK: int
VALUE_ERROR: int
TYPE_ERROR: int
KEY_ERROR: int
RUNTIME_ERROR: int
ZERO_DIVISION_ERROR: int
NOT_IMPLEMENTED_ERROR: int
CALLBACK_FAILED: int
NULL_ARGUMENT: int
BUFFER_TOO_SMALL: int
OUT_OF_MEMORY: int
OVERFLOW_ERROR: int
MOMENTUM_SGD: int
MOMENTUM_BETAS: int
MOMENTUM_NONE: int
KEY_LR: int
KEY_INITIAL_LR: int
KEY_MOMENTUM: int
KEY_DAMPENING: int
KEY_WEIGHT_DECAY: int
KEY_NESTEROV: int
KEY_MAXIMIZE: int
KEY_BETA1: int
KEY_BETA2: int
KEY_MAX_LR: int
KEY_MIN_LR: int
KEY_MAX_MOMENTUM: int
KEY_BASE_MOMENTUM: int
STEP_EPOCH: int
STEP_BATCH: int
FLAG_METRIC: int
FLAG_FRACTIONAL_EPOCH: int
FLAG_COMPOSITE: int
FLAG_NO_EPOCH: int
STEP_WRAPPER_FRAMES: int

@final
class Optimizer:
    @classmethod
    def from_json(cls, spec: str, /) -> Optimizer: ...
    @classmethod
    def create(cls, n_groups: int, lr: float, momentum: float, momentum_kind: int, /) -> Optimizer: ...
    def get(self, group: int, key: int, /) -> float: ...
    def set(self, group: int, key: int, value: float, /) -> None: ...
    def has(self, group: int, key: int, /) -> bool: ...
    def unset(self, group: int, key: int, /) -> None: ...
    def group_count(self) -> int: ...
    def momentum_kind(self) -> int: ...
    def lrs(self) -> list[float]: ...
    def add_group(self, lr: float, momentum: float, /) -> None: ...
    def state_save(self) -> str: ...
    def state_load(self, json: str, /) -> None: ...

class Scheduler:
    last_epoch: int
    base_lrs: list[float]
    _type_name: str | None
    _opt: Optimizer | None
    _foreign: bool
    _has_callbacks: bool
    _children: tuple[Scheduler, ...] | None
    def step(self, *args: Any, **kwargs: Any) -> None: ...
    def get_last_lr(self) -> list[float]: ...
    def _step(self) -> None: ...
    def _step_metric(self, metric: float, /) -> None: ...
    def _step_epoch(self, epoch: float, /) -> None: ...
    def _step_epoch_int(self, epoch: int, /) -> None: ...
    def _check(self) -> None: ...
    def flags(self) -> int: ...
    def _init_json(self, optimizer: Optimizer, spec: str, /) -> None: ...
    def _init_lambda(
        self, optimizer: Optimizer, fns: Sequence[Callable[[int], float]], last_epoch: int, multiplicative: bool, /
    ) -> None: ...
    def _init_sequential(
        self, optimizer: Optimizer, schedulers: Sequence[Scheduler], milestones: Sequence[int], last_epoch: int, /
    ) -> None: ...
    def _init_chained(self, schedulers: Sequence[Scheduler], optimizer: Optimizer | None, /) -> None: ...
    def _state_save(self) -> str: ...
    def _state_load(self, json: str, /) -> None: ...

@final
class Model:
    @classmethod
    def create(cls) -> Model: ...
    def add_linear(self, in_features: int, out_features: int, seed: int, /) -> None: ...
    def add_relu(self) -> None: ...
    def layer_count(self) -> int: ...
    def parameter_count(self) -> int: ...
    def parameter_name(self, index: int, /) -> str: ...
    def parameter_shape(self, index: int, /) -> tuple[int, ...]: ...
    def parameter_numel(self, index: int, /) -> int: ...
    def parameter_get(self, index: int, /) -> list[float]: ...
    def parameter_set(self, index: int, values: Any, /) -> None: ...
    def forward(self, x: Any, rows: int, features: int, /) -> bytearray: ...

@final
class Sgd:
    @classmethod
    def create(
        cls,
        model: Model,
        group_of: Sequence[int] | None,
        lr: float,
        momentum: float,
        dampening: float,
        weight_decay: float,
        nesterov: bool,
        maximize: bool,
        /,
    ) -> Sgd: ...
    def optimizer(self) -> Optimizer: ...

@final
class Trainer:
    @classmethod
    def create(
        cls,
        model: Model,
        sgd: Sgd,
        schedulers: Sequence[Scheduler],
        batch_size: int,
        shuffle: bool,
        drop_last: bool,
        step_unit: int,
        seed: int,
        /,
    ) -> Trainer: ...
    def fit(
        self,
        x: Any,
        y: Any,
        rows: int,
        features: int,
        outputs: int,
        epochs: int,
        callback: Callable[[int, float, float, float], object] | None,
        /,
    ) -> list[float]: ...
    def loss(self, x: Any, y: Any, rows: int, features: int, outputs: int, /) -> float: ...

def preview(
    schedulers: Sequence[Scheduler], steps: int, metrics: Sequence[float] | None, lrs: bytearray,
    momenta: bytearray | None, /
) -> int: ...
def version() -> str: ...
def status_string(status: int, /) -> str: ...
def bind_methods(cls: type[Scheduler], /) -> None: ...
