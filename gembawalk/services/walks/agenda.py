"""What a manager sees of their walks: Today, and My walks by status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Person, Walk, WalkStatus
from ...timeutil import day_range_utc, local_today
from ..people.accounts import zone_for

# How many of the walks after today Today lists (on the server's page and the device's).
COMING_UP_SHOWN = 3


@dataclass
class Day:
    """Today as the manager sees it: the local date, its start as UTC, and the zone."""

    today: date
    day_start: datetime
    zone: str


def day_of(actor: Person, now: datetime | None = None) -> Day:
    zone = zone_for(actor)
    today = local_today(zone, now)
    return Day(today=today, day_start=day_range_utc(today, zone)[0], zone=zone)


@dataclass
class TodayView:
    today: date
    day_start: datetime  # the start of today in the manager's zone, as UTC
    in_progress: list[Walk]
    planned_today: list[Walk]
    coming_up: list[Walk]
    done_today: list[Walk]


@dataclass
class MyWalks:
    today: date
    day_start: datetime
    show: str
    walks: list[Walk]
    counts: dict[str, int]
    limit: int

    @property
    def has_more(self) -> bool:
        return self.counts[self.show] > len(self.walks)


def _own_walks(actor: Person):
    return (
        select(Walk)
        .where(Walk.manager_id == actor.id)
        .options(selectinload(Walk.customers), selectinload(Walk.observations))
    )


def missed_clause(day_start: datetime):
    """Planned, and its day passed before `day_start` (the start of today, as UTC): the SQL
    side of Walk.is_missed, so lists and badges agree."""
    return and_(Walk.status == WalkStatus.PLANNED, Walk.planned_start < day_start)


def today_view(actor: Person, now: datetime | None = None) -> TodayView:
    zone = zone_for(actor)
    today = local_today(zone, now)
    start, end = day_range_utc(today, zone)
    in_progress = db.session.scalars(
        _own_walks(actor).where(Walk.status == WalkStatus.IN_PROGRESS).order_by(Walk.started_at)
    ).all()
    planned = db.session.scalars(
        _own_walks(actor)
        .where(Walk.status == WalkStatus.PLANNED, Walk.planned_start >= start)
        .order_by(Walk.planned_start)
        .limit(20)
    ).all()
    done_today = db.session.scalars(
        _own_walks(actor)
        .where(Walk.status == WalkStatus.DONE, Walk.completed_at >= start, Walk.completed_at < end)
        .order_by(Walk.completed_at)
    ).all()
    return TodayView(
        today=today,
        day_start=start,
        in_progress=list(in_progress),
        planned_today=[w for w in planned if w.planned_start < end],
        coming_up=[w for w in planned if w.planned_start >= end][:COMING_UP_SHOWN],
        done_today=list(done_today),
    )


MY_WALK_LISTS = ("upcoming", "done", "missed", "cancelled")


def my_walks(
    actor: Person, show: str = "upcoming", limit: int = 30, now: datetime | None = None
) -> MyWalks:
    """One list of the manager's walks (upcoming, done, missed or cancelled), newest or
    soonest first, with the size of every list for the tabs."""
    zone = zone_for(actor)
    today = local_today(zone, now)
    day_start = day_range_utc(today, zone)[0]
    show = show if show in MY_WALK_LISTS else "upcoming"
    missed = missed_clause(day_start)
    open_ = Walk.status.in_([WalkStatus.PLANNED, WalkStatus.IN_PROGRESS])
    which = case(
        (missed, "missed"),
        (open_, "upcoming"),
        (Walk.status == WalkStatus.DONE, "done"),
        else_="cancelled",
    )
    counts = dict.fromkeys(MY_WALK_LISTS, 0)
    counts.update(
        db.session.execute(
            select(which, func.count()).where(Walk.manager_id == actor.id).group_by(which)
        ).all()
    )
    lists = {
        "upcoming": (and_(open_, ~missed), Walk.planned_start.asc()),
        "done": (Walk.status == WalkStatus.DONE, Walk.completed_at.desc()),
        "missed": (missed, Walk.planned_start.desc()),
        "cancelled": (Walk.status == WalkStatus.CANCELLED, Walk.planned_start.desc()),
    }
    where, order = lists[show]
    limit = max(1, min(limit, 500))
    shown = db.session.scalars(_own_walks(actor).where(where).order_by(order).limit(limit)).all()
    return MyWalks(
        today=today,
        day_start=day_start,
        show=show,
        walks=list(shown),
        counts=counts,
        limit=limit,
    )
