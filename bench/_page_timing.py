"""Shared by the page benchmarks: the demo organisation, the timing loop, the report and main.

Not a benchmark itself: `make bench` skips bench/_*.py. A benchmark supplies one function,
`measure(database_url) -> {page name: (p50 ms, p95 ms)}`, built from `demo_app`, `signed_in`
and `time_pages`, and ends with `sys.exit(run(measure))`. gembawalk is imported inside the
functions so that `run` can point GEMBAWALK_INSTANCE at a temporary folder first.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROUNDS = 200

Results = dict[str, tuple[float, float]]


@contextmanager
def demo_app(database_url: str) -> Iterator:
    """The app on a freshly migrated database holding the demo organisation.

    On PostgreSQL the public schema is dropped first, so name a database it may wipe.
    """
    from flask_migrate import upgrade
    from sqlalchemy import text

    from gembawalk import create_app
    from gembawalk.demo.load import load_demo
    from gembawalk.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        load_demo()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def signed_in(app, email: str):
    """A test client signed in as one of the demo people."""
    from gembawalk.demo.texts import PASSWORD

    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": PASSWORD})
    return client


def time_pages(client, pages: dict[str, str]) -> Results:
    """p50 and p95 in milliseconds of ROUNDS requests to each page, after one to warm up."""
    results = {}
    for name, path in pages.items():
        client.get(path)  # warm caches and the asset build
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        cuts = statistics.quantiles(samples, n=100)
        results[name] = (statistics.median(samples), cuts[94])
    return results


def report(label: str, results: Results) -> None:
    width = max(len(name) for name in results) + 2
    print(f"\n{label}: server-side time over {ROUNDS} requests each (demo organisation)")
    print(f"  {'page':<{width}} {'p50 ms':>8} {'p95 ms':>8}")
    for name, (p50, p95) in results.items():
        print(f"  {name:<{width}} {p50:>8.1f} {p95:>8.1f}")


def run(measure: Callable[[str], Results], show: Callable[[str, Results], None] = report) -> int:
    """SQLite in a temporary folder always; PostgreSQL too when BENCH_DATABASE_URL is set."""
    folder = Path(tempfile.mkdtemp(prefix="gembawalk-bench-"))
    os.environ["GEMBAWALK_INSTANCE"] = str(folder)
    show("SQLite", measure(f"sqlite:///{folder / 'bench.sqlite'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres:
        show("PostgreSQL", measure(postgres))
    else:
        print("\nPostgreSQL: skipped (set BENCH_DATABASE_URL to a database it may wipe)")
    return 0
