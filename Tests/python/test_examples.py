"""The Swift example prints the article's thirty lr lines."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ARTICLE = """ExponentialLR(gamma=0.9)
epoch 1  lr 0.0900
epoch 2  lr 0.0810
epoch 3  lr 0.0729
epoch 4  lr 0.0656
epoch 5  lr 0.0590
epoch 6  lr 0.0531
epoch 7  lr 0.0478
epoch 8  lr 0.0430
epoch 9  lr 0.0387
epoch 10  lr 0.0349
StepLR(step_size=4, gamma=0.9)
epoch 1  lr 0.1000
epoch 2  lr 0.1000
epoch 3  lr 0.1000
epoch 4  lr 0.0900
epoch 5  lr 0.0900
epoch 6  lr 0.0900
epoch 7  lr 0.0900
epoch 8  lr 0.0810
epoch 9  lr 0.0810
epoch 10  lr 0.0810
LinearLR(start_factor=0.5, total_iters=4)
epoch 1  lr 0.0625
epoch 2  lr 0.0750
epoch 3  lr 0.0875
epoch 4  lr 0.1000
epoch 5  lr 0.1000
epoch 6  lr 0.1000
epoch 7  lr 0.1000
epoch 8  lr 0.1000
epoch 9  lr 0.1000
epoch 10  lr 0.1000
"""


def test_swift_example_prints_the_article():
    exe = os.environ.get("LRSCHED_SWIFT_EXAMPLE", str(ROOT / ".build" / "release" / "article-lrs"))
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    assert out == ARTICLE
