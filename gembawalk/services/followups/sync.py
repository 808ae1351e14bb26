"""Follow-ups sent by a device: created, changed or closed by their UUID through the
put-by-UUID protocol (services/sync/protocol.py), under the same rules as the pages (rules.py)."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from ...extensions import db
from ...models import FollowUp, FollowUpStatus, Person
from .. import validation
from ..demand import fixes
from ..demand import types as demand_types
from ..errors import Forbidden, Invalid, NotFound
from ..sync.protocol import (
    Outcome,
    device_put,
    differences,
    parse_uuid,
    put_by_uuid,
    read_integer,
    read_text,
    read_uuid,
)
from ..sync.tombstones import TAKEN, refuse_on_removed_walk
from . import rules

FIELDS = (
    "walk_id",
    "observation_id",
    "action",
    "owner_id",
    "due_date",
    "status",
    "closing_note",
    "demand_type_id",
)
CHANGED = ("action", "owner_id", "due_date")


def _day(body: dict, name: str) -> date:
    value = body[name]
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise Invalid({name: _("Send a date, YYYY-MM-DD.")})


def wanted_follow_up(body: dict) -> dict[str, Any]:
    """The follow-up a body describes, for the fields the body names: a field sent as null is
    left as it is, as if it were not sent."""
    readers = {
        "walk_id": lambda: parse_uuid(body["walk_id"], "walk_id"),
        "observation_id": lambda: read_uuid(body, "observation_id"),
        "action": lambda: read_text(body, "action"),
        "owner_id": lambda: read_integer(body, "owner_id"),
        "due_date": lambda: _day(body, "due_date"),
        "status": lambda: validation.choice(
            FollowUpStatus, body["status"], "status", _("Send open or closed.")
        ),
        "closing_note": lambda: read_text(body, "closing_note"),
        "demand_type_id": lambda: demand_types.read_type_id(body["demand_type_id"]),
    }
    return {name: read() for name, read in readers.items() if body.get(name) is not None}


def follow_up_state(item: FollowUp) -> dict[str, Any]:
    return {
        "walk_id": item.walk.uuid,
        "observation_id": item.observation.uuid if item.observation else None,
        "action": item.action,
        "owner_id": item.owner_id,
        "due_date": item.due_date,
        "status": item.status,
        "closing_note": item.closing_note,
        "demand_type_id": item.demand_type_id,
    }


def zone_of(item: FollowUp) -> str:
    return item.walk.timezone


def _holds(item: FollowUp, wanted: dict[str, Any]) -> bool:
    return not differences(follow_up_state(item), wanted, FIELDS)


@device_put
def put_follow_up(actor: Person, follow_up_id: uuid_lib.UUID, body: dict, now: datetime) -> Outcome:
    """Create a follow-up (walk_id, action, owner_id, due_date; observation_id when it comes
    from one observation), change an open one (base_version and any of action, owner_id,
    due_date), or close it (base_version, status "closed" and closing_note: "you said, we
    did"). One made and closed while offline arrives closed."""
    wanted = wanted_follow_up(body)

    def not_mine(item: FollowUp) -> None:
        try:
            rules.get_follow_up(actor, item.uuid)
        except NotFound:
            raise Invalid({"": TAKEN}) from None
        raise Forbidden(_("Only the owner, or whoever made it, changes a follow-up."))

    def change(item: FollowUp) -> None:
        state = follow_up_state(item)
        if differences(state, wanted, ("walk_id", "observation_id")):
            raise Invalid({"walk_id": _("A follow-up stays on the walk it came from.")})
        merged = {**state, **wanted}
        if differences(state, wanted, ("demand_type_id",)):  # the demand type it means to reduce
            fixes.set_aim(item, merged["demand_type_id"])
        if differences(state, wanted, CHANGED):
            text, owner, due = rules.checked_change(
                actor,
                item,
                action=merged["action"],
                owner_id=merged["owner_id"],
                due_date=merged["due_date"],
                now=now,
            )
            item.action, item.owner_id, item.due_date = text, owner.id, due
            if owner.id != actor.id:
                rules.tell_owner(item, actor)
        if merged["status"] == item.status and (
            item.status == FollowUpStatus.OPEN or merged["closing_note"] == item.closing_note
        ):
            return
        if item.status == FollowUpStatus.CLOSED:
            raise Invalid({"status": _("A closed follow-up cannot be changed.")})
        for name, value in rules.closing(actor, merged["closing_note"], now).items():
            setattr(item, name, value)

    def create() -> Outcome:
        if wanted.get("walk_id") is None:
            raise Invalid({"walk_id": _("Name the walk the follow-up comes from.")})
        closes = wanted.get("status") == FollowUpStatus.CLOSED
        if closes:  # made and done while offline: refused whole if the note breaks a rule
            rules.clean_closing_note(wanted.get("closing_note"))
        refuse_on_removed_walk(actor, wanted["walk_id"])
        item, created = rules.create_follow_up(
            actor,
            wanted["walk_id"],
            action=wanted.get("action") or "",
            owner_id=wanted.get("owner_id"),
            due_date=wanted.get("due_date"),
            observation_id=wanted.get("observation_id"),
            follow_up_id=follow_up_id,
            now=now,
        )
        if created and wanted.get("demand_type_id") is not None:
            fixes.set_aim(item, wanted["demand_type_id"])
            db.session.commit()
        if created and closes:
            for name, value in rules.closing(actor, wanted.get("closing_note"), now).items():
                setattr(item, name, value)
            item.version += 1
            db.session.commit()
        return Outcome(item, created=created)

    return put_by_uuid(
        actor,
        FollowUp,
        follow_up_id,
        body,
        what="follow-up",
        mine=lambda item: rules.may_close(actor, item),
        holds=lambda item: _holds(item, wanted),
        create=create,
        change=change,
        not_mine=not_mine,
    )
