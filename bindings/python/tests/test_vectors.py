"""Every public vector through both front ends, bit for bit (training vectors: lrs bit for
bit, losses and parameters to the vectors' tolerances); the front ends agree with each
other step by step (group lrs, momenta, get_last_lr, last_epoch); the conformance
runner's command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import (
    BACKENDS,
    VECTORS_DIR,
    assert_bits_equal,
    bits,
    error_cases,
    load_vectors,
    lrs_of,
    momenta_of,
    schedule_cases,
)

from lrsched import conformance

SCHEDULES = schedule_cases()
ERRORS = error_cases()
TRAINING = load_vectors("training.json")


@pytest.mark.parametrize("case", SCHEDULES, ids=[c["name"] for c in SCHEDULES])
def test_schedule_vector(api, case):
    assert conformance.run_case(api, case) is None


@pytest.mark.parametrize("case", ERRORS, ids=[c["name"] for c in ERRORS])
def test_error_vector(api, case):
    assert conformance.run_case(api, case) is None


@pytest.mark.parametrize("case", TRAINING["cases"], ids=[c["name"] for c in TRAINING["cases"]])
def test_training_vector(api, case):
    assert conformance.run_case(api, case, TRAINING["meta"]) is None


def _run_recording(api, case):
    opt = conformance.build_optimizer(api, case["optimizer"])
    scheds = [api.from_spec(opt, s) for s in case["schedulers"]]
    rows = []

    def record():
        row = [bits(v) for v in lrs_of(opt)]
        if "momentum" in case:
            row += [bits(v) for v in momenta_of(opt)]
        last = scheds[-1]
        row += [bits(v) for v in last.get_last_lr()]
        row.append(type(last).__name__)
        if type(last).__name__ != "ChainedScheduler":
            row.append(last.last_epoch)
        rows.append(row)

    record()
    metrics = case.get("metrics")
    for k in range(1, case["steps"] + 1):
        for s in scheds:
            if type(s).__name__ == "ReduceLROnPlateau":
                s.step(metrics[k - 1])
            else:
                s.step()
        record()
    return rows


@pytest.mark.parametrize("case", SCHEDULES, ids=[c["name"] for c in SCHEDULES])
def test_backends_agree(case):
    ext = _run_recording(BACKENDS["ext"], case)
    ct = _run_recording(BACKENDS["ctypes"], case)
    assert ext == ct
    # ... and with the vector (the last scheduler's get_last_lr is the group lr).
    for k, row in enumerate(ext):
        n = len(case["lrs"][k])
        assert row[:n] == [bits(v) for v in case["lrs"][k]]


def test_get_last_lr_is_the_group_lr_for_single_schedulers(api):
    for case in SCHEDULES:
        if len(case["schedulers"]) != 1 or case["schedulers"][0]["type"] == "ChainedScheduler":
            continue
        opt = conformance.build_optimizer(api, case["optimizer"])
        s = api.from_spec(opt, case["schedulers"][0])
        metrics = case.get("metrics")
        for k in range(1, min(case["steps"], 12) + 1):
            s.step(metrics[k - 1]) if metrics else s.step()
            assert_bits_equal(s.get_last_lr(), case["lrs"][k], case["name"])


def _cli(*args):
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "lrsched.conformance", *args], capture_output=True, text=True,
                          env=env, cwd=os.path.dirname(os.path.abspath(__file__)) + "/..")


def test_cli_both_backends():
    r = _cli(str(VECTORS_DIR / "schedules.json"), str(VECTORS_DIR / "errors.json"), "--backend", "both")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "208 passed, 0 failed"
    assert "FAIL" not in r.stdout


@pytest.mark.parametrize("backend", ["ext", "ctypes"])
def test_cli_single_backend(backend):
    r = _cli(str(VECTORS_DIR / "schedules.json"), str(VECTORS_DIR / "errors.json"), "--backend", backend)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "104 passed, 0 failed"


def test_cli_default_backend_is_ext():
    r = _cli(str(VECTORS_DIR / "errors.json"))
    assert r.returncode == 0
    assert r.stdout.splitlines()[-1] == f"{len(ERRORS)} passed, 0 failed"


def test_cli_training_file():
    r = _cli(str(VECTORS_DIR / "training.json"), "--backend", "both")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "12 passed, 0 failed"


def test_cli_all_files():
    files = [str(VECTORS_DIR / f) for f in ("schedules.json", "errors.json", "training.json")]
    r = _cli(*files, "--backend", "both")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "220 passed, 0 failed"
    assert "FAIL" not in r.stdout


def test_cli_training_without_numpy():
    # Without numpy the datasets are array('f') memoryviews, read in place all the same.
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from lrsched import conformance\n"
        f"sys.exit(conformance.main([{str(VECTORS_DIR / 'training.json')!r}, '--backend', 'both']))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "12 passed, 0 failed"


def test_cli_detects_a_tampered_training_vector(tmp_path):
    data = conformance.json.loads((VECTORS_DIR / "training.json").read_text())
    by_name = {c["name"]: c for c in data["cases"]}
    by_name["seed/StepLR"]["history"][4]["lr_after"] = 0.09000000000000002
    by_name["seed/LinearLR"]["history"][2]["loss"] *= 1.001
    by_name["mlp/onecycle-per-batch"]["final_parameters"][1]["values"][3] += 1e-4
    by_name["linreg/nesterov-wd-cosine"]["final_parameters"][0]["values"][0] += 5e-6  # within 1e-5
    p = tmp_path / "training.json"
    p.write_text(conformance.json.dumps(data))
    r = _cli(str(p))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[-1] == f"{len(data['cases']) - 3} passed, 3 failed"
    fails = sorted(line for line in lines if line.startswith("FAIL "))
    assert fails[0].startswith("FAIL mlp/onecycle-per-batch: final 0.bias[3]:") and "(1e-5 absolute)" in fails[0]
    assert fails[1].startswith("FAIL seed/LinearLR: epoch 3: loss") and "(1e-4 relative)" in fails[1]
    assert fails[2].startswith("FAIL seed/StepLR: epoch 5: lr_after 0.09000000000000001")


def test_cli_detects_a_tampered_vector(tmp_path):
    data = conformance.json.loads((VECTORS_DIR / "schedules.json").read_text())
    case = next(c for c in data["cases"] if c["name"] == "seed/ExponentialLR")
    case["schedulers"][0]["gamma"] = 0.91
    p = tmp_path / "tampered.json"
    p.write_text(conformance.json.dumps(data))
    r = _cli(str(p), "--backend", "both")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[-1] == f"{2 * len(SCHEDULES) - 2} passed, 2 failed"
    fails = [line for line in lines if line.startswith("FAIL ")]
    assert len(fails) == 2
    for line in fails:
        assert line.startswith("FAIL seed/ExponentialLR: ")
        assert "step 1 group 0: lr got 0.09100000000000001" in line
        assert "expected 0.09000000000000001" in line
    # Only the summary has the summary's form.
    import re

    assert sum(1 for line in lines if re.fullmatch(r"\d+ passed, \d+ failed", line)) == 1


def test_cli_detects_file_kind_from_content(tmp_path):
    # An errors file under a misleading name is still run as errors.
    p = tmp_path / "schedules-not-really.json"
    p.write_text((VECTORS_DIR / "errors.json").read_text())
    r = _cli(str(p))
    assert r.returncode == 0
    assert r.stdout.splitlines()[-1] == f"{len(ERRORS)} passed, 0 failed"
    assert conformance.file_kind(conformance.json.loads(p.read_text())) == "errors"
    assert conformance.file_kind(conformance.json.loads((VECTORS_DIR / "schedules.json").read_text())) == "schedules"
    assert conformance.file_kind(conformance.json.loads((VECTORS_DIR / "training.json").read_text())) == "training"


def test_cli_unreadable_file_fails(tmp_path):
    r = _cli(str(tmp_path / "missing.json"))
    assert r.returncode == 1
    assert r.stdout.splitlines()[-1] == "0 passed, 1 failed"


def test_error_case_checks_lrs_unchanged(api):
    # A step that fails must leave the lrs as they were (here: OneCycleLR past its end).
    case = next(c for c in ERRORS if c["name"] == "error/OneCycleLR/past-end")
    opt = conformance.build_optimizer(api, case["optimizer"])
    s = api.from_spec(opt, case["schedulers"][0])
    for _ in range(case["error_step"] - 1):
        s.step()
    before = (lrs_of(opt), momenta_of(opt), s.get_last_lr(), s.last_epoch)
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        s.step()
    assert (lrs_of(opt), momenta_of(opt), s.get_last_lr(), s.last_epoch) == before
