"""Online with JavaScript, every capture form goes through the outbox, like offline: one path
(issue 14, point 1). Plan, Start, Start a walk now (one tap on Today) and Complete each send a
PUT from the device and post no form; once sent, the page is the server's walk page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Walk, WalkKind, WalkStatus
from tests.factories import WalkFactory

from .offline import a_manager, let_the_server_write, records, signed_in_phone

pytestmark = pytest.mark.browser


# Where each record a batch carries would be sent alone (its own PUT).
PUT_PATHS = {"walk": "walks", "observation": "observations", "comment": "comments",
             "follow_up": "follow-ups"}  # fmt: skip


def sent_by(context: BrowserContext) -> list[str]:
    """Every state-changing request the phone makes: "PUT /api/..." or "POST /walks/...". A
    record the outbox sends in a batch (POST /api/v1/sync) is listed as the PUT it stands for:
    the batch is how the outbox sends, the records are what these tests are about."""
    seen: list[str] = []

    def note(request) -> None:
        path = request.url.split("//", 1)[1].split("/", 1)[1].split("?")[0]
        if request.method == "POST" and path == "api/v1/sync":
            for record in request.post_data_json["records"]:
                seen.append(f"PUT /api/v1/{PUT_PATHS[record['type']]}/{record['uuid']}")
        elif request.method in ("PUT", "POST"):
            seen.append(f"{request.method} /{path}")

    context.on("request", note)
    return seen


def stored(walk_uuid) -> Walk:
    db.session.rollback()  # a fresh transaction sees what the server saved
    walk = db.session.scalar(select(Walk).where(Walk.uuid == uuid.UUID(walk_uuid)))
    assert walk is not None
    found = (walk.status, walk.unplanned, walk.kind, walk.customers_spoken_to)
    let_the_server_write()
    return found  # type: ignore[return-value]


def on_the_servers_page(page: Page, walk_uuid: str, status: str) -> None:
    expect(page).to_have_url(f"/walks/{walk_uuid}")
    expect(page.locator("[data-shell]")).to_have_count(0)  # the server's page, not the device's
    expect(page.locator(".page-head .badge").last).to_have_text(status)


@pytest.fixture
def phone_online(live_server, new_context):
    manager = a_manager()
    planned = WalkFactory(
        manager=manager,
        place="Loading bay",
        planned_start=datetime.now(UTC) + timedelta(minutes=30),
    )
    planned_uuid = str(planned.uuid)
    context, page = signed_in_phone(new_context, manager.email)
    return context, page, planned_uuid


def test_start_a_walk_now_is_one_tap_on_today_through_the_outbox(phone_online):
    context, page, _ = phone_online
    requests = sent_by(context)
    page.goto("/")
    page.get_by_role("form", name="Start a walk now").get_by_role("button", name="Gemba walk").tap()
    expect(page.get_by_text("Walk started. Add what you see.")).to_be_visible()
    walk_uuid = page.url.rsplit("/", 1)[1]
    on_the_servers_page(page, walk_uuid, "In progress")
    assert requests == [f"PUT /api/v1/walks/{walk_uuid}"]
    assert stored(walk_uuid) == (WalkStatus.IN_PROGRESS, True, WalkKind.GEMBA_WALK, None)
    assert [r["state"] for r in records(page)] == ["sent"]


def test_start_then_complete_online_go_through_the_outbox(phone_online):
    context, page, planned_uuid = phone_online
    requests = sent_by(context)
    page.goto("/")
    page.get_by_role("button", name="Start", exact=True).tap()
    on_the_servers_page(page, planned_uuid, "In progress")
    expect(page.get_by_text("Walk started. Add what you see.")).to_be_visible()

    page.get_by_role("link", name="Complete walk").tap()
    page.get_by_label("How many customers did you speak with?").fill("3")
    page.get_by_label("Summary").fill("Drivers wait for the gate code")
    page.get_by_role("button", name="Complete walk").tap()
    on_the_servers_page(page, planned_uuid, "Done")
    expect(page.get_by_text("Walk done. Thank you for going to see.")).to_be_visible()
    expect(page.get_by_text("Drivers wait for the gate code")).to_be_visible()
    assert requests == [f"PUT /api/v1/walks/{planned_uuid}"] * 2
    assert stored(planned_uuid) == (WalkStatus.DONE, False, WalkKind.CUSTOMER_VISIT, 3)


def test_plan_online_goes_through_the_outbox_and_shows_the_servers_walk(phone_online):
    context, page, _ = phone_online
    requests = sent_by(context)
    page.goto("/walks/new")
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Place").fill("Night shift, bay 4")
    page.get_by_role("button", name="Plan walk").tap()
    expect(page.get_by_text("Walk planned.")).to_be_visible()
    walk_uuid = page.url.rsplit("/", 1)[1]
    on_the_servers_page(page, walk_uuid, "Planned")
    expect(page.get_by_role("heading", name="Night shift, bay 4")).to_be_visible()
    assert requests == [f"PUT /api/v1/walks/{walk_uuid}"]


def test_what_only_the_server_does_still_posts(phone_online):
    """A repeating walk is the server's to make: with JavaScript too, the form posts."""
    context, page, _ = phone_online
    requests = sent_by(context)
    page.goto("/walks/new")
    page.get_by_label("Place").fill("Weekly round")
    page.get_by_label("Repeat").select_option(index=1)
    page.get_by_role("button", name="Plan walk").tap()
    expect(page.get_by_text("Walk planned.")).to_be_visible()
    assert requests == ["POST /walks/new"]
