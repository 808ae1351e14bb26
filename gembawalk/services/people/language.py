"""A person's own language: one of languages.LANGUAGES, or None for "as my browser asks"
(gembawalk/i18n.py chooses from it). Set by the person on their account page, or by the
people import's `language` column."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...languages import LANGUAGES
from ...models import Person
from ..errors import Invalid, rolls_back

AS_THE_BROWSER_ASKS = _l("As my browser asks")


def language_code(value: object, field: str = "language") -> str | None:
    """A language code Gemba Walk speaks (any case, blank for none), or Invalid."""
    if value is not None and not isinstance(value, str):  # a JSON body may send anything
        value = "?"
    code = (value or "").strip().lower()
    if not code:
        return None
    if code not in LANGUAGES:
        raise Invalid({field: _unknown(code)})
    return code


def _unknown(code: str) -> str:
    # Not translated: also said by `flask import-people`, to whoever runs the server.
    known = ", ".join(LANGUAGES)
    return f"unknown language “{code[:20]}” (the languages are {known}, or blank)"


@rolls_back
def set_language(actor: Person, language: object) -> None:
    """The person's own setting: everyone chooses only their own."""
    actor.language = language_code(language)
    db.session.commit()
