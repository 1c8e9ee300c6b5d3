"""torch's API: the article's sequences, SGD and its param groups, scheduler attributes,
step(epoch), get_last_lr, from_spec, the two front ends' identical surface."""

from __future__ import annotations

import inspect
import warnings

import pytest
from conftest import BACKENDS, assert_bits_equal, lrs_of, make_sgd

import lrsched
import lrsched_ctypes

ARTICLE = {
    "ExponentialLR": (lambda m, o: m.ExponentialLR(o, gamma=0.9),
                      ["0.0900", "0.0810", "0.0729", "0.0656", "0.0590", "0.0531", "0.0478", "0.0430", "0.0387",
                       "0.0349"]),
    "StepLR": (lambda m, o: m.StepLR(o, step_size=4, gamma=0.9),
               ["0.1000"] * 3 + ["0.0900"] * 4 + ["0.0810"] * 3),
    "LinearLR": (lambda m, o: m.LinearLR(o, start_factor=0.5, total_iters=4),
                 ["0.0625", "0.0750", "0.0875"] + ["0.1000"] * 7),
}


@pytest.mark.parametrize("name", sorted(ARTICLE))
def test_article_sequences(api, name):
    make, expected = ARTICLE[name]
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    sched = make(api, opt)
    lines = []
    for epoch in range(1, 11):
        opt.step()
        sched.step()
        lines.append(f"epoch {epoch}  lr {opt.param_groups[0]['lr']:.4f}")
    assert lines == [f"epoch {k}  lr {v}" for k, v in enumerate(expected, start=1)]


def test_public_names_and_signatures_match():
    assert lrsched.__all__ == lrsched_ctypes.__all__
    for name in lrsched.__all__:
        a, b = getattr(lrsched, name), getattr(lrsched_ctypes, name)
        assert a.__name__ == b.__name__ == name
        assert a.__module__ == "lrsched" and b.__module__ == "lrsched_ctypes"
        fa = a.__init__ if isinstance(a, type) else a
        fb = b.__init__ if isinstance(b, type) else b
        assert inspect.signature(fa) == inspect.signature(fb), name
        assert (a.__doc__ or "").strip(), f"{name} has no docstring"
        assert a.__doc__ == b.__doc__
    for method in ("state_dict", "load_state_dict", "preview"):
        assert getattr(lrsched.LRScheduler, method).__doc__
    assert lrsched.LRScheduler.step.__doc__ and lrsched.LRScheduler.get_last_lr.__doc__
    assert lrsched_ctypes.LRScheduler.step.__doc__ and lrsched_ctypes.LRScheduler.get_last_lr.__doc__


TORCH_SIGNATURES = {
    "LambdaLR": "(self, optimizer, lr_lambda, last_epoch=-1)",
    "MultiplicativeLR": "(self, optimizer, lr_lambda, last_epoch=-1)",
    "StepLR": "(self, optimizer, step_size, gamma=0.1, last_epoch=-1)",
    "MultiStepLR": "(self, optimizer, milestones, gamma=0.1, last_epoch=-1)",
    "ConstantLR": "(self, optimizer, factor=0.3333333333333333, total_iters=5, last_epoch=-1)",
    "LinearLR": "(self, optimizer, start_factor=0.3333333333333333, end_factor=1.0, total_iters=5, last_epoch=-1)",
    "ExponentialLR": "(self, optimizer, gamma, last_epoch=-1)",
    "SequentialLR": "(self, optimizer, schedulers, milestones, last_epoch=-1)",
    "PolynomialLR": "(self, optimizer, total_iters=5, power=1.0, last_epoch=-1)",
    "CosineAnnealingLR": "(self, optimizer, T_max, eta_min=0.0, last_epoch=-1)",
    "ChainedScheduler": "(self, schedulers, optimizer=None)",
    "ReduceLROnPlateau": "(self, optimizer, mode='min', factor=0.1, patience=10, threshold=0.0001, "
                         "threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-08)",
    "CyclicLR": "(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular', "
                "gamma=1.0, scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8, "
                "max_momentum=0.9, last_epoch=-1)",
    "CosineAnnealingWarmRestarts": "(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1)",
    "OneCycleLR": "(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, "
                  "anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, "
                  "div_factor=25.0, final_div_factor=10000.0, three_phase=False, last_epoch=-1)",
    "SGD": "(self, params, lr=0.001, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False, "
           "foreach=None, differentiable=False, fused=None)",
}


