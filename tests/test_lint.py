"""The code base passes pyflakes' rules (ruff --select F): no unused or undefined names, no shadowed imports."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_no_unused_or_undefined_name() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F", "--quiet", "--no-cache", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
