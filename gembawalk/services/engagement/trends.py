"""A unit's engagement over time, what its walks heard, and the customers it has stopped seeing.

The figures come from services.engagement's definitions; this module only groups them by week
or by customer, each in one query bounded by the period and the unit's managers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Category, Customer, Observation, Person, Walk, WasteType
from ...models import walk_customers as wc
from ...models.rollup import EngagementDay as Day
from ...timeutil import day_start_utc, local, local_today, utcnow
from .. import access
from ..people.org import subtree_ids
from . import rollup
from .definitions import counts_as_engagement, measured_day, share, spoke_with_customers
from .leaderboard import Scope, scope_for
from .managers import Manager, manager_ids_in, managers_in
from .periods import Period, as_date, monday_of, org_zone

HEAT_MAP_ROWS = 60  # managers drawn in the heat map; a bigger unit is better split
NOT_SEEN_DAYS = 90
CUSTOMER_LIMIT = 500


@dataclass
class UnitWeek:
    monday: date
    customer_engagements: int = 0
    gemba_walks: int = 0
    value_demand: int = 0
    failure_demand: int = 0

    @property
    def failure_share(self) -> float | None:
        return share(self.failure_demand, self.value_demand + self.failure_demand)


@dataclass
class HeatRow:
    manager: Manager
    counts: list[int]


@dataclass
class Trends:
    scope: Scope
    period: Period
    weeks: list[UnitWeek]
    heat: list[HeatRow]
    managers: int
    wastes: list[tuple[WasteType, int]] = field(default_factory=list)

    @property
    def unit(self):
        return self.scope.unit


def trends(actor: Person, unit_id: int | None, period: Period) -> Trends:
    """Customer engagements per week for the unit and per manager, value against failure
    demand per week, and wastes by type: five queries whatever the unit's size or history."""
    scope = scope_for(actor, unit_id)
    units = subtree_ids(scope.unit.id)
    managers = managers_in(units)
    ids = manager_ids_in(units)
    weeks = {monday: UnitWeek(monday) for monday in period.mondays}
    per_manager: dict[int, dict[date, int]] = {}
    wastes: dict[WasteType, int] = dict.fromkeys(WasteType, 0)
    if managers:
        rollup.ensure_current(period.zone)
        week = monday_of(Day.day)
        for manager_id, monday, engagements, gemba, values, failures in db.session.execute(
            select(
                Day.manager_id,
                week,
                func.sum(Day.customer_engagements),
                func.sum(Day.gemba_walks),
                func.sum(Day.value_demand),
                func.sum(Day.failure_demand),
            )
            .join(Person, Person.id == Day.manager_id)
            .where(Day.manager_id.in_(ids), Day.day >= period.first, Day.day <= period.last)
            .where(measured_day(Day.day))
            .group_by(Day.manager_id, week)
        ):
            monday = as_date(monday)
            if monday not in weeks:
                continue
            unit_week = weeks[monday]
            unit_week.customer_engagements += engagements or 0
            unit_week.gemba_walks += gemba or 0
            unit_week.value_demand += values or 0
            unit_week.failure_demand += failures or 0
            per_manager.setdefault(manager_id, {})[monday] = engagements or 0
        in_period = (
            Observation.author_id.in_(ids),
            Observation.made_at >= period.start,
            Observation.made_at < period.end,
        )
        wastes.update(
            db.session.execute(  # type: ignore[arg-type]  # the WHERE drops a None waste type
                select(Observation.waste_type, func.count())
                .where(*in_period, Observation.category == Category.WASTE)
                .where(Observation.waste_type.is_not(None))
                .group_by(Observation.waste_type)
            ).all()
        )
    shown = [m for m in managers if m.active or m.id in per_manager][:HEAT_MAP_ROWS]
    heat = [
        HeatRow(m, [per_manager.get(m.id, {}).get(monday, 0) for monday in weeks]) for m in shown
    ]
    return Trends(
        scope=scope,
        period=period,
        weeks=list(weeks.values()),
        heat=heat,
        managers=len(managers),
        wastes=sorted(wastes.items(), key=lambda item: -item[1]),
    )


@dataclass
class CustomerRow:
    customer: Customer
    last_engaged: date | None
    by: Person | None
    days_since: int | None


@dataclass
class CustomerReach:
    """External customers (`rows`) and, apart, internal ones (`internal`): contact with an
    internal customer never counts as customer engagement, so "not seen" lists none."""

    scope: Scope
    rows: list[CustomerRow]
    not_seen_days: int | None
    total: int
    truncated: bool
    internal: list[CustomerRow] = field(default_factory=list)

    @property
    def unit(self):
        return self.scope.unit


def customer_reach(
    actor: Person,
    unit_id: int | None,
    not_seen_days: int | None = None,
    now: datetime | None = None,
) -> CustomerReach:
    """The unit's customer register with, for each customer, the last walk on which they
    were spoken with and by whom (among the walks the actor may see). With `not_seen_days`,
    only those not seen for that long, or never: the customers the unit stopped visiting."""
    scope = scope_for(actor, unit_id)
    zone = org_zone()
    today = local_today(zone, now or utcnow())
    last_walk = (
        select(Walk.id)
        .join(wc, wc.c.walk_id == Walk.id)
        .where(wc.c.customer_id == Customer.id, spoke_with_customers())
        .where(access.visible_walks_clause(actor))
        .order_by(Walk.completed_at.desc())
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
        .label("last_walk_id")
    )
    listed = (
        select(Customer, last_walk)
        .where(Customer.org_unit_id.in_(subtree_ids(scope.unit.id)), Customer.active.is_(True))
        .order_by(Customer.name)
        .subquery()
    )
    customer = aliased(Customer, listed)
    query = (
        select(customer, Walk.completed_at, Person)
        .outerjoin(Walk, Walk.id == listed.c.last_walk_id)
        .outerjoin(Person, Person.id == Walk.manager_id)
        .order_by(Walk.completed_at.asc().nulls_first(), customer.name)
    )
    if not_seen_days is not None:
        cutoff = today - timedelta(days=not_seen_days)
        query = query.where(
            (Walk.completed_at.is_(None)) | (Walk.completed_at < day_start_utc(cutoff, zone))
        )
        query = query.where(counts_as_engagement(customer))
    found = db.session.execute(query.limit(CUSTOMER_LIMIT + 1)).all()
    rows: list[CustomerRow] = []
    internal: list[CustomerRow] = []
    for item, completed_at, person in found[:CUSTOMER_LIMIT]:
        day = local(completed_at, zone).date() if completed_at else None
        row = CustomerRow(item, day, person, (today - day).days if day is not None else None)
        (rows if counts_as_engagement(item) else internal).append(row)
    return CustomerReach(
        scope=scope,
        rows=rows,
        not_seen_days=not_seen_days,
        total=len(rows),
        truncated=len(found) > CUSTOMER_LIMIT,
        internal=internal,
    )
