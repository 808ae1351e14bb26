"""What a device reads: the manager's walks for a range of days, and which of its records the
server already holds."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Observation, Person, Walk, WalkStatus
from ...models.photos import Photo
from ...timeutil import day_range_utc
from ..errors import Invalid
from ..people.accounts import zone_for
from .protocol import parse_uuid

MAX_STATUS_UUIDS = 500
# The kinds of record a device asks about, as the status answer names them.
HELD_TYPES = ("walk", "observation", "photo")
WALK, OBSERVATION, PHOTO = HELD_TYPES
MAX_DAYS = 400


def held(actor: Person, uuids: object) -> tuple[list[dict], list[str]]:
    """Which of these ids the server holds for this person, and at which version."""
    if not isinstance(uuids, list) or len(uuids) > MAX_STATUS_UUIDS:
        raise Invalid({"uuids": _("Send a list of at most %(most)d ids.", most=MAX_STATUS_UUIDS)})
    wanted = {parse_uuid(value, "uuids") for value in uuids}
    found: dict[uuid_lib.UUID, dict] = {}
    if wanted:
        for walk_uuid, version in db.session.execute(
            select(Walk.uuid, Walk.version).where(
                Walk.uuid.in_(wanted), Walk.manager_id == actor.id
            )
        ):
            found[walk_uuid] = {"uuid": str(walk_uuid), "type": WALK, "version": version}
        for obs_uuid, version in db.session.execute(
            select(Observation.uuid, Observation.version)
            .join(Observation.walk)
            .where(Observation.uuid.in_(wanted), Walk.manager_id == actor.id)
        ):
            found[obs_uuid] = {"uuid": str(obs_uuid), "type": OBSERVATION, "version": version}
        for (photo_uuid,) in db.session.execute(
            select(Photo.uuid)
            .join(Photo.observation)
            .join(Observation.walk)
            .where(Photo.uuid.in_(wanted), Walk.manager_id == actor.id)
        ):
            found[photo_uuid] = {"uuid": str(photo_uuid), "type": PHOTO, "version": 1}
    missing = sorted(str(u) for u in wanted if u not in found)
    return list(found.values()), missing


def walks_between(actor: Person, first: date, last: date) -> list[Walk]:
    """The manager's walks planned from `first` to `last` (their local days, inclusive), and
    any walk in progress, with customers, observations and photos loaded in a few queries."""
    if last < first:
        raise Invalid({"to": _("The end comes before the start.")})
    if (last - first).days > MAX_DAYS:
        raise Invalid({"to": _("Ask for at most %(most)d days at a time.", most=MAX_DAYS)})
    zone = zone_for(actor)
    start, end = day_range_utc(first, zone)[0], day_range_utc(last, zone)[1]
    query = (
        select(Walk)
        .where(
            Walk.manager_id == actor.id,
            or_(
                and_(Walk.planned_start >= start, Walk.planned_start < end),
                Walk.status == WalkStatus.IN_PROGRESS,
            ),
        )
        .options(
            selectinload(Walk.customers),
            selectinload(Walk.observations).selectinload(Observation.photos),
        )
        .order_by(Walk.planned_start)
    )
    return list(db.session.scalars(query))
