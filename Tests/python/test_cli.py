"""lrsched-cli as a user runs it: demo, verify, show, plot (the binary, not the library).

LRSCHED_CLI names the binary (default: .build/release/lrsched-cli of this checkout).
"""
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("LRSCHED_CLI", str(ROOT / ".build" / "release" / "lrsched-cli"))
VECTORS = ROOT / "Tests" / "Vectors" / "pytorch-2.15"
SVG = "{http://www.w3.org/2000/svg}"


def cli(*args, input=None, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, input=input)
    if check and p.returncode != 0:
        raise AssertionError(f"lrsched-cli {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def seed_lines(name):
    cases = json.loads((VECTORS / "schedules.json").read_text())["cases"]
    lrs = next(c for c in cases if c["name"] == name)["lrs"]
    return [f"{lrs[k][0]:.4f}" for k in range(1, 11)]


ARTICLE = {
    "seed/ExponentialLR": ["ExponentialLR", "gamma=0.9"],
    "seed/StepLR": ["StepLR", "step_size=4", "gamma=0.9"],
    "seed/LinearLR": ["LinearLR", "start_factor=0.5", "total_iters=4"],
}


@pytest.mark.parametrize("name", sorted(ARTICLE))
def test_show_digits_prints_the_articles_values(name):
    out = cli("show", "--digits", "4", "--lr", "0.1", "--steps", "10", *ARTICLE[name]).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["step", "lr"]
    rows = [line.split() for line in lines[1:]]
    assert [r[0] for r in rows] == [str(k) for k in range(11)]
    assert rows[0][1] == "0.1000" or name == "seed/LinearLR"
    assert [r[1] for r in rows[1:]] == seed_lines(name)


def test_demo_prints_the_articles_thirty_lines():
    out = cli("demo").stdout.splitlines()
    got = [line for line in out if line.startswith("epoch ")]
    want = []
    for name in ["seed/ExponentialLR", "seed/StepLR", "seed/LinearLR"]:
        want += [f"epoch {k}  lr {v}" for k, v in enumerate(seed_lines(name), start=1)]
    assert got == want
    assert out[0] == "ExponentialLR(gamma=0.9)"
    assert sum(line.startswith("learned weight [") for line in out) == 3


def test_show_json_passes_verify(tmp_path):
    specs = [
        ["StepLR", "step_size=3", "gamma=0.5"],
        ["--momentum", "0.9", "OneCycleLR", "max_lr=0.1", "total_steps=30"],
        ['{"type": "SequentialLR", "schedulers": [{"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},'
         ' {"type": "CosineAnnealingLR", "T_max": 30}], "milestones": [5]}'],
    ]
    for i, spec in enumerate(specs):
        out = cli("show", "--json", "--steps", "30", *spec).stdout
        doc = json.loads(out)
        assert set(doc) == {"meta", "cases"} and len(doc["cases"]) == 1
        case = doc["cases"][0]
        assert len(case["lrs"]) == 31
        f = tmp_path / f"v{i}.json"
        f.write_text(out)
        v = cli("verify", str(f))
        assert v.stdout.splitlines()[-1] == "1 passed, 0 failed"
    # A tampered value is caught.
    case["lrs"][7][0] += 1e-12
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    v = cli("verify", str(f), check=False)
    assert v.returncode == 1
    assert v.stdout.splitlines()[-1] == "0 passed, 1 failed"
    assert v.stdout.startswith("FAIL ")


def test_show_plateau_metrics_from_stdin_and_csv():
    out = cli("show", "--csv", "--steps", "4", "--metrics", "-", "ReduceLROnPlateau", "patience=0",
              input="1 2 3 4").stdout
    assert out.splitlines() == ["step,lr", "0,0.1", "1,0.1", "2,0.010000000000000002",
                                "3,0.0010000000000000002", "4,0.00010000000000000003"]


def test_show_momentum_columns_when_cycled():
    out = cli("show", "--steps", "3", "--momentum", "0.9", "CyclicLR", "base_lr=0.01", "max_lr=0.1",
              "step_size_up=3").stdout.splitlines()
    assert out[0].split() == ["step", "lr", "momentum"]
    assert out[1].split() == ["0", "0.01", "0.9"]
    assert out[2].split() == ["1", "0.040000000000000015", "0.8666666666666667"]


def test_errors_name_the_bad_key_and_value():
    p = cli("show", "StepLR", "step_size=2.5", check=False)
    assert p.returncode != 0
    assert "step_size" in p.stderr and "2.5" in p.stderr
    p = cli("show", "OneCycleLR", "max_lr=0.1", "total_steps=10.0", check=False)
    assert "ValueError: Expected positive integer total_steps, but got 10.0" in p.stderr
    p = cli("show", "StepLR", "step_size=2", "gama=0.5", check=False)
    assert "unexpected keyword argument 'gama'" in p.stderr
    p = cli("show", "NoSuchLR", check=False)
    assert "TypeError: unknown scheduler type 'NoSuchLR'" in p.stderr
    p = cli("show", '{"schedulers": [{"type": "StepLR", "step_size": 2}], "stpes": 3}', check=False)
    assert "unknown key 'stpes'" in p.stderr


def test_short_form_lists_stay_together():
    one = cli("show", "--steps", "3", "MultiStepLR milestones=[1, 2] gamma=0.5").stdout
    words = cli("show", "--steps", "3", "MultiStepLR", "milestones=[1,2]", "gamma=0.5").stdout
    assert one == words
    assert [line.split()[1] for line in one.splitlines()[1:]] == ["0.1", "0.05", "0.025", "0.025"]


@pytest.mark.parametrize("sub", ["demo", "verify", "show", "plot"])
def test_every_subcommand_has_help_with_an_example(sub):
    out = cli(sub, "--help").stdout
    assert "Example" in out and f"lrsched-cli {sub}" in out


def plot(tmp_path, *args):
    f = tmp_path / "chart.svg"
    cli("plot", *args, "-o", str(f))
    return ET.parse(f).getroot()


def test_plot_svg_one_path_per_series_and_axis_labels(tmp_path):
    root = plot(tmp_path, "--steps", "50", "StepLR step_size=10",
                '{"optimizer": {"lr": 0.1, "groups": [{"lr": 0.1}, {"lr": 0.01}]},'
                ' "schedulers": [{"type": "CosineAnnealingLR", "T_max": 50}]}')
    assert root.tag == SVG + "svg"
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == 3  # StepLR + two groups of CosineAnnealingLR
    assert all("lr" in p.get("class").split() for p in paths)
    labels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "axis-label"]
    assert labels == ["learning rate", "step"]
    legend = [t.text for t in root.find(f".//{SVG}g[@class='legend']").iter(SVG + "text")]
    assert legend == ["StepLR", "CosineAnnealingLR [group 0]", "CosineAnnealingLR [group 1]"]
    assert any(t.get("class") == "tick x" for t in root.iter(SVG + "text"))


