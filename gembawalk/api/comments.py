"""Comments for the offline app: a coach's comment or a manager's answer written with no
signal, sent later by the device's UUID through the one sync protocol (sync.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from .. import limits
from ..models import Comment
from ..services.sync import comments as sync_comments
from .openapi import text
from .sync import (
    BASE_VERSION,
    MAYBE_UUID,
    UUID_SCHEMA,
    WHEN,
    DeviceRecord,
    device_records,
    put_operation,
    put_response,
)

bp = device_records("comments_api", __name__, limits.NOTE_BODY_MAX_BYTES)


def utc(value) -> str | None:
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
        "created_at": utc(comment.created_at),
        "updated_at": utc(comment.updated_at),
    }


RECORD = DeviceRecord(sync_comments.put_comment, comment_json, limits.NOTE_BODY_MAX_BYTES)


@bp.put("/comments/<uuid:comment_id>")
def put_comment(comment_id: UUID):
    return put_response(RECORD, comment_id)


# --- the OpenAPI description ----------------------------------------------------------------

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
            "body": text("comment"),
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
            "body": text("comment"),
            "base_version": BASE_VERSION,
        },
    },
}

PATHS = {"/comments/{comment_id}": {"put": put_operation("comment", "Comment")}}
