"""The outbox against a network that fails the ways real ones do: lost replies, server errors,
an expired session or CSRF token, a refused record, a captive portal, a removed record."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import sign_in
from .offline import (
    OBSERVATION_PUTS,
    attempts_reach,
    faults,
    go_offline,
    lost_response,
    no_more_faults,
    observations_saying,
    observe_in_shell,
    records,
    records_sent,
    status,
    sync_now,
    until,
    wait_for_states,
)

pytestmark = pytest.mark.browser

NOTE = "Queue at the counter while forms are copied"


@pytest.fixture
def captured(on_a_walk):
    """A manager's phone with one observation captured offline, still offline."""
    context, page, email, walk_path = on_a_walk
    go_offline(context, page, walk_path)
    observe_in_shell(page, "Waste", NOTE)
    [record] = records(page)
    return context, page, record["uuid"], email


def state_shown(page, text: str):
    item = page.get_by_role("listitem").filter(has_text=NOTE)
    return expect(item.locator("[data-record]")).to_contain_text(text)


def test_2_a_lost_response_is_retried_and_stored_once(captured):
    context, page, uuid, _ = captured
    calls = faults(context, OBSERVATION_PUTS, [lost_response])
    context.set_offline(False)
    attempts_reach(page, uuid, 1)
    state_shown(page, "Saved on this device")
    assert observations_saying(NOTE) == 1  # the server has it; the phone does not know yet
    sync_now(page)
    wait_for_states(page, {uuid: "sent"})
    state_shown(page, "Sent")
    assert len(calls) == 2
    assert observations_saying(NOTE) == 1


def test_3_server_errors_and_timeouts_keep_the_record_for_later(captured):
    context, page, uuid, _ = captured
    calls = faults(context, OBSERVATION_PUTS, [status(500), status(503), status(408)])
    context.set_offline(False)
    for tries in (1, 2, 3):
        attempts_reach(page, uuid, tries)
        state_shown(page, "will try again")
        assert observations_saying(NOTE) == 0
        sync_now(page)
    wait_for_states(page, {uuid: "sent"})
    assert len(calls) == 4
    assert observations_saying(NOTE) == 1


def test_4_an_expired_session_pauses_the_queue_until_signed_in(captured):
    context, page, uuid, email = captured
    # A redirect to the sign-in page is never taken for an answer...
    redirect = faults(
        context,
        OBSERVATION_PUTS,
        [lambda route: route.fulfill(status=302, headers={"Location": "/sign-in"})],
    )
    context.set_offline(False)
    expect(page.get_by_text("Sign in to sync")).to_be_visible()
    assert len(redirect) == 1
    no_more_faults(context, OBSERVATION_PUTS)
    # ...nor is a 401 once the session is gone.
    context.clear_cookies()
    sync_now(page)
    expect(page.get_by_text("Sign in to sync")).to_be_visible()
    assert observations_saying(NOTE) == 0
    assert records(page)[0]["state"] == "pending"

    sign_in(page, email, "correct horse battery staple")
    wait_for_states(page, {uuid: "sent"})
    expect(page.get_by_text("Sign in to sync")).to_be_hidden()
    assert observations_saying(NOTE) == 1


def test_5_an_expired_csrf_token_is_replaced_and_the_record_sent(captured):
    context, page, uuid, _ = captured
    tokens = []

    def stale_then_fresh(route):
        tokens.append(route.request.url)
        if len(tokens) == 1:
            route.fulfill(status=200, json={"csrf_token": "expired-token"})
        else:
            route.continue_()

    context.route("**/api/v1/csrf", stale_then_fresh)
    context.set_offline(False)
    wait_for_states(page, {uuid: "sent"})
    assert len(tokens) == 2  # a fresh one fetched after the refusal
    assert observations_saying(NOTE) == 1
    # The token is never kept on the device.
    kept = page.evaluate(
        "async () => JSON.stringify([localStorage, sessionStorage,"
        " await Gemba.store.getMeta('csrf'), await Gemba.store.records()])"
    )
    assert "token" not in kept.lower()


def test_6_a_refused_record_needs_attention_and_later_ones_still_go(captured):
    context, page, uuid, _ = captured
    walk_uuid = page.evaluate("location.pathname.split('/')[2]")
    # A record the server refuses (an unknown category), saved before a good one.
    page.evaluate(
        """async ([walkUuid]) => {
            const me = await Gemba.store.getMeta('me');
            const bad = {category: 'gossip', text: 'Refused'};
            await Gemba.capture.addObservation(walkUuid, bad, [], me.id);
        }""",
        [walk_uuid],
    )
    page.reload()
    observe_in_shell(page, "What matters", "Being told the truth about delays")
    context.set_offline(False)
    until(
        page,
        "async () => (await Gemba.store.records()).filter(r => r.state === 'pending').length === 0",
    )
    states = {r["body"]["text"]: r["state"] for r in records(page)}
    assert states == {
        NOTE: "sent",
        "Refused": "attention",
        "Being told the truth about delays": "sent",
    }
    refused = page.get_by_role("listitem").filter(has_text="Refused")
    expect(refused.locator("[data-record]")).to_contain_text("Needs attention")
    expect(page.get_by_text("1 record needs attention")).to_be_visible()
    page.goto("/outbox")
    expect(page.locator("[data-outbox-record]").filter(has_text="Refused")).to_contain_text(
        "Needs attention"
    )
    assert observations_saying("Being told the truth about delays") == 1


def test_12_a_captive_portal_page_is_not_taken_as_sent(captured):
    context, page, uuid, _ = captured
    welcome = "<html><body>Welcome to Station Wi-Fi. Accept the terms.</body></html>"
    portal = status(200, welcome, "text/html")
    calls = faults(context, OBSERVATION_PUTS, [portal])
    context.set_offline(False)
    attempts_reach(page, uuid, 1)
    state_shown(page, "not from Gemba Walk")
    assert records(page)[0]["state"] == "pending"
    sync_now(page)
    wait_for_states(page, {uuid: "sent"})
    assert len(calls) == 2
    assert observations_saying(NOTE) == 1


def test_16_a_removed_record_is_shown_and_not_retried(captured):
    context, page, uuid, _ = captured
    gone = status(410, '{"error": "This walk was removed", "status": 410}')
    faults(context, OBSERVATION_PUTS, [gone] * 10)
    puts = records_sent(context, "observation")
    context.set_offline(False)
    wait_for_states(page, {uuid: "removed"})
    state_shown(page, "Removed on the server")
    for _ in range(3):
        sync_now(page)
        page.wait_for_timeout(300)
    page.evaluate("Gemba.sync.flush('test')")
    assert len(puts) == 1
    assert observations_saying(NOTE) == 0
