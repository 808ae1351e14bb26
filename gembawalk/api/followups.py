"""Follow-ups for the offline app: made, changed or closed ("you said, we did") with no
signal, sent later by the device's UUID through the one sync protocol (sync.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from .. import limits
from ..models import FollowUp, FollowUpStatus
from ..services.followups import sync as followups_sync
from .comments import utc
from .openapi import enum_of, text
from .sync import (
    BASE_VERSION,
    MAYBE_UUID,
    UUID_SCHEMA,
    WHEN,
    DeviceRecord,
    device_records,
    put_operation,
    put_response,
)

bp = device_records("followups_api", __name__, limits.NOTE_BODY_MAX_BYTES)


def follow_up_json(item: FollowUp) -> dict[str, Any]:
    return {
        "uuid": str(item.uuid),
        "version": item.version,
        "walk_id": str(item.walk.uuid),
        "observation_id": str(item.observation.uuid) if item.observation else None,
        "action": item.action,
        "owner_id": item.owner_id,
        "due_date": item.due_date.isoformat(),
        "status": item.status.value,
        "closing_note": item.closing_note,
        "closed_at": utc(item.closed_at),
        "closed_by_id": item.closed_by_id,
        "created_at": utc(item.created_at),
        "demand_type_id": item.demand_type_id,
    }


RECORD = DeviceRecord(followups_sync.put_follow_up, follow_up_json, limits.NOTE_BODY_MAX_BYTES)


@bp.put("/follow-ups/<uuid:follow_up_id>")
def put_follow_up(follow_up_id: UUID):
    return put_response(RECORD, follow_up_id)


# --- the OpenAPI description ----------------------------------------------------------------

AIM = {
    "type": ["integer", "null"],
    "description": "The demand type the action means to reduce: four weeks after it closes, "
    "that type's share of all demand before and after is shown.",
}

SCHEMAS = {
    "FollowUp": {
        "type": "object",
        "required": [
            "uuid",
            "version",
            "walk_id",
            "observation_id",
            "action",
            "owner_id",
            "due_date",
            "status",
            "closing_note",
            "closed_at",
            "closed_by_id",
            "created_at",
            "demand_type_id",
        ],
        "properties": {
            "uuid": UUID_SCHEMA,
            "version": {"type": "integer"},
            "walk_id": UUID_SCHEMA,
            "observation_id": MAYBE_UUID,
            "action": text("action"),
            "owner_id": {"type": "integer"},
            "due_date": {"type": "string", "format": "date"},
            "status": enum_of(FollowUpStatus),
            "closing_note": text("closing_note", description="You said, we did."),
            "closed_at": WHEN,
            "closed_by_id": {"type": ["integer", "null"]},
            "created_at": WHEN,
            "demand_type_id": AIM,
        },
    },
    "FollowUpInput": {
        "type": "object",
        "description": "On create: walk_id, action, owner_id (someone in the organisation) "
        "and due_date (today or later), observation_id when it comes from one observation. "
        "On edit: base_version and any of action, owner_id, due_date; to close, status "
        "'closed' with closing_note (what was done). demand_type_id names the demand type "
        "it means to reduce (one of the walk's unit, GET /demand-types; else 422).",
        "properties": {
            "walk_id": UUID_SCHEMA,
            "observation_id": MAYBE_UUID,
            "action": text("action"),
            "owner_id": {"type": "integer"},
            "due_date": {"type": "string", "format": "date"},
            "status": enum_of(FollowUpStatus),
            "closing_note": text("closing_note"),
            "demand_type_id": AIM,
            "base_version": BASE_VERSION,
        },
    },
}

PATHS = {"/follow-ups/{follow_up_id}": {"put": put_operation("follow-up", "FollowUp")}}
