"""Tallying demand on a phone (390×844): online on the walk's page and offline in the app
shell, each tap one observation of the type's category, with undo."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Category, DemandKind, DemandType, Observation

from .offline import a_manager, a_walk_in_progress, go_offline, signed_in_phone, until

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("GEMBAWALK_SCREENSHOTS")


def _types(manager) -> dict[str, int]:
    found = {}
    for n, (name, kind) in enumerate(
        (("Report a repair", DemandKind.VALUE), ("Chasing a repair", DemandKind.FAILURE))
    ):
        demand_type = DemandType(org_unit_id=manager.org_unit_id, name=name, kind=kind, position=n)
        db.session.add(demand_type)
        db.session.commit()
        found[name] = demand_type.id
    return found


def _stored(type_id: int) -> list[Category]:
    db.session.rollback()
    found = db.session.scalars(select(Observation).where(Observation.demand_type_id == type_id))
    categories = [o.category for o in found]
    db.session.rollback()
    return categories


def _until_stored(page, type_id: int, n: int) -> None:
    for _ in range(100):
        if len(_stored(type_id)) == n:
            return
        page.wait_for_timeout(100)
    assert len(_stored(type_id)) == n


def _item(page, name: str):
    return page.locator("[data-tally-type]").filter(has_text=name)


def test_tallying_online_on_the_walk_page_with_undo(live_server, new_context):
    manager = a_manager()
    types = _types(manager)
    walk = a_walk_in_progress(manager)
    path = f"/walks/{walk.uuid}"
    context, page = signed_in_phone(new_context, manager.email, path)
    page.goto(path)
    chasing = _item(page, "Chasing a repair")
    expect(chasing.locator("[data-tally-count]")).to_have_text("0")
    chasing.get_by_placeholder("Their words (optional)").fill("Third time I've rung")
    chasing.locator(".tally-button").tap()
    expect(chasing.locator("[data-tally-count]")).to_have_text("1")
    chasing.locator(".tally-button").tap()
    expect(chasing.locator("[data-tally-count]")).to_have_text("2")
    _until_stored(page, types["Chasing a repair"], 2)
    assert _stored(types["Chasing a repair"]) == [Category.FAILURE_DEMAND] * 2
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "tally-online.png"), full_page=True)
    # Undo once both are on the server: the server removes the latest.
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    chasing.get_by_role("button", name="Undo one Chasing a repair").tap()
    expect(chasing.locator("[data-tally-count]")).to_have_text("1")
    _until_stored(page, types["Chasing a repair"], 1)
    db.session.rollback()
    words = db.session.scalar(select(Observation.text).where(Observation.walk_id == walk.id))
    assert words == "Third time I've rung"


def test_tallying_offline_in_the_app_shell_with_undo(live_server, new_context):
    manager = a_manager()
    types = _types(manager)
    walk = a_walk_in_progress(manager)
    path = f"/walks/{walk.uuid}"
    context, page = signed_in_phone(new_context, manager.email, path)
    until(page, "async () => ((await Gemba.store.getMeta('demandTypes')) || []).length === 2")
    go_offline(context, page, path)
    report = _item(page, "Report a repair")
    expect(report.locator("[data-tally-count]")).to_have_text("0")
    expect(report.locator(".badge")).to_have_text("Value")
    report.locator(".tally-button").tap()
    report.locator(".tally-button").tap()
    expect(report.locator("[data-tally-count]")).to_have_text("2")
    # Undo while still offline: the unsent tally is dropped from the outbox.
    report.get_by_role("button", name="Undo one Report a repair").tap()
    expect(report.locator("[data-tally-count]")).to_have_text("1")
    until(page, "async () => (await Gemba.store.records()).length === 1")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "tally-offline.png"), full_page=True)
    context.set_offline(False)
    _until_stored(page, types["Report a repair"], 1)
    assert _stored(types["Report a repair"]) == [Category.VALUE_DEMAND]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
