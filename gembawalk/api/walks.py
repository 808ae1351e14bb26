"""Walks for the offline app: the manager's walks over a range of days, the customer register
to plan from, and a walk created or updated by its device UUID."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import limits
from ..models import Correction, CustomerKind, Walk, WalkKind, WalkStatus
from ..services import customers, validation
from ..services.sync import downloads
from ..services.sync import walks as sync_walks
from ..services.walks import agenda, corrections
from .http import refuse
from .observations import observation_json
from .openapi import count, enum_of, one_of, text
from .sync import (
    BASE_VERSION,
    ERROR,
    ERRORS,
    TEXT,
    UUID_PARAM,
    WHEN,
    DeviceRecord,
    answer,
    device_records,
    in_zone,
    put_operation,
    put_response,
)

bp = device_records("walks", __name__)


def walk_json(
    walk: Walk, day_start: datetime, observations: bool = False, corrected: int | None = None
) -> dict[str, Any]:
    """`corrected`: how many corrections its history holds, when the caller counted them for
    many walks at once (corrections.counted)."""
    zone = walk.timezone
    if corrected is None:
        corrected = corrections.counted([walk.id]).get(walk.id, 0)
    body = {
        "uuid": str(walk.uuid),
        "version": walk.version,
        "kind": walk.kind.value,
        "status": walk.status.value,
        "missed": walk.is_missed(day_start),
        "planned_start": in_zone(walk.planned_start, zone),
        "planned_minutes": walk.planned_minutes,
        "timezone": zone,
        "started_at": in_zone(walk.started_at, zone),
        "completed_at": in_zone(walk.completed_at, zone),
        "cancelled_at": in_zone(walk.cancelled_at, zone),
        "purpose": walk.purpose,
        "place": walk.place,
        "customer_ids": sorted(c.id for c in walk.customers),
        "customers_spoken_to": walk.customers_spoken_to,
        "frontline_met": walk.frontline_met,
        "summary": walk.summary,
        "questions": walk.questions if walk.questions_json is not None else None,
        "answers": walk.answers,
        "unplanned": walk.unplanned,
        "recorded_after": walk.recorded_after,
        "corrections": corrected,
    }
    if observations:
        body["observations"] = [observation_json(o) for o in walk.observations]
    return body


def _day(name: str, default: date) -> date:
    value = request.args.get(name)
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        refuse(
            422,
            _("Send %(name)s as a date, YYYY-MM-DD.", name=name),
            fields={name: _("Not a date.")},
        )
    return validation.day(day, name)


@bp.get("/walks")
def list_walks():
    today = agenda.day_of(current_user)
    first = _day("from", today.today - timedelta(days=7))
    last = _day("to", today.today + timedelta(days=28))
    found = downloads.walks_between(current_user, first, last)
    counted = corrections.counted([w.id for w in found])
    return jsonify(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "walks": [
                walk_json(w, today.day_start, observations=True, corrected=counted.get(w.id, 0))
                for w in found
            ],
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


def walk_answer(walk: Walk) -> dict[str, Any]:
    """A walk as a PUT answers it (only its manager writes it): whether it is missed is told
    by the manager's today."""
    return walk_json(walk, agenda.day_of(walk.manager).day_start)


RECORD = DeviceRecord(sync_walks.put_walk, walk_answer)


@bp.put("/walks/<uuid:walk_id>")
def put_walk(walk_id: UUID):
    return put_response(RECORD, walk_id)


def correction_json(correction: Correction) -> dict[str, Any]:
    body: dict[str, Any] = {
        "version": correction.version,
        "changed_at": in_zone(correction.changed_at, "UTC"),
        "changed_by": {"id": correction.changed_by.id, "name": correction.changed_by.display_name},
        "changes": correction.changes,
    }
    if correction.observation_uuid is not None:
        body["observation"] = str(correction.observation_uuid)
    return body


@bp.get("/walks/<uuid:walk_id>/history")
def walk_history(walk_id: UUID):
    found = corrections.history(current_user, walk_id)
    return jsonify({"versions": [correction_json(c) for c in found]})


# --- the OpenAPI description ----------------------------------------------------------------

CUSTOMERS_SPOKEN_TO = count(limits.CUSTOMERS_SPOKEN_TO_MAX, nullable=True)
ANSWERS = {
    "type": "object",
    "description": "The answers by question id (as text); an unanswered question is left out.",
    "additionalProperties": {"type": "string", "maxLength": limits.TEXT["answer"]},
}

