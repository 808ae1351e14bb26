"""What the offline app syncs: walks and observations by their device UUIDs, the register to
plan from, and which records the server already holds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from ..database import read_first
from ..models import Observation, Walk
from ..models.photos import Photo
from ..services import agenda, customers, downloads, sync, sync_observations, sync_walks
from ..timeutil import local
from .http import json_object, refuse

bp = Blueprint("sync", __name__)

# Walks and observations are a few hundred bytes; a mistaken or hostile megabyte is refused.
MAX_JSON_BYTES = 1024 * 1024


@bp.before_request
def read_first_then_sign_in():
    request.max_content_length = MAX_JSON_BYTES
    # Devices send records again and again: check without a write lock, write only if needed.
    read_first()
    return signed_in()


@login_required
def signed_in():
    return None


def _when(instant: datetime | None, zone: str) -> str | None:
    return None if instant is None else local(instant, zone).isoformat()


def photo_json(photo: Photo) -> dict[str, Any]:
    return {
        "uuid": str(photo.uuid),
        "observation_id": str(photo.observation.uuid),
        "version": photo.version,
        "url": f"/api/v1/photos/{photo.uuid}",
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
    }


def observation_json(observation: Observation) -> dict[str, Any]:
    zone = observation.walk.timezone
    return {
        "uuid": str(observation.uuid),
        "version": observation.version,
        "walk_id": str(observation.walk.uuid),
        "category": observation.category.value,
        "waste_type": observation.waste_type.value if observation.waste_type else None,
        "said_by": observation.said_by.value,
        "text": observation.text,
        "made_at": _when(observation.made_at, zone),
        "photos": [photo_json(photo) for photo in observation.photos],
    }


def walk_json(walk: Walk, day_start: datetime, observations: bool = False) -> dict[str, Any]:
    zone = walk.timezone
    body = {
        "uuid": str(walk.uuid),
        "version": walk.version,
        "kind": walk.kind.value,
        "status": walk.status.value,
        "missed": walk.is_missed(day_start),
        "planned_start": _when(walk.planned_start, zone),
        "planned_minutes": walk.planned_minutes,
        "timezone": zone,
        "started_at": _when(walk.started_at, zone),
        "completed_at": _when(walk.completed_at, zone),
        "cancelled_at": _when(walk.cancelled_at, zone),
        "purpose": walk.purpose,
        "place": walk.place,
        "customer_ids": sorted(c.id for c in walk.customers),
        "customers_spoken_to": walk.customers_spoken_to,
        "frontline_met": walk.frontline_met,
        "summary": walk.summary,
    }
    if observations:
        body["observations"] = [observation_json(o) for o in walk.observations]
    return body


def outcome_response(outcome: sync.Outcome, as_json):
    """201 for a new record, 200 for a repeat or an edit, 409 for an edit kept as a conflict;
    every answer echoes the record's uuid and the version the server holds."""
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
        return jsonify(body), 409
    return jsonify(as_json(record)), 201 if outcome.created else 200


def _day(name: str, default: date) -> date:
    value = request.args.get(name)
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        refuse(422, f"Send {name} as a date, YYYY-MM-DD.", fields={name: "Not a date."})


@bp.get("/walks")
def list_walks():
    today = agenda.day_of(current_user)
    first = _day("from", today.today - timedelta(days=7))
    last = _day("to", today.today + timedelta(days=28))
    found = downloads.walks_between(current_user, first, last)
    return jsonify(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "walks": [walk_json(w, today.day_start, observations=True) for w in found],
        }
    )


@bp.get("/customers")
def list_customers():
    return jsonify(
        {
            "customers": [
                {"id": c.id, "name": c.name, "kind": c.kind.value}
                for c in customers.choosable(current_user)
            ]
        }
    )


@bp.put("/walks/<uuid:walk_id>")
def put_walk(walk_id: UUID):
    outcome = sync_walks.put_walk(current_user, walk_id, json_object())
    day_start = agenda.day_of(current_user).day_start
    return outcome_response(outcome, lambda walk: walk_json(walk, day_start))


