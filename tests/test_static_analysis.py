"""bandit finds nothing of medium severity or above in the application code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_bandit_reports_nothing_of_medium_severity_or_above():
    bandit = shutil.which("bandit") or str(Path(sys.executable).parent / "bandit")
    if not Path(bandit).exists():
        pytest.skip("bandit is not installed (pip install -e '.[dev]')")
    result = subprocess.run(  # noqa: S603  (a fixed command line, our own code as input)
        [bandit, "-q", "-r", str(ROOT / "gembawalk"), "--severity-level", "medium"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
