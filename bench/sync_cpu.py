"""CPU a batch-synced observation costs in-process (no gunicorn, no HTTP): what the server
spends on it whatever else the machine is doing.

Run by `make bench` (or `python bench/sync_cpu.py --profile` for the hottest functions). 20
managers each send one walk and 50 observations in one POST /api/v1/sync through Flask's
test client, then everything again (the replay), on SQLite and, when BENCH_DATABASE_URL names
a database it may wipe, on PostgreSQL. It prints this process's CPU milliseconds an
observation for both passes and checks exactly once. Informative: no target of its own (the
throughput target is bench/sync.py's); it exits 1 only when a record is lost or doubled.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync as load  # noqa: E402  (bench/sync.py: the same devices and bodies)


def run(label: str, database_url: str, profile: bool) -> bool:
    from gembawalk import create_app

    emails = load.prepare(database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    share = load.OBSERVATIONS // load.DEVICES
    clients = []
    for email in emails:
        client = app.test_client()
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        response = client.post(
            "/api/v1/session",
            json={"email": email, "password": load.PASSWORD},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 200, response.status_code
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        device = load.Device.__new__(load.Device)
        load.Device.__init__(device, 0, email, share)
        records = [{"type": "walk", "uuid": device.walk_id, "body": device.walk}] + [
            {"type": "observation", "uuid": o, "body": b} for o, b in device.observations
        ]
        clients.append((client, token, records))

    def one_pass() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        for client, token, records in clients:
            for start in range(0, len(records), load.BATCH):
                response = client.post(
                    "/api/v1/sync",
                    json={"records": records[start : start + load.BATCH]},
                    headers={"X-CSRFToken": token},
                )
                assert response.status_code == 200, response.get_data(as_text=True)
                for result in response.get_json()["results"]:
                    assert result["status"] in (200, 201), result
        return time.perf_counter() - wall, time.process_time() - cpu

    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    first = one_pass()
    replay = one_pass()
    if profiler:
        profiler.disable()
    n = load.OBSERVATIONS
    print(f"\n{label}: {load.DEVICES} devices, {n} observations, batches in-process")
    for name, (wall, cpu) in (("first pass", first), ("replay", replay)):
        print(f"  {name:<11} {cpu * 1000 / n:6.2f} ms CPU an observation, "
              f"{n / wall:6.0f} observations/s wall")  # fmt: skip
    rows, distinct = load.count_observations(database_url)
    print(f"  stored      {rows} observation rows, {distinct} distinct ids")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return rows == distinct == n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="print cProfile's hottest calls")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gembawalk-bench-sync-cpu-"))
    os.environ["GEMBAWALK_INSTANCE"] = str(folder)
    ok = True
    if args.only != "postgresql":
        ok &= run("SQLite", f"sqlite:///{folder / 'cpu.sqlite'}", args.profile)
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres and args.only != "sqlite":
        ok &= run("PostgreSQL", postgres, args.profile)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
