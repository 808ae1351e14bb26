"""Which language a request is answered in, and dates, times and numbers written in it.

The choice, first that applies: the person's own setting (the account page, or the people
import's `language` column); the language picked with `?lang=` on this device (the sign-in
page's chooser, kept in a cookie, so it works signed out and without JavaScript); the browser's
Accept-Language; the organisation's GEMBAWALK_LANGUAGE. Words are translated by Flask-Babel
from gembawalk/translations/ (README: Languages)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

from .languages import LANGUAGES, SOURCE

COOKIE = "language"
COOKIE_SECONDS = 365 * 24 * 3600
ASKED = "lang"  # the query parameter the chooser's links set

babel = Babel()


def _own_setting() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.language
    return None


def choose_language() -> str:
    """The language of this request (Flask-Babel's locale selector)."""
    default = current_app.config["GEMBAWALK_LANGUAGE"]
    if not has_request_context():
        return default
    for chosen in (_own_setting(), g.get("language_asked"), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return request.accept_languages.best_match(LANGUAGES) or default


def language_of(person) -> str:
    """The language to write to someone in outside their own request (an email, a
    notification, their calendar feed): their own setting, else the organisation's."""
    chosen = getattr(person, "language", None)
    return chosen if chosen in LANGUAGES else current_app.config["GEMBAWALK_LANGUAGE"]


def current_language() -> str:
    """The code `<html lang>` says: one of LANGUAGES."""
    locale = get_locale()
    return str(locale) if locale is not None else current_app.config["GEMBAWALK_LANGUAGE"]


def _remember_asked() -> None:
    asked = request.args.get(ASKED)
    if request.method == "GET" and asked in LANGUAGES:
        g.language_asked = asked


def _keep_asked(response: Response) -> Response:
    asked = g.get("language_asked")
    if asked is not None:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response


def init_i18n(app: Flask) -> None:
    babel.init_app(app, default_locale=SOURCE, locale_selector=choose_language)
    app.before_request(_remember_asked)
    app.after_request(_keep_asked)


# --- dates, times and numbers in the language -------------------------------------------------

# The strftime codes templates pass to local_time, as Unicode (CLDR) date patterns.
_PATTERNS = {
    "%a": "EEE",
    "%A": "EEEE",
    "%-d": "d",
    "%d": "dd",
    "%b": "MMM",
    "%B": "MMMM",
    "%m": "MM",
    "%Y": "y",
    "%H": "HH",
    "%-H": "H",
    "%M": "mm",
}
_CODE = re.compile(r"%-?[A-Za-z]|[A-Za-z]+|'")


def cldr_pattern(strftime: str) -> str:
    """`"%a %-d %b %Y, %H:%M"` as `"EEE d MMM y, HH:mm"`; letters outside codes quoted."""

    def one(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith("%"):
            return _PATTERNS[token]
        return "''" if token == "'" else f"'{token}'"  # noqa: S105  (a date pattern)

    return _CODE.sub(one, strftime)


def format_when(value: date | datetime, fmt: str) -> str:
    """A date or local time in the reader's language. English is written exactly as strftime
    writes it (what every page said before there were other languages)."""
    language = current_language()
    if language == SOURCE:
        return value.strftime(fmt)
    pattern = cldr_pattern(fmt)
    if isinstance(value, datetime):
        return babel_dates.format_datetime(value, pattern, locale=language)
    return babel_dates.format_date(value, pattern, locale=language)


def format_percent(value: float) -> str:
    """A share as a whole percentage: "45%" in English, "45%" in Dutch, "45%" in Welsh, with
    each language's grouping where it is in the thousands."""
    language = current_language()
    if language == SOURCE:
        return f"{value * 100:.0f}%"
    return babel_numbers.format_percent(value, "#,##0%", locale=language)


def format_number(value: float | int, digits: int = 0) -> str:
    """A number with the language's decimal and group separators ("1,234.5"; "1.234,5")."""
    language = current_language()
    if language == SOURCE:  # the same text without Babel's pattern work: a board has hundreds
        return f"{Decimal(str(value)):,.{digits}f}"  # as Babel rounds: half to even
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, pattern, locale=language)
