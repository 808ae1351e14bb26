"""Comments and follow-ups for the offline app: answer a coach or close a follow-up with no
signal, sent later by the device's UUID and safe to repeat."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from ..models import Comment, FollowUp
from ..security import limit_body
from ..services import coaching
from ..services.errors import Conflict, Invalid
from ..services.followups import rules as followups
from ..services.followups import sync as followups_sync
from .http import json_object

bp = Blueprint("coaching_api", __name__)

MAX_JSON_BYTES = 64 * 1024  # a comment or a closing note is a few kilobytes at most
limit_body(bp, MAX_JSON_BYTES)


@bp.before_request
@login_required
def signed_in():
    return None


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "uuid": str(comment.uuid),
        "version": comment.version,
        "walk_id": str(comment.walk.uuid),
        "observation_id": str(comment.observation.uuid) if comment.observation else None,
        "parent_id": str(comment.parent.uuid) if comment.parent else None,
        "author": {"id": comment.author.id, "name": comment.author.display_name},
        "body": comment.body,
        "created_at": _when(comment.created_at),
        "updated_at": _when(comment.updated_at),
    }


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
        "closed_at": _when(item.closed_at),
        "closed_by_id": item.closed_by_id,
        "created_at": _when(item.created_at),
    }


class Fields:
    """Typed reads from a JSON body; every wrong type is reported at once as a 422."""

    def __init__(self, body: dict[str, Any]):
        self.body = body
        self.errors: dict[str, str] = {}

    def _get(self, name: str, kind: type, message: str):
        value = self.body.get(name)
        if value is None:
            return None
        if not isinstance(value, kind) or isinstance(value, bool):
            self.errors[name] = message
            return None
        return value

    def text(self, name: str) -> str | None:
        return self._get(name, str, "Send a string.")

    def integer(self, name: str) -> int | None:
        return self._get(name, int, "Send a whole number.")

    def uuid(self, name: str) -> UUID | None:
        value = self.text(name)
        try:
            return UUID(value) if value is not None else None
        except ValueError:
            self.errors[name] = "Send a UUID."
            return None

    def day(self, name: str) -> date | None:
        value = self.text(name)
        try:
            return date.fromisoformat(value) if value is not None else None
        except ValueError:
            self.errors[name] = "Send a date, YYYY-MM-DD."
            return None

    def check(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


def _store(put, get, as_json, record_id: UUID, values: dict[str, Any]):
    """Store what the device sent under its UUID, as the signed-in person: 201 for a new record,
    200 for a repeat or an applied edit; an edit from an old version answers 409 with the record
    as the server holds it, for the device to show both."""
    try:
        record, created = put(current_user, record_id, **values)
    except Conflict as error:
        current = get(current_user, record_id)
        body = {
            "error": str(error),
            "status": 409,
            "uuid": str(record_id),
            "version": current.version,
            "current": as_json(current),
        }
        return jsonify(body), 409
    return jsonify(as_json(record)), 201 if created else 200


@bp.put("/comments/<uuid:uuid>")
def put_comment(uuid: UUID):
    fields = Fields(json_object())
    values = {
        "body": fields.text("body"),
        "walk_id": fields.uuid("walk_id"),
        "observation_id": fields.uuid("observation_id"),
        "parent_id": fields.uuid("parent_id"),
        "base_version": fields.integer("base_version"),
    }
    fields.check()
    return _store(coaching.put_comment, coaching.get_comment, comment_json, uuid, values)


@bp.put("/follow-ups/<uuid:uuid>")
def put_follow_up(uuid: UUID):
    fields = Fields(json_object())
    values = {
        "walk_id": fields.uuid("walk_id"),
        "observation_id": fields.uuid("observation_id"),
        "action": fields.text("action"),
        "owner_id": fields.integer("owner_id"),
        "due_date": fields.day("due_date"),
        "status": fields.text("status"),
        "closing_note": fields.text("closing_note"),
        "base_version": fields.integer("base_version"),
    }
    fields.check()
    return _store(
        followups_sync.put_follow_up, followups.get_follow_up, follow_up_json, uuid, values
    )


# --- the OpenAPI description ----------------------------------------------------------------

UUID_SCHEMA = {"type": "string", "format": "uuid"}
MAYBE_UUID = {"type": ["string", "null"], "format": "uuid"}
WHEN = {"type": ["string", "null"], "format": "date-time"}
ERRORS = {
    code: {"$ref": "#/components/responses/Error"}
    for code in ("400", "401", "403", "404", "413", "422")
}


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


SCHEMAS = {
    "Comment": {
        "type": "object",
        "required": [
            "uuid",
            "version",
            "walk_id",
            "observation_id",
            "parent_id",
            "author",
            "body",
            "created_at",
            "updated_at",
        ],
        "properties": {
            "uuid": UUID_SCHEMA,
            "version": {"type": "integer"},
            "walk_id": UUID_SCHEMA,
            "observation_id": MAYBE_UUID,
            "parent_id": {**MAYBE_UUID, "description": "The comment that opened the thread."},
            "author": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "body": {"type": "string"},
            "created_at": WHEN,
            "updated_at": WHEN,
        },
    },
    "CommentInput": {
        "type": "object",
        "description": "On create: walk_id and body, and observation_id for a comment on one "
        "observation or parent_id for a reply. On edit (the author only): body and "
        "base_version, the version the edit was made from.",
        "properties": {
            "walk_id": UUID_SCHEMA,
            "observation_id": MAYBE_UUID,
            "parent_id": MAYBE_UUID,
            "body": {"type": "string", "maxLength": 2000},
            "base_version": {"type": ["integer", "null"]},
        },
    },
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
        ],
        "properties": {
            "uuid": UUID_SCHEMA,
            "version": {"type": "integer"},
            "walk_id": UUID_SCHEMA,
            "observation_id": MAYBE_UUID,
            "action": {"type": "string"},
            "owner_id": {"type": "integer"},
            "due_date": {"type": "string", "format": "date"},
            "status": {"enum": ["open", "closed"]},
            "closing_note": {"type": "string", "description": "You said, we did."},
            "closed_at": WHEN,
            "closed_by_id": {"type": ["integer", "null"]},
            "created_at": WHEN,
        },
    },
    "FollowUpInput": {
        "type": "object",
        "description": "On create: walk_id, action, owner_id (someone in the organisation) "
        "and due_date (today or later), observation_id when it comes from one observation. "
        "On edit: base_version and any of action, owner_id, due_date; to close, status "
        "'closed' with closing_note (what was done).",
        "properties": {
            "walk_id": UUID_SCHEMA,
            "observation_id": MAYBE_UUID,
            "action": {"type": "string", "maxLength": 500},
            "owner_id": {"type": "integer"},
            "due_date": {"type": "string", "format": "date"},
            "status": {"enum": ["open", "closed"]},
            "closing_note": {"type": "string", "maxLength": 2000},
            "base_version": {"type": ["integer", "null"]},
        },
    },
    "StaleEdit": {
        "type": "object",
        "description": "An edit made from an old version: nothing was changed. `current` is "
        "the record as the server holds it, for the device to show beside its own.",
        "required": ["error", "status", "uuid", "version", "current"],
        "properties": {
            "error": {"type": "string"},
            "status": {"const": 409},
            "uuid": UUID_SCHEMA,
            "version": {"type": "integer", "description": "The version the server holds."},
            "current": {"type": "object"},
        },
    },
}


def _put(what: str, schema: str) -> dict:
    return {
        "summary": f"Create or update a {what} by its device UUID (safe to repeat)",
        "security": [{"session": [], "csrf": []}],
        "parameters": [{"name": "uuid", "in": "path", "required": True, "schema": UUID_SCHEMA}],
        "requestBody": {"required": True, **_json(f"{schema}Input")},
        "responses": {
            "200": {"description": f"A repeat, or the edit applied: the {what}", **_json(schema)},
            "201": {"description": f"Created: the {what}", **_json(schema)},
            "409": {"description": "Made from an old version: not applied", **_json("StaleEdit")},
            **ERRORS,
        },
    }


PATHS = {
    "/comments/{uuid}": {"put": _put("comment", "Comment")},
    "/follow-ups/{uuid}": {"put": _put("follow-up", "FollowUp")},
}
