"""Correcting a sent record and recording a past walk on a phone (390×844) with no signal, as
the walker lives it (issue 14, points 5 and 6): the app offers the server's own Correct and
Record a past walk forms, keeps what is sent in the outbox, and the server ends up with the
correction and its history (or a conflict, when the walk moved on meanwhile) and the past walk
once. Online with JavaScript the same forms go through the outbox too."""

from __future__ import annotations

import json
import os
import uuid as uuid_lib
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Correction, Observation, Walk
from gembawalk.models.conflicts import SyncConflict
from gembawalk.services.questions import rules
from tests.factories import ObservationFactory, PersonFactory, done_walk

from .offline import (
    a_manager,
    count_requests,
    go_offline,
    let_the_server_write,
    records_sent,
    signed_in_phone,
    sync_now,
    wait_for_states,
)
from .test_a11y import violations

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("GEMBAWALK_TEST_SHOTS")


def a_done_walk_with_a_note(manager) -> tuple[Walk, Observation]:
    finished = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    walk = done_walk(manager, finished, place="Northgate counter", summary="Returns wait a day.")
    note = ObservationFactory(
        walk=walk, category="what_matters", said_by="walker", text="Being told"
    )
    return walk, note


def fresh(model, uuid):
    """What the server holds now (a fresh transaction, ended at once: SQLite's write lock)."""
    db.session.rollback()
    found = db.session.scalars(select(model).where(model.uuid == uuid_lib.UUID(str(uuid)))).one()
    db.session.refresh(found)
    return found


def corrections_of(walk_id: int) -> list[dict]:
    db.session.rollback()
    found = db.session.scalars(select(Correction).where(Correction.walk_id == walk_id)).all()
    changes = [c.changes for c in found]
    let_the_server_write()
    return changes


def correct_the_walk(page: Page) -> None:
    page.get_by_role("link", name="Correct", exact=True).tap()
    expect(page.get_by_role("heading", name="Correct walk", level=1)).to_be_visible()
    expect(page.get_by_label("Summary")).to_have_value("Returns wait a day.")
    page.get_by_label("How many customers did you speak with?").fill("3")
    page.get_by_label("Summary").fill("Returns wait two days.")
    page.get_by_role("button", name="Save correction").tap()


def correct_the_note(page: Page) -> None:
    page.get_by_role("link", name="Correct this observation").tap()
    expect(page.get_by_role("heading", name="Correct observation", level=1)).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("Being told")
    expect(page.get_by_label("What matters", exact=True)).to_be_checked()
    page.get_by_label("Note").fill("Being told when it will come")
    page.get_by_role("button", name="Save correction").tap()


