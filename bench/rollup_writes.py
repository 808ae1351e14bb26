"""What keeping the engagement days costs a write: an observation added to a walk, through the
service, with the days kept (as the app runs) and with their listeners taken away.

Run by `make bench`. SQLite in a temporary folder always; PostgreSQL too when
BENCH_DATABASE_URL names a database it may wipe. Reports the CPU time (p50, p95) of one
`add_observation`: its own work and the driver's, whatever else the machine is doing.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from _page_timing import demo_app, run

ROUNDS = 200


def cpu_per_note(manager, walk, rounds: int) -> tuple[float, float]:
    from gembawalk.services.walks.observations import add_observation

    samples = []
    for n in range(rounds):
        start = time.process_time()
        add_observation(
            manager, walk.uuid, category="waste", waste_type="waiting", text=f"Queue {n}",
            observation_id=uuid.uuid4(),
        )  # fmt: skip
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=100)[94]


def measure(database_url: str) -> dict[str, tuple[float, float]]:
    from flask_sqlalchemy.session import Session as AppSession
    from sqlalchemy import event, select

    from gembawalk.extensions import db
    from gembawalk.models import Person
    from gembawalk.services.engagement import touched
    from gembawalk.services.walks import lifecycle as walks

    with demo_app(database_url) as app, app.app_context():
        manager = db.session.scalar(select(Person).where(Person.email == "manager@example.org"))
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
        plan = walks.WalkPlan(kind="gemba_walk", day=tomorrow, at=clock_time(9))
        walk = walks.plan_walk(manager, plan, start_now=True)
        cpu_per_note(manager, walk, 20)  # warm up
        results = {"days kept (as the app runs)": cpu_per_note(manager, walk, ROUNDS)}
        listeners = [
            ("before_flush", touched._before_flush),
            ("after_flush", touched._after_flush),
            ("before_commit", touched._before_commit),
        ]
        for name, listener in listeners:
            event.remove(AppSession, name, listener)
        try:
            results["days not kept"] = cpu_per_note(manager, walk, ROUNDS)
        finally:
            for name, listener in listeners:
                event.listen(AppSession, name, listener)
    return results


def report(label: str, results: dict[str, tuple[float, float]]) -> None:
    print(f"\n{label}: CPU of one observation added, {ROUNDS} times each")
    print(f"  {'':<28} {'p50 ms':>8} {'p95 ms':>8}")
    for name, (p50, p95) in results.items():
        print(f"  {name:<28} {p50:>8.2f} {p95:>8.2f}")


if __name__ == "__main__":
    sys.exit(run(measure, show=report))
