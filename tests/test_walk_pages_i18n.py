"""The walk pages in Dutch and Welsh (README: Languages): Plan, a walk's page, Complete,
Correct and Record a past walk answer in the language the browser asks for, their words, form
errors, flashes and dates taken from the catalogues (gettext under that language, not copies)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape

from gembawalk.models import WalkKind, WalkStatus
from gembawalk.models.vocabulary import DONE
from gembawalk.services.walks import corrections
from gembawalk.templating import local_time

from .factories import ObservationFactory, WalkFactory, done_walk

LANGUAGES = ["nl", "cy"]


@pytest.fixture
def said(app):
    """`said(language, message, **values)`: the message as the catalogue writes it in that
    language (a marked word, such as a label from models/vocabulary.py, is looked up too)."""

    def said(language: str, message, **values) -> str:
        with app.test_request_context(), force_locale(language):
            return gettext(message, **values) if isinstance(message, str) else str(message)

    return said


def shows(html: str, text: str) -> bool:
    """Whether the page shows `text`: a template's message is drawn as written, one from
    Python (a label, a flash) escaped, its apostrophes as &#39;."""
    return text in html or str(escape(text)) in html


def page(client, url: str, language: str, **kwargs):
    response = client.get(url, headers={"Accept-Language": language}, **kwargs)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    return html


def post(client, url: str, language: str, data: dict, **kwargs):
    return client.post(url, data=data, headers={"Accept-Language": language}, **kwargs)


def flashes(html: str) -> str:
    """The flashed messages only (the offline vocabulary in every page holds the same words)."""
    return "".join(re.findall(r'<p class="flash [^"]*">(.*?)</p>', html, re.S))


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


