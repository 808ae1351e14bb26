"""Tallies: one tap on a walk records one demand heard, as an observation of the type's
category; undoing the tap removes that observation, leaving a tombstone so a device that still
holds it is told it is gone (410) rather than making it again."""

from __future__ import annotations

import uuid as uuid_lib
from collections import Counter
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from ...extensions import db
from ...models import DemandType, Observation, Person, RemovedRecord, SaidBy, Walk, WalkStatus
from ..errors import Conflict, Invalid, NotFound, rolls_back
from ..walks import lifecycle as walks
from ..walks.observations import add_observation
from . import types as demand_types

UNDONE = "This tally was undone on the walk."


def tally(
    actor: Person,
    walk_id: uuid_lib.UUID,
    demand_type_id: object,
    *,
    words: str = "",
    observation_id: uuid_lib.UUID | None = None,
    made_at: datetime | None = None,
) -> Observation:
    """One demand heard on the walk: an observation of the type's category (the customer's
    words, when given, are its text). The same id twice tallies once."""
    walks.get_own_walk(actor, walk_id)  # someone else's walk is Not Found, whatever was sent
    type_id = demand_types.read_type_id(demand_type_id)
    found = db.session.get(DemandType, type_id) if type_id else None
    if found is None:
        raise Invalid({"demand_type_id": _("This demand type is not one of this walk’s unit.")})
    return add_observation(
        actor,
        walk_id,
        category=found.category.value,
        text=words,
        said_by=SaidBy.CUSTOMER.value,
        observation_id=observation_id,
        made_at=made_at,
        demand_type_id=found.id,
    )


@rolls_back
def undo_tally(actor: Person, observation_id: uuid_lib.UUID) -> None:
    """Remove a tally from a walk still being recorded (a done walk is corrected instead).
    Undoing one already undone answers the same, so a device may send it again."""
    observation = db.session.scalar(select(Observation).where(Observation.uuid == observation_id))
    if observation is None:
        stone = db.session.get(RemovedRecord, observation_id)
        if stone is not None and stone.person_id == actor.id:
            return
        raise NotFound(_("No such tally."))
    if observation.walk.manager_id != actor.id:
        raise NotFound(_("No such tally."))
    if observation.demand_type_id is None:
        raise Conflict(_("Only a tally is undone this way: correct other notes instead."))
    if observation.walk.status != WalkStatus.IN_PROGRESS:
        raise Conflict(_("The walk is no longer being recorded: correct it instead."))
    db.session.add(
        RemovedRecord(
            uuid=observation.uuid, record_type="observation", person_id=actor.id, reason=UNDONE
        )
    )
    db.session.delete(observation)
    db.session.commit()


def counts_on(walk: Walk) -> Counter[int]:
    """How many of each demand type were tallied on a walk, by type id."""
    return Counter(o.demand_type_id for o in walk.observations if o.demand_type_id is not None)


def counts_by_walk(walk_ids: Select) -> dict[uuid_lib.UUID, list[tuple[str, int]]]:
    """For the walks CSV: the tallied types of each walk `walk_ids` selects (a SELECT of
    Walk.id, so a quarter's export is one grouped query), with counts, in the types' order."""
    rows = db.session.execute(
        select(Walk.uuid, DemandType.name, func.count())
        .select_from(Observation)
        .join(Walk, Walk.id == Observation.walk_id)
        .join(DemandType, DemandType.id == Observation.demand_type_id)
        .where(Observation.walk_id.in_(walk_ids))
        .group_by(Walk.uuid, DemandType.id, DemandType.name, DemandType.position)
        .order_by(Walk.uuid, DemandType.position, DemandType.id)
    ).all()
    found: dict[uuid_lib.UUID, list[tuple[str, int]]] = {}
    for walk_uuid, name, number in rows:
        found.setdefault(walk_uuid, []).append((name, number))
    return found


def undo_latest(
    actor: Person, walk_id: uuid_lib.UUID, demand_type_id: object
) -> Observation | None:
    """Undo the latest tally of a type on the walk (the page's Undo button); None when there
    is none left to undo."""
    walk = walks.get_own_walk(actor, walk_id)
    type_id = demand_types.read_type_id(demand_type_id)
    latest = max(
        (o for o in walk.observations if type_id is not None and o.demand_type_id == type_id),
        key=lambda o: (o.made_at, o.id),
        default=None,
    )
    if latest is not None:
        undo_tally(actor, latest.uuid)
    return latest


def counters(walk: Walk) -> list[tuple[DemandType, list[str]]]:
    """What the walk's tally shows: each type its unit may tally, with the ids of its tallies
    so far, oldest first (their number is the count; Undo takes back the last)."""
    held: dict[int, list[str]] = {}
    for o in sorted(walk.observations, key=lambda o: (o.made_at, o.id)):
        if o.demand_type_id is not None:
            held.setdefault(o.demand_type_id, []).append(str(o.uuid))
    return [(t, held.get(t.id, [])) for t in demand_types.available(walk.manager.org_unit_id)]
