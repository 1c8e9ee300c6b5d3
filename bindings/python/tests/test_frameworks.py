"""lrsched inside the frameworks torch users train with: DistributedDataParallel (gloo,
two processes on this machine), transformers' Trainer (``optimizers=(opt, sched)``) and
PyTorch Lightning (``configure_optimizers``). Each test skips when its package is not
importable; the lrs are compared with torch's own schedulers, exactly."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest

import lrsched
import lrsched.torch

try:
    import torch
    import torch.optim.lr_scheduler as T
except ImportError:
    torch = None


def importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


needs_torch = pytest.mark.skipif(torch is None, reason="torch is not importable")
needs_dist = pytest.mark.skipif(
    torch is None or not torch.distributed.is_available(), reason="torch.distributed is not available"
)
needs_transformers = pytest.mark.skipif(
    torch is None or not (importable("transformers") and importable("accelerate")),
    reason="transformers (with accelerate) is not importable",
)
needs_lightning = pytest.mark.skipif(
    torch is None or not (importable("lightning") or importable("pytorch_lightning")),
    reason="lightning is not importable",
)


# ------------------------------------------------------------------------------------
# DDP, gloo, 2 processes
# ------------------------------------------------------------------------------------

DDP_WORKER = textwrap.dedent('''
    import json, sys
    import torch, torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP

    rank, world, init_file, out_dir, module = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    api = __import__(module)
    dist.init_process_group("gloo", init_method="file://" + init_file, rank=rank, world_size=world)

    def build(kind):
        torch.manual_seed(0)
        model = DDP(torch.nn.Linear(4, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        mod = api if kind == "lrsched" else torch.optim.lr_scheduler
        sched = mod.OneCycleLR(opt, max_lr=0.5, total_steps=24)
        return model, opt, sched

    def train(model, opt, sched, steps, start):
        lrs = []
        for k in range(start, start + steps):
            g = torch.Generator().manual_seed(1000 * rank + k)  # each rank its own batch
            x, y = torch.randn(8, 4, generator=g), torch.randn(8, 1, generator=g)
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
            sched.step()
            lrs.append([[grp["lr"], grp["momentum"]] for grp in opt.param_groups])
        return lrs

    result = {}
    for kind in ("lrsched", "torch"):
        model, opt, sched = build(kind)
        first = train(model, opt, sched, 10, 0)
        ck = out_dir + f"/ck-{kind}.pt"
        if rank == 0:  # a checkpoint saved on rank 0 ...
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}, ck)
        dist.barrier()
        straight = train(model, opt, sched, 12, 10)
        # ... resumes on both ranks: fresh objects, optimizer state first, then the scheduler's
        model2, opt2, sched2 = build(kind)
        state = torch.load(ck, weights_only=False)
        model2.load_state_dict(state["model"])
        opt2.load_state_dict(state["opt"])
        sched2.load_state_dict(state["sched"])
        resumed = train(model2, opt2, sched2, 12, 10)
        params = [p.detach().tolist() for p in model.parameters()]
        result[kind] = {"first": first, "straight": straight, "resumed": resumed, "params": params}
    with open(out_dir + f"/rank{rank}.json", "w") as f:
        json.dump(result, f)
    dist.barrier()
    dist.destroy_process_group()
    sys.stdout.flush()
    import os
    os._exit(0)  # no interpreter teardown racing gloo's threads (an abort at exit otherwise)
''')


@needs_dist
@pytest.mark.parametrize("module", ["lrsched", "lrsched_ctypes"])
def test_ddp_gloo_two_processes(tmp_path, module):
    worker = tmp_path / "ddp_worker.py"
    worker.write_text(DDP_WORKER)
    init_file = tmp_path / "init"
    procs = [
        subprocess.Popen([sys.executable, str(worker), str(r), "2", str(init_file), str(tmp_path), module],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for r in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out
    r0, r1 = (json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2))
    ours, theirs = r0["lrsched"], r0["torch"]
    assert r1["lrsched"] == ours  # the same lrs, momenta and (DDP-averaged) parameters on both ranks
    assert r1["torch"] == theirs
    for key in ("first", "straight", "resumed", "params"):
        assert ours[key] == theirs[key], key  # torch's schedule, bit for bit
    assert ours["resumed"] == ours["straight"]  # the checkpoint resumes exactly


# ------------------------------------------------------------------------------------
# transformers' Trainer
# ------------------------------------------------------------------------------------


def _regression_data(n=32):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    y = x.sum(dim=1, keepdim=True)
    return [{"x": x[i], "labels": y[i]} for i in range(n)]


class _Regressor(torch.nn.Module if torch is not None else object):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.linear = torch.nn.Linear(4, 1)

    def forward(self, x, labels=None):
        out = self.linear(x)
        loss = torch.nn.functional.mse_loss(out, labels)
        return {"loss": loss, "logits": out}


def _trainer_lrs(tmp_path, make_sched, steps=10):
    import transformers

    class Record(transformers.TrainerCallback):
        def __init__(self):
            self.lrs = []

        def on_step_end(self, args, state, control, optimizer=None, **kwargs):
            self.lrs.append([g["lr"] for g in optimizer.param_groups])

    model = _Regressor()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    rec = Record()
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path), max_steps=steps, per_device_train_batch_size=4, report_to=[],
        logging_steps=1, save_strategy="no", use_cpu=True, disable_tqdm=True, seed=0,
        dataloader_num_workers=0,
    )
    trainer = transformers.Trainer(model=model, args=args, train_dataset=_regression_data(),
                                   optimizers=(opt, make_sched(opt)), callbacks=[rec])
    trainer.train()
    logged = [h["learning_rate"] for h in trainer.state.log_history if "learning_rate" in h]
    return rec.lrs, logged, [p.detach().tolist() for p in model.parameters()]


@needs_transformers
@pytest.mark.parametrize("how", ["plain", "wrapped", "torch-composite"])
def test_transformers_trainer(tmp_path, api, how):
    def ours(opt):
        if how == "torch-composite":  # torch's SequentialLR over wrapped lrsched children
            return T.SequentialLR(opt, [lrsched.torch.wrap(api.LinearLR(opt, start_factor=0.1, total_iters=3)),
                                        lrsched.torch.wrap(api.CosineAnnealingLR(opt, T_max=7))], milestones=[3])
        s = api.SequentialLR(opt, [api.LinearLR(opt, start_factor=0.1, total_iters=3),
                                   api.CosineAnnealingLR(opt, T_max=7)], milestones=[3])
        return lrsched.torch.wrap(s) if how == "wrapped" else s

    def theirs(opt):
        return T.SequentialLR(opt, [T.LinearLR(opt, start_factor=0.1, total_iters=3),
                                    T.CosineAnnealingLR(opt, T_max=7)], milestones=[3])

    a = _trainer_lrs(tmp_path / "ours", ours)
    b = _trainer_lrs(tmp_path / "theirs", theirs)
    assert len(a[0]) == 10 and a[0] == b[0]  # every step's lrs
    assert a[1] == b[1]  # what the Trainer logged (get_last_lr())
    assert a[2] == b[2]  # hence the same trained parameters


# ------------------------------------------------------------------------------------
# Lightning
# ------------------------------------------------------------------------------------


def _lightning():
    try:
        import lightning.pytorch as pl
    except ImportError:
        import pytorch_lightning as pl
    return pl


def _lightning_lrs(tmp_path, make_sched, monitor=None, steps=12, save_at=None, resume_from=None):
    pl = _lightning()
    data = _regression_data()

    class Module(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = _Regressor()
            self.lrs = []

        def training_step(self, batch, batch_idx):
            loss = self.net(batch["x"], batch["labels"])["loss"]
            self.log("train_loss", loss)
            return loss

        def on_train_batch_end(self, outputs, batch, batch_idx):
            self.lrs.append([g["lr"] for g in self.trainer.optimizers[0].param_groups])

        def configure_optimizers(self):
            opt = torch.optim.SGD(self.parameters(), lr=0.1, momentum=0.9)
            config = {"scheduler": make_sched(opt), "interval": "step"}
            if monitor:
                config["monitor"] = monitor
            return {"optimizer": opt, "lr_scheduler": config}

    loader = torch.utils.data.DataLoader(data, batch_size=4)
    module = Module()
    trainer = pl.Trainer(max_steps=save_at or steps, accelerator="cpu", devices=1, logger=False,
                         enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                         default_root_dir=str(tmp_path))
    trainer.fit(module, loader, ckpt_path=resume_from)
    if save_at:
        trainer.save_checkpoint(str(tmp_path / "ck.ckpt"))
    return module.lrs, [p.detach().tolist() for p in module.parameters()]


@needs_lightning
def test_lightning_configure_optimizers(tmp_path, api):
    a = _lightning_lrs(tmp_path / "a", lambda o: lrsched.torch.wrap(api.OneCycleLR(o, max_lr=0.5, total_steps=12)))
    b = _lightning_lrs(tmp_path / "b", lambda o: T.OneCycleLR(o, max_lr=0.5, total_steps=12))
    assert len(a[0]) == 12 and a == b


@needs_lightning
def test_lightning_checkpoint_resumes(tmp_path, api):
    # Lightning saves the scheduler's state_dict() in its checkpoint and loads it on resume.
    def make(o):
        return lrsched.torch.wrap(api.OneCycleLR(o, max_lr=0.5, total_steps=12))

    straight = _lightning_lrs(tmp_path / "a", make)
    first = _lightning_lrs(tmp_path / "b", make, save_at=5)
    resumed = _lightning_lrs(tmp_path / "c", make, resume_from=str(tmp_path / "b" / "ck.ckpt"))
    assert first[0] == straight[0][:5]
    # (the parameters differ: Lightning restarts the interrupted epoch's batches)
    assert len(resumed[0]) == 7 and resumed[0] == straight[0][5:]


@needs_lightning
def test_lightning_monitored_plateau(tmp_path, api):
    a = _lightning_lrs(tmp_path / "a", lambda o: lrsched.torch.wrap(api.ReduceLROnPlateau(o, patience=0, factor=0.5)),
                       monitor="train_loss")
    b = _lightning_lrs(tmp_path / "b", lambda o: T.ReduceLROnPlateau(o, patience=0, factor=0.5),
                       monitor="train_loss")
    assert a == b


@needs_torch
def test_wrapped_scheduler_satisfies_lightning_style_checks(api):
    # What Lightning checks of a scheduler, without Lightning: the class, optimizer,
    # step(), state_dict() and (for a monitored one) ReduceLROnPlateau's attributes.
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    w = lrsched.torch.wrap(api.StepLR(opt, step_size=2))
    assert isinstance(w, T.LRScheduler) and w.optimizer is opt
    assert callable(w.step) and isinstance(w.state_dict(), dict)
    r = lrsched.torch.wrap(api.ReduceLROnPlateau(opt))
    assert isinstance(r, T.ReduceLROnPlateau) and r.mode == "min" and r.patience == 10
