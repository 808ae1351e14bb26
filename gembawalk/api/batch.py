"""Batch sync: the records a device wrote by UUID, many in one request (POST /sync), so that a
phone back in signal waits one round trip for its outbox instead of one per record. Each record
goes through the very put its own PUT makes (sync.put_record), in order, under a savepoint of
the batch's one transaction (services/sync/batch.py's one_transaction), and is answered with
the status and body that PUT would have answered. What every record would read on its own
(itself, its walk, a tombstone) is read once for the batch first (batch.preload); the new
observations its puts accept are written together (batch.queue, batch.write_queued)."""

from __future__ import annotations

import contextlib
import json
from typing import Any
from uuid import UUID

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import inspect
from werkzeug.exceptions import RequestEntityTooLarge

from .. import limits
from ..extensions import db
from ..models import Observation, Person, Walk
from ..models.vocabulary import DeviceRecordType
from ..services.errors import Invalid
from ..services.sync import batch
from . import comments, followups, observations, walks
from .http import json_object, refuse
from .openapi import one_of
from .sync import (
    ERRORS,
    UUID_SCHEMA,
    DeviceRecord,
    answer,
    device_records,
    json_content,
    put_record,
)

bp = device_records("batch", __name__, limits.SYNC_BATCH_MAX_BYTES)

# Each type a batch names, and the kind of record its PUT writes.
KINDS: dict[str, DeviceRecord] = {
    DeviceRecordType.WALK: walks.RECORD,
    DeviceRecordType.OBSERVATION: observations.RECORD,
    DeviceRecordType.COMMENT: comments.RECORD,
    DeviceRecordType.FOLLOW_UP: followups.RECORD,
}

Item = tuple[DeviceRecord, UUID, Any]


def read_batch(envelope: dict[str, Any]) -> list[Item]:
    """The records of a batch, each with its kind, UUID and body; a batch that cannot be read
    as a whole (not a list, too many, a record without a type or UUID) is refused before any
    record is applied. A record's own body is its PUT's to judge."""
    records = envelope.get("records")
    if not isinstance(records, list):
        refuse(400, _('Send {"records": [...]}, a list of records.'))
    most = limits.SYNC_BATCH_MAX_RECORDS
    if len(records) > most:
        refuse(
            413,
            _(
                "Send at most %(most)d records at once; this batch holds %(held)d.",
                most=most,
                held=len(records),
            ),
        )
    items: list[Item] = []
    fields: dict[str, str] = {}
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            fields[f"records[{n}]"] = "Send each record as an object with type, uuid and body."
            continue
        named = record.get("type")
        kind = KINDS.get(named) if isinstance(named, str) else None
        if kind is None:
            fields[f"records[{n}].type"] = "Send one of: " + ", ".join(KINDS) + "."
        try:
            record_id = UUID(record["uuid"]) if isinstance(record.get("uuid"), str) else None
        except ValueError:
            record_id = None
        if record_id is None:
            fields[f"records[{n}].uuid"] = "Send the record's UUID."
        if kind is not None and record_id is not None:
            items.append((kind, record_id, record.get("body")))
    if fields:
        refuse(422, _("Some records cannot be read; none was applied."), fields=fields)
    return items


def _encoded_size(body: dict) -> int:
    return len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())


def fresh_session(actor: Person) -> None:
    """The next record reads what the database holds now, as a request of its own would (on
    PostgreSQL another transaction may have committed since), except what the batch read
    once for all its records: the person sending, and the walks and observations it names
    (batch.preload)."""
    session = db.session()
    kept = {id(actor), *(id(row) for row in actor.role_rows)}
    kept |= {id(row) for row in batch.preloaded_rows()}
    for instance in list(session.identity_map.values()):
        if id(instance) not in kept and not inspect(instance).expired:
            session.expire(instance)


def named(items: list[Item]) -> dict[type, set[UUID]]:
    """The walks and observations a batch names, by UUID: the records it sends and the walks
    its observations are on (a walk_id that is not a UUID is its record's own error)."""
    wanted: dict[type, set[UUID]] = {Walk: set(), Observation: set()}
    for kind, record_id, body in items:
        if kind is walks.RECORD:
            wanted[Walk].add(record_id)
        elif kind is observations.RECORD:
            wanted[Observation].add(record_id)
            walk_id = body.get("walk_id") if isinstance(body, dict) else None
            with contextlib.suppress(ValueError, TypeError):
                wanted[Walk].add(UUID(walk_id))
    return wanted


