"""Engagement figures for a set of managers over a period, exactly as README.md's
"Engagement" section words them.

The definitions themselves are SQL in definitions.py. The figures are sums of each manager's
days (rollup.py keeps them): a fixed number of queries, each bounded by the period and the
managers asked about, never by the history behind them. Days are the organisation's; weeks
start on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    not_,
    null,
    or_,
    select,
    union_all,
)

from ...database import plain_rows
from ...models import FollowUp, FollowUpStatus, Person
from ...models.rollup import FACTS
from ...models.rollup import EngagementDay as Day
from ...models.rollup import EngagementMonth as Month
from ...timeutil import week_start
from ..cadence import targets as cadence
from ..followups.predicates import overdue_clause
from . import rollup
from .definitions import measured_day, measured_span, share
from .managers import Manager
from .periods import (
    Period,
    as_date,
    month_start,
    next_month,
    week_index,
)

RECENT_WEEKS = 14  # a streak is read this far back first, then to the cap if it goes on
STREAK_CAP_WEEKS = 52  # a streak of a year or more shows as "52+": its cost stays bounded
# The sums a period's figures are, each filling the Figures field of its name (walks still
# planned are summed apart: they are missed only once their day is past).
SUMMED = tuple(getattr(Day, name) for name in FACTS if name != "planned_open")
SUMMED_NAMES = tuple(column.key for column in SUMMED)
# Written into the SQL rather than bound, so both databases use the partial index
# ix_engagement_days_engaged (whose WHERE says the same).
ENGAGED_DAY = Day.customer_engagements > literal_column("0")


# -- One manager's figures -----------------------------------------------------------------


@dataclass
class Figures:
    """One manager over one period."""

    manager: Person | Manager
    target: float = 0.0  # customer engagements the cadence asks for over the measured days
    gemba_target: float = 0.0  # gemba walks the cadence asks for over the same days
    measured: bool = True  # some day of the period lies between their joining and leaving
    customer_engagements: int = 0
    customer_contacts: int = 0
    gemba_walks: int = 0
    done: int = 0
    on_time: int = 0
    done_planned: int = 0  # done walks that had a plan: on time is a share of these
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
    def gemba_walk_attainment(self) -> float | None:
        return share(self.gemba_walks, self.gemba_target)

    @property
    def plan_adherence(self) -> float | None:
        planned = self.planned_done + self.planned_missed + self.planned_cancelled
        return share(self.planned_done, planned)

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.done_planned)

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

    @property
    def on_the_board(self) -> bool:
        """A board lists those measured in its period (joined by its end, not left before its
        start) and anyone who did something in it; someone who left on a day not kept, only
        for a period in which they did something."""
        if self.active_in_period:
            return True
        return self.measured and (not self.left or self.manager.left_on is not None)

    def rank_key(self) -> tuple:
        """Cadence attainment, then customer engagements, then fewest days since the last
        one; "never" at the bottom."""
        return (
            self.never,
            -(self.cadence_attainment or 0),
            -self.customer_engagements,
            self.days_since_last if self.days_since_last is not None else 0,
        )


def figures_for(managers: list[Person | Manager], period: Period, among=None) -> dict[int, Figures]:
    """Every figure for these managers over the period, in five queries whatever the data:
    sums of their days (rollup.py), so the cost follows the period and the managers.

    `among` is a query for the same people's ids (manager_ids_in): the database then reads the
    set itself instead of thousands of bound parameters."""
    ids = among if among is not None else [m.id for m in managers]
    targets = cadence.targets_for(managers)
    found = {m.id: _unmeasured(m, targets[m.id], period) for m in managers}
    if managers:
        rollup.ensure_current(period.zone)
        # The streak finds most last engagements on its way: it goes first.
        for count in (_sum_days, _count_streaks, _find_last_engagements, _count_follow_ups):
            count(found, ids, period)
    return found


def _unmeasured(manager: Person | Manager, target: cadence.Target, period: Period) -> Figures:
    """A row before anything is counted: the targets over the days the manager is measured
    on (definitions.measured_span), none when they had not joined or had left."""
    span = measured_span(period.first, period.last, manager.started_on, manager.left_on)
    if span is None:
        return Figures(manager=manager, measured=False)
    return Figures(
        manager=manager,
        target=target.expected_visits(*span),
        gemba_target=target.expected_gemba_walks(*span),
    )


def _sum_days(found: dict[int, Figures], ids, period: Period) -> None:
    """Everything done, planned for and noted in the period. Done walks count in the period
    they were completed in, planned ones in the period they were planned for: those still
    planned for a day before today were missed. Only the days they were measured on count.

    The months wholly inside the period are read from their monthly sums (one row per
    manager and month), for those measured on the whole of them; the days at the edges, and
    those months' days for anyone who joined or left within them, from the days."""
    for manager_id, *sums in plain_rows(sums_query(ids, period)):
        row = found[manager_id]
        for name, value in zip((*SUMMED_NAMES, "planned_missed"), sums, strict=True):
            setattr(row, name, value or 0)


