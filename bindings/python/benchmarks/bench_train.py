"""Training speed of lrsched.Trainer beside torch's own loop (a script, not a test).

    python3 bindings/python/benchmarks/bench_train.py [--quick] [--repeats N]

Two workloads, each through ``lrsched.Trainer`` (the extension and ``lrsched_ctypes``)
and, where torch is importable, through torch's training loop:

1. the article's training: nn.Linear(2, 1), SGD(lr=0.1), ExponentialLR(0.9) stepped per
   epoch, 1000 rows x 2 features, batch 10, shuffled, 10 epochs; torch's loop with a
   DataLoader over a TensorDataset, and with manual batching (randperm + indexing);
2. an MLP: Linear(64, 128), ReLU, Linear(128, 1), SGD(lr=0.01, momentum=0.9), 20,000 rows,
   batch 32, shuffled, 5 epochs; torch single-threaded (torch.set_num_threads(1)) and
   with its default thread count.

3. the issue's MLP (--issue-mlp): Linear(784, 256), ReLU, Linear(256, 1), SGD(lr=0.01,
   momentum=0.9), 60,000 rows, batch 64, shuffled, one epoch plus the full-data loss;
   lrsched.Trainer and torch's loop alternate run by run (5 each by default) and the
   median is reported, at the thread count given by --threads (default: torch's
   default). lrsched's count comes from LRSCHED_NUM_THREADS, which this script sets
   before importing lrsched (or lrsched.set_num_threads where the package has it).

Every loop does what lrsched's fit does per epoch: the mini-batch steps (MSE loss,
backward, SGD step), then the loss over the whole dataset and the scheduler step. Times
are the best of several runs of the whole fit (model, optimizer and scheduler built
outside the timed region). Prints a Markdown table with the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys

import numpy as np
from bench import cpu_model  # the scheduler benchmark beside this file
from timing import best_of, wall_time




# --- Data ---------------------------------------------------------------------------------


def article_data(n):
    rng = np.random.default_rng(2026)
    X = rng.normal(0, 1, (n, 2)).astype(np.float32)
    y = (X @ np.array([2.0, -3.4]) + 4.2 + rng.normal(0, 0.01, n)).astype(np.float32)
    return X, y


def mlp_data(n, features):
    rng = np.random.default_rng(7)
    X = rng.normal(0, 1, (n, features)).astype(np.float32)
    w = rng.normal(0, 1 / np.sqrt(features), features)
    y = (np.tanh(X @ w) + 0.1 * rng.normal(0, 1, n)).astype(np.float32)
    return X, y


# --- lrsched --------------------------------------------------------------------------------


def lrsched_article(api, X, y, epochs, batch):
    def setup():
        model = api.Linear(2, 1)
        model.weight.set([0.007, -0.007])
        model.bias.set([0.0])
        opt = api.SGD(model.parameters(), lr=0.1)
        trainer = api.Trainer(model, opt, api.ExponentialLR(opt, gamma=0.9), batch_size=batch, shuffle=True)
        return lambda: trainer.fit(X, y, epochs)

    return setup


def lrsched_mlp(api, X, y, epochs, batch, hidden):
    def setup():
        model = api.Sequential(api.Linear(X.shape[1], hidden), api.ReLU(), api.Linear(hidden, 1))
        opt = api.SGD(model.parameters(), lr=0.01, momentum=0.9)
        trainer = api.Trainer(model, opt, batch_size=batch, shuffle=True)
        return lambda: trainer.fit(X, y, epochs)

    return setup


# --- torch ----------------------------------------------------------------------------------


def torch_loop(torch, model, opt, sched, X, y, epochs, batch, dataloader):
    """torch's loop doing what Trainer.fit does; returns a run() closure."""
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y).reshape(-1, 1)
    loss_fn = torch.nn.MSELoss()
    n = Xt.shape[0]
    if dataloader:
        from torch.utils.data import DataLoader, TensorDataset

        loader = DataLoader(TensorDataset(Xt, yt), batch_size=batch, shuffle=True)

        def batches():
            return iter(loader)
    else:
        def batches():
            perm = torch.randperm(n)
            for i in range(0, n, batch):
                idx = perm[i:i + batch]
                yield Xt[idx], yt[idx]

    def run():
        for _ in range(epochs):
            for xb, yb in batches():
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
            with torch.no_grad():
                loss_fn(model(Xt), yt).item()
            if sched is not None:
                sched.step()

    return run


