"""The walk loop on a phone, as a manager lives it: plan, start, observe, complete, find it done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Category, Walk, WalkKind, WalkStatus
from tests.factories import (
    PASSWORD,
    ObservationFactory,
    OrgUnitFactory,
    PersonFactory,
    WalkFactory,
)

from . import sign_in

pytestmark = pytest.mark.browser


def a_manager():
    unit = OrgUnitFactory(name="Northgate depot")
    return PersonFactory(roles=["manager"], org_unit=unit, display_name="Maya Manager")


def let_the_server_write() -> None:
    """End the test's own transaction before the browser acts.

    Outside a request the SQLite engine begins with BEGIN IMMEDIATE, so merely reading an
    expired attribute in the test holds the write lock and every save the browser makes waits.
    """
    db.session.rollback()


def bottom_nav(page: Page):
    return page.get_by_role("navigation", name="Main (phone)", exact=True)


def top_nav(page: Page):
    return page.get_by_role("navigation", name="Main", exact=True)


def add_observation(page: Page, category: str, note: str) -> None:
    page.get_by_label(category, exact=True).check()
    page.get_by_label("Note").fill(note)
    page.get_by_role("button", name="Add", exact=True).tap()
    item = page.get_by_role("listitem").filter(has_text=note)
    expect(item).to_be_visible()
    # With JavaScript the note is kept on the phone first, then sent by the outbox.
    expect(item.locator("[data-record]")).to_have_text("Sent")


def test_a_manager_plans_records_and_completes_a_walk_on_a_phone(phone: Page):
    manager = a_manager()
    manager_id, email = manager.id, manager.email
    let_the_server_write()
    page = phone

    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Plan a walk").first.tap()
    expect(page.get_by_role("heading", name="Plan a walk", level=1)).to_be_visible()
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Place").fill("Packing line 2")
    page.get_by_label("Purpose").fill("See how orders are packed on the late shift")
    page.get_by_role("button", name="Plan walk", exact=True).tap()

    expect(page.get_by_role("heading", name="Packing line 2", level=1)).to_be_visible()
    page.get_by_role("button", name="Start", exact=True).tap()

    expect(page.get_by_role("heading", name="Add an observation")).to_be_visible()
    add_observation(page, "Failure demand", "Customers ring twice to ask where the parcel is")
    add_observation(page, "Frontline idea", "Print the label before picking, says Sam")
    expect(page.get_by_role("listitem").filter(has_text="Failure demand")).to_have_count(1)

    page.get_by_role("link", name="Complete walk").tap()
    expect(page.get_by_role("heading", name="Complete walk", level=1)).to_be_visible()
    page.get_by_label("How many customers did you speak with?").fill("2")
    page.get_by_label("Summary").fill("Thanks to Sam and the late shift for showing us round.")
    page.get_by_role("button", name="Complete walk").tap()
    expect(page.get_by_text("Walk done.")).to_be_visible()

    bottom_nav(page).get_by_role("link", name="Walks").tap()
    expect(page.get_by_role("heading", name="My walks", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Walks by status").get_by_role("link", name="Done").tap()
    done = page.get_by_role("region", name="Done walks")
    expect(done.get_by_role("heading", name="Packing line 2")).to_be_visible()
    expect(done.get_by_text("2 observations")).to_be_visible()

    db.session.rollback()  # a fresh transaction sees what the server saved
    walk = db.session.scalars(select(Walk).where(Walk.manager_id == manager_id)).one()
    assert walk.kind == WalkKind.GEMBA_WALK
    assert walk.status == WalkStatus.DONE
    assert walk.customers_spoken_to == 2
    assert sorted(o.category for o in walk.observations) == sorted(
        [Category.FAILURE_DEMAND, Category.FRONTLINE_IDEA]
    )


def test_navigation_sits_at_the_bottom_on_a_phone_and_at_the_top_on_a_laptop(
    phone: Page, desktop: Page
):
    manager = a_manager()
    walk = WalkFactory(
        manager=manager,
        place="Goods-in at the Northgate depot, loading bays 4 to 9",
        status=WalkStatus.IN_PROGRESS,
        started_at=datetime.now(UTC) - timedelta(minutes=20),
    )
    ObservationFactory(walk=walk, text="Pallet-label-reprinted-" * 8)  # one unbroken word
    email, walk_path = manager.email, f"/walks/{walk.uuid}"
    let_the_server_write()

    sign_in(phone, email, PASSWORD)
    expect(bottom_nav(phone)).to_be_visible()
    expect(top_nav(phone)).to_be_hidden()
    for link in ("Today", "Walks", "Plan", "More"):
        expect(bottom_nav(phone).get_by_role("link", name=link)).to_be_visible()

    for path in ("/", "/walks/", "/walks/new", walk_path, f"{walk_path}/complete", "/account"):
        phone.goto(path)
        scroll_width = phone.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 390, f"{path} scrolls sideways on a phone ({scroll_width}px)"

    sign_in(desktop, email, PASSWORD)
    expect(top_nav(desktop)).to_be_visible()
    expect(bottom_nav(desktop)).to_be_hidden()
    expect(top_nav(desktop).get_by_role("link", name="Walks")).to_be_visible()


def test_from_today_an_observation_takes_two_taps(phone: Page):
    manager = a_manager()
    walk = WalkFactory(
        manager=manager,
        place="Counter B",
        status=WalkStatus.IN_PROGRESS,
        started_at=datetime.now(UTC) - timedelta(minutes=10),
    )
    email, walk_id = manager.email, walk.id
    let_the_server_write()
    sign_in(phone, email, PASSWORD)

    live = phone.get_by_role("list", name="Add an observation to Counter B")
    live.get_by_role("link", name="Waste").tap()  # tap one: the category, from Today
    note = phone.get_by_label("Note")
    expect(note).to_be_focused()  # ready for the words: no tap needed to start typing
    expect(phone.get_by_label("Which waste?")).to_be_visible()  # shown for waste only
    phone.get_by_label("Which waste?").select_option("waiting")
    note.fill("Queue at the counter while forms are copied")
    phone.get_by_role("button", name="Add", exact=True).tap()  # tap two
    expect(phone.get_by_text("Observation added.")).to_be_visible()
    sent = phone.get_by_role("listitem").filter(has_text="Queue at the counter")
    expect(sent.locator("[data-record]")).to_have_text("Sent")  # kept first, then sent

    phone.get_by_label("What matters", exact=True).check()
    expect(phone.get_by_label("Which waste?")).to_be_hidden()

    db.session.rollback()
    stored = db.session.scalars(select(Walk).where(Walk.id == walk_id)).one().observations
    assert [(o.category, o.waste_type.value, o.text) for o in stored] == [
        (Category.WASTE, "waiting", "Queue at the counter while forms are copied")
    ]
