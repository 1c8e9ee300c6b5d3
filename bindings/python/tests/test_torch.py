"""torch interop. With torch importable: lrsched schedulers drive a real
torch.optim.Optimizer exactly as torch's own schedulers do, and lrsched.torch.wrap gives
a torch LRScheduler. Without torch those tests skip; wrap's ImportError and its
mechanics (against a stand-in torch package) are tested always."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import lrsched
import lrsched.torch

try:
    import torch
    import torch.optim.lr_scheduler as torch_sched
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not importable")

TORCH_CASES = {
    "StepLR": (dict(step_size=3, gamma=0.5), {}),
    "MultiStepLR": (dict(milestones=[2, 5], gamma=0.1), {}),
    "ExponentialLR": (dict(gamma=0.9), {}),
    "LinearLR": (dict(start_factor=0.25, total_iters=4), {}),
    "CosineAnnealingLR": (dict(T_max=7, eta_min=0.001), {}),
    "CosineAnnealingWarmRestarts": (dict(T_0=3, T_mult=2), {}),
    "CyclicLR": (dict(base_lr=0.01, max_lr=0.1, step_size_up=3), {}),
    "OneCycleLR": (dict(max_lr=0.5, total_steps=30), {}),
    "ReduceLROnPlateau": (dict(patience=1, factor=0.5), {"metric": True}),
    "PolynomialLR": (dict(total_iters=6, power=2.0), {}),
}


def torch_model_opt(adam=False):
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    if adam:
        return model, torch.optim.Adam(model.parameters(), lr=0.1)
    return model, torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.01}],
                                  lr=0.1, momentum=0.9)


# Bit-exactness against torch 2.15 is the vectors' job (test_vectors.py); here the
# installed torch may be another version, so values are compared to 1e-12.
@needs_torch
@pytest.mark.parametrize("name", sorted(TORCH_CASES))
@pytest.mark.parametrize("adam", [False, True], ids=["sgd", "adam"])
def test_drives_a_torch_optimizer_like_torch(api, name, adam):
    kwargs, extra = TORCH_CASES[name]
    _, opt_a = torch_model_opt(adam)
    _, opt_b = torch_model_opt(adam)
    ours = getattr(api, name)(opt_a, **kwargs)
    theirs = getattr(torch_sched, name)(opt_b, **kwargs)
    for k in range(25):
        opt_a.step()
        opt_b.step()
        if extra.get("metric"):
            ours.step(1.0 if k < 3 else 2.0)
            theirs.step(1.0 if k < 3 else 2.0)
        else:
            ours.step()
            theirs.step()
        for ga, gb in zip(opt_a.param_groups, opt_b.param_groups):
            for key in ("lr", "momentum", "betas", "initial_lr", "max_lr", "min_lr", "max_momentum",
                        "base_momentum"):
                assert (key in ga) == (key in gb), key
                if key in ga:
                    assert ga[key] == pytest.approx(gb[key], rel=1e-12, abs=1e-300), (k, key)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12, abs=1e-300)


@needs_torch
def test_wrap_with_torch(api):
    _, opt = torch_model_opt()
    w = lrsched.torch.wrap(api.OneCycleLR(opt, max_lr=0.5, total_steps=10))
    assert isinstance(w, torch_sched.LRScheduler)
    assert w.optimizer is opt
    opt.step()
    w.step()
    assert w.get_last_lr() == [g["lr"] for g in opt.param_groups]
    assert w.last_epoch == 1
    sd = w.state_dict()
    w.load_state_dict(sd)
    p = lrsched.torch.wrap(api.ReduceLROnPlateau(opt))
    assert isinstance(p, torch_sched.ReduceLROnPlateau)
    p.step(1.0)


@pytest.mark.skipif(torch is not None, reason="torch is importable")
def test_wrap_without_torch_names_torch():
    s = lrsched.StepLR(lrsched.SGD([{"lr": 0.1}], lr=0.1), 2)
    with pytest.raises(ImportError, match="torch"):
        lrsched.torch.wrap(s)


def test_wrap_rejects_non_schedulers():
    with pytest.raises(TypeError):
        lrsched.torch.wrap(object())


FAKE_TORCH = {
    "torch/__init__.py": "from . import optim\n",
    "torch/optim/__init__.py": "from . import lr_scheduler\n",
    "torch/optim/lr_scheduler.py": textwrap.dedent("""
        class LRScheduler:
            def __init__(self, optimizer, last_epoch=-1):
                raise AssertionError("torch's constructor must not run")
        class ReduceLROnPlateau(LRScheduler):
            pass
    """),
}


@pytest.mark.parametrize("module", ["lrsched", "lrsched_ctypes"])
def test_wrap_mechanics_with_a_stand_in_torch(tmp_path, module):
    for rel, text in FAKE_TORCH.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    code = f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import torch.optim.lr_scheduler as ts
        import lrsched.torch
        import {module} as m
        opt = m.SGD([{{"lr": 0.1}}, {{"lr": 0.2}}], lr=0.1)
        inner = m.StepLR(opt, step_size=2, gamma=0.5)
        w = lrsched.torch.wrap(inner)
        assert isinstance(w, ts.LRScheduler) and not isinstance(w, ts.ReduceLROnPlateau)
        assert w.optimizer is opt
        w.step(); w.step()
        assert w.get_last_lr() == [0.05, 0.1] == inner.get_last_lr()
        assert w.last_epoch == 2 and w.base_lrs == [0.1, 0.2] and w._last_lr == [0.05, 0.1]
        w.last_epoch = 1  # torch's composites assign it: written through
        assert w.last_epoch == 1 == inner.last_epoch
        w.last_epoch = 2
        sd = w.state_dict()
        w.step()
        w.load_state_dict(sd)
        assert w.last_epoch == 2
        p = lrsched.torch.wrap(m.ReduceLROnPlateau(opt, patience=0))
        assert isinstance(p, ts.ReduceLROnPlateau)
        p.step(1.0); p.step(2.0)
        assert p.get_last_lr() == [0.005000000000000001, 0.010000000000000002], p.get_last_lr()
        print("ok")
    """
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


