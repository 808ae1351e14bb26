"""Observations for the offline app: created or updated by their device UUID, and shown with
their photos (inside each walk, and in the answer to a PUT)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_login import current_user

from ..models import Category, Observation, SaidBy, WasteType
from ..services.sync import observations as sync_observations
from ..services.walks import corrections
from .http import json_object
from .openapi import enum_of, text
from .photos import photo_json
from .sync import (
    BASE_VERSION,
    WHEN,
    device_records,
    in_zone,
    outcome_response,
    put_operation,
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
        "customer_id": observation.customer_id,
        "photos": [photo_json(photo) for photo in observation.photos],
    }


@bp.put("/observations/<uuid:observation_id>")
def put_observation(observation_id: UUID):
    outcome = sync_observations.put_observation(current_user, observation_id, json_object())
    return outcome_response(outcome, observation_json)


# --- the OpenAPI description ----------------------------------------------------------------

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
        "finished (later: 422), kept in the walk's history; made_at is not corrected.",
        "properties": {
            "walk_id": {"type": "string", "format": "uuid"},
            "category": enum_of(Category),
            "waste_type": enum_of(WasteType, nullable=True),
            "said_by": enum_of(SaidBy),
            "text": text("observation"),
            "made_at": WHEN,
            "customer_id": CUSTOMER_ID,
            "base_version": BASE_VERSION,
        },
    },
}

PATHS = {
    "/observations/{observation_id}": {"put": put_operation("observation", "Observation")},
}
