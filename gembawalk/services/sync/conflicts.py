"""Conflicts: edits sent from a device against an old version, kept by the sync service, and
the manager's choice between the device's version and the server's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ...extensions import db
from ...models import Observation, Person, Walk
from ...models.conflicts import ConflictResolution, SyncConflict
from ...timeutil import local, utcnow
from ..errors import Conflict, Invalid, NotFound, rolls_back
from ..people.accounts import zone_for
from . import observations as sync_observations
from . import walks as sync_walks


def open_conflicts(actor: Person) -> list[SyncConflict]:
    query = (
        select(SyncConflict)
        .where(SyncConflict.person_id == actor.id, SyncConflict.resolved_at.is_(None))
        .order_by(SyncConflict.created_at)
    )
    return list(db.session.scalars(query))


def count_open_conflicts(actor: Person) -> int:
    query = select(func.count(SyncConflict.id)).where(
        SyncConflict.person_id == actor.id, SyncConflict.resolved_at.is_(None)
    )
    return db.session.scalar(query) or 0


def get_conflict(actor: Person, conflict_id: int) -> SyncConflict:
    conflict = db.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.person_id != actor.id:
        raise NotFound("No such conflict.")
    return conflict


def conflicting_record(conflict: SyncConflict) -> Walk | Observation | None:
    if conflict.record_type == "walk":
        return db.session.scalar(select(Walk).where(Walk.uuid == conflict.record_uuid))
    return db.session.scalar(select(Observation).where(Observation.uuid == conflict.record_uuid))


LABELS = {
    "kind": "Kind",
    "status": "Status",
    "planned_start": "Planned for",
    "planned_minutes": "Minutes planned",
    "place": "Place",
    "purpose": "Purpose",
    "customer_ids": "Customers",
    "started_at": "Started",
    "completed_at": "Finished",
    "customers_spoken_to": "Customers spoken to",
    "frontline_met": "Frontline people met",
    "summary": "Summary",
    "category": "Category",
    "waste_type": "Waste",
    "said_by": "Said by",
    "text": "Note",
    "made_at": "Made at",
}


@dataclass
class ConflictView:
    """A conflict as the manager reads it: what each side says where they differ."""

    conflict: SyncConflict
    record: Walk | Observation | None
    differences: list[tuple[str, Any, Any]]  # (label, the device's, the server's)


def _shown(value: Any, zone: str) -> Any:
    if isinstance(value, datetime):
        return local(value, zone).strftime("%-d %b %Y %H:%M")
    if hasattr(value, "label"):
        return value.label
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return "" if value is None else value


def conflict_views(actor: Person) -> list[ConflictView]:
    views = []
    for conflict in open_conflicts(actor):
        record = conflicting_record(conflict)
        differences = []
        if record is not None:
            body = json.loads(conflict.body)
            try:
                if conflict.record_type == "walk":
                    assert isinstance(record, Walk)  # conflicting_record looked it up by type
                    wanted, state = sync_walks.wanted_walk(body), sync_walks.walk_state(record)
                    zone = record.timezone
                else:
                    assert isinstance(record, Observation)
                    wanted = sync_observations.wanted_observation(body)
                    state, zone = sync_observations.observation_state(record), record.walk.timezone
            except Invalid:
                wanted, state, zone = {}, {}, zone_for(actor)
            for name in LABELS:
                if name in wanted and wanted[name] != state.get(name):
                    differences.append(
                        (LABELS[name], _shown(wanted[name], zone), _shown(state[name], zone))
                    )
        views.append(ConflictView(conflict, record, differences))
    return views


@rolls_back
def keep_server(actor: Person, conflict_id: int, now: datetime | None = None) -> SyncConflict:
    """The manager keeps what the server holds; the device's edit stays on record."""
    conflict = get_conflict(actor, conflict_id)
    if conflict.resolved_at is None:
        conflict.resolved_at, conflict.resolution = now or utcnow(), ConflictResolution.KEPT_SERVER
        db.session.commit()
    return conflict


def apply_mine(actor: Person, conflict_id: int, now: datetime | None = None) -> SyncConflict:
    """The manager chooses the device's edit: it is applied over the current version, through
    the same rules as any edit (a rule it breaks is refused as Invalid)."""
    conflict = get_conflict(actor, conflict_id)
    if conflict.resolved_at is not None:
        return conflict
    record = conflicting_record(conflict)
    if record is None:
        raise NotFound("That record is no longer held.")
    body = {**json.loads(conflict.body), "base_version": record.version}
    put = (
        sync_walks.put_walk if conflict.record_type == "walk" else sync_observations.put_observation
    )
    outcome = put(actor, record.uuid, body, now=now)
    if outcome.conflict is not None:
        raise Conflict("It changed again in the meantime. Look again.")
    conflict = get_conflict(actor, conflict_id)
    conflict.resolved_at, conflict.resolution = now or utcnow(), ConflictResolution.APPLIED_MINE
    db.session.commit()
    return conflict
