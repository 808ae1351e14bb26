"""Server-side time of the manager's pages on the demo organisation: p50 and p95.

Run by `make bench`. SQLite in a temporary folder always; PostgreSQL too when
BENCH_DATABASE_URL names a database it may wipe (e.g. postgresql+psycopg://postgres@127.0.0.1/bench).
Times are measured inside the process (Flask test client), so they hold the app's own work:
routing, queries, templates. No network, no browser.
"""

from __future__ import annotations

import sys

from _page_timing import Results, demo_app, run, signed_in, time_pages


def measure(database_url: str) -> Results:
    from gembawalk.extensions import db
    from gembawalk.models import Person, Walk, WalkStatus

    with demo_app(database_url) as app:
        with app.app_context():
            done = db.session.scalar(
                db.select(Walk.uuid)
                .join(Walk.manager)
                .where(Person.email == "manager@example.org", Walk.status == WalkStatus.DONE)
                .limit(1)
            )
        pages = {
            "Today": "/",
            "My walks (upcoming)": "/walks/",
            "My walks (done)": "/walks/?show=done",
            "Plan a walk": "/walks/new",
            "A done walk": f"/walks/{done}",
        }
        return time_pages(signed_in(app, "manager@example.org"), pages)


if __name__ == "__main__":
    sys.exit(run(measure))
