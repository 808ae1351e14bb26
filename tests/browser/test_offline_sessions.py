"""The outbox across tabs, devices and people: one request per record with two tabs open, the
same UUID with another body, two phones editing one walk, and a shared phone."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Walk, WalkStatus
from gembawalk.models.conflicts import SyncConflict
from tests.factories import PASSWORD, CustomerFactory, ObservationFactory

from . import sign_in
from .offline import (
    BATCHES,
    OBSERVATION_PUTS,
    a_manager,
    a_walk_in_progress,
    app_context,
    attempts_reach,
    faults,
    go_offline,
    let_the_server_write,
    no_more_faults,
    observations_saying,
    observe_in_shell,
    records,
    records_sent,
    signed_in_phone,
    status,
    sync_now,
    until,
    wait_for_states,
)

pytestmark = pytest.mark.browser


def test_7_two_tabs_flushing_at_once_send_each_record_once(on_a_walk):
    context, first, _, walk_path = on_a_walk
    go_offline(context, first, walk_path)
    notes = [f"Observation {n} from the loading bay" for n in range(1, 5)]
    for note in notes:
        observe_in_shell(first, "Value demand", note)
    second = context.new_page()
    assert second.goto("/").from_service_worker
    expect(second.locator("[data-pending-count]")).to_have_text("4 records waiting to be sent")

    # Slow replies make the two tabs' flushes overlap.
    def slowly(route):
        if route.request.method in ("PUT", "POST"):
            first.wait_for_timeout(200)
        route.continue_()

    context.route(OBSERVATION_PUTS, slowly)
    context.route(BATCHES, slowly)
    puts = records_sent(context, "observation")
    context.set_offline(False)  # both tabs hear `online` and flush
    until(first, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    second.evaluate("Gemba.sync.flush('test')")
    first.evaluate("Gemba.sync.flush('test')")
    assert sorted(puts) == sorted(set(puts))
    assert len(puts) == 4
    for note in notes:
        assert observations_saying(note) == 1


def test_8_the_same_uuid_with_another_body_needs_attention(live_server, new_context):
    manager = a_manager()
    walk = a_walk_in_progress(manager)
    held = ObservationFactory(walk=walk, author=manager, text="What the server holds")
    email, walk_uuid, held_uuid = manager.email, str(walk.uuid), str(held.uuid)
    context, page = signed_in_phone(new_context, email, f"/walks/{walk_uuid}")

    # A device that made a record under a UUID the server holds with another body.
    page.evaluate(
        """async ([uuid, walkUuid]) => {
            const me = await Gemba.store.getMeta('me');
            await Gemba.store.saveChange(null, {uuid, type: 'observation', userId: me.id,
              walkUuid, parent: walkUuid, body: {walk_id: walkUuid, category: 'what_matters',
              waste_type: null, said_by: 'walker', text: 'Another body',
              made_at: new Date().toISOString()}});
            await Gemba.sync.flush('test');
        }""",
        [held_uuid, walk_uuid],
    )
    wait_for_states(page, {held_uuid: "attention"})
    [record] = [r for r in records(page) if r["uuid"] == held_uuid]
    assert record["error"]
    page.goto("/outbox")
    expect(page.locator(f"[data-outbox-record='{held_uuid}']")).to_contain_text("Needs attention")
    assert observations_saying("What the server holds") == 1
    assert observations_saying("Another body") == 0


def complete_in_shell(page, summary: str) -> None:
    page.get_by_role("link", name="Complete walk").tap()
    page.get_by_label("How many customers did you speak with?").fill("1")
    page.get_by_label("Summary").fill(summary)
    page.get_by_role("button", name="Complete walk").tap()
    expect(
        page.get_by_text("Walk done. Thank you for going to see. Saved on this device")
    ).to_be_visible()


def test_10_two_devices_editing_one_version_make_a_conflict_and_lose_nothing(
    live_server, new_context
):
    manager = a_manager()
    walk = a_walk_in_progress(manager)
    email, walk_uuid, walk_id = manager.email, str(walk.uuid), walk.id
    phone, on_phone = signed_in_phone(new_context, email)
    tablet, on_tablet = signed_in_phone(new_context, email)
    go_offline(phone, on_phone, f"/walks/{walk_uuid}")
    go_offline(tablet, on_tablet, f"/walks/{walk_uuid}")
    complete_in_shell(on_phone, "Written on the phone")
    complete_in_shell(on_tablet, "Written on the tablet")

    phone.set_offline(False)
    wait_for_states(on_phone, {walk_uuid: "sent"})
    tablet.set_offline(False)
    wait_for_states(on_tablet, {walk_uuid: "conflict"})
    expect(on_tablet.get_by_text("Conflict").first).to_be_visible()
    [kept] = records(on_tablet)
    assert kept["body"]["summary"] == "Written on the tablet"  # still on the device

    db.session.rollback()
    stored = db.session.get(Walk, walk_id)
    assert (stored.status, stored.summary) == (WalkStatus.DONE, "Written on the phone")
    conflict = db.session.scalars(select(SyncConflict)).one()
    assert json.loads(conflict.body)["summary"] == "Written on the tablet"  # nothing lost


def test_13_one_persons_records_are_never_sent_under_anothers_session(live_server, new_context):
    maya = a_manager("Maya Manager", "maya@example.org")
    walk = a_walk_in_progress(maya)
    a_manager("Sam Second", "sam@example.org")
    walk_path = f"/walks/{walk.uuid}"
    context, page = signed_in_phone(new_context, "maya@example.org")
    go_offline(context, page, walk_path)
    observe_in_shell(page, "Frontline idea", "Maya's note from the counter")
    [record] = records(page)

    # Back in signal but the server is down: Maya signs out with the record unsent.
    faults(context, OBSERVATION_PUTS, [status(503)] * 50)
    context.set_offline(False)
    attempts_reach(page, record["uuid"], 1)
    page.goto("/account")
    warnings = []
    page.once("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    assert "not sent yet" in warnings[0]
    no_more_faults(context, OBSERVATION_PUTS)

    puts = records_sent(context, "observation")
    sign_in(page, "sam@example.org", PASSWORD)
    expect(page.get_by_text("from another account")).to_be_visible()
    sync_now(page)
    page.wait_for_timeout(800)
    assert puts == []
    assert observations_saying("Maya's note from the counter") == 0
    # Sam sees none of Maya's walks on the device.
    shown = "async () => (await Gemba.store.walks((await Gemba.store.getMeta('me')).id)).length"
    assert page.evaluate(shown) == 0

    page.goto("/account")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    sign_in(page, "maya@example.org", PASSWORD)
    wait_for_states(page, {record["uuid"]: "sent"})
    assert observations_saying("Maya's note from the counter") == 1


def test_the_sign_in_page_asks_the_api_nothing(live_server, new_context):
    # Nobody is signed in there: a call to /api/v1/me would only answer 401 and log an error
    # in the console (Lighthouse counts it against best practices).
    a_manager()
    let_the_server_write()
    context = app_context(new_context)
    page = context.new_page()
    asked, errors = [], []
    page.on("request", lambda request: asked.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/sign-in", wait_until="networkidle")  # start-up's flush and pull have run
    assert not [url for url in asked if "/api/v1/" in url]
    assert errors == []


def test_signing_out_leaves_nothing_private_behind_but_the_outbox(live_server, new_context):
    maya = a_manager("Maya Manager", "maya@example.org")
    CustomerFactory(name="Harbour Fish Ltd", org_unit=maya.org_unit)
    maya_id, walk_path = maya.id, f"/walks/{a_walk_in_progress(maya).uuid}"
    context, page = signed_in_phone(new_context, "maya@example.org", walk_path)
    assert page.evaluate("async () => (await Gemba.store.customers()).length") == 1
    go_offline(context, page, walk_path)
    observe_in_shell(page, "Frontline idea", "Maya's note, unsent")
    [record] = records(page)
    faults(context, OBSERVATION_PUTS, [status(503)] * 50)
    context.set_offline(False)
    attempts_reach(page, record["uuid"], 1)

    # Signed out at once: the page's own pull may still be under way, and must keep nothing.
    page.goto("/account")
    # The sign-out's own answer is a redirect, and Playwright's events show neither it nor
    # Clear-Site-Data: Chromium's DevTools protocol shows the headers as they came.
    answers: list[dict] = []
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.on("Network.responseReceivedExtraInfo", lambda got: answers.append(got["headers"]))
    page.once("dialog", lambda dialog: dialog.accept())  # "1 record ... not sent yet"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    # Photos are kept privately for a year in the HTTP cache: the browser is told to drop it.
    [signed_out] = [h for h in answers if h.get("Location") == "/sign-in"]
    assert signed_out["Clear-Site-Data"] == '"cache"'
    stored = page.evaluate(
        """async (userId) => ({walks: (await Gemba.store.walks(userId)).length,
                              customers: (await Gemba.store.customers()).length,
                              me: await Gemba.store.getMeta('me'),
                              outbox: (await Gemba.store.records()).map(r => r.uuid)})""",
        maya_id,
    )
    assert stored == {"walks": 0, "customers": 0, "me": None, "outbox": [record["uuid"]]}
    # What the worker keeps is the app shell alone, and it outlives the sign-out: offline, the
    # app still opens.
    go_offline(context, page, "/")
