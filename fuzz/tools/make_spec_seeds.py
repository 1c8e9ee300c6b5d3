#!/usr/bin/env python3
"""Writes the fuzz_spec seed corpus (fuzz/corpus/fuzz_spec) and part of the fuzz_json
seeds from the torch vectors: chosen schedule and error cases, stripped to what the
harness reads (optimizer, schedulers, steps, metrics), plus a few hand-written inputs
that use the harness keys (epochs, add_group_at, ops) and the bare-spec forms. The ops
seeds embed states from fuzz/corpus/fuzz_state (run `make fuzz-seeds` first).

Run from the repository root: python3 fuzz/tools/make_spec_seeds.py
"""
import json
import os
import re

VECTORS = "Tests/Vectors/pytorch-2.15"
SPEC_DIR = "fuzz/corpus/fuzz_spec"
JSON_DIR = "fuzz/corpus/fuzz_json"

SCHEDULE_CASES = [
    "LambdaLR/3g/per-group", "MultiplicativeLR/3g/step", "StepLR/3g/default", "MultiStepLR/3g/repeated",
    "ConstantLR/3g/f0.25", "LinearLR/3g/down", "ExponentialLR/3g", "CosineAnnealingLR/3g/T7min",
    "CosineAnnealingWarmRestarts/3g/T3x2", "PolynomialLR/3g/p0.5", "CyclicLR/groups", "CyclicLR/exp_range",
    "CyclicLR/iterations-scale", "CyclicLR/no-momentum", "OneCycleLR/three-phase", "OneCycleLR/epochs",
    "OneCycleLR/no-momentum", "Plateau/noisy/abs", "Plateau/max/up", "Plateau/minlr-list", "Plateau/eps",
    "SequentialLR/three", "SequentialLR/warmup-cos", "ChainedScheduler/linear-step", "compose/Const+Exp",
    "compose/Linear+Cos",
]
ERROR_CASES = [
    "error/Plateau/minlr-len", "error/OneCycleLR/past-end", "error/StepLR/step_size0",
    "error/ConstantLR/factor0", "error/CyclicLR/zero-steps", "error/SequentialLR/milestones",
    "error/WarmRestarts/Tmult", "error/OneCycleLR/maxlr-len",
]
HANDWRITTEN = {
    "bare-OneCycleLR.json": {"type": "OneCycleLR", "max_lr": [0.1, 0.05, 0.01], "total_steps": 12, "anneal_strategy": "linear"},
    "bare-list.json": [{"type": "LinearLR", "start_factor": 0.5, "total_iters": 3}, {"type": "ExponentialLR", "gamma": 0.9}],
    "epochs-warm-restarts.json": {"optimizer": {"lr": 0.1}, "schedulers": [{"type": "CosineAnnealingWarmRestarts", "T_0": 3, "T_mult": 2}],
                                  "steps": 5, "epochs": [0, 7, 2.5, 100, 1e6, 3]},
    "epochs-closed-form.json": {"optimizer": {"lr": 0.1, "groups": [{"lr": 0.1}, {"lr": 0.2}]},
                                "schedulers": [{"type": "StepLR", "step_size": 2}, {"type": "PolynomialLR", "total_iters": 4}],
                                "steps": 3, "epochs": [5, 0, 9223372036854775807, -1]},
    "add-group-plateau.json": {"optimizer": {"lr": 0.1, "momentum": 0.9}, "schedulers": [{"type": "ReduceLROnPlateau", "patience": 0, "min_lr": [0.01]}],
                               "steps": 6, "metrics": [1, 1, 1, 1, 1, 1], "add_group_at": 2},
    "add-group-sequential.json": {"optimizer": {"lr": 0.1, "betas": [0.9, 0.99]},
                                  "schedulers": [{"type": "SequentialLR", "schedulers": [{"type": "ConstantLR"}, {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2}], "milestones": [2]}],
                                  "steps": 6, "add_group_at": 3},
    "optimizer-only.json": {"lr": 0.1, "momentum": 0.9, "nesterov": True, "groups": [{"lr": 0.01, "weight_decay": 0.1}, {"maximize": True}]},
    "resume-lastepoch.json": {"optimizer": {"lr": 0.1}, "schedulers": [{"type": "ExponentialLR", "gamma": 0.9}, {"type": "StepLR", "step_size": 2, "last_epoch": 3}], "steps": 4},
}


def state(name):
    with open(os.path.join("fuzz/corpus/fuzz_state", name)) as f:
        return json.load(f)


def ops_seeds():
    """Seeds for the `ops` harness key (made from the fuzz_state seed states)."""
    return {
        "ops-groups.json": {"optimizer": {"lr": 0.1, "momentum": 0.9}, "steps": 6,
                            "schedulers": [{"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 20}],
                            "ops": [[1, "set", 0, "max_lr", 0.5], [2, "unset", 0, "initial_lr"], [3, "get", 0, "min_lr"],
                                    [4, "set", 0, "betas[0]", 0.5], [5, "add_group", 0.2], [9, "step_epoch", 0, 3]]},
        "ops-load.json": {"optimizer": {"lr": 0.1, "momentum": 0.9, "groups": [{"lr": 0.1}, {"lr": 0.05}, {"lr": 0.01, "momentum": 0.5}]},
                          "steps": 5,
                          "schedulers": [{"type": "SequentialLR", "milestones": [3], "schedulers": [
                              {"type": "LinearLR", "start_factor": 0.1, "total_iters": 3}, {"type": "CosineAnnealingLR", "T_max": 10}]},
                              {"type": "LambdaLR", "lr_lambda": "pow095"}],
                          "ops": [[2, "load", 0, state("SequentialLR-s9-0-SequentialLR.json")],
                                  [3, "load_child", 0, 2, state("SequentialLR-s4-2-CosineAnnealingLR.json")],
                                  [3, "load", 1, state("LambdaLR-s3-0-LambdaLR.json")],
                                  [4, "load_optimizer", state("StepLR-s4-optimizer.json")]]},
    }


def slug(name):
    return re.sub(r"[^A-Za-z0-9.+-]+", "-", name).strip("-")


def write(path, value):
    text = json.dumps(value, separators=(",", ":"))
    assert len(text) < 4096, path
    with open(path, "w") as f:
        f.write(text)


def main():
    os.makedirs(SPEC_DIR, exist_ok=True)
    for name in os.listdir(SPEC_DIR):
        if name.endswith(".json"):
            os.remove(os.path.join(SPEC_DIR, name))
    cases = {}
    for fname in ("schedules.json", "errors.json"):
        with open(os.path.join(VECTORS, fname)) as f:
            for c in json.load(f)["cases"]:
                cases[c["name"]] = c
    n = 0
    for name in SCHEDULE_CASES + ERROR_CASES:
        c = cases[name]
        seed = {k: c[k] for k in ("optimizer", "schedulers", "steps", "metrics") if k in c}
        if "metrics" in seed:
            seed["metrics"] = seed["metrics"][: min(seed["steps"], 50)]
        write(os.path.join(SPEC_DIR, slug(name) + ".json"), seed)
        n += 1
    for name, value in list(HANDWRITTEN.items()) + list(ops_seeds().items()):
        write(os.path.join(SPEC_DIR, name), value)
        n += 1
    print(f"wrote {n} seeds to {SPEC_DIR}")


if __name__ == "__main__":
    main()
