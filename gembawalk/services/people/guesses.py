"""Password guesses, counted from the failures the audit log already records.

The database is the one store every page, the API, /account/confirm and every gunicorn worker
share, with or without Redis: a failure counts against its account and its address wherever
it happened. Only failures count, so a correct password never uses up the allowance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_

from ...models import AuditEvent
from ...timeutil import utcnow
from .. import audit
from ..limits_window import spent_window

FAILURES = (audit.SIGN_IN_FAILED, audit.PASSWORD_CONFIRM_FAILED)


@dataclass(frozen=True)
class Breach:
    """Which allowance ran out: "account" or "address", and how many per how long."""

    key: str
    amount: int
    seconds: int

    def __str__(self) -> str:
        return f"limit {self.amount} per {self.seconds} s per {self.key}"


def _over(key: str, where, setting: str, now: datetime) -> Breach | None:
    spent = spent_window(setting, AuditEvent.at, and_(AuditEvent.kind.in_(FAILURES), where), now)
    return Breach(key, *spent) if spent else None


def over_limit(
    *,
    account: str | None,
    address: str | None,
    account_limits: str,
    address_limits: str,
    now: datetime | None = None,
) -> Breach | None:
    """The allowance this attempt would exceed, or None: it may go ahead."""
    now = now or utcnow()
    # Compared as the log stores them (NUL escaped, clipped): PostgreSQL refuses NUL in a query.
    columns = AuditEvent.__table__.c
    account = audit.as_stored(account, columns.subject)
    address = audit.as_stored(address, columns.address)
    if account:
        breach = _over(
            "account",
            or_(AuditEvent.subject == account, AuditEvent.actor_email == account),
            account_limits,
            now,
        )
        if breach:
            return breach
    if address:
        return _over("address", AuditEvent.address == address, address_limits, now)
    return None
