"""Screenshots of the demo as a manager sees it, saved to static/screenshots/.

Run with `make screenshots` (or `python -m tests.browser.screenshots`). It builds the demo in a
throwaway instance folder, serves it on a free local port and drives Chromium at phone size
(390×844) and laptop size (1280×800); the leaderboard as the demo director sees it.
Importable: `build_demo_app` and `take_screenshots`.

`--every-page FOLDER` instead saves every page each demo role reaches (tests/pages.py), at both
sizes, into FOLDER: for looking the whole app over, not for the README.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import flask_migrate
from flask import Flask
from playwright.sync_api import Page, expect, sync_playwright

from gembawalk import create_app
from gembawalk.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if __package__ in (None, ""):
    # Run as a file (python tests/browser/screenshots.py): make `tests` importable.
    sys.path.insert(0, str(PROJECT_ROOT))

from tests import pages  # noqa: E402
from tests.browser import (  # noqa: E402
    DESKTOP,
    PHONE,
    chromium_launch_args,
    sign_in,
    start_server,
)

OUTPUT = PROJECT_ROOT / "static" / "screenshots"
DEMO_EMAIL = "manager@example.org"
DEMO_PASSWORD = "gemba-demo"  # documented in the README and printed by `make run`


def build_demo_app(instance: Path) -> Flask:
    """An app on a fresh SQLite database in `instance`, migrated and loaded with the demo."""
    from gembawalk.demo.load import load_demo

    saved = {name: os.environ.get(name) for name in ("GEMBAWALK_INSTANCE", "DATABASE_URL")}
    # The instance folder (and so the SQLite file) is read from the environment by create_app.
    os.environ["GEMBAWALK_INSTANCE"] = str(instance)
    os.environ.pop("DATABASE_URL", None)
    try:
        app = create_app()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    with app.app_context():
        flask_migrate.upgrade()
        load_demo()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    return app


def _save(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    # A jump to an #anchor is painted a frame or two after load: wait, or the shot tears.
    page.wait_for_load_state("load")
    page.evaluate(
        "() => document.fonts.ready.then(() => new Promise(done =>"
        " requestAnimationFrame(() => requestAnimationFrame(done))))"
    )
    page.screenshot(path=str(path), full_page=False)
    return path


def _start_todays_walk(page: Page) -> None:
    """Start the walk planned for today from Today, then add one observation to it."""
    page.goto("/")
    planned = page.get_by_role("region", name="Planned for today")
    start = planned.get_by_role("button", name="Start", exact=True)
    if start.count() == 0:
        raise SystemExit("The demo has no walk planned for today to start.")
    start.first.tap()
    expect(page.get_by_role("heading", name="Add an observation")).to_be_visible()
    page.get_by_label("What matters", exact=True).check()
    page.get_by_label("Note").fill(
        "“I just want to know when the van will come, so I don't wait in all day.”"
    )
    page.get_by_label("Customer", exact=True).check()
    page.get_by_role("button", name="Add", exact=True).tap()
    expect(page.get_by_text("Observation added.")).to_be_attached()


def _leaderboard(phone, desktop, folder: Path) -> list[Path]:
    """The director's leaderboard: on a phone scrolled to the managers' cards (the pickers
    fill the first screen), and on a laptop as the table."""
    saved = []
    for context, name in ((phone, "leaderboard"), (desktop, "desktop-leaderboard")):
        context.clear_cookies()
        page = context.new_page()
        sign_in(page, pages.ROLES["director"], DEMO_PASSWORD)
        page.goto("/engagement/leaderboard")
        if context is phone:
            page.evaluate(
                "() => { const board = document.querySelector('.board');"
                " const bar = document.querySelector('.topbar').offsetHeight;"
                " window.scrollTo(0, board.getBoundingClientRect().top + scrollY - bar - 12); }"
            )
        saved.append(_save(page, folder, name))
    return saved


def take_screenshots(app: Flask, folder: Path = OUTPUT) -> list[Path]:
    """Sign in to `app` as the demo manager and save the pages' PNGs into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    live = start_server(app)
    saved: list[Path] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**chromium_launch_args())
            # Dates and times as a manager in the demo's organisation sees them.
            place = {"base_url": live.url, "locale": "en-GB", "timezone_id": "Europe/London"}
            # Scale 1 keeps the files small; the layout is what matters here.
            phone = browser.new_context(**place, **{**PHONE, "device_scale_factor": 1})
            desktop = browser.new_context(**place, **DESKTOP)

            page = desktop.new_page()
            sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
            saved.append(_save(page, folder, "desktop-today"))

            page = phone.new_page()
            sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
            saved.append(_save(page, folder, "today"))
            page.goto("/walks/new")
            saved.append(_save(page, folder, "plan"))
            _start_todays_walk(page)
            saved.append(_save(page, folder, "record"))
            page.goto("/walks/?show=done")
            saved.append(_save(page, folder, "walks"))
            for name, address in (
                ("follow-ups", "/follow-ups/"),
                ("inbox", "/notifications/"),
                ("more", "/more"),
            ):
                page.goto(address)
                saved.append(_save(page, folder, name))
            for name, role, address in (
                ("review", "coach", "/coaching/"),
                ("admin", "admin", "/admin/people"),
            ):
                page = phone.new_page()
                phone.clear_cookies()
                sign_in(page, pages.ROLES[role], DEMO_PASSWORD)
                page.goto(address)
                saved.append(_save(page, folder, name))
            saved += _leaderboard(phone, desktop, folder)
            browser.close()
    finally:
        live.stop()
    return saved


def every_page(app: Flask, folder: Path) -> list[Path]:
    """Every page each role reaches, phone and laptop, saved as ROLE-SIZE-NN.png."""
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    live = start_server(app)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**chromium_launch_args())
            place = {"base_url": live.url, "locale": "en-GB", "timezone_id": "Europe/London"}
            for role, email in pages.ROLES.items():
                client = app.test_client()
                client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
                addresses = list(pages.crawl(app, client, role).pages.values())
                for size, shape in (
                    ("phone", {**PHONE, "device_scale_factor": 1}),
                    ("laptop", DESKTOP),
                ):
                    context = browser.new_context(**place, **shape)
                    page = context.new_page()
                    sign_in(page, email, DEMO_PASSWORD)
                    for n, address in enumerate(addresses):
                        page.goto(address)
                        page.screenshot(
                            path=str(folder / f"{role}-{size}-{n:02d}.png"), full_page=True
                        )
                        saved.append(folder / f"{role}-{size}-{n:02d}.png")
                    context.close()
            browser.close()
    finally:
        live.stop()
    return saved


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gembawalk-screenshots-") as instance:
        app = build_demo_app(Path(instance))
        if sys.argv[1:2] == ["--every-page"] and len(sys.argv) == 3:
            app.config["WTF_CSRF_ENABLED"] = False  # the crawl's sign-in, through the test client
            paths = every_page(app, Path(sys.argv[2]))
        else:
            paths = take_screenshots(app)
        for path in paths:
            print(f"Saved {path} ({path.stat().st_size // 1024} KB)")
        with app.app_context():
            db.engine.dispose()  # close the SQLite file before its folder goes
    return 0


if __name__ == "__main__":
    sys.exit(main())
