"""Conflicts: edits sent from a device against an old version (of a walk, an observation, a
comment or a follow-up), kept by the sync protocol, and the author's choice between the
device's version and the server's."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...extensions import db
from ...models import Comment, FollowUp, Observation, Person, Walk
from ...models.conflicts import ConflictResolution, SyncConflict
from ...timeutil import local, utcnow
from ..errors import Conflict, Invalid, NotFound, rolls_back
from ..followups import sync as sync_follow_ups
from ..people.accounts import zone_for
from . import comments as sync_comments
from . import observations as sync_observations
from . import walks as sync_walks
from .protocol import Outcome

Record = Walk | Observation | Comment | FollowUp


@dataclass(frozen=True)
class Kind:
    """What the conflicts page needs of each kind of record a device writes by UUID: the same
    readers and the same put as the sync API, so that "use mine" goes through the same rules."""

    model: type[Record]
    wanted: Callable[[dict], dict[str, Any]]
    state: Callable[[Any], dict[str, Any]]
    zone: Callable[[Any], str]
    put: Callable[..., Outcome]
    title: Callable[[Any], str]


def _walk_name(walk: Walk) -> str:
    return walk.place or walk.kind.label


KINDS = {
    "walk": Kind(
        Walk,
        sync_walks.wanted_walk,
        sync_walks.walk_state,
        lambda walk: walk.timezone,
        sync_walks.put_walk,
        lambda walk: f"Walk: {_walk_name(walk)}",
    ),
    "observation": Kind(
        Observation,
        sync_observations.wanted_observation,
        sync_observations.observation_state,
        lambda observation: observation.walk.timezone,
        sync_observations.put_observation,
        lambda observation: f"Observation on {_walk_name(observation.walk)}",
    ),
    "comment": Kind(
        Comment,
        sync_comments.wanted_comment,
        sync_comments.comment_state,
        sync_comments.zone_of,
        sync_comments.put_comment,
        lambda comment: f"Comment on {_walk_name(comment.walk)}",
    ),
    "follow-up": Kind(
        FollowUp,
        sync_follow_ups.wanted_follow_up,
        sync_follow_ups.follow_up_state,
        sync_follow_ups.zone_of,
        sync_follow_ups.put_follow_up,
        lambda item: f"Follow-up: {item.action}",
    ),
}


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
        raise NotFound(_("No such conflict."))
    return conflict


def conflicting_record(conflict: SyncConflict) -> Record | None:
    model = KINDS[conflict.record_type].model
    found = db.session.scalar(select(model).where(model.uuid == conflict.record_uuid))
    return cast(Record | None, found)  # select() of a union of models is typed as their base


LABELS = {
    "kind": _l("Kind"),
    "status": _l("Status"),
    "planned_start": _l("Planned for"),
    "planned_minutes": _l("Minutes planned"),
    "place": _l("Place"),
    "purpose": _l("Purpose"),
    "customer_ids": _l("Customers"),
    "started_at": _l("Started"),
    "completed_at": _l("Finished"),
    "customers_spoken_to": _l("Customers spoken to"),
    "frontline_met": _l("Frontline people met"),
    "summary": "Summary",
    "category": _l("Category"),
    "waste_type": _l("Waste"),
    "said_by": _l("Said by"),
    "text": _l("Note"),
    "made_at": _l("Made at"),
    "body": _l("Comment"),
    "action": _l("Action"),
    "owner_id": _l("Owner (person number)"),
    "due_date": _l("Due"),
    "closing_note": _l("What was done"),
}


@dataclass
class ConflictView:
    """A conflict as the manager reads it: what each side says where they differ."""

    conflict: SyncConflict
    record: Record | None
    differences: list[tuple[str, Any, Any]]  # (label, the device's, the server's)

    @property
    def title(self) -> str:
        if self.record is None:
            return self.conflict.record_type.capitalize()
        return KINDS[self.conflict.record_type].title(self.record)


def _shown(value: Any, zone: str) -> Any:
    if isinstance(value, datetime):
        return local(value, zone).strftime("%-d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
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
            kind = KINDS[conflict.record_type]
            try:
                wanted, state, zone = kind.wanted(body), kind.state(record), kind.zone(record)
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
        raise NotFound(_("That record is no longer held."))
    body = {**json.loads(conflict.body), "base_version": record.version}
    put = KINDS[conflict.record_type].put
    outcome = put(actor, record.uuid, body, now=now)
    if outcome.conflict is not None:
        raise Conflict(_("It changed again in the meantime. Look again."))
    conflict = get_conflict(actor, conflict_id)
    conflict.resolved_at, conflict.resolution = now or utcnow(), ConflictResolution.APPLIED_MINE
    db.session.commit()
    return conflict
