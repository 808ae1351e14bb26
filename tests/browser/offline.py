"""Helpers for the offline browser tests: an installed app on a phone, the outbox as the page
sees it, faults injected at the network, and what the server ended up storing."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Observation, Walk, WalkStatus
from tests.factories import PASSWORD, OrgUnitFactory, PersonFactory, WalkFactory

from . import PHONE, sign_in

OBSERVATION_PUTS = "**/api/v1/observations/*"
PHOTO_PUTS = "**/api/v1/observations/*/photos/*"
WALK_PUTS = "**/api/v1/walks/*"


def a_manager(name: str = "Maya Manager", email: str | None = None):
    unit = OrgUnitFactory(name="Northgate depot")
    extra = {"email": email} if email else {}
    return PersonFactory(roles=["manager"], org_unit=unit, display_name=name, **extra)


def a_walk_in_progress(manager, place: str = "Counter B") -> Walk:
    return WalkFactory(
        manager=manager,
        place=place,
        status=WalkStatus.IN_PROGRESS,
        started_at=datetime.now(UTC) - timedelta(minutes=10),
    )


def let_the_server_write() -> None:
    """End the test's own transaction (see test_walk_loop.py): the browser's writes must not
    wait for it."""
    db.session.rollback()


def app_context(new_context) -> BrowserContext:
    """A phone with service workers allowed, as an installed app would have."""
    return new_context(**PHONE, service_workers="allow")


def until(page: Page, function: str, arg=None, timeout: float = 10_000):
    """Evaluate an async page function until it returns something truthy.

    (page.wait_for_function takes the Promise an async function returns for a truthy value.)
    """
    waited = 0.0
    while True:
        value = page.evaluate(function, arg)
        if value:
            return value
        if waited >= timeout:
            raise AssertionError(f"still false after {timeout / 1000:.0f} s: {function}")
        page.wait_for_timeout(100)
        waited += 100


def open_app(page: Page, email: str, path: str = "/") -> None:
    """Sign in, then wait until the worker controls the page and the walks are on the device."""
    sign_in(page, email, PASSWORD)
    page.goto(path)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    until(page, "async () => !!(await Gemba.store.getMeta('pulledAt'))")


def signed_in_phone(new_context, email: str, path: str = "/") -> tuple[BrowserContext, Page]:
    """A new phone with the app installed, signed in as `email` and ready to work offline.

    Read what the test needs from the factories' objects first: this ends the test's
    transaction so that the browser's writes do not wait for it.
    """
    let_the_server_write()
    context = app_context(new_context)
    page = context.new_page()
    open_app(page, email, path)
    return context, page


class OnAWalk(NamedTuple):
    """A manager's phone, signed in, with the manager's walk in progress (not yet opened)."""

    context: BrowserContext
    page: Page
    email: str
    walk_path: str


def go_offline(context: BrowserContext, page: Page, path: str):
    """Cut the network and open `path`: the service worker answers with the app shell."""
    context.set_offline(True)
    response = page.goto(path)
    assert response is not None
    assert response.from_service_worker
    expect(page.locator("[data-shell]")).to_be_attached()
    return response


def observe_in_shell(page: Page, category: str, note: str, photo: bytes | None = None) -> None:
    """Add an observation on the shell's walk page, as a manager would."""
    page.get_by_label(category, exact=True).check()
    if category == "Waste":
        page.get_by_label("Which waste?").select_option("waiting")
    page.get_by_label("Note").fill(note)
    if photo is not None:
        page.get_by_label("Photos").set_input_files(
            files=[{"name": "photo.png", "mimeType": "image/png", "buffer": photo}]
        )
    page.get_by_role("button", name="Add", exact=True).tap()
    expect(page.get_by_text("Observation added. Saved on this device")).to_be_visible()
    item = page.get_by_role("listitem").filter(has_text=note)
    expect(item.locator("[data-record]").first).to_have_text("Saved on this device")


def records(page: Page) -> list[dict]:
    """The outbox as the page holds it (photo bytes as their length)."""
    return page.evaluate(
        """async () => (await Gemba.store.records()).map(r => Object.assign({}, r, {
            body: r.type === 'photo'
              ? {type: r.body.type, width: r.body.width, height: r.body.height,
                 bytes: r.body.data ? r.body.data.byteLength : 0,
                 isArrayBuffer: r.body.data instanceof ArrayBuffer}
              : r.body}))"""
    )


def wait_for_states(page: Page, expected: dict[str, str], timeout: float = 10_000) -> None:
    """Wait until each record (by UUID) is in the given state."""
    until(
        page,
        """async (expected) => {
            const all = await Gemba.store.records();
            const byUuid = Object.fromEntries(all.map(r => [r.uuid, r.state]));
            return Object.entries(expected).every(([uuid, state]) => byUuid[uuid] === state);
        }""",
        expected,
        timeout,
    )


