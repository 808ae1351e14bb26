"""Engagement figures, each defined once here, exactly as PRODUCT.md words them.

Every figure is computed for a set of managers over a period with a fixed number of queries:
aggregates grouped per manager in SQL, bounded by the period and the managers asked about,
never by loading history. Times are read in the organisation's zone; weeks start on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, literal_column, select
from sqlalchemy.orm import lazyload

from ..extensions import db
from ..models import (
    Category,
    Customer,
    CustomerKind,
    FollowUp,
    FollowUpStatus,
    Observation,
    Person,
    PersonRole,
    Role,
    Walk,
    WalkKind,
    WalkStatus,
    walk_customers,
)
from ..timeutil import day_start_utc, local, week_start
from . import cadence
from .agenda import missed_clause
from .periods import LocalClock, Period, choose_period

CHART_WEEKS = 26  # of history on a manager's own chart
RECENT_WEEKS = 14  # a streak is read this far back first, then to the cap if it goes on
STREAK_CAP_WEEKS = 52  # a streak of a year or more shows as "52+": its cost stays bounded
# Written into the SQL rather than bound, so both databases match the partial index
# ix_walks_customer_contact (whose WHERE says the same) whatever the plan.
ONE = literal_column("1")


# -- The definitions ---------------------------------------------------------------------


def with_external_customer():
    """At least one external customer is on the walk: only they count (seed 004)."""
    return exists().where(
        walk_customers.c.walk_id == Walk.id,
        walk_customers.c.customer_id == Customer.id,
        Customer.kind == CustomerKind.EXTERNAL,
    )


def spoke_with_customers():
    return and_(Walk.status == WalkStatus.DONE, Walk.customers_spoken_to >= ONE)


def customer_engagement():
    """A done walk on which the manager spoke with customers, at least one of them external.
    A walk is one row however often it was edited or sent, so it counts once."""
    return and_(spoke_with_customers(), with_external_customer())


def done_within(start: datetime, end: datetime):
    """Done walks count in the period (or week) they were completed in."""
    return and_(Walk.status == WalkStatus.DONE, Walk.completed_at >= start, Walk.completed_at < end)


def share(part: int, whole: int | float | None) -> float | None:
    """part ÷ whole, or None where there is nothing to divide by."""
    return part / whole if whole else None


# -- One manager's figures -----------------------------------------------------------------


@dataclass
class Figures:
    """One manager over one period."""

    manager: Person
    target: float = 0.0  # customer engagements the cadence asks for over the whole period
    customer_engagements: int = 0
    customer_contacts: int = 0
    gemba_walks: int = 0
    done: int = 0
    on_time: int = 0
    planned_done: int = 0
    planned_missed: int = 0
    planned_cancelled: int = 0
    observations: int = 0
    value_demand: int = 0
    failure_demand: int = 0
    follow_ups_open: int = 0
    follow_ups_overdue: int = 0
    last_engagement: date | None = None  # local day of the last one up to the period's end
    days_since_last: int | None = None
    streak_weeks: int = 0
    rank: int = 0

    @property
    def cadence_attainment(self) -> float | None:
        return share(self.customer_engagements, self.target)

    @property
    def plan_adherence(self) -> float | None:
        planned = self.planned_done + self.planned_missed + self.planned_cancelled
        return share(self.planned_done, planned)

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.done)

    @property
    def failure_demand_share(self) -> float | None:
        return share(self.failure_demand, self.value_demand + self.failure_demand)

    @property
    def streak_capped(self) -> bool:
        return self.streak_weeks >= STREAK_CAP_WEEKS

    @property
    def never(self) -> bool:
        return self.last_engagement is None

    @property
    def left(self) -> bool:
        return not self.manager.active

    @property
    def active_in_period(self) -> bool:
        return bool(
            self.done or self.planned_done + self.planned_missed + self.planned_cancelled
        ) or bool(self.observations)

    def rank_key(self) -> tuple:
        """Cadence attainment, then customer engagements, then fewest days since the last
        one; "never" at the bottom."""
        return (
            self.never,
            -(self.cadence_attainment or 0),
            -self.customer_engagements,
            self.days_since_last if self.days_since_last is not None else 0,
        )


def figures_for(managers: list[Person], period: Period, among=None) -> dict[int, Figures]:
    """Every figure for these managers over the period, in ten queries whatever the data.

    `among` is a query for the same people's ids (manager_ids_in): the database then reads the
    set itself instead of thousands of bound parameters."""
    ids = among if among is not None else [m.id for m in managers]
    targets = cadence.targets_for(managers)
    found = {
        m.id: Figures(manager=m, target=targets[m.id].expected_visits(period.first, period.last))
        for m in managers
    }
    if managers:
        for count in (
            _count_done,
            _count_engagements,
            _count_planned,
            _find_last_engagements,
            _count_streaks,
            _count_observations,
            _count_follow_ups,
        ):
            count(found, ids, period)
    return found


def _count_done(found: dict[int, Figures], ids: list[int], period: Period) -> None:
    """Done walks in the period, the gemba walks among them, and those done on time: on the
    local day they were planned for."""
    clock = LocalClock(period.zone, period.start, period.end)
    on_time = clock.day(Walk.started_at) == clock.day(Walk.planned_start)
    for manager_id, done, gemba, timely in _rows(
        select(
            Walk.manager_id,
            func.count(),
            func.sum(case((Walk.kind == WalkKind.GEMBA_WALK, 1), else_=0)),
            func.sum(case((on_time, 1), else_=0)),
        )
        .where(Walk.manager_id.in_(ids), done_within(period.start, period.end))
        .group_by(Walk.manager_id)
    ):
        row = found[manager_id]
        row.done, row.gemba_walks, row.on_time = done, gemba or 0, timely or 0


def _count_engagements(found: dict[int, Figures], ids: list[int], period: Period) -> None:
    """Customer engagements in the period and the customers spoken with on them."""
    for manager_id, engagements, contacts in _rows(
        select(Walk.manager_id, func.count(), func.sum(Walk.customers_spoken_to))
        .where(Walk.manager_id.in_(ids), customer_engagement())
        .where(Walk.completed_at >= period.start, Walk.completed_at < period.end)
        .group_by(Walk.manager_id)
    ):
        found[manager_id].customer_engagements = engagements
        found[manager_id].customer_contacts = contacts or 0


def _count_planned(found: dict[int, Figures], ids: list[int], period: Period) -> None:
    """Plan adherence: of the walks planned for the period, done ÷ (done + missed + cancelled)."""
    missed = missed_clause(period.today_start)
    for manager_id, done, missed_count, cancelled in _rows(
        select(
            Walk.manager_id,
            func.sum(case((Walk.status == WalkStatus.DONE, 1), else_=0)),
            func.sum(case((missed, 1), else_=0)),
            func.sum(case((Walk.status == WalkStatus.CANCELLED, 1), else_=0)),
        )
        .where(Walk.manager_id.in_(ids))
        .where(Walk.planned_start >= period.start, Walk.planned_start < period.end)
        .group_by(Walk.manager_id)
    ):
        row = found[manager_id]
        row.planned_done, row.planned_missed = done or 0, missed_count or 0
        row.planned_cancelled = cancelled or 0


def _as_of_end(period: Period) -> datetime:
    return day_start_utc(period.as_of + timedelta(days=1), period.zone)


def _find_last_engagements(found: dict[int, Figures], ids: list[int], period: Period) -> None:
    """The last engagement up to the period's end: the newest row of each manager's slice of
    the partial index, so it costs the same whatever their history."""
    latest = (
        select(Walk.completed_at)
        .where(
            Walk.manager_id == Person.id,
            customer_engagement(),
            Walk.completed_at < _as_of_end(period),
        )
        .order_by(Walk.completed_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    for manager_id, last in _rows(select(Person.id, latest).where(Person.id.in_(ids))):
        if last is not None:
            row = found[manager_id]
            row.last_engagement = local(_aware(last), period.zone).date()
            row.days_since_last = (period.as_of - row.last_engagement).days


def _runs(ids: list[int], zone: str, first: date, end: datetime) -> dict[int, tuple[int, ...]]:
    """Each manager's weeks with an engagement from the Monday `first` up to `end`, numbered
    from 0, summed up in SQL: (the latest such week, the run of consecutive weeks ending at
    the window's last week, the run ending at the week before). Within one manager's weeks
    listed newest first, week + position stays constant along a run, so a window function
    finds the runs and only one row per manager comes back."""
    start = day_start_utc(first, zone)
    top = (
        week_start((end - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).date()) - first
    ).days // 7
    number = LocalClock(zone, start, end).week_number(Walk.completed_at, first)
    weeks = (
        select(Walk.manager_id.label("manager_id"), number.label("week"))
        .where(Walk.manager_id.in_(ids), customer_engagement())
        .where(Walk.completed_at >= start, Walk.completed_at < end)
        .group_by(Walk.manager_id, number)
        .subquery()
    )
    position = func.row_number().over(partition_by=weeks.c.manager_id, order_by=weeks.c.week.desc())
    ranked = select(weeks.c.manager_id, weeks.c.week, position.label("position")).subquery()
    along = ranked.c.week + ranked.c.position
    return {
        manager_id: (latest, to_top or 0, to_week_before or 0, top)
        for manager_id, latest, to_top, to_week_before in _rows(
            select(
                ranked.c.manager_id,
                func.max(ranked.c.week),
                func.sum(case((along == top + 1, 1), else_=0)),
                func.sum(case((along == top, 1), else_=0)),
            ).group_by(ranked.c.manager_id)
        )
    }


def _count_streaks(found: dict[int, Figures], ids: list[int], period: Period) -> None:
    """Streaks read the recent weeks for everyone, then further back (up to the cap) only for
    those whose streak reaches that far: two queries, most rows never read."""
    last_monday = week_start(period.as_of)
    under_way = last_monday <= period.today <= last_monday + timedelta(days=6)
    recent = last_monday - timedelta(weeks=RECENT_WEEKS - 1)
    longer = []
    for manager_id, (latest, to_top, to_week_before, top) in _runs(
        ids, period.zone, recent, _as_of_end(period)
    ).items():
        # A week still under way without an engagement yet does not break the streak.
        count = to_top if latest == top else (to_week_before if under_way else 0)
        found[manager_id].streak_weeks = count
        if count and count >= (top if latest != top else top + 1):
            longer.append(manager_id)  # the run reaches the window's first week
    earliest = last_monday - timedelta(weeks=STREAK_CAP_WEEKS - 1)
    for manager_id, (latest, to_top, _, top) in _runs(
        longer, period.zone, earliest, day_start_utc(recent, period.zone)
    ).items():
        if latest == top:
            row = found[manager_id]
            row.streak_weeks = min(STREAK_CAP_WEEKS, row.streak_weeks + to_top)


def _count_observations(found: dict[int, Figures], ids: list[int], period: Period) -> None:
    value, failure = Category.VALUE_DEMAND, Category.FAILURE_DEMAND
    for author_id, count, values, failures in _rows(
        select(
            Observation.author_id,
            func.count(),
            func.sum(case((Observation.category == value, 1), else_=0)),
            func.sum(case((Observation.category == failure, 1), else_=0)),
        )
        .where(
            Observation.author_id.in_(ids),
            Observation.made_at >= period.start,
            Observation.made_at < period.end,
        )
        .group_by(Observation.author_id)
    ):
        row = found[author_id]
        row.observations, row.value_demand, row.failure_demand = count, values or 0, failures or 0


def _count_follow_ups(found: dict[int, Figures], ids: list[int], period: Period) -> None:
    """Follow-ups as they stand today: open now, and open past their due date."""
    for owner_id, open_count, overdue in _rows(
        select(
            FollowUp.owner_id,
            func.count(),
            func.sum(case((FollowUp.due_date < period.today, 1), else_=0)),
        )
        .where(FollowUp.owner_id.in_(ids), FollowUp.status == FollowUpStatus.OPEN)
        .group_by(FollowUp.owner_id)
    ):
        row = found[owner_id]
        row.follow_ups_open, row.follow_ups_overdue = open_count, overdue or 0


def _rows(statement):
    """Run an aggregate on the session's connection: plain rows, none of the ORM's per-row
    work, which costs more than the query itself when a board has thousands of rows."""
    return db.session.connection().execute(statement)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def ranked(figures: list[Figures]) -> list[Figures]:
    """The board's order, with equal keys sharing a rank (1, 2, 2, 4)."""
    rows = sorted(figures, key=lambda f: (f.rank_key(), f.manager.display_name.lower()))
    previous = None
    for position, row in enumerate(rows, start=1):
        key = row.rank_key()
        row.rank = position if key != previous else rows[position - 2].rank
        previous = key
    return rows


def manager_ids_in(unit_ids: set[int] | list[int]):
    """A query for the ids of everyone with the manager role whose unit is one of these,
    those who left included."""
    return (
        select(Person.id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.org_unit_id.in_(sorted(unit_ids)), PersonRole.role == Role.MANAGER)
    )


def managers_in(unit_ids: set[int] | list[int]) -> list[Person]:
    """The people manager_ids_in names, by name (their roles are known: not loaded)."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.id.in_(manager_ids_in(unit_ids)))
            .options(lazyload(Person.role_rows))
            .order_by(Person.display_name)
        )
    )


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
    start = day_start_utc(mondays[0], zone)
    end = day_start_utc(mondays[-1] + timedelta(weeks=1), zone)
    clock = LocalClock(zone, start, end)
    week = clock.monday(Walk.completed_at)
    engaged = customer_engagement()
    for monday, engagements, gemba in _rows(
        select(
            week,
            func.sum(case((Walk.customers_spoken_to >= ONE, case((engaged, 1), else_=0)), else_=0)),
            func.sum(case((Walk.kind == WalkKind.GEMBA_WALK, 1), else_=0)),
        )
        .where(Walk.manager_id.in_(manager_ids), done_within(start, end))
        .group_by(week)
    ):
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