@bp.put("/observations/<uuid:observation_id>")
def put_observation(observation_id: UUID):
    outcome = sync_observations.put_observation(current_user, observation_id, json_object())
    return outcome_response(outcome, observation_json)


@bp.post("/sync/status")
def status():
    found, missing = downloads.held(current_user, json_object().get("uuids"))
    return jsonify({"held": found, "missing": missing})


# --- the OpenAPI description ----------------------------------------------------------------

UUID_PARAM = {
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
    "description": "Made on the device.",
}
WHEN = {"type": ["string", "null"], "format": "date-time"}
TEXT = {"type": "string"}
ERRORS = {
    code: {"$ref": "#/components/responses/Error"} for code in ("400", "401", "403", "413", "422")
}


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _answer(description: str, schema: str) -> dict:
    return {"description": description, **_json(schema)}


SCHEMAS = {
    "Photo": {
        "type": "object",
        "required": ["uuid", "observation_id", "version", "url", "content_type", "width", "height"],
        "properties": {
            "uuid": {"type": "string", "format": "uuid"},
            "observation_id": {"type": "string", "format": "uuid"},
            "version": {"type": "integer"},
            "url": {"type": "string"},
            "content_type": {"enum": ["image/jpeg", "image/png", "image/webp"]},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    },
    "Observation": {
        "type": "object",
        "required": [
            "uuid",
            "version",
            "walk_id",
            "category",
            "waste_type",
            "said_by",
            "text",
            "made_at",
            "photos",
        ],
        "properties": {
            "uuid": {"type": "string", "format": "uuid"},
            "version": {"type": "integer"},
            "walk_id": {"type": "string", "format": "uuid"},
            "category": {
                "enum": [
                    "what_matters",
                    "value_demand",
                    "failure_demand",
                    "waste",
                    "frontline_idea",
                    "good_practice",
                ]
            },
            "waste_type": {
                "enum": [
                    None,
                    "transport",
                    "inventory",
                    "motion",
                    "waiting",
                    "overproduction",
                    "over_processing",
                    "defects",
                    "skills",
                ]
            },
            "said_by": {"enum": ["customer", "frontline", "walker"]},
            "text": TEXT,
            "made_at": WHEN,
            "photos": {"type": "array", "items": {"$ref": "#/components/schemas/Photo"}},
        },
    },
    "ObservationInput": {
        "type": "object",
        "description": "On create: walk_id, category, text (waste_type for waste). On edit: "
        "base_version too, and any of category, waste_type, said_by, text, made_at.",
        "properties": {
            "walk_id": {"type": "string", "format": "uuid"},
            "category": TEXT,
            "waste_type": {"type": ["string", "null"]},
            "said_by": {"enum": ["customer", "frontline", "walker"]},
            "text": TEXT,
            "made_at": WHEN,
            "base_version": {"type": ["integer", "null"]},
        },
    },
    "Walk": {
        "type": "object",
        "required": [
            "uuid",
            "version",
            "kind",
            "status",
            "missed",
            "planned_start",
            "planned_minutes",
            "timezone",
            "started_at",
            "completed_at",
            "cancelled_at",
            "purpose",
            "place",
            "customer_ids",
            "customers_spoken_to",
            "frontline_met",
            "summary",
        ],
        "properties": {
            "uuid": {"type": "string", "format": "uuid"},
            "version": {"type": "integer"},
            "kind": {"enum": ["customer_visit", "gemba_walk"]},
            "status": {"enum": ["planned", "in_progress", "done", "cancelled"]},
            "missed": {"type": "boolean", "description": "Planned, and its day has passed."},
            "planned_start": {"type": "string", "format": "date-time"},
            "planned_minutes": {"type": "integer"},
            "timezone": {"type": "string", "description": "The IANA zone it was planned in."},
            "started_at": WHEN,
            "completed_at": WHEN,
            "cancelled_at": WHEN,
            "purpose": TEXT,
            "place": TEXT,
            "customer_ids": {"type": "array", "items": {"type": "integer"}},
            "customers_spoken_to": {"type": ["integer", "null"]},
            "frontline_met": TEXT,
            "summary": TEXT,
            "observations": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Observation"},
            },
        },
    },
    "WalkInput": {
        "type": "object",
        "description": "The walk as the device holds it. On create kind and planned_start are "
        "required and base_version is left out; an edit carries base_version, the version it "
        "was made from. Status changes follow the pages: planned → in_progress → done, "
        "planned → cancelled (planned → done does both steps).",
        "properties": {
            "kind": {"enum": ["customer_visit", "gemba_walk"]},
            "status": {"enum": ["planned", "in_progress", "done", "cancelled"]},
            "planned_start": {"type": "string", "format": "date-time"},
            "planned_minutes": {"type": "integer"},
            "timezone": {"type": ["string", "null"]},
            "purpose": TEXT,
            "place": TEXT,
            "customer_ids": {"type": "array", "items": {"type": "integer"}},
            "started_at": WHEN,
            "completed_at": WHEN,
            "customers_spoken_to": {"type": ["integer", "null"]},
            "frontline_met": TEXT,
            "summary": TEXT,
            "base_version": {"type": ["integer", "null"]},
        },
    },
    "SyncConflict": {
        "type": "object",
        "description": "An edit based on an old version, kept for the manager to resolve.",
        "required": ["error", "status", "uuid", "version", "conflict", "current"],
        "properties": {
            "error": TEXT,
            "status": {"const": 409},
            "uuid": {"type": "string", "format": "uuid"},
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
    "WalkList": {
        "type": "object",
        "required": ["from", "to", "walks"],
        "properties": {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "walks": {"type": "array", "items": {"$ref": "#/components/schemas/Walk"}},
        },
    },
    "CustomerList": {
        "type": "object",
        "required": ["customers"],
        "properties": {
            "customers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "kind"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": TEXT,
                        "kind": {"enum": ["external", "internal"]},
                    },
                },
            }
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
                        "type": {"enum": ["walk", "observation", "photo"]},
                        "version": {"type": "integer"},
                    },
                },
            },
            "missing": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        },
    },
}


