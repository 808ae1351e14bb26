"""Words written outside the reader's own request, in the reader's language (README: Languages):
the weekly digest and notifications in the recipient's, the calendar feed in its owner's, CSV
headers in the downloader's; and the admin pages in Dutch and Welsh."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar

from gembawalk.extensions import db
from gembawalk.i18n import format_when
from gembawalk.models import Notification, NotificationKind, WalkStatus
from gembawalk.services import coaching, notifications
from gembawalk.services.engagement.exports import WALKS_HEADER
from gembawalk.services.followups import rules as followups
from gembawalk.services.walks import calendar_feed
from gembawalk.timeutil import utcnow

from . import factories
from .coaching_world import build_world
from .conftest import sign_in
from .test_digest import mail_app, parts, smtp, week_of_things  # noqa: F401 (fixtures)

HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def said(code: str, message: str, **values) -> str:
    """`message` as the catalogue of `code` has it."""
    with force_locale(code):
        return gettext(message, **values)


def day(code: str, value: date, pattern: str) -> str:
    with force_locale(code):
        return format_when(value, pattern)


# --- the digest ---------------------------------------------------------------------------------


def test_the_digest_speaks_each_recipients_language_in_one_run(mail_app, smtp):  # noqa: F811
    inbox, _ = smtp
    world = week_of_things()
    world.maya.language = "nl"  # the coach keeps none: the organisation's English
    db.session.commit()
    result = mail_app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output

    [dutch] = inbox.to(world.maya.email)
    week_end = date.today() + timedelta(days=6 - date.today().weekday())
    assert dutch["Subject"] == said(
        "nl", "Gemba Walk: your week to %(day)s", day=day("nl", week_end, "%A %-d %B")
    )
    assert dutch["Subject"].startswith("Gemba Walk: uw week tot en met ")
    text, html = parts(dutch)["text/plain"], parts(dutch)["text/html"]
    overdue = day("nl", date(2026, 1, 5), "%a %-d %b")
    assert overdue.startswith("ma 5 jan")  # Babel's Dutch, not strftime's English
    assert said("nl", "OVERDUE since %(day)s", day=overdue) + ": Print the label first" in text
    assert said("nl", "Hello %(name)s,", name="Maya Manager") in text
    assert "Your week" not in text
    assert "OVERDUE" not in text
    assert "Mon " not in text
    assert '<html lang="nl">' in html
    assert said("nl", "Open Gemba Walk") in html
    assert said("nl", "Walks planned this week") in html

    [english] = inbox.to(world.coach.email)
    assert english["Subject"].startswith("Gemba Walk: your week to")
    assert "Walks waiting for your review: 1" in parts(english)["text/plain"]
    assert '<html lang="en">' in parts(english)["text/html"]


# --- notifications ------------------------------------------------------------------------------


def test_a_notification_is_written_in_its_recipients_language(app, client):
    """There is no notification email: notifications are the Inbox's. Each is written when
    someone else acts, in the recipient's language, not the actor's."""
    world = build_world()
    world.maya.language = "cy"
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):  # the coach's request
        coaching.add_comment(world.coach, world.walk.uuid, "Who did you ask?")
    [note] = db.session.query(Notification).filter_by(person_id=world.maya.id).all()
    assert note.text == said(
        "cy",
        "%(actor)s commented on your walk: %(said)s",
        actor="Cora Coach",
        said="“Who did you ask?”",
    )
    assert note.text.startswith("Mae Cora Coach wedi rhoi sylw ar eich taith")

    sign_in(client, world.maya)
    page = client.get("/notifications/", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert HTML_LANG.search(html).group(1) == "cy"
    assert said("cy", "Inbox") in html
    assert "Mae Cora Coach wedi rhoi sylw ar eich taith" in html


def test_the_overdue_sweep_writes_in_each_owners_language(app):
    world = build_world()
    world.maya.language = "cy"
    db.session.commit()
    item, _ = followups.create_follow_up(
        world.maya, world.walk.uuid, action="Print the label first", owner_id=world.maya.id,
        due_date=date.today() + timedelta(days=1),
    )  # fmt: skip
    item.due_date = date(2026, 1, 5)
    db.session.commit()
    assert notifications.raise_overdue() == 1
    note = db.session.query(Notification).filter_by(kind=NotificationKind.FOLLOW_UP_OVERDUE).one()
    welsh_day = day("cy", date(2026, 1, 5), "%-d %b")
    assert note.text == said(
        "cy", "Overdue since %(day)s: %(said)s", day=welsh_day, said="Print the label first"
    )
    assert "Jan" not in note.text.replace("Ion", "")  # Ionawr, not January


# --- the calendar feed --------------------------------------------------------------------------


def test_the_feed_of_a_welsh_speaker_is_in_welsh(client, manager):
    manager.language = "cy"
    db.session.commit()
    soon = utcnow() + timedelta(days=2)
    factories.WalkFactory(manager=manager, planned_start=soon, place=None)
    factories.WalkFactory(
        manager=manager, planned_start=soon + timedelta(days=1), status=WalkStatus.CANCELLED,
        place="Loading bay",
    )  # fmt: skip
    token = calendar_feed.feed_token(manager)
    # A calendar app asks, in whatever language it likes: the feed is its owner's.
    response = client.get(f"/calendar/{token}.ics", headers={"Accept-Language": "en"})
    cal = Calendar.from_ical(response.data)
    assert str(cal["X-WR-CALNAME"]) == said("cy", "Gemba walks: %(name)s", name="Maya Manager")
    assert str(cal["X-WR-CALNAME"]).startswith("Teithiau gemba")
    titles = sorted(str(event["SUMMARY"]) for event in cal.walk("VEVENT"))
    with force_locale("cy"):
        kind = str(factories.WalkFactory.build().kind.label)
    cancelled = said("cy", "Cancelled: %(walk)s", walk=f"{kind}: Loading bay")
    assert titles == sorted([kind, cancelled])
    assert all("Cancelled" not in title and "walk" not in title for title in titles)


# --- CSV headers --------------------------------------------------------------------------------


def test_the_walks_csv_has_dutch_headers_for_a_dutch_reader(client, unit):
    director = factories.PersonFactory(
        roles=["director", "manager"], org_unit=unit, display_name="Dee Director"
    )
    director.leads = [unit]
    db.session.commit()
    factories.WalkFactory(manager=director, planned_start=utcnow() - timedelta(days=3))
    sign_in(client, director)
    english = list(
        csv.reader(io.StringIO(client.get("/engagement/walks.csv").text.lstrip("\ufeff")))
    )
    response = client.get("/engagement/walks.csv", headers={"Accept-Language": "nl"})
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    with force_locale("nl"):
        assert rows[0] == [str(heading) for heading in WALKS_HEADER]
    assert rows[0][:3] == ["leidinggevende", "e-mail", "rondgang"]
    assert len(rows[0]) == len(english[0])  # the same columns, in the same order
    assert english[0][0] == "manager"
    assert rows[1][4] == said("nl", "Missed")
    assert rows[1][11] == "nee"


def test_the_audit_csv_header_is_in_the_admins_language(admin_client, admin):
    admin.language = "cy"
    db.session.commit()
    first = admin_client.get("/admin/audit.csv").text.splitlines()[0]
    assert first.split(",")[:3] == ["id", "amser", "math"]


# --- admin pages --------------------------------------------------------------------------------


ADMIN_PAGES = [
    ("/admin/people", "People"),
    ("/admin/units", "Org units"),
    ("/admin/customers", "Customer register"),
    ("/admin/audit", "Audit log"),
    ("/admin/import/people", "Import people from a file"),
    ("/admin/import/customers", "Import customers from a file"),
    ("/admin/people/new", "Add a person"),
    ("/admin/units/new", "Add an org unit"),
    ("/admin/customers/new", "Add a customer"),
]


@pytest.mark.parametrize("code", ["nl", "cy"])
def test_admin_pages_in_dutch_and_welsh(admin_client, unit, code):
    factories.PersonFactory(roles=["manager"], org_unit=unit, display_name="Maya Manager")
    for url, heading in ADMIN_PAGES:
        response = admin_client.get(url, headers={"Accept-Language": code})
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert HTML_LANG.search(html).group(1) == code, url
        assert f"<h1>{said(code, heading)}" in html, url
        assert said(code, heading) != heading, url
    people = admin_client.get("/admin/people", headers={"Accept-Language": code}).text
    for word in ("Name", "Roles", "Org unit", "Status", "Active", "Add a person"):
        assert said(code, word) in people
