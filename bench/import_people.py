"""Importing 10,000 people from a CSV file: the first import, the same file again, and a file
with 1,000 rows changed, through the service the command and the admin page call.

Run by `make bench`. SQLite in a temporary folder always; PostgreSQL too when
BENCH_DATABASE_URL names a database it may wipe. Each step starts from a freshly migrated
database holding one admin; it reports wall-clock seconds and the SQL statements run, which
stay the same however many people the file holds (no query per row).
"""

from __future__ import annotations

import argparse
import sys
import time

from _page_timing import run

PEOPLE = 10_000
ZONES = ("", "Europe/London", "Europe/Amsterdam", "America/New_York")


def organisation(people: int, renamed: int = 0) -> bytes:
    """A council of 20 departments of 10 teams: 20 directors, 1 coach for every 20 people,
    managers for the rest, each manager with a coach; the first `renamed` managers renamed."""
    coaches = max(1, people // 20)
    rows = [
        "email;name;org_unit;roles;coach;leads;timezone",
        "admin@example.org;Ada Admin;;admin;;;",
    ]
    for d in range(20):
        rows.append(
            f"director{d}@example.org;Director {d};Eastmere Council / Department {d};"
            f'"director;manager";;Eastmere Council / Department {d};Europe/London'
        )
    for c in range(coaches):
        rows.append(f"coach{c}@example.org;Coach {c};Eastmere Council;coach;;;")
    for m in range(people - coaches - 21):
        name = f"Manager {m}" + (" (renamed)" if m < renamed else "")
        unit = f"Eastmere Council / Department {m % 20} / Team {m % 200}"
        rows.append(
            f"manager{m}@example.org;{name};{unit};manager;coach{m % coaches}@example.org;;"
            f"{ZONES[m % len(ZONES)]}"
        )
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode()  # as Excel saves it


def timed(step):
    from sqlalchemy import event

    from gembawalk.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    start = time.perf_counter()
    try:
        plan = step()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return time.perf_counter() - start, len(statements), plan


def measure(database_url: str, people: int = PEOPLE) -> dict[str, tuple[float, float]]:
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from gembawalk import create_app
    from gembawalk.extensions import db
    from gembawalk.models import Person
    from gembawalk.services.imports import people as imports
    from gembawalk.services.people import accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    renamed, left_out = min(1_000, people // 10), min(500, people // 20)
    first, changed = organisation(people), organisation(people, renamed=renamed)
    results: dict[str, tuple[float, float]] = {}
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        admin = accounts.bootstrap_admin(
            email="admin@example.org",
            display_name="Ada Admin",
            password="a bench password",  # noqa: S106  (a throwaway database)
        )
        steps = {
            f"preview of {people:,} new (--dry-run)": lambda: imports.import_people(
                admin, first, dry_run=True
            ),
            f"first import, {people:,} new": lambda: imports.import_people(admin, first),
            "the same file again (nothing to do)": lambda: imports.import_people(admin, first),
            f"{renamed:,} rows changed": lambda: imports.import_people(admin, changed),
            f"--deactivate-missing, {left_out:,} left out": lambda: imports.import_people(
                admin, _without_last(changed, left_out), deactivate_missing=True
            ),
        }
        for name, step in steps.items():
            seconds, statements, plan = timed(step)
            results[name] = (seconds, statements)
            print(f"  … {name}: {plan.summary()}", file=sys.stderr)
        active = db.session.scalar(select(func.count()).where(Person.active.is_(True)))
        assert active == people - left_out, active
        db.session.remove()
        db.engine.dispose()
    return results


def _without_last(content: bytes, count: int) -> bytes:
    lines = content.decode("utf-8-sig").split("\r\n")
    return "\r\n".join(lines[: -count - 1] + [""]).encode()


def report(label: str, results: dict[str, tuple[float, float]]) -> None:
    print(f"\n{label}: importing people (wall clock, one run each)")
    print(f"  {'step':<42} {'seconds':>8} {'SQL':>6}")
    for name, (seconds, statements) in results.items():
        print(f"  {name:<42} {seconds:>8.2f} {statements:>6.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    args = parser.parse_args()
    sys.exit(run(lambda url: measure(url, args.people), show=report))