def _put(what: str, schema: str) -> dict:
    return {
        "summary": f"Create or update a {what} by its device UUID (safe to repeat)",
        "security": [{"session": [], "csrf": []}],
        "parameters": [{"name": f"{what}_id", **UUID_PARAM}],
        "requestBody": {"required": True, **_json(f"{schema}Input")},
        "responses": {
            "200": _answer(f"Already held (a repeat), or the edit applied: the {what}", schema),
            "201": _answer(f"Created: the {what}", schema),
            "409": _answer("Based on an old version: kept as a conflict", "SyncConflict"),
            **ERRORS,
            # The walk named in the body is not one the caller may see (found by the fuzzer).
            "404": {"$ref": "#/components/responses/Error"},
        },
    }


PATHS = {
    "/walks": {
        "get": {
            "summary": "The signed-in manager's walks, with observations and photos",
            "parameters": [
                {
                    "name": name,
                    "in": "query",
                    "schema": {"type": "string", "format": "date"},
                    "description": f"{name.title()} this local day, inclusive "
                    f"(default: today {'- 7' if name == 'from' else '+ 28'} days).",
                }
                for name in ("from", "to")
            ],
            "responses": {
                "200": _answer("Walks planned in the range, and any in progress", "WalkList"),
                **ERRORS,
            },
        }
    },
    "/customers": {
        "get": {
            "summary": "The customer register the manager may plan with",
            "responses": {"200": _answer("Customers", "CustomerList"), **ERRORS},
        }
    },
    "/walks/{walk_id}": {"put": _put("walk", "Walk")},
    "/observations/{observation_id}": {"put": _put("observation", "Observation")},
    "/sync/status": {
        "post": {
            "summary": "Which of these records the server holds, at which version",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": True, **_json("SyncStatusRequest")},
            "responses": {"200": _answer("Held and missing ids", "SyncStatus"), **ERRORS},
        }
    },
}
