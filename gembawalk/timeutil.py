"""One home for time: UTC storage, local wall times in IANA zones, and week/day boundaries."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; always reads back aware UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change."""


def to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone; refuses times a DST change skips."""
    tz = ZoneInfo(zone)
    local = datetime.combine(day, at).replace(tzinfo=tz)
    instant = local.astimezone(UTC)
    round_trip = instant.astimezone(tz)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{at:%H:%M} does not exist on {day:%-d %B %Y} in {zone}: the clocks go forward"
        )
    return instant


def local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def local_today(zone: str, now: datetime | None = None) -> date:
    return local(now or utcnow(), zone).date()


def day_start_utc(day: date, zone: str) -> datetime:
    """Midnight at the start of a local day, as a UTC instant (exists even on DST days)."""
    return datetime.combine(day, time()).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def day_range_utc(day: date, zone: str) -> tuple[datetime, datetime]:
    return day_start_utc(day, zone), day_start_utc(day + timedelta(days=1), zone)


def week_start(day: date) -> date:
    """The Monday that starts the week holding `day`: weeks run Monday to Sunday."""
    return day - timedelta(days=day.weekday())


def offset_changes(zone: str, start: datetime, end: datetime) -> tuple[tuple[datetime, int], ...]:
    """The zone's UTC offset (in seconds) from `start`, then at each change before `end`:
    [(start, offset), (change, new offset), ...]. Lets SQL without time-zone support (SQLite)
    turn UTC instants into local ones with a CASE of a few branches."""
    first = start.astimezone(UTC).date()
    last = end.astimezone(UTC).date() + timedelta(days=1)
    return _offset_changes(zone, first, last)


@functools.lru_cache(maxsize=256)
def _offset_changes(zone: str, first: date, last: date) -> tuple[tuple[datetime, int], ...]:
    tz = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        assert delta is not None  # an aware datetime always has an offset
        return int(delta.total_seconds())

    at = datetime.combine(first, time(), UTC)
    end = datetime.combine(last, time(), UTC)
    changes = [(at, offset(at))]
    step = timedelta(days=1)  # clocks change at most once a day
    while at < end:
        nxt = min(at + step, end)
        if offset(nxt) != changes[-1][1]:
            low, high = at, nxt  # the change lies in (low, high]: narrow it to the second
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                if offset(mid) == changes[-1][1]:
                    low = mid
                else:
                    high = mid
            changes.append((high.replace(microsecond=0), offset(nxt)))
        at = nxt
    return tuple(changes)  # cached: nobody may change it
