"""Models, parameters, SGD over model parameters, and the Trainer, on both front ends:
shapes and names as torch's, parameter values in and out, the data paths of fit (read in
place, or converted once), history, callbacks, progress bars, errors, threads."""

from __future__ import annotations

import math
import sys
import threading
import types
from array import array

import pytest
from conftest import BACKENDS, bits

np = pytest.importorskip("numpy")


def article_data(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (n, 2)).astype(np.float32)
    y = (X @ np.array([2.0, -3.4]) + 4.2 + rng.normal(0, 0.01, n)).astype(np.float32)
    return X, y


def article_model(api, w=(0.007, -0.007), b=0.0):
    m = api.Linear(2, 1)
    m.weight.set(list(w))
    m.bias.set([b])
    return m


def mlp_data(n=256, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (n, 4)).astype(np.float32)
    y = (np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] - 0.25 * X[:, 2] * X[:, 3]).astype(np.float32)
    return X, y


def param_values(model):
    return [(name, p.tolist()) for name, p in model.named_parameters()]


# --- Models and parameters -------------------------------------------------------------


def test_linear_parameters(api):
    m = api.Linear(3, 2)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    w, b = m.parameters()
    assert w is m.weight and b is m.bias
    assert w.shape == (2, 3) and b.shape == (2,)
    assert isinstance(w.shape, tuple)
    assert w.numel() == 6 and b.numel() == 2 and w.dim() == 2
    assert m.in_features == 3 and m.out_features == 2
    k = 1 / math.sqrt(3)
    assert all(-k <= v <= k for v in w.tolist() + b.tolist())
    assert repr(m) == "Linear(in_features=3, out_features=2, bias=True)"
    assert isinstance(m, api.Module)