def attempts_reach(page: Page, uuid: str, n: int) -> None:
    """Wait until the outbox has tried to send the record `n` times."""
    until(
        page,
        "async ([uuid, n]) => ((await Gemba.store.record(uuid)) || {}).attempts >= n",
        [uuid, n],
    )


def sync_now(page: Page) -> None:
    """Tap "Sync now" (the status bar hides when there is nothing to say: then as it would)."""
    button = page.locator("[data-sync-now]").first
    if button.is_visible():
        button.click()
    else:
        page.evaluate("Gemba.pull.syncNow()")


def count_requests(context: BrowserContext, pattern: str, method: str = "PUT") -> list[str]:
    """Record the URLs of matching requests (the service worker's included)."""
    seen: list[str] = []

    def note(request) -> None:
        if request.method == method and pattern in request.url:
            seen.append(request.url)

    context.on("request", note)
    return seen


def records_sent(context: BrowserContext, kind: str) -> list[str]:
    """Record the UUID of each record of `kind` ("observation", "walk") the phone sends, with
    its own PUT or in a batch (POST /api/v1/sync), once per time it is sent."""
    seen: list[str] = []
    path = f"/api/v1/{kind}s/"

    def note(request) -> None:
        if request.method == "PUT" and path in request.url and "/photos/" not in request.url:
            seen.append(request.url.rsplit("/", 1)[1])
        elif request.method == "POST" and request.url.endswith("/api/v1/sync"):
            seen.extend(r["uuid"] for r in request.post_data_json["records"] if r["type"] == kind)

    context.on("request", note)
    return seen


# The records each PUT pattern sends, for faults that batches of them meet too.
BATCHES = "**/api/v1/sync"
BATCHED = {OBSERVATION_PUTS: "observation", WALK_PUTS: "walk"}


def faults(context: BrowserContext, pattern: str, plan: list[Callable[[Route], None] | None]):
    """Answer the first requests matching `pattern` by the plan (None lets one through),
    then let every later one through to the server. A batch (POST /api/v1/sync) holding
    records that `pattern` PUTs meets the same plan: an answer that a record gets (409, 410,
    422: see `status`) is that answer for each record in it, any other the whole request's."""
    calls: list[str] = []

    def next_step(route: Route):
        calls.append(route.request.url)
        return plan[len(calls) - 1] if len(calls) <= len(plan) else None

    def handle(route: Route) -> None:
        if route.request.method != "PUT":
            route.continue_()
            return
        step = next_step(route)
        if step is None:
            route.continue_()
        else:
            step(route)

    def handle_batch(route: Route) -> None:
        sent = route.request.post_data_json["records"] if route.request.method == "POST" else []
        if not any(r["type"] == BATCHED[pattern] for r in sent):
            route.continue_()
            return
        step = next_step(route)
        if step is None:
            route.continue_()
        elif getattr(step, "per_record", None) is not None:
            code, body = step.per_record  # type: ignore[attr-defined]
            results = [{"uuid": r["uuid"], "status": code, "body": body} for r in sent]
            route.fulfill(status=200, json={"results": results})
        else:
            step(route)

    context.route(pattern, handle)
    if pattern in BATCHED:
        context.route(BATCHES, handle_batch)
    return calls


def no_more_faults(context: BrowserContext, pattern: str) -> None:
    """Stop the faults `faults(context, pattern, ...)` injects, in batches too."""
    context.unroute(pattern)
    if pattern in BATCHED:
        context.unroute(BATCHES)


def lost_response(route: Route) -> None:
    """The server saves it, the phone never hears back."""
    route.fetch()
    route.abort("connectionreset")


def status(code: int, body: str = '{"error": "injected", "status": %d}', ctype="application/json"):
    def answer(route: Route) -> None:
        text = body % code if "%d" in body else body
        route.fulfill(status=code, body=text, content_type=ctype)

    if code in (409, 410, 422) and ctype == "application/json":
        # What the server says of one record: in a batch, each record's result.
        answer.per_record = (code, json.loads(body % code if "%d" in body else body))  # type: ignore[attr-defined]
    return answer


def observations_saying(text: str) -> int:
    db.session.rollback()  # a fresh transaction sees what the server saved
    count = db.session.scalar(select(func.count()).where(Observation.text == text))
    let_the_server_write()  # and ends at once: on SQLite it holds the write lock
    return count


def a_photo(width: int = 3000, height: int = 2000) -> bytes:
    """A PNG bigger than the app keeps, so the device must make it smaller."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (15, 92, 77)).save(buffer, format="PNG")
    return buffer.getvalue()
