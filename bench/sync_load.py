"""Many phones syncing at once, with faults: nothing acknowledged is lost or stored twice.

32 clients (threads), each signed in as its own manager, PUT comments with fresh UUIDs for
DURATION seconds against gunicorn with 4 workers, as the offline outbox does: a CSRF token per
batch, and a retry of the same UUID after any failure (connection lost, 5xx) until the server
acknowledges it (201, or 200 for "already have it"). Then every acknowledged UUID must be in
the database exactly once, and nothing unacknowledged may be there either.

Scenarios (each on SQLite, and on PostgreSQL when BENCH_DATABASE_URL names a database it may
wipe):
  plain      the load alone: no 5xx and no "database is locked" allowed
  kill       `kill -9` of one gunicorn worker 10 s in (the master starts a new one)
  terminate  PostgreSQL only: pg_terminate_backend of every app connection 10 s in

    .venv/bin/python bench/sync_load.py                    # plain and kill, SQLite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/sync_load.py                # and PostgreSQL, terminate too
    SYNC_SECONDS=10 SYNC_CLIENTS=8 .venv/bin/python bench/sync_load.py   # shorter
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("SYNC_CLIENTS", "32"))
DURATION = float(os.environ.get("SYNC_SECONDS", "30"))
WORKERS = 4
PASSWORD = "bench load passphrase 2026"  # noqa: S105  (throwaway bench accounts)
FAULT_AT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database_url: str, instance: Path) -> list[tuple[str, str]]:
    """Schema, and one manager with a done walk per client: [(email, walk uuid)]."""
    os.environ["GEMBAWALK_INSTANCE"] = str(instance)
    from datetime import UTC, datetime, timedelta

    from flask_migrate import upgrade
    from sqlalchemy import text

    from gembawalk import create_app
    from gembawalk.extensions import db
    from gembawalk.models import OrgUnit, Person, PersonRole, Role, Walk, WalkKind, WalkStatus
    from gembawalk.services.people.passwords import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    accounts = []
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        unit = OrgUnit(name="Load")
        db.session.add(unit)
        hashed = hash_password(PASSWORD)
        done = datetime.now(UTC) - timedelta(hours=2)
        for n in range(CLIENTS):
            person = Person(
                email=f"load{n}@example.org",
                display_name=f"Load {n}",
                password_hash=hashed,
                org_unit=unit,
                role_rows=[PersonRole(role=Role.MANAGER)],
            )
            walk = Walk(
                uuid=uuid.uuid4(),
                manager=person,
                kind=WalkKind.GEMBA_WALK,
                planned_start=done,
                started_at=done,
                completed_at=done + timedelta(hours=1),
                timezone="Europe/London",
                status=WalkStatus.DONE,
            )
            db.session.add_all([person, walk])
            accounts.append((person.email, str(walk.uuid)))
        db.session.commit()
        db.engine.dispose()
    return accounts


def start_server(database_url: str, instance: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "GEMBAWALK_INSTANCE": str(instance),
        # Every client signs in from 127.0.0.1: the per-address limit is for real attackers.
        "GEMBAWALK_SIGN_IN_LIMIT_ADDRESS": "10000 per minute",
    }
    env.pop("GEMBAWALK_ENV", None)
    server = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--no-control-socket",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "gembawalk:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/csrf", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + (server.stderr.read() if server.stderr else ""))


class Phone(threading.Thread):
    """One client: sign in, then PUT comments until time is up, retrying each until acked."""

    def __init__(self, base: str, email: str, walk_id: str, go: threading.Event):
        super().__init__(daemon=True)
        self.base, self.email, self.walk_id, self.go = base, email, walk_id, go
        self.stop_at = 0.0
        self.ready = threading.Event()
        self.acked: list[str] = []
        self.statuses: Counter[int | str] = Counter()
        self.latencies: list[float] = []
        self.locked = 0
        self.retries = 0
        self.http = requests.Session()

    def signed_in(self) -> str:
        """Sign in (again, after a fault) and return a fresh CSRF token."""
        while True:
            try:
                token = self.http.get(f"{self.base}/api/v1/csrf", timeout=10).json()["csrf_token"]
                answer = self.http.post(
                    f"{self.base}/api/v1/session",
                    json={"email": self.email, "password": PASSWORD},
                    headers={"X-CSRFToken": token},
                    timeout=10,
                )
                if answer.status_code == 200:
                    return self.http.get(f"{self.base}/api/v1/csrf", timeout=10).json()[
                        "csrf_token"
                    ]
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.2)

    def run(self) -> None:
        # Signing in (argon2, slow on purpose) happens before the clock starts: the load is
        # the syncing, as on phones that signed in long ago.
        token = self.signed_in()
        self.ready.set()
        self.go.wait()
        while time.monotonic() < self.stop_at:
            comment_id = str(uuid.uuid4())
            body = {"walk_id": self.walk_id, "body": f"Seen by {self.email} {comment_id}"}
            while True:  # the outbox keeps the same UUID until the server acknowledges it
                start = time.perf_counter()
                try:
                    answer = self.http.put(
                        f"{self.base}/api/v1/comments/{comment_id}",
                        json=body,
                        headers={"X-CSRFToken": token},
                        timeout=30,
                    )
                except requests.RequestException:
                    self.statuses["connection lost"] += 1
                    self.retries += 1
                    time.sleep(0.1)
                    continue
                self.latencies.append((time.perf_counter() - start) * 1000)
                self.statuses[answer.status_code] += 1
                if "database is locked" in answer.text:
                    self.locked += 1
                if answer.status_code in (200, 201):
                    self.acked.append(comment_id)
                    break
                self.retries += 1
                if answer.status_code in (400, 401):  # session or token lost with a worker
                    token = self.signed_in()
                else:
                    time.sleep(float(answer.headers.get("Retry-After", "0.2")))


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(  # noqa: S603
        ["/usr/bin/pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in out.stdout.split()]


def terminate_connections(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    engine.dispose()
    return killed or 0


def stored(database_url: str) -> Counter[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = [str(uuid.UUID(str(r[0]))) for r in conn.execute(text("SELECT uuid FROM comments"))]
    engine.dispose()
    return Counter(rows)


def scenario(label: str, database_url: str, fault: str) -> bool:
    instance = Path(tempfile.mkdtemp(prefix="gw-sync-"))
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{instance / 'sync.sqlite'}"
    accounts = prepare(database_url, instance)
    port = free_port()
    server = start_server(database_url, instance, port)
    base = f"http://127.0.0.1:{port}"
    go = threading.Event()
    phones = [Phone(base, email, walk, go) for email, walk in accounts]
    fault_note = ""
    try:
        for phone in phones:
            phone.start()
        for phone in phones:
            phone.ready.wait(timeout=600)
        stop_at = time.monotonic() + DURATION
        for phone in phones:
            phone.stop_at = stop_at
        go.set()
        if fault != "plain":
            time.sleep(FAULT_AT)
            if fault == "kill":
                victim = worker_pids(server.pid)[0]
                os.kill(victim, signal.SIGKILL)
                fault_note = f"killed worker {victim}"
            else:
                fault_note = f"terminated {terminate_connections(database_url)} connections"
        for phone in phones:
            phone.join(timeout=DURATION + 120)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    acked = Counter(uuid for phone in phones for uuid in phone.acked)
    rows = stored(database_url)
    statuses = sum((phone.statuses for phone in phones), Counter())
    latencies = sorted(ms for phone in phones for ms in phone.latencies)
    locked = sum(phone.locked for phone in phones)
    server_errors = sum(n for code, n in statuses.items() if isinstance(code, int) and code >= 500)
    duplicates = sum(1 for n in rows.values() if n > 1)
    lost = sum(1 for uuid in acked if uuid not in rows)
    unacked = sum(1 for uuid in rows if uuid not in acked)
    p50 = statistics.median(latencies) if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95)] if latencies else 0
    print(
        f"{label:<11} {fault:<9} {len(acked):>6} acked ({len(acked) / DURATION:5.0f}/s)  "
        f"p50 {p50:5.1f} ms  p95 {p95:6.1f} ms  5xx {server_errors}  locked {locked}  "
        f"retries {sum(p.retries for p in phones)}  lost {lost}  twice {duplicates}  "
        f"unacked stored {unacked}  {fault_note}"
    )
    print(f"{'':<21} answers: {dict(statuses)}")
    ok = lost == 0 and duplicates == 0 and locked == 0
    if fault == "plain":
        ok = ok and server_errors == 0
    if fault != "plain":
        # A stored-but-unacknowledged row would mean a retry was never made; each must be acked.
        ok = ok and unacked == 0
    return ok


def main() -> int:
    print(f"{CLIENTS} clients, {DURATION:.0f} s each scenario, gunicorn -w {WORKERS}")
    runs = [("SQLite", "sqlite", "plain"), ("SQLite", "sqlite", "kill")]
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url:
        runs += [("PostgreSQL", url, "plain"), ("PostgreSQL", url, "kill")]
        runs += [("PostgreSQL", url, "terminate")]
    else:
        print("(PostgreSQL skipped: set BENCH_DATABASE_URL to a database this may wipe)")
    results = [scenario(label, url, fault) for label, url, fault in runs]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
