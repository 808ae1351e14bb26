"""What every record the offline app writes by its device UUID shares: the guard on each call,
the answer to a PUT (201, 200, a 409 conflict; 410 and 422 are domain errors) and the OpenAPI
pieces that describe them, defined once here; and which records the server already holds.
The records themselves: walks.py, observations.py, photos.py, comments.py, followups.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from .. import limits
from ..database import read_first
from ..security import limit_body
from ..services.sync import downloads
from ..services.sync import protocol as sync
from ..timeutil import local
from .http import json_object

bp = Blueprint("sync", __name__)


def device_records(name: str, import_name: str, max_bytes: int | None = None) -> Blueprint:
    """A blueprint for records a device writes by UUID: its body limit (when not the app's),
    then the same guard before every call as the others'."""
    records = Blueprint(name, import_name)
    if max_bytes is not None:
        limit_body(records, max_bytes)
    records.before_request(read_first_then_sign_in)
    return records


@bp.before_request
def read_first_then_sign_in():
    """Before every call about records a device writes by UUID (every module that takes them
    uses it); bodies are held to their blueprint's limit before this (security.limit_body)."""
    # Devices send records again and again: check without a write lock, write only if needed.
    read_first()
    return signed_in()


@login_required
def signed_in():
    return None


def in_zone(instant: datetime | None, zone: str) -> str | None:
    """An instant as the record's own zone shows it, in ISO 8601 with its offset."""
    return None if instant is None else local(instant, zone).isoformat()


def outcome_answer(outcome: sync.Outcome, as_json) -> tuple[dict[str, Any], int]:
    """201 for a new record, 200 for a repeat or an edit, 409 for an edit kept as a conflict
    (the same answer for every kind of record); every answer echoes the record's uuid and the
    version the server holds."""
    record = outcome.record
    if outcome.conflict is not None:
        conflict = outcome.conflict
        body = {
            "error": "This changed on the server since your device last saw it. Your version "
            "is kept: choose which to keep on the Conflicts page.",
            "status": 409,
            "uuid": str(record.uuid),
            "version": record.version,
            "conflict": {
                "id": conflict.id,
                "base_version": conflict.base_version,
                "url": "/sync/conflicts",
            },
            "current": as_json(record),
        }
        return body, 409
    return as_json(record), 201 if outcome.created else 200


def outcome_response(outcome: sync.Outcome, as_json):
    """The answer to a PUT (photos'; the other records go through put_record)."""
    body, status = outcome_answer(outcome, as_json)
    return jsonify(body), status


@dataclass(frozen=True)
class DeviceRecord:
    """One kind of record a device writes by UUID: the service that puts it (taking the
    acting person, the UUID and the body), how the record is answered, and the largest body
    its PUT takes."""

    put: Callable[[Any, UUID, dict], sync.Outcome]
    as_json: Callable[[Any], dict[str, Any]]
    max_bytes: int = limits.BODY_MAX_BYTES


def put_record(
    kind: DeviceRecord, record_id: UUID, body: dict, actor: Any = None
) -> tuple[dict[str, Any], int]:
    """The one answer to a record a device writes by UUID, sent alone (its PUT) or in a batch
    (POST /sync): the body and status. `actor` is the person signed in (a batch passes them as
    its transaction's session holds them). A refusal is raised, as a domain error, for the
    app's error handlers to answer."""
    outcome = kind.put(actor if actor is not None else current_user, record_id, body)
    return outcome_answer(outcome, kind.as_json)


def put_response(kind: DeviceRecord, record_id: UUID):
    """A single PUT: its JSON body, then the answer."""
    body, status = put_record(kind, record_id, json_object())
    return jsonify(body), status


@bp.post("/sync/status")
def status():
    found, missing = downloads.held(current_user, json_object().get("uuids"))
    return jsonify({"held": found, "missing": missing})


# --- the OpenAPI description ----------------------------------------------------------------

UUID_SCHEMA = {"type": "string", "format": "uuid"}
MAYBE_UUID = {"type": ["string", "null"], "format": "uuid"}
UUID_PARAM = {
    "in": "path",
    "required": True,
    "schema": UUID_SCHEMA,
    "description": "Made on the device.",
}
WHEN = {"type": ["string", "null"], "format": "date-time"}
TEXT = {"type": "string"}
BASE_VERSION = {
    "type": ["integer", "null"],
    "description": "The version an edit was made from; left out on create.",
}
ERROR = {"$ref": "#/components/responses/Error"}
ERRORS = dict.fromkeys(("400", "401", "403", "413", "422"), ERROR)


def json_content(schema: str) -> dict:
    """A JSON body or answer holding the named schema."""
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def answer(description: str, schema: str) -> dict:
    """An OpenAPI response: what it means, and the named schema as its JSON body."""
    return {"description": description, **json_content(schema)}


def put_operation(what: str, schema: str) -> dict:
    """The OpenAPI operation that creates or updates a `what` by its device UUID: one set of
    answers for every kind of record."""
    return {
        "summary": f"Create or update a {what} by its device UUID (safe to repeat)",
        "security": [{"session": [], "csrf": []}],
        "parameters": [{"name": path_name(what), **UUID_PARAM}],
        "requestBody": {"required": True, **json_content(f"{schema}Input")},
        "responses": {
            "200": answer(f"Already held (a repeat), or the edit applied: the {what}", schema),
            "201": answer(f"Created: the {what}", schema),
            "409": answer("Based on an old version: kept as a conflict", "SyncConflict"),
            "410": answer(
                f"The {what} was removed on the server, and its id is never used again: "
                "`error` says why",
                "Error",
            ),
            **ERRORS,
            # A walk named in the body that the caller may not see.
            "404": ERROR,
        },
    }


def path_name(what: str) -> str:
    """The path parameter naming a `what` by its UUID (walk_id, follow_up_id, ...)."""
    return what.replace("-", "_") + "_id"


SCHEMAS = {
    "SyncConflict": {
        "type": "object",
        "description": "An edit based on an old version, kept for its author to resolve on "
        "the Conflicts page; the same answer for every kind of record.",
        "required": ["error", "status", "uuid", "version", "conflict", "current"],
        "properties": {
            "error": TEXT,
            "status": {"const": 409},
            "uuid": UUID_SCHEMA,
            "version": {"type": "integer", "description": "The version the server holds."},
            "conflict": {
                "type": "object",
                "required": ["id", "base_version", "url"],
                "properties": {
                    "id": {"type": "integer"},
                    "base_version": {"type": "integer"},
                    "url": TEXT,
                },
            },
            "current": {"type": "object", "description": "The record as the server holds it."},
        },
    },
    "SyncStatusRequest": {
        "type": "object",
        "required": ["uuids"],
        "properties": {
            "uuids": {
                "type": "array",
                "maxItems": downloads.MAX_STATUS_UUIDS,
                "items": {"type": "string", "format": "uuid"},
            }
        },
    },
    "SyncStatus": {
        "type": "object",
        "required": ["held", "missing"],
        "properties": {
            "held": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["uuid", "type", "version"],
                    "properties": {
                        "uuid": {"type": "string", "format": "uuid"},
                        "type": {"enum": list(downloads.HELD_TYPES)},
                        "version": {"type": "integer"},
                    },
                },
            },
            "missing": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        },
    },
}

PATHS = {
    "/sync/status": {
        "post": {
            "summary": "Which of these records the server holds, at which version",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": True, **json_content("SyncStatusRequest")},
            "responses": {"200": answer("Held and missing ids", "SyncStatus"), **ERRORS},
        }
    },
}
