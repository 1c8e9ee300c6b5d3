"""Epochs are 64-bit integers end to end (an int epoch takes
lrsched_scheduler_step_epoch_int, a float one lrsched_scheduler_step_epoch), and where
torch raises, lrsched raises torch's class: OverflowError (LRSCHED_OVERFLOW_ERROR) and
ZeroDivisionError from torch's Python arithmetic, TypeError for a LambdaLR state whose
lr_lambdas is no list. Where torch silently writes inf, lrsched keeps its ValueError.
The torch comparisons skip without torch."""

from __future__ import annotations

import warnings

import pytest

try:
    import torch
    import torch.optim.lr_scheduler as torch_sched
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not importable")

BIG = 2**53 + 1


@pytest.fixture(autouse=True)
def _no_epoch_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # step(epoch) is deprecated, as in torch
        yield


def sgd(api):
    return api.SGD([{}], lr=0.1)


def test_int_epoch_past_2_to_53_is_exact(api):
    opt = sgd(api)
    s = api.MultiStepLR(opt, [BIG], 0.5)
    s.step(float(BIG))  # a float rounds to 2**53: before the milestone
    assert opt.param_groups[0]["lr"] == 0.1
    s.step(BIG)
    assert opt.param_groups[0]["lr"] == 0.05
    assert s.last_epoch == BIG


def test_numpy_int_epoch_is_exact(api):
    np = pytest.importorskip("numpy")
    opt = sgd(api)
    api.MultiStepLR(opt, [BIG], 0.5).step(np.int64(BIG))
    assert opt.param_groups[0]["lr"] == 0.05


def test_int_like_and_float_epochs(api):
    opt = sgd(api)
    s = api.StepLR(opt, 2, 0.5)
    s.step(True)  # an int (bool): epoch 1
    assert s.last_epoch == 1 and opt.param_groups[0]["lr"] == 0.1
    s.step(4.0)
    assert s.last_epoch == 4 and opt.param_groups[0]["lr"] == 0.025
    with pytest.raises(ValueError, match="integer"):
        s.step(4.5)
    c = api.CosineAnnealingWarmRestarts(sgd(api), T_0=4)
    c.step(2.5)  # fractional epochs keep their own path
    assert c.T_cur == 2.5


def test_int_epoch_beyond_int64_names_the_argument(api):
    s = api.StepLR(sgd(api), 3)
    for e in (2**63, -(2**63) - 1):
        with pytest.raises(OverflowError, match="StepLR: 'epoch' = .* is outside the 64-bit integers"):
            s.step(e)
    assert s.last_epoch == 0


def test_power_overflow_is_overflow_error_and_changes_nothing(api):
    opt = sgd(api)
    s = api.ExponentialLR(opt, 1e300)
    s.step()
    lr = opt.param_groups[0]["lr"]
    for e in (5, 5.0):
        with pytest.raises(OverflowError, match="Numerical result out of range"):
            s.step(e)
    assert opt.param_groups[0]["lr"] == lr and s.last_epoch == 1
    with pytest.raises(ValueError, match="non-finite"):  # torch writes inf here
        s.step()


def test_zero_to_a_negative_power_is_zero_division_error(api):
    s = api.StepLR(sgd(api), -1, 0.0)
    s.step()
    with pytest.raises(ZeroDivisionError, match="negative power"):
        s.step(3)


def test_lambda_state_lr_lambdas_not_a_list_is_type_error(api):
    s = api.LambdaLR(sgd(api), lambda e: 0.5**e)
    state = s.state_dict()
    for bad in (5, [5]):
        with pytest.raises(TypeError, match="lr_lambdas"):
            s.load_state_dict({**state, "lr_lambdas": bad})
    s.load_state_dict({**state, "lr_lambdas": [None]})
    assert s.state_dict() == state


def test_overflow_status_constant():
    import lrsched._lrsched as ext
    import lrsched_ctypes._decls as decls

    assert ext.OVERFLOW_ERROR == decls.OVERFLOW_ERROR == 11


