"""The benchmarks still run: a small organisation through bench/engagement.py end to end (its
bulk build, the day sums, every page it times), so a schema change cannot quietly break it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_engagement_benchmark_runs_on_a_small_organisation(tmp_path):
    environment = {**os.environ, "GEMBAWALK_INSTANCE": str(tmp_path)}
    environment.pop("BENCH_DATABASE_URL", None)
    finished = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "bench/engagement.py", "--only", "sqlite", "--managers", "40",
         "--weeks", "3", "--rounds", "2", "--scaling-managers", "0", "--keep", str(tmp_path)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    report = finished.stdout
    assert "SQLite, 40 managers, 3 weeks" in report
    assert "manager-days summed" in report
    assert "Leaderboard, whole organisation, this quarter" in report


def test_photo_processing_stays_within_its_memory_budget():
    """bench/photo_memory.py, two at once: the 6,300 x 6,300 PNG that cost 300 MB, a 40 MP
    JPEG and an accepted PNG each stay within 64 MB a photo, and a 32 MB stored photo is
    streamed, not read whole, to two readers at once (it exits 1 when one does not)."""
    finished = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "bench/photo_memory.py", "--at-once", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr[-3000:]
    assert "PNG 6,300 x 6,300, palette" in finished.stdout
    assert "serving a 32 MB stored photo" in finished.stdout


def test_the_import_benchmark_runs_on_a_small_organisation(tmp_path):
    """bench/import_people.py on 400 people: every step runs and the numbers it checks hold."""
    environment = {**os.environ, "GEMBAWALK_INSTANCE": str(tmp_path)}
    environment.pop("BENCH_DATABASE_URL", None)
    finished = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "bench/import_people.py", "--people", "400"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "first import, 400 new" in finished.stdout
    assert "Nothing to change" in finished.stderr
