"""One capture UI: each capture screen's form is the same markup, words, controls, order and
limits whether the server drew it or the device drew it offline from the app shell; and the
bottom bar is the same bar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from gembawalk.models import WalkStatus
from tests.factories import CustomerFactory, ObservationFactory, WalkFactory, done_walk

from .offline import a_manager, a_walk_in_progress, go_offline, signed_in_phone
from .test_a11y import violations
from .test_questions import with_questions

pytestmark = pytest.mark.browser

# The form's structure as a person meets it, in order: every legend, label, hint, control
# (with its kind, name, value for a choice, limits and whether it shows) and button. Values a
# person types and the moment-dependent defaults (dates, times, the device's new ids) are left
# out; so is the CSRF token, which only the server's page may carry.
STRUCTURE = """form => {
  const text = el => (el.textContent || '').replace(/\\s+/g, ' ').trim();
  const shown = el => !el.closest('[hidden]');
  const out = [];
  const parts = 'legend, label, p.hint, summary, input, select, textarea, button, a';
  form.querySelectorAll(parts).forEach(el => {
    if (el.name === 'csrf_token') return;
    const tag = el.tagName.toLowerCase();
    if (['legend', 'label', 'summary', 'a'].includes(tag) || el.matches('p.hint')) {
      out.push([tag, text(el), shown(el)]);
      return;
    }
    const row = [tag, el.type || '', el.name, el.id, shown(el)];
    if (['radio', 'checkbox'].includes(el.type) || tag === 'button') row.push(el.value, text(el));
    const limits = ['min', 'max', 'maxlength', 'data-limit', 'accept', 'multiple', 'rows',
      'placeholder', 'inputmode', 'autocomplete', 'aria-describedby'];
    for (const attr of limits) {
      if (el.hasAttribute(attr)) row.push(attr + '=' + el.getAttribute(attr));
    }
    if (tag === 'select') row.push([...el.options].map(o => o.value + ':' + text(o)).join('|'));
    out.push(row);
  });
  return out;
}"""

NAV = """() => [...document.querySelectorAll('.bottomnav a')]
  .map(a => [a.getAttribute('href'), a.textContent.replace(/\\s+/g, ' ').trim()])"""


def form_of(page: Page, screen: str) -> list:
    form = page.locator(f"form[data-capture={screen}]").first
    expect(form).to_be_visible()
    return form.evaluate(STRUCTURE)


def test_each_capture_form_is_the_same_online_and_offline(live_server, new_context):
    manager = a_manager()
    CustomerFactory(name="Harbour Café", org_unit=manager.org_unit)
    CustomerFactory(name="Permit desk", org_unit=manager.org_unit)
    live = a_walk_in_progress(manager)
    # Its questions too: drawn by the server online, by the device from GET /questions offline.
    with_questions(manager, live.kind)
    planned = WalkFactory(
        manager=manager, place="Loading bay", planned_start=datetime.now(UTC) + timedelta(hours=1)
    )
    done = done_walk(manager, datetime.now(UTC) - timedelta(hours=1), summary="Returns wait.")
    note = ObservationFactory(walk=done, category="waste", waste_type="waiting", text="Queue")
    screens = {
        "observation": f"/walks/{live.uuid}",
        "complete": f"/walks/{live.uuid}/complete",
        "start": f"/walks/{planned.uuid}",
        "plan": "/walks/new",
        "start-now": "/walks/start-now",
        "correct": f"/walks/{done.uuid}/correct",
        "correct-observation": f"/walks/{done.uuid}/observations/{note.uuid}/correct",
        "record-past": "/walks/record",
    }
    context, page = signed_in_phone(new_context, manager.email)

    online, heads = {}, {}
    for screen, path in screens.items():
        page.goto(path)
        online[screen] = form_of(page, screen)
        heads[screen] = page.locator("main h1, main h1 + p.muted").all_inner_texts()
    online_nav = page.evaluate(NAV)

    for screen, path in screens.items():
        go_offline(context, page, path)
        offline = form_of(page, screen)
        assert offline == online[screen], f"the {screen} form differs offline"
        # The page around the form reads the same too.
        if screen.startswith("correct") or screen == "record-past":
            offline_head = page.locator("main h1, main h1 + p.muted").all_inner_texts()
            assert offline_head == heads[screen], f"the {screen} page differs offline"
    assert page.evaluate(NAV) == online_nav, "the bottom bar differs offline"
    # The customers the device holds are offered as the server offers them.
    go_offline(context, page, "/walks/new")
    expect(page.get_by_label("Harbour Café (external)")).to_be_visible()


def test_the_offline_pages_are_accessible_and_a_done_walk_shows_its_record(
    live_server, new_context
):
    manager = a_manager()
    customer = CustomerFactory(name="Harbour Café", org_unit=manager.org_unit)
    live = a_walk_in_progress(manager)
    done = WalkFactory(
        manager=manager,
        place="Returns desk",
        status=WalkStatus.DONE,
        started_at=datetime.now(UTC) - timedelta(hours=3),
        completed_at=datetime.now(UTC) - timedelta(hours=2),
        customers_spoken_to=2,
        customers=[customer],
        frontline_met="Sam (picker)",
        summary="Thanks to Sam for the tour.",
    )
    context, page = signed_in_phone(new_context, manager.email)
    page.goto(f"/walks/{done.uuid}")
    online_record = page.locator("#record-heading").locator("..").inner_text()

    go_offline(context, page, f"/walks/{done.uuid}")
    expect(page.get_by_role("heading", name="Record")).to_be_visible()
    assert page.locator("#record-heading").locator("..").inner_text() == online_record

    found = []
    for path in (
        "/",
        "/walks/",
        f"/walks/{live.uuid}",
        f"/walks/{live.uuid}/complete",
        "/walks/new",
        "/walks/start-now",
        "/outbox",
        "/more",
        f"/walks/{done.uuid}",
        f"/walks/{done.uuid}/correct",
        "/walks/record",
    ):
        go_offline(context, page, path)
        expect(page.locator("h1")).to_be_visible()
        found += violations(page)
    assert found == []
    # The outbox is under More, offline as online.
    page.locator(".bottomnav").get_by_role("link", name="More").tap()
    page.locator("main").get_by_role("link", name="Outbox").tap()
    expect(page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
