"""What a batch of device records (POST /sync, api/batch.py) shares beyond each record's own
put: one transaction for the whole batch, what it reads once up front, and its new
observations written together.

Each record still goes through the very put its own PUT makes (protocol.py and the kinds beside
it); the batch only changes how that put reads and writes. It reads the records a batch names
once (preload), and a new observation the batch read as absent is checked by its put as
always, then held (queue) instead of inserted under a savepoint of its own: the held ones go
in one INSERT (write_queued) before any other kind of record is applied, so the records still
take effect in order. Should that INSERT meet the unique constraint (a concurrent device sent
one of them since the batch read), none of it is kept and each goes through its put again.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import RelationshipDirection, selectinload

from ...database import writing
from ...extensions import db
from ...models import Observation, Walk
from ...models.tombstones import RemovedRecord
from ..engagement import touched


class _SavepointSession(AppSession):
    """The app's session on one connection already in a transaction: each commit releases a
    savepoint, each rollback returns to it (join_transaction_mode="create_savepoint")."""

    def get_bind(self, *args, **kwargs):
        # Flask-SQLAlchemy would hand out the engine (a connection of its own) instead.
        return self.bind


@contextmanager
def one_transaction() -> Iterator[None]:
    """Whatever the services write inside goes in one database transaction, committed at the
    end: each of their commits is a savepoint of it, each rollback undoes only back to the last
    one, so a record refused takes nothing else with it. One write lock instead of one a
    record, one commit to disk, and the engagement days summed once. `db.session` is that
    transaction's session until the end; what the request loaded before stays readable."""
    scoped = db.session
    before = scoped()
    # End the request's own (read) transaction, keeping what it loaded (the person signed in):
    # reading it again there would wait for this transaction's write lock on SQLite.
    before.expire_on_commit = False
    before.commit()
    before.expire_on_commit = True
    with writing(), db.engine.connect() as connection:
        transaction = connection.begin()
        options = {**scoped.session_factory.kw, "bind": connection}
        session = _SavepointSession(**options, join_transaction_mode="create_savepoint")
        touched.defer(session)
        scoped.registry.set(session)
        try:
            yield
            touched.refresh_deferred(session)
            session.commit()
            transaction.commit()
        finally:
            session.close()
            scoped.registry.set(before)
            if transaction.is_active:
                transaction.rollback()


# --- what a batch reads once --------------------------------------------------------------

_PRELOADED = "gembawalk_sync_preloaded"


def _preload_options(model) -> tuple | None:
    """What each kind of record's put reads with it (as its put_by_uuid options say); None
    for a kind not read up front."""
    if model is Observation:
        return (selectinload(Observation.photos),)
    return () if model is Walk else None


@dataclass
class _Preloaded:
    """What a batch read before its first record: each record (and each walk its records
    name) by UUID, found or known absent, and the UUIDs among them the server removed; and
    the new rows its puts made and left for write_queued."""

    rows: dict[tuple[type, uuid_lib.UUID], Any]
    removed: set[uuid_lib.UUID]
    queued: list[Any] = field(default_factory=list)
    queueing: bool = False


def preload(wanted: dict[Any, set[uuid_lib.UUID]]) -> None:
    """Read, in one query a kind, the walks and observations a batch names (the records it
    sends and the walks its observations are on), and in one more the tombstones among them,
    so that each record's put (the same put a single PUT makes) finds them already read
    instead of asking once a record. For the session of one_transaction only: the batch then
    reads the database as it was at its start, plus what it writes itself (on SQLite it holds
    the write lock throughout; on PostgreSQL a concurrent create of the same UUID is still
    caught by the unique constraint, as for a single PUT)."""
    session = db.session()
    rows: dict[tuple[type, uuid_lib.UUID], Any] = {}
    named: set[uuid_lib.UUID] = set()
    for model, ids in wanted.items():
        options = _preload_options(model)
        if options is None or not ids:
            continue
        query: Any = select(model).where(model.uuid.in_(ids)).options(*options)
        found = {row.uuid: row for row in session.scalars(query)}
        rows.update({(model, i): found.get(i) for i in ids})
        named |= ids
    removed = set()
    if named:
        stones = select(RemovedRecord.uuid).where(RemovedRecord.uuid.in_(named))
        removed = set(session.scalars(stones))
    session.info[_PRELOADED] = _Preloaded(rows, removed)


