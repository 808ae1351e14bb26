"""Cadence targets: a person's own setting, else their unit's default, else a parent unit's,
else the product's default of one customer visit and three gemba walks a week."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import Row, select

from ...database import plain_rows
from ...models import CadencePeriod, OrgUnit, Person
from ...models.cadence import CadenceTargets


class HasCadence(Protocol):
    """What targets_for reads of a person: a Person, or a board's lighter Manager."""

    @property
    def id(self) -> int: ...
    @property
    def org_unit_id(self) -> int | None: ...
    @property
    def cadence_period(self) -> CadencePeriod | None: ...
    @property
    def cadence_customer_visits(self) -> int | None: ...
    @property
    def cadence_gemba_walks(self) -> int | None: ...


@dataclass(frozen=True)
class Target:
    customer_visits: int
    gemba_walks: int
    period: CadencePeriod
    # Where it came from: "person", "unit" (with the unit's name) or "default".
    source: str
    source_name: str = ""

    def expected_visits(self, first: date, last: date) -> float:
        """Customer engagements asked for over the days first..last (a part of a cadence
        period asks for that part of its target: prorated by days)."""
        return self.customer_visits * periods_in(self.period, first, last)

    def expected_gemba_walks(self, first: date, last: date) -> float:
        """Gemba walks asked for over the days first..last, prorated the same way."""
        return self.gemba_walks * periods_in(self.period, first, last)


DEFAULT = Target(customer_visits=1, gemba_walks=3, period=CadencePeriod.WEEK, source="default")


def periods_in(period: CadencePeriod, first: date, last: date) -> float:
    """How many cadence periods the days first..last (both included) make up.

    Weeks are seven days; a month counts each of its days as 1/length of that month, so a
    monthly target over a whole month is exactly one period whatever the month's length.
    """
    if last < first:
        return 0.0
    if period is CadencePeriod.WEEK:
        return ((last - first).days + 1) / 7
    total, day = 0.0, first
    while day <= last:
        month_days = calendar.monthrange(day.year, day.month)[1]
        month_end = day.replace(day=month_days)
        upto = min(month_end, last)
        total += ((upto - day).days + 1) / month_days
        day = upto + timedelta(days=1)
    return total


def own_target(
    row: CadenceTargets | HasCadence | Row, source: str, name: str = ""
) -> Target | None:
    if row.cadence_period is None:
        return None
    return Target(
        customer_visits=row.cadence_customer_visits or 0,
        gemba_walks=row.cadence_gemba_walks or 0,
        period=row.cadence_period,
        source=source,
        source_name=name,
    )


def unit_targets() -> dict[int | None, Target]:  # None: no unit, so the default
    """Every unit's effective default (its own, else the nearest parent's, else the product's),
    from one query: the tree is small, the people are many."""
    # Plain rows: a board asks this for every request, and hundreds of units made into
    # objects cost more than the query.
    columns = select(
        OrgUnit.id,
        OrgUnit.parent_id,
        OrgUnit.name,
        OrgUnit.cadence_period,
        OrgUnit.cadence_customer_visits,
        OrgUnit.cadence_gemba_walks,
    )
    units = {row.id: row for row in plain_rows(columns)}
    resolved: dict[int | None, Target] = {}

    def resolve(unit_id: int, seen: frozenset[int] = frozenset()) -> Target:
        if unit_id in resolved:
            return resolved[unit_id]
        unit = units[unit_id]
        target = own_target(unit, "unit", unit.name)
        if target is None:
            parent = unit.parent_id
            if parent is None or parent in seen:  # the root, or a loop the services prevent
                target = DEFAULT
            else:
                target = resolve(parent, seen | {unit_id})
        resolved[unit_id] = target
        return target

    for unit_id in units:
        resolve(unit_id)
    return resolved


def targets_for(people: Iterable[HasCadence]) -> dict[int, Target]:
    """Each person's effective target, by person id, in one query whatever their number.
    (Anything with a person's id, org_unit_id and cadence columns will do.)"""
    people = list(people)
    by_unit = unit_targets() if any(p.cadence_period is None for p in people) else {}
    found = {}
    for person in people:
        found[person.id] = own_target(person, "person") or by_unit.get(person.org_unit_id, DEFAULT)
    return found


def target_for(person: Person) -> Target:
    return targets_for([person])[person.id]
