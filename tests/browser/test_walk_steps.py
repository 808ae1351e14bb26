"""Cancel with a way back, and Back that never dead-ends, on a phone (390×844), as a manager
lives them (issue 14, points 7 and 8)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from gembawalk.models import WalkStatus
from tests.factories import PASSWORD, WalkFactory

from . import sign_in
from .test_walk_loop import a_manager, let_the_server_write

pytestmark = pytest.mark.browser
# Where to keep screenshots for a person to look at (unset: none are taken).
SHOTS = os.environ.get("GEMBAWALK_TEST_SHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_cancel_asks_first_and_reinstate_brings_the_walk_back(phone: Page):
    manager = a_manager()
    walk = WalkFactory(
        manager=manager,
        place="Northgate counter",
        planned_start=datetime.now(UTC) + timedelta(days=1),
    )
    email, walk_path = manager.email, f"/walks/{walk.uuid}"
    let_the_server_write()
    page = phone
    sign_in(page, email, PASSWORD)
    page.goto(walk_path)

    page.get_by_role("link", name="Cancel walk").tap()
    expect(page.get_by_role("heading", name="Cancel this walk?", level=1)).to_be_visible()
    shot(page, "cancel-confirm")
    page.get_by_role("link", name="Keep it").tap()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()

    page.get_by_role("link", name="Cancel walk").tap()
    page.get_by_role("button", name="Cancel walk").tap()
    expect(page.get_by_text("Walk cancelled.")).to_be_visible()
    expect(page.get_by_role("button", name="Reinstate")).to_be_visible()
    shot(page, "cancelled-with-reinstate")

    page.get_by_role("button", name="Reinstate").tap()
    expect(page.get_by_text("Walk reinstated: it is planned again.")).to_be_visible()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()


def test_back_after_completing_goes_to_the_walk_with_what_happened(phone: Page):
    manager = a_manager()
    walk = WalkFactory(
        manager=manager,
        place="Counter B",
        status=WalkStatus.IN_PROGRESS,
        started_at=datetime.now(UTC) - timedelta(minutes=30),
    )
    email, walk_path = manager.email, f"/walks/{walk.uuid}"
    let_the_server_write()
    page = phone
    sign_in(page, email, PASSWORD)
    page.goto(f"{walk_path}/complete")
    page.get_by_label("How many customers did you speak with?").fill("1")
    page.get_by_role("button", name="Complete walk").tap()
    expect(page.get_by_text("Walk done.")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(f"{page.url.split('/walks/')[0]}{walk_path}")
    expect(page.get_by_text("This walk was completed on")).to_be_visible()
    expect(page.get_by_text("That no longer applies")).to_have_count(0)
    shot(page, "back-after-complete")


def test_a_past_walk_shows_every_error_at_once_then_is_recorded(phone: Page):
    manager = a_manager()
    email = manager.email
    let_the_server_write()
    page = phone
    sign_in(page, email, PASSWORD)
    page.goto("/walks/")
    page.get_by_role("main").get_by_role("link", name="Record a past walk").tap()
    expect(page.get_by_role("heading", name="Record a past walk", level=1)).to_be_visible()
    page.get_by_label("Place").fill("Northgate counter")
    page.get_by_label("Started").fill("2026-01-05T10:00")
    page.get_by_label("Finished").fill("2026-01-05T09:00")
    page.get_by_role("button", name="Record walk").tap()
    # Beside each field, together: the field's own check and the rule across fields.
    count_error = page.locator("#customers_spoken_to-error")
    expect(count_error).to_have_text("Enter a number, 0 if none.")
    expect(page.locator("#completed_at-error")).to_have_text(
        "A walk cannot finish before it started."
    )
    expect(page.get_by_label("Place")).to_have_value("Northgate counter")
    shot(page, "past-walk-errors")

    page.get_by_label("Finished").fill("2026-01-05T10:40")
    page.get_by_label("How many customers did you speak with?").fill("2")
    page.get_by_role("button", name="Record walk").tap()
    expect(page.get_by_text("Walk recorded.")).to_be_visible()
    expect(page.get_by_text("Recorded after the fact")).to_be_visible()
    shot(page, "past-walk-recorded")
