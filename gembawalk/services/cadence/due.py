"""What is still due against a manager's cadence this week (or month), for Today."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from ...extensions import db
from ...models import CadencePeriod, Person, Walk, WalkKind, WalkStatus
from ...timeutil import day_start_utc, local_today, utcnow
from ..engagement.definitions import customer_engagement, measured_span
from ..people.accounts import zone_for
from . import targets as cadence


@dataclass(frozen=True)
class Due:
    """One line of the reminder: a kind of walk, how many are asked (prorated to the days of
    the period the manager is measured on, as the figures' targets are), done, and planned."""

    kind: WalkKind
    target: float
    done: int
    planned: int  # still planned for the rest of the period

    @property
    def left(self) -> int:
        """Whole walks still to do to reach the (perhaps prorated) target."""
        return max(0, math.ceil(round(self.target - self.done, 9)))


@dataclass(frozen=True)
class CadenceDue:
    period: CadencePeriod
    first: date
    last: date
    lines: list[Due]
    source: str  # "person", "unit" or "default"
    measured: bool = True  # False: the manager had not joined yet, or had left, all period

    @property
    def word(self) -> str:
        return "week" if self.period == CadencePeriod.WEEK else "month"

    @property
    def met(self) -> bool:
        return all(line.left == 0 for line in self.lines)


def _period(period: CadencePeriod, today: date) -> tuple[date, date]:
    if period == CadencePeriod.WEEK:
        monday = today - timedelta(days=today.weekday())  # weeks run from Monday
        return monday, monday + timedelta(days=6)
    length = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=length)


def due_now(actor: Person, now: datetime | None = None) -> CadenceDue:
    """This period's targets against what the manager has done and still has planned.

    Customer visits count as done when they were customer engagements (so a visit where
    nobody was met leaves one to do); gemba walks count when done. Done walks count in the
    period they were completed in, the manager's own zone deciding the days. As in the
    figures, only the days from joining (people.started_on) to leaving (left_on) count, and
    the targets are prorated to them (definitions.measured_span, Target.expected_*)."""
    now = now or utcnow()
    zone = zone_for(actor)
    target = cadence.target_for(actor)
    first, last = _period(target.period, local_today(zone, now))
    span = measured_span(first, last, actor.started_on, actor.left_on)
    if span is None:
        lines = [Due(WalkKind.CUSTOMER_VISIT, 0, 0, 0), Due(WalkKind.GEMBA_WALK, 0, 0, 0)]
        return CadenceDue(target.period, first, last, lines, target.source, measured=False)
    start, end = day_start_utc(span[0], zone), day_start_utc(span[1] + timedelta(days=1), zone)
    done = and_(Walk.status == WalkStatus.DONE, Walk.completed_at >= start, Walk.completed_at < end)
    # Planned from the start of today (a walk earlier today is not missed until tomorrow),
    # or under way now.
    today_start = day_start_utc(local_today(zone, now), zone)
    ahead = or_(
        and_(
            Walk.status == WalkStatus.PLANNED,
            Walk.planned_start >= max(today_start, start),
            Walk.planned_start < end,
        ),
        Walk.status == WalkStatus.IN_PROGRESS,
    )

    def counted(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    visit, gemba = Walk.kind == WalkKind.CUSTOMER_VISIT, Walk.kind == WalkKind.GEMBA_WALK
    row = db.session.execute(
        select(
            counted(and_(done, customer_engagement())),
            counted(and_(done, gemba)),
            counted(and_(ahead, visit)),
            counted(and_(ahead, gemba)),
        ).where(Walk.manager_id == actor.id)
    ).one()
    engaged, walked, visits_planned, walks_planned = (int(n) for n in row)
    return CadenceDue(
        period=target.period,
        first=first,
        last=last,
        source=target.source,
        lines=[
            Due(WalkKind.CUSTOMER_VISIT, target.expected_visits(*span), engaged, visits_planned),
            Due(WalkKind.GEMBA_WALK, target.expected_gemba_walks(*span), walked, walks_planned),
        ],
    )
