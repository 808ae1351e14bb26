"""Tallying demand on a phone (390×844): online on the walk's page and offline in the app
shell, each tap one observation of the type's category, with undo: offline, the shell's
observation list follows each tap, and a tally the server holds is removed once signal returns
(one DELETE), while one never sent is simply forgotten (nothing sent)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Category, DemandKind, DemandType, Observation, RemovedRecord

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


def _listed(page):
    """The walk's observation list as the page shows it: its items and its heading's count."""
    return page.locator("[data-observations] > li.observation"), page.locator("#obs-heading .count")


def _sent(page) -> list[tuple[str, str, str]]:
    """Every request the page makes to the API's observations and batches, as (method, url,
    body), kept on the page object."""
    found: list[tuple[str, str, str]] = []
    page.on(
        "request",
        lambda r: (
            found.append((r.method, r.url, r.post_data or ""))
            if "/api/v1/observations/" in r.url or r.url.endswith("/api/v1/sync")
            else None
        ),
    )
    return found


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
    sent = _sent(page)
    report = _item(page, "Report a repair")
    items, count = _listed(page)
    expect(report.locator("[data-tally-count]")).to_have_text("0")
    expect(report.locator(".badge")).to_have_text("Value")
    expect(items).to_have_count(0)
    # Each tap shows at once in the walk's observation list, as well as on its counter.
    report.locator(".tally-button").tap()
    expect(report.locator("[data-tally-count]")).to_have_text("1")
    expect(items).to_have_count(1)
    expect(count).to_have_text("1")
    expect(items.first.locator(".badge")).to_have_text("Value demand")
    expect(items.first.locator("[data-state=pending]")).to_be_attached()
    report.locator(".tally-button").tap()
    expect(report.locator("[data-tally-count]")).to_have_text("2")
    expect(items).to_have_count(2)
    expect(count).to_have_text("2")
    undone = page.evaluate(
        "async () => (await Gemba.store.records())"
        ".sort((a, b) => b.createdAt - a.createdAt)[0].uuid"
    )
    # Undo while still offline: the unsent tally is dropped from the outbox, and the list.
    report.get_by_role("button", name="Undo one Report a repair").tap()
    expect(report.locator("[data-tally-count]")).to_have_text("1")
    expect(items).to_have_count(1)
    expect(count).to_have_text("1")
    until(page, "async () => (await Gemba.store.records()).length === 1")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "tally-offline.png"), full_page=True)
    context.set_offline(False)
    _until_stored(page, types["Report a repair"], 1)
    assert _stored(types["Report a repair"]) == [Category.VALUE_DEMAND]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
    # A tap then its undo, both unsent: nothing of it was ever sent.
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    assert sent
    assert not [s for s in sent if undone in s[1] or undone in s[2]]
    assert not [s for s in sent if s[0] == "DELETE"]


def test_undoing_offline_a_tally_the_server_holds_sends_one_removal(live_server, new_context):
    manager = a_manager()
    types = _types(manager)
    walk = a_walk_in_progress(manager)
    path = f"/walks/{walk.uuid}"
    context, page = signed_in_phone(new_context, manager.email, path)
    until(page, "async () => ((await Gemba.store.getMeta('demandTypes')) || []).length === 2")
    page.goto(path)
    chasing = _item(page, "Chasing a repair")
    chasing.locator(".tally-button").tap()
    expect(chasing.locator("[data-tally-count]")).to_have_text("1")
    _until_stored(page, types["Chasing a repair"], 1)
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    # No signal now: the undo is kept on the device, the tally gone from the counter and list.
    go_offline(context, page, path)
    sent = _sent(page)
    chasing = _item(page, "Chasing a repair")
    items, count = _listed(page)
    expect(chasing.locator("[data-tally-count]")).to_have_text("1")
    expect(items).to_have_count(1)
    chasing.get_by_role("button", name="Undo one Chasing a repair").tap()
    expect(chasing.locator("[data-tally-count]")).to_have_text("0")
    expect(items).to_have_count(0)
    expect(count).to_have_text("0")
    until(
        page,
        "async () => (await Gemba.store.records()).some(r => r.removal && r.state === 'pending')",
    )
    assert len(_stored(types["Chasing a repair"])) == 1  # the server still has it
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "tally-undo-offline.png"), full_page=True)
    # Signal again: one DELETE, and the server keeps its tombstone.
    context.set_offline(False)
    _until_stored(page, types["Chasing a repair"], 0)
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    page.evaluate("async () => { await Gemba.pull.syncNow(); }")
    deletes = [s for s in sent if s[0] == "DELETE"]
    assert len(deletes) == 1, sent
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RemovedRecord)) == 1
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0
    db.session.rollback()
