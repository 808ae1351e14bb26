"""A board's order, ranks and pages worked out in SQL: a window over every manager of the
unit, so that a page of a board of thousands turns only its own rows into Python objects.

The order is Figures.rank_key's, in the same arithmetic: cadence attainment (customer
engagements ÷ the target, the target being the cadence's visits times the cadence periods
the period makes up, both in double precision as Python computes them; a target for a manager
measured on part of the period only is computed in Python and passed in), then customer
engagements, then the latest last engagement; never at the bottom; equal keys share a rank.
Who is on the board is Figures.on_the_board's rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, or_, select

from ...extensions import db
from ...models import CadencePeriod, Person
from ...models.rollup import EngagementDay as Day
from ..cadence import targets as cadence
from ..people.org import every_unit
from .figures import ENGAGED_DAY, _unmeasured, sums_query
from .managers import manager_ids_in, managers_in_where, one_of
from .periods import Period


@dataclass(frozen=True)
class Ranked:
    manager_id: int
    rank: int


@dataclass(frozen=True)
class RankedPage:
    rows: list[Ranked]
    total: int  # managers on the whole board


def rank(units: set[int], period: Period, offset: int = 0, limit: int | None = None) -> RankedPage:
    """The board of these units over the period, in order: `limit` rows from `offset` (every
    row when None), with the number of rows on the whole board."""
    ids = manager_ids_in(units)
    # The sums and last engagements are joined to the board's own managers below: naming
    # them in each part too only pays off when the board is part of the organisation. For
    # the whole of it, each part would only hash every manager's id again.
    among = None if every_unit(units) else ids
    sums = sums_query(among, period, last_engaged=True).subquery()
    engaged = func.coalesce(sums.c.customer_engagements, 0)
    # The newest engaged day the sums read is the last engagement up to the period's end for
    # whoever was measured on the whole period and engaged in it by then: no later day of the
    # period can be missing from them. For the others, the days are asked (COALESCE runs
    # its subquery only when the first value is NULL).
    whole_period = and_(
        Person.started_on <= period.first,
        or_(Person.left_on.is_(None), Person.left_on >= period.last),
    )
    newest = sums.c.last_engaged_on
    last = func.coalesce(
        case((and_(whole_period, newest <= period.as_of), newest)),
        select(func.max(Day.day))
        .where(Day.manager_id == Person.id, ENGAGED_DAY, Day.day <= period.as_of)
        .scalar_subquery(),
    )
    active = or_(
        func.coalesce(sums.c.done, 0) > 0,
        func.coalesce(sums.c.planned_done, 0) > 0,
        func.coalesce(sums.c.planned_cancelled, 0) > 0,
        func.coalesce(sums.c.planned_missed, 0) > 0,
        func.coalesce(sums.c.observations, 0) > 0,
    )
    measured = and_(
        Person.started_on <= period.last,
        or_(Person.left_on.is_(None), Person.left_on >= period.first),
    )
    on_board = or_(active, and_(measured, or_(Person.active, Person.left_on.is_not(None))))
    board = (
        select(
            Person.id,
            Person.display_name,
            last.label("last"),
            _target(units, period).label("target"),
            engaged.label("engaged"),
        )
        .outerjoin(sums, sums.c.manager_id == Person.id)
        .where(Person.id.in_(ids), on_board)
        # Worked out once: inlined, PostgreSQL would look up each last engagement twice.
        .cte("board")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    target = board.c.target
    attainment = case(
        (target > literal(0.0), cast(board.c.engaged, Float) / target), else_=literal(0.0, Float)
    )
    key = (
        case((board.c["last"].is_(None), 1), else_=0),
        attainment.desc(),
        board.c.engaged.desc(),
        board.c["last"].desc(),  # fewest days since (never: all alike, and last already)
    )
    statement = (
        select(
            board.c.id,
            func.rank().over(order_by=key),
            func.count().over(),
        )
        .order_by(*key, func.lower(board.c.display_name), board.c.display_name, board.c.id)
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    found = db.session.connection().execute(statement).all()
    total = found[0][2] if found else _count(statement)
    return RankedPage(rows=[Ranked(row[0], row[1]) for row in found], total=total)


def _count(statement) -> int:
    """The rows on the board when the page asked for lies past its end."""
    inner = statement.limit(None).offset(None).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


def _target(units: set[int], period: Period):
    """Each manager's cadence target over the period as SQL: their own cadence, else their
    unit's (resolved in Python: the tree is small), times the periods it makes up; for the
    few measured on part of the period, the target Python works out for them."""
    periods = {
        kind: literal(cadence.periods_in(kind, period.first, period.last), Float)
        for kind in CadencePeriod
    }

    own = case(
        *(
            (Person.cadence_period == kind, func.coalesce(Person.cadence_customer_visits, 0))
            for kind in CadencePeriod
        ),
    )
    own_periods = case(
        *((Person.cadence_period == kind, periods[kind]) for kind in CadencePeriod),
    )
    by_target: dict[tuple[CadencePeriod, int], list[int]] = defaultdict(list)
    resolved = cadence.unit_targets()
    for unit_id in sorted(units):
        target = resolved.get(unit_id, cadence.DEFAULT)
        by_target[(target.period, target.customer_visits)].append(unit_id)
    # The target most units share needs no list of them: it is what the others are not.
    common = max(by_target, key=lambda key: len(by_target[key]), default=None)
    common_kind, common_visits = common or (cadence.DEFAULT.period, cadence.DEFAULT.customer_visits)
    inherited = literal(common_visits, Integer) * periods[common_kind]
    others = [
        (one_of(Person.org_unit_id, unit_ids), literal(visits, Integer) * periods[kind])
        for (kind, visits), unit_ids in by_target.items()
        if (kind, visits) != common
    ]
    if others:
        inherited = case(*others, else_=inherited)
    whole = case((Person.cadence_period.is_not(None), own * own_periods), else_=inherited)
    part = _part_targets(units, period)
    if not part:
        return whole
    return case(
        {manager_id: literal(value, Float) for manager_id, value in part},
        value=Person.id,
        else_=whole,
    )


def _part_targets(units: set[int], period: Period) -> list[tuple[int, float]]:
    """The targets of those measured on part of the period only (or on none of it), as
    figures.py works them out: a handful of managers in any period."""
    managers = managers_in_where(
        units,
        or_(
            Person.started_on > period.first,
            and_(Person.left_on.is_not(None), Person.left_on < period.last),
        ),
    )
    targets = cadence.targets_for(managers)
    return [(m.id, _unmeasured(m, targets[m.id], period).target) for m in managers]
