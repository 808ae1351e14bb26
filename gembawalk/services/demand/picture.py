"""The demand picture of a unit over a period: demand by type, value against failure, the
failure share per week, the most frequent failure demands with the customer's own words, and
which types are predictable (heard in most weeks). Every demand observation counts, typed
(a tally) or not, as in the leaderboard's failure demand share (engagement/definitions.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ... import limits
from ...extensions import db
from ...models import Category, DemandType, Observation, OrgUnit, Person, Walk
from .. import access
from ..engagement.definitions import share
from ..engagement.leaderboard import unit_choices
from ..engagement.periods import LocalClock, Period, _on_postgres, as_date
from ..errors import NotFound
from ..people.org import subtree_ids
from . import types as demand_types

DEMAND = (Category.VALUE_DEMAND, Category.FAILURE_DEMAND)
# On SQLite, a unit with at most 1/NARROW_SHARE of the people is read from its walks
# (_on_walks_of): at 2,000 managers a division (a tenth) costs 59 ms that way against 130.
NARROW_SHARE = 4


@dataclass
class TypeCount:
    demand_type: DemandType
    count: int = 0
    weeks: set[date] = field(default_factory=set)
    verbatims: list[str] = field(default_factory=list)

    @property
    def weeks_present(self) -> int:
        return len(self.weeks)


@dataclass
class Week:
    monday: date
    value: int = 0
    failure: int = 0

    @property
    def failure_share(self) -> float | None:
        return share(self.failure, self.value + self.failure)


@dataclass
class Picture:
    unit: OrgUnit
    period: Period
    value: int
    failure: int
    types: list[TypeCount]
    weeks: list[Week]
    untyped: int

    @property
    def total(self) -> int:
        return self.value + self.failure

    @property
    def failure_share(self) -> float | None:
        return share(self.failure, self.total)

    def share_of_all(self, row: TypeCount) -> float | None:
        return share(row.count, self.total)

    def is_predictable(self, row: TypeCount) -> bool:
        return is_predictable(row.weeks_present, len(self.weeks))

    @property
    def predictable(self) -> list[TypeCount]:
        return [row for row in self.types if self.is_predictable(row)]

    @property
    def top_failures(self) -> list[TypeCount]:
        failures = [r for r in self.types if r.demand_type.category == Category.FAILURE_DEMAND]
        ranked = sorted((r for r in failures if r.count), key=lambda r: -r.count)
        return ranked[: limits.DEMAND_TOP_FAILURES]


def is_predictable(weeks_present: int, weeks: int) -> bool:
    """Heard in most weeks of the period (more than PREDICTABLE_WEEK_SHARE of them): the
    system should be designed to meet it."""
    return weeks > 0 and weeks_present > weeks * limits.PREDICTABLE_WEEK_SHARE


def unit_for(actor: Person, unit_id: int | None) -> OrgUnit:
    """The unit asked for, if the actor leads it (or one above it), is an admin, or works in
    it; by default the highest unit they lead, else their own. Anything else is Not Found."""
    led = _choices(actor)
    allowed = {row.unit.id for row in led}
    if actor.org_unit_id is not None:
        allowed.add(actor.org_unit_id)
    if unit_id is None:
        unit_id = min(led, key=lambda row: row.depth).unit.id if led else actor.org_unit_id
    unit = db.session.get(OrgUnit, unit_id) if unit_id in allowed else None
    if unit is None:
        raise NotFound(_("No such org unit."))
    return unit


def _choices(actor: Person):
    if not (access.sees_everyone(actor) or actor.leads):
        return []
    return unit_choices(actor)


def picture(actor: Person, unit_id: int | None, period: Period) -> Picture:
    """The demand heard by the managers of a unit and every unit below it, on the walks the
    actor may see, over the period (by when each demand was heard, in the organisation's zone)."""
    unit = unit_for(actor, unit_id)
    units = subtree_ids(unit.id)
    clock = LocalClock(period.zone, period.start, period.end)
    monday = clock.monday(Observation.made_at).label("monday")
    in_period = (
        Observation.category.in_(DEMAND),
        Observation.made_at >= period.start,
        Observation.made_at < period.end,
    )

    def scoped(statement):
        return _on_walks_of(statement.where(*in_period), actor, units)

    rows = db.session.execute(
        scoped(
            select(Observation.demand_type_id, Observation.category, monday, func.count())
        ).group_by(Observation.demand_type_id, Observation.category, monday)
    ).all()
    weeks = {m: Week(m) for m in period.mondays}
    by_type: dict[int, TypeCount] = {t.id: TypeCount(t) for t in demand_types.available(unit.id)}
    # Types of the units below (a division's, seen from the whole organisation): in one query.
    missing = {row[0] for row in rows if row[0] is not None} - by_type.keys()
    if missing:
        below = db.session.scalars(
            select(DemandType)
            .where(DemandType.id.in_(missing))
            .order_by(DemandType.org_unit_id, DemandType.position, DemandType.id)
        )
        by_type.update((t.id, TypeCount(t)) for t in below)
    counts: dict[Category, int] = defaultdict(int)
    untyped = 0
    for type_id, category, week, number in rows:
        week = as_date(week)
        counts[category] += number
        bucket = weeks.setdefault(week, Week(week))
        if category == Category.FAILURE_DEMAND:
            bucket.failure += number
        else:
            bucket.value += number
        if type_id is None:
            untyped += number
            continue
        by_type[type_id].count += number
        by_type[type_id].weeks.add(week)
    found = Picture(
        unit=unit,
        period=period,
        value=counts[Category.VALUE_DEMAND],
        failure=counts[Category.FAILURE_DEMAND],
        types=list(by_type.values()),
        weeks=[weeks[m] for m in sorted(weeks)],
        untyped=untyped,
    )
    _add_verbatims(found, scoped)
    return found


def _on_walks_of(statement, actor: Person, units: Collection[int]):
    """`statement` (on observations) kept to the walks of the managers of `units` that the
    actor may see. On SQLite, a unit with a small share of the organisation's people (a
    division) goes from its managers to their walks to the walks' notes (else SQLite reads
    every author's notes of the period); a larger one (the whole organisation), and any unit
    on PostgreSQL (whose planner picks well, and did worse the other way), joins the period's
    notes to their walks. Either way the same rows."""
    mine = Person.org_unit_id.in_(units)
    where = (mine, access.visible_walks_clause(actor))
    if not _on_postgres():
        everyone, theirs = db.session.execute(
            select(func.count(), func.coalesce(func.sum(case((mine, 1), else_=0)), 0))
        ).one()
        if theirs * NARROW_SHARE <= everyone:
            walks = select(Walk.id).join(Person, Person.id == Walk.manager_id).where(*where)
            return statement.where(Observation.walk_id.in_(walks))
    return (
        statement.join(Walk, Walk.id == Observation.walk_id)
        .join(Person, Person.id == Walk.manager_id)
        .where(*where)
    )


def _add_verbatims(found: Picture, scoped) -> None:
    """A few of the customer's own words for each of the most frequent failure demands."""
    top = {row.demand_type.id: row for row in found.top_failures}
    if not top:
        return
    texts = db.session.execute(
        scoped(select(Observation.demand_type_id, Observation.text))
        .where(Observation.demand_type_id.in_(top), Observation.text != "")
        .order_by(Observation.made_at.desc())
        .limit(limits.DEMAND_VERBATIMS * len(top) * 4)
    ).all()
    for type_id, words in texts:
        row = top[type_id or 0]
        if len(row.verbatims) < limits.DEMAND_VERBATIMS:
            row.verbatims.append(words)


def picture_json(found: Picture) -> dict:
    return {
        "unit": {"id": found.unit.id, "name": found.unit.name},
        "from": found.period.first.isoformat(),
        "to": found.period.last.isoformat(),
        "value": found.value,
        "failure": found.failure,
        "failure_share": found.failure_share,
        "types": [
            {
                "id": row.demand_type.id,
                "name": row.demand_type.name,
                "kind": row.demand_type.kind.value,
                "count": row.count,
                "weeks_present": row.weeks_present,
            }
            for row in found.types
        ],
    }
