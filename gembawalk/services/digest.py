"""The weekly digest by email: each person's walks planned this week, their open and overdue
follow-ups, and for coaches the walks waiting for review."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import FollowUp, FollowUpStatus, Person, Walk, WalkStatus
from ..timeutil import day_start_utc, local_today, utcnow
from . import coaching
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
        return [item for item in self.follow_ups if item.due_date < self.today]

    @property
    def empty(self) -> bool:
        return not (self.planned or self.follow_ups or self.waiting_count)


@dataclass
class DigestRun:
    sent: list[str] = field(default_factory=list)
    skipped: int = 0  # nothing to say
    failed: dict[str, str] = field(default_factory=dict)


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
    """The email: a plain-text part and an HTML part, both linking to the app."""
    context = {"digest": digest, "base_url": base_url, "zone": zone_for(digest.person)}
    message = EmailMessage()
    message["Subject"] = f"Gemba Walk: your week to {digest.week_end:%A %-d %B}"
    message["From"] = sender
    message["To"] = formataddr((digest.person.display_name, digest.person.email))
    message["Message-ID"] = make_msgid(domain="gembawalk")
    message.set_content(render_template("notifications/digest.txt", **context))
    message.add_alternative(render_template("notifications/digest.html", **context), subtype="html")
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


def send_all(
    config: Mapping,
    now: datetime | None = None,
    connect: Callable[[Mapping], smtplib.SMTP] = _connect,
) -> DigestRun:
    """Send every active person their digest over one SMTP connection; someone with nothing
    planned, open or waiting gets none. One refused address does not stop the others."""
    run = DigestRun()
    people = db.session.scalars(
        select(Person)
        .where(Person.active.is_(True))
        .options(selectinload(Person.role_rows))
        .order_by(Person.id)
    ).all()
    digests = []
    for person in people:
        digest = build(person, now)
        if digest.empty:
            run.skipped += 1
        else:
            digests.append(digest)
    if not digests:
        return run
    with connect(config) as server:
        for digest in digests:
            message = compose(digest, base_url(config), config["MAIL_FROM"])
            try:
                server.send_message(message)
            except smtplib.SMTPException as error:
                run.failed[digest.person.email] = str(error)
            else:
                run.sent.append(digest.person.email)
    return run
