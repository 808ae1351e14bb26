"""Comments sent by a device: a comment or a reply created by its UUID, or its author's edit,
through the put-by-UUID protocol (protocol.py) and the same rules as on the walk's page."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from ...models import Comment, Person
from .. import access, coaching
from ..errors import Forbidden, Invalid
from .protocol import (
    Outcome,
    device_put,
    differences,
    parse_uuid,
    put_by_uuid,
    read_text,
    read_uuid,
)
from .tombstones import TAKEN, refuse_on_removed_walk

# A comment is its words on its walk; where in the walk it sits is settled when it is made
# (an answer to a reply joins the reply's thread), so a repeat is not judged by it.
COMPARED = ("walk_id", "body")


def wanted_comment(body: dict) -> dict[str, Any]:
    """The comment a body describes, for the fields the body names."""
    readers = {
        "walk_id": lambda: parse_uuid(body.get("walk_id"), "walk_id"),
        "observation_id": lambda: read_uuid(body, "observation_id"),
        "parent_id": lambda: read_uuid(body, "parent_id"),
        "body": lambda: read_text(body, "body"),
    }
    return {name: read() for name, read in readers.items() if name in body}


def comment_state(comment: Comment) -> dict[str, Any]:
    return {
        "walk_id": comment.walk.uuid,
        "observation_id": comment.observation.uuid if comment.observation else None,
        "parent_id": comment.parent.uuid if comment.parent else None,
        "body": comment.body,
    }


def zone_of(comment: Comment) -> str:
    return comment.walk.timezone


def _holds(comment: Comment, wanted: dict[str, Any]) -> bool:
    return not differences(comment_state(comment), wanted, COMPARED)


@device_put
def put_comment(actor: Person, comment_id: uuid_lib.UUID, body: dict, now: datetime) -> Outcome:
    """Create a comment (walk_id and body; observation_id or parent_id to place it) or change
    its words (body and base_version, the author only)."""
    wanted = wanted_comment(body)

    def mine(comment: Comment) -> bool:
        return comment.author_id == actor.id and access.can_see_person(
            actor, comment.walk.manager_id
        )

    def not_mine(comment: Comment) -> None:
        if access.can_see_person(actor, comment.walk.manager_id):
            raise Forbidden(_("Only the author changes a comment."))
        raise Invalid({"": TAKEN})

    def change(comment: Comment) -> None:
        if "walk_id" in wanted and wanted["walk_id"] != comment.walk.uuid:
            raise Invalid({"walk_id": _("A comment cannot move to another walk.")})
        comment.body = coaching.comment_text(wanted.get("body"))

    def create() -> Outcome:
        if wanted.get("walk_id") is None:
            raise Invalid({"walk_id": _("Name the walk the comment is on.")})
        refuse_on_removed_walk(actor, wanted["walk_id"])
        comment, created = coaching.add_comment(
            actor,
            wanted["walk_id"],
            wanted.get("body") or "",
            observation_id=wanted.get("observation_id"),
            parent_id=wanted.get("parent_id"),
            comment_id=comment_id,
        )
        return Outcome(comment, created=created)

    return put_by_uuid(
        actor,
        Comment,
        comment_id,
        body,
        what="comment",
        mine=mine,
        holds=lambda comment: _holds(comment, wanted),
        create=create,
        change=change,
        not_mine=not_mine,
    )
