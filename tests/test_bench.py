"""The benchmarks still run: a small organisation through bench/engagement.py end to end (its
bulk build, the day sums, every page it times), so a schema change cannot quietly break it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text

from gembawalk.extensions import db
from gembawalk.models import CustomerKind, Observation, Person, Walk, WalkStatus
from gembawalk.models.rollup import EngagementDay, EngagementMonth
from gembawalk.services.engagement import exports, leaderboard, rollup
from gembawalk.services.engagement.periods import choose_period, org_zone

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


def test_the_sql_build_gives_what_the_app_would_make_of_its_rows(app, monkeypatch):
    """bench/engagement.py on PostgreSQL makes its walks, observations and follow-ups in SQL
    (bench/_sql_build.py): the sums and the board built from them are what the app's own
    write path makes of the same rows, the keys and indexes are back, and the rows have the
    Python build's shape."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the SQL build is PostgreSQL's")
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import engagement as bench

    indexes = _indexes()
    now = datetime.now(UTC)
    counts = bench.build(db.engine, managers=5, weeks=6, now=now)
    assert _indexes() == indexes  # every index, unique and foreign key made again
    assert counts["walks"] > 5 * 8 * 2
    assert (
        3
        <= counts["observations"]
        / db.session.scalar(
            select(func.count()).select_from(Walk).where(Walk.status == WalkStatus.DONE)
        )
        <= 8
    )
    made = rollup.rebuild()
    assert made > 0
    director = db.session.get(Person, 1)
    periods = [choose_period(preset) for preset in ("4w", "quarter", "26w")]
    boards = [_board_cells(director, period) for period in periods]
    assert [row[5] for row in boards[1][1:]] != ["0"] * 5  # customer engagements happened
    # The same rows summed by the app's write path, manager by manager, day by day.
    days, months = _table(EngagementDay), _table(EngagementMonth)
    db.session.execute(delete(EngagementDay))
    db.session.execute(delete(EngagementMonth))
    touched = {(w.manager_id, w.planned_start) for w in db.session.scalars(select(Walk))}
    touched |= {(w.manager_id, w.completed_at) for w in db.session.scalars(select(Walk))
                if w.completed_at}  # fmt: skip
    touched |= set(db.session.execute(select(Observation.author_id, Observation.made_at)).all())
    rollup.refresh(db.session, touched, org_zone(), zone_known=True)
    db.session.commit()
    assert _table(EngagementDay) == days
    assert _table(EngagementMonth) == months
    assert [_board_cells(director, period) for period in periods] == boards
    # And counted straight from the walks, in Python: each manager's customer engagements.
    quarter = periods[1]
    engaged: dict[str, int] = {}
    for walk in db.session.scalars(select(Walk)):
        external = any(c.kind == CustomerKind.EXTERNAL for c in walk.customers)
        if (walk.status == WalkStatus.DONE and walk.customers_spoken_to and external
                and quarter.start <= walk.completed_at < quarter.end):  # fmt: skip
            engaged[walk.manager.email] = engaged.get(walk.manager.email, 0) + 1
    assert {row[2]: int(row[5]) for row in boards[1][1:] if row[5] != "0"} == engaged


def _indexes() -> set[tuple[str, str]]:
    found = db.session.execute(
        text(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' UNION ALL"
            " SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace"
        )
    ).all()
    db.session.commit()
    return {tuple(row) for row in found}


def _table(model) -> set[tuple]:
    return {tuple(row) for row in db.session.execute(select(model.__table__)).all()}


def _board_cells(director, period) -> list[list[str]]:
    board = leaderboard.leaderboard(director, 1, period)
    return [["" if v is None else str(v) for v in row] for row in exports.leaderboard_rows(board)]
