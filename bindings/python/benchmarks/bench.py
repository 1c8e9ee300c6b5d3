"""Speed of lrsched's Python front ends (a script, not a test).

    python3 bindings/python/benchmarks/bench.py [--quick]

Measures, per backend (the extension ``lrsched``, ``lrsched_ctypes`` and — when it is
importable — ``torch.optim.lr_scheduler``):

1. one ``sched.step(); sched.get_last_lr()`` pair (``step(metric)`` for
   ReduceLROnPlateau), written as in a training loop, for StepLR, CosineAnnealingLR,
   OneCycleLR, CyclicLR and ReduceLROnPlateau on a one-group optimizer;
2. a 1M-step ``preview`` against a loop of ``sched.step()`` plus reading the group's lr
   (torch's loop where torch is importable, else the extension's loop as the baseline).

Each figure is the best of several repeats; "net" subtracts the cost of the empty
``for`` loop (measured the same way). Prints a Markdown table with the machine.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time


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
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best


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

    print(f"## lrsched Python benchmarks\n")
    print(f"- machine: {cpu_model()}, {__import__('os').cpu_count()} CPUs")
    print(f"- Python {platform.python_version()} ({platform.python_implementation()}), lrsched {lrsched.__version__}")
    print(f"- torch: {'torch ' + __import__('torch').__version__ if have_torch else 'not available (not importable)'}")
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

    # Preview vs loop.
    print(f"\n### {preview_steps:,}-step preview vs a stepping loop (CosineAnnealingLR, 1 group)\n")
    print("| what | seconds | ns per step |")
    print("|---|---|---|")
    rows = []
    for bname, module in (("ext", lrsched), ("ctypes", lrsched_ctypes)):
        opt = module.SGD([{"lr": 0.1}], lr=0.1)
        sched = module.CosineAnnealingLR(opt, T_max=1000)
        t = best_of(lambda: sched.preview(preview_steps), max(2, repeats // 2))
        rows.append((f"{bname}: `sched.preview({preview_steps})`", t))
    loop_n = preview_steps if not have_torch else min(preview_steps, 200_000)

    def stepping_loop(module, backend):
        opt = make_optimizer(backend, module) if backend == "torch" else module.SGD([{"lr": 0.1}], lr=0.1)
        sched = module.CosineAnnealingLR(opt, T_max=1000)
        group = opt.param_groups[0]

        def run():
            out = []
            append = out.append
            for _ in range(loop_n):
                sched.step()
                append(group["lr"])
        return run

    baseline_label = None
    if have_torch:
        t = best_of(stepping_loop(torch_sched, "torch"), 2) * preview_steps / loop_n
        baseline_label = "torch: loop of `sched.step()` + `group['lr']`"
        rows.append((baseline_label + (f" (scaled from {loop_n:,})" if loop_n != preview_steps else ""), t))
    t = best_of(stepping_loop(lrsched, "ext"), max(2, repeats // 2))
    rows.append(("ext: loop of `sched.step()` + `group['lr']`", t))
    if baseline_label is None:
        baseline_label = "ext loop"
    for label, t in rows:
        print(f"| {label} | {t:.4f} | {t / preview_steps * 1e9:.1f} |")
    base = rows[-2][1] if have_torch else rows[-1][1]
    ext_preview = rows[0][1]
    print(f"\npreview speed-up over the {baseline_label.split(':')[0].replace(' loop', '')} loop: {base / ext_preview:.0f}x"
          + ("" if have_torch else " (torch not available: the ext loop is the baseline)"))

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