def test_a_done_walk_and_a_note_corrected_offline_reach_the_server_with_their_history(
    live_server, new_context
):
    manager = a_manager()
    walk, note = a_done_walk_with_a_note(manager)
    walk_uuid, note_uuid, walk_key = str(walk.uuid), str(note.uuid), walk.id
    walk_path = f"/walks/{walk_uuid}"
    context, page = signed_in_phone(new_context, manager.email)

    go_offline(context, page, walk_path)
    correct_the_walk(page)
    expect(page.get_by_text("Walk corrected. What it said before is kept")).to_be_visible()
    expect(page.locator(".walk-state [data-record]")).to_have_text("Saved on this device")
    expect(page.get_by_text("Returns wait two days.")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/offline-corrected-walk.png", full_page=True)

    correct_the_note(page)
    expect(page.get_by_text("Observation corrected.")).to_be_visible()
    item = page.get_by_role("listitem").filter(has_text="Being told when it will come")
    expect(item.locator("[data-record]")).to_have_text("Saved on this device")
    assert violations(page) == []
    assert corrections_of(walk_key) == []  # nothing has left the phone

    context.set_offline(False)
    wait_for_states(page, {walk_uuid: "sent", note_uuid: "sent"})
    stored = fresh(Walk, walk_uuid)
    assert (stored.summary, stored.customers_spoken_to) == ("Returns wait two days.", 3)
    assert fresh(Observation, note_uuid).text == "Being told when it will come"
    changes = corrections_of(walk_key)
    assert any(
        c.get("summary") == ["Returns wait a day.", "Returns wait two days."] for c in changes
    )
    assert any(c.get("text") == ["Being told", "Being told when it will come"] for c in changes)
    assert len(changes) == 2

    page.goto(walk_path)
    history = page.get_by_role("region", name="Corrected")
    expect(history).to_contain_text("Returns wait a day. → Returns wait two days.")
    expect(history).to_contain_text("Being told → Being told when it will come")


def test_a_stale_offline_correction_becomes_a_conflict_and_loses_nothing(live_server, new_context):
    manager = a_manager()
    walk, _ = a_done_walk_with_a_note(manager)
    walk_uuid = str(walk.uuid)
    context, page = signed_in_phone(new_context, manager.email)

    go_offline(context, page, f"/walks/{walk_uuid}")
    correct_the_walk(page)
    expect(page.get_by_text("Walk corrected.")).to_be_visible()
    # Meanwhile the walk moved on at the server (corrected from another device).
    db.session.rollback()
    moved = db.session.scalars(select(Walk).where(Walk.uuid == walk.uuid)).one()
    moved.summary, moved.version = "Corrected on the laptop", moved.version + 1
    db.session.commit()
    let_the_server_write()

    context.set_offline(False)
    wait_for_states(page, {walk_uuid: "conflict"})
    assert fresh(Walk, walk_uuid).summary == "Corrected on the laptop"
    db.session.rollback()
    conflict = db.session.scalars(select(SyncConflict)).one()
    assert json.loads(conflict.body)["summary"] == "Returns wait two days."  # nothing lost
    let_the_server_write()


def record_a_past_walk(page: Page, place: str) -> None:
    expect(page.get_by_role("heading", name="Record a past walk", level=1)).to_be_visible()
    started = datetime.now().replace(second=0, microsecond=0) - timedelta(days=1, hours=2)
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Place").fill(place)
    page.get_by_label("Started").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Finished").fill((started + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("How many customers did you speak with?").fill("0")
    page.get_by_label("Summary").fill("Forgot to record it on the day.")
    page.get_by_role("button", name="Record walk").tap()


def test_a_past_walk_recorded_offline_is_stored_once_as_recorded_after(live_server, new_context):
    manager = a_manager()
    context, page = signed_in_phone(new_context, manager.email)
    sent = records_sent(context, "walk")

    go_offline(context, page, "/walks/record")
    # The form refuses what cannot be, every problem at once, and keeps what was typed.
    page.get_by_label("Place").fill("Yard")
    page.get_by_role("button", name="Record walk").tap()
    errors = page.locator(".form-errors")
    expect(errors).to_contain_text("Say how many customers you spoke with")
    expect(errors).to_contain_text("Give when the walk started and finished.")
    expect(page.get_by_label("Place")).to_have_value("Yard")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/offline-record-past.png", full_page=True)

    record_a_past_walk(page, "Goods-in yard")
    expect(page.get_by_text("Walk recorded. Thank you for going to see. Saved")).to_be_visible()
    expect(page.get_by_role("heading", name="Goods-in yard", level=1)).to_be_visible()
    expect(page.get_by_text("Recorded after the fact")).to_be_visible()
    walk_uuid = page.evaluate("location.pathname.split('/')[2]")

    context.set_offline(False)
    wait_for_states(page, {walk_uuid: "sent"})
    sync_now(page)
    page.wait_for_timeout(500)
    stored = fresh(Walk, walk_uuid)
    assert (stored.place, stored.recorded_after, stored.unplanned) == ("Goods-in yard", True, True)
    assert stored.status.value == "done"
    let_the_server_write()
    assert sent.count(walk_uuid) == 1


def test_online_with_javascript_correct_and_record_go_through_the_outbox(live_server, new_context):
    manager = a_manager()
    walk, note = a_done_walk_with_a_note(manager)
    walk_uuid, note_uuid, walk_key = str(walk.uuid), str(note.uuid), walk.id
    context, page = signed_in_phone(new_context, manager.email)
    walks_sent, notes_sent = records_sent(context, "walk"), records_sent(context, "observation")
    posts = count_requests(context, "/correct", method="POST")
    posts += count_requests(context, "/walks/record", method="POST")

    page.goto(f"/walks/{walk_uuid}")
    correct_the_walk(page)
    expect(page.get_by_text("Walk corrected. What it said before is kept")).to_be_visible()
    correct_the_note(page)
    expect(page.get_by_text("Observation corrected.")).to_be_visible()
    expect(page.get_by_role("region", name="Corrected")).to_contain_text(
        "Being told → Being told when it will come"
    )
    assert walks_sent == [walk_uuid]
    assert notes_sent == [note_uuid]
    assert len(corrections_of(walk_key)) == 2

    page.goto("/walks/record")
    record_a_past_walk(page, "Night shift dock")
    expect(page.get_by_role("heading", name="Night shift dock", level=1)).to_be_visible()
    expect(page.get_by_text("Recorded after the fact")).to_be_visible()
    assert len(walks_sent) == 2
    assert fresh(Walk, walks_sent[1]).recorded_after
    let_the_server_write()
    assert posts == []  # no plain post: one path, the outbox


def test_online_a_correction_the_walk_moved_on_from_is_said_on_the_form(live_server, new_context):
    manager = a_manager()
    walk, _ = a_done_walk_with_a_note(manager)
    walk_uuid = str(walk.uuid)
    context, page = signed_in_phone(new_context, manager.email)
    # The phone's copy of the walk stays as it was when the page opened.
    context.route("**/api/v1/walks", lambda route: route.abort())
    page.goto(f"/walks/{walk_uuid}/correct")
    db.session.rollback()
    moved = db.session.scalars(select(Walk).where(Walk.uuid == walk.uuid)).one()
    moved.summary, moved.version = "Corrected on the laptop", moved.version + 1
    db.session.commit()
    let_the_server_write()

    page.get_by_label("Summary").fill("Returns wait two days.")
    page.get_by_role("button", name="Save correction").tap()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_role("heading", name="Correct walk", level=1)).to_be_visible()
    expect(page.get_by_label("Summary")).to_have_value("Returns wait two days.")  # kept
    wait_for_states(page, {walk_uuid: "conflict"})
    assert fresh(Walk, walk_uuid).summary == "Corrected on the laptop"
    let_the_server_write()


