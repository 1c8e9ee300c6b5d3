"""The generated files are up to date: tools/regen.py --check with the CLI under test.

LRSCHED_CLI names the binary (default: .build/release/lrsched-cli of this checkout);
`make regen-check` runs the same check with the debug build.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("LRSCHED_CLI", str(ROOT / ".build" / "release" / "lrsched-cli"))


def test_generated_files_are_up_to_date():
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "regen.py"), "--cli", CLI, "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 0, f"stale generated files (run `make regen`):\n{p.stdout}{p.stderr}"
