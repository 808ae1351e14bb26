"""The weekly digest by email: each person's walks planned this week, their open and overdue
follow-ups, and for coaches the walks waiting for review."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from time import monotonic
from typing import cast

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import format_when, language_of
from ..models import (
    DeliveryStatus,
    DigestDelivery,
    FollowUp,
    FollowUpStatus,
    Person,
    Walk,
    WalkStatus,
)
from ..timeutil import day_start_utc, local_today, utcnow
from . import coaching
from .followups.predicates import is_overdue
from .people.accounts import zone_for


@dataclass
class Digest:
    person: Person
    today: date
    week_end: date  # the Sunday this digest looks to
    planned: list[Walk] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    waiting: list[Walk] = field(default_factory=list)
    waiting_count: int = 0

    @property
    def overdue(self) -> list[FollowUp]:
        return [item for item in self.follow_ups if is_overdue(item, self.today)]

    @property
    def empty(self) -> bool:
        return not (self.planned or self.follow_ups or self.waiting_count)


@dataclass
class DigestRun:
    sent: list[str] = field(default_factory=list)
    skipped: int = 0  # nothing to say
    failed: dict[str, str] = field(default_factory=dict)
    already: int = 0  # sent this week by an earlier run (or being sent by another)
    # A run stopped (crashed) between asking the mail server and hearing back: perhaps sent,
    # perhaps not. Never sent twice; named so that someone can look in the mail server's log.
    uncertain: list[str] = field(default_factory=list)

    def describe(self) -> str:
        said = f"Digests sent: {len(self.sent)}; nothing to say to {self.skipped}."
        if self.already:
            said += f" Already sent this week: {self.already}."
        if self.uncertain:
            said += (
                " Not sent again, a run having stopped while sending (see the mail server's"
                f" log): {', '.join(self.uncertain)}."
            )
        return said


def build(person: Person, now: datetime | None = None) -> Digest:
    """What one person's digest says, as of `now`."""
    now = now or utcnow()
    zone = zone_for(person)
    today = local_today(zone, now)
    week_end = today + timedelta(days=6 - today.weekday())
    found = Digest(person=person, today=today, week_end=week_end)
    found.planned = list(
        db.session.scalars(
            select(Walk)
            .where(
                Walk.manager_id == person.id,
                Walk.status == WalkStatus.PLANNED,
                Walk.planned_start >= day_start_utc(today, zone),
                Walk.planned_start < day_start_utc(week_end + timedelta(days=1), zone),
            )
            .order_by(Walk.planned_start)
        )
    )
    found.follow_ups = list(
        db.session.scalars(
            select(FollowUp)
            .where(FollowUp.owner_id == person.id, FollowUp.status == FollowUpStatus.OPEN)
            .order_by(FollowUp.due_date, FollowUp.id)
        )
    )
    found.waiting_count = coaching.waiting_count(person)
    if found.waiting_count:
        found.waiting = coaching.review_queue(person, now, limit=10).walks
    return found


def compose(digest: Digest, base_url: str, sender: str) -> EmailMessage:
    """The email: a plain-text part and an HTML part, both linking to the app, in the
    recipient's language (a run sends everyone's, outside anyone's request)."""
    context = {"digest": digest, "base_url": base_url, "zone": zone_for(digest.person)}
    message = EmailMessage()
    with force_locale(language_of(digest.person)):
        week_end = format_when(digest.week_end, "%A %-d %B")
        message["Subject"] = gettext("Gemba Walk: your week to %(day)s", day=week_end)
        text = render_template("notifications/digest.txt", week_end=week_end, **context)
        html = render_template("notifications/digest.html", week_end=week_end, **context)
    message["From"] = sender
    message["To"] = formataddr((digest.person.display_name, digest.person.email))
    message["Message-ID"] = make_msgid(domain="gembawalk")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


