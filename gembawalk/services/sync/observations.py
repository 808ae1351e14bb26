"""Observations sent by a device: created on a walk the server holds, or edited, by their
UUID, under the same rules as on the page (the protocol itself is in protocol.py)."""

from __future__ import annotations

import functools
import uuid as uuid_lib
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Observation, Person, Walk, WalkStatus
from ..demand import types as demand_types
from ..errors import Invalid
from ..walks import corrections
from ..walks import lifecycle as walks
from ..walks.client_ids import insert_once
from ..walks.observations import check_observable, describe
from . import batch
from .batch import find_by_uuid
from .protocol import (
    Outcome,
    device_put,
    differences,
    not_future,
    parse_uuid,
    put_by_uuid,
    read_instant,
    read_text,
    rule_broken,
)
from .tombstones import refuse_on_removed_walk

OBSERVATION_FIELDS = (
    "walk_id",
    "category",
    "waste_type",
    "said_by",
    "text",
    "made_at",
    "demand_type_id",
    "customer_id",
)
# what a note says
SAID = ("category", "waste_type", "said_by", "text", "demand_type_id", "customer_id")


@functools.cache
def with_photos() -> tuple:
    """Read with an observation (its answer shows them); made once, not once a put (and not
    at import: Photo names the relationship once the models are all mapped)."""
    return (selectinload(Observation.photos),)


def wanted_observation(body: dict) -> dict[str, Any]:
    readers = {
        "walk_id": lambda: parse_uuid(body.get("walk_id"), "walk_id"),
        "category": lambda: body.get("category"),
        "waste_type": lambda: body.get("waste_type"),
        "said_by": lambda: body.get("said_by"),
        "text": lambda: read_text(body, "text"),
        "made_at": lambda: read_instant(body, "made_at"),
        "demand_type_id": lambda: demand_types.read_type_id(body.get("demand_type_id")),
        "customer_id": lambda: body.get("customer_id"),
    }
    return {name: read() for name, read in readers.items() if name in body}


def observation_state(observation: Observation) -> dict[str, Any]:
    return {
        "walk_id": observation.walk.uuid,
        "category": observation.category.value,
        "waste_type": observation.waste_type.value if observation.waste_type else None,
        "said_by": observation.said_by.value,
        "text": observation.text,
        "made_at": observation.made_at,
        "demand_type_id": observation.demand_type_id,
        "customer_id": observation.customer_id,
    }


def _observation_holds(observation: Observation, wanted: dict) -> bool:
    return not differences(observation_state(observation), wanted, OBSERVATION_FIELDS)


@rule_broken
@device_put
def put_observation(
    actor: Person, observation_id: uuid_lib.UUID, body: dict, now: datetime
) -> Outcome:
    """Create an observation on a started walk of one's own, or edit it."""
    walks.require_manager(actor)
    wanted = wanted_observation(body)

    def change(observation: Observation) -> None:
        if "walk_id" in wanted and wanted["walk_id"] != observation.walk.uuid:
            raise Invalid({"walk_id": _("An observation cannot move to another walk.")})
        check_observable(observation.walk)
        merged = {**observation_state(observation), **wanted}
        said = {name: merged[name] for name in SAID}
        if observation.walk.status == WalkStatus.DONE:
            # A note on a done walk is corrected, and what it said is kept; when it was made
            # is not part of a correction.
            if differences(observation_state(observation), wanted, ("made_at",)):
                raise Invalid({"made_at": _("When a note on a done walk was made is kept.")})
            corrections.revise_observation(actor, observation, **said, now=now)
            return
        with db.session.no_autoflush:
            describe(observation, **said)
        if merged["made_at"] is not None:
            observation.made_at = not_future(merged["made_at"], now, "made_at")

    return put_by_uuid(
        actor,
        Observation,
        observation_id,
        body,
        what="observation",
        mine=lambda observation: observation.walk.manager_id == actor.id,
        holds=lambda observation: _observation_holds(observation, wanted),
        create=lambda: _create_observation(actor, observation_id, wanted, now),
        change=change,
        options=with_photos(),
    )


def _create_observation(
    actor: Person, observation_id: uuid_lib.UUID, wanted: dict, now: datetime
) -> Outcome:
    if "walk_id" not in wanted:
        raise Invalid({"walk_id": _("Send the walk's id.")})
    walk = find_by_uuid(Walk, wanted["walk_id"])
    if walk is None:
        refuse_on_removed_walk(actor, wanted["walk_id"])
    if walk is None or walk.manager_id != actor.id:
        raise Invalid({"walk_id": _("No such walk: send the walk first.")})
    check_observable(walk)
    observation = Observation(
        uuid=observation_id,
        walk=walk,
        author_id=actor.id,
        made_at=not_future(wanted.get("made_at") or now, now, "made_at"),
        received_at=now,
        version=1,
        photos=[],  # known empty: answering needs no query
    )
    with db.session.no_autoflush:
        describe(
            observation,
            category=wanted.get("category"),
            waste_type=wanted.get("waste_type"),
            said_by=wanted.get("said_by") or "walker",
            text=wanted.get("text"),
            demand_type_id=wanted.get("demand_type_id"),
            customer_id=wanted.get("customer_id"),
        )
    if batch.queue(observation):
        # A batch's new observation: written with the others of its batch, in one INSERT.
        return Outcome(observation, created=True)
    stored = insert_once(observation, lambda found: found.walk.manager_id == actor.id)
    if stored is observation:
        return Outcome(observation, created=True)
    if not _observation_holds(stored, wanted):
        raise Invalid({"": _("This id already names a different observation; send a new id.")})
    return Outcome(stored)
