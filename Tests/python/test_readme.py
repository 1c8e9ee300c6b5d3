"""The README's examples are the files the tests run.

Every code block in README.md preceded by `<!-- file: PATH -->` must equal PATH's
content; the examples themselves are run (and their output checked) by the tests
of their language (test_examples.py, the C suite, the Python suite).
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
BLOCK = re.compile(r"<!-- file: (?P<path>[^ ]+) -->\n```[a-z]*\n(?P<code>.*?)```", re.S)


def test_readme_code_blocks_are_the_example_files():
    blocks = list(BLOCK.finditer(README))
    assert blocks, "the README includes its examples"
    for m in blocks:
        path = ROOT / m["path"]
        assert path.exists(), m["path"]
        assert m["code"] == path.read_text(), f"README block differs from {m['path']}"


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    assert first_block.splitlines()[:2] == [
        "make run     # the main job: the article's training, natively",
        "make test    # every test suite",
    ]


def shell_array(name):
    text = (ROOT / "tools" / "install-deps.sh").read_text()
    m = re.search(rf"^{name}=\((.*?)\)", text, re.S | re.M)
    return m.group(1).split()


def test_readme_lists_the_installers_debian_packages():
    m = re.search(r"`make deps-system`: .*?\(`(?P<pkgs>[^`]*)`\)", README, re.S)
    assert m is not None
    assert m["pkgs"].split() == shell_array("APT_PACKAGES")


def test_pyproject_extras_are_in_the_readme():
    pyproject = (ROOT / "bindings" / "python" / "pyproject.toml").read_text()
    extras = re.search(r"^\[project\.optional-dependencies\]\n(.*?)\n\n", pyproject, re.S | re.M).group(1)
    assert 'numpy = ["numpy"]' in extras and 'plot = ["matplotlib"]' in extras
    assert "`lrsched[numpy]`" in README and "`lrsched[plot]`" in README
