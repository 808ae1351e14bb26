"""Did the fix work: for a closed follow-up that names a demand type, that type's share of all
demand heard in the unit for the weeks before it closed against the weeks after, once the
weeks after have passed; too few demands on either side are too few to tell."""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import limits
from ...extensions import db
from ...models import Category, DemandType, FollowUp, FollowUpStatus, Observation, Person, Walk
from ..engagement.definitions import share
from ..errors import Forbidden, Invalid, rolls_back
from ..followups import rules as followup_rules
from ..people.org import subtree_ids
from . import types as demand_types

WINDOW = timedelta(weeks=limits.FIX_WINDOW_WEEKS)


@dataclass(frozen=True)
class Side:
    of_type: int
    demand: int

    @property
    def share(self) -> float | None:
        return share(self.of_type, self.demand)


@dataclass(frozen=True)
class FixResult:
    demand_type: DemandType
    closed_at: datetime
    before: Side
    after: Side

    @property
    def too_few(self) -> bool:
        """Fewer than FIX_MIN_DEMANDS demands on either side: too few to tell."""
        return min(self.before.demand, self.after.demand) < limits.FIX_MIN_DEMANDS

    @property
    def reduced(self) -> bool | None:
        if self.too_few:
            return None
        return (self.after.share or 0) < (self.before.share or 0)


def ready_at(follow_up: FollowUp) -> datetime | None:
    """When its result can be told: the close plus the weeks after."""
    if follow_up.status != FollowUpStatus.CLOSED or follow_up.closed_at is None:
        return None
    return follow_up.closed_at + WINDOW


def result(follow_up: FollowUp, now: datetime) -> FixResult | None:
    """The before and after of the follow-up's demand type in its walk's unit (and below),
    or None when it names no type or the weeks after closing have not all passed."""
    ready = ready_at(follow_up)
    if follow_up.demand_type is None or ready is None or now < ready:
        return None
    closed = follow_up.closed_at
    assert closed is not None
    unit_id = follow_up.walk.manager.org_unit_id
    units = subtree_ids(unit_id) if unit_id is not None else set()
    before = _side(follow_up.demand_type.id, units, closed - WINDOW, closed)
    after = _side(follow_up.demand_type.id, units, closed, closed + WINDOW)
    return FixResult(follow_up.demand_type, closed, before, after)


def _side(type_id: int, units: set[int], start: datetime, end: datetime) -> Side:
    """Demand heard from `start` (included) to `end` (excluded)."""
    of_type = func.count().filter(Observation.demand_type_id == type_id)
    row = db.session.execute(
        select(of_type, func.count())
        .join(Walk, Walk.id == Observation.walk_id)
        .join(Person, Person.id == Walk.manager_id)
        .where(
            Observation.category.in_((Category.VALUE_DEMAND, Category.FAILURE_DEMAND)),
            Observation.made_at >= start,
            Observation.made_at < end,
            Person.org_unit_id.in_(units),
        )
    ).one()
    return Side(of_type=row[0], demand=row[1])


def results_for_unit(unit_id: int, now: datetime) -> list[tuple[FollowUp, FixResult]]:
    """Every follow-up of the unit (and below) whose fix can now be told, latest first."""
    units = subtree_ids(unit_id)
    found = db.session.scalars(
        select(FollowUp)
        .join(Walk, Walk.id == FollowUp.walk_id)
        .join(Person, Person.id == Walk.manager_id)
        .where(
            FollowUp.demand_type_id.is_not(None),
            FollowUp.status == FollowUpStatus.CLOSED,
            FollowUp.closed_at <= now - WINDOW,
            Person.org_unit_id.in_(units),
        )
        .order_by(FollowUp.closed_at.desc())
        .limit(50)
    ).all()
    return [(f, r) for f in found if (r := result(f, now)) is not None]


def aim_choices(item: FollowUp) -> list[DemandType]:
    """The demand types a follow-up may name: those of its walk's unit (and above)."""
    return demand_types.available(item.walk.manager.org_unit_id)


def set_aim(item: FollowUp, type_id: object) -> None:
    """Name the demand type a follow-up means to reduce (or none); the type must be one its
    walk's unit has (a retired one only if it already named it). The caller commits."""
    wanted = demand_types.read_type_id(type_id)
    if wanted is None or wanted == item.demand_type_id:
        item.demand_type_id = wanted
        return
    found = db.session.get(DemandType, wanted)
    if found is None or found not in aim_choices(item):
        raise Invalid({"demand_type_id": _("This demand type is not one of this walk’s unit.")})
    item.demand_type = found


@rolls_back
def aim(actor: Person, follow_up_id: uuid_lib.UUID, type_id: object) -> FollowUp:
    """From the follow-up's page: whoever may close it names the type it means to reduce."""
    item = followup_rules.get_follow_up(actor, follow_up_id)
    if not followup_rules.may_close(actor, item):
        raise Forbidden(_("Only the owner, or whoever made it, changes a follow-up."))
    set_aim(item, type_id)
    item.version += 1
    db.session.commit()
    return item
