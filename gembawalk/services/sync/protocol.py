"""Records sent by a device: create or update by the device's UUID, safe to send again.

A create names a UUID the server has not seen; the same body again is a repeat, a different
body under that UUID is refused. An edit names the version it was based on; when the server
has moved on since, the edit is kept as a conflict for the manager to resolve, never applied
over what someone else saved.

This module holds that protocol, shared by every kind of record a device writes by UUID
(walks, observations, comments, follow-ups): reading a body, answering a repeat without a
write, locking, refusing a removed UUID (tombstones.py), keeping a conflict. The rules of each
kind are beside their records: walks.py, observations.py and comments.py here,
followups/sync.py (photos.py for photos, which are never edited).
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid as uuid_lib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...database import writing
from ...extensions import db
from ...models import Comment, FollowUp, Observation, Person, Walk
from ...models.conflicts import SyncConflict
from ...models.photos import Photo
from ...timeutil import utcnow
from .. import validation
from ..errors import Conflict, Invalid, NotFound, rolls_back
from ..walks import lifecycle as walks
from .batch import UNKNOWN, known
from .tombstones import TAKEN, refuse_removed


@dataclass
class Outcome:
    """What became of a record sent by a device."""

    record: Walk | Observation | Comment | FollowUp | Photo
    created: bool = False
    conflict: SyncConflict | None = None


@contextmanager
def answer_from_memory() -> Iterator[None]:
    """Keep what was just written loaded after the commit, so that the answer is built from it
    instead of a second transaction reading it back (on SQLite, a second write lock)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = True


# A create under an id another record of the same kind already has, by the kind's name.
TAKEN_BY_ANOTHER = {
    "walk": _l("This id already names a different walk; send a new id."),
    "observation": _l("This id already names a different observation; send a new id."),
    "comment": _l("This id already names a different comment; send a new id."),
    "follow-up": _l("This id already names a different follow-up; send a new id."),
    "": _l("This id already names a different record; send a new id."),
}


def device_put(fn):
    """The outer shape of every put by UUID: a refused one leaves nothing half-written, the
    answer is built from what was written, and `now` is the clock's unless a test gives one.
    `fn(actor, record_id, body, now)` does the kind's own reading and calls put_by_uuid."""

    @functools.wraps(fn)
    @rolls_back
    def put(actor: Person, record_id: uuid_lib.UUID, body: dict, now: datetime | None = None):
        with answer_from_memory():
            return fn(actor, record_id, body, now or utcnow())

    return put


# --- reading a body -------------------------------------------------------------------------


def read_text(body: dict, name: str) -> str:
    """The text a body sends under `name`, stripped ("" when left out)."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid({name: _("Send text.")})
    return value.strip()


def read_instant(body: dict, name: str) -> datetime | None:
    """The moment a body sends under `name`, in UTC; it must carry its UTC offset."""
    value = body.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Invalid({name: _("Send an ISO 8601 date and time with its UTC offset.")})
    validation.day(parsed.date(), name)  # before astimezone, which overflows at year 1 or 9999
    return parsed.astimezone(utcnow().tzinfo)


def read_integer(body: dict, name: str) -> int | None:
    """The whole number a body sends under `name` (a JSON true or false is not one)."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid({name: _("Send a whole number.")})
    return value


def parse_uuid(value: Any, name: str) -> uuid_lib.UUID:
    """A UUID sent as `name`, or Invalid."""
    try:
        return uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Invalid({name: _("Send a UUID.")}) from exc


def read_uuid(body: dict, name: str) -> uuid_lib.UUID | None:
    """The UUID a body sends under `name`, or None when it sends none."""
    return None if body.get(name) is None else parse_uuid(body[name], name)


def base_version(body: dict) -> int | None:
    """The version an edit was made from; None for a create."""
    return read_integer(body, "base_version")


def not_future(moment: datetime, now: datetime, name: str) -> datetime:
    """A moment the device says something happened at, refused when it has not come yet."""
    # The same allowance for a device clock as completing a walk on the page gives.
    if moment > now + walks.CLOCK_SKEW:
        raise Invalid({name: _("That time has not come yet.")})
    return moment


