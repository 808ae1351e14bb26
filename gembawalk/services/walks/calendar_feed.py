"""Walks in the calendar people already use: a private iCalendar feed per person, and one
walk as a single .ics file (RFC 5545, made with the icalendar library)."""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta

from flask_babel import gettext
from icalendar import Calendar, Event
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ...database import writing
from ...extensions import db
from ...models import Person, Walk, WalkStatus
from ...timeutil import local, utcnow
from .. import validation
from ..errors import NotFound

# How far back the feed reaches: recent walks stay in the calendar as a record.
FEED_HISTORY = timedelta(weeks=13)
FEED_LIMIT = 2000
# What secrets.token_urlsafe(32) makes: 43 URL-safe characters (256 bits).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
PRODID = "-//Gemba Walk//Leader standard work//EN"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_token(person: Person) -> str:
    """The person's feed token, made on first use. A conditional update, so two first views
    at once agree on one token instead of the second silently revoking the first.

    A page view reads in a deferred transaction, which SQLite cannot turn into a writing one
    while another request writes (it answers "database is locked" at once, without waiting):
    so the read ends first and the write takes its own transaction, which waits its turn."""
    if person.calendar_token is None:
        db.session.commit()
        with writing():
            db.session.execute(
                update(Person)
                .where(Person.id == person.id, Person.calendar_token.is_(None))
                .values(calendar_token=_new_token())
            )
            db.session.commit()
        db.session.refresh(person)
    assert person.calendar_token is not None  # ours, or the one the other view stored
    return person.calendar_token


def regenerate_token(actor: Person) -> str:
    """A new feed URL; the old one answers 404 from now on."""
    actor.calendar_token = _new_token()
    db.session.commit()
    return actor.calendar_token


def person_for_token(token: str) -> Person:
    """Whose feed a token opens. Unknown, revoked, malformed, or a deactivated person's: all
    the same NotFound, so the answer tells a guesser nothing."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        raise NotFound(gettext("No such calendar."))
    person = db.session.scalar(select(Person).where(Person.calendar_token == token))
    if (
        person is None
        or not person.active
        or not hmac.compare_digest(person.calendar_token.encode(), token.encode())
    ):
        raise NotFound(gettext("No such calendar."))
    return person


def feed_walks(person: Person, now: datetime | None = None) -> list[Walk]:
    """The person's own walks from a quarter ago on, cancelled ones included (sent as
    cancelled, so a subscribed calendar removes or strikes them)."""
    since = (now or utcnow()) - FEED_HISTORY
    query = (
        select(Walk)
        .where(
            Walk.manager_id == person.id,
            Walk.planned_start >= since,
            # Only days a person can now enter: one stored before (year 9998) is left out.
            Walk.planned_start < datetime.combine(validation.LATEST_DAY, time.max, UTC),
        )
        .options(selectinload(Walk.customers))
        .order_by(Walk.planned_start)
        .limit(FEED_LIMIT)
    )
    return list(db.session.scalars(query))


def walk_event(walk: Walk, link: str) -> Event:
    """One walk as a VEVENT: a UID from the walk's UUID (stable across edits), its local time
    in its own zone, the place, the purpose and a link back, SEQUENCE from its version. A walk
    without a plan shows only the times it really had: its start, and its finish once done."""
    start = walk.local_start
    event = Event()
    event.add("uid", f"{walk.uuid}@gembawalk")
    event.add("dtstamp", walk.updated_at or utcnow())
    event.add("dtstart", start)
    if not walk.unplanned:
        event.add("dtend", start + timedelta(minutes=walk.planned_minutes))
    elif walk.completed_at is not None:
        event.add("dtend", local(walk.completed_at, walk.timezone))
    title = f"{walk.kind.label}: {walk.place}" if walk.place else str(walk.kind.label)
    if walk.status == WalkStatus.CANCELLED:
        title = gettext("Cancelled: %(walk)s", walk=title)
    event.add("summary", title)
    if walk.place:
        event.add("location", walk.place)
    names = ", ".join(c.name for c in walk.customers)
    how = (
        gettext("Recorded after the fact")
        if walk.recorded_after
        else gettext("Started without a plan")
    )
    description = [
        how if walk.unplanned else "",
        walk.purpose,
        gettext("Customers: %(names)s", names=names) if names else "",
        link,
    ]
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", link)
    event.add("status", "CANCELLED" if walk.status == WalkStatus.CANCELLED else "CONFIRMED")
    event.add("sequence", walk.version)
    event.add("transp", "OPAQUE")
    return event


def calendar(walks: Iterable[Walk], link_for: Callable[[Walk], str], name: str) -> bytes:
    """An iCalendar document with one event per walk and a VTIMEZONE for each zone used."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    # Ask subscribing clients to look again hourly (Outlook and Apple honour these).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    days = []
    for walk in walks:
        cal.add_component(walk_event(walk, link_for(walk)))
        days.append(walk.planned_start.date())
    if days:
        # Zone rules only for the years the walks span: a short VTIMEZONE, still exact.
        # Clamped: a walk stored before dates were bounded (year 9998) must not break it.
        first, last = min(days), max(days)
        cal.add_missing_timezones(
            first_date=date(max(first.year - 1, MINYEAR), 1, 1),
            last_date=date(min(last.year + 2, MAXYEAR), 1, 1),
        )
    return cal.to_ical()
