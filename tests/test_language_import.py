"""The people import's optional `language` column (README: Importing people), on SQLite and
PostgreSQL: a language sets each person's own, blank clears it, an unknown one is refused with
its line, and a file without the column leaves everyone's as it is."""

from __future__ import annotations

import pytest

from gembawalk.extensions import db
from gembawalk.services.imports import people as people_imports
from gembawalk.services.imports.plan import ImportRefused
from gembawalk.services.people import accounts

from . import factories

HEADER = "email,name,org_unit,roles,language\n"


def run(text: str, **options):
    return people_imports.import_people(None, text.encode(), **options)


def language_of(email: str) -> str | None:
    db.session.expire_all()
    found = accounts.find_by_email(email)
    assert found is not None
    return found.language


def test_the_language_column_sets_each_persons_own(app):
    run(
        HEADER
        + "ada@example.org,Ada Admin,Eastmere Council,admin,CY\n"
        + "max@example.org,Max Manager,Eastmere Council / Repairs,manager,nl\n"
        + "dora@example.org,Dora Director,Eastmere Council,director,\n"
    )
    assert language_of("ada@example.org") == "cy"
    assert language_of("max@example.org") == "nl"
    assert language_of("dora@example.org") is None


def test_a_change_of_language_is_previewed_and_applied(app):
    factories.PersonFactory(email="max@example.org", display_name="Max", roles=["coach"])
    db.session.commit()
    text = HEADER + "max@example.org,Max,,coach,cy\n"
    plan = run(text, dry_run=True)
    assert [c.fields for c in plan.changes] == [(("language", "—", "cy"),)]
    assert language_of("max@example.org") is None
    run(text)
    assert language_of("max@example.org") == "cy"
    run(HEADER + "max@example.org,Max,,coach,\n")  # blank: as the browser asks
    assert language_of("max@example.org") is None


def test_a_file_without_the_column_keeps_each_persons_language(app):
    factories.PersonFactory(email="max@example.org", display_name="Max", roles=["coach"])
    db.session.commit()
    accounts.find_by_email("max@example.org").language = "nl"
    db.session.commit()
    run("email,name,roles\nmax@example.org,Max Ellis,coach\n")
    assert language_of("max@example.org") == "nl"


def test_an_unknown_language_is_refused_with_its_line(app):
    with pytest.raises(ImportRefused) as refused:
        run(HEADER + "ada@example.org,Ada Admin,Eastmere Council,admin,fr\n")
    assert refused.value.lines() == [
        "Line 2: unknown language “fr” (the languages are en, nl, cy, or blank)"
    ]