def in_progress(manager, **extra):
    started = datetime.now(UTC) - timedelta(minutes=20)
    return WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=started, **extra)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_a_walk(manager_client, said, language):
    html = page(manager_client, "/walks/new", language)
    assert h1(html) == said(language, "Plan a walk")
    for words in (
        "What kind of walk?",
        "A customer visit meets customers where they use the service; a gemba walk goes where "
        "the work is done.",
        "Customers you plan to meet",
        "Add a customer who is not in the register",
        "Leave empty to repeat for good.",
        "Does not repeat",
        "Back",
    ):
        assert shows(html, said(language, words)), words
    assert shows(html, f'value="{said(language, "Plan walk")}"')  # the button
    assert shows(html, f'placeholder="{said(language, "What do you want to learn?")}"')
    assert shows(html, said(language, WalkKind.CUSTOMER_VISIT.label))  # the kinds' labels
    assert "What kind of walk?" not in html
    assert "Plan walk" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_plan_with_mistakes_is_refused_in_the_language(manager_client, said, language):
    refused = post(
        manager_client,
        "/walks/new",
        language,
        {"walk_id": str(uuid.uuid4()), "kind": "customer_visit", "day": "", "at": "09:00"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert shows(
        html, said(language, "Please correct what is marked below. Nothing has been saved yet.")
    )
    assert shows(html, said(language, "Enter a date."))
    assert "Enter a date." not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_planned_walk_says_when_in_the_language(app, manager_client, manager, said, language):
    walk = WalkFactory(manager=manager, planned_minutes=60)
    html = page(manager_client, f"/walks/{walk.uuid}", language)
    with app.test_request_context(), force_locale(language):
        when = local_time(walk.planned_start, "%A %-d %B %Y, %H:%M", walk.timezone)
    assert shows(
        html, said(language, "Planned for %(when)s (%(minutes)d min)", when=when, minutes=60)
    )
    for words in ("Start", "Change", "Cancel walk", "Add to calendar"):
        assert shows(html, said(language, words)), words


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_walk_in_progress(app, manager_client, manager, said, language):
    walk = in_progress(manager)
    ObservationFactory(walk=walk)
    html = page(manager_client, f"/walks/{walk.uuid}", language)
    for words in (
        "Add an observation",
        "Who said it?",
        "Which waste?",
        "For waste only: TIMWOOD, plus unused skills.",
        "Photos",
        "Add",
        "Complete walk",
        "Observations",
    ):
        assert shows(html, said(language, words)), words
    with app.test_request_context(), force_locale(language):
        started = local_time(walk.started_at, "%H:%M", walk.timezone)
    assert shows(html, said(language, "Started %(time)s", time=started))
    assert shows(html, f'placeholder="{said(language, "In their own words, if you can")}"')
    assert "Add an observation" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_observation_added_is_thanked_in_the_language(manager_client, manager, said, language):
    walk = in_progress(manager)
    missing = post(
        manager_client,
        f"/walks/{walk.uuid}/observations",
        language,
        {"observation_id": str(uuid.uuid4()), "category": "waste", "said_by": "walker", "text": ""},
    )
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    assert shows(html, said(language, "Write what you saw or heard."))
    assert shows(html, said(language, "Choose which waste this is."))
    added = post(
        manager_client,
        f"/walks/{walk.uuid}/observations",
        language,
        {
            "observation_id": str(uuid.uuid4()),
            "category": "what_matters",
            "waste_type": "",
            "said_by": "walker",
            "text": "Knowing when",
        },
    )
    assert added.status_code == 302
    html = page(manager_client, added.headers["Location"], language)
    assert shows(flashes(html), said(language, DONE["observed"]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_complete_a_walk(app, manager_client, manager, said, language):
    walk = in_progress(manager)
    ObservationFactory(walk=walk)
    ObservationFactory(walk=walk)
    url = f"/walks/{walk.uuid}/complete"
    html = page(manager_client, url, language)
    assert h1(html) == said(language, "Complete walk")
    with app.test_request_context(), force_locale(language):
        two = ngettext("%(num)d observation", "%(num)d observations", 2)
    assert shows(html, two)
    for words in (
        "Started",
        "Finished",
        "How many customers did you speak with?",
        "Customers you actually spoke with. Only external customers count as customer engagement.",
        "Frontline people you met",
        "Back to the walk",
    ):
        assert shows(html, said(language, words)), words
    too_many = post(
        manager_client,
        url,
        language,
        {"started_at": "", "completed_at": "", "customers_spoken_to": "100000"},
    )
    assert too_many.status_code == 422
    refused = too_many.get_data(as_text=True)
    assert shows(refused, said(language, "Enter a number from 0 to %(max)d.", max=1000))
    assert shows(refused, said(language, "Enter when the walk started."))


@pytest.mark.parametrize("language", LANGUAGES)
def test_correct_a_done_walk_and_an_observation(manager_client, manager, said, language):
    walk = done_walk(manager, datetime.now(UTC) - timedelta(hours=2))
    note = ObservationFactory(walk=walk)
    html = page(manager_client, f"/walks/{walk.uuid}", language)
    for words in ("Record", "Customers spoken to", "Frontline people met", "None noted", "Correct"):
        assert shows(html, said(language, words)), words
    html = page(manager_client, f"/walks/{walk.uuid}/correct", language)
    assert h1(html) == said(language, "Correct walk")
    assert shows(html, f'value="{said(language, "Save correction")}"')
    html = page(manager_client, f"/walks/{walk.uuid}/observations/{note.uuid}/correct", language)
    assert h1(html) == said(language, "Correct observation")
    assert shows(html, said(language, "Which customer said it?"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_record_a_past_walk(manager_client, said, language):
    html = page(manager_client, "/walks/record", language)
    assert h1(html) == said(language, "Record a past walk")
    assert (
        said(
            language,
            "A walk you did but did not record at the time. It is shown as recorded after the "
            "fact, and counts like any other done walk.",
        )
        in html
    )
    assert shows(html, f'value="{said(language, "Record walk")}"')


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_walks_empty_says_what_to_do(manager_client, said, language):
    html = page(manager_client, "/walks/", language)
    assert h1(html) == said(language, "My walks")
    assert shows(html, said(language, "No walks planned."))
    link = said(
        language,
        '<a href="%(url)s">Plan your next walk</a>: a customer visit, or the gemba where the '
        "work is done.",
        url="/walks/new",
    )
    assert link.startswith('<a href="/walks/new">')
    assert link in html  # the link drawn inside its sentence, the sentence whole


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_corrected_walk_says_who_corrected_it(app, manager_client, manager, said, language):
    walk = done_walk(manager, datetime.now(UTC) - timedelta(hours=2), spoke=2)
    with app.test_request_context():
        record = corrections.record_of(walk)
    wall = "%Y-%m-%dT%H:%M"
    saved = post(
        manager_client,
        f"/walks/{walk.uuid}/correct",
        language,
        {
            "started_at": record["started_at"].strftime(wall),
            "completed_at": record["completed_at"].strftime(wall),
            "customers_spoken_to": "3",
        },
    )
    assert saved.status_code == 302
    html = page(manager_client, saved.headers["Location"], language)
    assert shows(flashes(html), said(language, DONE["corrected"]))
    assert said(language, "Corrected") in html
    line = said(
        language,
        '%(who)s corrected the walk on <time datetime="%(iso)s">%(when)s</time>',
        who=manager.display_name,
        iso="ISO",
        when="WHEN",
    )
    assert re.search(re.escape(line).replace("ISO", '[^"]+').replace("WHEN", "[^<]+"), html)