def torch_article(torch, X, y, epochs, batch, dataloader):
    def setup():
        torch.manual_seed(0)
        model = torch.nn.Linear(2, 1)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        return torch_loop(torch, model, opt, sched, X, y, epochs, batch, dataloader)

    return setup


def torch_mlp(torch, X, y, epochs, batch, hidden, threads):
    def setup():
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(),
                                    torch.nn.Linear(hidden, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        return torch_loop(torch, model, opt, None, X, y, epochs, batch, dataloader=False)

    return setup


# --- The issue's MLP, interleaved ------------------------------------------------------------


def median_interleaved(setups, repeats):
    """Median wall time of each setup's run(), the setups alternating run by run (so that
    a change in the machine's load hits every implementation alike)."""
    import statistics

    times = [[] for _ in setups]
    for _ in range(repeats):
        for i, setup in enumerate(setups):
            times[i].append(wall_time(setup()))
    return [statistics.median(t) for t in times]


def issue_mlp(args, lrsched, torch):
    rows = 6_400 if args.quick else 60_000
    features, hidden, batch = 784, 256, 64
    X, y = mlp_data(rows, features)
    threads = args.threads
    import lrsched_ctypes

    setups = [lrsched_mlp(lrsched, X, y, 1, batch, hidden), lrsched_mlp(lrsched_ctypes, X, y, 1, batch, hidden)]
    labels = ["lrsched.Trainer (extension)", "lrsched_ctypes.Trainer"]
    if torch is not None:
        setups.append(torch_mlp(torch, X, y, 1, batch, hidden, threads))
        labels.append("torch loop")
    repeats = args.repeats or (2 if args.quick else 5)
    medians = median_interleaved(setups, repeats)
    flops = 3 * 2 * rows * features * hidden  # layer 1 forward + weight gradient, loss forward
    print(f"## MLP {features} -> {hidden} ReLU -> 1, {rows:,} rows, batch {batch}, shuffled, momentum 0.9, "
          f"1 epoch + full-data loss\n")
    print(f"- machine: {cpu_model()}, {os.cpu_count()} cores; load average (1 min): {os.getloadavg()[0]:.2f}")
    print(f"- threads: {threads} (torch.set_num_threads; lrsched: "
          f"LRSCHED_NUM_THREADS={os.environ.get('LRSCHED_NUM_THREADS')})")
    print(f"- {'torch ' + torch.__version__ if torch is not None else 'torch not importable'}, "
          f"lrsched {lrsched.__version__}; median of {repeats} interleaved runs\n")
    print("| implementation | seconds (median) | GFLOP/s | torch / this |")
    print("|---|---|---|---|")
    for label, t in zip(labels, medians):
        ratio = f"{medians[-1] / t:.2f}x" if torch is not None else "n/a"
        print(f"| {label} | {t:.3f} | {flops / t * 1e-9:.1f} | {ratio} |")
    return 0


# --- Main -----------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes and few repeats (a smoke run)")
    ap.add_argument("--repeats", type=int, default=None, help="runs per figure (best of)")
    ap.add_argument("--issue-mlp", action="store_true",
                    help="only the issue's 784-256-1 MLP, lrsched and torch interleaved (median)")
    ap.add_argument("--threads", type=int, default=None,
                    help="threads for --issue-mlp (torch and lrsched); default: torch's default")
    args = ap.parse_args()
    if args.issue_mlp:
        if args.threads is not None:
            os.environ["LRSCHED_NUM_THREADS"] = str(args.threads)  # before lrsched loads
        import lrsched

        try:
            import torch
        except ImportError:
            torch = None
        if args.threads is None:
            args.threads = torch.get_num_threads() if torch is not None else os.cpu_count()
            os.environ.setdefault("LRSCHED_NUM_THREADS", str(args.threads))
        if hasattr(lrsched, "set_num_threads"):
            lrsched.set_num_threads(args.threads)
        return issue_mlp(args, lrsched, torch)
    quick = args.quick
    repeats = args.repeats or (2 if quick else 7)
    mlp_repeats = args.repeats or (1 if quick else 3)
    a_rows, a_epochs, a_batch = (200, 2, 10) if quick else (1000, 10, 10)
    m_rows, m_feat, m_hidden, m_epochs, m_batch = (640, 64, 128, 1, 32) if quick else (20_000, 64, 128, 5, 32)

    import lrsched
    import lrsched_ctypes

    try:
        import torch
    except ImportError:
        torch = None
    default_threads = torch.get_num_threads() if torch is not None else None

    rows = []  # (workload, implementation, seconds)
    X, y = article_data(a_rows)
    article = f"article: Linear(2, 1), {a_rows} x 2, batch {a_batch}, shuffled, {a_epochs} epochs"
    rows.append((article, "lrsched.Trainer (extension)", best_of(lrsched_article(lrsched, X, y, a_epochs, a_batch),
                                                               repeats)))
    rows.append((article, "lrsched_ctypes.Trainer", best_of(lrsched_article(lrsched_ctypes, X, y, a_epochs, a_batch),
                                                            repeats)))
    if torch is not None:
        torch.set_num_threads(1)
        for dl, label in ((True, "torch loop, DataLoader, 1 thread"), (False, "torch loop, manual batches, 1 thread")):
            rows.append((article, label, best_of(torch_article(torch, X, y, a_epochs, a_batch, dl), repeats)))
        torch.set_num_threads(default_threads)

    X, y = mlp_data(m_rows, m_feat)
    mlp = (f"MLP: {m_feat} -> {m_hidden} ReLU -> 1, {m_rows:,} rows, batch {m_batch}, shuffled, "
           f"momentum 0.9, {m_epochs} epochs")
    rows.append((mlp, "lrsched.Trainer (extension)",
                 best_of(lrsched_mlp(lrsched, X, y, m_epochs, m_batch, m_hidden), mlp_repeats)))
    rows.append((mlp, "lrsched_ctypes.Trainer",
                 best_of(lrsched_mlp(lrsched_ctypes, X, y, m_epochs, m_batch, m_hidden), mlp_repeats)))
    if torch is not None:
        rows.append((mlp, "torch loop, 1 thread",
                     best_of(torch_mlp(torch, X, y, m_epochs, m_batch, m_hidden, 1), mlp_repeats)))
        rows.append((mlp, f"torch loop, default threads ({default_threads})",
                     best_of(torch_mlp(torch, X, y, m_epochs, m_batch, m_hidden, default_threads), mlp_repeats)))
        torch.set_num_threads(default_threads)

    print("## lrsched training benchmarks\n")
    print(f"- machine: {cpu_model()}, {os.cpu_count()} cores")
    print(f"- Python {platform.python_version()} ({platform.python_implementation()}), lrsched {lrsched.__version__}, "
          f"numpy {np.__version__}")
    print(f"- torch: {'torch ' + torch.__version__ if torch is not None else 'torch not importable'}")
    print(f"- load average (1 min) at the end: {os.getloadavg()[0]:.2f} (other processes share the cores)")
    print(f"- best of {repeats} runs (MLP: {mlp_repeats}); data: float32 numpy arrays (read in place by lrsched)"
          + (" — QUICK smoke sizes" if quick else "") + "\n")
    print("| workload | implementation | seconds | ms per epoch | torch (fastest) / this |")
    print("|---|---|---|---|---|")
    targets = []
    for workload in dict.fromkeys(r[0] for r in rows):
        group = [r for r in rows if r[0] == workload]
        torch_times = [t for _, impl, t in group if impl.startswith("torch")]
        fastest_torch = min(torch_times) if torch_times else None
        epochs = a_epochs if workload is article else m_epochs
        for _, impl, t in group:
            ratio = f"{fastest_torch / t:.1f}x" if fastest_torch is not None else "n/a"
            print(f"| {workload} | {impl} | {t:.5f} | {t / epochs * 1e3:.3f} | {ratio} |")
        if fastest_torch is not None and workload is article:
            ext = next(t for _, impl, t in group if impl.startswith("lrsched.Trainer"))
            targets.append(f"article: lrsched.Trainer is {fastest_torch / ext:.0f}x faster than torch's fastest loop "
                           f"({'met' if fastest_torch / ext >= 100 else 'MISSED'}: target >= 100x)")
    if targets:
        print("\n### Targets\n")
        for t in targets:
            print(f"- {t}")
    elif torch is None:
        print("\n(torch not importable: no torch comparison)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