SCHEMAS = {
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
            "questions",
            "answers",
            "unplanned",
            "recorded_after",
            "corrections",
        ],
        "properties": {
            "uuid": {"type": "string", "format": "uuid"},
            "version": {"type": "integer"},
            "kind": enum_of(WalkKind),
            "status": enum_of(WalkStatus),
            "missed": {"type": "boolean", "description": "Planned, and its day has passed."},
            "planned_start": {"type": "string", "format": "date-time"},
            "planned_minutes": {
                "type": "integer",
                "description": "One of the lengths WalkInput takes; a walk planned before that "
                "rule may hold another.",
            },
            "timezone": {"type": "string", "description": "The IANA zone it was planned in."},
            "started_at": WHEN,
            "completed_at": WHEN,
            "cancelled_at": WHEN,
            "purpose": text("purpose"),
            "place": text("place"),
            "customer_ids": {"type": "array", "items": {"type": "integer"}},
            "customers_spoken_to": CUSTOMERS_SPOKEN_TO,
            "frontline_met": text("frontline_met"),
            "summary": text("summary"),
            "questions": {
                "type": ["array", "null"],
                "items": {"$ref": "#/components/schemas/Question"},
                "description": "The standard questions the walk was asked, kept when it "
                "started (or was recorded): later changes to its unit's questions never touch "
                "them. Null until then; a walk about to start is asked GET /questions.",
            },
            "answers": ANSWERS,
            "unplanned": {
                "type": "boolean",
                "description": "Started without a plan (or recorded after the fact): its planned "
                "start is its start; on time and plan adherence leave it out.",
            },
            "recorded_after": {
                "type": "boolean",
                "description": "A done walk entered later from memory, not as it happened.",
            },
            "corrections": {
                "type": "integer",
                "description": "How many corrections its history holds (its own and its "
                "observations'): GET /walks/{uuid}/history lists them.",
            },
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
        "planned → cancelled (planned → done does both steps). A done walk's record "
        "(started_at, completed_at, customers_spoken_to, customer_ids, frontline_met, summary) "
        f"is corrected the same way for {corrections.WINDOW.days} days after it finished, "
        "under the checks of "
        "completing it; each correction is kept in the walk's history. Later: 422.",
        "properties": {
            "kind": enum_of(WalkKind),
            "status": enum_of(WalkStatus),
            "planned_start": {"type": "string", "format": "date-time"},
            "planned_minutes": one_of(limits.WALK_MINUTES),
            "timezone": {"type": ["string", "null"]},
            "purpose": text("purpose"),
            "place": text("place"),
            "customer_ids": {"type": "array", "items": {"type": "integer"}},
            "started_at": WHEN,
            "completed_at": WHEN,
            "customers_spoken_to": CUSTOMERS_SPOKEN_TO,
            "frontline_met": text("frontline_met"),
            "summary": text("summary"),
            "answers": {
                "type": "object",
                "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
                "description": "Sent with a done walk: the answer to each of its questions "
                "by id (a yes/no as yes or no, or true or false; a number; one of a choice "
                "question's choices; text). Every required one must be answered, and only the "
                "walk's own questions (422 otherwise, with the reason under answer_<id>). "
                "Left out when correcting a done walk: its answers stay as they are.",
            },
            "unplanned": {"type": "boolean", "description": "Set on create only."},
            "recorded_after": {
                "type": "boolean",
                "description": "Set on create only, with status done.",
            },
            "base_version": BASE_VERSION,
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
    "WalkHistory": {
        "type": "object",
        "description": "Every correction of a done walk and of its observations, oldest "
        "first: who made it, when, the version it made, and each field's old and new value.",
        "required": ["versions"],
        "properties": {
            "versions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["version", "changed_at", "changed_by", "changes"],
                    "properties": {
                        "version": {
                            "type": "integer",
                            "description": "The corrected record's version after it.",
                        },
                        "changed_at": {"type": "string", "format": "date-time"},
                        "changed_by": {
                            "type": "object",
                            "required": ["id", "name"],
                            "properties": {"id": {"type": "integer"}, "name": TEXT},
                        },
                        "changes": {
                            "type": "object",
                            "description": "{field: [old, new]}, fields named as in Walk "
                            "and Observation.",
                            "additionalProperties": {
                                "type": "array",
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                        "observation": {
                            "type": "string",
                            "format": "uuid",
                            "description": "Present when an observation was corrected.",
                        },
                    },
                },
            }
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
                        "name": text("customer_name"),
                        "kind": enum_of(CustomerKind),
                    },
                },
            }
        },
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
                "200": answer("Walks planned in the range, and any in progress", "WalkList"),
                **ERRORS,
            },
        }
    },
    "/customers": {
        "get": {
            "summary": "The customer register the manager may plan with",
            "responses": {"200": answer("Customers", "CustomerList"), **ERRORS},
        }
    },
    "/walks/{walk_id}": {"put": put_operation("walk", "Walk")},
    "/walks/{walk_id}/history": {
        "get": {
            "summary": "The corrections of a done walk and its observations",
            "parameters": [{"name": "walk_id", **UUID_PARAM}],
            "responses": {
                "200": answer("The walk's history, oldest first", "WalkHistory"),
                **ERRORS,
                "404": ERROR,
            },
        }
    },
}
