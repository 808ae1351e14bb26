"""Which managers' engagement days each write touched, noted for rollup.py to sum before commit."""

from __future__ import annotations

from datetime import datetime

from flask import has_app_context
from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ...models import Customer, Observation, Walk, walk_customers
from ...models.rollup import RollupState
from .periods import org_zone
from .rollup import STATE_ID, refresh

TOUCHED = "gembawalk.rollup.touched"  # session.info: {(manager_id, instant), ...}
DEFERRED = "gembawalk.rollup.deferred"  # the same, noted by commits that are savepoints

# What a day's facts are made of: a change to anything else leaves the days as they are.
WALK_FACTS = (
    "manager_id",
    "kind",
    "status",
    "planned_start",
    "started_at",
    "completed_at",
    "customers_spoken_to",
    "customers",
    "unplanned",
)
OBSERVATION_FACTS = ("author_id", "made_at", "category")


def _values(obj, name: str) -> set:
    """An attribute's value now and, when it changed in this flush, its value before."""
    values = {getattr(obj, name)}
    values.update(inspect(obj).attrs[name].history.deleted or ())
    return {value for value in values if value is not None}


def _changed(obj, names: tuple[str, ...]) -> bool:
    """Whether any of these attributes changed (an attribute never loaded has not)."""
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _touch(session: Session, managers: set[int], instants: set[datetime]) -> None:
    touched = session.info.setdefault(TOUCHED, set())
    touched.update((manager, instant) for manager in managers for instant in instants)


def _before_flush(session: Session, _context, _instances) -> None:
    """A walk about to be deleted takes its observations with it: note their days now,
    while they can still be read."""
    gone = [obj.id for obj in session.deleted if isinstance(obj, Walk) and obj.id is not None]
    if gone and _tracking(session):
        rows = session.connection().execute(
            select(Observation.author_id, Observation.made_at).where(Observation.walk_id.in_(gone))
        )
        for author_id, made_at in rows:
            _touch(session, {author_id}, {made_at})


def _after_flush(session: Session, _context) -> None:
    if not _tracking(session):
        return
    for obj in (*session.new, *session.deleted):
        _note(session, obj, every_change=True)
    for obj in session.dirty:
        _note(session, obj, every_change=False)


def _note(session: Session, obj, every_change: bool) -> None:
    """Note the days a new, deleted or changed walk, observation or customer touches."""
    if isinstance(obj, Walk):
        if every_change or _changed(obj, WALK_FACTS):  # not for a note added, a summary edited
            instants = _values(obj, "planned_start") | _values(obj, "completed_at")
            _touch(session, _values(obj, "manager_id"), instants)
    elif isinstance(obj, Observation):
        if every_change or _changed(obj, OBSERVATION_FACTS):
            _touch(session, _values(obj, "author_id"), _values(obj, "made_at"))
    elif isinstance(obj, Customer) and _changed(obj, ("kind",)):
        # Every engagement with this customer may have become one, or stopped being one.
        for manager_id, completed_at in session.connection().execute(
            select(Walk.manager_id, Walk.completed_at)
            .join(walk_customers, walk_customers.c.walk_id == Walk.id)
            .where(walk_customers.c.customer_id == obj.id, Walk.completed_at.is_not(None))
        ):
            assert completed_at is not None  # the WHERE takes completed walks only
            _touch(session, {manager_id}, {completed_at})


def note_inserted(session: Session, observations) -> None:
    """New observations inserted without a flush (a sync batch's, in one INSERT): note the
    days they touch, as a flush notes those of the rows it inserts."""
    if _tracking(session):
        touched = session.info.setdefault(TOUCHED, set())
        touched.update((row.author_id, row.made_at) for row in observations)


def _before_commit(session: Session) -> None:
    if not _tracking(session):
        return
    session.flush()
    touched = session.info.pop(TOUCHED, None)
    if touched and DEFERRED in session.info:
        # Each commit is a savepoint of one transaction (sync/batch.py's one_transaction):
        # the days are summed once, before that transaction commits.
        session.info[DEFERRED].update(touched)
    elif touched:
        _refresh_touched(session, touched)


def _refresh_touched(session: Session, touched: set[tuple[int, datetime]]) -> None:
    # The zone the other days were cut in (a read may have asked for another one).
    stored = session.connection().scalar(select(RollupState.zone).where(RollupState.id == STATE_ID))
    refresh(session, touched, stored or org_zone(), zone_known=stored is not None)


def defer(session: Session) -> None:
    """Until refresh_deferred(session), note the days each commit of `session` touched
    instead of summing them: for a session whose commits are savepoints of one transaction."""
    session.info[DEFERRED] = set()


def refresh_deferred(session: Session) -> None:
    """Sum the days noted since defer(session), inside the transaction that wrote them."""
    touched = session.info.pop(DEFERRED, None)
    if touched:
        _refresh_touched(session, touched)


def _forget(session: Session, *_args) -> None:
    session.info.pop(TOUCHED, None)


def _tracking(session: Session) -> bool:
    return isinstance(session, AppSession) and has_app_context()


def track() -> None:
    """Listen to every app session (once per process)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_rollback", _forget),
    ):
        if not event.contains(AppSession, name, listener):
            event.listen(AppSession, name, listener)
