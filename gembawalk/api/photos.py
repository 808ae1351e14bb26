"""Photos of observations: sent once as a raw image body, served to those who may see the walk."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import limits
from ..models.photos import Photo
from ..security import keep_privately, limit_body
from ..services import photos
from ..storage import photo_store
from .http import refuse
from .openapi import one_of
from .sync import ERRORS, UUID_PARAM, answer, outcome_response

bp = Blueprint("photos", __name__)


limit_body(bp, photos.MAX_BYTES)


@bp.before_request
@login_required
def signed_in():
    return None


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


@bp.put("/observations/<uuid:observation_id>/photos/<uuid:photo_id>")
def put_photo(observation_id: UUID, photo_id: UUID):
    declared = request.mimetype
    if declared not in photos.FORMATS.values():
        refuse(415, _("Send the photo as the raw body with Content-Type image/jpeg, png or webp."))
    data = request.get_data(cache=False)
    outcome = photos.put_photo(
        current_user, observation_id, photo_id, data, declared, photo_store()
    )
    return outcome_response(outcome, photo_json)


@bp.get("/photos/<uuid:photo_id>")
def show(photo_id: UUID):
    photo = photos.get_photo(current_user, photo_id)  # the access rule, before anything else
    etag = photos.etag(photo)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)  # the browser's copy is this photo: the store is not asked
    else:
        response = streamed(photo)
    response.set_etag(etag)
    return keep_privately(response)


def streamed(photo: Photo) -> Response:
    """The photo read from the store a chunk at a time, never whole into memory."""
    stored = photos.open_stored(photo, photo_store())
    if stored is None:
        refuse(404, _("This photo's file is missing on the server."))
    response = Response(stored.chunks(), mimetype=photo.content_type, direct_passthrough=True)
    response.content_length = stored.size
    response.call_on_close(stored.stream.close)  # also when the body is never read (HEAD)
    # Served from our origin: never let a browser read it as anything but the image it is.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = "inline"
    return response


SCHEMAS = {
    "Photo": {
        "type": "object",
        "required": ["uuid", "observation_id", "version", "url", "content_type", "width", "height"],
        "properties": {
            "uuid": {"type": "string", "format": "uuid"},
            "observation_id": {"type": "string", "format": "uuid"},
            "version": {"type": "integer"},
            "url": {"type": "string"},
            "content_type": one_of(limits.PHOTO_TYPES),
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    },
}

PATHS = {
    "/observations/{observation_id}/photos/{photo_id}": {
        "put": {
            "summary": "Store a photo of an observation once (safe to repeat)",
            "description": "The raw image is the body (not multipart). The server checks the "
            "content, strips EXIF and other metadata by re-encoding, and refuses decompression "
            f"bombs (422) and bodies over {limits.PHOTO_MAX_BYTES // 2**20} MiB (413). "
            "Acknowledged (200, 201) only once the photo is in the photo store; when the "
            "store cannot be reached the answer is 503 with Retry-After and nothing is kept.",
            "security": [{"session": [], "csrf": []}],
            "parameters": [
                {"name": "observation_id", **UUID_PARAM},
                {"name": "photo_id", **UUID_PARAM},
            ],
            "requestBody": {
                "required": True,
                "content": {
                    kind: {"schema": {"type": "string", "contentMediaType": kind}}
                    for kind in photos.FORMATS.values()
                },
            },
            "responses": {
                "200": answer("Already held: the photo", "Photo"),
                "201": answer("Stored: the photo", "Photo"),
                "415": {"$ref": "#/components/responses/Error"},
                **ERRORS,
                "503": {
                    "$ref": "#/components/responses/Error",
                    "description": "The photo store could not take it: nothing was stored; "
                    "send it again after Retry-After seconds",
                },
            },
        }
    },
    "/photos/{photo_id}": {
        "get": {
            "summary": "A photo, for whoever may see its walk",
            "description": "Streamed from the photo store, with an ETag and "
            "`Cache-Control: private, max-age=31536000, immutable` (a photo never changes); "
            "`If-None-Match` with that ETag answers 304.",
            "parameters": [
                {"name": "photo_id", **UUID_PARAM},
                {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "The image",
                    "content": {
                        kind: {"schema": {"type": "string", "contentMediaType": kind}}
                        for kind in photos.FORMATS.values()
                    },
                },
                "304": {"description": "Not modified: the copy the client holds is this photo"},
                "401": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "503": {"$ref": "#/components/responses/Error"},
            },
        }
    },
}
