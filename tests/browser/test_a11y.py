"""Accessibility: axe-core finds nothing on any page, signed in as each role, in light and dark;
the main flows work with the keyboard alone; a form's errors are announced and focused."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from gembawalk.demo.load import load_demo
from gembawalk.extensions import db

from .. import pages
from . import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser

# WCAG 2.0–2.2 A and AA, and axe's best practices (landmarks, heading order, unique labels).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
AXE = Axe()


def violations(page: Page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        for v in results
    ]


def drawn(page: Page) -> None:
    """The app shell draws its page after loading (from what the device holds): checked once
    its heading is there, as a person sees it, not in the moment before."""
    if page.locator("[data-shell]").count():
        expect(page.locator("main h1").first).to_be_attached()


def _addresses(app, role: str) -> tuple[dict[tuple, str], str | None]:
    """The role's pages, page shape → address (crawled with the test client, on the server's
    own database)."""
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False  # the crawl's own posts; the browser's keep CSRF
    try:
        client.post("/sign-in", data={"email": pages.ROLES[role], "password": pages.DEMO_PASSWORD})
        walk = pages.start_a_walk(client) if role == "manager" else None
        also = pages.correct_addresses(client) if role == "manager" else ()
        crawl = pages.crawl(app, client, role, also=also)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert len(crawl.pages) > 5, f"the crawl as {role} found almost nothing"
    return crawl.pages, walk


def _empty_submit(page: Page, address: str, button: str, clear: str = "") -> None:
    """Send a form with nothing typed in (and the field labelled `clear` emptied)."""
    page.goto(address)
    if clear:
        page.get_by_label(clear, exact=True).fill("")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator(".form-errors")).to_be_visible()


# Forms to send empty, per role, to check their error states: address, button, field to empty.
EMPTY_FORMS = {
    "manager": [
        ("/walks/new", "Plan walk", "Date"),
        ("/walks/record", "Record walk", ""),
        ("/account/password", "Change password", ""),
    ],
    "admin": [("/admin/people/new", "Add person", "")],
}


# Playwright's locale is the browser's Accept-Language.
LOCALES = {"en": "en-GB", "nl": "nl-NL", "cy": "cy-GB"}


def test_no_page_has_an_accessibility_violation(app, live_server, browser):
    """Every page as each role on a phone in light, in English, Dutch and Welsh (each saying so
    in `<html lang>`); the manager's pages in dark and on a laptop as well."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("markup does not depend on the database: checked once, on SQLite")
    load_demo()
    found: list[str] = []
    checked = 0
    for role in pages.ROLES:
        addresses, walk = _addresses(app, role)
        # (what, language, browser options)
        shapes = [(f"phone light {lang}", lang, {**PHONE, "color_scheme": "light"})
                  for lang in pages.LANGUAGES]  # fmt: skip
        if role == "manager":
            shapes += [
                ("phone dark", "en", {**PHONE, "color_scheme": "dark"}),
                ("laptop", "en", {**DESKTOP, "color_scheme": "light"}),
            ]
        for shape, language, options in shapes:
            context = browser.new_context(
                base_url=live_server.url, locale=LOCALES[language], **options
            )
            page = context.new_page()
            if role == "manager" and shape.startswith("phone light"):
                page.goto("/sign-in")
                found += [f"{shape} {v}" for v in violations(page)]
                found += _not_in(page, language)
                checked += 1
            _sign_in(page, pages.ROLES[role])
            for address in addresses.values():
                page.goto(address)
                drawn(page)
                found += [f"{role}, {shape}: {v}" for v in violations(page)]
                found += _not_in(page, language)
                checked += 1
            for address, button, clear in (
                EMPTY_FORMS.get(role, []) if shape == "phone light en" else []
            ):
                _empty_submit(page, address, button, clear)
                found += [f"{role}, {shape}, errors: {v}" for v in violations(page)]
                checked += 1
            if role == "manager" and language != "en":  # a form's errors, in the language
                page.goto("/account/password")
                page.click("main form button[type=submit]")
                page.wait_for_load_state("load")
                expect(page.locator(".form-errors")).to_be_visible()
                found += [f"{role}, {shape}, errors: {v}" for v in violations(page)]
                checked += 1
            if walk and shape in ("phone light en", "phone dark"):
                _empty_submit(page, walk, "Add")
                found += [f"{role}, {shape}, errors: {v}" for v in violations(page)]
                checked += 1
            context.close()
    assert checked > 3 * 60
    assert not found, "\n".join(found)


def _sign_in(page: Page, email: str) -> None:
    """Sign in through the form, by its fields' names: its labels are in the page's language."""
    page.goto("/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", pages.DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _not_in(page: Page, language: str) -> list[str]:
    said = page.get_attribute("html", "lang")
    return [] if said == language else [f"{page.url}: <html lang={said!r}>, not {language!r}"]


def test_a_form_announces_its_errors_and_takes_focus_to_them(app, live_server, desktop: Page):
    load_demo()
    sign_in(desktop, pages.ROLES["manager"], pages.DEMO_PASSWORD)
    _empty_submit(desktop, "/walks/new", "Plan walk", "Date")
    summary = desktop.locator(".form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    invalid = desktop.locator("[aria-invalid=true]")
    assert invalid.count() >= 1
    for n in range(invalid.count()):
        field = invalid.nth(n)
        described = (field.get_attribute("aria-describedby") or "").split()
        assert any(i.endswith("-error") for i in described), field.evaluate("e => e.outerHTML")
        for i in described:
            expect(desktop.locator(f"#{i}")).to_be_attached()
    # The summary links to each field that needs fixing.
    first = summary.get_by_role("link").first
    first.click()
    assert desktop.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"


def _tab_to(page: Page, test: str, limit: int = 80) -> None:
    """Press Tab until the focused element passes the JS `test(el)`; each stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement; const s = getComputedStyle(el);"
            " return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,"
            " html: el.outerHTML.slice(0, 120)}; }"
        )
        if focused["html"].startswith("<body"):
            continue  # past the last control, focus leaves the page for the browser's own
        assert focused["outline"], f"no visible focus on {focused['html']}"
        if page.evaluate(f"(el => ({test}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {test}")


def test_sign_in_start_a_walk_and_record_an_observation_with_the_keyboard_alone(
    app, live_server, desktop: Page
):
    load_demo()
    page = desktop
    page.goto("/sign-in")
    _tab_to(page, "el.name === 'email'")
    page.keyboard.type(pages.ROLES["manager"])
    _tab_to(page, "el.name === 'password'")
    page.keyboard.type(pages.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/sign-in" not in url)

    # The skip link comes first and lands on the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")

    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Start'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add an observation")).to_be_visible()

    _tab_to(page, "el.name === 'category'")
    page.keyboard.press("Space")
    _tab_to(page, "el.name === 'text'")
    page.keyboard.type("The gate list is out of date; drivers guess.")
    _tab_to(page, "el.type === 'submit' && el.value === 'Add'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Observation added.")).to_be_visible()
    expect(page.get_by_text("The gate list is out of date; drivers guess.")).to_be_visible()