# --- Trainer against torch's own training loop --------------------------------------------

TRAIN_CASES = {
    # name: (layers, sgd kwargs, scheduler (name, kwargs) or None, batch, epochs, step unit)
    "linear-exponential": ([("Linear", 2, 1)], dict(lr=0.1), ("ExponentialLR", dict(gamma=0.9)), 10, 5, "epoch"),
    "linear-nesterov-wd-cosine": ([("Linear", 2, 1)], dict(lr=0.02, momentum=0.9, nesterov=True, weight_decay=1e-3),
                                  ("CosineAnnealingLR", dict(T_max=4)), 25, 4, "epoch"),
    "mlp-dampening-onecycle-batch": ([("Linear", 2, 8), ("ReLU",), ("Linear", 8, 1)],
                                     dict(lr=0.05, momentum=0.5, dampening=0.1),
                                     ("OneCycleLR", dict(max_lr=0.1, total_steps=40)), 50, 4, "batch"),
    "mlp-maximize-plateau": ([("Linear", 2, 4), ("ReLU",), ("Linear", 4, 2)], dict(lr=0.01, maximize=True),
                             ("ReduceLROnPlateau", dict(patience=0, factor=0.5)), 20, 3, "epoch"),
}


def _torch_reference(name):
    """(X, y, initial parameters, torch history, torch final parameters) of a case, from
    torch's own loop: DataLoader-free batching in order, MSELoss, the scheduler stepped per
    epoch (after the whole-dataset loss) or per batch."""
    layers, sgd_kw, sched_spec, batch, epochs, unit = TRAIN_CASES[name]
    g = torch.Generator().manual_seed(5)
    X = torch.randn(200, 2, generator=g)
    out = layers[-1][2]
    y = torch.cat([torch.sin(X[:, :1] * 2) + 0.5 * X[:, 1:], X[:, :1] - X[:, 1:]], dim=1)[:, :out].contiguous()
    torch.manual_seed(3)
    mods = [torch.nn.Linear(l[1], l[2]) if l[0] == "Linear" else torch.nn.ReLU() for l in layers]
    model = torch.nn.Sequential(*mods)
    initial = {k: v.detach().clone() for k, v in model.named_parameters()}
    opt = torch.optim.SGD(model.parameters(), **sgd_kw)
    sched = getattr(torch_sched, sched_spec[0])(opt, **sched_spec[1]) if sched_spec else None
    loss_fn = torch.nn.MSELoss()
    history = []
    for epoch in range(1, epochs + 1):
        lr_start = opt.param_groups[0]["lr"]
        for i in range(0, X.shape[0], batch):
            opt.zero_grad()
            batch_loss = loss_fn(model(X[i:i + batch]), y[i:i + batch])
            batch_loss.backward()
            opt.step()
            if unit == "batch" and sched is not None:
                sched.step(batch_loss.item()) if sched_spec[0] == "ReduceLROnPlateau" else sched.step()
        with torch.no_grad():
            loss = loss_fn(model(X), y).item()
        if unit == "epoch" and sched is not None:
            sched.step(loss) if sched_spec[0] == "ReduceLROnPlateau" else sched.step()
        history.append({"epoch": epoch, "lr_start": lr_start, "loss": loss, "lr_after": opt.param_groups[0]["lr"]})
    final = {k: v.detach().clone() for k, v in model.named_parameters()}
    return X, y, initial, history, final


