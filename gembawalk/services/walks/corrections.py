"""Correcting a sent record: for a while after a walk is done its walker may correct its record
and its observations, and every correction keeps what it replaced, in the same transaction, as
the walk's history. The pages and devices (sync/walks.py, sync/observations.py) both correct
through revise_walk and revise_observation here."""

from __future__ import annotations

import json
import uuid as uuid_lib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    Category,
    Correction,
    Customer,
    Observation,
    Person,
    SaidBy,
    Walk,
    WalkStatus,
    WasteType,
)
from ...timeutil import local, utcnow
from .. import access, validation
from ..errors import Conflict, NotFound, rolls_back
from ..questions import answers as walk_answers
from . import lifecycle as walks
from . import observations

# How long after a walk finished its walker may still correct it.
WINDOW = timedelta(days=14)

# What a correction may change, with the words the page shows each by (the API uses the names).
WALK_LABELS = {
    "started_at": _l("Started"),
    "completed_at": _l("Finished"),
    "customers_spoken_to": _l("Customers spoken to"),
    "customer_ids": _l("Customers met"),
    "frontline_met": _l("Frontline people met"),
    "summary": "Summary",
    "answers": _l("Answers"),
}
OBSERVATION_LABELS = {
    "category": _l("Category"),
    "waste_type": _l("Which waste"),
    "said_by": _l("Who said it"),
    "text": _l("Note"),
    "customer_id": _l("Customer who said it"),
}
LABELS = {**WALK_LABELS, **OBSERVATION_LABELS}
ENUMS = {"category": Category, "waste_type": WasteType, "said_by": SaidBy}


# --- who may correct, and until when ------------------------------------------------------


def correctable_until(walk: Walk) -> datetime | None:
    """The moment a done walk stops being correctable; None for a walk not done. It runs from
    the finish the walk was first recorded with: correcting the finish to a later time does
    not stretch the window."""
    if walk.status != WalkStatus.DONE or walk.completed_at is None:
        return None
    query = select(Correction.changes_json).where(
        Correction.walk_id == walk.id, Correction.observation_uuid.is_(None)
    )
    finishes = [walk.completed_at]
    for changes in map(json.loads, db.session.scalars(query)):
        if "completed_at" in changes:
            finishes.append(datetime.fromisoformat(changes["completed_at"][0]))
    return min(finishes) + WINDOW


def may_correct(actor: Person, walk: Walk, now: datetime) -> bool:
    """Whether the actor may correct this walk and its observations now: its own walker, for
    WINDOW after it finished."""
    if walk.manager_id != actor.id or walk.status != WalkStatus.DONE:
        return False
    until = correctable_until(walk)
    return until is not None and now <= until


def why_not(walk: Walk) -> str:
    """Why this walk cannot be corrected (its walker asking; anyone else never sees it)."""
    until = correctable_until(walk)
    if until is None:
        return "Only a done walk can be corrected."
    return (
        f"A walk can be corrected for {WINDOW.days} days after it finished; this one "
        f"could be until {local(until, walk.timezone):%a %-d %b %Y, %H:%M}."
    )


def _require_correctable(actor: Person, walk: Walk, now: datetime) -> None:
    if walk.manager_id != actor.id:
        raise NotFound(_("No such walk."))
    if not may_correct(actor, walk, now):
        raise Conflict(why_not(walk))


def record_of(walk: Walk) -> dict[str, Any]:
    """A done walk's record as its form shows it, to correct: local wall times."""

    def wall(instant: datetime | None) -> datetime | None:
        return None if instant is None else local(instant, walk.timezone).replace(tzinfo=None)

    values = _walk_values(walk)
    given = {walk_answers.field_name(q): a for q, a in walk_answers.answered(walk) if a}
    return {
        **values,
        **given,
        "started_at": wall(walk.started_at),
        "completed_at": wall(walk.completed_at),
    }


def note_of(observation: Observation) -> dict[str, Any]:
    """What an observation says, as its form shows it, to correct."""
    return _observation_values(observation)