def _whole_months(period: Period) -> tuple[date, date] | None:
    """The first day of the first month wholly inside the period, and of the month after
    the last one: None when the period holds no whole month."""
    first = period.first if period.first.day == 1 else next_month(period.first)
    after = month_start(period.last + timedelta(days=1))
    return (first, after) if first < after else None


def sums_query(ids, period: Period, last_engaged: bool = False):
    """The SELECT _sum_days reads: manager_id, then SUMMED and planned_missed, summed. With
    `ids` None, every manager's (for a board that joins them to its own managers). With
    `last_engaged`, a last column: the newest engaged day among the days summed, read from
    the same rows (a month's newest), for a board that orders by it."""

    def among(table):
        return () if ids is None else (table.manager_id.in_(ids),)

    def facts(table, missed, *where):
        newest = table.last_engaged_on if table is Month else case((ENGAGED_DAY, Day.day))
        return (
            select(
                table.manager_id,
                *(getattr(table, name) for name in SUMMED_NAMES),
                missed,
                *((newest,) if last_engaged else ()),
            )
            .join(Person, Person.id == table.manager_id)
            .where(*among(table), *where)
        )

    def day_missed(before: date):
        return case((Day.day < before, Day.planned_open), else_=0)

    in_period = (Day.day >= period.first, Day.day <= period.last, measured_day(Day.day))
    months = _whole_months(period)
    if months is None:
        parts = [facts(Day, day_missed(period.today), *in_period)]
    else:
        first, after = months
        whole = and_(  # measured on every day of the months
            Person.started_on <= first,
            or_(Person.left_on.is_(None), Person.left_on >= after - timedelta(days=1)),
        )
        this_month = month_start(period.today)
        parts = [
            facts(
                Month,
                case((Month.month < this_month, Month.planned_open), else_=0),
                Month.month >= first,
                Month.month < after,
                whole,
            ),
            # The edges, and the months' days of those who joined or left within them.
            facts(Day, day_missed(period.today), *in_period, Day.day < first),
            facts(Day, day_missed(period.today), *in_period, Day.day >= after),
            facts(Day, day_missed(period.today), *in_period, Day.day >= first).where(
                Day.day < after, not_(whole)
            ),
        ]
        if first <= this_month < after and period.today > this_month:
            # A month's sums cannot tell which of its walks still planned were for a day
            # already past: in the month under way, those are read from its days.
            zero: list[ColumnElement[int]] = [literal_column("0")] * len(SUMMED_NAMES)
            nothing = (null().cast(Date),) if last_engaged else ()
            parts.append(
                select(Day.manager_id, *zero, Day.planned_open, *nothing)
                .join(Person, Person.id == Day.manager_id)
                .where(*among(Day), whole, Day.planned_open > literal_column("0"))
                .where(Day.day >= this_month, Day.day < period.today)
            )
    found = union_all(*parts).subquery()
    columns = list(found.c)
    names = (*SUMMED_NAMES, "planned_missed")
    summed = columns[1 : 1 + len(names)]
    return select(
        columns[0].label("manager_id"),
        *(func.sum(column).label(name) for column, name in zip(summed, names, strict=True)),
        *((func.max(columns[-1]).label("last_engaged_on"),) if last_engaged else ()),
    ).group_by(columns[0])