# Where links in emails point when GEMBAWALK_BASE_URL is not set (a command has no request
# to learn the host from): what `make run` serves.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def base_url(config: Mapping) -> str:
    return (config.get("GEMBAWALK_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def _connect(config: Mapping) -> smtplib.SMTP:
    server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config.get("MAIL_USE_TLS"):
        server.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return server


def week_period(zone: str, now: datetime | None = None) -> str:
    """The digest's period: the ISO week of the organisation's day, "2026-W50"."""
    year, week, _ = local_today(zone, now).isocalendar()
    return f"{year}-W{week:02d}"


def _begin_delivery(person_id: int, period: str, now: datetime) -> bool:
    """Mark one person's digest as being sent, in a transaction of its own, before the mail
    server is asked: True when this run may send it (nobody has, or the last try was refused)."""
    try:
        db.session.add(
            DigestDelivery(
                person_id=person_id, period=period, status=DeliveryStatus.SENDING, attempted_at=now
            )
        )
        db.session.commit()
        return True
    except IntegrityError:  # sent, being sent, or refused before
        db.session.rollback()
    retried = db.session.execute(
        update(DigestDelivery)
        .where(
            DigestDelivery.person_id == person_id,
            DigestDelivery.period == period,
            DigestDelivery.status == DeliveryStatus.FAILED,
        )
        .values(status=DeliveryStatus.SENDING, attempted_at=now, error="")
    )
    db.session.commit()
    return cast(CursorResult, retried).rowcount == 1


def _end_delivery(person_id: int, period: str, now: datetime, error: str | None = None) -> None:
    db.session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.person_id == person_id, DigestDelivery.period == period)
        .values(
            status=DeliveryStatus.FAILED if error is not None else DeliveryStatus.SENT,
            sent_at=None if error is not None else now,
            error=(error or "")[:300],
        )
    )
    db.session.commit()


# Longer than a send takes (the SMTP timeout is 30 s): a digest still "sending" after this was
# being sent by a run that stopped.
SENDING_FOR_AT_MOST = timedelta(minutes=2)


def _handled(period: str, now: datetime) -> dict[int, DeliveryStatus | None]:
    """Whose digest of the period a run has taken in hand already, and how it went (None: a
    run stopped while sending it)."""
    rows = db.session.execute(
        select(DigestDelivery.person_id, DigestDelivery.status, DigestDelivery.attempted_at).where(
            DigestDelivery.period == period
        )
    )
    return {
        person_id: (
            None
            if status == DeliveryStatus.SENDING and attempted_at < now - SENDING_FOR_AT_MOST
            else status
        )
        for person_id, status, attempted_at in rows
    }


def send_all(
    config: Mapping,
    now: datetime | None = None,
    connect: Callable[[Mapping], smtplib.SMTP] | None = None,
    period: str | None = None,
    beat: Callable[[], object] = lambda: None,
) -> DigestRun:
    """Send every active person their digest of the period over one SMTP connection; someone
    with nothing planned, open or waiting gets none. One refused address does not stop the
    others. Each person's digest is sent at most once per period, however many runs there are,
    at once or one after another after a crash (`digest_deliveries`); `beat` is called after
    each, for the run's claim (services/scheduled.py)."""
    now = now or utcnow()
    period = period or week_period(config["GEMBAWALK_TIMEZONE"], now)
    started = monotonic()

    def clock() -> datetime:  # `now` moved on as the run goes: markers show when each was sent
        return now + timedelta(seconds=monotonic() - started)

    run = DigestRun()
    handled = _handled(period, now)
    people = db.session.scalars(
        select(Person)
        .where(Person.active.is_(True))
        .options(selectinload(Person.role_rows))
        .order_by(Person.id)
    ).all()
    people_ids = [(person.id, person.email) for person in people]
    with ExitStack() as connection:
        server: smtplib.SMTP | None = None
        for person_id, email in people_ids:
            if person_id in handled:
                if handled[person_id] is None:
                    run.uncertain.append(email)
                    continue
                if handled[person_id] != DeliveryStatus.FAILED:
                    run.already += 1
                    continue
            # Written while what it says is loaded: the commits below expire the session.
            digest = build(db.session.get_one(Person, person_id), now)
            if digest.empty:
                run.skipped += 1
                continue
            message = compose(digest, base_url(config), config["MAIL_FROM"])
            if server is None:  # no connection at all when nobody has anything to hear
                server = connection.enter_context((connect or _connect)(config))
            if not _begin_delivery(person_id, period, clock()):
                run.already += 1  # another run took it in hand a moment ago
                continue
            try:
                server.send_message(message)
            except smtplib.SMTPException as error:
                _end_delivery(person_id, period, clock(), error=str(error))
                run.failed[email] = str(error)
            except OSError as error:
                # The connection went: the server did not take it. Tried again next run.
                _end_delivery(person_id, period, clock(), error=str(error))
                raise
            else:
                _end_delivery(person_id, period, clock())
                run.sent.append(email)
            beat()
    return run