# -- against torch -------------------------------------------------------------------

def _torch_opt():
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)


TORCH_CASES = [
    ("MultiStepLR", ([BIG], 0.5), [BIG]),
    ("ExponentialLR", (1e300,), [None, 5]),
    ("StepLR", (-1, 0.0), [None, 3]),
    ("StepLR", (2, 0.5), [2**62, 7, 7.0]),
    ("ExponentialLR", (2.0,), [1100]),
    ("CyclicLR", (0.01, 0.1, 1), [None, 2060]),
]


@needs_torch
@pytest.mark.parametrize("name,args,steps", TORCH_CASES, ids=[f"{c[0]}{c[1]}" for c in TORCH_CASES])
def test_like_torch(api, name, args, steps):
    kwargs = dict(mode="triangular2") if name == "CyclicLR" else {}
    assert _outcome(api, name, args, kwargs, steps) == _outcome(torch_sched, name, args, kwargs, steps)


def _outcome(module, name, args, kwargs, steps):
    """The lr after each step (None: step(), else step(epoch)), or the exception's class
    name; lrsched's classes drive a torch optimizer too."""
    opt = _torch_opt()
    s = getattr(module, name)(opt, *args, **kwargs)
    out = []
    for e in steps:
        try:
            s.step() if e is None else s.step(e)
        except Exception as exc:  # noqa: BLE001 - the class is compared
            out.append(type(exc).__name__)
        else:
            out.append(opt.param_groups[0]["lr"])
    return out


@needs_torch
def test_lambda_state_like_torch(api):
    for module in (torch_sched, api):
        s = module.LambdaLR(_torch_opt(), lambda e: 1.0)
        with pytest.raises(TypeError):
            s.load_state_dict({**s.state_dict(), "lr_lambdas": 5})


@pytest.mark.parametrize("t0, t_mult, epoch, lr, t_cur", [
    (3, 1, BIG, "0x1.999999999999ap-4", 0),
    (3, 2, BIG, "0x1.34395810624dap-4", "0x1.0000000000006p+51"),
    (10, 2, 2**63 - 1, "0x1.20636c64e4e9fp-5", "0x1.8000000000000p+61"),
])
def test_warm_restarts_int_epoch_past_2_to_53_is_exact(api, t0, t_mult, epoch, lr, t_cur):
    # Recorded from torch 2.13 (torch's int arithmetic: epoch % T_0, int true divisions).
    opt = sgd(api)
    s = api.CosineAnnealingWarmRestarts(opt, T_0=t0, T_mult=t_mult, eta_min=0.001)
    s.step(epoch)
    assert opt.param_groups[0]["lr"].hex() == lr
    assert s.last_epoch == epoch
    assert float(s.T_cur) == (float.fromhex(t_cur) if isinstance(t_cur, str) else t_cur)


@needs_torch
@pytest.mark.parametrize("t0, t_mult, epoch", [(3, 1, BIG), (3, 2, BIG), (5, 2, 2**62 + 12345), (10, 2, 2**63 - 1)])
def test_warm_restarts_int_epoch_as_torch(api, t0, t_mult, epoch):
    p = torch.nn.Parameter(torch.zeros(1))
    tor = torch.optim.SGD([p], lr=0.1)
    ts = torch_sched.CosineAnnealingWarmRestarts(tor, T_0=t0, T_mult=t_mult, eta_min=0.001)
    opt = sgd(api)
    s = api.CosineAnnealingWarmRestarts(opt, T_0=t0, T_mult=t_mult, eta_min=0.001)
    ts.step(epoch)
    s.step(epoch)
    assert opt.param_groups[0]["lr"].hex() == tor.param_groups[0]["lr"].hex()
    assert (s.last_epoch, s.T_i, float(s.T_cur).hex()) == (ts.last_epoch, ts.T_i, float(ts.T_cur).hex())
