"""What a manager's thumb meets on a 390×844 phone, online and offline: Today puts the job at
hand on the first screen, and on the recording screen nothing sticky covers a focused field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from gembawalk import limits
from tests.factories import WalkFactory

from .offline import a_manager, a_walk_in_progress, go_offline, observe_in_shell, signed_in_phone

pytestmark = pytest.mark.browser

SCREEN_HEIGHT = 844

# Whether an element lies wholly on the first screen, above the bottom bar.
ABOVE_THE_FOLD = """el => {
  const bar = document.querySelector('.bottomnav');
  const shown = bar && getComputedStyle(bar).display !== 'none';
  const limit = shown ? bar.getBoundingClientRect().top : innerHeight;
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= limit;
}"""

# Every control of the recording screen, checked two ways with document.elementFromPoint: the
# page scrolled through in small steps (whatever lies between the top bar and the bottom bar
# must be itself at nine points: its corners, edges and middle, never something sticky over
# it), and each control focused in turn, as a tap or Tab would (it must then lie wholly in that
# band, and be itself at the same nine points). A chip's own input is see-through: its label
# is what is drawn. Answers how many controls there are and which were covered, and by what.
COVERED = """() => {
  const form = document.querySelector('form[data-capture=observation]');
  const controls = [...form.querySelectorAll('input:not([type=hidden]), select, textarea, button'),
    document.querySelector('a[href$="/complete"]')]
    .filter(el => !el.closest('[hidden]') && el.getClientRects().length);  // drawn at all
  const top = document.querySelector('.topbar').getBoundingClientRect().bottom;
  const bar = document.querySelector('.bottomnav');
  const bottom = bar && getComputedStyle(bar).display !== 'none'
    ? bar.getBoundingClientRect().top : innerHeight;
  const drawn = el => el.labels && el.labels.length && getComputedStyle(el).opacity === '0'
    ? el.labels[0] : el;
  const name = el => el.name ? el.name + '=' + el.value : el.textContent.trim();
  // What covers `el` at any of nine points, or null when it is itself at all of them.
  const cover = el => {
    const target = drawn(el), r = target.getBoundingClientRect();
    const labels = [...(el.labels || [])];
    // A pill's corners are round: its sides are tested where its straight edges begin.
    const round = parseFloat(getComputedStyle(target).borderTopLeftRadius) || 0;
    const side = Math.max(3, Math.min(round, r.height / 2, r.width / 2));
    for (const x of [r.left + side, r.left + r.width / 2, r.right - side]) {
      for (const y of [r.top + 3, r.top + r.height / 2, r.bottom - 3]) {
        const hit = document.elementFromPoint(x, y);
        if (!(hit && (target.contains(hit) || labels.some(l => l.contains(hit))))) {
          return hit ? (hit.className || hit.tagName) + '' : 'nothing';
        }
      }
    }
    return null;
  };
  const inBand = el => {
    const r = drawn(el).getBoundingClientRect();
    return r.top >= top && r.bottom <= bottom;
  };
  const covered = new Set();
  const end = document.documentElement.scrollHeight;
  for (let y = 0; y <= end; y += 40) {
    window.scrollTo(0, y);
    for (const el of controls) {
      const what = inBand(el) && cover(el);
      if (what) covered.add(name(el) + ' under ' + what + ' (scrolled)');
    }
  }
  for (const el of controls) {
    window.scrollTo(0, 0);
    el.focus();
    if (!inBand(el)) covered.add(name(el) + ' not clear of the bars once focused');
    const what = cover(el);
    if (what) covered.add(name(el) + ' under ' + what + ' (focused)');
  }
  return {count: controls.length, covered: [...covered]};
}"""


FIRST_SCREEN = ("Continue", "a category chip", "Start", "Start a walk now")


def first_screen(page: Page) -> dict[str, bool]:
    wanted = {
        "Continue": page.get_by_role("link", name="Continue"),
        "a category chip": page.locator(".card-live .chip").first,
        "Start": page.get_by_role("button", name="Start", exact=True).first,
        "Start a walk now": page.get_by_role("form", name="Start a walk now"),
    }
    return {name: locator.evaluate(ABOVE_THE_FOLD) for name, locator in wanted.items()}


@pytest.fixture
def busy_day(live_server, new_context):
    manager = a_manager()
    live = a_walk_in_progress(manager)
    WalkFactory(
        manager=manager,
        place="Loading bay",
        planned_start=datetime.now(UTC) + timedelta(minutes=30),
    )
    walk_path = f"/walks/{live.uuid}"  # read before the browser writes (see signed_in_phone)
    context, page = signed_in_phone(new_context, manager.email)
    return context, page, walk_path


def test_today_puts_the_walk_in_progress_and_start_on_the_first_screen(busy_day):
    context, page, _ = busy_day
    page.goto("/")
    assert first_screen(page) == dict.fromkeys(FIRST_SCREEN, True)
    figures = page.locator(".mine")
    start_now = page.get_by_role("form", name="Start a walk now")
    assert figures.bounding_box()["y"] > start_now.bounding_box()["y"]  # figures after the job

    go_offline(context, page, "/")
    expect(page.get_by_role("link", name="Continue")).to_be_visible()
    assert first_screen(page) == dict.fromkeys(FIRST_SCREEN, True)


# What Today offers, in order: its headings, links and buttons, and the purposes its cards
# show; the figures and what is due by the cadence are the server's to count, so left out.
TODAY_OFFERS = """() => [...document.querySelectorAll(
    'main h2, main a, main button, main .walk-purpose')]
  .filter(el => !el.closest('.mine, .cadence-due, .flashes, template'))
  .filter(el => getComputedStyle(el).display !== 'none')
  .map(el => el.tagName + ' ' + el.innerText.replace(/\\s+/g, ''))"""


def test_today_offers_the_same_online_and_offline(busy_day):
    context, page, _ = busy_day
    page.goto("/")
    online = page.evaluate(TODAY_OFFERS)
    go_offline(context, page, "/")
    expect(page.get_by_role("link", name="Continue")).to_be_visible()
    assert page.evaluate(TODAY_OFFERS) == online
    assert "BUTTON Gembawalk" in online  # Start a walk now, one tap


@pytest.mark.parametrize("where", ["online", "offline"])
def test_nothing_sticky_covers_a_control_of_the_recording_screen(busy_day, where):
    context, page, walk_path = busy_day
    if where == "offline":
        go_offline(context, page, walk_path)
    else:
        page.goto(walk_path)
    # Each category shows its own field: the waste type, or the customer who said it.
    for category in ("Waste", "What matters"):
        page.get_by_label(category, exact=True).check()
        result = page.evaluate(COVERED)
        assert result["count"] >= 10
        assert result["covered"] == []


@pytest.mark.parametrize("where", ["online", "offline"])
def test_a_note_over_its_limit_is_refused_with_a_message_and_kept_whole(busy_day, where):
    context, page, walk_path = busy_day
    most = limits.TEXT["observation"]
    if where == "offline":
        go_offline(context, page, walk_path)
    else:
        page.goto(walk_path)
    note = page.get_by_label("Note")
    page.get_by_label("What matters", exact=True).check()
    note.fill("x" * (most - 5))
    expect(page.locator("#text-count")).to_have_text("5 characters left")
    pasted = "y" * (most * 10)
    note.fill(pasted)  # a long paste: nothing cut
    expect(page.locator("#text-count")).to_contain_text(f"{most * 9} characters over")
    page.get_by_role("button", name="Add", exact=True).tap()
    expect(page.locator(".form-errors")).to_contain_text(str(most))
    assert page.get_by_label("Note").input_value() == pasted
    assert page.evaluate("async () => (await Gemba.store.records()).length") == 0


def test_today_and_its_messages_follow_a_sync(busy_day):
    context, page, walk_path = busy_day
    go_offline(context, page, walk_path)
    observe_in_shell(page, "What matters", "Knowing when the van comes")
    page.goto("/")  # the shell's Today, offline
    context.set_offline(False)
    # Back online the record goes, and the page shows what is true now: the count moves and
    # "Saved on this device" and the offline line are gone.
    page.goto(walk_path)
    page.get_by_label("Good practice", exact=True).check()
    page.get_by_label("Note").fill("Handover notes on the whiteboard")
    page.get_by_role("button", name="Add", exact=True).tap()
    message = page.get_by_text("Observation added. Saved on this device")
    expect(message).to_be_visible()
    expect(message).to_have_count(0)  # gone once the server has it
    expect(page.locator("[data-syncbar]")).to_be_hidden()
