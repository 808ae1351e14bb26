"""The translations (gembawalk/translations/, README: Languages), read from their .po files:
every message translated in every language, nothing fuzzy, the same placeholders and markup as
the English, the right number of plural forms, the catalogues up to date with the marked
strings, and the glossary's chosen words used wherever its English words are."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.plural import PluralRule

from gembawalk.languages import LANGUAGES, SOURCE

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "gembawalk" / "translations"
TRANSLATED = [code for code in LANGUAGES if code != SOURCE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
TAG = re.compile(r"<[^>]+>")
# Each language's plural forms (CLDR): Welsh has six (zero, one, two, few, many, other).
PLURAL_FORMS = {"nl": 2, "cy": 6}


def catalogue(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=code)


def messages(code: str):
    return [m for m in catalogue(code) if m.id]


def forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def sources(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    found = messages(code)
    assert len(found) > 100
    assert [m.id for m in found if not all(forms(m))] == []
    assert [m.id for m in found if m.fuzzy] == []
    assert not catalogue(code).fuzzy  # the header itself


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_and_markup_match_the_english(code):
    wrong = []
    for message in messages(code):
        wanted = sorted(PLACEHOLDER.findall(sources(message)[-1]))
        tags = sorted(TAG.findall(sources(message)[-1]))
        for form in forms(message):
            if sorted(PLACEHOLDER.findall(form)) != wanted or sorted(TAG.findall(form)) != tags:
                wrong.append((message.id, form))
    assert wrong == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_forms_are_the_languages_own(code):
    found = catalogue(code)
    assert found.num_plurals == PLURAL_FORMS[code]
    rule = PluralRule.parse(found.locale.plural_form.rules)  # CLDR's rule for the language
    assert len(rule.tags | {"other"}) == PLURAL_FORMS[code]
    plurals = [m for m in messages(code) if m.pluralizable]
    assert plurals
    assert all(len(m.string) == PLURAL_FORMS[code] for m in plurals)


def test_welsh_plural_forms_header():
    header = catalogue("cy").plural_forms
    assert header == (
        "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n == 3 ? 3 : n == 6 ? 4 : 5);"
    )


def _read_folder(path: str) -> bool:
    """As the Makefile's extraction: every folder but hidden ones and node_modules, those whose
    names start with "_" included (templates/_macros, which Babel skips by default)."""
    name = Path(path).name
    return not name.startswith(".") and name not in ("node_modules", "__pycache__")


def marked() -> set[str | tuple[str, str]]:
    """Every string marked in the code and templates, as `make translations` extracts it."""
    method_map = [
        ("gembawalk/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    # As babel.cfg says: the templates with {% assets %} parse only with its extension.
    options = {"templates/**.html": {"extensions": "webassets.ext.jinja2.AssetsExtension"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map=options, keywords=keywords, directory_filter=_read_folder
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_the_catalogues_hold_every_marked_string():
    """`make translations` was run after the last string was marked or changed."""
    wanted = marked()
    assert len(wanted) > 100
    for code in TRANSLATED:
        held = {m.id for m in messages(code)}
        assert sorted(map(str, wanted - held)) == [], f"{code}: run make translations"
        assert sorted(map(str, held - wanted)) == [], f"{code}: run make translations"


def glossary() -> list[dict[str, str]]:
    with (TRANSLATIONS / "glossary.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_glossary_has_every_product_word_in_each_language():
    rows = glossary()
    english = {row["english"] for row in rows}
    for word in ("gemba", "walk", "customer visit", "gemba walk", "observation", "what matters",
                 "value demand", "failure demand", "waste", "frontline idea", "follow-up",
                 "review", "cadence", "demand type", "tally", "wall", "transport", "inventory",
                 "motion", "waiting", "overproduction", "over-processing", "defects",
                 "unused skills"):  # fmt: skip
        assert word in english
    assert all(row["dutch"].strip() and row["welsh"].strip() for row in rows)
    gemba = next(row for row in rows if row["english"] == "gemba")
    assert (gemba["dutch"], gemba["welsh"]) == ("gemba", "gemba")


def _pattern(term: str) -> re.Pattern[str]:
    flags = 0 if term != term.lower() else re.IGNORECASE  # the product's name: with capitals
    return re.compile(rf"\b{re.escape(term)}s?\b", flags)


def _terms_in(text: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The glossary's words in an English text, longest first, each part of it used once
    ("gemba walk" is not also "walk")."""
    found = []
    text = TAG.sub("\0", PLACEHOLDER.sub("\0", text))  # words, not names or markup
    order = sorted(rows, key=lambda r: (-len(r["english"]), r["english"] == r["english"].lower()))
    for row in order:
        pattern = _pattern(row["english"])
        if pattern.search(text):
            found.append(row)
            text = pattern.sub("\0", text)
    return found


@pytest.mark.parametrize(("code", "column"), [("nl", "dutch"), ("cy", "welsh")])
def test_the_glossary_words_are_used_in_the_catalogues(code, column):
    rows = glossary()
    strays = []
    for message in messages(code):
        for row in _terms_in(sources(message)[0], rows):
            chosen = [w.strip().lower() for w in row[column].split("|")]
            for form in forms(message):
                shown = form.replace("\u00ad", "").lower()  # a soft hyphen is a break, not a letter
                if not any(word in shown for word in chosen):
                    strays.append(f"{row['english']!r} → {row[column]!r}: {form!r}")
    assert strays == []
