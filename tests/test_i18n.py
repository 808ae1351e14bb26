"""Languages (README: Languages): which one a request is answered in, `<html lang>`, the
sign-in page's chooser, a person's own setting, and dates and numbers written in it."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import refresh

from gembawalk.extensions import db
from gembawalk.i18n import cldr_pattern, format_number
from gembawalk.languages import LANGUAGES
from gembawalk.models import Person
from gembawalk.models.vocabulary import LABELS, Labelled
from gembawalk.templating import day_label, local_time, share, waited

from . import factories
from .conftest import sign_in

HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


@contextmanager
def reading(app, language: str | None = None):
    """A request from a browser that asks for `language` (the test's own app context holds
    the language of the last one: Flask-Babel keeps it there)."""
    headers = {"Accept-Language": language} if language else {}
    with app.test_request_context(headers=headers):
        refresh()
        yield


def lang_of(response) -> str:
    found = HTML_LANG.search(response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:300]
    return found.group(1)


def h1(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.get_data(as_text=True)).group(1)


# --- the choice: own setting, then the browser, then the organisation ----------------------


def test_signed_out_the_browser_chooses_else_the_organisation(client, manager):
    assert lang_of(client.get("/sign-in")) == "en"
    page = client.get("/sign-in", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert lang_of(page) == "cy"
    assert h1(page) == "Mewngofnodi"
    page = client.get("/sign-in", headers={"Accept-Language": "nl-BE"})
    assert (lang_of(page), h1(page)) == ("nl", "Inloggen")
    # A language Gemba Walk does not speak: the organisation's.
    assert lang_of(client.get("/sign-in", headers={"Accept-Language": "fr, de"})) == "en"


def test_the_organisation_default_is_gembawalk_language(app, client, manager, monkeypatch):
    monkeypatch.setitem(app.config, "GEMBAWALK_LANGUAGE", "nl")
    assert lang_of(client.get("/sign-in")) == "nl"
    assert lang_of(client.get("/sign-in", headers={"Accept-Language": "fr"})) == "nl"
    assert lang_of(client.get("/sign-in", headers={"Accept-Language": "cy"})) == "cy"


def test_an_unknown_gembawalk_language_stops_the_start():
    from gembawalk.config import ConfigError, from_environment

    with pytest.raises(ConfigError, match="GEMBAWALK_LANGUAGE='fr'"):
        from_environment({"GEMBAWALK_LANGUAGE": "fr"})
    assert from_environment({})["GEMBAWALK_LANGUAGE"] == "en"


def test_a_persons_own_setting_beats_the_browser(client, manager):
    manager.language = "cy"
    db.session.commit()
    sign_in(client, manager)
    page = client.get("/account", headers={"Accept-Language": "nl"})
    assert lang_of(page) == "cy"
    assert h1(page) == "Cyfrif"
    manager.language = None
    db.session.commit()
    page = client.get("/account", headers={"Accept-Language": "nl"})
    assert (lang_of(page), h1(page)) == ("nl", "Account")
    assert lang_of(client.get("/account")) == "en"


def test_the_account_page_sets_and_clears_the_language(manager_client, manager):
    page = manager_client.get("/account")
    assert re.search(r'<select [^>]*name="language"', page.get_data(as_text=True))
    for code, name in LANGUAGES.items():
        assert f'<option lang="{code}" value="{code}">{name}</option>' in page.get_data(
            as_text=True
        )
    saved = manager_client.post("/account/language", data={"language": "nl"}, follow_redirects=True)
    assert lang_of(saved) == "nl"
    assert "Taal opgeslagen." in saved.get_data(as_text=True)  # said in the new language
    assert db.session.get(Person, manager.id).language == "nl"
    assert '<option lang="nl" selected value="nl">' in saved.get_data(as_text=True)
    manager_client.post("/account/language", data={"language": "fr"})
    assert db.session.get(Person, manager.id).language == "nl"  # not one of the choices
    manager_client.post("/account/language", data={"language": ""})
    assert db.session.get(Person, manager.id).language is None


def test_setting_the_language_needs_a_signed_in_person(client, manager):
    assert client.post("/account/language", data={"language": "cy"}).status_code == 302
    assert db.session.get(Person, manager.id).language is None


def test_setting_the_language_needs_the_csrf_token(csrf_on, client, manager):
    sign_in_with_token(client, manager)
    assert client.post("/account/language", data={"language": "cy"}).status_code == 400
    assert db.session.get(Person, manager.id).language is None


def sign_in_with_token(client, person):
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"email": person.email, "password": factories.PASSWORD, "csrf_token": token}
    assert client.post("/sign-in", data=data).status_code == 302


# --- the sign-in page's chooser ----------------------------------------------------------------


def test_the_sign_in_page_offers_each_language_under_its_own_name(client, manager):
    html = client.get("/sign-in?next=/walks").get_data(as_text=True)
    chooser = re.search(
        r'<nav class="language-chooser" aria-label="Language">(.*?)</nav>', html, re.S
    )
    assert chooser, html
    links = re.findall(
        r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+"[^>]*>([^<]+)</a>', chooser[1]
    )
    assert [(lang, name) for _, lang, name in links] == list(LANGUAGES.items())
    assert all("next=%2Fwalks" in href or "next=/walks" in href for href, _, _ in links)
    assert 'lang="en" hreflang="en" aria-current="true"' in chooser[1]


def test_a_language_picked_on_the_sign_in_page_is_kept_on_the_device(client, manager):
    picked = client.get("/sign-in?lang=cy", headers={"Accept-Language": "nl"})
    assert lang_of(picked) == "cy"
    assert "language=cy" in picked.headers["Set-Cookie"]
    # The next page, without ?lang, is still in Welsh: the cookie beats the browser.
    assert lang_of(client.get("/sign-in", headers={"Accept-Language": "nl"})) == "cy"
    # Signed in without a setting of their own, it holds on this device.
    sign_in(client, manager)
    assert lang_of(client.get("/account", headers={"Accept-Language": "nl"})) == "cy"
    # Their own setting wins over it.
    manager.language = "en"
    db.session.commit()
    assert lang_of(client.get("/account")) == "en"


def test_an_unknown_lang_is_ignored(client, manager):
    page = client.get("/sign-in?lang=xx", headers={"Accept-Language": "nl"})
    assert lang_of(page) == "nl"
    assert "language=" not in page.headers.get("Set-Cookie", "")


def test_pages_vary_with_accept_language(client, manager):
    assert "Accept-Language" in client.get("/sign-in").headers["Vary"]


# --- words ---------------------------------------------------------------------------------


def test_every_product_word_has_a_label_to_translate():
    missing = [
        f"{enum.__name__}.{member.name}"
        for enum in Labelled.__subclasses__()
        for member in enum
        if member.value not in LABELS
    ]
    assert missing == []


def test_the_offline_vocabulary_is_in_the_persons_language(client, manager):
    manager.language = "nl"
    db.session.commit()
    sign_in(client, manager)
    html = client.get("/").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="gw-vocabulary">(.*?)</script>', html)
    vocabulary = json.loads(found.group(1))
    categories = dict(vocabulary["words"]["category"])
    assert categories["value_demand"] == "Waardevraag"
    assert categories["failure_demand"] == "Faalvraag"
    assert dict(vocabulary["words"]["walk_kind"])["customer_visit"] == "Klantbezoek"
    assert vocabulary["near_days"]["0"] == "Vandaag"
    assert vocabulary["said"]["planned"] == "Rondgang gepland."
    assert ">Rondgangen<" in html  # and the navigation


def test_error_pages_speak_the_language(client, manager):
    page = client.get("/no-such-page", headers={"Accept-Language": "cy"})
    assert page.status_code == 404
    assert lang_of(page) == "cy"
    assert "Doedd dim modd dod o hyd i&#39;r dudalen honno" in page.get_data(
        as_text=True
    ) or "Doedd dim modd dod o hyd i'r dudalen honno" in page.get_data(as_text=True)


def test_form_errors_and_flashes_are_translated(client, manager):
    refused = client.post(
        "/sign-in",
        data={"email": manager.email, "password": "wrong password"},
        headers={"Accept-Language": "nl"},
    )
    assert "Dat e-mailadres en wachtwoord horen niet bij een actief account." in refused.get_data(
        as_text=True
    )
    sign_in(client, manager)
    out = client.post("/sign-out", headers={"Accept-Language": "cy"}, follow_redirects=True)
    assert "Rydych chi wedi allgofnodi ar y ddyfais hon." in out.get_data(as_text=True)


# --- dates, times and numbers --------------------------------------------------------------

SATURDAY = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Sat 5 Dec 2026, 09:30"),
        ("nl", "za 5 dec 2026, 09:30"),
        ("cy", "Sad 5 Rhag 2026, 09:30"),
    ],
)
def test_local_time_in_each_language(app, language, written):
    with reading(app, language):
        assert local_time(SATURDAY, zone="Europe/London") == written


def test_english_dates_are_written_as_strftime_writes_them(app):
    with reading(app):
        for fmt in ("%a %-d %b %Y, %H:%M", "%-d %b, %H:%M", "%A %-d %B", "%a %-d %b"):
            assert local_time(SATURDAY, fmt, "Europe/London") == SATURDAY.strftime(fmt)


def test_months_and_weekdays_in_full(app):
    with reading(app, "cy"):
        assert local_time(SATURDAY, "%A %-d %B", "Europe/London") == "Dydd Sadwrn 5 Rhagfyr"
    with reading(app, "nl"):
        assert local_time(SATURDAY, "%A %-d %B", "Europe/London") == "zaterdag 5 december"


def test_a_day_near_today_by_its_name(app):
    today = date(2026, 12, 5)
    with reading(app, "nl"):
        assert day_label(today, today) == "Vandaag"
        assert day_label(today + timedelta(days=1), today) == "Morgen"
        assert day_label(date(2026, 12, 9), today) == "wo 9 dec"
        assert day_label(date(2027, 1, 6), today) == "wo 6 jan 2027"
    with reading(app, "cy"):
        assert day_label(today - timedelta(days=1), today) == "Ddoe"


def test_strftime_codes_become_date_patterns():
    assert cldr_pattern("%a %-d %b %Y, %H:%M") == "EEE d MMM y, HH:mm"
    assert cldr_pattern("done %-d %b") == "'done' d MMM"


@pytest.mark.parametrize(
    ("language", "percent", "decimal"),
    [("en", "46%", "1,234.5"), ("nl", "46%", "1.234,5"), ("cy", "46%", "1,234.5")],
)
def test_numbers_in_each_language(app, language, percent, decimal):
    with reading(app, language):
        assert share(0.456) == percent
        assert share(None) == "–"
        assert format_number(1234.5, 1) == decimal
        assert format_number(12000) == ("12.000" if language == "nl" else "12,000")


def test_english_numbers_are_what_babel_writes_without_asking_it(app):
    """English takes a short cut past Babel (a board writes hundreds of numbers): the same
    text, the same rounding (half to even on the decimal written), whatever the value."""
    from babel.numbers import format_decimal

    values = [0.05, 0.15, 2.5, 3.5, -0.05, 1234.5, 123456.785, 1e9, 0, -7, 0.1 + 0.2]
    with reading(app, "en"):
        for value in values:
            for digits in (0, 1, 2):
                pattern = "#,##0" + ("." + "0" * digits if digits else "")
                assert format_number(value, digits) == format_decimal(value, pattern, locale="en")


def test_how_long_something_waited_in_each_plural_form(app):
    with reading(app):
        assert waited(timedelta(days=3)) == "3 days"
        assert waited(timedelta(hours=1, minutes=5)) == "1 hour"
        assert waited(timedelta(hours=5)) == "5 hours"
        assert waited(timedelta(minutes=5)) == "less than an hour"
    with reading(app, "nl"):
        assert waited(timedelta(days=3)) == "3 dagen"
        assert waited(timedelta(hours=1)) == "1 uur"
    with reading(app, "cy"):
        # Welsh: a noun after a number stays singular; two softens it (dau ddiwrnod).
        assert waited(timedelta(days=2)) == "2 ddiwrnod"
        assert waited(timedelta(days=3)) == "3 diwrnod"
        assert waited(timedelta(minutes=5)) == "llai nag awr"
