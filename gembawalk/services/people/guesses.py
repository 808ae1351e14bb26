"""Password guesses, counted from the failures the audit log already records.

The database is the one store every page, the API, /account/confirm and every gunicorn worker
share, with or without Redis: a failure counts against its account and its address wherever
it happened. Only failures count, so a correct password never uses up the allowance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import limits
from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import AuditEvent
from ...timeutil import utcnow
from .. import audit

FAILURES = (audit.SIGN_IN_FAILED, audit.PASSWORD_CONFIRM_FAILED)


@dataclass(frozen=True)
class Breach:
    """Which allowance ran out: "account" or "address", and how many per how long."""

    key: str
    amount: int
    seconds: int

    def __str__(self) -> str:
        return f"limit {self.amount} per {self.seconds} s per {self.key}"


def windows(setting: str) -> list[tuple[int, int]]:
    """'5 per minute; 20 per hour' as [(5, 60), (20, 3600)]."""
    return [(item.amount, item.get_expiry()) for item in limits.parse_many(setting)]


def _over(key: str, where, setting: str, now: datetime) -> Breach | None:
    allowed = windows(setting)
    if not allowed:
        return None
    longest = max(seconds for _, seconds in allowed)
    counts = db.session.execute(
        select(
            *(
                func.count().filter(AuditEvent.at >= now - timedelta(seconds=seconds))
                for _, seconds in allowed
            )
        ).where(
            AuditEvent.kind.in_(FAILURES),
            AuditEvent.at >= now - timedelta(seconds=longest),
            where,
        )
    ).one()
    for (amount, seconds), count in zip(allowed, counts, strict=True):
        if count >= amount:
            return Breach(key, amount, seconds)
    return None


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
