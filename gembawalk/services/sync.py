"""Records sent by a device: create or update by the device's UUID, safe to send again.

A create names a UUID the server has not seen; the same body again is a repeat, a different
body under that UUID is refused. An edit names the version it was based on; when the server
has moved on since, the edit is kept as a conflict for the manager to resolve, never applied
over what someone else saved.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_lib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..database import writing
from ..extensions import db
from ..models import Observation, Person, Walk, WalkKind, WalkStatus
from ..models.conflicts import SyncConflict
from ..models.photos import Photo
from ..timeutil import local, utcnow
from . import walks
from .errors import Conflict, Invalid, NotFound, rolls_back
from .people import timezone_name, zone_for

PLAN_FIELDS = ("kind", "planned_start", "planned_minutes", "place", "purpose", "customer_ids")
RECORD_FIELDS = (
    "started_at",
    "completed_at",
    "customers_spoken_to",
    "customer_ids",
    "frontline_met",
    "summary",
)
# What must agree for a body to be "the same walk" at each status; the rest means nothing there.
COMPARED = {
    WalkStatus.PLANNED: PLAN_FIELDS,
    WalkStatus.IN_PROGRESS: (*PLAN_FIELDS, "started_at"),
    WalkStatus.DONE: (*PLAN_FIELDS, *RECORD_FIELDS),
    WalkStatus.CANCELLED: PLAN_FIELDS,
}
OBSERVATION_FIELDS = ("walk_id", "category", "waste_type", "said_by", "text", "made_at")
# From each status, the steps that lead to another (the same rules as the pages).
PATHS = {
    (WalkStatus.PLANNED, WalkStatus.IN_PROGRESS): ("start",),
    (WalkStatus.PLANNED, WalkStatus.DONE): ("start", "complete"),
    (WalkStatus.PLANNED, WalkStatus.CANCELLED): ("cancel",),
    (WalkStatus.IN_PROGRESS, WalkStatus.DONE): ("complete",),
}


@dataclass
class Outcome:
    """What became of a record sent by a device."""

    record: Walk | Observation | Photo
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


# --- reading a body -------------------------------------------------------------------------


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid({name: "Send text."})
    return value.strip()


def _instant(body: dict, name: str) -> datetime | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Invalid({name: "Send an ISO 8601 date and time with its UTC offset."})
    return parsed.astimezone(utcnow().tzinfo)


def _integer(body: dict, name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid({name: "Send a whole number."})
    return value


def parse_uuid(value: Any, name: str) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Invalid({name: "Send a UUID."}) from exc


def _ids(body: dict, name: str) -> list[int]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise Invalid({name: "Send a list of customer ids."})
    return sorted(set(value))


def _enum(enum_cls, body: dict, name: str, default=None):
    value = body.get(name, default)
    if value is None:
        return None
    try:
        return enum_cls(value)
    except ValueError as exc:
        choices = ", ".join(m.value for m in enum_cls)
        raise Invalid({name: f"Send one of: {choices}."}) from exc


def _not_future(moment: datetime, now: datetime, name: str) -> datetime:
    # The same allowance for a device clock as completing a walk on the page gives.
    if moment > now + walks.CLOCK_SKEW:
        raise Invalid({name: "That time has not come yet."})
    return moment


def wanted_walk(body: dict) -> dict[str, Any]:
    """The walk a body describes, in the model's own terms, for the fields the body names."""
    readers = {
        "kind": lambda: _enum(WalkKind, body, "kind"),
        "status": lambda: _enum(WalkStatus, body, "status"),
        "planned_start": lambda: _instant(body, "planned_start"),
        "planned_minutes": lambda: _integer(body, "planned_minutes"),
        "timezone": lambda: timezone_name(body.get("timezone")),
        "place": lambda: _text(body, "place"),
        "purpose": lambda: _text(body, "purpose"),
        "customer_ids": lambda: _ids(body, "customer_ids"),
        "started_at": lambda: _instant(body, "started_at"),
        "completed_at": lambda: _instant(body, "completed_at"),
        "customers_spoken_to": lambda: _integer(body, "customers_spoken_to"),
        "frontline_met": lambda: _text(body, "frontline_met"),
        "summary": lambda: _text(body, "summary"),
    }
    return {name: read() for name, read in readers.items() if name in body}


