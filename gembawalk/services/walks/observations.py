"""Observations: a note added to a walk under way or just done, each field held to its rule."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import datetime

from flask_babel import gettext as _

from ...extensions import db
from ...models import Category, Observation, Person, SaidBy, Walk, WasteType
from ...timeutil import utcnow
from .. import customers as customer_register
from .. import validation
from ..demand import types as demand_types
from ..errors import Conflict, rolls_back
from .client_ids import existing_row, insert_once
from .lifecycle import get_own_walk, has_started


@rolls_back
def add_observation(
    actor: Person,
    walk_id: uuid_lib.UUID,
    *,
    category: str,
    text: str,
    said_by: str = SaidBy.WALKER.value,
    waste_type: str | None = None,
    observation_id: uuid_lib.UUID | None = None,
    made_at: datetime | None = None,
    demand_type_id: int | None = None,
    customer_id: object = None,
) -> Observation:
    """Add a note to a walk being recorded (or just done). The same id twice adds it once."""
    walk = get_own_walk(actor, walk_id)
    check_observable(walk)

    def ours(found: Observation) -> bool:
        return found.walk_id == walk.id

    existing = existing_row(Observation, observation_id, ours)
    if existing is not None:
        return existing
    observation = Observation(
        uuid=observation_id or uuid_lib.uuid4(),
        walk=walk,
        author_id=actor.id,
        made_at=made_at or utcnow(),
        received_at=utcnow(),
    )
    with db.session.no_autoflush:
        describe(
            observation,
            category=category,
            waste_type=waste_type,
            said_by=said_by,
            text=text,
            demand_type_id=demand_type_id,
            customer_id=customer_id,
        )
    return insert_once(observation, ours)


def check_observable(walk: Walk) -> None:
    if not has_started(walk):
        raise Conflict(_("Start the walk before adding observations."))


KEEP_TYPE = object()  # describe(): leave the demand type a note already names as it is


def describe(
    observation: Observation,
    *,
    category: str | None,
    waste_type: str | None,
    said_by: str,
    text: str | None,
    demand_type_id: object = KEEP_TYPE,
    customer_id: object = None,
) -> None:
    """Set what an observation says, holding each field to its rule (new or edited alike). A
    tally names its demand type, whose kind must match the category; its words are optional.
    Its walk is set first: the customer it names is checked against it."""
    observation.category = validation.choice(
        Category, category, "category", _("Choose a category.")
    )
    observation.waste_type = None
    if observation.category == Category.WASTE:
        observation.waste_type = validation.choice(
            WasteType, waste_type, "waste_type", _("Choose which waste this is.")
        )
    observation.said_by = validation.choice(SaidBy, said_by, "said_by", _("Choose who said it."))
    kept = observation.demand_type_id
    wanted = kept if demand_type_id is KEEP_TYPE else demand_types.read_type_id(demand_type_id)
    with db.session.no_autoflush:  # a new note is not in the session yet
        typed = demand_types.type_for(
            observation.walk.manager.org_unit_id, observation.category, wanted, kept
        )
    observation.demand_type = typed
    observation.text = validation.text(
        text, "text", "observation", required=typed is None, label="The note"
    )
    named = customer_register.named_customer(
        observation.walk, customer_id, observation.category, observation.said_by
    )
    # Both: the id is what corrections compare and the API answers before any flush.
    observation.customer, observation.customer_id = named, named.id if named else None
