"""The leaderboard as a director sees it: on a phone a card per manager, every figure shown
beside its label and nothing to scroll sideways; on a laptop the ranked table."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from gembawalk.extensions import db
from gembawalk.models import CustomerKind
from gembawalk.timeutil import utcnow
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    OrgUnitFactory,
    PersonFactory,
    done_walk,
)

from . import sign_in

pytestmark = pytest.mark.browser

# Every figure of a row, by the name its column has in the table and its label on a card.
FIGURES = [
    "Cadence attainment",
    "Customer engagements",
    "Customer contacts",
    "Since last engagement",
    "Streak",
    "Plan adherence",
    "On time",
    "Observations",
    "Failure demand",
    "Follow-ups open / overdue",
]
LONG_NAME = "Maximiliana Featherstonehaugh-Worthington"
# Best first; the managers with no customer engagement at the bottom, as "never".
RANKED = ["Ben North", "Ana North", "Dee Director", LONG_NAME]


def a_board() -> str:
    """A director leading North, where two managers met customers and two never did; the
    director's email."""
    north = OrgUnitFactory(name="North")
    director = PersonFactory(
        roles=["director", "manager"], org_unit=north, display_name="Dee Director"
    )
    director.leads = [north]
    ana = PersonFactory(org_unit=north, display_name="Ana North")
    ben = PersonFactory(org_unit=north, display_name="Ben North")
    PersonFactory(org_unit=north, display_name=LONG_NAME)
    customer = CustomerFactory(org_unit=north, kind=CustomerKind.EXTERNAL, name="Mrs Ali")
    for manager, days_ago in ((ana, 2), (ben, 3), (ben, 9)):
        done_walk(manager, utcnow() - timedelta(days=days_ago), customers=[customer])
    db.session.commit()
    email = director.email
    db.session.rollback()  # end the test's transaction: the server reads what it wrote
    return email


def cards(page: Page):
    return page.locator(".board tbody tr")


def test_on_a_phone_each_manager_is_a_card_with_every_figure_beside_its_label(phone: Page):
    sign_in(phone, a_board(), PASSWORD)
    phone.goto("/engagement/leaderboard")
    width = phone.viewport_size["width"]
    assert width == 390

    # Nothing to scroll sideways: not the page, and no box inside it either.
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    expect(cards(phone)).to_have_count(len(RANKED))
    assert phone.locator(".board").evaluate("t => t.scrollWidth <= t.clientWidth")

    for n, name in enumerate(RANKED):
        card = cards(phone).nth(n)
        expect(card.get_by_role("rowheader")).to_have_text(name)
        edges = card.bounding_box()
        assert edges["x"] >= 0, name
        assert edges["x"] + edges["width"] <= width, name
        for label in FIGURES:
            cell = card.locator(f'td[data-label="{label}"]')
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box["x"] >= edges["x"], (name, label)
            assert box["x"] + box["width"] <= edges["x"] + edges["width"], (name, label)
            # The label is drawn (not clipped away) and spoken, the figure after it.
            content, position, display = cell.evaluate(
                "td => { const s = getComputedStyle(td, '::before');"
                " return [s.content, s.position, s.display]; }"
            )
            assert content == f'"{label}"'
            assert position == "static"
            assert display != "none"
            expect(cell).to_have_accessible_name(re.compile(rf"^{re.escape(label)} \S"))

    # The figures themselves, as the table would show them.
    ben, ana, dee = (cards(phone).nth(n) for n in range(3))
    expect(ben.locator('td[data-label="Customer engagements"]')).to_have_text(re.compile(r"^2 of "))
    expect(ben.locator('td[data-label="Since last engagement"]')).to_have_text("3 days")
    expect(ana.locator('td[data-label="Customer engagements"]')).to_have_text(re.compile(r"^1 of "))
    expect(ana.locator('td[data-label="Customer contacts"]')).to_have_text("2")
    expect(dee.locator('td[data-label="Since last engagement"]')).to_have_text("never")

    # A manager's name opens their walks and observations.
    ben.get_by_role("link", name="Ben North").tap()
    expect(phone.get_by_role("heading", name="Ben North", level=1)).to_be_visible()
    expect(phone.get_by_role("heading", name=re.compile("^Walks"))).to_be_visible()


def test_on_a_laptop_the_board_is_the_ranked_table(desktop: Page):
    sign_in(desktop, a_board(), PASSWORD)
    desktop.goto("/engagement/leaderboard")
    width = desktop.viewport_size["width"]

    table = desktop.get_by_role("table", name=re.compile("^Managers in North"))
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    for label in ["Manager", *FIGURES]:
        expect(table.get_by_role("columnheader", name=label, exact=True)).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(RANKED))
    for n, name in enumerate(RANKED):
        row = rows.nth(n)
        assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
        expect(row.get_by_role("rowheader")).to_have_text(name)
        # One line per manager: the headers name the figures, the cells show them alone.
        cell = row.locator('td[data-label="Streak"]')
        assert cell.evaluate("td => getComputedStyle(td, '::before').content") == "none"
        expect(cell).to_have_accessible_name(re.compile(r"^\d+\+? wk$"))
    # The whole table shows: no column cut off, nothing to scroll sideways.
    assert desktop.evaluate("document.documentElement.scrollWidth") <= width
    right = table.evaluate("t => t.getBoundingClientRect().right")
    assert right <= desktop.locator("main").evaluate(
        "m => m.getBoundingClientRect().right - parseFloat(getComputedStyle(m).paddingRight)"
    )


@pytest.mark.parametrize("width", [320, 390, 600, 768, 1024, 1199, 1200, 1280, 1440])
def test_no_width_scrolls_sideways(desktop: Page, width: int):
    """Cards below 75rem, the table from there on: at every width in between, the board
    fits the window."""
    desktop.set_viewport_size({"width": width, "height": 800})
    sign_in(desktop, a_board(), PASSWORD)
    desktop.goto("/engagement/leaderboard")
    shape = desktop.evaluate(
        "() => ({page: document.documentElement.scrollWidth,"
        " window: document.documentElement.clientWidth,"
        " board: document.querySelector('.board').getBoundingClientRect().right,"
        " display: getComputedStyle(document.querySelector('.board')).display})"
    )
    assert shape["page"] <= shape["window"], shape
    assert shape["board"] <= shape["window"], shape
    assert shape["display"] == ("table" if width >= 1200 else "block"), shape