def answer_one(actor: Person, kind: DeviceRecord, record_id: UUID, body: Any) -> dict[str, Any]:
    """One record of a batch, answered as its own PUT would be: a refusal goes through the
    app's error handlers (the same JSON error, the same audit), and never stops the batch."""
    try:
        if not isinstance(body, dict):
            raise Invalid({"body": _("Send the record's body as a JSON object.")})
        if _encoded_size(body) > kind.max_bytes:
            raise RequestEntityTooLarge()
        answer_body, status = put_record(kind, record_id, body, actor)
    except Exception as error:  # noqa: BLE001  (each is answered as the single PUT answers it)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response = app.make_response(app.handle_user_exception(error))
        answer_body, status = response.get_json(), response.status_code
    finally:
        fresh_session(actor)
    return {"uuid": str(record_id), "status": status, "body": answer_body}


def answer_all(actor: Person, items: list[Item]) -> list[dict[str, Any]]:
    """Every record of a batch, answered in order. A new observation the batch read as absent
    is checked by its put and held; the held ones are written in one INSERT before any other
    record is applied (and at the end), so each record still sees those before it. Should
    that INSERT be refused (a concurrent device sent one of them meanwhile), each held one is
    put again on its own, as a single PUT would be, and answered from that."""
    results: list[dict[str, Any]] = []
    held: list[int] = []  # the results answered from rows not yet written

    def write_held() -> None:
        if not batch.write_queued():
            for n in held:
                results[n] = answer_one(actor, *items[n])
        held.clear()

    for n, (kind, record_id, body) in enumerate(items):
        if kind is observations.RECORD and batch.will_create(Observation, record_id):
            with batch.queueing():
                results.append(answer_one(actor, kind, record_id, body))
            if batch.queued_count() > len(held):
                held.append(n)
            continue
        write_held()
        results.append(answer_one(actor, kind, record_id, body))
    write_held()
    return results


@bp.post("/sync")
def sync_batch():
    items = read_batch(json_object())
    # A savepoint a record, one transaction (and one write lock) for the batch: the answers
    # go out only once it is committed, so no record is acknowledged that was not stored.
    with batch.one_transaction():
        # The sender as this transaction's session holds them (services take them as given).
        actor = db.session.merge(current_user._get_current_object(), load=False)
        batch.preload(named(items))
        results = answer_all(actor, items)
    return jsonify({"results": results})


# --- the OpenAPI description ----------------------------------------------------------------


def _schema(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _when(statuses: list[int], body: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"properties": {"status": {"enum": statuses}}},
        "then": {"properties": {"body": body}},
    }


SCHEMAS = {
    "SyncBatch": {
        "type": "object",
        "required": ["records"],
        "properties": {
            "records": {
                "type": "array",
                "maxItems": limits.SYNC_BATCH_MAX_RECORDS,
                "items": {
                    "type": "object",
                    "required": ["type", "uuid", "body"],
                    "properties": {
                        "type": one_of(KINDS),
                        "uuid": {**UUID_SCHEMA, "description": "Made on the device."},
                        "body": {
                            "type": "object",
                            "description": "What the record's own PUT takes: WalkInput, "
                            "ObservationInput, CommentInput or FollowUpInput.",
                        },
                    },
                },
            }
        },
    },
    "SyncBatchResults": {
        "type": "object",
        "required": ["results"],
        "properties": {
            "results": {
                "type": "array",
                "description": "One per record sent, in the same order.",
                "items": {
                    "type": "object",
                    "required": ["uuid", "status", "body"],
                    "properties": {
                        "uuid": UUID_SCHEMA,
                        "status": {
                            "type": "integer",
                            "description": "What the record's own PUT answers: 201, 200, 409, "
                            "410, 422, 403, 404, 413.",
                        },
                        "body": {"type": "object"},
                    },
                    "allOf": [
                        _when(
                            [200, 201],
                            {
                                "anyOf": [
                                    _schema("Walk"),
                                    _schema("Observation"),
                                    _schema("Comment"),
                                    _schema("FollowUp"),
                                ]
                            },
                        ),
                        _when([409], _schema("SyncConflict")),
                        _when([400, 403, 404, 410, 413, 422, 500, 503], _schema("Error")),
                    ],
                },
            }
        },
    },
}

PATHS = {
    "/sync": {
        "post": {
            "summary": "Send many records written by UUID at once (photos go one by one)",
            "description": "Each record is applied in order, in its own transaction, through "
            "the same rules as its own PUT, and answered with that PUT's status and body: one "
            "record refused never undoes or holds up another. Up to "
            f"{limits.SYNC_BATCH_MAX_RECORDS} records and {limits.SYNC_BATCH_MAX_BYTES:,} "
            "bytes (413 before the body is read); a batch that cannot be read as a whole (no "
            "list, an unknown type, a record without a UUID) is refused whole (400, 422) and "
            "nothing is applied. A server without this path answers 404: send each record "
            "with its PUT.",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": True, **json_content("SyncBatch")},
            "responses": {
                "200": answer("One result per record, in order", "SyncBatchResults"),
                **ERRORS,
            },
        }
    },
}
