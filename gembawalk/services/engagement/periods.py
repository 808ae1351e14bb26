"""Periods the engagement figures cover, and local days and weeks computed inside SQL.

A period is a run of whole local days in the organisation's zone, both ends included. Its
bounds as UTC instants are what queries filter on; `LocalClock` buckets UTC timestamps into
local days and Monday weeks in SQL, on PostgreSQL with its own zone support and on SQLite
with the few UTC offsets the zone has over the span (SQLite knows nothing of zones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, case, cast, func, literal, type_coerce

from ...extensions import db
from ...timeutil import day_start_utc, local_today, offset_changes, utcnow, week_start
from .. import validation
from ..errors import Invalid

PRESETS = {
    "week": _l("This week"),
    "4w": _l("Last 4 weeks"),
    "quarter": _l("This quarter"),
    "26w": _l("Last 26 weeks"),
    "custom": _l("From – to"),
}
MAX_DAYS = 2 * 366  # a custom period's cost follows its length: keep it bounded


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str | None, field: str) -> date | None:
    """A YYYY-MM-DD day from a query string, or None when absent."""
    if not text:
        return None
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise Invalid({field: _("Give the day as YYYY-MM-DD.")}) from exc
    return validation.day(day, field)


def org_zone() -> str:
    return current_app.config["GEMBAWALK_TIMEZONE"]


@dataclass(frozen=True)
class Period:
    first: date  # local days, both included
    last: date
    zone: str
    today: date  # the organisation's today when the figures were asked for
    preset: str = "custom"

    @property
    def start(self) -> datetime:
        return day_start_utc(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The instant just after the period: midnight after its last day, as UTC."""
        return day_start_utc(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    @property
    def as_of(self) -> date:
        """The day "days since" and streaks are counted to: the period's end, or today."""
        return min(self.last, self.today)

    @property
    def today_start(self) -> datetime:
        return day_start_utc(self.today, self.zone)

    @property
    def is_future(self) -> bool:
        return self.first > self.today

    @property
    def mondays(self) -> list[date]:
        """The Monday of every week the period touches, oldest first."""
        monday, last = week_start(self.first), week_start(self.last)
        return [monday + timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]

    @property
    def label(self) -> str:
        if self.preset in ("week", "4w", "quarter", "26w"):
            return PRESETS[self.preset]
        return f"{_day(self.first)} – {_day(self.last)}"


def _day(value: date) -> str:
    return value.strftime("%-d %b %Y")


def _quarter(today: date) -> tuple[date, date]:
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    after = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def choose_period(
    preset: str | None = None,
    first: date | None = None,
    last: date | None = None,
    *,
    default: str = "4w",
    zone: str | None = None,
    now: datetime | None = None,
    names: tuple[str, str] = ("from", "to"),
) -> Period:
    """A preset, or from–to (either end alone runs from it to today, or for 4 weeks up to it)."""
    zone = zone or org_zone()
    today = local_today(zone, now or utcnow())
    if first is not None or last is not None:
        preset = "custom"
    preset = preset if preset in PRESETS else default
    if preset == "custom":
        if first is None and last is None:
            preset = default
        else:
            if last is None:
                assert first is not None  # one end at least was given
                last = max(first, today)
            first = first or last - timedelta(days=27)
    if preset == "week":
        first = week_start(today)
        last = first + timedelta(days=6)
    elif preset == "4w":
        first, last = today - timedelta(days=27), today
    elif preset == "quarter":
        first, last = _quarter(today)
    elif preset == "26w":
        first = week_start(today) - timedelta(weeks=25)
        last = week_start(today) + timedelta(days=6)
    assert first is not None  # every preset sets both ends, as does custom
    assert last is not None
    if last < first:
        raise Invalid({names[1]: _("The end of the period comes before its start.")})
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid({names[0]: _("Choose a period of at most %(most)d days.", most=MAX_DAYS)})
    return Period(first=first, last=last, zone=zone, today=today, preset=preset)


class LocalClock:
    """SQL expressions for the local day and the local Monday of a UTC timestamp column.

    `start`/`end` bound the instants that matter; on SQLite, instants outside them (by more
    than the margin) take the nearest known offset, which is right unless a DST change lies
    between."""

    MARGIN = timedelta(weeks=8)

    def __init__(self, zone: str, start: datetime, end: datetime):
        self.zone = zone
        self.postgres = _on_postgres()
        if not self.postgres:
            self.changes = offset_changes(zone, start - self.MARGIN, end + self.MARGIN)

    def shape(self) -> tuple:
        """What the SQL these expressions make depends on (not the instants they bound)."""
        if self.postgres:
            return (self.zone,)
        return (self.changes[0][1], *self.changes[1:])

    def _modifier(self, column):
        """SQLite's date() modifier that moves a UTC instant to local time."""

        def text(seconds: int) -> str:
            return f"{seconds:+d} seconds"

        if len(self.changes) == 1:
            return literal(text(self.changes[0][1]))
        branches = [
            (column < at, literal(text(previous[1])))
            for previous, (at, _) in zip(self.changes, self.changes[1:], strict=False)
        ]
        return case(*branches, else_=literal(text(self.changes[-1][1])))

    def day(self, column):
        if self.postgres:
            return cast(func.timezone(self.zone, column), Date)
        return type_coerce(func.date(column, self._modifier(column)), Date)

    def monday(self, column):
        if self.postgres:
            return cast(func.date_trunc("week", func.timezone(self.zone, column)), Date)
        # 'weekday 0' moves on to the Sunday ending the week (or stays on it); -6 days: Monday.
        return type_coerce(func.date(column, self._modifier(column), "weekday 0", "-6 days"), Date)

    def weekday(self, column):
        """The local day of the week, 0 for Monday to 6 for Sunday."""
        if self.postgres:
            return cast(func.extract("isodow", func.timezone(self.zone, column)), Integer) - 1
        # %w counts from Sunday (0): shift it so the week starts on Monday, as everywhere here.
        return (cast(func.strftime("%w", column, self._modifier(column)), Integer) + 6) % 7

    def hour(self, column):
        """The local hour, 0 to 23."""
        if self.postgres:
            return cast(func.extract("hour", func.timezone(self.zone, column)), Integer)
        return cast(func.strftime("%H", column, self._modifier(column)), Integer)


def _on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def monday_of(day_column):
    """The Monday of a DATE column's week (local days need no zone)."""
    if _on_postgres():
        return cast(func.date_trunc("week", day_column), Date)
    return type_coerce(func.date(day_column, "weekday 0", "-6 days"), Date)


def month_of(day_column):
    """The first day of a DATE column's month."""
    if _on_postgres():
        return cast(func.date_trunc("month", day_column), Date)
    return type_coerce(func.date(day_column, "start of month"), Date)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def week_index(day_column, first: date):
    """Whole weeks from the Monday `first` to a DATE column's week (0, 1, ...), for days on
    or after `first`."""
    if _on_postgres():
        return type_coerce(day_column - literal(first, Date), Integer) // 7
    days = func.julianday(day_column) - func.julianday(first.isoformat())
    return cast(days / 7, Integer)


def as_date(value) -> date:
    """A DATE computed in SQL, as read back: SQLite's comes as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)
