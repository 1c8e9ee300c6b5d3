"""Timing shared by the benchmark scripts (bench.py, bench_train.py): best wall times."""

import gc
import time


def wall_time(run):
    """Wall time of one run(), the garbage collector off while it runs."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        run()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def best_of(setup, repeats):
    """Best wall time of run() over repeats, with run = setup() built untimed."""
    best = float("inf")
    for _ in range(repeats):
        best = min(best, wall_time(setup()))
    return best