def differences(state: dict[str, Any], wanted: dict[str, Any], names) -> set[str]:
    """Which of `names` the body sends with a value other than the server holds."""
    return {n for n in names if n in wanted and wanted[n] != state[n]}


def _body_sha256(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


# --- reading and writing a record -----------------------------------------------------------


def locked(model, public_id: uuid_lib.UUID, *options):
    """The record with this UUID, held against other writers until the commit."""
    # FOR UPDATE on PostgreSQL; on SQLite the write transaction (BEGIN IMMEDIATE) already
    # keeps other writers out, so two edits of one version cannot both pass the check.
    query = select(model).where(model.uuid == public_id).options(*options).with_for_update()
    return db.session.scalar(query)


def rule_broken(fn):
    """Within sync, a refused step is a body to fix (422), not a version conflict (409)."""

    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Conflict as error:
            db.session.rollback()
            raise Invalid({"": str(error)}) from error
        except NotFound as error:
            db.session.rollback()
            raise Invalid({"": str(error)}) from error

    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


def already_held(model, public_id: uuid_lib.UUID, holds, *options):
    """A repeat is answered without a lock or a write. Anything else ends the (read)
    transaction, so that the caller starts over in a write transaction."""
    found = known(model, public_id)
    if found is UNKNOWN:
        found = db.session.scalar(select(model).where(model.uuid == public_id).options(*options))
    if found is not None and holds(found):
        db.session.commit()
        return found
    if found is None:
        # Nothing was read that could go stale: end the read without expiring what the
        # session holds (the acting person would be read again, twice, for every create).
        db.session.commit()
    else:
        # The record must be read again under the write lock, not kept as it was.
        db.session.rollback()
    return None


def _taken(record) -> None:
    raise Invalid({"": TAKEN})


def put_by_uuid(
    actor: Person,
    model,
    record_id: uuid_lib.UUID,
    body: dict,
    *,
    what: str,
    mine: Callable[[Any], bool],
    holds: Callable[[Any], bool],
    create: Callable[[], Outcome],
    change: Callable[[Any], None],
    not_mine: Callable[[Any], None] = _taken,
    options: tuple = (),
) -> Outcome:
    """The one way a record is written by its UUID. A repeat is answered without writing; a
    UUID the server removed is refused as gone; a new UUID is created (`create`); a record the
    actor may not write is refused (`not_mine` raises why); an edit names the version it was
    based on, and a stale one is kept as a conflict; otherwise `change` applies it and the
    version goes up. `mine` says whether the actor may write the record, `holds` whether it
    already says what was sent."""
    if known(model, record_id) is None:
        # A batch read this UUID up front as never held nor removed: create it, without
        # asking again (a concurrent create of the same UUID meets the unique constraint).
        with writing():
            base_version(body)
            return create()
    held = already_held(model, record_id, lambda r: mine(r) and holds(r), *options)
    if held is not None:
        return Outcome(held)
    with writing():
        based_on = base_version(body)
        record = locked(model, record_id, *options)
        if record is None:
            refuse_removed(actor, record_id)
            return create()
        if not mine(record):
            not_mine(record)
        if holds(record):
            db.session.commit()
            return Outcome(record)
        if based_on is None:
            raise Invalid({"": str(TAKEN_BY_ANOTHER.get(what, TAKEN_BY_ANOTHER[""]))})
        if based_on != record.version:
            return Outcome(record, conflict=keep_conflict(actor, what, record, based_on, body))
        change(record)
        record.version += 1
        db.session.commit()
        return Outcome(record)


# --- conflicts ------------------------------------------------------------------------------


def keep_conflict(actor: Person, record_type: str, record, base_version: int, body: dict):
    """Keep a stale edit as sent; the same stale edit again finds the conflict already kept."""
    digest = _body_sha256(body)
    query = select(SyncConflict).where(
        SyncConflict.record_uuid == record.uuid, SyncConflict.body_sha256 == digest
    )
    found = db.session.scalar(query)
    if found is not None:
        db.session.commit()
        return found
    conflict = SyncConflict(
        person_id=actor.id,
        record_type=record_type,
        record_uuid=record.uuid,
        base_version=base_version,
        server_version=record.version,
        body=json.dumps(body, sort_keys=True),
        body_sha256=digest,
    )
    db.session.add(conflict)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return db.session.scalar(query)
    return conflict
