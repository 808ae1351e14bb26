"""The audit log on a 1,440 px screen: every column, From and Detail included, is read without
scrolling sideways, long paths and details wrapping inside their cells."""

from __future__ import annotations

import pytest

from gembawalk.extensions import db
from gembawalk.services import audit
from tests.factories import PASSWORD, PersonFactory

from . import sign_in

pytestmark = pytest.mark.browser

LONG_PATH = "/api/v1/observations/" + "0f3c2a9e-" * 30
LONG_DETAIL = "roles: coach, director, manager; org unit: " + "Harbour yard and depot, " * 12


def test_from_and_detail_are_readable_at_1440_px(live_server, new_context):
    admin = PersonFactory(roles=["admin"], display_name="Ada Admin")
    audit.add(audit.NOT_FOUND, address="2001:db8:85a3::8a2e:370:7334", method="PUT", path=LONG_PATH)
    audit.add(audit.PERSON_CHANGED, actor=admin, subject="someone@example.org", detail=LONG_DETAIL)
    db.session.commit()
    email = admin.email
    db.session.rollback()
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in(page, email, PASSWORD)
    page.goto("/admin/audit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    table = page.locator(".admin-table")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    for label in ("From", "Detail"):
        for cell in page.locator(f'td[data-label="{label}"]').all():
            box = cell.bounding_box()
            assert box is not None, label
            assert box["x"] + box["width"] <= 1440, label
            assert cell.evaluate("c => c.scrollWidth <= c.clientWidth + 1"), label
