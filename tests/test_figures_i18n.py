"""The figures pages in Dutch and Welsh (issue 20): the leaderboard, a manager's figures, trends,
coverage, the demand picture, a unit's wall and its poster, and the coach's review queue, each
asked for with Accept-Language. Each says its language in `<html lang>`, shows the catalogue's
words (read through gettext under that language, not copied here), and writes its numbers and
dates the language's way (a decimal comma in Dutch)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import force_locale, get_translations, gettext, ngettext

from gembawalk.extensions import db
from gembawalk.models import Category, CustomerKind, FollowUpStatus, SaidBy, WalkKind
from gembawalk.services import wall
from gembawalk.services.engagement.periods import choose_period
from gembawalk.timeutil import utcnow

from . import factories
from .coaching_world import build_world
from .conftest import sign_in

LANGUAGES = ["nl", "cy"]
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


@pytest.fixture
def org(app):
    """A council with two teams; a director leads North, where two managers walk; a customer
    of North's says what matters; a frontline idea was raised and done."""
    top = factories.OrgUnitFactory(name="Council")
    north = factories.OrgUnitFactory(name="North", parent=top)
    people = {
        "director": factories.PersonFactory(
            roles=["director", "manager"], org_unit=north, display_name="Dee Director"
        ),
        "ana": factories.PersonFactory(org_unit=north, display_name="Ana North"),
        "ben": factories.PersonFactory(org_unit=north, display_name="Ben North"),
    }
    people["director"].leads = [north]
    db.session.commit()
    customer = factories.CustomerFactory(org_unit=north, kind=CustomerKind.EXTERNAL, name="Mrs Ali")
    now = utcnow()
    visit = factories.done_walk(people["ben"], now - timedelta(days=2), customers=[customer])
    gemba = factories.done_walk(
        people["ana"], now - timedelta(days=3), kind=WalkKind.GEMBA_WALK, spoke=0
    )
    for category, text in (
        (Category.VALUE_DEMAND, "Report a leak"),
        (Category.FAILURE_DEMAND, "Still no date for my boiler"),
        (Category.FAILURE_DEMAND, "I rang twice"),
    ):
        factories.ObservationFactory(
            walk=visit, category=category, said_by=SaidBy.CUSTOMER, text=text
        )
    idea = factories.ObservationFactory(
        walk=gemba,
        category=Category.FRONTLINE_IDEA,
        said_by=SaidBy.FRONTLINE,
        text="Spare batteries by the door",
        made_at=now - timedelta(days=3),
    )
    factories.FollowUpFactory(
        walk=gemba,
        observation=idea,
        owner=people["ana"],
        status=FollowUpStatus.CLOSED,
        closing_note="Batteries now hang by the door",
        closed_at=now - timedelta(days=1),
    )
    db.session.commit()
    return {"top": top, "north": north, "customer": customer, **people}


def read(client, path: str, language: str) -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, (path, response.status_code)
    page = response.get_data(as_text=True)
    found = HTML_LANG.search(page)
    assert found, (path, page[:200])
    assert found.group(1) == language, path
    return html.unescape(page)


# Messages that read the same in a language as in English ("Trends" in Dutch).
SAME = {"Trends", "Poster: %(unit)s"}


def said(app, language: str, message: str, **values) -> str:
    """A message as the catalogue has it in `language` (which must have it)."""
    with app.test_request_context(), force_locale(language):
        assert get_translations().gettext(message) != message or message in SAME, message
        return gettext(message, **values)


def said_n(app, language: str, singular: str, plural: str, num: int, **values) -> str:
    with app.test_request_context(), force_locale(language):
        assert get_translations().ngettext(singular, plural, num) not in (singular, plural)
        return ngettext(singular, plural, num, **values)


def in_words(app, language: str, *messages: str) -> list[str]:
    return [said(app, language, message) for message in messages]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_leaderboard_in_the_language(app, client, org, language):
    sign_in(client, org["director"])
    # Ten days: the cadence target is prorated to a fraction, written with the language's
    # decimal separator.
    last = date.today()
    first = last - timedelta(days=9)
    page = read(
        client,
        f"/engagement/leaderboard?period=custom&first={first}&last={last}",
        language,
    )
    for word in in_words(
        app, language, "Leaderboard", "Cadence attainment", "Customer engagements", "Streak"
    ):
        assert word in page
    assert said_n(app, language, "%(num)d day", "%(num)d days", 2) in page
    targets = re.findall(r'<span class="muted small">[^<]*?(\d+[.,]\d)</span>', page)
    assert targets, "a prorated target with a decimal"
    decimal = babel_numbers.get_decimal_symbol(language)
    assert all(decimal in target for target in targets)
    if language == "nl":
        assert all("," in target for target in targets)  # 1,4: a decimal comma
    # The period is written in the language: its months, and its first and last days.
    assert babel_dates.format_date(first, "d MMM y", locale=language) in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_managers_figures_in_the_language(app, client, org, language):
    sign_in(client, org["director"])
    page = read(client, f"/engagement/managers/{org['ben'].id}", language)
    for word in in_words(app, language, "Figures", "Plan adherence", "Engagement streak"):
        assert word in page
    # One customer engagement of the four weeks' target: a share and a count, in words.
    assert said(app, language, "%(done)s of %(target)s", done="1", target="4") in page
    assert "25%" in page  # the share, as Babel writes it in both languages


