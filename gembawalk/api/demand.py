"""Demand for the offline app and for directors: the demand types a manager's walks may tally
(GET /demand-types), a unit's demand picture (GET /demand), and undoing a tally
(DELETE /observations/{id}: the observation goes, and its id is never used again)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..models import DEMAND_CATEGORY, DemandKind, DemandType
from ..services.demand import picture as demand_picture
from ..services.demand import types as demand_types
from ..services.engagement.periods import choose_period, parse_day
from ..services.errors import Invalid
from ..services.validation import record_id
from .openapi import enum_of, one_of, text
from .sync import ERROR, answer

bp = Blueprint("demand", __name__)


def demand_type_json(demand_type: DemandType) -> dict[str, Any]:
    return {
        "id": demand_type.id,
        "name": demand_type.name,
        "kind": demand_type.kind.value,
        "category": demand_type.category.value,
        "unit": {"id": demand_type.org_unit.id, "name": demand_type.org_unit.name},
    }


@bp.get("/demand-types")
@login_required
def list_demand_types():
    found = demand_types.for_person(current_user)
    return jsonify({"demand_types": [demand_type_json(t) for t in found]})


@bp.get("/demand")
@login_required
def demand():
    unit = request.args.get("unit") or None
    unit_id = request.args.get("unit", type=record_id)
    if unit is not None and unit_id is None:
        raise Invalid({"unit": _("Give the org unit as its id, a whole number.")})
    period = choose_period(
        first=parse_day(request.args.get("from"), "from"),
        last=parse_day(request.args.get("to"), "to"),
    )
    found = demand_picture.picture(current_user, unit_id, period)
    return jsonify(demand_picture.picture_json(found))


# --- the OpenAPI description ----------------------------------------------------------------

UNIT = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
COUNT = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "DemandType": {
        "type": "object",
        "required": ["id", "name", "kind", "category", "unit"],
        "properties": {
            "id": {"type": "integer"},
            "name": text("demand_type"),
            "kind": enum_of(DemandKind),
            "category": {
                **one_of(c.value for c in DEMAND_CATEGORY.values()),
                "description": "The category a tally of it takes (from its kind).",
            },
            "unit": {**UNIT, "description": "The unit that keeps it (the caller's or above)."},
        },
    },
    "DemandTypes": {
        "type": "object",
        "required": ["demand_types"],
        "properties": {
            "demand_types": {"type": "array", "items": {"$ref": "#/components/schemas/DemandType"}}
        },
    },
    "Demand": {
        "type": "object",
        "required": ["unit", "from", "to", "value", "failure", "failure_share", "types"],
        "properties": {
            "unit": UNIT,
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "value": {**COUNT, "description": "Value demand heard, typed or not."},
            "failure": {**COUNT, "description": "Failure demand heard, typed or not."},
            "failure_share": {**SHARE, "description": "failure ÷ (value + failure); null: none."},
            "types": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "kind", "count", "weeks_present"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": text("demand_type"),
                        "kind": enum_of(DemandKind),
                        "count": COUNT,
                        "weeks_present": {
                            **COUNT,
                            "description": "Weeks (from Monday) of the period it was heard in; "
                            "present in most weeks, it is predictable.",
                        },
                    },
                },
            },
        },
    },
}

PERIOD_PARAMS = [
    {
        "name": "from",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "First day, YYYY-MM-DD, included. Default: 27 days before to.",
    },
    {
        "name": "to",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "Last day, YYYY-MM-DD, included. Default: today.",
    },
]

PATHS = {
    "/demand-types": {
        "get": {
            "summary": "The demand types the caller's walks may tally",
            "description": "Those of the caller's org unit and every unit above it, the "
            "highest unit's first; retired types are left out.",
            "responses": {
                "200": answer("The demand types", "DemandTypes"),
                "401": ERROR,
            },
        }
    },
    "/demand": {
        "get": {
            "summary": "A unit's demand picture over a period",
            "description": "Demand heard by the managers of the unit and every unit below it, "
            "on the walks the caller may see, typed (tallies) and untyped alike.",
            "parameters": [
                {
                    "name": "unit",
                    "in": "query",
                    "schema": {"type": "integer"},
                    "description": "An org unit the caller leads (or one below it), or their "
                    "own; by default the highest one they lead, else their own.",
                },
                *PERIOD_PARAMS,
            ],
            "responses": {
                "200": answer("The demand picture", "Demand"),
                "401": ERROR,
                "404": ERROR,
                "422": ERROR,
            },
        }
    },
}
