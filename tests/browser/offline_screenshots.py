"""Screenshots of the offline app at phone size (390×844), saved to static/screenshots/.

Run with `python -m tests.browser.offline_screenshots` (needs the demo, like `make screenshots`):
it signs in as the demo manager, lets the app keep the walks, cuts the network and shows what
the service worker's app shell draws: Today, a walk being recorded, planning, recording a past
walk, correcting a done one and the outbox.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from gembawalk.extensions import db
from tests.browser import PHONE, chromium_launch_args, sign_in, start_server
from tests.browser.offline import until
from tests.browser.screenshots import DEMO_EMAIL, DEMO_PASSWORD, OUTPUT, _save, build_demo_app


def take(app, folder: Path = OUTPUT) -> list[Path]:
    live = start_server(app)
    saved = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**chromium_launch_args())
            context = browser.new_context(
                base_url=live.url,
                locale="en-GB",
                timezone_id="Europe/London",
                service_workers="allow",
                **{**PHONE, "device_scale_factor": 1},
            )
            page = context.new_page()
            sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
            page.wait_for_function("navigator.serviceWorker.controller !== null")
            until(page, "async () => !!(await Gemba.store.getMeta('pulledAt'))")

            context.set_offline(True)
            page.goto("/")
            expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
            saved.append(_save(page, folder, "offline-today"))

            live_walk = page.get_by_role("link", name="Continue")
            if live_walk.count():
                live_walk.first.click()
            else:  # start today's first walk, offline
                page.get_by_role("button", name="Start", exact=True).first.click()
            page.get_by_label("Failure demand", exact=True).check()
            page.get_by_label("Note").fill("Customers ring twice to ask where the parcel is.")
            page.get_by_role("button", name="Add", exact=True).click()
            expect(page.get_by_text("Observation added. Saved on this device")).to_be_visible()
            saved.append(_save(page, folder, "offline-record"))

            page.goto("/walks/new")
            expect(page.get_by_role("heading", name="Plan a walk")).to_be_visible()
            saved.append(_save(page, folder, "offline-plan"))

            page.goto("/walks/record")
            expect(page.get_by_role("heading", name="Record a past walk")).to_be_visible()
            saved.append(_save(page, folder, "offline-record-past"))

            done = page.evaluate(
                """async () => {
                  const me = await Gemba.store.getMeta('me');
                  const walks = await Gemba.store.walks(me.id);
                  const walk = walks.find(w => Gemba.records.correctable(w));
                  return walk ? walk.uuid : null;
                }"""
            )
            if done:
                page.goto(f"/walks/{done}/correct")
                expect(page.get_by_role("heading", name="Correct walk")).to_be_visible()
                saved.append(_save(page, folder, "offline-correct"))

            page.goto("/outbox")
            expect(page.get_by_role("heading", name="Outbox")).to_be_visible()
            saved.append(_save(page, folder, "offline-outbox"))
            browser.close()
    finally:
        live.stop()
    return saved


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gembawalk-screenshots-") as instance:
        app = build_demo_app(Path(instance))
        for path in take(app):
            print(f"Saved {path} ({path.stat().st_size // 1024} KB)")
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
