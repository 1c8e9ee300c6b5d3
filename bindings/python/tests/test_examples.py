"""examples/python: article.py (the article's training through lrsched.Trainer) and
article_lrs.py (the schedules alone) print the article's lines, on either front end, as
`lrsched-cli demo` does."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
from conftest import REPO

EXAMPLES = REPO / "examples" / "python"
# LRSCHED_CLI: another build (make test-wheel: the self-contained one, the toolchain hidden).
CLI = pathlib.Path(os.environ.get("LRSCHED_CLI", REPO / ".build" / "release" / "lrsched-cli"))

# The article's 33 lines, shared with the C suite.
ARTICLE = (REPO / "Tests" / "C" / "article_lrs.expected").read_text()

# Runs an example as a script, with `import lrsched` giving the chosen front end.
RUNNER = """
import runpy, sys
if sys.argv[2] == "ctypes":
    import lrsched_ctypes
    sys.modules["lrsched"] = lrsched_ctypes
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def run_example(name, backend):
    r = subprocess.run([sys.executable, "-c", RUNNER, str(EXAMPLES / name), backend], capture_output=True,
                       text=True, cwd=str(EXAMPLES))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return r.stdout


@pytest.mark.parametrize("backend", ["ext", "ctypes"])
@pytest.mark.parametrize("name", ["article.py", "article_lrs.py"])
def test_example_prints_the_article(name, backend):
    assert run_example(name, backend) == ARTICLE


@pytest.mark.parametrize("backend", ["ext", "ctypes"])
def test_beyond_torch_prints_transformers_wsd(backend):
    # The same lines as examples/c/beyond_torch.c (the C suite compares that one).
    assert run_example("beyond_torch.py", backend) == (REPO / "Tests" / "C" / "beyond_torch.expected").read_text()


@pytest.mark.parametrize("backend", ["ext", "ctypes"])
def test_timm_cosine_prints_timms_restarts(backend):
    # Recorded from this example and checked against `lrsched-cli show` of the same spec.
    assert run_example("timm_cosine.py", backend) == (REPO / "Tests" / "python" / "timm_cosine.expected").read_text()


def test_examples_run_as_plain_scripts():
    for name in ("article.py", "article_lrs.py"):
        r = subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True, text=True)
        assert r.returncode == 0 and r.stdout == ARTICLE, r.stderr


def test_article_trains_for_real():
    # The same training as article.py, checked for what it learns.
    import random

    import lrsched

    random.seed(2026)
    X = [[random.gauss(0, 1), random.gauss(0, 1)] for _ in range(1000)]
    y = [2 * x1 - 3.4 * x2 + 4.2 + random.gauss(0, 0.01) for x1, x2 in X]
    model = lrsched.Linear(2, 1)
    model.weight.set([random.gauss(0, 0.01), random.gauss(0, 0.01)])
    model.bias.set([0.0])
    opt = lrsched.SGD(model.parameters(), lr=0.1)
    hist = lrsched.Trainer(model, opt, lrsched.ExponentialLR(opt, gamma=0.9), batch_size=10,
                           shuffle=True).fit(X, y, epochs=10)
    assert hist[-1]["loss"] < 2e-4
    w, b = model.weight.tolist(), model.bias.tolist()
    assert abs(w[0] - 2) < 0.01 and abs(w[1] + 3.4) < 0.01 and abs(b[0] - 4.2) < 0.01


@pytest.mark.skipif(not CLI.exists(), reason="lrsched-cli not built (.build/release/lrsched-cli)")
def test_article_matches_the_cli_demo():
    demo = subprocess.run([str(CLI), "demo"], capture_output=True, text=True, check=True).stdout
    lines = [line for line in demo.splitlines() if line.startswith("epoch") or line[:1].isupper()]
    assert "\n".join(lines) + "\n" == ARTICLE
    assert run_example("article.py", "ext").splitlines() == lines


def test_examples_are_short():
    for name in ("article.py", "article_lrs.py"):
        text = (EXAMPLES / name).read_text()
        assert len(text.splitlines()) <= 40, name
        assert "import lrsched" in text and os.linesep not in text.replace("\n", "")
