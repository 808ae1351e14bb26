"""A manager's own engagement, at the top of Today: their figures over the last 4 weeks and
their last 26 weeks, week by week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ...database import plain_rows
from ...models import Person
from ...models.rollup import EngagementDay as Day
from ...timeutil import week_start
from . import rollup
from .definitions import measured_day
from .figures import Figures, figures_for
from .periods import Period, as_date, choose_period, monday_of

CHART_WEEKS = 26  # of history on a manager's own chart


@dataclass
class WeekCount:
    monday: date
    customer_engagements: int = 0
    gemba_walks: int = 0


@dataclass
class MyEngagement:
    figures: Figures
    period: Period
    weeks: list[WeekCount] = field(default_factory=list)


def weekly_counts(manager_ids, mondays: list[date], zone: str) -> list[WeekCount]:
    """Customer engagements and done gemba walks per week, for a chart, in one query."""
    rows = {monday: WeekCount(monday) for monday in mondays}
    if not mondays or not manager_ids:
        return list(rows.values())
    rollup.ensure_current(zone)
    week = monday_of(Day.day)
    for monday, engagements, gemba in plain_rows(
        select(week, func.sum(Day.customer_engagements), func.sum(Day.gemba_walks))
        .join(Person, Person.id == Day.manager_id)
        .where(Day.manager_id.in_(manager_ids), measured_day(Day.day))
        .where(Day.day >= mondays[0], Day.day < mondays[-1] + timedelta(weeks=1))
        .group_by(week)
    ):
        monday = as_date(monday)
        if monday in rows:
            rows[monday].customer_engagements = engagements or 0
            rows[monday].gemba_walks = gemba or 0
    return list(rows.values())


def my_engagement(actor: Person, now: datetime | None = None) -> MyEngagement:
    """A manager's own figures over the last 4 weeks, and their last 26 weeks week by week."""
    period = choose_period("4w", now=now)
    this_monday = week_start(period.today)
    mondays = [this_monday - timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]
    return MyEngagement(
        figures=figures_for([actor], period)[actor.id],
        period=period,
        weeks=weekly_counts([actor.id], mondays, period.zone),
    )
