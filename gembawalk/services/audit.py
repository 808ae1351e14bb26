"""Writing and reading the audit log. Events are appended, never changed or removed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from ..extensions import db
from ..models import AuditEvent, Person
from ..timeutil import utcnow
from .people import org  # a module, not a name: org records unit changes here in turn

# What can happen, in the log's own words.
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_THROTTLED = "sign_in_throttled"
# Not a wrong password: single sign-on that proves no one who may sign in, or a right password
# from someone who must use single sign-on (the detail says which).
SIGN_IN_REFUSED = "sign_in_refused"
SIGN_OUT = "sign_out"
PASSWORD_CONFIRMED = "password_confirmed"
PASSWORD_CONFIRM_FAILED = "password_confirm_failed"
PASSWORD_CHANGED = "password_changed"
SESSIONS_ENDED = "sessions_ended"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
CSRF_FAILED = "csrf_failed"
PERSON_CREATED = "person_created"
PERSON_CHANGED = "person_changed"
PERSON_DEACTIVATED = "person_deactivated"
PERSON_REACTIVATED = "person_reactivated"
UNIT_CREATED = "unit_created"
UNIT_CHANGED = "unit_changed"
CUSTOMER_CREATED = "customer_created"
CUSTOMER_CHANGED = "customer_changed"
CADENCE_CHANGED = "cadence_changed"
PEOPLE_IMPORTED = "people_imported"
CUSTOMERS_IMPORTED = "customers_imported"
EXPORT = "export"
AUDIT_SUPPRESSED = "audit_suppressed"

KINDS = (
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_IN_THROTTLED,
    SIGN_IN_REFUSED,
    SIGN_OUT,
    PASSWORD_CONFIRMED,
    PASSWORD_CONFIRM_FAILED,
    PASSWORD_CHANGED,
    SESSIONS_ENDED,
    FORBIDDEN,
    NOT_FOUND,
    CSRF_FAILED,
    PERSON_CREATED,
    PERSON_CHANGED,
    PERSON_DEACTIVATED,
    PERSON_REACTIVATED,
    UNIT_CREATED,
    UNIT_CHANGED,
    CUSTOMER_CREATED,
    CUSTOMER_CHANGED,
    CADENCE_CHANGED,
    PEOPLE_IMPORTED,
    CUSTOMERS_IMPORTED,
    EXPORT,
    AUDIT_SUPPRESSED,
)
PAGE_SIZE = 200
# What nobody signed in may write: this many events a minute from one address, then one row
# saying that more were left out. Sign-in failures always count (the password-guess limit
# counts them, and bounds them itself).
ANONYMOUS_PER_MINUTE = 10
ALWAYS_KEPT = frozenset({SIGN_IN_FAILED})


def as_stored(value: object, column) -> str | None:
    """What fits the column, NUL bytes removed: an attacker's input must still be logged (and
    looked up again the same way)."""
    if value is None:
        return None
    text = str(value).replace("\x00", "\\0")
    return text[: column.type.length]


def add(
    kind: str,
    *,
    actor: Person | None = None,
    subject: str | None = None,
    detail: str | None = None,
    address: str | None = None,
    method: str | None = None,
    path: str | None = None,
) -> AuditEvent:
    """Add an event to the current transaction: it is stored with the change it describes,
    or not at all."""
    columns = AuditEvent.__table__.c
    # Only a signed-in actor is named (current_user may be the anonymous one).
    signer = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        kind=kind,
        actor_id=signer.id if signer is not None else None,
        actor_email=as_stored(signer.email, columns.actor_email) if signer is not None else None,
        subject=as_stored(subject, columns.subject),
        detail=as_stored(detail, columns.detail),
        address=as_stored(address, columns.address),
        method=as_stored(method, columns.method),
        path=as_stored(path, columns.path),
    )
    db.session.add(event)
    return event


def add_many(actor: Person | None, events: Iterable[tuple[str, str, str | None]]) -> int:
    """Add (kind, subject, detail) events in one statement, for an import that changes
    thousands of people at once; stored with the change, like `add`."""
    columns = AuditEvent.__table__.c
    signer = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    now = utcnow()
    rows = [
        {
            "at": now,
            "kind": kind,
            "actor_id": signer.id if signer is not None else None,
            "actor_email": as_stored(signer.email, columns.actor_email) if signer else None,
            "subject": as_stored(subject, columns.subject),
            "detail": as_stored(detail, columns.detail),
        }
        for kind, subject, detail in events
    ]
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    return len(rows)


def described(facts: dict[str, str]) -> str:
    """{"kind": "external", "org unit": "North"} as "kind: external; org unit: North"."""
    return "; ".join(f"{name}: {value}" for name, value in facts.items())


def changes(before: dict[str, str], after: dict[str, str]) -> str | None:
    """What differs, as "name: old → new; ...", or None when nothing does."""
    changed = [f"{k}: {before.get(k)} → {v}" for k, v in after.items() if before.get(k) != v]
    return "; ".join(changed) or None


def _anonymous_budget_left(address: str | None) -> int:
    """How many more events an anonymous client at `address` may write this minute (<0: the
    note that more were left out is written already)."""
    since = utcnow() - timedelta(minutes=1)
    written = db.session.scalar(
        select(func.count()).where(
            AuditEvent.actor_id.is_(None),
            AuditEvent.address == address,
            AuditEvent.at >= since,
            AuditEvent.kind.not_in(ALWAYS_KEPT),
        )
    )
    return ANONYMOUS_PER_MINUTE - (written or 0)


def record(kind: str, **facts) -> None:
    """Store an event on its own, for refusals where nothing else is being written. What an
    anonymous client can write is limited (ANONYMOUS_PER_MINUTE): a flood of refusals cannot
    fill the log, and the log says when it left some out."""
    db.session.rollback()  # whatever the refused request had begun is not ours to commit
    actor = facts.get("actor")
    if kind not in ALWAYS_KEPT and not getattr(actor, "is_authenticated", False):
        left = _anonymous_budget_left(
            as_stored(facts.get("address"), AuditEvent.__table__.c.address)
        )
        if left < 0:
            return
        if left == 0:
            kind, facts = (
                AUDIT_SUPPRESSED,
                {
                    "address": facts.get("address"),
                    "detail": f"more than {ANONYMOUS_PER_MINUTE} anonymous events a minute from "
                    "this address: the rest of this minute's are not logged",
                },
            )
    add(kind, **facts)
    db.session.commit()


def list_events(actor: Person, kind: str | None = None, limit: int = PAGE_SIZE) -> list[AuditEvent]:
    org.require_admin(actor)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return list(db.session.scalars(query))


def _cell(value: object) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula: quote it.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


COLUMNS = (
    "id",
    "at",
    "kind",
    "actor_id",
    "actor_email",
    "subject",
    "address",
    "method",
    "path",
    "detail",
)
# The header row, in the reader's language, the columns in the same order (README: Languages).
HEADINGS = (
    _l("id"),
    _l("at"),
    _l("kind"),
    _l("actor_id"),
    _l("actor_email"),
    _l("subject"),
    _l("address"),
    _l("method"),
    _l("path"),
    _l("detail"),
)


def to_csv(events: Iterable[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(heading) for heading in HEADINGS])
    for event in events:
        writer.writerow(
            _cell(event.at.isoformat() if name == "at" else getattr(event, name))
            for name in COLUMNS
        )
    return out.getvalue()


def export_csv(actor: Person, **facts) -> str:
    """The whole log as CSV; the export itself is logged."""
    org.require_admin(actor)
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    add(EXPORT, actor=actor, subject="audit log", **facts)
    db.session.commit()
    return to_csv(events)
