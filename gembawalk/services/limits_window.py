"""Allowances counted from rows already stored: "5 per minute; 20 per hour" against the rows
of one table, each window counted in one query. Password guesses (the audit log's failures)
and a wall's answers (per network) are both counted this way."""

from __future__ import annotations

from datetime import datetime, timedelta

import limits
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from ..extensions import db


def windows(setting: str) -> list[tuple[int, int]]:
    """'5 per minute; 20 per hour' as [(5, 60), (20, 3600)]."""
    return [(item.amount, item.get_expiry()) for item in limits.parse_many(setting)]


def spent_window(
    setting: str,
    at: InstrumentedAttribute[datetime],
    where: ColumnElement[bool],
    now: datetime,
) -> tuple[int, int] | None:
    """The first window of `setting` (amount, seconds) whose allowance the rows matching
    `where`, timed by `at`, have used up by `now`; None while every window has room."""
    allowed = windows(setting)
    if not allowed:
        return None
    longest = max(seconds for _, seconds in allowed)
    counts = db.session.execute(
        select(
            *(func.count().filter(at >= now - timedelta(seconds=seconds)) for _, seconds in allowed)
        ).where(where, at >= now - timedelta(seconds=longest))
    ).one()
    for (amount, seconds), count in zip(allowed, counts, strict=True):
        if count >= amount:
            return amount, seconds
    return None
