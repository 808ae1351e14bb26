"""Where a walk stands against each step of its loop: what a page sent again (Back, a
re-POST) is told instead of an error, and the way back from a cancel."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import datetime

from flask_babel import gettext as _

from ...extensions import db
from ...models import Person, Walk, WalkStatus
from ...timeutil import local, utcnow
from ..errors import Conflict, rolls_back
from .lifecycle import get_own_walk


@rolls_back
def reinstate_walk(actor: Person, walk_id: uuid_lib.UUID, now: datetime | None = None) -> Walk:
    """Undo a cancel: a cancelled walk whose time has not passed is planned again."""
    walk = get_own_walk(actor, walk_id)
    if walk.status == WalkStatus.PLANNED:
        return walk  # a second tap on "Reinstate" changes nothing
    if not may_reinstate(walk, now or utcnow()):
        raise Conflict(_("Only a cancelled walk whose time has not passed can be reinstated."))
    walk.status, walk.cancelled_at = WalkStatus.PLANNED, None
    walk.version += 1
    db.session.commit()
    return walk


def may_reinstate(walk: Walk, now: datetime) -> bool:
    return walk.status == WalkStatus.CANCELLED and walk.planned_start > now


def moved_past(walk: Walk, step: str) -> str | None:
    """What happened to a walk already past a step ("start", "complete" or "cancel"), said
    in a line for the walk's page; None while the step still applies. A page sent again
    (Back, a re-POST) is answered with this line rather than an error."""
    applies = {
        "start": (WalkStatus.PLANNED,),
        "complete": (WalkStatus.IN_PROGRESS,),
        "cancel": (WalkStatus.PLANNED,),
    }[step]
    if walk.status in applies:
        return None
    if walk.status == WalkStatus.PLANNED:
        return "This walk has not been started yet."
    status, at = {
        WalkStatus.IN_PROGRESS: ("started", walk.started_at),
        WalkStatus.DONE: ("completed", walk.completed_at),
        WalkStatus.CANCELLED: ("cancelled", walk.cancelled_at),
    }[walk.status]
    if at is None:  # a walk from before the time was kept
        return f"This walk was {status}."
    when = local(at, walk.timezone)
    return f"This walk was {status} on {when:%a} {when.day} {when:%b} at {when:%H:%M}."
