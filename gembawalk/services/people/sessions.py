"""Sessions, one per signed-in device: made at sign-in, found again from the cookie, kept up to
date at most once a minute, and ended one at a time or all together.

The cookie holds "<person id>:<secret>"; the table keeps only the secret's SHA-256. A fast hash
is enough: the secret is 256 random bits, not a password, so there is nothing to guess."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import contains_eager

from ...database import writing
from ...extensions import db
from ...languages import SOURCE
from ...limits import TEXT
from ...models import Person
from ...models.sessions import DeviceSession
from ...timeutil import utcnow
from .. import audit
from ..errors import NotFound, rolls_back
from . import devices

# "Last seen" is written when it is older than this: a write a minute per device at most,
# not one per request. The idle limit allows for it.
TOUCH_EVERY = timedelta(minutes=1)
_COOKIE_ID = re.compile(r"([0-9]{1,18}):([A-Za-z0-9_-]{1,128})")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def alive(now: datetime) -> ColumnElement[bool]:
    """The one rule for a live session, as SQL: a remembered one ("Keep me signed in") lasts
    GEMBAWALK_REMEMBER_DAYS from sign-in; any other ends when idle longer than
    GEMBAWALK_SESSION_IDLE_MINUTES (give or take the minute "last seen" may lag) or older than
    GEMBAWALK_SESSION_MAX_HOURS."""
    config = current_app.config
    idle = timedelta(minutes=config["GEMBAWALK_SESSION_IDLE_MINUTES"]) + TOUCH_EVERY
    longest = timedelta(hours=config["GEMBAWALK_SESSION_MAX_HOURS"])
    remembered = timedelta(days=config["GEMBAWALK_REMEMBER_DAYS"])
    return or_(
        and_(DeviceSession.remember.is_(True), DeviceSession.created_at > now - remembered),
        and_(
            DeviceSession.remember.is_(False),
            DeviceSession.created_at > now - longest,
            DeviceSession.last_seen_at > now - idle,
        ),
    )


def _address(address: str | None) -> str | None:
    return address.replace("\x00", "")[: TEXT["address"]] if address else None


def start(
    person: Person,
    *,
    remember: bool,
    user_agent: str | None,
    address: str | None,
    now: datetime | None = None,
) -> tuple[DeviceSession, str]:
    """A new session for a device that has just signed in, and the id its cookie carries.
    Sessions of this person that have run out are cleared away on the way."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    browser, system = devices.describe(user_agent)
    device = DeviceSession(
        person_id=person.id,
        secret_hash=_hash(secret),
        remember=remember,
        created_at=now,
        last_seen_at=now,
        browser=browser,
        system=system,
        address=_address(address),
    )
    db.session.execute(
        delete(DeviceSession).where(DeviceSession.person_id == person.id, ~alive(now))
    )
    db.session.add(device)
    db.session.commit()
    return device, f"{person.id}:{secret}"


def resume(cookie_id: str, *, now: datetime | None = None) -> DeviceSession | None:
    """The live session a cookie names, with its active person; None for anything else (an
    ended or expired session, a deactivated person, a forged or malformed id)."""
    found = _COOKIE_ID.fullmatch(cookie_id or "")
    if found is None:
        return None
    person_id, secret = int(found.group(1)), found.group(2)
    query = (
        select(DeviceSession)
        .join(DeviceSession.person)
        .options(contains_eager(DeviceSession.person))
        .where(
            DeviceSession.secret_hash == _hash(secret),
            DeviceSession.person_id == person_id,
            Person.active.is_(True),
            alive(now or utcnow()),
        )
    )
    return db.session.scalar(query)


def touch(device: DeviceSession, *, address: str | None, now: datetime | None = None) -> bool:
    """Note that the device was seen, if "last seen" is a minute old or more. Called before a
    request does anything else, so the only thing to end first is the read that found the
    session; the write takes its lock up front (SQLite) and concurrent requests from the same
    device write once."""
    now = now or utcnow()
    if now - device.last_seen_at < TOUCH_EVERY:
        return False
    device_id = device.id
    db.session.commit()
    with writing():
        db.session.execute(
            update(DeviceSession)
            .where(DeviceSession.id == device_id, DeviceSession.last_seen_at <= now - TOUCH_EVERY)
            .values(last_seen_at=now, address=_address(address))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return True


def list_for(
    actor: Person, *, first: int | None = None, now: datetime | None = None
) -> list[DeviceSession]:
    """The actor's live sessions: `first` (the device asking) first, then the most recently
    seen."""
    query = (
        select(DeviceSession)
        .where(DeviceSession.person_id == actor.id, alive(now or utcnow()))
        .order_by(DeviceSession.last_seen_at.desc(), DeviceSession.id.desc())
    )
    return sorted(db.session.scalars(query), key=lambda device: device.id != first)


@rolls_back
def end(actor: Person, session_id: int, *, facts: dict | None = None) -> str:
    """The actor signs one of their own devices out (this one, or one they no longer hold);
    what it was, in the actor's words ("Chrome 131 on Android 14")."""
    device = db.session.scalar(
        select(DeviceSession).where(
            DeviceSession.id == session_id, DeviceSession.person_id == actor.id
        )
    )
    if device is None:
        raise NotFound(_("That session has ended already."))
    label = devices.label(device.browser, device.system)
    with force_locale(SOURCE):  # the audit log is kept in one language
        logged = devices.label(device.browser, device.system)
    audit.add(audit.SIGN_OUT, actor=actor, subject=actor.email, detail=logged, **(facts or {}))
    db.session.delete(device)
    db.session.commit()
    return label


@rolls_back
def end_others(actor: Person, keep_id: int | None, *, facts: dict | None = None) -> int:
    """Sign out everywhere else: every session of the actor but `keep_id`. How many ended."""
    query = delete(DeviceSession).where(DeviceSession.person_id == actor.id)
    if keep_id is not None:
        query = query.where(DeviceSession.id != keep_id)
    result = db.session.execute(query.execution_options(synchronize_session=False))
    ended = cast(CursorResult, result).rowcount
    audit.add(
        audit.SESSIONS_ENDED,
        actor=actor,
        subject=actor.email,
        detail="every other device",
        **(facts or {}),
    )
    db.session.commit()
    return ended


def clear_run_out(now: datetime, *, keep: timedelta) -> int:
    """Remove everyone's sessions that have run out and whose device was last seen more than
    `keep` ago (the scheduled clean-up); how many went."""
    result = db.session.execute(
        delete(DeviceSession)
        .where(~alive(now), DeviceSession.last_seen_at < now - keep)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return cast(CursorResult, result).rowcount


def end_all(person: Person) -> None:
    """Every session of the person ends, in the caller's transaction (a password change,
    deactivation, an admin's End sessions)."""
    db.session.execute(
        delete(DeviceSession)
        .where(DeviceSession.person_id == person.id)
        .execution_options(synchronize_session=False)
    )
