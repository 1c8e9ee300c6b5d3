"""Speed of lrsched's Python front ends (a script, not a test).

    python3 bindings/python/benchmarks/bench.py [--quick]

Measures, per backend (the extension ``lrsched``, ``lrsched_ctypes`` and — when it is
importable — ``torch.optim.lr_scheduler``):

1. one ``sched.step(); sched.get_last_lr()`` pair (``step(metric)`` for
   ReduceLROnPlateau), written as in a training loop, for StepLR, CosineAnnealingLR,
   OneCycleLR, CyclicLR and ReduceLROnPlateau on a one-group optimizer;
2. a 1M-step ``preview`` of StepLR, CosineAnnealingLR, OneCycleLR and CyclicLR against a
   loop of ``sched.step()`` plus reading the group's lr (torch's loop where torch is
   importable, else the extension's loop as the baseline).

Each figure is the best of several repeats; "net" subtracts the cost of the empty
``for`` loop (measured the same way). Prints a Markdown table with the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import warnings

import timing  # beside this file


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def best_of(fn, repeats):
    """Best wall time of fn() over repeats."""
    return timing.best_of(lambda: fn, repeats)


def empty_loop(n):
    def run():
        for _ in range(n):
            pass

    return run


def pair_loop(sched, n, metric):
    if metric:
        def run():
            s = sched
            for i in range(n):
                s.step(1.0)
                s.get_last_lr()
    else:
        def run():
            s = sched
            for _ in range(n):
                s.step()
                s.get_last_lr()
    return run


# Preview speed-up targets over torch's stepping loop.
PREVIEW_TARGETS = {"StepLR": 100, "CosineAnnealingLR": 50, "OneCycleLR": 50, "CyclicLR": 100}

SCHEDULERS = {
    # name: (constructor(module, optimizer), uses a metric)
    "StepLR": (lambda m, o: m.StepLR(o, step_size=30, gamma=0.1), False),
    "CosineAnnealingLR": (lambda m, o: m.CosineAnnealingLR(o, T_max=1000), False),
    "OneCycleLR": (lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10**8), False),
    "CyclicLR": (lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=500), False),
    "ReduceLROnPlateau": (lambda m, o: m.ReduceLROnPlateau(o, patience=5), True),
}


def make_optimizer(backend, module):
    if backend == "torch":
        import torch

        p = torch.nn.Parameter(torch.zeros(1))
        return torch.optim.SGD([p], lr=0.1, momentum=0.9)
    return module.SGD([{"lr": 0.1}], lr=0.1, momentum=0.9)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer iterations (a smoke run)")
    args = ap.parse_args()
    n_ext = 20_000 if args.quick else 200_000
    n_ctypes = 5_000 if args.quick else 30_000
    n_torch = 2_000 if args.quick else 20_000
    preview_steps = 10_000 if args.quick else 1_000_000
    repeats = 3 if args.quick else 15

    import lrsched
    import lrsched_ctypes

    backends = [("ext", lrsched, n_ext), ("ctypes", lrsched_ctypes, n_ctypes)]
    try:
        import torch  # noqa: F401
        import torch.optim.lr_scheduler as torch_sched

        backends.append(("torch", torch_sched, n_torch))
        # The loops step schedulers without optimizer steps, on purpose.
        warnings.filterwarnings("ignore", message=r"Detected call of `lr_scheduler.step\(\)`")
        have_torch = True
    except ImportError:
        have_torch = False

    empty = {n: best_of(empty_loop(n), repeats) / n * 1e9 for n in {b[2] for b in backends}}
    results = {}  # (scheduler, backend) -> (raw ns, net ns)
    for sname, (make, metric) in SCHEDULERS.items():
        for bname, module, n in backends:
            opt = make_optimizer(bname, module)
            sched = make(module, opt)
            raw = best_of(pair_loop(sched, n, metric), repeats) / n * 1e9
            results[sname, bname] = (raw, raw - empty[n])

    print("## lrsched Python benchmarks\n")
    print(f"- machine: {cpu_model()}, {__import__('os').cpu_count()} CPUs")
    print(f"- Python {platform.python_version()} ({platform.python_implementation()}), lrsched {lrsched.__version__}")
    print(f"- torch: {'torch ' + __import__('torch').__version__ if have_torch else 'not available (not importable)'}")
    print(f"- load average (1 min) at the end: {os.getloadavg()[0]:.2f} (other processes share the cores)")
    print(f"- empty loop: {empty[n_ext]:.0f} ns per iteration (subtracted in the net columns)\n")

    names = [b[0] for b in backends]
    head = "| scheduler | " + " | ".join(f"{b} net (raw) ns" for b in names) + " | ctypes / ext |"
    if have_torch:
        head += " torch / ext |"
    print("### `step()` + `get_last_lr()` per call pair\n")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for sname in SCHEDULERS:
        cells = []
        for b in names:
            raw, net = results[sname, b]
            cells.append(f"{net:.0f} ({raw:.0f})")
        row = f"| {sname} | " + " | ".join(cells)
        ext_net = results[sname, "ext"][1]
        row += f" | {results[sname, 'ctypes'][1] / ext_net:.1f}x |"
        if have_torch:
            row += f" {results[sname, 'torch'][1] / ext_net:.1f}x |"
        print(row)

    # Preview vs loop, per scheduler.
    loop_n = min(preview_steps, 200_000)
    print(f"\n### {preview_steps:,}-step preview vs a stepping loop (1 group)\n")
    print("The loop: `sched.step()` then reading `param_groups[0]['lr']` into a list, "
          f"{loop_n:,} steps, scaled to {preview_steps:,}.\n")
    head = "| scheduler | ext preview s | ctypes preview s | ext loop s |"
    if have_torch:
        head += " torch loop s | ext preview ns/step | torch loop ns/step | preview vs torch loop |"
    else:
        head += " ext preview ns/step | preview vs ext loop |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))

    def stepping_loop(module, backend, make):
        opt = make_optimizer(backend, module)
        sched = make(module, opt)
        group = opt.param_groups[0]

        def run():
            out = []
            append = out.append
            for _ in range(loop_n):
                sched.step()
                append(group["lr"])
        return run

    speedups = {}
    for sname in PREVIEW_TARGETS:
        make = SCHEDULERS[sname][0]
        previews = {}
        for bname, module in (("ext", lrsched), ("ctypes", lrsched_ctypes)):
            sched = make(module, make_optimizer(bname, module))
            previews[bname] = best_of(lambda: sched.preview(preview_steps), max(2, repeats // 3))
        scale = preview_steps / loop_n
        ext_loop = best_of(stepping_loop(lrsched, "ext", make), max(2, repeats // 3)) * scale
        row = f"| {sname} | {previews['ext']:.4f} | {previews['ctypes']:.4f} | {ext_loop:.4f} |"
        per_step = previews["ext"] / preview_steps * 1e9
        if have_torch:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch_loop = best_of(stepping_loop(torch_sched, "torch", make), 2) * scale
            speedups[sname] = torch_loop / previews["ext"]
            row += (f" {torch_loop:.4f} | {per_step:.1f} | {torch_loop / preview_steps * 1e9:.0f} |"
                    f" {speedups[sname]:.0f}x |")
        else:
            row += f" {per_step:.1f} | {ext_loop / previews['ext']:.0f}x (ext loop) |"
        print(row)

    # Targets.
    print("\n### Targets\n")
    ok = True
    for sname in ("StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR"):
        net = results[sname, "ext"][1]
        good = net <= 150
        ok &= good
        print(f"- ext {sname}: {net:.0f} ns {'<=' if good else '>'} 150 ns {'(met)' if good else '(MISSED)'}")
    for sname in SCHEDULERS:
        net = results[sname, "ctypes"][1]
        good = net <= 1500
        ok &= good
        print(f"- ctypes {sname}: {net:.0f} ns {'<=' if good else '>'} 1500 ns {'(met)' if good else '(MISSED)'}")
    if have_torch:
        for sname in ("StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR"):
            ratio = results[sname, "torch"][1] / results[sname, "ext"][1]
            good = ratio >= 10
            print(f"- ext {sname} vs torch: {ratio:.1f}x {'>=' if good else '<'} 10x {'(met)' if good else '(MISSED)'}")
        for sname, target in PREVIEW_TARGETS.items():
            good = speedups[sname] >= target
            print(f"- preview {sname} vs torch loop: {speedups[sname]:.0f}x {'>=' if good else '<'} {target}x "
                  f"{'(met)' if good else '(MISSED)'}")
    else:
        print("- (torch not importable: the torch targets are not measured)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
