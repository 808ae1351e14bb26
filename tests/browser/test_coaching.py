"""Feedback closes the loop, in a real browser: a manager records a walk on a phone, their
coach reviews it on a laptop, and the manager answers and closes the follow-up."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Comment, FollowUp, FollowUpStatus, Review
from tests.factories import PASSWORD, OrgUnitFactory, PersonFactory

from . import sign_in

pytestmark = pytest.mark.browser

NOTE = "Customers ring twice to ask where the parcel is"
CLOSING = "You said you had to ring twice; we now text a delivery window the day before."


def bottom_nav(page: Page):
    return page.get_by_role("navigation", name="Main (phone)", exact=True)


def top_nav(page: Page):
    return page.get_by_role("navigation", name="Main", exact=True)


def the_observation(page: Page):
    return page.get_by_role("listitem").filter(has_text=NOTE)


def record_a_walk(page: Page) -> None:
    page.get_by_role("main").get_by_role("link", name="Plan a walk").first.tap()
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Place").fill("Packing line 2")
    page.get_by_role("button", name="Start now").tap()
    page.get_by_label("Failure demand", exact=True).check()
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Add", exact=True).tap()
    expect(the_observation(page)).to_be_visible()
    page.get_by_role("link", name="Complete walk").tap()
    page.get_by_label("How many customers did you speak with?").fill("0")
    page.get_by_role("button", name="Complete walk").tap()
    expect(page.get_by_text("Walk done.")).to_be_visible()


def test_a_walk_goes_from_record_to_review_to_you_said_we_did(phone: Page, desktop: Page):
    unit = OrgUnitFactory(name="Northgate depot")
    manager = PersonFactory(roles=["manager"], org_unit=unit, display_name="Maya Manager")
    coach = PersonFactory(roles=["coach"], org_unit=unit, display_name="Cora Coach")
    manager.coaches = [coach]
    db.session.commit()
    manager_email, coach_email = manager.email, coach.email
    db.session.rollback()  # let the server write (see test_walk_loop.let_the_server_write)

    # The manager records a walk on a phone.
    sign_in(phone, manager_email, PASSWORD)
    record_a_walk(phone)

    # The coach finds it in the queue, comments on the observation, adds a follow-up for
    # the manager, and marks the walk reviewed.
    sign_in(desktop, coach_email, PASSWORD)
    top_nav(desktop).get_by_role("link", name="Review").click()
    expect(desktop.get_by_text("1 walk waiting")).to_be_visible()
    desktop.get_by_role("link", name="Packing line 2").click()
    expect(desktop.get_by_text("never about blaming people")).to_be_visible()
    observation = the_observation(desktop)
    observation.get_by_text("Comment", exact=True).click()
    observation.get_by_label("Comment on this observation").fill(
        "Good that you counted. What fails for them before they ring?"
    )
    observation.get_by_role("button", name="Send").click()
    expect(desktop.get_by_text("Comment sent.")).to_be_visible()
    the_observation(desktop).get_by_role("link", name="Follow-up").click()
    desktop.get_by_label("What will be done?").fill("Tell customers when the van will come")
    desktop.get_by_label("Owner").select_option(label="Maya Manager")
    desktop.get_by_role("button", name="Add follow-up").click()
    expect(
        the_observation(desktop).get_by_text("Tell customers when the van will come")
    ).to_be_visible()
    desktop.get_by_role("button", name="Mark reviewed").click()
    expect(desktop.get_by_text("Marked reviewed.")).to_be_visible()
    expect(desktop.get_by_text("Nothing waiting")).to_be_visible()

    # The manager sees the notifications, opens the comment and answers it.
    phone.goto("/")
    # On a phone the inbox is behind More, whose badge counts what waits there.
    more = bottom_nav(phone).get_by_role("link", name="More")
    expect(more).to_have_accessible_name("More, 3 new")
    more.tap()
    phone.get_by_role("link", name="Inbox").tap()
    phone.get_by_role("button", name="Cora Coach commented on your walk").tap()
    thread = the_observation(phone)
    expect(thread.get_by_text("What fails for them before they ring?")).to_be_visible()
    thread.get_by_text("Reply", exact=True).tap()
    thread.get_by_label("Your reply").fill("The tracking page shows no time, so they ring.")
    thread.get_by_role("button", name="Send").tap()
    expect(phone.get_by_text("Comment sent.")).to_be_visible()
    expect(bottom_nav(phone).get_by_role("link", name="More")).to_have_accessible_name(
        "More, 2 new"
    )

    # ... closes the follow-up with what was done, and the note shows on the observation.
    bottom_nav(phone).get_by_role("link", name="Follow-ups").tap()
    phone.get_by_role("link", name="Tell customers when the van will come").tap()
    phone.get_by_label("What was done? (you said, we did)").fill(CLOSING)
    phone.get_by_role("button", name="Close follow-up").tap()
    expect(phone.get_by_text("Closed. You said, we did.")).to_be_visible()
    phone.get_by_role("link", name="Open the walk").tap()
    expect(the_observation(phone).get_by_text(CLOSING)).to_be_visible()

    # The coach sees the answer and the closing note on the same observation.
    desktop.goto(phone.url)
    expect(the_observation(desktop).get_by_text("The tracking page shows no time")).to_be_visible()
    expect(the_observation(desktop).get_by_text(CLOSING)).to_be_visible()

    db.session.rollback()
    assert db.session.scalar(select(Review)).reviewer.email == coach_email
    assert len(db.session.scalars(select(Comment)).all()) == 2
    follow_up = db.session.scalar(select(FollowUp))
    assert follow_up.status == FollowUpStatus.CLOSED
    assert follow_up.closing_note == CLOSING