def test_plot_momentum_panel_and_log_axis(tmp_path):
    root = plot(tmp_path, "--log", "--steps", "40", "--momentum", "0.9",
                "OneCycleLR max_lr=0.1 total_steps=40", "ExponentialLR gamma=0.9")
    classes = [p.get("class") for p in root.findall(f".//{SVG}path")]
    assert classes.count("series lr") == 2 and classes.count("series momentum") == 1
    labels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "axis-label"]
    assert labels == ["learning rate (log)", "momentum", "step"]
    ticks = [t.text for t in root.iter(SVG + "text") if t.get("class") == "tick y"]
    assert "1e-2" in ticks


def test_verify_runs_all_three_vector_kinds():
    out = cli("verify", *(str(VECTORS / f) for f in ["schedules.json", "errors.json", "training.json"])).stdout
    assert out.splitlines()[-1] == "110 passed, 0 failed"


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["show", "--metrics", "-", "ReduceLROnPlateau"], "1\n2\nbad\n", "Error: ValueError: not a number in metrics: 'bad'"),
        (["show", "--metrics", "-", "ReduceLROnPlateau"], "1 0x1p3\n", "Error: ValueError: not a number in metrics: '0x1p3'"),
        (["show", "--lr", "-1", "StepLR", "step_size=2"], None, "Error: ValueError: Invalid learning rate: -1.0"),
        (["show", "--momentum", "-0.5", "StepLR", "step_size=2"], None, "Error: ValueError: Invalid momentum value: -0.5"),
        (["show", "--steps", "-1", "StepLR", "step_size=2"], None, "Error: ValueError: 'steps' must be an int between 0 and 10000000"),
    ],
)
def test_bad_values_are_library_errors(args, stdin, message):
    """Bad values (not bad usage) print `Error: Kind: message` and exit 1; a negative
    number is a value, never "Missing value"."""
    p = cli(*args, input=stdin, check=False)
    assert (p.returncode, p.stderr.strip()) == (1, message)


def test_digits_minus_one_is_a_range_error():
    p = cli("show", "--digits", "-1", "StepLR", "step_size=2", check=False)
    assert p.returncode == 64 and p.stderr.startswith("Error: --digits must be between 0 and 17")


