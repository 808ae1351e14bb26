"""Server-side time of the coaching pages on the demo organisation: p50 and p95.

Run by `make bench`. SQLite in a temporary folder always; PostgreSQL too when
BENCH_DATABASE_URL names a database it may wipe. Measured in process (Flask test client):
routing, queries and templates, no network. The walk measured is the coach's oldest waiting
one, with its observations, comment threads and follow-ups.
"""

from __future__ import annotations

import sys

from _page_timing import Results, demo_app, run, signed_in, time_pages


def measure(database_url: str) -> Results:
    from gembawalk.services import coaching
    from gembawalk.services.people import accounts as people

    with demo_app(database_url) as app:
        with app.app_context():
            waiting = coaching.review_queue(people.find_by_email("coach@example.org")).walks[0].uuid
        pages = {
            "coach@example.org": {
                "Review queue": "/coaching/",
                "A walk to review": f"/walks/{waiting}",
                "Inbox (coach)": "/notifications/",
            },
            "manager@example.org": {
                "My follow-ups (open)": "/follow-ups/",
                "My follow-ups (closed)": "/follow-ups/?show=closed",
                "Inbox (manager)": "/notifications/",
            },
            "director@example.org": {"Closure rates": "/follow-ups/rates"},
        }
        results = {}
        for email, paths in pages.items():
            results |= time_pages(signed_in(app, email), paths)
        return results


if __name__ == "__main__":
    sys.exit(run(measure))
