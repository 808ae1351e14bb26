"""`flask send-digests`: real emails to a real local SMTP server (aiosmtpd), read back."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from gembawalk.extensions import db
from gembawalk.services.followups import rules as followups

from .coaching_world import build_world
from .factories import WalkFactory


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str):
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its own by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_app(app, smtp):
    _, port = smtp
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "Gemba Walk <walks@example.org>",
        "GEMBAWALK_BASE_URL": "https://walks.example.org",
    }
    saved = {name: app.config.get(name) for name in settings}  # the app lives all session
    app.config.update(settings)
    yield app
    app.config.update(saved)


def week_of_things():
    world = build_world()
    today = datetime.now(UTC)
    # Planned for this very moment: "this week" whatever the day and hour.
    WalkFactory(manager=world.maya, place="Loading bay", planned_start=today)
    item, _ = followups.create_follow_up(
        world.maya, world.walk.uuid, action="Print the label first", owner_id=world.maya.id,
        due_date=date.today() + timedelta(days=1),
    )  # fmt: skip
    item.due_date = date(2026, 1, 5)  # long overdue
    followups.create_follow_up(
        world.maya, world.walk.uuid, action="Ask the night shift", owner_id=world.maya.id,
        due_date=date.today() + timedelta(days=10),
    )  # fmt: skip
    db.session.commit()
    return world


def parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_with_no_mail_server_it_says_so_and_sends_nothing(app, smtp):
    inbox, _ = smtp
    week_of_things()
    assert not app.config["MAIL_SERVER"]  # the default
    result = app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0
    assert "No mail server configured" in result.output
    assert inbox.messages == []


def test_each_person_gets_their_week_as_text_and_html(mail_app, smtp):
    inbox, _ = smtp
    world = week_of_things()
    result = mail_app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    # Maya, and the two coaches with walks waiting; Sam, the director and the admin have nothing.
    assert "Digests sent: 3; nothing to say to 3." in result.output

    [manager_mail] = inbox.to(world.maya.email)
    assert manager_mail["From"] == "Gemba Walk <walks@example.org>"
    assert manager_mail["Subject"].startswith("Gemba Walk: your week to")
    body = parts(manager_mail)
    assert set(body) >= {"text/plain", "text/html"}
    text, html = body["text/plain"], body["text/html"]
    assert "Loading bay" in text
    assert "OVERDUE since Mon 5 Jan: Print the label first" in text
    assert "Ask the night shift" in text
    assert "(2, 1 overdue)" in text
    assert "https://walks.example.org/" in text
    assert 'href="https://walks.example.org/"' in html
    assert "Print the label first" in html

    [coach_mail] = inbox.to(world.coach.email)
    coach_text = parts(coach_mail)["text/plain"]
    assert "Walks waiting for your review: 1" in coach_text
    assert "Maya Manager: Packing line" in coach_text
    assert "https://walks.example.org/coaching/" in coach_text
    assert inbox.to(world.coach2.email) != []  # Sam's walk waits for coach2 too
    assert inbox.to(world.director.email) == []


def test_an_unreachable_server_is_reported_not_a_traceback(app):
    week_of_things()
    saved = {name: app.config[name] for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False)
    try:
        result = app.test_cli_runner().invoke(args=["send-digests"])
    finally:
        app.config.update(saved)
    assert result.exit_code == 1
    assert "Could not send through 127.0.0.1:1" in result.output
