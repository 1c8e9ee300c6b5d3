"""The benchmark scripts run (a --quick smoke run each) and print their Markdown tables."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import TESTS_DIR

BENCH = TESTS_DIR.parent / "benchmarks"


@pytest.mark.parametrize("script, title", [("bench.py", "## lrsched Python benchmarks"),
                                           ("bench_train.py", "## lrsched training benchmarks")])
def test_benchmark_smoke(script, title):
    pytest.importorskip("numpy")
    r = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith(title)
    assert "- machine: " in out and "Python 3." in out and "- torch: " in out
    assert "|---|" in out
    if script == "bench_train.py":
        assert "lrsched.Trainer (extension)" in out and "lrsched_ctypes.Trainer" in out
        assert "64 -> 128 ReLU -> 1" in out


def test_issue_mlp_smoke():
    """bench_train.py --issue-mlp (make bench runs it at 1 thread and by default)."""
    pytest.importorskip("numpy")
    r = subprocess.run([sys.executable, str(BENCH / "bench_train.py"), "--issue-mlp", "--quick", "--threads", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("## MLP 784 -> 256 ReLU -> 1")
    assert "- threads: 1 " in out and "LRSCHED_NUM_THREADS=1" in out
    assert "| lrsched.Trainer (extension) |" in out and "| lrsched_ctypes.Trainer |" in out
