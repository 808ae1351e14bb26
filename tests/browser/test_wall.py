"""A unit's wall on a 390×844 phone, as the frontline opens it from the poster: readable with
no sideways scrolling, no accessibility violation (light and dark), "Fixed for us?" answered
with one tap (CSRF on, nobody signed in) and only once; and the poster printed on one A4 page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Category, FollowUpStatus, SaidBy, WalkStatus, WallAnswer
from gembawalk.services import wall
from tests.factories import (
    FollowUpFactory,
    ObservationFactory,
    OrgUnitFactory,
    PersonFactory,
    WalkFactory,
)

from . import PHONE
from .test_a11y import violations

pytestmark = pytest.mark.browser

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def wall_address(app) -> str:
    unit = OrgUnitFactory(name="Northgate depot")
    manager = PersonFactory(org_unit=unit, display_name="Maya Manager")
    now = datetime.now(UTC)
    walk = WalkFactory(
        manager=manager,
        status=WalkStatus.DONE,
        planned_start=now - timedelta(days=6),
        completed_at=now - timedelta(days=6) + timedelta(hours=1),
    )

    def raised(text: str):
        return ObservationFactory(
            walk=walk,
            category=Category.FRONTLINE_IDEA,
            said_by=SaidBy.FRONTLINE,
            text=text,
            made_at=now - timedelta(days=6),
        )

    done = raised("The scanner batteries die before the afternoon round")
    FollowUpFactory(
        walk=walk,
        observation=done,
        action="Buy spare batteries",
        status=FollowUpStatus.CLOSED,
        closing_note="Spare charged batteries now hang by the loading door",
        closed_at=now - timedelta(days=1),
    )
    FollowUpFactory(walk=walk, observation=raised("Nowhere to dry wet gloves"))
    raised("The yard lights go off at six, before the last van is loaded")
    address = f"/wall/{wall.wall_token(unit)}"
    db.session.commit()  # end the test's transaction: the live server writes next
    return address


def test_the_wall_on_a_phone_and_its_answer(live_server, browser, wall_address, tmp_path):
    for scheme in ("dark", "light"):  # light last: it is the one answered
        context = browser.new_context(base_url=live_server.url, color_scheme=scheme, **PHONE)
        page = context.new_page()
        page.goto(wall_address)
        expect(page.get_by_role("heading", name="You said, we did")).to_be_visible()
        assert page.evaluate(FITS), "the wall scrolls sideways on a phone"
        assert violations(page) == []
        if scheme == "dark":
            context.close()
    page.screenshot(path=str(tmp_path / "wall-phone.png"), full_page=True)

    done = page.locator(".wall-item", has_text="scanner batteries")
    expect(done.get_by_text("Spare charged batteries now hang by the loading door")).to_be_visible()
    expect(done.get_by_text("Done", exact=True)).to_be_visible()
    expect(page.locator(".wall-item", has_text="wet gloves").get_by_text("In hand")).to_be_visible()
    expect(page.locator(".wall-item", has_text="yard lights").get_by_text("Open")).to_be_visible()
    # Only what is done asks "Fixed for us?".
    expect(page.get_by_role("group", name="Fixed for us?")).to_have_count(1)
    yes = done.get_by_role("button", name="Yes", exact=True)
    box = yes.bounding_box()
    assert box is not None
    assert box["height"] >= 44, "the answer is a thumb-sized target"

    yes.click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(done.get_by_text(re.compile("You answered: Yes"))).to_be_visible()
    expect(page.get_by_role("group", name="Fixed for us?")).to_have_count(0)
    assert violations(page) == []
    page.reload()
    expect(done.get_by_text(re.compile("You answered: Yes"))).to_be_visible()
    assert db.session.scalar(select(func.count()).select_from(WallAnswer)) == 1
    db.session.commit()
    page.screenshot(path=str(tmp_path / "wall-answered.png"), full_page=True)

    # Another phone (its own cookie) may answer too.
    other = browser.new_context(base_url=live_server.url, **PHONE).new_page()
    other.goto(wall_address)
    other.locator(".wall-item", has_text="scanner batteries").get_by_role(
        "button", name="Not yet"
    ).click()
    expect(other.get_by_role("status")).to_contain_text("Thank you")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(WallAnswer)) == 2


def test_the_poster_prints_on_one_a4_page(live_server, browser, wall_address, tmp_path):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.goto(wall_address + "/poster")
    assert violations(page) == []
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", qr.element_handle())
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, to look at
    page.screenshot(path=str(tmp_path / "poster.png"))
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (tmp_path / "poster.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the poster printed on {pages} pages"
    # A4 (595 × 842 points), portrait.
    (box,) = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)[:1]
    assert (round(float(box[0])), round(float(box[1]))) == (595, 842)
