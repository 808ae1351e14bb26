"""Observations for the offline app: created or updated by their device UUID, and shown with
their photos (inside each walk, and in the answer to a PUT)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_login import current_user

from ..models import Category, Observation, SaidBy, WasteType
from ..services.demand import tallies
from ..services.sync import observations as sync_observations
from ..services.walks import corrections
from .openapi import enum_of, text
from .photos import photo_json
from .sync import (
    BASE_VERSION,
    ERROR,
    ERRORS,
    UUID_PARAM,
    WHEN,
    DeviceRecord,
    device_records,
    in_zone,
    put_operation,
    put_response,
)

bp = device_records("observations", __name__)


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
        "made_at": in_zone(observation.made_at, zone),
        "demand_type_id": observation.demand_type_id,
        "customer_id": observation.customer_id,
        "photos": [photo_json(photo) for photo in observation.photos],
    }


RECORD = DeviceRecord(sync_observations.put_observation, observation_json)


@bp.put("/observations/<uuid:observation_id>")
def put_observation(observation_id: UUID):
    return put_response(RECORD, observation_id)


@bp.delete("/observations/<uuid:observation_id>")
def undo_tally(observation_id: UUID):
    tallies.undo_tally(current_user, observation_id)
    return "", 204


# --- the OpenAPI description ----------------------------------------------------------------

DEMAND_TYPE_ID = {
    "type": ["integer", "null"],
    "description": "A tally: the demand type heard (GET /demand-types); null for a note.",
}
CUSTOMER_ID = {
    "type": ["integer", "null"],
    "minimum": 1,
    "description": "The register customer who said it (GET /api/v1/customers): only on a "
    "what_matters note said_by customer, and only a customer met on the walk or from the "
    "walker's register (else 422). Null names nobody; the customer's page gathers their words.",
}

SCHEMAS = {
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
            "demand_type_id",
            "customer_id",
            "photos",
        ],
        "properties": {
            "uuid": {"type": "string", "format": "uuid"},
            "version": {"type": "integer"},
            "walk_id": {"type": "string", "format": "uuid"},
            "category": enum_of(Category),
            "waste_type": enum_of(WasteType, nullable=True),
            "said_by": enum_of(SaidBy),
            "text": text("observation"),
            "made_at": WHEN,
            "demand_type_id": DEMAND_TYPE_ID,
            "customer_id": CUSTOMER_ID,
            "photos": {"type": "array", "items": {"$ref": "#/components/schemas/Photo"}},
        },
    },
    "ObservationInput": {
        "type": "object",
        "description": "On create: walk_id, category, text (waste_type for waste). On edit: "
        "base_version too, and any of category, waste_type, said_by, text, made_at, customer_id. "
        "On a "
        f"done walk an edit is a correction, for {corrections.WINDOW.days} days after the walk "
        "finished (later: 422), kept in the walk's history; made_at is not corrected. A tally "
        "names its demand_type_id (GET /demand-types); its category must be the type's "
        "(value_demand or failure_demand) and text may be empty; a type that disagrees with "
        "the category, or that the walk's unit does not have, is refused (422).",
        "properties": {
            "walk_id": {"type": "string", "format": "uuid"},
            "category": enum_of(Category),
            "waste_type": enum_of(WasteType, nullable=True),
            "said_by": enum_of(SaidBy),
            "text": text("observation"),
            "made_at": WHEN,
            "demand_type_id": DEMAND_TYPE_ID,
            "customer_id": CUSTOMER_ID,
            "base_version": BASE_VERSION,
        },
    },
}

PATHS = {
    "/observations/{observation_id}": {
        "put": put_operation("observation", "Observation"),
        "delete": {
            "summary": "Undo a tally on a walk being recorded (safe to repeat)",
            "description": "The observation is removed and its id is never used again: a PUT "
            "under it answers 410. Only tallies (observations naming a demand type) on a walk "
            "still in progress are undone this way (409 otherwise).",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "observation_id", **UUID_PARAM}],
            "responses": {
                "204": {"description": "Undone (or already undone)"},
                "404": ERROR,
                "409": ERROR,
                **ERRORS,
            },
        },
    },
}
