"""A unit's wall link for its leaders: GET /units/{id}/wall, POST /units/{id}/wall/regenerate."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from ..services import wall
from ..wall.views import wall_links

bp = Blueprint("walls_api", __name__)


@bp.get("/units/<int:unit_id>/wall")
@login_required
def show(unit_id: int):
    unit = wall.managed_unit(current_user, unit_id)
    return jsonify(wall_links(wall.wall_token(unit)))


@bp.post("/units/<int:unit_id>/wall/regenerate")
@login_required
def regenerate(unit_id: int):
    return jsonify(wall_links(wall.regenerate(current_user, unit_id)))


SCHEMAS = {
    "WallLinks": {
        "type": "object",
        "required": ["url", "poster_url"],
        "properties": {
            "url": {
                "type": "string",
                "format": "uri",
                "description": "The unit's private wall page: anyone with it can read the "
                "frontline's ideas and what was done (nobody is named) and answer "
                '"Fixed for us?". It changes when regenerated.',
            },
            "poster_url": {
                "type": "string",
                "format": "uri",
                "description": "An A4 poster with the wall's QR code, to print.",
            },
        },
    }
}

UNIT_ID = {
    "name": "unit_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}

PATHS = {
    "/units/{unit_id}/wall": {
        "get": {
            "summary": "A unit's wall link and poster (its leaders and admins only)",
            "parameters": [UNIT_ID],
            "responses": {
                "200": {"$ref": "#/components/responses/WallLinks"},
                "401": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
            },
        }
    },
    "/units/{unit_id}/wall/regenerate": {
        "post": {
            "summary": "A new wall link; the old one answers 404 from now on",
            "security": [{"session": [], "csrf": []}],
            "parameters": [UNIT_ID],
            "responses": {
                "200": {"$ref": "#/components/responses/WallLinks"},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
            },
        }
    },
}

RESPONSES = {
    "WallLinks": {
        "description": "The wall's address and its poster's",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WallLinks"}}},
    }
}
