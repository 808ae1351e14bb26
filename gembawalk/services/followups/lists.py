"""What people read of follow-ups: a walk's, grouped by observation; their own, open,
overdue or closed, with counts; and for directors, how many each unit closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import FollowUp, FollowUpStatus, Observation, OrgUnit, Person, Role, Walk
from ...timeutil import day_start_utc
from .. import access
from ..errors import Forbidden
from ..people import org
from ..people.accounts import zone_for
from .predicates import overdue_clause, sees_closure_rates
from .rules import today_for

LISTS = ("open", "overdue", "closed")
RATE_PERIOD = timedelta(weeks=13)


@dataclass
class MyFollowUps:
    today: date
    show: str
    items: list[FollowUp]
    counts: dict[str, int]


@dataclass
class UnitRate:
    """Follow-ups from the walks of one unit's managers, and how many were closed."""

    unit: OrgUnit
    depth: int
    total: int
    closed: int
    open: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.closed / self.total if self.total else None


@dataclass
class WalkFollowUps:
    """A walk's follow-ups: per observation (where "you said, we did" shows) and on the walk."""

    by_observation: dict[int, list[FollowUp]]
    on_walk: list[FollowUp]

    def on(self, observation: Observation) -> list[FollowUp]:
        return self.by_observation.get(observation.id, [])


def for_walk(walk: Walk) -> WalkFollowUps:
    """Every follow-up of a walk the reader may already see, in one query."""
    items = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.walk_id == walk.id)
        .options(selectinload(FollowUp.owner), selectinload(FollowUp.closed_by))
        .order_by(FollowUp.created_at, FollowUp.id)
    ).all()
    found = WalkFollowUps(by_observation={}, on_walk=[])
    for item in items:
        if item.observation_id is None:
            found.on_walk.append(item)
        else:
            found.by_observation.setdefault(item.observation_id, []).append(item)
    return found


def _which(today: date):
    return case(
        (FollowUp.status == FollowUpStatus.CLOSED, "closed"),
        (overdue_clause(today), "overdue"),
        else_="open",
    )


def my_follow_ups(
    actor: Person, show: str = "open", now: datetime | None = None, limit: int = 200
) -> MyFollowUps:
    """The follow-ups the actor owns: open (overdue ones included, first), overdue, closed."""
    today = today_for(actor, now)
    show = show if show in LISTS else "open"
    which = _which(today)
    found: dict[str, int] = dict(
        db.session.execute(
            select(which, func.count()).where(FollowUp.owner_id == actor.id).group_by(which)
        ).all()
    )
    counts = {
        "open": found.get("open", 0) + found.get("overdue", 0),
        "overdue": found.get("overdue", 0),
        "closed": found.get("closed", 0),
    }
    lists: dict[str, tuple[ColumnElement[bool], ColumnElement[Any]]] = {
        "open": (FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date.asc()),
        "overdue": (overdue_clause(today), FollowUp.due_date.asc()),
        "closed": (FollowUp.status == FollowUpStatus.CLOSED, FollowUp.closed_at.desc()),
    }
    where, order = lists[show]
    items = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.owner_id == actor.id, where)
        .options(
            selectinload(FollowUp.walk).selectinload(Walk.manager),
            selectinload(FollowUp.observation),
            selectinload(FollowUp.created_by),
        )
        .order_by(order, FollowUp.id)
        .limit(limit)
    ).all()
    return MyFollowUps(today=today, show=show, items=list(items), counts=counts)


def closure_rates(actor: Person, now: datetime | None = None) -> tuple[list[UnitRate], date]:
    """For a director, each unit they lead and those below it: the follow-ups made over the
    last 13 weeks on walks of the managers in that unit and every unit below it (a parent is
    the sum of its teams), and how many are closed. An admin sees
    every unit. Returns the rows (tree order) and the first day of the period."""
    if not sees_closure_rates(actor):
        raise Forbidden(_("Closure rates are for directors."))
    today = today_for(actor, now)
    since = today - RATE_PERIOD
    rows = org.tree()
    if not actor.has_role(Role.ADMIN):
        led = access.led_unit_ids(actor)
        rows = [row for row in rows if row.unit.id in led]
    unit_ids = [row.unit.id for row in rows]
    subtree = org.subtrees(rows)
    which = _which(today)
    tallies: dict[int, dict[str, int]] = {}
    if unit_ids:
        for unit_id, kind, n in db.session.execute(
            select(Person.org_unit_id, which, func.count())
            .select_from(FollowUp)
            .join(Walk, FollowUp.walk_id == Walk.id)
            .join(Person, Walk.manager_id == Person.id)
            .where(Person.org_unit_id.in_(unit_ids), FollowUp.created_at >= _start(since, actor))
            .group_by(Person.org_unit_id, which)
        ).all():
            tallies.setdefault(unit_id, {})[kind] = n
    result = []
    for row in rows:
        # A unit's rate covers its whole subtree: a parent is the sum of its teams.
        tally: dict[str, int] = {}
        for unit_id in subtree[row.unit.id]:
            for kind, n in tallies.get(unit_id, {}).items():
                tally[kind] = tally.get(kind, 0) + n
        closed, overdue = tally.get("closed", 0), tally.get("overdue", 0)
        still_open = tally.get("open", 0) + overdue
        result.append(
            UnitRate(
                unit=row.unit,
                depth=row.depth,
                total=closed + still_open,
                closed=closed,
                open=still_open,
                overdue=overdue,
            )
        )
    return result, since


def _start(day: date, actor: Person) -> datetime:
    return day_start_utc(day, zone_for(actor))
