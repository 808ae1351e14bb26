"""The JSON API used by the offline client, under /api/v1: JSON errors, 401 never a redirect.

Each module in MODULES brings a blueprint (`bp`) and describes what it serves for the OpenAPI
document (`PATHS`, `SCHEMAS`, optionally `RESPONSES`); adding an endpoint means adding both.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from . import (
    batch,
    comments,
    core,
    demand,
    followups,
    leaderboard,
    observations,
    openapi,
    photos,
    questions,
    sync,
    walks,
    walls,
)
from .http import no_store

MODULES = (
    core, leaderboard, demand, sync, walks, observations, photos, comments, followups, batch,
    walls, questions,
)  # fmt: skip

API_VERSION = "1.0.0"


def openapi_document():
    return jsonify(openapi.document(MODULES, API_VERSION))


PREFIX = "/api/v1"  # the offline client reads it from the vocabulary every page embeds


def create_api() -> Blueprint:
    api = Blueprint("api", __name__, url_prefix=PREFIX)
    for module in MODULES:
        api.register_blueprint(module.bp)
    api.add_url_rule("/openapi.json", "openapi", openapi_document)
    api.after_request(no_store)
    return api
