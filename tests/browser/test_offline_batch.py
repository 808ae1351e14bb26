"""A walk recorded with no signal drains in one request when signal returns (POST
/api/v1/sync), and record by record against a server that has no batches."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Walk, WalkStatus

from .offline import (
    a_manager,
    count_requests,
    go_offline,
    observe_in_shell,
    signed_in_phone,
    until,
)

pytestmark = pytest.mark.browser

NOTES = [f"Pallet {n} waited for the forklift" for n in range(1, 13)]


def record_a_walk_offline(context: BrowserContext, page: Page) -> None:
    go_offline(context, page, "/walks/new")
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Place").fill("Goods in")
    page.get_by_role("button", name="Start now").tap()
    expect(page.get_by_text("Walk started. Add what you see. Saved on this device")).to_be_visible()
    for note in NOTES:
        observe_in_shell(page, "Waste", note)


def stored_notes(manager_id: int) -> list[str]:
    db.session.rollback()
    walk = db.session.scalars(select(Walk).where(Walk.manager_id == manager_id)).one()
    notes = sorted(o.text for o in walk.observations)
    assert walk.status == WalkStatus.IN_PROGRESS
    db.session.rollback()
    return notes


def test_a_walk_recorded_offline_drains_in_one_batch(live_server, new_context):
    manager = a_manager()
    manager_id, email = manager.id, manager.email
    context, page = signed_in_phone(new_context, email)
    record_a_walk_offline(context, page)
    batches = count_requests(context, "/api/v1/sync", method="POST")
    puts = count_requests(context, "/api/v1/", method="PUT")

    context.set_offline(False)
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    # The walk and its twelve observations: one request, not thirteen.
    assert len(batches) == 1
    assert puts == []
    assert stored_notes(manager_id) == sorted(NOTES)


def test_a_server_without_batches_gets_each_record_with_its_put(live_server, new_context):
    manager = a_manager()
    manager_id, email = manager.id, manager.email
    context, page = signed_in_phone(new_context, email)
    record_a_walk_offline(context, page)
    refused: list[str] = []

    def no_batches(route) -> None:
        refused.append(route.request.url)
        route.fulfill(status=404, json={"error": "Not found", "status": 404})

    context.route("**/api/v1/sync", no_batches)
    puts = count_requests(context, "/api/v1/", method="PUT")

    context.set_offline(False)
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    # Asked once, then the walk and each observation with its own PUT, in order.
    assert len(refused) == 1
    assert len(puts) == 1 + len(NOTES)
    assert "/api/v1/walks/" in puts[0]
    assert stored_notes(manager_id) == sorted(NOTES)
