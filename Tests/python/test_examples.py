"""The Swift example prints the article's thirty lr lines."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The article's 33 lines, shared with the C suite.
ARTICLE = (ROOT / "Tests" / "C" / "article_lrs.expected").read_text()


def test_swift_example_prints_the_article():
    exe = os.environ.get("LRSCHED_SWIFT_EXAMPLE", str(ROOT / ".build" / "release" / "article-lrs"))
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    assert out == ARTICLE