def _find_last_engagements(found: dict[int, Figures], ids, period: Period) -> None:
    """The last engagement up to the period's end, for those with none in the recent weeks
    (the streak found the others'): the newest of each one's engaged days, from a partial
    index, so it costs the same whatever their history."""
    unknown = [manager_id for manager_id, row in found.items() if row.last_engagement is None]
    latest = (
        select(func.max(Day.day))
        .where(Day.manager_id == Person.id, ENGAGED_DAY, Day.day <= period.as_of)
        .scalar_subquery()
    )
    for manager_id, last in plain_rows(select(Person.id, latest).where(Person.id.in_(unknown))):
        if last is not None:
            _engaged_last_on(found[manager_id], as_date(last), period)


def _engaged_last_on(row: Figures, day: date, period: Period) -> None:
    row.last_engagement = day
    row.days_since_last = (period.as_of - day).days


def _engaged_weeks(ids, first: date, last: date) -> dict[int, tuple[int, date]]:
    """Each manager's weeks with an engagement, from the Monday `first` to the day `last`, as
    the bits of one number (bit n: the nth week), with the last engaged day: one row per
    manager, no window to sort."""
    bit = cast(literal(1), BigInteger).op("<<")(week_index(Day.day, first))
    return {
        manager_id: (int(mask), as_date(latest))
        for manager_id, mask, latest in plain_rows(
            select(Day.manager_id, func.sum(bit.distinct()), func.max(Day.day))
            .where(Day.manager_id.in_(ids), ENGAGED_DAY, Day.day >= first, Day.day <= last)
            .group_by(Day.manager_id)
        )
    }


def _run_down_from(mask: int, week: int) -> int:
    """How many weeks in a row, from `week` back, have their bit set."""
    run = 0
    while week - run >= 0 and mask >> (week - run) & 1:
        run += 1
    return run


def _count_streaks(found: dict[int, Figures], ids, period: Period) -> None:
    """Weeks in a row with an engagement, up to the period's end. The recent weeks are read
    for everyone, then further back (up to the cap) only for those whose streak reaches that
    far: two queries, most rows never read."""
    last_monday = week_start(period.as_of)
    under_way = last_monday <= period.today <= last_monday + timedelta(days=6)
    recent = last_monday - timedelta(weeks=RECENT_WEEKS - 1)
    top = RECENT_WEEKS - 1
    longer = []
    for manager_id, (mask, latest) in _engaged_weeks(ids, recent, period.as_of).items():
        # A week still under way without an engagement yet does not break the streak.
        end = top if mask >> top & 1 else top - 1 if under_way else None
        count = _run_down_from(mask, end) if end is not None else 0
        found[manager_id].streak_weeks = count
        _engaged_last_on(found[manager_id], latest, period)
        if count and end is not None and count == end + 1:  # a count needs an end
            longer.append(manager_id)  # the run reaches the window's first week
    earliest = last_monday - timedelta(weeks=STREAK_CAP_WEEKS - 1)
    before = (recent - earliest).days // 7 - 1  # the week just before the recent ones
    older = _engaged_weeks(longer, earliest, recent - timedelta(days=1))
    for manager_id, (mask, _latest) in older.items():
        row = found[manager_id]
        row.streak_weeks = min(STREAK_CAP_WEEKS, row.streak_weeks + _run_down_from(mask, before))


def _count_follow_ups(found: dict[int, Figures], ids, period: Period) -> None:
    """Follow-ups as they stand today: open now, and open past their due date."""
    for owner_id, open_count, overdue in plain_rows(
        select(
            FollowUp.owner_id,
            func.count(),
            func.sum(case((overdue_clause(period.today), 1), else_=0)),
        )
        .where(FollowUp.owner_id.in_(ids), FollowUp.status == FollowUpStatus.OPEN)
        .group_by(FollowUp.owner_id)
    ):
        row = found[owner_id]
        row.follow_ups_open, row.follow_ups_overdue = open_count, overdue or 0


def ranked(figures: list[Figures]) -> list[Figures]:
    """The board's order, with equal keys sharing a rank (1, 2, 2, 4)."""
    keyed = sorted(
        (
            (f.rank_key(), f.manager.display_name.lower(), index, f)
            for index, f in enumerate(figures)
        )
    )
    previous, rank = None, 0
    for position, (key, _name, _index, row) in enumerate(keyed, start=1):
        if key != previous:
            rank, previous = position, key
        row.rank = rank
    return [row for *_key, row in keyed]