@pytest.mark.parametrize("language", LANGUAGES)
def test_trends_in_the_language(app, client, org, language):
    sign_in(client, org["director"])
    page = read(client, f"/engagement/trends?unit={org['north'].id}", language)
    for word in in_words(
        app, language, "Customer engagements per week", "Value and failure demand per week"
    ):
        assert word in page
    assert f"<summary>{said(app, language, 'The numbers')}</summary>" in page
    # The weeks' labels are the language's short months.
    monday = choose_period("26w").last - timedelta(days=choose_period("26w").last.weekday())
    assert babel_dates.format_date(monday, "d MMM", locale=language) in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demand_picture_in_the_language(app, client, org, language):
    sign_in(client, org["director"])
    page = read(client, f"/demand?unit={org['north'].id}", language)
    for word in in_words(app, language, "Value against failure", "Failure share per week"):
        assert word in page
    assert said(app, language, "Demand in %(unit)s", unit="North") in page
    # One value and two failure demands: a failure share of two thirds.
    share = babel_numbers.format_percent(2 / 3, "#,##0%", locale=language)
    assert share in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_coverage_in_the_language(app, client, org, language):
    sign_in(client, org["director"])
    page = read(client, f"/engagement/coverage?unit={org['north'].id}", language)
    for word in in_words(app, language, "When in the week walks are done", "Walks done"):
        assert word in page
    assert said_n(app, language, "Last %(num)s week", "Last %(num)s weeks", 4) in page
    # The heat table's rows are the language's weekdays, Monday first.
    monday = babel_dates.format_date(date(2024, 1, 1), "EEE", locale=language)
    assert f'<th scope="row">{monday}</th>' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_wall_and_its_poster_in_the_language(app, client, org, language):
    token = wall.wall_token(org["north"])
    page = read(client, f"/wall/{token}", language)  # anonymous: the browser's language
    for word in in_words(app, language, "You said, we did", "We did"):
        assert word in page
    raised = (utcnow() - timedelta(days=3)).date()
    assert babel_dates.format_date(raised, "d MMM y", locale=language) in page
    poster = read(client, f"/wall/{token}/poster", language)
    for word in in_words(
        app, language, "Print this page on one A4 sheet and put it up where the team works."
    ):
        assert word in poster
    assert said(app, language, "QR code: scan it to open this team's page") in poster


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_review_queue_in_the_language(app, language):
    world = build_world()
    client = app.test_client()
    sign_in(client, world.coach)
    page = read(client, "/coaching/", language)
    for word in in_words(app, language, "Waiting for review", "Walks of the managers you coach"):
        assert word in page
    waited = said_n(app, language, "%(num)d hour", "%(num)d hours", 3)
    summary = said_n(
        app,
        language,
        "<strong>%(count)s</strong> walk waiting; the oldest has waited %(wait)s.",
        "<strong>%(count)s</strong> walks waiting; the oldest has waited %(wait)s.",
        1,
        count=1,
        wait=waited,
    )
    assert html.unescape(summary) in page


def test_a_persons_own_language_names_the_figures_whatever_the_browser_asks(app, client, org):
    org["director"].language = "cy"
    db.session.commit()
    sign_in(client, org["director"])
    page = read(client, "/engagement/leaderboard", "cy")
    assert said(app, "cy", "Cadence attainment") in page
    english = client.get("/engagement/leaderboard", headers={"Accept-Language": "nl"})
    assert HTML_LANG.search(english.get_data(as_text=True)).group(1) == "cy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_other_figures_pages_answer_in_the_language(client, org, language):
    """The figures pages the tests above do not read answer in the language too. The markup of
    every one of them is checked in each language by tests/test_html_valid.py, whose crawl of
    the demo reaches each of these addresses (a unit chosen, too) in English, Dutch and Welsh."""
    north = org["north"].id
    sign_in(client, org["director"])
    for address in (
        f"/engagement/customers?unit={north}",
        f"/engagement/customers/{org['customer'].id}",
        "/walls/",
        f"/walls/{north}",
    ):
        read(client, address, language)
