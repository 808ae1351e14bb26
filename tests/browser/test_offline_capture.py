"""Offline capture as a manager lives it: no signal, a reload, the app opened again, a photo,
a new release of the app while records wait, and a browser that may clear storage."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Category, Observation, Walk, WalkStatus
from gembawalk.models.photos import Photo

from . import sign_in
from .offline import (
    OBSERVATION_PUTS,
    PHOTO_PUTS,
    a_manager,
    a_photo,
    a_walk_in_progress,
    app_context,
    attempts_reach,
    faults,
    go_offline,
    let_the_server_write,
    lost_response,
    no_more_faults,
    observations_saying,
    observe_in_shell,
    open_app,
    records,
    signed_in_phone,
    status,
    sync_now,
    until,
    wait_for_states,
)

pytestmark = pytest.mark.browser


def test_1_captured_offline_survives_a_reload_and_is_stored_once(on_a_walk):
    context, page, _, walk_path = on_a_walk

    go_offline(context, page, walk_path)
    expect(page.get_by_role("heading", name="Counter B", level=1)).to_be_visible()
    observe_in_shell(page, "Failure demand", "Customers ring twice to ask where the parcel is")
    # One compact line says it; a tap on it says the rest.
    expect(page.locator("[data-status-line]")).to_have_text("Offline · 1 record waiting")
    page.locator("[data-status-line]").tap()
    expect(page.get_by_text("Offline: what you record is saved")).to_be_visible()
    expect(page.locator("[data-pending-count]")).to_have_text("1 record waiting to be sent")

    response = page.reload()
    assert response is not None
    assert response.from_service_worker
    item = page.get_by_role("listitem").filter(has_text="Customers ring twice")
    expect(item.locator("[data-record]")).to_have_text("Saved on this device")
    # Opened cold from the home screen: the start URL is answered offline too.
    assert page.goto("/").from_service_worker
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Counter B")).to_be_visible()
    page.goto(walk_path)

    context.set_offline(False)  # fires `online`: the outbox flushes
    expect(item.locator("[data-record]")).to_have_text("Sent")
    assert observations_saying("Customers ring twice to ask where the parcel is") == 1
    # Reloading and syncing again never sends it twice.
    page.reload()
    sync_now(page)
    page.wait_for_timeout(500)
    assert observations_saying("Customers ring twice to ask where the parcel is") == 1


def test_9_a_photo_survives_a_reload_resumes_after_an_abort_and_is_stored_once(on_a_walk):
    context, page, _, walk_path = on_a_walk

    go_offline(context, page, walk_path)
    observe_in_shell(page, "Waste", "Pallets wait in the aisle for a forklift", photo=a_photo())
    page.reload()
    [photo] = [r for r in records(page) if r["type"] == "photo"]
    # Made smaller on the device and kept as bytes with their type.
    assert photo["body"]["isArrayBuffer"]
    assert photo["body"]["bytes"] > 0
    assert photo["body"]["type"] == "image/jpeg"
    assert (photo["body"]["width"], photo["body"]["height"]) == (1600, 1067)

    # The upload breaks off, then the reply to the next one is lost: a third try finishes.
    def broken_off(route):
        route.abort("connectionreset")

    calls = faults(context, PHOTO_PUTS, [broken_off, lost_response])
    context.set_offline(False)
    attempts_reach(page, photo["uuid"], 1)
    sync_now(page)
    attempts_reach(page, photo["uuid"], 2)
    sync_now(page)
    wait_for_states(page, {photo["uuid"]: "sent"})
    assert len(calls) == 3

    db.session.rollback()
    stored = db.session.scalars(select(Photo)).all()
    assert len(stored) == 1
    assert str(stored[0].uuid) == photo["uuid"]
    assert stored[0].observation.text == "Pallets wait in the aisle for a forklift"


def test_11_a_walk_created_then_changed_offline_ends_as_changed(live_server, new_context):
    manager = a_manager()
    manager_id, email = manager.id, manager.email
    context, page = signed_in_phone(new_context, email)

    go_offline(context, page, "/walks/new")
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Place").fill("Basement archive")
    page.get_by_role("button", name="Start now").tap()
    expect(page.get_by_text("Walk started. Add what you see. Saved on this device")).to_be_visible()
    observe_in_shell(page, "Frontline idea", "Label the boxes by year, says Priya")
    page.get_by_role("link", name="Complete walk").tap()
    page.get_by_label("How many customers did you speak with?").fill("0")
    page.get_by_label("Summary").fill("Thanks to Priya for the tour.")
    page.get_by_role("button", name="Complete walk").tap()
    expect(
        page.get_by_text("Walk done. Thank you for going to see. Saved on this device")
    ).to_be_visible()

    context.set_offline(False)
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    db.session.rollback()
    walk = db.session.scalars(select(Walk).where(Walk.manager_id == manager_id)).one()
    assert (walk.place, walk.status, walk.summary) == (
        "Basement archive",
        WalkStatus.DONE,
        "Thanks to Priya for the tour.",
    )
    assert walk.customers_spoken_to == 0
    assert [(o.category, o.text) for o in walk.observations] == [
        (Category.FRONTLINE_IDEA, "Label the boxes by year, says Priya")
    ]


V1_RECORD = """async ([uuid, walkUuid, userId]) => {
  // The outbox as release 1 stored it: one store, records without a state.
  await new Promise((resolve, reject) => {
    const open = indexedDB.open("gembawalk", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("outbox", {keyPath: "uuid"});
    open.onsuccess = () => {
      const tx = open.result.transaction("outbox", "readwrite");
      tx.objectStore("outbox").put({uuid, type: "observation", userId, parent: walkUuid,
        baseVersion: null, createdAt: Date.now(),
        body: {walk_id: walkUuid, category: "good_practice", waste_type: null,
               said_by: "walker", text: "Kept through the upgrade",
               made_at: new Date().toISOString()}});
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  });
}"""


def test_14_records_flush_across_a_new_release_and_a_schema_upgrade(
    app, live_server, new_context, monkeypatch
):
    manager = a_manager()
    walk = a_walk_in_progress(manager)
    email, walk_uuid, manager_id = manager.email, str(walk.uuid), manager.id
    let_the_server_write()
    context = app_context(new_context)
    page = context.new_page()

    # A record left by the old schema: the new one upgrades the database and keeps it.
    # A blank page on the app's origin, without the app's script.
    context.route(
        "**/blank", lambda route: route.fulfill(body="<!doctype html>", content_type="text/html")
    )
    page.goto("/blank")
    old_uuid = "8f1d2f8e-4c55-4a71-9a3e-0d6f8e2b1c01"
    page.evaluate(V1_RECORD, [old_uuid, walk_uuid, manager_id])
    sign_in(page, email, "correct horse battery staple")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_for_states(page, {old_uuid: "sent"})
    until(page, "async () => !!(await Gemba.store.getMeta('pulledAt'))")
    assert observations_saying("Kept through the upgrade") == 1
    assert page.evaluate("async () => (await Gemba.store.open()).version") == 2

    # A record waits (the server is down) when a new release is deployed.
    go_offline(context, page, f"/walks/{walk_uuid}")
    observe_in_shell(page, "What matters", "Knowing when the van comes")
    [waiting] = [r["uuid"] for r in records(page) if r["state"] == "pending"]
    faults(context, OBSERVATION_PUTS, [status(503)] * 50)
    context.set_offline(False)
    attempts_reach(page, waiting, 1)
    old_caches = page.evaluate("caches.keys()")

    monkeypatch.setitem(app.config, "PWA_RELEASE", "2")
    page.reload()
    update = page.get_by_role("button", name="Update")
    expect(update).to_be_visible()  # the new worker waits for the manager
    with page.expect_navigation():  # the page reloads once the new worker has taken over
        update.click()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    until(
        page,
        "async (old) => { const now = await caches.keys();"
        " return now.length === 1 && !old.includes(now[0]); }",
        old_caches,
    )
    no_more_faults(context, OBSERVATION_PUTS)
    sync_now(page)
    wait_for_states(page, {waiting: "sent"})
    assert observations_saying("Knowing when the van comes") == 1


def test_15_refused_persistent_storage_is_shown(live_server, new_context):
    manager = a_manager()
    walk = a_walk_in_progress(manager)
    email, walk_path = manager.email, f"/walks/{walk.uuid}"
    let_the_server_write()
    context = app_context(new_context)
    context.add_init_script(
        "navigator.storage.persisted = async () => false;"
        "navigator.storage.persist = async () => false;"
    )
    page = context.new_page()
    open_app(page, email)
    go_offline(context, page, walk_path)
    observe_in_shell(page, "Good practice", "Handover notes on the whiteboard")
    expect(page.get_by_text("Storage at risk")).to_be_visible()
    page.goto("/outbox")
    expect(page.get_by_text("Storage at risk")).to_be_visible()
    expect(page.get_by_role("button", name="Download unsent")).to_be_enabled()
    db.session.rollback()
    assert db.session.scalars(select(Observation)).all() == []
