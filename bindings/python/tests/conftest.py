"""Shared fixtures of the Python binding tests.

The tests run against the *installed* packages (`make test-python` installs them into
the project venv .venv and runs pytest from .build-python). Set LRSCHED_TEST_ALLOW_SOURCE=1 to run them
against a source tree on PYTHONPATH instead (after `setup.py build_ext --inplace`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import pathlib
import threading

import pytest

import lrsched
import lrsched_ctypes

TESTS_DIR = pathlib.Path(__file__).resolve().parent
REPO = TESTS_DIR.parents[2]
VECTORS_DIR = REPO / "Tests" / "Vectors" / "pytorch-2.15"
SOURCE_DIR = TESTS_DIR.parent / "src"

BACKENDS = {"ext": lrsched, "ctypes": lrsched_ctypes}


def pytest_report_header(config):
    return [
        f"lrsched {lrsched.__version__} from {pathlib.Path(lrsched.__file__).parent}",
        f"lrsched_ctypes library {lrsched_ctypes._capi.library_path}",
    ]


def pytest_sessionstart(session):
    here = pathlib.Path(lrsched.__file__).resolve()
    if SOURCE_DIR in here.parents and not os.environ.get("LRSCHED_TEST_ALLOW_SOURCE"):
        raise pytest.UsageError(
            f"lrsched is imported from the source tree ({here}); run the tests against the installed "
            "package (make test-python), or set LRSCHED_TEST_ALLOW_SOURCE=1"
        )


@pytest.fixture(params=sorted(BACKENDS), ids=lambda b: b)
def api(request):
    """Each test using it runs once per front end: lrsched (ext) and lrsched_ctypes."""
    return BACKENDS[request.param]


@functools.lru_cache(maxsize=None)
def load_vectors(name: str):
    with open(VECTORS_DIR / name, encoding="utf-8") as f:
        return json.load(f)


def schedule_cases():
    return load_vectors("schedules.json")["cases"]


def error_cases():
    return load_vectors("errors.json")["cases"]


def bits(x) -> str:
    """Bit-exact identity of a double (-0.0 differs from 0.0; NaN equals NaN)."""
    return float.hex(float(x))


def assert_bits_equal(got, expected, what=""):
    got = [float(v) for v in got]
    expected = [float(v) for v in expected]
    assert [bits(v) for v in got] == [bits(v) for v in expected], f"{what}: got {got}, expected {expected}"


def lrs_of(opt):
    return [g["lr"] for g in opt.param_groups]


def momenta_of(opt):
    return [g["momentum"] for g in opt.param_groups]


def make_sgd(api, n_groups=1, lr=0.1, momentum=0.0, **kw):
    """An SGD with n scheduling-only groups (lr, lr/2, lr/4, ...)."""
    groups = [{"lr": lr / (2**i)} for i in range(n_groups)]
    return api.SGD(groups, lr=lr, momentum=momentum, **kw)


def isclose_bits(a, b):
    return bits(a) == bits(b) or (math.isnan(a) and math.isnan(b))


@contextlib.contextmanager
def blocked_in_thread(target, entered, release):
    """Runs target() in another thread, which sets ``entered`` from a callback and then
    waits for ``release``; the body runs while that thread is held there. The thread is
    released and joined after, and must have raised nothing."""
    errors = []

    def worker():
        try:
            target()
        except BaseException as e:  # noqa: BLE001 - re-checked below
            errors.append(e)

    t = threading.Thread(target=worker)
    t.start()
    try:
        assert entered.wait(10)
        yield
    finally:
        release.set()
        t.join()
    assert not errors