def test_sequential_names_order_and_shared_parameters(api):
    l0, l2 = api.Linear(4, 16), api.Linear(16, 1)
    w0 = l0.weight.tolist()
    seq = api.Sequential(l0, api.ReLU(), l2)
    names = [n for n, _ in seq.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [p.shape for p in seq.parameters()] == [(16, 4), (16,), (1, 16), (1,)]
    # The layers' own Parameter objects, values carried over.
    assert seq.parameters()[0] is l0.weight and seq[2].bias is seq.parameters()[3]
    assert l0.weight.tolist() == w0
    l0.weight.set([0.5] * 64)
    assert seq.parameters()[0].tolist() == [0.5] * 64
    assert len(seq) == 3 and list(seq)[1].__class__ is api.ReLU
    assert repr(seq).splitlines() == [
        "Sequential(",
        "  (0): Linear(in_features=4, out_features=16, bias=True)",
        "  (1): ReLU()",
        "  (2): Linear(in_features=16, out_features=1, bias=True)",
        ")",
    ]
    # A list works too, and nested Sequentials are named as torch names them.
    inner = api.Sequential([api.Linear(2, 3), api.ReLU()])
    outer = api.Sequential(inner, api.Linear(3, 1))
    assert [n for n, _ in outer.named_parameters()] == ["0.0.weight", "0.0.bias", "1.weight", "1.bias"]


def test_sequential_rules(api):
    lin = api.Linear(2, 2)
    api.Sequential(lin)
    with pytest.raises(ValueError, match="already belongs to a Sequential"):
        api.Sequential(lin)
    with pytest.raises(RuntimeError, match="belongs to a Sequential"):
        lin(np.zeros((1, 2), np.float32))
    twice = api.Linear(2, 2)
    with pytest.raises(ValueError, match="appears twice"):
        api.Sequential(twice, twice)
    relu = api.ReLU()
    api.Sequential(api.Linear(2, 2), relu, api.Linear(2, 2), relu)  # ReLUs can be shared
    held = api.Linear(2, 1)
    api.SGD(held.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="already held by an SGD"):
        api.Sequential(held)
    with pytest.raises(TypeError, match="Linear, ReLU and Sequential"):
        api.Sequential(api.Linear(2, 2), "relu")
    with pytest.raises(TypeError):
        api.Linear(2.0, 1)
    with pytest.raises(ValueError, match="sizes must be between 1 and"):
        api.Linear(0, 1)
    with pytest.raises(TypeError):
        api.Parameter()
    with pytest.raises(TypeError):
        api.Module()


def test_parameter_set_forms(api):
    m = api.Linear(2, 2)
    w = m.weight
    w.set([1, 2, 3, 4])  # flat
    assert w.tolist() == [1.0, 2.0, 3.0, 4.0]
    w.set([[5, 6], [7, 8]])  # nested, the right shape
    assert w.tolist() == [5.0, 6.0, 7.0, 8.0]
    w.set((0.1, 0.2, 0.3, 0.4))
    assert w.tolist() == [float(np.float32(v)) for v in (0.1, 0.2, 0.3, 0.4)]
    w.set(np.arange(4, dtype=np.float64))  # float64 buffer: converted
    assert w.tolist() == [0.0, 1.0, 2.0, 3.0]
    w.set(np.full((2, 2), 9, np.float32))  # float32 buffer of the shape
    assert w.tolist() == [9.0] * 4
    w.set(array("f", [1, 1, 2, 2]))
    assert w.tolist() == [1.0, 1.0, 2.0, 2.0]
    w.set(array("d", [3, 3, 4, 4]))
    assert w.tolist() == [3.0, 3.0, 4.0, 4.0]
    w.set(range(4))
    assert w.tolist() == [0.0, 1.0, 2.0, 3.0]
    w.set([math.nan, math.inf, -0.0, 1e-45])  # as torch: anything a float32 holds
    got = w.tolist()
    assert math.isnan(got[0]) and got[1] == math.inf and bits(got[2]) == bits(-0.0)
    for bad in ([1, 2, 3], [1, 2, 3, 4, 5], [[1, 2, 3, 4]], [[1, 2], [3]], np.zeros((4, 1)), [[1], [2], [3], [4]]):
        with pytest.raises(ValueError):
            w.set(bad)
    assert np.asarray(w).shape == (2, 2) and np.asarray(w).dtype == np.float32
    with pytest.raises(TypeError):
        w.set("abcd")
    with pytest.raises(TypeError):
        w.set(3.0)


def test_forward(api):
    m = article_model(api, (2.0, -3.0), 1.0)
    out = m(np.array([[1, 1], [2, 0]], np.float32))
    assert out.shape == (2, 1) and out.dtype == np.float32
    assert out.tolist() == [[0.0], [5.0]]
    assert m([[0.0, 0.0]]).tolist() == [[1.0]]  # lists are converted
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        m(np.zeros((3, 3), np.float32))
    seq = api.Sequential(api.Linear(2, 2), api.ReLU())
    seq[0].weight.set([[1, 0], [0, 1]])
    seq[0].bias.set([0, 0])
    assert seq([[1.5, -2.0]]).tolist() == [[1.5, 0.0]]
    assert api.ReLU()([[-1.0, 2.0, -3.0]]).tolist() == [[0.0, 2.0, 0.0]]


# --- SGD over model parameters ----------------------------------------------------------


def test_sgd_over_model_parameters(api):
    m = api.Sequential(api.Linear(2, 3), api.ReLU(), api.Linear(3, 1))
    ps = m.parameters()
    opt = api.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)
    assert len(opt.param_groups) == 1
    g = opt.param_groups[0]
    assert g["params"] == ps and g["lr"] == 0.1 and g["momentum"] == 0.9 and g["nesterov"] is True
    assert opt.step() is None and opt.step(lambda: 3.0) == 3.0  # harmless without gradients
    sched = api.StepLR(opt, 2, 0.5)
    sched.step()
    sched.step()
    assert g["lr"] == 0.05 and "initial_lr" in g
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0, 1, 2, 3] and sd["param_groups"][0]["initial_lr"] == 0.1
    # Groups by dict, hyperparameters per group (validated like the defaults).
    opt2 = api.SGD([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.01, "momentum": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt2.param_groups] == [0.1, 0.01]
    assert [g["momentum"] for g in opt2.param_groups] == [0, 0.5]
    assert opt2.param_groups[1]["params"] == ps[2:]
    api.CyclicLR(opt2, base_lr=[0.01, 0.001], max_lr=[0.1, 0.01], step_size_up=2).step()
    # Every parameter of one model, each once; nothing else.
    with pytest.raises(ValueError, match="missing: 2.weight, 2.bias"):
        api.SGD(ps[:2], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        api.SGD([{"params": ps}, {"params": ps[:1]}], lr=0.1)
    with pytest.raises(ValueError, match="belong to one model"):
        api.SGD(ps + api.Linear(1, 1).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="without parameters"):
        api.SGD([{"params": ps}, {"lr": 0.1}], lr=0.1)
    with pytest.raises(TypeError, match="cannot mix"):
        api.SGD([*ps, object()], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        api.SGD(ps, lr=-1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        api.SGD([{"params": ps, "lr": -1}], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero dampening"):
        api.SGD(ps, lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        api.SGD(ps[0], lr=0.1)
    with pytest.raises(ValueError, match="fixed at construction"):
        opt.add_param_group({"lr": 0.1})
    # Scheduling-only SGDs are unchanged.
    plain = api.SGD([{"lr": 0.1}], lr=0.1)
    plain.add_param_group({"lr": 0.01})
    assert len(plain.param_groups) == 2
    with pytest.raises(ValueError, match="model parameters can only be given to SGD"):
        plain.add_param_group({"params": api.Linear(1, 1).parameters()})


def test_group_hyperparameters_drive_the_update(api):
    X, y = article_data(100)
    histories = []
    for lrs in ((0.1, 0.1), (0.1, 0.0)):
        m = article_model(api)
        opt = api.SGD([{"params": [m.weight], "lr": lrs[0]}, {"params": [m.bias], "lr": lrs[1]}], lr=0.5)
        api.Trainer(m, opt).fit(X, y, 2)
        histories.append((m.weight.tolist(), m.bias.tolist()))
    assert histories[1][1] == [0.0]  # lr 0: the bias never moves
    assert histories[0][1] != [0.0]
    # Writing a group's lr through param_groups changes the next fit's updates.
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    t = api.Trainer(m, opt)
    opt.param_groups[0]["lr"] = 0.0
    h = t.fit(X, y, 1)
    assert h[0]["lr_start"] == 0.0 and m.weight.tolist() == article_model(api).weight.tolist()


# --- Trainer ------------------------------------------------------------------------------


def test_fit_history_and_in_place_updates(api):
    X, y = article_data()
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    sched = api.ExponentialLR(opt, gamma=0.9)
    seen = []
    hist = api.Trainer(m, opt, sched, batch_size=10, shuffle=True).fit(X, y, 10, callback=seen.append)
    assert len(hist) == 10 and seen == hist
    assert all(list(h) == ["epoch", "lr_start", "loss", "lr_after"] for h in hist)
    assert [h["epoch"] for h in hist] == list(range(1, 11)) and all(type(h["epoch"]) is int for h in hist)
    lr = 0.1
    for h in hist:
        assert h["lr_start"] == lr
        lr = lr * 0.9
        assert bits(h["lr_after"]) == bits(lr)
        lr = h["lr_after"]
    assert hist[-1]["loss"] < 1e-3
    w = m.weight.tolist()
    assert abs(w[0] - 2) < 0.01 and abs(w[1] + 3.4) < 0.01 and abs(m.bias.tolist()[0] - 4.2) < 0.01
    assert sched.get_last_lr() == [hist[-1]["lr_after"]] and sched.last_epoch == 10
    assert opt.param_groups[0]["lr"] == hist[-1]["lr_after"]


def test_backends_train_identically():
    X, y = mlp_data()
    results = []
    for api in BACKENDS.values():
        model = api.Sequential(api.Linear(4, 16), api.ReLU(), api.Linear(16, 1))
        for i, p in enumerate(model.parameters()):
            p.set(np.linspace(-0.3, 0.3, p.numel()) * (-1) ** i)
        opt = api.SGD(model.parameters(), lr=0.05, momentum=0.9)
        sched = api.OneCycleLR(opt, max_lr=0.1, total_steps=80)
        t = api.Trainer(model, opt, sched, batch_size=16, step_scheduler="batch", shuffle=True, seed=7)
        hist = t.fit(X, y, 5)
        results.append((hist, param_values(model)))
    (h1, p1), (h2, p2) = results
    assert [{k: bits(v) for k, v in r.items()} for r in h1] == [{k: bits(v) for k, v in r.items()} for r in h2]
    assert p1 == p2


def test_shuffle_seed_and_determinism(api):
    X, y = article_data(200)

    def run(shuffle, seed, split=False):
        m = article_model(api)
        t = api.Trainer(m, api.SGD(m.parameters(), lr=0.05), shuffle=shuffle, seed=seed, batch_size=8)
        if split:
            t.fit(X, y, 1)
            t.fit(X, y, 1)
        else:
            t.fit(X, y, 2)
        return param_values(m)

    assert run(True, 3) == run(True, 3)
    assert run(True, 3) != run(True, 4) != run(False, 3)
    assert run(True, 3, split=True) == run(True, 3)  # shuffles carry on across fits


def test_fit_data_forms_are_equivalent(api):
    X, y = article_data(50)
    ref = None
    forms = [
        (X, y),
        (X, y.reshape(-1, 1)),
        (X.astype(np.float64), y.astype(np.float64)),  # converted once
        (X.tolist(), y.tolist()),  # nested lists
        (np.asfortranarray(X), y),  # not C-contiguous: converted
        (X[:, ::-1][:, ::-1], y),
        (memoryview(array("f", X.ravel().tolist())).cast("B").cast("f", (50, 2)), array("f", y.tolist())),
        (memoryview(bytearray(X.tobytes())).cast("f", (50, 2)), memoryview(y.tobytes()).cast("f")),
    ]
    ro = X.copy()
    ro.flags.writeable = False
    forms.append((ro, y))  # read-only buffers are fine
    for X_, y_ in forms:
        m = article_model(api)
        api.Trainer(m, api.SGD(m.parameters(), lr=0.1)).fit(X_, y_, 2)
        got = param_values(m)
        if ref is None:
            ref = got
        assert got == ref


def test_fit_reads_the_callers_buffer_in_place(api):
    X, y = article_data(40)
    xbuf = bytearray(X.tobytes())
    xmv = memoryview(xbuf).cast("f", (40, 2))
    m = article_model(api)
    t = api.Trainer(m, api.SGD(m.parameters(), lr=0.1))
    errors = []

    def cb(h):
        try:
            xbuf.append(0)  # the buffer is exported to the library during the fit
        except BufferError as e:
            errors.append(e)

    t.fit(xmv, y, 2, callback=cb)
    assert len(errors) == 2
    xmv.release()
    xbuf.append(0)  # released after the fit


def test_fit_shape_errors(api):
    X, y = article_data(20)
    m = article_model(api)
    t = api.Trainer(m, api.SGD(m.parameters(), lr=0.1))
    bad = [
        (X[:, :1], y, r"X must have shape \(n, 2\)"),
        (X.ravel(), y, r"X must have shape \(n, 2\)"),
        (X, y[:10], "X has 20 rows but y has 10"),
        (X, np.zeros((20, 2), np.float32), r"y must have shape \(n, 1\) or \(n,\)"),
        ([[1, 2], [3]], [1, 2], "X must be numbers"),
        (np.zeros((2, 2, 2), np.float32), y, "X must have shape"),
        (X, "y", "y must"),
    ]
    for X_, y_, msg in bad:
        with pytest.raises(ValueError, match=msg):
            t.fit(X_, y_, 1)
    with pytest.raises(ValueError, match="epochs must be between 0 and"):
        t.fit(X, y, -1)
    with pytest.raises(TypeError):
        t.fit(X, y, 1.5)
    assert t.fit(X, y, 0) == []
    mlp = api.Sequential(api.Linear(2, 3), api.ReLU(), api.Linear(3, 2))
    t2 = api.Trainer(mlp, api.SGD(mlp.parameters(), lr=0.1))
    t2.fit(X, np.zeros((20, 2), np.float32), 1)
    with pytest.raises(ValueError, match=r"y must have shape \(n, 2\)"):
        t2.fit(X, y, 1)


def test_trainer_arguments(api):
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="loss='mse' only"):
        api.Trainer(m, opt, loss="cross_entropy")
    with pytest.raises(ValueError, match="step_scheduler must be 'epoch' or 'batch'"):
        api.Trainer(m, opt, step_scheduler="step")
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=0"):
        api.Trainer(m, opt, batch_size=0)
    with pytest.raises(ValueError, match="batch_size=-2"):
        api.Trainer(m, opt, batch_size=-2)
    with pytest.raises(ValueError, match="seed must be between"):
        api.Trainer(m, opt, seed=-1)
    with pytest.raises(TypeError, match="SGD over the model's parameters"):
        api.Trainer(m, api.SGD([{"lr": 0.1}], lr=0.1))
    other = article_model(api)
    with pytest.raises(ValueError, match="another model"):
        api.Trainer(other, opt)
    with pytest.raises(ValueError, match="attached to another optimizer"):
        api.Trainer(m, opt, api.StepLR(api.SGD([{"lr": 0.1}], lr=0.1), 2))
    with pytest.raises(TypeError, match="scheduler 0"):
        api.Trainer(m, opt, "StepLR")
    with pytest.raises(TypeError, match="model must be"):
        api.Trainer(opt, opt)
    t = api.Trainer(m, opt, [api.StepLR(opt, 2), api.ExponentialLR(opt, 0.5)], batch_size=5, drop_last=True)
    assert "StepLR, ExponentialLR" in repr(t) and t.loss == "mse"


def test_several_schedulers_step_in_order_and_batch_unit(api):
    X, y = article_data(100)
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    a, b = api.StepLR(opt, 2, 0.5), api.ExponentialLR(opt, 0.9)
    hist = api.Trainer(m, opt, [a, b], batch_size=25, step_scheduler="batch").fit(X, y, 2)
    # 4 batches per epoch: 8 steps of each scheduler, as a torch loop would give.
    ref_opt = api.SGD([{"lr": 0.1}], lr=0.1)
    ra, rb = api.StepLR(ref_opt, 2, 0.5), api.ExponentialLR(ref_opt, 0.9)
    want = []
    for _ in range(2):
        start = ref_opt.param_groups[0]["lr"]
        for _ in range(4):
            ra.step()
            rb.step()
        want.append((start, ref_opt.param_groups[0]["lr"]))
    assert [(h["lr_start"], h["lr_after"]) for h in hist] == want
    assert a.last_epoch == b.last_epoch == 8


def test_plateau_steps_on_the_epoch_loss(api):
    X, y = article_data(100)
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    plateau = api.ReduceLROnPlateau(opt, patience=0, factor=0.5, threshold=0.9)
    hist = api.Trainer(m, opt, plateau).fit(X, y, 6)
    assert hist[-1]["lr_after"] < 0.1
    ref = api.ReduceLROnPlateau(api.SGD([{"lr": 0.1}], lr=0.1), patience=0, factor=0.5, threshold=0.9)
    for h in hist:
        ref.step(h["loss"])
        assert ref.get_last_lr() == [h["lr_after"]]


def test_lr_lambda_schedulers_in_a_fit(api):
    X, y = article_data(50)
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    sched = api.LambdaLR(opt, lambda e: 1 / (1 + e))
    hist = api.Trainer(m, opt, sched).fit(X, y, 3)
    assert [h["lr_after"] for h in hist] == [0.1 / 2, 0.1 / 3, 0.1 / 4]

    def boom(e):
        if e == 2:
            raise LookupError("no lr for epoch 2")
        return 1.0

    m2 = article_model(api)
    opt2 = api.SGD(m2.parameters(), lr=0.1)
    t2 = api.Trainer(m2, opt2, api.LambdaLR(opt2, boom))
    with pytest.raises(LookupError, match="no lr for epoch 2"):
        t2.fit(X, y, 5)


def test_callback_exception_stops_and_propagates(api):
    X, y = article_data(100)
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    sched = api.StepLR(opt, 1, 0.5)
    t = api.Trainer(m, opt, sched)
    calls = []

    class Stop(Exception):
        pass

    def cb(h):
        calls.append(h["epoch"])
        if h["epoch"] == 3:
            raise Stop("enough")

    before = m.weight.tolist()
    with pytest.raises(Stop, match="enough"):
        t.fit(X, y, 10, callback=cb)
    assert calls == [1, 2, 3]
    assert m.weight.tolist() != before and sched.last_epoch == 3  # the work so far is kept
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5**3
    # The trainer goes on working.
    assert len(t.fit(X, y, 2)) == 2 and sched.last_epoch == 5
    # KeyboardInterrupt-like BaseExceptions propagate too.
    with pytest.raises(SystemExit):
        t.fit(X, y, 2, callback=lambda h: sys.exit(3))


def test_callbacks_may_read_but_not_modify(api):
    X, y = article_data(50)
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    sched = api.StepLR(opt, 2)
    t = api.Trainer(m, opt, sched)
    seen = {}

    def cb(h):
        seen["w"] = m.weight.tolist()  # reading works
        seen["lr"] = opt.param_groups[0]["lr"]
        seen["loss"] = t.evaluate(X, y)
        with pytest.raises(RuntimeError):
            m.weight.set([0.0, 0.0])
        with pytest.raises(RuntimeError):
            sched.step()
        with pytest.raises(RuntimeError):
            t.fit(X, y, 1)

    hist = t.fit(X, y, 1, callback=cb)
    assert seen["w"] == m.weight.tolist() and seen["lr"] == hist[0]["lr_after"]
    # the same full-dataset MSE as the epoch's record: parameters did not change since
    assert seen["loss"] == hist[0]["loss"]
    assert t.evaluate(X, y) == hist[0]["loss"]


def test_evaluate(api):
    m = article_model(api, (2.0, -3.4), 4.2)
    t = api.Trainer(m, api.SGD(m.parameters(), lr=0.1))
    X = np.array([[1, 0], [0, 1]], np.float32)
    y = np.array([6.2, 0.8], np.float32)
    assert t.evaluate(X, y) == pytest.approx(0.0, abs=1e-10)
    assert t.evaluate(X, y + 1) == pytest.approx(1.0, rel=1e-6)
    assert math.isnan(t.evaluate(np.zeros((0, 2), np.float32), np.zeros(0, np.float32)))


def test_plain_progress_bar(api, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if tqdm were not installed
    X, y = article_data(50)
    m = article_model(api)
    t = api.Trainer(m, api.SGD(m.parameters(), lr=0.1))
    hist = t.fit(X, y, 4, progress=True)
    err = capsys.readouterr().err
    assert err.endswith("\n") and "\r" in err
    assert "0/4 epochs" in err and "4/4 epochs" in err and f"lr {hist[-1]['lr_after']:.4g}" in err
    assert "[" + "#" * 30 + "]" in err


def test_tqdm_progress_bar(api, monkeypatch):
    events = []

    class FakeTqdm:
        def __init__(self, total, unit):
            events.append(("new", total, unit))

        def set_postfix(self, refresh=True, **kw):
            events.append(("postfix", sorted(kw)))

        def update(self, n):
            events.append(("update", n))

        def close(self):
            events.append(("close",))

    monkeypatch.setitem(sys.modules, "tqdm", types.SimpleNamespace(tqdm=FakeTqdm))
    X, y = article_data(50)
    m = article_model(api)
    seen = []
    api.Trainer(m, api.SGD(m.parameters(), lr=0.1)).fit(X, y, 2, callback=seen.append, progress=True)
    assert events == [("new", 2, "epoch"), ("postfix", ["loss", "lr"]), ("update", 1), ("postfix", ["loss", "lr"]),
                      ("update", 1), ("close",)]
    assert len(seen) == 2
    # The bar is closed when the fit fails.
    events.clear()
    with pytest.raises(ZeroDivisionError):
        api.Trainer(m, api.SGD(m.parameters(), lr=0.1)).fit(X, y, 2, callback=lambda h: 1 / 0, progress=True)
    assert events[-1] == ("close",)


def test_objects_die_in_any_order(api):
    import gc

    X, y = article_data(30)
    for keep in ("model", "opt", "sched", "trainer"):
        m = article_model(api)
        opt = api.SGD(m.parameters(), lr=0.1)
        s = api.StepLR(opt, 2)
        t = api.Trainer(m, opt, s)
        kept = {"model": m, "opt": opt, "sched": s, "trainer": t}[keep]
        del m, opt, s, t
        gc.collect()
        if keep == "trainer":
            assert len(kept.fit(X, y, 1)) == 1
            assert kept.model.weight.numel() == 2
        elif keep == "model":
            assert len(kept.weight.tolist()) == 2
        elif keep == "sched":
            kept.step()
        else:
            assert kept.param_groups[0]["lr"] == 0.1
        del kept
        gc.collect()
    # A cycle through an lr_lambda closure is collected.
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    box = []
    t = api.Trainer(m, opt, api.LambdaLR(opt, lambda e: 1.0 + 0 * len(box)))
    box.append(t)
    t.fit(X, y, 1)
    del m, opt, t, box
    gc.collect()


def test_threads_cannot_touch_a_model_during_a_fit(api):
    X, y = article_data(50)
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    sched = api.StepLR(opt, 2)
    t = api.Trainer(m, opt, sched)
    inside, release = threading.Event(), threading.Event()
    errors = []

    def cb(h):
        if h["epoch"] == 1:
            inside.set()
            release.wait(10)

    def other():
        inside.wait(10)
        for fn in (lambda: m.weight.tolist(), lambda: m.weight.set([0, 0]), lambda: sched.step(),
                   lambda: opt.param_groups[0]["lr"], lambda: t.fit(X, y, 1)):
            try:
                fn()
            except RuntimeError as e:
                errors.append(str(e))
        release.set()

    th = threading.Thread(target=other)
    th.start()
    t.fit(X, y, 2, callback=cb)
    th.join()
    assert len(errors) == 5 and all("another thread" in e for e in errors), errors
    # Fits without Python callbacks release the GIL: several run side by side.
    models = [article_model(api) for _ in range(4)]
    trainers = [api.Trainer(mm, api.SGD(mm.parameters(), lr=0.1)) for mm in models]
    ths = [threading.Thread(target=tr.fit, args=(X, y, 20)) for tr in trainers]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    assert len({tuple(mm.weight.tolist()) for mm in models}) == 1


NO_NUMPY = r"""
import sys
sys.modules["numpy"] = None  # as if numpy were not installed
from array import array
import random
import {module} as api

random.seed(1)
X = [[random.gauss(0, 1), random.gauss(0, 1)] for _ in range(100)]
y = [2 * a - 3.4 * b + 4.2 for a, b in X]
results = []
for X_, y_ in [
    (X, y),                                                        # nested lists: array('f') copies
    (tuple(tuple(r) for r in X), [[v] for v in y]),
    (memoryview(array("f", [v for r in X for v in r])).cast("B").cast("f", (100, 2)), array("f", y)),  # in place
    (memoryview(array("d", [v for r in X for v in r])).cast("B").cast("d", (100, 2)), array("d", y)),  # converted
]:
    m = api.Linear(2, 1)
    m.weight.set(array("d", [0.01, -0.01]))
    m.bias.set([[0.0]][0])
    opt = api.SGD(m.parameters(), lr=0.1)
    hist = api.Trainer(m, opt, api.StepLR(opt, 2), batch_size=10).fit(X_, y_, 3)
    results.append((m.weight.tolist(), m.bias.tolist(), [h["lr_after"] for h in hist]))
assert all(r == results[0] for r in results), results
out = m(X[:3])
assert isinstance(out, memoryview) and out.shape == (3, 1) and out.format == "f", out
try:
    api.Trainer(m, opt).fit([[1, 2], [3]], [1, 2], 1)
except ValueError as e:
    assert "uneven" in str(e), e
else:
    raise AssertionError("ragged lists accepted")
print("ok", results[0][0])
"""


@pytest.mark.parametrize("module", ["lrsched", "lrsched_ctypes"])
def test_without_numpy(module):
    import subprocess

    r = subprocess.run([sys.executable, "-c", NO_NUMPY.format(module=module)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok ")


def test_signatures(api):
    import inspect

    sig = lambda f: str(inspect.signature(f))  # noqa: E731
    assert sig(api.Trainer) == ("(model, opt, scheduler=None, loss='mse', batch_size=10, shuffle=False, "
                                "step_scheduler='epoch', seed=0, drop_last=False)")
    assert sig(api.Trainer.fit) == "(self, X, y, epochs, callback=None, progress=False)"
    assert sig(api.Linear) == "(in_features, out_features)"
    assert sig(api.Sequential) == "(*layers)"
    assert sig(api.ReLU) == "()"
    assert sig(api.plot) == "(sched_or_spec, steps=None, ax=None, *, metrics=None)"
    assert sig(api.Parameter.set) == "(self, values)"
    m = article_model(api)
    opt = api.SGD(m.parameters(), lr=0.1)
    t = api.Trainer(model=m, opt=opt, scheduler=None, loss="mse", batch_size=10, shuffle=False,
                    step_scheduler="epoch", seed=0)
    assert t.model is m and t.optimizer is opt and t.schedulers == []


def test_num_threads(api):
    """The training kernels' thread setting: process-wide, checked by the library."""
    n = api.get_num_threads()
    assert 1 <= n <= 4096
    try:
        api.set_num_threads(1)
        assert api.get_num_threads() == 1
        with pytest.raises(ValueError, match=r"^set_num_threads expects a positive integer \(at most 4096\), got 0$"):
            api.set_num_threads(0)
        with pytest.raises(ValueError, match="got 4097"):
            api.set_num_threads(4097)
        with pytest.raises(OverflowError):
            api.set_num_threads(2**40)
        with pytest.raises(TypeError):
            api.set_num_threads(1.5)
        assert api.get_num_threads() == 1
    finally:
        api.set_num_threads(n)
    assert api.get_num_threads() == n
