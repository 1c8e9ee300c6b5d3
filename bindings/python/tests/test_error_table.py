"""One table of bad inputs, run through both packages: each must raise the same
exception class with the same message (the library's, where the library checks), and
change nothing. Messages that name their package are written with {pkg}."""

from __future__ import annotations

import math
import warnings

import pytest
from conftest import BACKENDS


def sgd(api, groups=1):
    return api.SGD([{"lr": 0.1 * (i + 1)} for i in range(groups)], lr=0.1)


def step_quietly(s, epoch):
    """s.step(epoch) without its deprecation warning (torch's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        s.step(epoch)


def trainer(api, **kwargs):
    model = api.Linear(2, 1)
    return api.Trainer(model, api.SGD(model.parameters(), lr=0.1), **kwargs)


# (id, build(api) -> call, exception class, exact message)
CASES = [
    # float-kind arguments take any int, as float() does; int-kind ones stop at int64
    ("step_size beyond int64", lambda api: lambda: api.StepLR(sgd(api), step_size=2**70),
     OverflowError, "StepLR: 'step_size' = 1180591620717411303424 is outside the 64-bit integers lrsched takes"),
    ("milestone beyond int64", lambda api: lambda: api.MultiStepLR(sgd(api), [2**64]),
     OverflowError, "MultiStepLR: 'milestones' = 18446744073709551616 is outside the 64-bit integers lrsched takes"),
    ("T_0 beyond int64", lambda api: lambda: api.CosineAnnealingWarmRestarts(sgd(api), T_0=2**70),
     OverflowError, "CosineAnnealingWarmRestarts: 'T_0' = 1180591620717411303424 is outside the 64-bit integers lrsched takes"),
    ("gamma past float", lambda api: lambda: api.ExponentialLR(sgd(api), gamma=2**2000),
     OverflowError, "int too large to convert to float"),
    # NaN and infinities: the library's ValueError, whatever the path
    ("lr nan", lambda api: lambda: api.SGD([{}], lr=math.nan), ValueError, "Invalid lr value: nan (must be finite)"),
    ("group lr inf", lambda api: lambda: api.SGD([{"lr": math.inf}], lr=0.1),
     ValueError, "Invalid lr value: inf (must be finite)"),
    ("gamma nan", lambda api: lambda: api.ExponentialLR(sgd(api), gamma=math.nan),
     ValueError, "gamma must be finite, got nan"),
    ("gamma nan from a spec", lambda api: lambda: api.from_spec(sgd(api), {"type": "ExponentialLR", "gamma": math.nan}),
     ValueError, "gamma must be finite, got nan"),
    ("max_lr inf", lambda api: lambda: api.OneCycleLR(sgd(api), max_lr=math.inf, total_steps=10),
     ValueError, "max_lr must be finite, got inf"),
    # specs hold JSON values
    ("a callable in a spec", lambda api: lambda: api.from_spec(sgd(api), {"type": "LambdaLR", "lr_lambda": len}),
     TypeError, "a spec value of type builtin_function_or_method is not supported: <built-in function len> (specs hold JSON values)"),
    # caps on allocation
    ("preview past the cap", lambda api: lambda: api.StepLR(sgd(api, 2), 3).preview(10**9),
     MemoryError, "a preview of 1000000000 steps x 2 groups is more than lrsched's limit of 67108864 values (2^26)"),
    # states must fit the optimizer
    ("base_lrs longer than the groups", lambda api: (lambda s: lambda: s.load_state_dict({**s.state_dict(), "base_lrs": [0.1, 0.1]}))(api.StepLR(sgd(api), 3)),
     ValueError, "StepLR state: 'base_lrs' holds 2 values for 1 param groups (one per group at most, at least one)"),
    ("_last_lr infinite", lambda api: (lambda s: lambda: s.load_state_dict({**s.state_dict(), "_last_lr": [math.inf]}))(api.StepLR(sgd(api), 3)),
     ValueError, "StepLR state: '_last_lr' must hold finite numbers, got inf"),
    # typed ints are never wrapped by a C conversion (ctypes took 2**64+3 as 3)
    ("batch_size beyond int64", lambda api: lambda: trainer(api, batch_size=2**64 + 3),
     OverflowError, "Trainer: 'batch_size' = 18446744073709551619 is outside the 64-bit integers lrsched takes"),
    ("negative batch_size", lambda api: lambda: trainer(api, batch_size=-1),
     ValueError, "batch_size should be a positive integer value, but got batch_size=-1"),
    ("seed beyond uint64", lambda api: lambda: trainer(api, seed=2**64),
     ValueError, "seed must be between 0 and 2**64 - 1, got 18446744073709551616"),
    ("Linear size beyond int64", lambda api: lambda: api.Linear(2**64 + 2, 1),
     OverflowError, "Linear: 'in_features' = 18446744073709551618 is outside the 64-bit integers lrsched takes"),
    ("last_epoch beyond int64", lambda api: lambda: api.StepLR(sgd(api), 3, last_epoch=2**63),
     OverflowError, "StepLR: 'last_epoch' = 9223372036854775808 is outside the 64-bit integers lrsched takes"),
    ("preview steps beyond int64", lambda api: lambda: api.StepLR(sgd(api), 3).preview(2**70),
     OverflowError, "preview: 'n' = 1180591620717411303424 is outside the 64-bit integers lrsched takes"),
    ("step epoch beyond int64", lambda api: (lambda s: lambda: s.step(2**63))(api.StepLR(sgd(api), 3)),
     OverflowError, "StepLR: 'epoch' = 9223372036854775808 is outside the 64-bit integers lrsched takes"),
    # where torch's Python arithmetic raises, torch's class (status LRSCHED_OVERFLOW_ERROR, ...)
    ("gamma ** epoch overflows", lambda api: (lambda s: (s.step(), lambda: step_quietly(s, 5))[1])(api.ExponentialLR(sgd(api), 1e300)),
     OverflowError, "(34, 'Numerical result out of range')"),
    ("0.0 ** negative", lambda api: (lambda s: (s.step(), lambda: step_quietly(s, 3))[1])(api.StepLR(sgd(api), -1, 0.0)),
     ZeroDivisionError, "0.0 cannot be raised to a negative power"),
    ("lr_lambdas state not a list", lambda api: (lambda s: lambda: s.load_state_dict({**s.state_dict(), "lr_lambdas": 5}))(api.LambdaLR(sgd(api), lambda e: 1.0)),
     TypeError, "LambdaLR state: 'lr_lambdas' must be a list (one entry per lr_lambda), got int"),
    # values that are no real number: PyFloat_AsDouble's TypeError in both packages
    ("metric None", lambda api: lambda: api.ReduceLROnPlateau(sgd(api)).step(None),
     TypeError, "must be real number, not NoneType"),
    ("lr_lambda returns None", lambda api: lambda: api.LambdaLR(sgd(api), lambda e: None),
     TypeError, "must be real number, not NoneType"),
    ("lr_lambda returns complex", lambda api: lambda: api.LambdaLR(sgd(api), lambda e: 1j),
     TypeError, "must be real number, not complex"),
    ("lr_lambda returns str", lambda api: lambda: api.LambdaLR(sgd(api), lambda e: "0.5"),
     TypeError, "must be real number, not str"),
    ("param group lr None", lambda api: lambda: sgd(api).param_groups[0].__setitem__("lr", None),
     TypeError, "param group 'lr' must be a number, got NoneType"),
    ("optimizer state with an infinite initial_lr",
     lambda api: (lambda o: lambda: o.load_state_dict(
         {**o.state_dict(), "param_groups": [{**o.state_dict()["param_groups"][0], "initial_lr": math.inf}]}))(sgd(api)),
     ValueError, "param group state: 'initial_lr' must be finite, got inf"),
    # the thread setting
    ("zero threads", lambda api: lambda: api.set_num_threads(0),
     ValueError, "set_num_threads expects a positive integer (at most 4096), got 0"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_same_error_from_both_packages(case):
    _, build, exc, message = case
    seen = []
    for pkg, api in sorted(BACKENDS.items()):
        with pytest.raises(exc) as e:
            build(api)()
        assert str(e.value) == message.format(pkg=pkg), pkg
        seen.append((type(e.value), str(e.value)))
    assert len(BACKENDS) == 2 and seen[0] == seen[1]


def test_float_kind_arguments_take_big_ints(api):
    """lr=2**70 and gamma=2**70 are floats to torch's arithmetic: accepted, as floats."""
    opt = api.SGD([{}], lr=2**70)
    assert opt.param_groups[0]["lr"] == float(2**70)
    assert api.ExponentialLR(sgd(api), gamma=2**70).gamma == float(2**70)
