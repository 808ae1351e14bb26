"""Removing records that devices write by UUID. A tombstone is kept in the same transaction as
the delete, so that a phone still holding the record is told it is gone (410) instead of
making it again, and its UUID is never used for anything else."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Comment, FollowUp, Observation, Person, RemovedRecord, Walk
from ..errors import Gone, Invalid

TAKEN = "That id is already taken: send a new id."


def remove_walks(walks: Sequence[Walk], reason: str) -> int:
    """Delete these walks with everything on them (observations, comments, follow-ups; the
    database cascades the rows), leaving a tombstone for each. The caller commits."""
    ids = [walk.id for walk in walks]
    if not ids:
        return 0
    stones = [(walk.uuid, "walk", walk.manager_id) for walk in walks]
    for model, record_type, person in (
        (Observation, "observation", Observation.author_id),
        (Comment, "comment", Comment.author_id),
        (FollowUp, "follow-up", FollowUp.created_by_id),
    ):
        found = db.session.execute(select(model.uuid, person).where(model.walk_id.in_(ids)))
        stones += [(record_id, record_type, person_id) for record_id, person_id in found]
    db.session.add_all(
        RemovedRecord(uuid=record_id, record_type=record_type, person_id=person_id, reason=reason)
        for record_id, record_type, person_id in stones
    )
    for walk in walks:
        db.session.delete(walk)
    return len(ids)


def refuse_removed(actor: Person, record_id: uuid_lib.UUID) -> None:
    """Refuse to make a record under a UUID the server once held: its owner hears why it went
    (410); anyone else hears only that the id is taken, as for a record that still exists."""
    stone = db.session.get(RemovedRecord, record_id)
    if stone is None:
        return
    if stone.person_id == actor.id:
        raise Gone(stone.reason)
    raise Invalid({"": TAKEN})


def refuse_on_removed_walk(actor: Person, walk_id: uuid_lib.UUID | None) -> None:
    """A record sent for the sender's own walk that was removed goes with it (410); anyone
    else's removed walk is simply not found, like any walk they may not see."""
    if walk_id is None:
        return
    stone = db.session.get(RemovedRecord, walk_id)
    if stone is not None and stone.record_type == "walk" and stone.person_id == actor.id:
        raise Gone(_("The walk it was on is gone. %(reason)s", reason=stone.reason))