@pytest.mark.parametrize("name", sorted(TORCH_SIGNATURES))
def test_torch_signatures(api, name):
    assert str(inspect.signature(getattr(api, name).__init__)) == TORCH_SIGNATURES[name]
    assert issubclass(getattr(api, name), api.LRScheduler) or name == "SGD"


def test_positional_and_keyword_arguments(api):
    o1, o2 = make_sgd(api), make_sgd(api)
    a = api.StepLR(o1, 4, 0.9)
    b = api.StepLR(optimizer=o2, step_size=4, gamma=0.9)
    for _ in range(9):
        a.step()
        b.step()
    assert a.get_last_lr() == b.get_last_lr()
    assert api.OneCycleLR(make_sgd(api), 0.1, 10).total_steps == 10
    assert api.OneCycleLR(make_sgd(api), 0.1, None, 2, 5).total_steps == 10


def test_scheduler_attributes(api):
    opt = make_sgd(api, 2, lr=0.1)
    s = api.StepLR(opt, step_size=3, gamma=0.5)
    assert s.optimizer is opt
    assert s.last_epoch == 0
    assert s.base_lrs == [0.1, 0.05]
    assert (s.step_size, s.gamma) == (3, 0.5)
    for _ in range(3):
        s.step()
    assert s.last_epoch == 3
    assert s.get_last_lr() == [0.05, 0.025]
    w = api.CosineAnnealingWarmRestarts(make_sgd(api), T_0=3, T_mult=2)
    w.step()
    assert (w.T_0, w.T_i, w.T_mult, w.T_cur) == (3, 3, 2, 1)
    p = api.ReduceLROnPlateau(make_sgd(api), patience=1)
    p.step(1.0)
    assert (p.best, p.num_bad_epochs, p.mode, p.patience) == (1.0, 0, "min", 1)
    assert p.mode_worse == float("inf")
    with pytest.raises(AttributeError):
        s.no_such_attribute


def test_get_last_lr_list_semantics(api):
    opt = make_sgd(api, 2)
    s = api.ExponentialLR(opt, gamma=0.5)
    a = s.get_last_lr()
    assert a is s.get_last_lr()  # the same list until the next step, as torch
    assert isinstance(a, list) and all(type(v) is float for v in a)
    s.step()
    b = s.get_last_lr()
    assert a == [0.1, 0.05]  # a list held by the caller is never changed
    assert b == [0.05, 0.025] and b is not a
    del a, b
    for k in range(2, 6):
        s.step()
        assert s.get_last_lr() == [0.1 * 0.5**k, 0.05 * 0.5**k]
    held = s.get_last_lr()
    first = held[0]
    del held
    s.step()
    assert first == 0.1 * 0.5**5  # a float held by the caller is never changed either
    assert s.get_last_lr()[0] == 0.1 * 0.5**6


