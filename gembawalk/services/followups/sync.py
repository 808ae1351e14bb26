"""Follow-ups sent by a device: the API's create-or-edit by the device's id, through the
same rules as the pages (followups.py)."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date, datetime

from sqlalchemy import select

from ...extensions import db
from ...models import FollowUp, FollowUpStatus, Person
from ..errors import Invalid, NotFound, rolls_back
from .rules import (
    clean_closing_note,
    close_follow_up,
    create_follow_up,
    get_follow_up,
    update_follow_up,
)


@rolls_back
def put_follow_up(
    actor: Person,
    follow_up_id: uuid_lib.UUID,
    *,
    walk_id: uuid_lib.UUID | None = None,
    observation_id: uuid_lib.UUID | None = None,
    action: str | None = None,
    owner_id: int | None = None,
    due_date: date | None = None,
    status: str | None = None,
    closing_note: str | None = None,
    base_version: int | None = None,
    now: datetime | None = None,
) -> tuple[FollowUp, bool]:
    """The API's create-or-edit by the device's id. A create (no base_version) sent again is a
    repeat; an edit names the version it was made from; status "closed" with a closing note
    closes it ("you said, we did"). Returns the follow-up and whether this call created it."""
    if status not in (None, "open", "closed"):
        raise Invalid({"status": "Send open or closed."})
    existing = db.session.scalar(select(FollowUp).where(FollowUp.uuid == follow_up_id))
    if existing is None and base_version is not None:
        raise NotFound("No such follow-up.")
    if existing is None or base_version is None:
        if walk_id is None:
            raise Invalid({"walk_id": "Name the walk the follow-up comes from."})
        item, created = create_follow_up(
            actor,
            walk_id,
            action=action or "",
            owner_id=owner_id,
            due_date=due_date,
            observation_id=observation_id,
            follow_up_id=follow_up_id,
            now=now,
        )
        if created and status == "closed":  # made and done while offline
            item, _ = close_follow_up(actor, item.uuid, closing_note or "", now=now)
        return item, created
    item = get_follow_up(actor, follow_up_id)
    if status == "closed":
        closed = item.status == FollowUpStatus.CLOSED
        if closed and item.closing_note == clean_closing_note(closing_note):
            return item, False  # the retry of a close that already landed
        return close_follow_up(
            actor, follow_up_id, closing_note or "", base_version=base_version, now=now
        )[0], False
    return update_follow_up(
        actor,
        follow_up_id,
        action=action if action is not None else item.action,
        owner_id=owner_id if owner_id is not None else item.owner_id,
        due_date=due_date if due_date is not None else item.due_date,
        base_version=base_version,
        now=now,
    ), False
