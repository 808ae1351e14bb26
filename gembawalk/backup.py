"""A consistent copy of a live SQLite database (what `flask backup` runs), taken with SQLite's
online backup API while the app keeps serving (PostgreSQL: use pg_dump, see README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import make_url

# All pages in one step, inside one read transaction: in WAL mode (which the app always uses)
# readers never block writers, so the app keeps writing while the copy is a single consistent
# snapshot. Copying in small steps instead would restart whenever someone writes, and under
# steady writes might never finish.
PAGES_PER_STEP = -1


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise click.ClickException(
            "flask backup copies SQLite databases. For PostgreSQL use pg_dump (see README)."
        )
    return Path(parsed.database)


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy `source` to `target` as one snapshot while others may write. Returns the number
    of pages copied."""
    if not source.exists():
        raise click.ClickException(f"No database at {source}.")
    if target.exists():
        raise click.ClickException(f"{target} exists already: choose a new name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as live:
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy, pages=PAGES_PER_STEP)
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"The copy failed its integrity check: {check}")
    partial.rename(target)  # a file at `target` is always a complete copy
    return pages
