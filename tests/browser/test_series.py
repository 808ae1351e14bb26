"""Leader standard work in a browser: plan a weekly walk on a phone and find its next
occurrences on Today and in My walks; copy the calendar link on a laptop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Walk
from gembawalk.timeutil import day_start_utc, local_today
from tests.factories import PASSWORD, OrgUnitFactory, PersonFactory

from . import sign_in

pytestmark = pytest.mark.browser


def a_manager():
    unit = OrgUnitFactory(name="Northgate depot")
    return PersonFactory(roles=["manager"], org_unit=unit, display_name="Maya Manager")


ZONE = "Europe/London"  # the organisation's, as the manager has none of their own


def test_a_weekly_walk_shows_its_next_occurrences_on_today_and_in_my_walks(phone: Page):
    manager = a_manager()
    manager_id, email = manager.id, manager.email
    db.session.rollback()  # let the server write (see test_walk_loop.let_the_server_write)
    page = phone

    sign_in(page, email, PASSWORD)
    page.get_by_role("main").get_by_role("link", name="Plan a walk").first.tap()
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Repeat").select_option("weekly")
    page.get_by_label("Place").fill("Loading bay")
    page.get_by_role("button", name="Plan walk", exact=True).tap()

    expect(page.get_by_role("heading", name="Loading bay", level=1)).to_be_visible()
    expect(page.get_by_text("Every ")).to_be_visible()
    expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()

    db.session.rollback()
    planned = db.session.scalars(
        select(Walk).where(Walk.manager_id == manager_id).order_by(Walk.planned_start)
    ).all()
    assert len(planned) in (8, 9)  # up to eight weeks ahead, both ends included
    # Today lists under "Coming up" the next three after today; the first walk is today,
    # or tomorrow when the form's default time has passed midnight (late in the evening).
    tomorrow = day_start_utc(local_today(ZONE) + timedelta(days=1), ZONE)
    next_ones = [walk for walk in planned if walk.planned_start >= tomorrow][:3]
    db.session.rollback()

    page.goto("/")
    coming_up = page.get_by_role("region", name="Coming up")
    for walk in next_ones:
        expect(coming_up.locator(f'a[href="/walks/{walk.uuid}"]')).to_be_visible()
    expect(coming_up.get_by_role("heading", name="Loading bay")).to_have_count(3)

    page.goto("/walks/")
    upcoming = page.get_by_role("region", name="Upcoming walks")
    expect(upcoming.get_by_role("heading", name="Loading bay")).to_have_count(len(planned))


def test_the_calendar_link_can_be_copied_and_subscribed_to(desktop: Page, new_context):
    manager = a_manager()
    email = manager.email
    db.session.rollback()
    page = desktop
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    sign_in(page, email, PASSWORD)
    page.goto("/account")
    link = page.get_by_label("Calendar link").input_value()
    assert link.endswith(".ics")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link

    # A calendar app has no cookie: the link alone opens the feed.
    anonymous = new_context().request.get(link)
    assert anonymous.status == 200
    assert anonymous.headers["content-type"].startswith("text/calendar")
    assert anonymous.text().startswith("BEGIN:VCALENDAR")
