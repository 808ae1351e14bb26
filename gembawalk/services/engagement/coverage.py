"""Who has nobody been to see: the units in a director's subtree no walk reached lately, the
hours of the week walks are done in, and the walks whose notes never say who said them.

The definitions are in definitions.py (walked, walks_in_unit, voices_heard) and README.md's
"Who has nobody been to see?"; this module groups them, in a fixed number of queries whatever
the size of the unit or its history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, not_, select, union_all

from ...extensions import db
from ...models import Observation, OrgUnit, Person, Walk, WalkKind
from ...timeutil import day_start_utc, local, local_today, utcnow
from .. import access
from ..errors import Invalid
from ..people.org import subtree_ids
from .definitions import (
    COVERAGE_WORDS,
    done_within,
    has_observations,
    share,
    voices_heard,
    walked,
    walks_in_unit,
)
from .leaderboard import Scope, scope_for
from .managers import manager_ids_in
from .periods import LocalClock, org_zone

WEEKS = (4, 8, 12)  # the windows a director picks from
DEFAULT_WEEKS = WEEKS[0]
WEEKS_MESSAGE = _l(
    "Choose %(some)s or %(last)d weeks.", some=", ".join(map(str, WEEKS[:-1])), last=WEEKS[-1]
)
UNHEARD_LIMIT = 100  # walks listed; the count covers them all
DAYS = (
    _l("Mon"),
    _l("Tue"),
    _l("Wed"),
    _l("Thu"),
    _l("Fri"),
    _l("Sat"),
    _l("Sun"),
)  # short: 24 hours share the row
HOURS = tuple(f"{hour:02d}" for hour in range(24))


@dataclass
class UnitCoverage:
    unit: OrgUnit
    depth: int
    # The local day of the last walk in the unit or any unit below it, ever; None: never.
    # A division is walked when one of its teams is, as a unit's figures cover its subtree.
    last_walked: date | None
    walks: int  # walks in the unit itself (not below) inside the window
    walked: bool = False  # walked, in the unit or below it, inside the window

    @property
    def never(self) -> bool:
        return self.last_walked is None


@dataclass
class UnheardWalk:
    uuid: uuid.UUID
    kind: WalkKind
    walker: str
    done_on: date
    observations: int


@dataclass
class Coverage:
    scope: Scope
    weeks: int
    first: date  # the window's first local day; it runs to today, both included
    today: date
    zone: str
    units: list[UnitCoverage]
    heat: list[list[int]]  # DAYS × HOURS, walks done, by the local hour they started
    walks_done: int
    observed_walks: int  # done walks in the window with at least one observation
    unheard_count: int
    unheard: list[UnheardWalk] = field(default_factory=list)

    # What the page draws its pickers, axes and definitions from.
    weeks_choices: ClassVar = WEEKS
    days: ClassVar = DAYS
    hours: ClassVar = HOURS
    words: ClassVar = COVERAGE_WORDS

    @property
    def unit(self) -> OrgUnit:
        return self.scope.unit

    @property
    def unvisited(self) -> list[UnitCoverage]:
        """The units no walk reached in the window, the longest unvisited first."""
        rows = [row for row in self.units if not row.walked]
        return sorted(rows, key=lambda row: (row.last_walked or date.min, row.unit.name))

    @property
    def unheard_share(self) -> float | None:
        return share(self.unheard_count, self.observed_walks)

    @property
    def heat_top(self) -> int:
        return max((count for row in self.heat for count in row), default=0)


def choose_weeks(text: str | None) -> int:
    """The window asked for, in weeks: one of WEEKS; nothing asked gives the default."""
    if not text:
        return DEFAULT_WEEKS
    if text.isdigit() and int(text) in WEEKS:
        return int(text)
    raise Invalid({"weeks": WEEKS_MESSAGE})


def window(weeks: int, zone: str, now: datetime) -> tuple[date, date, datetime, datetime]:
    """The last `weeks` weeks as local days: from the same weekday `weeks` weeks ago to today,
    both included (so a walk done exactly 4 weeks ago is inside a 4-week window), and the
    instants bounding them."""
    today = local_today(zone, now)
    first = today - timedelta(weeks=weeks)
    return first, today, day_start_utc(first, zone), day_start_utc(today + timedelta(days=1), zone)


def coverage(
    actor: Person, unit_id: int | None, weeks: int = DEFAULT_WEEKS, now: datetime | None = None
) -> Coverage:
    """The three coverage figures for the unit and below, among the walks the actor may see."""
    if weeks not in WEEKS:
        raise Invalid({"weeks": WEEKS_MESSAGE})
    scope = scope_for(actor, unit_id)
    zone = org_zone()
    first, today, start, end = window(weeks, zone, now or utcnow())
    units = subtree_ids(scope.unit.id)
    visible = access.visible_walks_clause(actor)
    walkers = Walk.manager_id.in_(manager_ids_in(units))
    done, observed, unheard_count, unheard = _voices(start, end, visible, walkers, zone)
    return Coverage(
        scope=scope,
        weeks=weeks,
        first=first,
        today=today,
        zone=zone,
        units=_units(scope, units, visible, start, zone),
        heat=_heat(zone, start, end, visible, walkers),
        walks_done=done,
        observed_walks=observed,
        unheard_count=unheard_count,
        unheard=unheard,
    )


def _units(scope: Scope, units: set[int], visible, start: datetime, zone: str):
    """Every unit of the subtree in tree order, with its last walk ever and its walks in the
    window: one query over both ways a walk is in a unit."""
    found = union_all(*(query.where(walked(), visible) for query in walks_in_unit())).subquery()
    in_window = case((found.c.completed_at >= start, found.c.id))
    rows = db.session.execute(
        select(found.c.unit_id, func.max(found.c.completed_at), func.count(in_window.distinct()))
        .where(found.c.unit_id.in_(sorted(units)))
        .group_by(found.c.unit_id)
    ).all()
    own = {unit: count for unit, _last, count in rows}
    last = {unit: latest for unit, latest, _count in rows}
    shown = [row for row in scope.choices if row.unit.id in units]
    # The choices are depth first: children after their parent, so from the end up each
    # unit hands its latest walk to its parent.
    for row in reversed(shown):
        parent, mine = row.unit.parent_id, last.get(row.unit.id)
        if parent in units and mine is not None and (last.get(parent) or mine) <= mine:
            last[parent] = mine
    top = min((row.depth for row in shown), default=0)
    return [
        UnitCoverage(
            row.unit,
            row.depth - top,
            local(last[row.unit.id], zone).date() if last.get(row.unit.id) else None,
            own.get(row.unit.id, 0),
            walked=last.get(row.unit.id) is not None and last[row.unit.id] >= start,
        )
        for row in shown
    ]


def _heat(zone: str, start: datetime, end: datetime, visible, walkers) -> list[list[int]]:
    """Done walks by the local weekday and hour they started (started, or planned to start
    when recorded without a start): when in the week the frontline is seen."""
    clock = LocalClock(zone, start, end)
    began = func.coalesce(Walk.started_at, Walk.planned_start)
    weekday, hour = clock.weekday(began), clock.hour(began)
    grid = [[0] * len(HOURS) for _ in DAYS]
    for day, at, count in db.session.execute(
        select(weekday, hour, func.count())
        .where(done_within(start, end), visible, walkers)
        .group_by(weekday, hour)
    ):
        grid[int(day)][int(at)] = count
    return grid


def _voices(start: datetime, end: datetime, visible, walkers, zone: str):
    """How many walks were done, how many have observations, how many of those never say a
    customer or the frontline said them, and the first UNHEARD_LIMIT of those, latest first."""
    scoped = (done_within(start, end), visible, walkers)
    done, observed, unheard = db.session.execute(
        select(
            func.count(),
            func.count(case((has_observations(), 1))),
            func.count(case((has_observations() & not_(voices_heard()), 1))),
        ).where(*scoped)
    ).one()
    notes = (
        select(func.count()).where(Observation.walk_id == Walk.id).correlate(Walk).scalar_subquery()
    )
    listed = [
        UnheardWalk(walk_uuid, kind, name, local(completed, zone).date(), count)
        for walk_uuid, kind, name, completed, count in db.session.execute(
            select(Walk.uuid, Walk.kind, Person.display_name, Walk.completed_at, notes)
            .join(Person, Person.id == Walk.manager_id)
            .where(*scoped, has_observations(), not_(voices_heard()))
            .order_by(Walk.completed_at.desc(), Walk.id.desc())
            .limit(UNHEARD_LIMIT)
        )
    ]
    return done or 0, observed or 0, unheard or 0, listed