@needs_torch
@pytest.mark.parametrize("name", sorted(TRAIN_CASES))
def test_trainer_matches_torchs_training_loop(api, name):
    layers, sgd_kw, sched_spec, batch, epochs, unit = TRAIN_CASES[name]
    X, y, initial, want, final = _torch_reference(name)
    mods = [api.Linear(l[1], l[2]) if l[0] == "Linear" else api.ReLU() for l in layers]
    model = api.Sequential(*mods)
    params = dict(model.named_parameters())
    for k, v in initial.items():
        params[k].set(v.numpy())
    opt = api.SGD(model.parameters(), **sgd_kw)
    sched = getattr(api, sched_spec[0])(opt, **sched_spec[1]) if sched_spec else None
    trainer = api.Trainer(model, opt, sched, batch_size=batch, step_scheduler=unit)
    y_np = y.numpy()
    got = trainer.fit(X.numpy(), y_np[:, 0] if y_np.shape[1] == 1 else y_np, epochs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g["epoch"] == w["epoch"]
        # The installed torch may differ from 2.15 by ulps in the lrs (the vectors pin 2.15).
        assert g["lr_start"] == pytest.approx(w["lr_start"], rel=1e-12)
        assert g["lr_after"] == pytest.approx(w["lr_after"], rel=1e-12)
        assert g["loss"] == pytest.approx(w["loss"], rel=1e-4)
    for k, v in final.items():
        assert params[k].tolist() == pytest.approx(v.flatten().tolist(), abs=1e-5), k
    # The trained model computes what torch's computes.
    out = model(X.numpy())
    seq = torch.nn.Sequential(*[torch.nn.Linear(l[1], l[2]) if l[0] == "Linear" else torch.nn.ReLU()
                                for l in layers])
    with torch.no_grad():
        for k, p in seq.named_parameters():
            p.copy_(torch.tensor(params[k].tolist()).reshape(p.shape))
        ref = seq(X).numpy()
    assert out.ravel().tolist() == pytest.approx(ref.ravel().tolist(), abs=1e-5)


@needs_torch
def test_parameters_take_torch_tensors_and_numpy_views(api):
    lin = api.Linear(3, 2)
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    lin.weight.set(t.numpy())
    assert lin.weight.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    lin.weight.set(t.T.contiguous().T.numpy())  # non-contiguous view: converted
    assert lin.weight.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    lin.bias.set(torch.tensor([1.5, -2.5], dtype=torch.float64).numpy())
    assert lin.bias.tolist() == [1.5, -2.5]
    assert torch.from_numpy(__import__("numpy").asarray(lin.weight)).shape == (2, 3)