def test_spec_files_must_hold_utf8_text(tmp_path):
    empty, binary = tmp_path / "empty.json", tmp_path / "binary.json"
    empty.write_text("  \n")
    binary.write_bytes(b"\xff\xfeStepLR step_size=2")
    p = cli("show", f"@{empty}", check=False)
    assert (p.returncode, p.stderr.strip()) == (1, f"Error: ValueError: {empty} is empty: expected a SPEC (JSON or `Type key=value ...`)")
    for args in ([f"@{binary}"], ["--metrics", str(binary), "ReduceLROnPlateau"]):
        p = cli("show", *args, check=False)
        assert (p.returncode, p.stderr.strip()) == (1, f"Error: ValueError: {binary} is not UTF-8 text")


def test_plot_log_says_what_it_leaves_out(tmp_path):
    out = tmp_path / "c.svg"
    p = cli("plot", "--log", "--steps", "20", "CosineAnnealingLR T_max=10", "-o", str(out))
    assert p.stderr.strip() == "warning: --log leaves out 1 of 21 lrs that are not positive (a log axis cannot show them)"
    assert "<svg" in out.read_text()
    p = cli("plot", "--log", "--steps", "9", "CosineAnnealingLR T_max=10", "-o", str(out))
    assert p.stderr == ""


def test_plot_takes_the_short_form_unquoted_as_show(tmp_path):
    # Unquoted, a bare TYPE starts the next SPEC (it used to be a SPEC of its own, and
    # then "missing ... 'step_size'"); the same chart as each SPEC quoted.
    unquoted = (tmp_path / "unquoted.svg")
    quoted = (tmp_path / "quoted.svg")
    cli("plot", "--steps", "30", "StepLR", "step_size=10", "gamma=0.5", "CosineAnnealingLR", "T_max=30",
        '{"type": "ExponentialLR", "gamma": 0.9}', "-o", str(unquoted))
    cli("plot", "--steps", "30", "StepLR step_size=10 gamma=0.5", "CosineAnnealingLR T_max=30",
        '{"type": "ExponentialLR", "gamma": 0.9}', "-o", str(quoted))
    assert unquoted.read_text() == quoted.read_text()
    root = ET.parse(unquoted).getroot()
    legend = [t.text for t in root.find(f".//{SVG}g[@class='legend']").iter(SVG + "text")]
    assert legend == ["StepLR", "CosineAnnealingLR", "ExponentialLR"]
    p = cli("plot", "step_size=10", "StepLR", "-o", str(tmp_path / "x.svg"), check=False)
    assert p.returncode == 1
    assert "ValueError: 'step_size=10' follows no scheduler type" in p.stderr


HELP_SUBCOMMANDS = ["", "demo", "verify", "show", "plot", "describe"]


@pytest.mark.parametrize("sub", HELP_SUBCOMMANDS)
def test_help_examples_fit_80_columns(sub):
    # Each example is whole on its lines at 80 columns: a command line, or the
    # continuation of one that ends in a backslash; nothing wrapped mid-argument.
    p = subprocess.run([CLI, *([sub] if sub else []), "--help"], capture_output=True, text=True,
                       env={**os.environ, "COLUMNS": "80"})
    lines = p.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Example")), None)
    if start is None:
        return
    block = lines[start + 1:lines.index("", start)]
    assert block
    for prev, line in zip([""] + block, block):
        assert len(line) <= 80, line
        assert line.startswith("  lrsched-cli ") or (prev.endswith(" \\") and line.startswith("      ")), line


def test_show_json_meta_names_lrsched_not_torch():
    header = (ROOT / "include" / "lrsched.h").read_text()
    version = ".".join(next(line.split()[2] for line in header.splitlines()
                            if line.startswith(f"#define LRSCHED_VERSION_{p} ")) for p in ("MAJOR", "MINOR", "PATCH"))
    meta = json.loads(cli("show", "--json", "--steps", "2", "StepLR", "step_size=1").stdout)["meta"]
    # Values lrsched computed: no torch version claimed for them.
    assert meta == {"generator": "lrsched-cli show", "lrsched_version": version}


def test_momentum_option_only_sets_the_optimizer():
    spec = ["--steps", "6", "OneCycleLR", "max_lr=0.1", "total_steps=6"]
    plain = cli("show", *spec).stdout
    assert cli("show", "--momentum", "0.5", *spec).stdout == plain  # OneCycleLR cycles its own
    moms = [line.split()[2] for line in plain.splitlines()[1:]]
    assert moms[:2] == ["0.95", "0.8505584586887436"]  # from max_momentum 0.95 towards base_momentum 0.85
    case = json.loads(cli("show", "--json", "--momentum", "0.5", *spec).stdout)["cases"][0]
    assert case["optimizer"] == {"lr": 0.1, "momentum": 0.5}
