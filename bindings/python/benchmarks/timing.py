"""Timing shared by the benchmark scripts (bench.py, bench_train.py): best wall times."""

import gc
import time


def best_of(setup, repeats):
    """Best wall time of run() over repeats, with run = setup() built untimed (the
    garbage collector off while it runs)."""
    best = float("inf")
    for _ in range(repeats):
        run = setup()
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best
