"""The admin imports people from a file in a real browser: choose the file, read every
change, apply; a refused file lists its problems. axe-core finds nothing on either page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gembawalk.extensions import db
from gembawalk.services.people import accounts
from tests import factories

from . import sign_in
from .test_a11y import violations

pytestmark = pytest.mark.browser

STAFF = (
    "\ufeffemail;name;org_unit;roles;coach;leads;timezone\r\n"
    "cleo@example.org;Cleo Coach;Eastmere Council / Housing;coach;;;Europe/Amsterdam\r\n"
    "max@example.org;Max Manager;Eastmere Council / Housing / Repairs;manager;"
    "cleo@example.org;;\r\n"
)


def choose(page: Page, text: str, name: str = "staff.csv") -> None:
    page.get_by_label("CSV file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Preview the changes").click()
    page.wait_for_load_state("load")


def test_an_admin_previews_then_applies_a_file(app, desktop: Page):
    factories.PersonFactory(roles=["admin"], email="ada@example.org")
    db.session.rollback()  # every transaction here writes (BEGIN IMMEDIATE): end ours
    sign_in(desktop, "ada@example.org", factories.PASSWORD)
    desktop.goto("/admin/people")
    desktop.get_by_role("link", name="Import from a file").click()
    expect(desktop.get_by_role("heading", name="Import people from a file")).to_be_visible()

    choose(desktop, STAFF.replace("max@example.org;Max", "oops;Max"))
    alert = desktop.get_by_role("alert")
    expect(alert).to_contain_text("Line 3: malformed email “oops”")
    assert violations(desktop) == []

    choose(desktop, STAFF)
    expect(desktop.get_by_role("status").filter(has_text="2 people in the file")).to_contain_text(
        "2 new, 0 changed, 0 unchanged, 3 new org units."
    )
    rows = desktop.locator("table.import-changes tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("max@example.org")
    expect(rows.nth(1)).to_contain_text("Eastmere Council / Housing / Repairs")
    assert accounts.find_by_email("max@example.org") is None  # nothing written yet
    db.session.rollback()
    assert violations(desktop) == []

    desktop.get_by_role("button", name="Apply these changes").click()
    desktop.wait_for_load_state("load")
    assert desktop.url.endswith("/admin/people")
    expect(desktop.locator(".flash-success")).to_contain_text("2 new")
    expect(desktop.get_by_role("link", name="Max Manager")).to_be_visible()