# --- correcting ---------------------------------------------------------------------------


def _walk_values(walk: Walk) -> dict[str, Any]:
    """A walk's correctable fields as the API shows them (times with their offset)."""

    def when(instant: datetime | None) -> str | None:
        return None if instant is None else local(instant, walk.timezone).isoformat()

    return {
        "started_at": when(walk.started_at),
        "completed_at": when(walk.completed_at),
        "customers_spoken_to": walk.customers_spoken_to,
        "customer_ids": sorted(c.id for c in walk.customers),
        "frontline_met": walk.frontline_met,
        "summary": walk.summary,
        "answers": walk.answers,
    }


def _observation_values(observation: Observation) -> dict[str, Any]:
    return {
        "category": observation.category.value,
        "waste_type": observation.waste_type.value if observation.waste_type else None,
        "said_by": observation.said_by.value,
        "text": observation.text,
        "customer_id": observation.customer_id,
    }


def _keep(actor: Person, walk: Walk, before: dict, after: dict, version: int, now: datetime, **of):
    """Write what changed into the history; False when nothing did."""
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not changes:
        return False
    db.session.add(
        Correction(
            walk_id=walk.id,
            version=version,
            changed_at=now,
            changed_by_id=actor.id,
            changes_json=json.dumps(changes),
            **of,
        )
    )
    return True


def revise_walk(actor: Person, walk: Walk, record: walks.WalkRecord, now: datetime) -> bool:
    """Correct a done walk's record under the same checks as completing it, keeping what it
    replaced; the caller raises the version (when this says something changed) and commits."""
    _require_correctable(actor, walk, now)
    checks = validation.Checks()
    values = walks.read_record(actor, walk.timezone, record, now, checks)
    # Answers to the questions the walk was asked (never the unit's questions of today);
    # none sent leaves them as they are.
    answers = None
    if record.answers is not None:
        answers = walk_answers.read(walk.questions, record.answers, checks)
    checks.raise_any()
    before = _walk_values(walk)
    with db.session.no_autoflush:
        if answers is not None:
            walk_answers.store(walk, answers)
        for name, value in values.items():
            setattr(walk, name, value)
        if walk.unplanned:  # never planned: its planned start is its start
            walk.planned_start = values["started_at"]
    return _keep(actor, walk, before, _walk_values(walk), walk.version + 1, now)


def revise_observation(
    actor: Person,
    observation: Observation,
    *,
    category: str | None,
    waste_type: str | None,
    said_by: str,
    text: str | None,
    now: datetime,
    demand_type_id: object = observations.KEEP_TYPE,
    customer_id: object = None,
) -> bool:
    """Correct an observation of a done walk, keeping what it replaced (as revise_walk)."""
    walk = observation.walk
    _require_correctable(actor, walk, now)
    before = _observation_values(observation)
    with db.session.no_autoflush:
        observations.describe(
            observation,
            category=category,
            waste_type=waste_type,
            said_by=said_by,
            text=text,
            demand_type_id=demand_type_id,
            customer_id=customer_id,
        )
    after = _observation_values(observation)
    version = observation.version + 1
    return _keep(actor, walk, before, after, version, now, observation_uuid=observation.uuid)


@rolls_back
def correct_walk(
    actor: Person, walk_id: uuid_lib.UUID, record: walks.WalkRecord, now: datetime | None = None
) -> Walk:
    """Correct a done walk's record from the page."""
    walk = walks.get_own_walk(actor, walk_id)
    if revise_walk(actor, walk, record, now or utcnow()):
        walk.version += 1
    db.session.commit()
    return walk


def get_own_observation(
    actor: Person, walk_id: uuid_lib.UUID, observation_id: uuid_lib.UUID
) -> Observation:
    """An observation on the manager's own walk; anything else answers as if it did not exist."""
    walk = walks.get_own_walk(actor, walk_id)
    found = next((o for o in walk.observations if o.uuid == observation_id), None)
    if found is None:
        raise NotFound(_("No such observation."))
    return found