def _preloaded() -> _Preloaded | None:
    return db.session().info.get(_PRELOADED)


def preloaded_rows() -> list:
    """The rows a batch read up front (kept as read: see api/batch.py's fresh_session)."""
    known = _preloaded()
    return [] if known is None else [row for row in known.rows.values() if row is not None]


UNKNOWN = object()


def known(model, public_id: uuid_lib.UUID):
    """The preloaded row with this UUID, None when the batch read it as absent (and not
    removed), or UNKNOWN: not read up front, or no longer to be trusted (a row undone since;
    an absence is trusted once: the put it answers may create the row)."""
    found = _preloaded()
    if found is None or (model, public_id) not in found.rows:
        return UNKNOWN
    row = found.rows[(model, public_id)]
    if row is None:
        del found.rows[(model, public_id)]
        return UNKNOWN if public_id in found.removed else None
    state = inspect(row)
    return row if state.persistent and not state.expired else UNKNOWN


def find_by_uuid(model, public_id: uuid_lib.UUID):
    """The record with this UUID (a batch's preloaded one when it has it), or None."""
    found = _preloaded()
    row = None if found is None else found.rows.get((model, public_id))
    if row is not None and inspect(row).persistent and not inspect(row).expired:
        return row
    row = db.session.scalar(select(model).where(model.uuid == public_id))
    if found is not None and row is not None:
        found.rows[(model, public_id)] = row
    return row


# --- new observations written together ------------------------------------------------------


def will_create(model, public_id: uuid_lib.UUID) -> bool:
    """Whether the batch read this UUID up front as neither held nor removed, and no record
    before this one asked about it: its put, if the body is right, creates it."""
    found = _preloaded()
    return (
        found is not None
        and (model, public_id) in found.rows
        and found.rows[(model, public_id)] is None
        and public_id not in found.removed
    )


@contextmanager
def queueing() -> Iterator[None]:
    """Inside, a new observation its put has checked is held for write_queued instead of
    being inserted (see queue)."""
    found = _preloaded()
    assert found is not None, "only a batch that preloaded queues its rows"
    found.queueing = True
    try:
        yield
    finally:
        found.queueing = False


def queue(row) -> bool:
    """Hold a new row, checked and ready, for write_queued instead of inserting it now; False
    (the caller inserts it) outside queueing(). Its answer is built from it as it stands."""
    found = _preloaded()
    if found is None or not found.queueing:
        return False
    state = inspect(row)
    for relation in state.mapper.relationships:
        if relation.key not in state.dict:
            continue
        if relation.direction is not RelationshipDirection.MANYTOONE:
            continue
        # The keys a flush would copy from the row it names (walk_id from its walk...).
        target = state.dict[relation.key]
        for local, remote in relation.local_remote_pairs:
            setattr(row, local.key, None if target is None else getattr(target, remote.key))
        if target is not None and relation.back_populates and inspect(target).persistent:
            # Naming its walk put it in the walk's list of observations (a backref); that
            # list is read from the database again once the row is there.
            db.session.expire(target, [relation.back_populates])
    found.queued.append(row)
    return True


def queued_count() -> int:
    found = _preloaded()
    return 0 if found is None else len(found.queued)


def write_queued() -> bool:
    """Insert the rows held since the last call, in one statement under a savepoint of their
    own, and note the engagement days they touch. False when the database refused them (a
    concurrent device created one of these UUIDs since the batch read them): then nothing of
    them is written, and each must be put again on its own."""
    found = _preloaded()
    rows = [] if found is None else found.queued
    if not rows:
        return True
    found.queued = []  # type: ignore[union-attr]
    table: Any = type(rows[0]).__table__
    keys = [column.key for column in table.columns if not column.primary_key]
    values = [{key: getattr(row, key) for key in keys} for row in rows]
    session = db.session()
    connection = session.connection()
    try:
        with connection.begin_nested():
            connection.execute(insert(table), values)
    except IntegrityError:
        return False
    touched.note_inserted(session, rows)
    session.commit()
    return True