def test_a_corrected_walks_history_shows_offline_as_it_does_online(live_server, new_context):
    """The device keeps each corrected walk's "Corrected" block, drawn by the server from the
    walk page's own template, and the offline walk page shows it just as the online one does.
    It is asked for once after the walk was corrected, not at every pull."""
    manager = a_manager()
    walk, _ = a_done_walk_with_a_note(manager)
    walk_uuid, walk_path = str(walk.uuid), f"/walks/{walk.uuid}"
    context, page = signed_in_phone(new_context, manager.email)
    asked = count_requests(context, "/app/history", method="GET")
    assert asked == []  # nothing corrected yet: nothing asked

    page.goto(walk_path)
    correct_the_walk(page)
    expect(page.get_by_text("Walk corrected. What it said before is kept")).to_be_visible()
    correct_the_note(page)
    expect(page.get_by_text("Observation corrected.")).to_be_visible()
    page.reload()  # the walk's page as the server draws it, once both corrections are in
    online = page.get_by_role("region", name="Corrected")
    expect(online).to_contain_text("Being told → Being told when it will come")
    expect(online).to_contain_text("Returns wait a day. → Returns wait two days.")
    online_html = online.inner_html()

    page.evaluate("Gemba.pull.run()")
    page.evaluate(
        """async (uuid) => {
            for (let i = 0; i < 100; i++) {
                const kept = await Gemba.store.getMeta('history');
                if (kept && kept[uuid] && kept[uuid].corrections === 2) return;
                await new Promise((r) => setTimeout(r, 100));
            }
            throw new Error('the history was not kept');
        }""",
        walk_uuid,
    )
    requests_so_far = len(asked)
    assert 1 <= requests_so_far <= 3  # one per pull that saw the count grow
    page.evaluate("Gemba.pull.run()")
    page.wait_for_timeout(500)
    assert len(asked) == requests_so_far  # unchanged: not asked again

    # Two pulls at once (the page's own beside "Sync now") ask for a missing history once.
    page.evaluate("Gemba.store.setMeta('history', {})")
    page.evaluate("Promise.all([Gemba.pull.run(), Gemba.pull.run()])")
    assert len(asked) == requests_so_far + 1

    go_offline(context, page, walk_path)
    offline = page.get_by_role("region", name="Corrected")
    expect(offline).to_be_visible()
    assert offline.inner_html() == online_html
    expect(page.get_by_role("heading", name="Northgate counter", level=1)).to_be_visible()


def test_record_a_past_walk_shows_only_the_chosen_kinds_questions(live_server, new_context):
    """Each kind's questions are on the form; with script only the chosen kind's group shows,
    online and offline alike."""
    manager = a_manager()
    admin = PersonFactory(roles=["admin"])
    for kind, text in (("gemba_walk", "Is the board up to date?"), ("customer_visit", "Why now?")):
        new = rules.NewQuestion(walk_kind=kind, text=text, answer_type="text")
        rules.add_question(admin, manager.org_unit_id, new)
    context, page = signed_in_phone(new_context, manager.email)

    for offline in (False, True):
        if offline:
            go_offline(context, page, "/walks/record")
        else:
            page.goto("/walks/record")
        form = page.locator("form[data-capture=record-past]")
        gemba = form.locator("[data-question-kind=gemba_walk]")
        visit = form.locator("[data-question-kind=customer_visit]")
        expect(gemba).to_be_attached()
        expect(visit).to_be_attached()
        form.locator("input[name=kind][value=gemba_walk]").check()
        expect(gemba).to_be_visible()
        expect(visit).to_be_hidden()
        form.locator("input[name=kind][value=customer_visit]").check()
        expect(visit).to_be_visible()
        expect(gemba).to_be_hidden()
