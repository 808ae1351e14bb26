"""The offline app in Welsh (issue 20): a manager whose language is Welsh plans, starts,
records and completes a walk with no signal, and every heading, button and message the app
shell shows is the catalogue's Welsh, the status line and a form's problems included."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, get_translations, gettext
from playwright.sync_api import expect

from gembawalk.extensions import db
from gembawalk.models.vocabulary import DONE, SAVED_HERE

from .offline import a_manager, go_offline, signed_in_phone, until

pytestmark = pytest.mark.browser


def welsh(message: str, **values) -> str:
    with force_locale("cy"):
        return gettext(message, **values)


def welsh_count(singular: str, plural: str, n: int) -> str:
    with force_locale("cy"):
        return get_translations().ngettext(singular, plural, n) % {"num": n}


def welsh_said(step: str) -> str:
    with force_locale("cy"):
        return f"{DONE[step]} {SAVED_HERE}"


def test_a_welsh_reader_records_a_walk_offline_in_welsh(live_server, new_context, app, tmp_path):
    manager = a_manager("Rhian Rheolwr")
    manager.language = "cy"
    db.session.commit()
    context, page = signed_in_phone(new_context, manager.email)
    # The worker keeps the shell in the language of the pages its person reads.
    until(
        page,
        """async () => {
        const shell = await caches.match('/app');
        return shell && (await shell.text()).includes('<html lang="cy">');
    }""",
    )

    with app.test_request_context():
        go_offline(context, page, "/walks/new")
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Plan a walk"))
        page.locator("input[name=kind][value=gemba_walk]").check()
        page.locator("[name=place]").fill("Archif yr islawr")
        page.locator("form[data-capture=plan] [type=submit]").first.tap()
        expect(page.get_by_text(welsh_said("planned"))).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Archif yr islawr")

        page.locator("form[data-capture=start] [type=submit]").tap()
        expect(page.get_by_text(welsh_said("started"))).to_be_visible()
        expect(page.get_by_role("heading", name=welsh("Add an observation"))).to_be_visible()

        # A note left empty: the problem is said in Welsh, above the form.
        page.locator("input[name=category][value=what_matters]").check()
        page.locator("form[data-capture=observation] [type=submit]").tap()
        errors = page.locator("form[data-capture=observation] .form-errors")
        expect(errors).to_contain_text(
            welsh("Please correct what is marked below. Nothing has been saved yet.")
        )
        expect(errors).to_contain_text(welsh("Write a note."))
        page.locator("[name=text]").fill("Mae'r ciw yn hir am naw o'r gloch")
        page.locator("form[data-capture=observation] [type=submit]").tap()
        expect(page.get_by_text(welsh_said("observed"))).to_be_visible()
        expect(page.get_by_role("heading", name=welsh("Observations"))).to_be_visible()
        item = page.get_by_role("listitem").filter(has_text="Mae'r ciw yn hir")
        expect(item.locator("[data-record]")).to_have_text(welsh("Saved on this device"))
        # The status line: offline, and what waits, counted in Welsh.
        waiting = welsh_count(
            "%(num)d record waiting", "%(num)d records waiting", 2
        )  # the walk, its note
        expect(page.locator("[data-status-line]")).to_have_text(f"{welsh('Offline')} · {waiting}")
        page.locator("[data-status-line]").tap()
        expect(
            page.get_by_text(
                welsh(
                    "Offline: what you record is saved on this device, and sent when there is "
                    "signal."
                )
            )
        ).to_be_visible()
        expect(page.get_by_role("button", name=welsh("Sync now"))).to_be_visible()
        page.set_viewport_size({"width": 390, "height": 844})
        # The phone layout holds the longer Welsh words: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "offline-welsh.png"))  # looked at: see the report

        page.get_by_role("link", name=welsh("Complete walk")).tap()
        expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Complete walk"))
        page.locator("[name=customers_spoken_to]").fill("0")
        started = page.locator("[name=started_at]").input_value()
        # Finished a minute before it started: refused, in Welsh.
        page.locator("[name=started_at]").fill(started[:11] + "00:01")
        page.locator("[name=completed_at]").fill(started[:11] + "00:00")
        page.locator("form[data-capture=complete] [type=submit]").tap()
        errors = page.locator("form[data-capture=complete] .form-errors")
        expect(errors).to_contain_text(welsh("A walk cannot finish before it started."))
        page.locator("[name=started_at]").fill(started)
        page.locator("[name=completed_at]").fill(started)
        page.locator("form[data-capture=complete] [type=submit]").tap()
        expect(page.get_by_text(welsh_said("completed"))).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "cy")

        page.goto("/outbox")
        expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Outbox"))
        expect(page.get_by_role("heading", name=welsh("Not sent yet"))).to_be_visible()
        expect(page.get_by_role("button", name=welsh("Download unsent"))).to_be_visible()
