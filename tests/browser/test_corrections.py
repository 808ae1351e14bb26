"""Correcting a sent record on a phone (390×844), as the walker lives it (issue 14, point 6):
Correct on the done walk, the Complete form's fields filled with what the walk says, and the
walk's page showing what each correction replaced."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, ObservationFactory, done_walk

from . import sign_in
from .test_a11y import violations
from .test_walk_loop import a_manager, let_the_server_write

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("GEMBAWALK_TEST_SHOTS")


def test_the_walker_corrects_a_done_walk_and_a_note_and_reads_the_history(phone: Page):
    manager = a_manager()
    walk = done_walk(
        manager,
        datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1),
        place="Northgate counter",
        summary="Returns wait a day.",
    )
    ObservationFactory(walk=walk, category="what_matters", said_by="walker", text="Being told")
    email, walk_path = manager.email, f"/walks/{walk.uuid}"
    let_the_server_write()
    page = phone
    sign_in(page, email, PASSWORD)
    page.goto(walk_path)
    expect(page.get_by_role("heading", name="Corrected")).to_have_count(0)

    page.get_by_role("link", name="Correct", exact=True).tap()
    expect(page.get_by_role("heading", name="Correct walk", level=1)).to_be_visible()
    expect(page.get_by_label("Summary")).to_have_value("Returns wait a day.")
    page.get_by_label("How many customers did you speak with?").fill("3")
    page.get_by_label("Summary").fill("Returns wait two days.")
    page.get_by_role("button", name="Save correction").tap()
    expect(page.get_by_text("Walk corrected.")).to_be_visible()

    page.get_by_role("link", name="Correct this observation").tap()
    expect(page.get_by_label("Note")).to_have_value("Being told")
    page.get_by_label("Note").fill("Being told when it will come")
    page.get_by_role("button", name="Save correction").tap()
    expect(page.get_by_text("Observation corrected.")).to_be_visible()

    history = page.get_by_role("region", name="Corrected")
    expect(history).to_be_visible()
    expect(history.get_by_text("Maya Manager corrected the walk")).to_be_visible()
    expect(history.get_by_text("Maya Manager corrected an observation")).to_be_visible()
    summary = history.locator("div", has=page.get_by_text("Summary", exact=True))
    expect(summary).to_contain_text("Returns wait a day. → Returns wait two days.")
    expect(history).to_contain_text("Being told → Being told when it will come")
    history.scroll_into_view_if_needed()
    box = history.bounding_box()
    assert box is not None
    assert box["width"] <= 390  # fits the phone: no sideways scrolling to read it
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/corrected-walk.png", full_page=True)
    assert violations(page) == []
