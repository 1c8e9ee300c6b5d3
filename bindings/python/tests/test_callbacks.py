"""Python lr_lambdas: results converted with float(), exceptions propagating as
themselves (the step then changes nothing), re-entrancy refused, type checks as torch."""

from __future__ import annotations

import gc
import weakref

import pytest
from conftest import assert_bits_equal, lrs_of, make_sgd


class Boom(Exception):
    pass


def test_int_results_are_fine(api):
    opt = make_sgd(api)
    s = api.LambdaLR(opt, lambda e: e // 3 + 1)
    for e in range(1, 8):
        s.step()
        assert lrs_of(opt) == [0.1 * (e // 3 + 1)]
    t = api.LambdaLR(make_sgd(api), lambda e: e < 3)  # bools are numbers too
    assert t.get_last_lr() == [0.1]


def test_python_lambda_matches_library_function(api):
    a, b = make_sgd(api, 3), make_sgd(api, 3)
    sa = api.LambdaLR(a, lambda e: 0.95**e)
    sb = api.from_spec(b, {"type": "LambdaLR", "lr_lambda": "pow095"})
    ma = api.MultiplicativeLR(a, lambda e: 0.5 if e % 3 == 0 and e > 0 else 1.0)
    mb = api.from_spec(b, {"type": "MultiplicativeLR", "lr_lambda": "halve_every_3"})
    for _ in range(30):
        sa.step()
        ma.step()
        sb.step()
        mb.step()
        assert_bits_equal(lrs_of(a), lrs_of(b))


@pytest.mark.parametrize("kind", ["LambdaLR", "MultiplicativeLR"])
def test_exception_propagates_as_itself(api, kind):
    opt = make_sgd(api, 2)
    err = Boom("at epoch 3")

    def fn(e):
        if e == 3:
            raise err
        return 0.9

    s = getattr(api, kind)(opt, fn)
    s.step()
    s.step()
    before = (lrs_of(opt), s.get_last_lr(), s.last_epoch, s.state_dict())
    with pytest.raises(Boom) as info:
        s.step()
    assert info.value is err
    assert "fn" in [f.name for f in info.traceback]  # the lambda's frame is in the traceback
    assert (lrs_of(opt), s.get_last_lr(), s.last_epoch, s.state_dict()) == before
    with pytest.raises(Boom):
        s.step()  # still epoch 3
    # Other exception types too, and the scheduler stays usable.
    calls = []

    def flaky(e):
        calls.append(e)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return 1.0

    f = api.LambdaLR(make_sgd(api), flaky)
    with pytest.raises(KeyboardInterrupt):
        f.step()
    f.step()
    assert f.last_epoch == 1


def test_exception_at_construction_and_inside_composites(api):
    opt = make_sgd(api)
    with pytest.raises(ZeroDivisionError):
        api.LambdaLR(opt, lambda e: 1 / e)  # torch's initial step calls it with 0
    assert lrs_of(opt) == [0.1]

    def fn(e):
        if e >= 2:
            raise Boom(e)
        return 1.0

    child = api.LambdaLR(opt, fn)
    seq = api.SequentialLR(opt, [child, api.ExponentialLR(opt, 0.5)], milestones=[10])
    seq.step()
    before = lrs_of(opt)
    with pytest.raises(Boom):
        seq.step()
    assert lrs_of(opt) == before
    ch = api.ChainedScheduler([api.ExponentialLR(opt, 0.5), api.MultiplicativeLR(opt, fn)])
    ch.step()
    with pytest.raises(Boom):
        ch.step()
    with pytest.raises(Boom):
        api.preview([seq], 3)


def test_bad_results(api):
    opt = make_sgd(api)
    with pytest.raises(TypeError):
        api.LambdaLR(opt, lambda e: "0.5")
    with pytest.raises(TypeError):
        api.LambdaLR(opt, lambda e: None)
    with pytest.raises(ValueError, match="nan"):
        api.LambdaLR(opt, lambda e: float("nan"))
    with pytest.raises(OverflowError):
        api.LambdaLR(opt, lambda e: 10**400)


def test_type_checks_as_torch(api):
    opt = make_sgd(api, 2)
    with pytest.raises(TypeError, match="'float' object is not callable"):
        api.LambdaLR(opt, 0.95)
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        api.MultiplicativeLR(opt, 0.95)
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        api.MultiplicativeLR(opt, [0.95, 0.95])
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        api.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 3"):
        api.MultiplicativeLR(opt, (lambda e: 1.0,) * 3)


def test_reentrant_calls_from_a_callback_are_refused(api):
    opt = make_sgd(api)
    holder = {}

    def fn(e):
        if e > 0:
            holder["s"].step()
        return 1.0

    holder["s"] = s = api.LambdaLR(opt, fn)
    with pytest.raises(RuntimeError, match="cannot be called from inside an lr_lambda"):
        s.step()

    def reader(e):
        holder["seen"] = (opt.param_groups[0]["lr"], holder["t"].get_last_lr() if "t" in holder else None)
        return 1.0

    holder["t"] = t = api.LambdaLR(opt, reader)
    t.step()  # reading is allowed
    assert holder["seen"][0] == 0.1


def test_callbacks_are_released(api):
    opt = make_sgd(api)

    class Fn:
        def __call__(self, e):
            return 1.0

    fn = Fn()
    ref = weakref.ref(fn)
    s = api.LambdaLR(opt, fn)
    seq = api.SequentialLR(opt, [s, api.ConstantLR(opt)], [3])
    del fn, s
    gc.collect()
    assert ref() is not None  # the composite keeps its child (and its function) alive
    seq.step()
    del seq
    gc.collect()
    assert ref() is None

    # A cycle through the function's closure is collected too.
    def make_cycle():
        box = {}
        box["s"] = api.LambdaLR(make_sgd(api), lambda e: 1.0 if box else 0.5)
        return weakref.ref(box["s"])

    r = make_cycle()
    gc.collect()
    assert r() is None