@rolls_back
def correct_observation(
    actor: Person,
    walk_id: uuid_lib.UUID,
    observation_id: uuid_lib.UUID,
    *,
    category: str | None,
    waste_type: str | None,
    said_by: str,
    text: str | None,
    now: datetime | None = None,
    customer_id: object = None,
) -> Observation:
    """Correct an observation of a done walk from the page."""
    observation = get_own_observation(actor, walk_id, observation_id)
    said = {"category": category, "waste_type": waste_type, "text": text}
    if revise_observation(
        actor, observation, **said, said_by=said_by, customer_id=customer_id, now=now or utcnow()
    ):
        observation.version += 1
    db.session.commit()
    return observation


# --- the history --------------------------------------------------------------------------


def corrections_of(walk: Walk) -> list[Correction]:
    """Every correction of a walk and its observations, oldest first (the caller has checked
    that the reader may see the walk)."""
    query = (
        select(Correction)
        .where(Correction.walk_id == walk.id)
        .options(selectinload(Correction.changed_by))
        .order_by(Correction.changed_at, Correction.id)
    )
    return list(db.session.scalars(query))


def counted(walk_ids: list[int]) -> dict[int, int]:
    """How many corrections each of these walks' histories holds (walks with none left out),
    in one query: a walk's JSON says so, and a device asks for the history only when it grew."""
    if not walk_ids:
        return {}
    query = (
        select(Correction.walk_id, func.count().label("n"))
        .where(Correction.walk_id.in_(walk_ids))
        .group_by(Correction.walk_id)
    )
    return {row.walk_id: row.n for row in db.session.execute(query)}


def history(actor: Person, walk_id: uuid_lib.UUID) -> list[Correction]:
    """A walk's corrections for anyone who may see the walk (NotFound for anyone else)."""
    return corrections_of(access.get_visible_walk(actor, walk_id))


@dataclass
class ShownChange:
    label: str
    old: str
    new: str


@dataclass
class ShownCorrection:
    """A correction as the walk's page reads it: labels and values in words."""

    correction: Correction
    observation: Observation | None
    changes: list[ShownChange]


def shown_histories(
    actor: Person, walk_ids: list[uuid_lib.UUID]
) -> dict[uuid_lib.UUID, list[ShownCorrection]]:
    """The histories in words of those of these walks the actor may see (others left out):
    what a device keeps to show offline what each walk's page shows."""
    found = {}
    for walk_id in walk_ids:
        try:
            walk = access.get_visible_walk(actor, walk_id)
        except NotFound:
            continue
        found[walk.uuid] = shown_history(walk)
    return found


def shown_history(walk: Walk) -> list[ShownCorrection]:
    """The walk's history in words: each field by its label, times in the walk's zone,
    customers by name, categories by their label."""
    found = corrections_of(walk)
    ids = {i for c in found for side in c.changes.get("customer_ids", []) for i in side}
    ids |= {i for c in found for i in c.changes.get("customer_id", []) if i is not None}
    names: dict[int, str] = {}
    if ids:
        query = select(Customer.id, Customer.name).where(Customer.id.in_(ids))
        names = {row.id: row.name for row in db.session.execute(query)}
    notes = {o.uuid: o for o in walk.observations}

    def words(name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "None"
        if name in ENUMS:
            return ENUMS[name](value).label
        if name in ("started_at", "completed_at"):
            return f"{datetime.fromisoformat(value):%a %-d %b %Y, %H:%M}"
        if name == "customer_ids":
            return ", ".join(names.get(i, f"#{i}") for i in value)
        if name == "customer_id":
            return names.get(value, f"#{value}")
        if name == "answers":
            return walk_answers.in_one_line(walk.questions, value) or "None"
        return str(value)

    return [
        ShownCorrection(
            correction=c,
            observation=notes.get(c.observation_uuid) if c.observation_uuid else None,
            changes=[
                ShownChange(LABELS.get(name, name), words(name, old), words(name, new))
                for name, (old, new) in c.changes.items()
            ],
        )
        for c in found
    ]