def walk_state(walk: Walk) -> dict[str, Any]:
    return {
        "kind": walk.kind,
        "status": walk.status,
        "planned_start": walk.planned_start,
        "planned_minutes": walk.planned_minutes,
        "timezone": walk.timezone,
        "place": walk.place,
        "purpose": walk.purpose,
        "customer_ids": sorted(c.id for c in walk.customers),
        "started_at": walk.started_at,
        "completed_at": walk.completed_at,
        "customers_spoken_to": walk.customers_spoken_to,
        "frontline_met": walk.frontline_met,
        "summary": walk.summary,
    }


def _differences(state: dict[str, Any], wanted: dict[str, Any], names) -> set[str]:
    return {n for n in names if n in wanted and wanted[n] != state[n]}


def _holds(walk: Walk, wanted: dict[str, Any]) -> bool:
    """Whether the server's walk already is what the body describes (a repeat, or an edit
    that landed before its answer was lost)."""
    state = walk_state(walk)
    status = wanted.get("status", state["status"])
    return status == state["status"] and not _differences(state, wanted, COMPARED[status])


def _body_sha256(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _base_version(body: dict) -> int | None:
    return _integer(body, "base_version")


# --- walks ----------------------------------------------------------------------------------


def _locked(model, public_id: uuid_lib.UUID, *options):
    # FOR UPDATE on PostgreSQL; on SQLite the write transaction (BEGIN IMMEDIATE) already
    # keeps other writers out, so two edits of one version cannot both pass the check.
    query = select(model).where(model.uuid == public_id).options(*options).with_for_update()
    return db.session.scalar(query)


def _plan_for(walk: Walk, merged: dict[str, Any]) -> walks.WalkPlan:
    start = local(merged["planned_start"], walk.timezone)
    return walks.WalkPlan(
        kind=merged["kind"],
        day=start.date(),
        at=start.time(),
        place=merged["place"],
        purpose=merged["purpose"],
        planned_minutes=merged["planned_minutes"],
        customer_ids=merged["customer_ids"],
    )


def _record_for(walk: Walk, merged: dict[str, Any]) -> walks.WalkRecord:
    def wall(instant: datetime | None) -> datetime | None:
        return None if instant is None else local(instant, walk.timezone).replace(tzinfo=None)

    return walks.WalkRecord(
        started_at=wall(merged["started_at"]),
        completed_at=wall(merged["completed_at"]),
        customers_spoken_to=merged["customers_spoken_to"],
        customer_ids=merged["customer_ids"],
        frontline_met=merged["frontline_met"],
        summary=merged["summary"],
    )


def _move_walk(actor: Person, walk: Walk, wanted: dict[str, Any], now: datetime, new: bool):
    """Bring a walk to what the body describes, through the same steps as the pages."""
    state = walk_state(walk)
    merged = {**state, **wanted}
    target = merged["status"]
    # customer_ids are the customers to meet on a plan, and those met on a done walk.
    plan_names = PLAN_FIELDS if target != WalkStatus.DONE else PLAN_FIELDS[:-1]
    if new or _differences(state, wanted, plan_names):
        if walk.status != WalkStatus.PLANNED:
            raise Invalid({"": "Only a planned walk can be changed."})
        walks.apply_plan(actor, walk, _plan_for(walk, merged), now, allow_past=True)
    if target == walk.status:
        if target != WalkStatus.PLANNED and _differences(
            walk_state(walk), wanted, COMPARED[target]
        ):
            raise Invalid({"": f"A walk {target.label.lower()} cannot be changed."})
        return
    steps = PATHS.get((walk.status, target))
    if steps is None:
        raise Invalid(
            {"status": f"A walk {walk.status.label.lower()} cannot become {target.label.lower()}."}
        )
    for step in steps:
        if step == "start":
            walks.begin(walk, _not_future(merged["started_at"] or now, now, "started_at"))
        elif step == "cancel":
            walks.call_off(walk, now)
        else:
            walks.finish(actor, walk, _record_for(walk, merged), now)


def _rule_broken(fn):
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


@_rule_broken
@rolls_back
def put_walk(
    actor: Person, walk_id: uuid_lib.UUID, body: dict, now: datetime | None = None
) -> Outcome:
    """Create or update a walk from a device's body (see API_NOTES / the OpenAPI document)."""
    walks.require_manager(actor)
    with answer_from_memory():
        return _put_walk(actor, walk_id, body, now or utcnow())


def _already_held(model, public_id: uuid_lib.UUID, holds, *options):
    """A repeat is answered without a lock or a write. Anything else ends the (read)
    transaction, so that the caller starts over in a write transaction."""
    found = db.session.scalar(select(model).where(model.uuid == public_id).options(*options))
    if found is not None and holds(found):
        db.session.commit()
        return found
    db.session.rollback()
    return None


def _put_walk(actor: Person, walk_id: uuid_lib.UUID, body: dict, now: datetime) -> Outcome:
    wanted = wanted_walk(body)
    held = _already_held(Walk, walk_id, lambda w: w.manager_id == actor.id and _holds(w, wanted))
    if held is not None:
        return Outcome(held)
    with writing():
        return _write_walk(actor, walk_id, body, wanted, now)


def _write_walk(
    actor: Person, walk_id: uuid_lib.UUID, body: dict, wanted: dict, now: datetime
) -> Outcome:
    base_version = _base_version(body)
    walk = _locked(Walk, walk_id)
    if walk is None:
        return _create_walk(actor, walk_id, wanted, now)
    if walk.manager_id != actor.id:
        raise Invalid({"": "That id is already taken."})
    if _holds(walk, wanted):
        db.session.commit()
        return Outcome(walk)
    if base_version is None:
        raise Invalid({"": "This id already names a different walk; send a new id."})
    if base_version != walk.version:
        return Outcome(walk, conflict=_keep_conflict(actor, "walk", walk, base_version, body))
    with db.session.no_autoflush:
        _move_walk(actor, walk, wanted, now, new=False)
    walk.version += 1
    db.session.commit()
    return Outcome(walk)


def _create_walk(actor: Person, walk_id: uuid_lib.UUID, wanted: dict, now: datetime) -> Outcome:
    for name, label in (("kind", "Send the kind of walk."), ("planned_start", "Send when.")):
        if wanted.get(name) is None:
            raise Invalid({name: label})
    walk = Walk(
        uuid=walk_id,
        manager_id=actor.id,
        timezone=wanted.get("timezone") or zone_for(actor),
        status=WalkStatus.PLANNED,
        planned_minutes=60,
        place="",
        purpose="",
        frontline_met="",
        summary="",
        version=1,
    )
    walk.customers = []
    with db.session.no_autoflush:
        _move_walk(actor, walk, {"status": WalkStatus.PLANNED, **wanted}, now, new=True)
    stored = walks.store_new_walk(actor, walk)
    if stored is walk:
        return Outcome(walk, created=True)
    if not _holds(stored, wanted):  # another request made this id first, with another body
        raise Invalid({"": "This id already names a different walk; send a new id."})
    return Outcome(stored)


# --- observations ---------------------------------------------------------------------------


def wanted_observation(body: dict) -> dict[str, Any]:
    readers = {
        "walk_id": lambda: parse_uuid(body.get("walk_id"), "walk_id"),
        "category": lambda: body.get("category"),
        "waste_type": lambda: body.get("waste_type"),
        "said_by": lambda: body.get("said_by"),
        "text": lambda: _text(body, "text"),
        "made_at": lambda: _instant(body, "made_at"),
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
    }


def _observation_holds(observation: Observation, wanted: dict) -> bool:
    return not _differences(observation_state(observation), wanted, OBSERVATION_FIELDS)


@_rule_broken
@rolls_back
def put_observation(
    actor: Person, observation_id: uuid_lib.UUID, body: dict, now: datetime | None = None
) -> Outcome:
    walks.require_manager(actor)
    with answer_from_memory():
        return _put_observation(actor, observation_id, body, now or utcnow())


def _put_observation(
    actor: Person, observation_id: uuid_lib.UUID, body: dict, now: datetime
) -> Outcome:
    wanted = wanted_observation(body)
    photos = selectinload(Observation.photos)
    held = _already_held(
        Observation,
        observation_id,
        lambda o: o.walk.manager_id == actor.id and _observation_holds(o, wanted),
        photos,
    )
    if held is not None:
        return Outcome(held)
    with writing():
        return _write_observation(actor, observation_id, body, wanted, now)


def _write_observation(
    actor: Person, observation_id: uuid_lib.UUID, body: dict, wanted: dict, now: datetime
) -> Outcome:
    base_version = _base_version(body)
    photos = selectinload(Observation.photos)
    observation = _locked(Observation, observation_id, photos)
    if observation is None:
        return _create_observation(actor, observation_id, wanted, now)
    if observation.walk.manager_id != actor.id:
        raise Invalid({"": "That id is already taken."})
    if _observation_holds(observation, wanted):
        db.session.commit()
        return Outcome(observation)
    if base_version is None:
        raise Invalid({"": "This id already names a different observation; send a new id."})
    if base_version != observation.version:
        return Outcome(
            observation,
            conflict=_keep_conflict(actor, "observation", observation, base_version, body),
        )
    if "walk_id" in wanted and wanted["walk_id"] != observation.walk.uuid:
        raise Invalid({"walk_id": "An observation cannot move to another walk."})
    walks.check_observable(observation.walk)
    merged = {**observation_state(observation), **wanted}
    with db.session.no_autoflush:
        walks.describe(
            observation,
            category=merged["category"],
            waste_type=merged["waste_type"],
            said_by=merged["said_by"],
            text=merged["text"],
        )
    if merged["made_at"] is not None:
        observation.made_at = _not_future(merged["made_at"], now, "made_at")
    observation.version += 1
    db.session.commit()
    return Outcome(observation)


def _create_observation(
    actor: Person, observation_id: uuid_lib.UUID, wanted: dict, now: datetime
) -> Outcome:
    if "walk_id" not in wanted:
        raise Invalid({"walk_id": "Send the walk's id."})
    walk = db.session.scalar(select(Walk).where(Walk.uuid == wanted["walk_id"]))
    if walk is None or walk.manager_id != actor.id:
        raise Invalid({"walk_id": "No such walk: send the walk first."})
    walks.check_observable(walk)
    observation = Observation(
        uuid=observation_id,
        walk=walk,
        author_id=actor.id,
        made_at=_not_future(wanted.get("made_at") or now, now, "made_at"),
        received_at=now,
        version=1,
        photos=[],  # known empty: answering needs no query
    )
    with db.session.no_autoflush:
        walks.describe(
            observation,
            category=wanted.get("category"),
            waste_type=wanted.get("waste_type"),
            said_by=wanted.get("said_by") or "walker",
            text=wanted.get("text"),
        )
    stored = walks.insert_once(observation, lambda found: found.walk.manager_id == actor.id)
    if stored is observation:
        return Outcome(observation, created=True)
    if not _observation_holds(stored, wanted):
        raise Invalid({"": "This id already names a different observation; send a new id."})
    return Outcome(stored)


# --- conflicts ------------------------------------------------------------------------------


def _keep_conflict(actor: Person, record_type: str, record, base_version: int, body: dict):
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
