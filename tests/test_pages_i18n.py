"""Today, More, follow-ups, standard questions and the error page in Dutch and Welsh
(README: Languages): `<html lang>` says which, and the words are the catalogue's, read back
with gettext in that language rather than copied here."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext, ngettext

from gembawalk.models import WalkStatus
from gembawalk.templating import day_label

from . import factories
from .conftest import sign_in

LANGUAGES = ["nl", "cy"]
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def said(app, code: str, message: str, **variables) -> str:
    """What the catalogue says for `message` in language `code`."""
    with app.test_request_context(), force_locale(code):
        return gettext(message, **variables)


def said_n(app, code: str, singular: str, plural: str, num: int) -> str:
    with app.test_request_context(), force_locale(code):
        return ngettext(singular, plural, num)


def read(client, path: str, code: str, status: int = 200) -> str:
    """A page asked for in `code`, its text with entities decoded."""
    response = client.get(path, headers={"Accept-Language": code}, follow_redirects=True)
    assert response.status_code == status, path
    text = response.get_data(as_text=True)
    assert HTML_LANG.search(text).group(1) == code
    return html.unescape(text)


def h1(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).strip()


@pytest.mark.parametrize("code", LANGUAGES)
def test_today_with_a_walk_in_progress(app, manager_client, manager, code):
    started = datetime.now(UTC) - timedelta(minutes=10)
    walk = factories.WalkFactory(
        manager=manager, place="Counter B", status=WalkStatus.IN_PROGRESS, started_at=started
    )
    factories.ObservationFactory(walk=walk)
    factories.ObservationFactory(walk=walk)
    page = read(manager_client, "/", code)

    assert h1(page) == said(app, code, "Today")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    assert format_date(today, "EEEE d MMMM", locale=code) in page
    time = started.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
    for words in (
        said(app, code, "In progress since %(time)s", time=time),
        said_n(app, code, "%(num)d observation", "%(num)d observations", 2),
        said(app, code, "Continue"),
        said(app, code, "Add an observation to %(place)s", place="Counter B"),
        said(app, code, "Planned for today"),
        said(app, code, "Nothing else planned for today."),
        said(app, code, "Plan a walk"),
        said(app, code, "Still to do this week"),
        # A new manager's default cadence, three gemba walks a week: Welsh's "few" form.
        said_n(
            app,
            code,
            "%(num)d gemba walk still to do this week",
            "%(num)d gemba walks still to do this week",
            3,
        ),
    ):
        assert words in page, words
    for english in ("Planned for today", ">Continue<", "still to do this week", "Plan a walk"):
        assert english not in page


@pytest.mark.parametrize("code", LANGUAGES)
def test_more(app, manager_client, code):
    page = read(manager_client, "/more", code)
    assert h1(page) == said(app, code, "More")
    for message in (
        "Plan a walk",
        "A customer visit or a gemba walk",
        "Outbox",
        "Comments, reviews and follow-ups",
        "Password, signed-in devices, calendar link, cadence",
        "Sign out",
    ):
        assert said(app, code, message) in page, message
    assert "Comments, reviews and follow-ups" not in page


@pytest.mark.parametrize("code", LANGUAGES)
def test_my_follow_ups_and_one_follow_up(app, manager_client, manager, code):
    walk = factories.WalkFactory(manager=manager, status=WalkStatus.DONE, place="Front desk")
    observation = factories.ObservationFactory(walk=walk)
    due = date.today() + timedelta(days=9)
    item = factories.FollowUpFactory(walk=walk, observation=observation, due_date=due)

    listed = read(manager_client, "/follow-ups/", code)
    assert h1(listed) == said(app, code, "My follow-ups")
    with app.test_request_context(), force_locale(code):
        when = day_label(due, datetime.now(ZoneInfo("Europe/London")).date())
    assert said(app, code, "Due %(day)s", day=when) in listed
    assert said(app, code, "Follow-ups by status") in listed
    assert said(app, code, "Overdue") in listed

    shown = read(manager_client, f"/follow-ups/{item.uuid}", code)
    assert h1(shown) == "Fix the gate"  # what people wrote stays as they wrote it
    for message in ("Open", "What was done? (you said, we did)", "Close follow-up"):
        assert said(app, code, message) in shown, message
    assert said(app, code, "Open the walk: %(walk)s", walk="Front desk") in shown
    assert "Close follow-up" not in shown


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_standard_questions_page_its_errors_and_its_flash(app, admin_client, unit, code):
    path = f"/questions/{unit.id}"
    page = read(admin_client, path, code)
    assert h1(page) == said(app, code, "Standard questions of %(unit)s", unit=unit.name)
    for message in ("On a customer visit", "On a gemba walk", "Add a question", "Add question"):
        assert said(app, code, message) in page, message

    form = {"action": "add", "walk_kind": "gemba_walk", "text": "x" * 300, "answer_type": "text"}
    refused = admin_client.post(path, data=form, headers={"Accept-Language": code})
    assert refused.status_code == 422
    limit = said(
        app,
        code,
        "%(label)s can be at most %(most)d characters.",
        label=said(app, code, "The question"),
        most=200,
    )
    assert limit in html.unescape(refused.get_data(as_text=True))

    form["text"] = "What gets in the way?"
    added = admin_client.post(
        path, data=form, headers={"Accept-Language": code}, follow_redirects=True
    )
    assert said(app, code, "Question added.") in html.unescape(added.get_data(as_text=True))


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_error_page(app, manager_client, code):
    page = read(manager_client, "/no-such-page", code, status=404)
    assert h1(page) == said(app, code, "We could not find that page")
    assert said(app, code, "Error %(status)s", status=404) in page
    assert said(app, code, "Go to the start") in page


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_welcome_page_of_someone_who_does_not_walk(app, client, code):
    director = factories.PersonFactory(roles=["director"], display_name="Dee Director")
    sign_in(client, director)
    page = read(client, "/", code)
    assert h1(page) == said(app, code, "Welcome, %(name)s", name="Dee Director")
    with app.test_request_context(), force_locale(code):
        role = str(next(iter(director.roles)).label)
    assert f" {role}. " in page
