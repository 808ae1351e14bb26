"""A phone's outbox drains over a slow link: 100 observations, 300 ms round trips.

Run by `make bench`. A manager's phone (Chromium through Playwright, the app installed, its
service worker in control) records 100 observations on a walk in progress with no signal.
Then the signal returns over a link with 300 ms round trips (Chromium's network emulation,
Network.emulateNetworkConditions through a CDP session) and the outbox drains. It times how
long until every record is confirmed sent, in batches (POST /api/v1/sync) and, for
comparison, against a server without batches (404: one PUT each), checks every observation
is stored exactly once, and exits 1 when the batches take 2 s or more. The app is served by
werkzeug in this process, on SQLite in a temporary folder.

    .venv/bin/python bench/outbox_drain.py            # both ways
    .venv/bin/python bench/outbox_drain.py --only batch
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OBSERVATIONS = 100
LATENCY_MS = 300  # Chromium adds it to each request's round trip
# A phone's mobile link (about 10 Mbit/s each way): the round trips, not the bytes, dominate.
THROUGHPUT = 10_000_000 / 8
TARGET_SECONDS = 2.0
PASSWORD = "bench drain passphrase 2026"  # noqa: S105  (a throwaway bench account)

FILL = """async ([walkUuid, n]) => {
  const me = await Gemba.store.getMeta('me');
  for (let i = 0; i < n; i++) {
    await Gemba.capture.addObservation(walkUuid,
      {category: 'waste', waste_type: 'waiting', text: 'Pallet ' + i + ' waited'}, [], me.id);
  }
  return (await Gemba.store.records()).filter(r => r.state === 'pending').length;
}"""
ALL_SENT = """async () => (await Gemba.store.records()).every(r => r.state === 'sent')"""


def prepare(database_url: str):
    """The app on an empty, migrated database with one manager and a walk in progress."""
    from datetime import UTC, datetime, timedelta

    from flask_migrate import upgrade

    from gembawalk import create_app
    from gembawalk.extensions import db
    from gembawalk.models import OrgUnit, Person, PersonRole, Role, Walk, WalkKind, WalkStatus
    from gembawalk.services.people.passwords import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        now = datetime.now(UTC)
        manager = Person(
            email="drain@bench.example.org",
            display_name="Drain Bench",
            password_hash=hash_password(PASSWORD),
            org_unit=OrgUnit(name="Goods in"),
            role_rows=[PersonRole(role=Role.MANAGER)],
        )
        walk = Walk(
            manager=manager,
            kind=WalkKind.GEMBA_WALK,
            status=WalkStatus.IN_PROGRESS,
            planned_start=now - timedelta(minutes=20),
            started_at=now - timedelta(minutes=20),
            timezone="UTC",
            planned_minutes=60,
            place="Goods in",
            purpose="",
            frontline_met="",
            summary="",
            unplanned=True,
            version=1,
        )
        db.session.add(walk)
        db.session.commit()
        walk_uuid = str(walk.uuid)
    return app, walk_uuid


def observations_stored(app) -> tuple[int, int]:
    from sqlalchemy import func, select

    from gembawalk.extensions import db
    from gembawalk.models import Observation

    with app.app_context():
        rows = db.session.scalar(select(func.count(Observation.id)))
        distinct = db.session.scalar(select(func.count(func.distinct(Observation.uuid))))
        db.session.remove()
    return rows, distinct


def drain(browser, base_url: str, walk_uuid: str, batches: bool) -> tuple[float, int, int]:
    """Fill a phone's outbox offline, bring the slow link up, and time the drain; the
    seconds, and how many requests carried records."""
    from tests.browser import PHONE, sign_in

    context = browser.new_context(**PHONE, service_workers="allow", base_url=base_url)
    sent: list[str] = []
    context.on(
        "request",
        lambda r: sent.append(r.url) if r.method in ("PUT", "POST") and "/api/v1/" in r.url else 0,
    )
    if not batches:
        context.route(
            "**/api/v1/sync", lambda route: route.fulfill(status=404, json={"error": "No"})
        )
    page = context.new_page()
    sign_in(page, "drain@bench.example.org", PASSWORD)
    page.goto(f"/walks/{walk_uuid}")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function("async () => !!(await Gemba.store.getMeta('pulledAt'))")
    page.wait_for_timeout(500)  # let the start-up flush and pull settle
    sent.clear()

    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", offline)
    waiting = page.evaluate(FILL, [walk_uuid, OBSERVATIONS])
    assert waiting == OBSERVATIONS, waiting

    slow = {
        "offline": False,
        "latency": LATENCY_MS,
        "downloadThroughput": THROUGHPUT,
        "uploadThroughput": THROUGHPUT,
    }
    started = time.perf_counter()
    cdp.send("Network.emulateNetworkConditions", slow)  # the page hears `online` and flushes
    while not page.evaluate(ALL_SENT):
        page.wait_for_timeout(20)
        if time.perf_counter() - started > 120:
            raise AssertionError("the outbox did not drain within 2 minutes")
    elapsed = time.perf_counter() - started
    requests = len(sent)
    context.close()
    return elapsed, requests, waiting


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("batch", "single"), help="time one way only")
    ways = [parser.parse_args().only] if parser.parse_args().only else ["batch", "single"]

    from playwright.sync_api import sync_playwright

    from tests.browser import chromium_launch_args, start_server

    folder = Path(tempfile.mkdtemp(prefix="gembawalk-bench-drain-"))
    os.environ["GEMBAWALK_INSTANCE"] = str(folder)
    print(
        f"\nOutbox drain: {OBSERVATIONS} observations, {LATENCY_MS} ms round trips, "
        f"{THROUGHPUT * 8 / 1e6:.0f} Mbit/s each way (Chromium's network emulation)"
    )
    missed = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_args())
        for way in ways:
            app, walk_uuid = prepare(f"sqlite:///{folder / f'drain-{way}.sqlite'}")
            live = start_server(app)
            try:
                seconds, requests, waiting = drain(browser, live.url, walk_uuid, way == "batch")
            finally:
                live.stop()
            rows, distinct = observations_stored(app)
            label = "in batches (POST /api/v1/sync)" if way == "batch" else "one PUT each (404)"
            print(f"  {label:34} {seconds:6.2f} s  {requests:4} requests with records")
            assert rows == distinct == waiting, f"stored {rows} rows, {distinct} distinct ids"
            if way == "batch" and seconds >= TARGET_SECONDS:
                missed = True
        browser.close()
    if missed:
        print(f"Target missed: the batches must drain in under {TARGET_SECONDS:.0f} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
