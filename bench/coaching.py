"""Server-side time of the coaching pages on the demo organisation: p50 and p95.

Run by `make bench`. SQLite in a temporary folder always; PostgreSQL too when
BENCH_DATABASE_URL names a database it may wipe. Measured in process (Flask test client):
routing, queries and templates, no network. The walk measured is the coach's oldest waiting
one, with its observations, comment threads and follow-ups.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 200


def measure(database_url: str) -> dict[str, tuple[float, float]]:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from gembawalk import create_app
    from gembawalk.extensions import db
    from gembawalk.services import coaching, people
    from gembawalk.services.demo import load_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        load_demo()
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
        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": "gemba-demo"})
        for name, path in paths.items():
            client.get(path)  # warm caches and the asset build
            samples = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            cuts = statistics.quantiles(samples, n=100)
            results[name] = (statistics.median(samples), cuts[94])
    with app.app_context():
        db.engine.dispose()
    return results


def report(label: str, results: dict[str, tuple[float, float]]) -> None:
    print(f"\n{label}: server-side time over {ROUNDS} requests each (demo organisation)")
    print(f"  {'page':<24} {'p50 ms':>8} {'p95 ms':>8}")
    for name, (p50, p95) in results.items():
        print(f"  {name:<24} {p50:>8.1f} {p95:>8.1f}")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="gembawalk-bench-"))
    os.environ["GEMBAWALK_INSTANCE"] = str(folder)
    report("SQLite", measure(f"sqlite:///{folder / 'bench.sqlite'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres:
        report("PostgreSQL", measure(postgres))
    else:
        print("\nPostgreSQL: skipped (set BENCH_DATABASE_URL to a database it may wipe)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