def test_step_epoch_is_deprecated_but_works(api):
    opt = make_sgd(api)
    s = api.StepLR(opt, step_size=2, gamma=0.1)
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        s.step(4)
    assert s.last_epoch == 4
    assert_bits_equal(lrs_of(opt), [0.1 * 0.1**2])
    w = api.CosineAnnealingWarmRestarts(make_sgd(api), T_0=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w.step(2.5)  # fractional epochs are CAWR's intended use: no warning
        w.step(epoch=3.5)
    assert w.T_cur == 3.5
    c = api.SequentialLR(opt, [api.ConstantLR(opt), api.ExponentialLR(opt, 0.9)], [2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError):
            c.step(3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        s.step(bogus=1)
    with pytest.raises(TypeError):
        s.step(1, 2)


def test_reduce_lr_on_plateau_step_arguments(api):
    opt = make_sgd(api)
    p = api.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    with pytest.raises(TypeError, match="metrics"):
        p.step()
    p.step(1.0)
    p.step(metrics=2.0)
    assert lrs_of(opt) == [0.05]

    class Metric:  # anything float() accepts, as torch (0-dim tensors)
        def __float__(self):
            return 3.0

    p.step(Metric())
    assert lrs_of(opt) == [0.025]
    with pytest.raises(TypeError):
        p.step("1.0")
    with pytest.raises(TypeError, match="epoch"):
        p.step(1.0, 5)
    assert p.get_last_lr() == [0.025]


def test_sgd_param_groups_behave_like_torch_dicts(api):
    params = [object(), object()]
    opt = api.SGD([{"params": params[:1], "lr": 0.5, "name": "head"}, {"params": params[1:]}], lr=0.1,
                  momentum=0.9, weight_decay=1e-4)
    g0, g1 = opt.param_groups
    assert g0["params"] == params[:1] and g1["params"] == params[1:]
    assert g0["lr"] == 0.5 and g1["lr"] == 0.1
    assert g0["momentum"] == 0.9 and g0["weight_decay"] == 1e-4 and g0["nesterov"] is False
    assert g0["name"] == "head" and "name" not in g1
    assert list(g1.keys())[:7] == ["params", "lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"]
    assert "initial_lr" not in g0 and g0.get("initial_lr") is None and g0.get("initial_lr", 7) == 7
    s = api.ExponentialLR(opt, gamma=0.5)
    assert "initial_lr" in g0 and g0["initial_lr"] == 0.5 and "initial_lr" in list(g0)
    g0["lr"] = 1.0  # writes go to the library: the scheduler sees them
    s.step()
    assert g0["lr"] == 0.5
    g0["momentum"] = 0.5
    assert opt.param_groups[0]["momentum"] == 0.5
    del g0["initial_lr"]
    assert "initial_lr" not in g0
    with pytest.raises(KeyError):
        del g0["initial_lr"]
    with pytest.raises(KeyError):
        g0["initial_lr"]
    with pytest.raises(ValueError):
        del g0["lr"]  # a required key (the library refuses)
    with pytest.raises(ValueError):
        g0["lr"] = float("nan")
    with pytest.raises(TypeError):
        g0["lr"] = "0.1"
    g0["nesterov"] = True
    assert g0["nesterov"] is True
    g0["custom"] = [1, 2]
    assert dict(g0)["custom"] == [1, 2] and len(g0) == len(list(g0))
    assert {k: g1[k] for k in g1} == dict(g1.items())
    assert opt.defaults["lr"] == 0.1 and opt.defaults["momentum"] == 0.9
    assert repr(opt).startswith("SGD (\nParameter Group 0\n")


def test_sgd_scheduling_only_groups_and_errors(api):
    opt = api.SGD([{"lr": 0.1}, {"lr": 0.01}], lr=0.1)
    assert lrs_of(opt) == [0.1, 0.01]
    assert [g["params"] for g in opt.param_groups] == [[], []]
    assert lrs_of(api.SGD([{"params": []}], lr=0.3)) == [0.3]
    assert lrs_of(api.SGD([object(), object()], lr=0.2)) == [0.2]  # plain parameters: one group
    assert lrs_of(api.SGD((p for p in [object()]), lr=0.2)) == [0.2]
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        api.SGD([])
    with pytest.raises(ValueError, match="Invalid learning rate"):
        api.SGD([{}], lr=-0.1)
    with pytest.raises(ValueError, match="Invalid momentum value"):
        api.SGD([{}], lr=0.1, momentum=-1)
    with pytest.raises(ValueError, match="Invalid weight_decay value"):
        api.SGD([{}], lr=0.1, weight_decay=-1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero dampening"):
        api.SGD([{}], lr=0.1, nesterov=True)
    with pytest.raises(TypeError):
        api.SGD([{}], lr="0.1")
    p = object()
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        api.SGD([{"params": [p]}, {"params": [p]}])
    with pytest.raises(TypeError):
        api.SGD(42)
    assert opt.step() is None and opt.step(lambda: 1.5) == 1.5
    opt.zero_grad()


def test_add_param_group(api):
    opt = api.SGD([{"lr": 0.1}], lr=0.1, momentum=0.9, dampening=0.1)
    opt.add_param_group({"lr": 0.01, "weight_decay": 0.5})
    opt.add_param_group({"params": [object()]})
    g = opt.param_groups
    assert lrs_of(opt) == [0.1, 0.01, 0.1]
    assert (g[1]["momentum"], g[1]["dampening"], g[1]["weight_decay"]) == (0.9, 0.1, 0.5)
    assert len(g[2]["params"]) == 1
    p = api.ReduceLROnPlateau(opt, patience=0)
    p.step(1.0)
    p.step(2.0)
    assert_bits_equal(lrs_of(opt), [0.1 * 0.1, 0.01 * 0.1, 0.1 * 0.1])


def test_sgd_state_dict_round_trip(api):
    import pickle

    opt = api.SGD([{"params": [object(), object()], "lr": 0.5, "tag": "a"}, {"lr": 0.1}], lr=0.1, momentum=0.9)
    s = api.OneCycleLR(opt, max_lr=[1.0, 0.2], total_steps=20)
    for _ in range(5):
        s.step()
    sd = opt.state_dict()
    assert sd["state"] == {}
    g0 = sd["param_groups"][0]
    assert g0["params"] == [0, 1] and sd["param_groups"][1]["params"] == []
    assert g0["tag"] == "a" and g0["initial_lr"] == 1.0 / 25 and g0["max_lr"] == 1.0 and "min_lr" in g0
    sd2 = pickle.loads(pickle.dumps(sd))
    other = api.SGD([{"params": [object(), object()], "lr": 0.5}, {"lr": 0.1}], lr=0.1, momentum=0.9)
    other.load_state_dict(sd2)
    assert sd2 == sd  # not mutated
    assert other.state_dict()["param_groups"] == sd["param_groups"]
    assert lrs_of(other) == lrs_of(opt) and other.param_groups[0]["tag"] == "a"
    with pytest.raises(ValueError, match="different number of parameter groups"):
        api.SGD([{"lr": 0.1}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        api.SGD([{"lr": 0.1}, {"params": [object()]}], lr=0.1).load_state_dict(sd)


def test_from_spec(api):
    opt = make_sgd(api, 3)
    s = api.from_spec(opt, {"type": "StepLR", "step_size": 4, "gamma": 0.9})
    assert type(s) is api.StepLR and isinstance(s, api.LRScheduler)
    s2 = api.from_spec(make_sgd(api, 3), '{"type": "StepLR", "step_size": 4, "gamma": 0.9}')
    for _ in range(9):
        s.step()
        s2.step()
    assert s.get_last_lr() == s2.get_last_lr()
    seq = api.from_spec(opt, {"type": "SequentialLR", "milestones": [2],
                              "schedulers": [{"type": "ConstantLR"}, {"type": "LambdaLR", "lr_lambda": "pow095"}]})
    assert type(seq) is api.SequentialLR
    seq.step()
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 10.0"):
        api.from_spec(opt, {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10.0})
    with pytest.raises(TypeError, match="unknown scheduler type"):
        api.from_spec(opt, {"type": "Nope"})
    with pytest.raises(ValueError):
        api.from_spec(opt, "{not json")
    with pytest.raises(ValueError):
        api.from_spec(opt, {"type": "LambdaLR", "lr_lambda": "no_such_function"})


def test_chained_and_sequential_from_python(api):
    opt = make_sgd(api, 2)
    a = api.LinearLR(opt, start_factor=0.5, total_iters=2)
    b = api.ExponentialLR(opt, gamma=0.9)
    ch = api.ChainedScheduler([a, b], optimizer=opt)
    assert ch.optimizer is opt
    ch2 = api.ChainedScheduler([api.ConstantLR(make_sgd(api))])
    assert isinstance(ch2.optimizer, api.SGD)
    for _ in range(3):
        ch.step()
    ref = make_sgd(api, 2)
    ra, rb = api.LinearLR(ref, start_factor=0.5, total_iters=2), api.ExponentialLR(ref, gamma=0.9)
    for _ in range(3):
        ra.step()
        rb.step()
    assert lrs_of(opt) == lrs_of(ref)
    assert ch.get_last_lr() == lrs_of(opt)
    # Children's get_last_lr follow the composite's steps.
    assert a.get_last_lr() == ra.get_last_lr() and b.get_last_lr() == rb.get_last_lr()

    o2 = make_sgd(api)
    w = api.LinearLR(o2, start_factor=0.1, total_iters=5)
    c = api.CosineAnnealingLR(o2, T_max=30)
    seq = api.SequentialLR(o2, [w, c], milestones=[5])
    assert seq._schedulers == [w, c]
    for _ in range(7):
        seq.step()
    o3 = make_sgd(api)
    ref = api.from_spec(o3, {"type": "SequentialLR", "milestones": [5], "schedulers": [
        {"type": "LinearLR", "start_factor": 0.1, "total_iters": 5}, {"type": "CosineAnnealingLR", "T_max": 30}]})
    for _ in range(7):
        ref.step()
    assert_bits_equal(lrs_of(o2), lrs_of(o3))
    assert c.get_last_lr() == lrs_of(o2)


def test_composite_argument_errors(api):
    opt, other = make_sgd(api), make_sgd(api)
    with pytest.raises(TypeError, match="at index 1 should have `optimizer` as its attribute"):
        api.SequentialLR(opt, [api.ConstantLR(opt), 42], [1])
    with pytest.raises(TypeError, match="not a"):
        api.ChainedScheduler([api.ConstantLR(opt), BACKENDS["ext" if api is lrsched_ctypes else "ctypes"]
                              .ConstantLR(make_sgd(BACKENDS["ext" if api is lrsched_ctypes else "ctypes"]))])
    with pytest.raises(ValueError, match="same optimizer"):
        api.SequentialLR(opt, [api.ConstantLR(opt), api.ConstantLR(other)], [1])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        api.ChainedScheduler([api.ConstantLR(opt), api.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="number of milestone points"):
        api.SequentialLR(opt, [api.ConstantLR(opt), api.ConstantLR(opt)], [1, 2])
    with pytest.raises(ValueError, match="at least one scheduler"):
        api.SequentialLR(opt, [], [])
    with pytest.raises(ValueError, match="at least one scheduler"):
        api.ChainedScheduler([])


def test_lrscheduler_base_and_pickling(api):
    import copy
    import pickle

    with pytest.raises(NotImplementedError):
        api.LRScheduler(make_sgd(api))
    s = api.StepLR(make_sgd(api), 3)
    # Copies continue exactly (test_copy.py); a bare, unconstructed scheduler has none.
    assert pickle.loads(pickle.dumps(s)).get_last_lr() == copy.deepcopy(s).get_last_lr() == s.get_last_lr()
    with pytest.raises(TypeError, match="not constructed"):
        pickle.dumps(api.StepLR.__new__(api.StepLR))
    assert "StepLR" in repr(s)


def test_versions(api):
    assert api.__version__ == "0.2.0"


def test_reinitialisation_is_refused(api):
    opt = make_sgd(api)
    s = api.StepLR(opt, 3)
    with pytest.raises(RuntimeError, match="already initialized"):
        s.__init__(opt, 4)
    s.step()
    assert s.step_size == 3
    raw = api.StepLR.__new__(api.StepLR)
    with pytest.raises(RuntimeError, match="not initialized"):
        raw.step()
    with pytest.raises(RuntimeError, match="not initialized"):
        raw.get_last_lr()


def test_extension_methods_are_bound_per_class():
    # Each class has its own C step()/get_last_lr() descriptors, so that CPython
    # specialises the hot calls (see lrsched._lrsched.bind_methods).
    for name in lrsched.__all__:
        cls = getattr(lrsched, name)
        if isinstance(cls, type) and issubclass(cls, lrsched.LRScheduler):
            for method in ("step", "get_last_lr"):
                d = cls.__dict__[method]
                assert d.__objclass__ is cls and d.__doc__
    opt = make_sgd(lrsched)

    class Custom(lrsched.ExponentialLR):  # subclasses still work (generic call path)
        pass

    c = Custom(opt, 0.5)
    c.step()
    assert c.get_last_lr() == [0.05]
