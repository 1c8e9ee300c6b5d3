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
