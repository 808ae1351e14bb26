"""A cluster on loopback: two app hosts behind nginx, sharing PostgreSQL, Redis and S3.

Run by `make bench` (and by tests/test_cluster.py). It makes a PostgreSQL database of its own
(127.0.0.1:5432, user postgres), starts SeaweedFS (S3), an SMTP sink, two gunicorn hosts A and
B (separate processes, ports and instance folders, one SECRET_KEY, in production mode) and
nginx in front of them, configured with the README's example block (bench/_cluster.py), loads
the demo from host A, and checks, printing each check and its figures:

  session     a device signed in through A is signed in on B (its CSRF token too)
  sign-in     the sign-in limit is one count: failures through A and B add up to one 429
  photo       a photo sent through A is served by B, the same bytes and ETag
  scheduled   `flask run-scheduled` on both hosts at once sends each digest once
  throughput  requests a second through nginx to both hosts, and to one host alone
              (signed-in GET /api/v1/me)
  kill        devices send batches through nginx; host A is killed (SIGKILL, master and
              workers) once the first records are stored; each device whose batch was not
              acknowledged sends the whole batch again through nginx, which reaches B: every
              observation is stored exactly once, and still once after every device sends
              its batch again

It exits 1 when a check fails, 0 when all pass (and 0 when nginx, Redis, PostgreSQL or
SeaweedFS is missing: it says which and checks nothing; tests/test_cluster.py skips then).

    .venv/bin/python bench/cluster.py
    CLUSTER_DEVICES=4 CLUSTER_SECONDS=2 .venv/bin/python bench/cluster.py   # smaller
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _cluster import Cluster, Device, free_port, missing  # noqa: E402

DEVICES = int(os.environ.get("CLUSTER_DEVICES", "8"))
RECORDS = int(os.environ.get("CLUSTER_RECORDS", "200"))  # a batch: the walk and its observations
SECONDS = float(os.environ.get("CLUSTER_SECONDS", "5"))  # the throughput measurement
WORKERS = int(os.environ.get("CLUSTER_WORKERS", "2"))  # gunicorn workers on each host
CLIENTS = 8  # threads asking through nginx at once for the throughput figure
MANAGER, PASSWORD = "manager@example.org", "gemba-demo"  # noqa: S105  (the demo's sign-in)
GUESSED = "coach@example.org"  # the account whose password is guessed wrong


class Failed(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def signed_in(port: int) -> Device:
    device = Device(port)
    status = device.sign_in(MANAGER, PASSWORD)
    check(status == 200, f"sign-in through port {port} answered {status}")
    return device


def walk_body(minutes_ago: int = 30) -> dict:
    start = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).replace(microsecond=0)
    return {
        "kind": "gemba_walk",
        "status": "in_progress",
        "planned_start": start.isoformat(),
        "started_at": start.isoformat(),
        "place": "Cluster line",
    }


def observation_body(walk_id: str, n: int) -> dict:
    made = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20) + timedelta(seconds=n)
    return {
        "walk_id": walk_id,
        "category": "waste",
        "waste_type": "waiting",
        "said_by": "frontline",
        "text": f"Pallet {n} waited for a forklift",
        "made_at": made.isoformat(),
    }


# --- the checks ---------------------------------------------------------------------------------


def session_is_shared(cluster: Cluster) -> str:
    a, b = cluster.hosts
    on_a = signed_in(a.port)
    token = on_a.token()
    on_b = on_a.at(b.port)
    status, me, _ = on_b.request("GET", "/api/v1/me")
    check(status == 200, f"B answered {status} to the session made on A")
    check(me.get("email") == MANAGER, f"B took the session for {me!r}")  # type: ignore[union-attr]
    walk_id = str(uuid.uuid4())
    status, _, _ = on_b.request("PUT", f"/api/v1/walks/{walk_id}", walk_body(), token)
    check(status == 201, f"B answered {status} to a PUT with A's CSRF token")
    through = on_a.at(cluster.nginx_port)
    answers = Counter(through.request("GET", "/api/v1/me")[0] for _ in range(10))
    check(answers == {200: 10}, f"through nginx: {dict(answers)}")
    return "signed in on A; /api/v1/me on B 200; A's CSRF token taken by B; 10/10 via nginx"


def sign_in_limit_is_shared(cluster: Cluster) -> str:
    hosts = cluster.hosts
    answers = []
    for attempt in range(12):
        host = hosts[attempt % 2]
        status = Device(host.port).sign_in(GUESSED, "not the password")
        answers.append(f"{host.name}:{status}")
        if status == 429:
            break
    failures = sum(1 for a in answers if a.endswith(":401"))
    check(answers[-1].endswith(":429"), f"never refused: {answers}")
    others = [Device(h.port).sign_in(GUESSED, "not the password") for h in hosts]
    check(others == [429, 429], f"after the limit, A and B answered {others}")
    return (
        f"{failures} failures across A and B, then 429 on both ({' '.join(answers)}); "
        "counted in PostgreSQL (the audit log), Redis holding no limit"
    )


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 30)).save(out, format="JPEG")
    return out.getvalue()


def photo_is_served_by_the_other_host(cluster: Cluster) -> str:
    a, b = cluster.hosts
    on_a = signed_in(a.port)
    token = on_a.token()
    walk_id, observation_id, photo_id = (str(uuid.uuid4()) for _ in range(3))
    status, _, _ = on_a.request("PUT", f"/api/v1/walks/{walk_id}", walk_body(), token)
    check(status == 201, f"walk on A: {status}")
    status, _, _ = on_a.request(
        "PUT", f"/api/v1/observations/{observation_id}", observation_body(walk_id, 0), token
    )
    check(status == 201, f"observation on A: {status}")
    status, answer, _ = on_a.request(
        "PUT", f"/api/v1/observations/{observation_id}/photos/{photo_id}",
        raw=jpeg(), content_type="image/jpeg", token=token,
    )  # fmt: skip
    check(status == 201, f"photo on A: {status} {answer!r}")
    _, from_a, head_a = on_a.request("GET", f"/api/v1/photos/{photo_id}")
    status, from_b, head_b = on_a.at(b.port).request("GET", f"/api/v1/photos/{photo_id}")
    check(status == 200, f"B answered {status} for the photo sent through A")
    check(from_b == from_a, "B served other bytes than A")
    check(head_b.get("etag") == head_a.get("etag"), "B gave another ETag")
    return f"{len(from_b)} bytes, ETag {head_b.get('etag')} on both"  # type: ignore[arg-type]


def digests_are_sent_once(cluster: Cluster, inbox) -> str:
    def both(command: str) -> list[str]:
        runs = [host.flask(command) for host in cluster.hosts]
        outputs = [run.communicate(timeout=300)[0] for run in runs]
        codes = [run.returncode for run in runs]
        check(codes == [0, 0], f"{command} exited {codes}: {outputs}")
        return outputs

    outputs = both("run-scheduled")
    said = [line for out in outputs for line in out.splitlines() if line.startswith("digests")]
    if not inbox.messages and any("not due" in line for line in said):
        # Monday before 07:00: the week's digests are not due yet; send them now, as the
        # command for it does, on both hosts at once all the same.
        outputs = both("send-digests")
        said = [line for out in outputs for line in out.splitlines() if line.startswith("digests")]
    sent = Counter(address for rcpt, _ in inbox.messages for address in rcpt)
    check(bool(sent), f"no digest was sent: {said}")
    twice = {address: n for address, n in sent.items() if n > 1}
    check(not twice, f"sent more than once: {twice}")
    return f"{len(sent)} digests, each once; A and B said: {' | '.join(said)}"


def throughput(cluster: Cluster) -> str:
    through = requests_per_second(cluster.nginx_port)
    alone = requests_per_second(cluster.hosts[1].port)
    return (
        f"{through:.0f} requests/s through nginx to 2 hosts, {alone:.0f} to host B alone "
        f"(signed-in GET /api/v1/me, {CLIENTS} clients, {SECONDS:.0f} s each, "
        f"{WORKERS} workers a host; load average {os.getloadavg()[0]:.1f})"
    )


def requests_per_second(port: int) -> float:
    devices = [signed_in(port) for _ in range(CLIENTS)]
    counts: Counter[int] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def ask(device: Device) -> None:
        mine: Counter[int] = Counter()
        while time.monotonic() < stop:
            mine[device.request("GET", "/api/v1/me")[0]] += 1
        with lock:
            counts.update(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=ask, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    check(set(counts) == {200}, f"answers through port {port}: {dict(counts)}")
    return sum(counts.values()) / elapsed


def stored(cluster: Cluster, ids: list[str]) -> tuple[int, int]:
    import psycopg

    url = cluster.database_url.replace("+psycopg", "")
    with psycopg.connect(url) as connection:
        rows, distinct = connection.execute(
            "SELECT count(*), count(DISTINCT uuid) FROM observations WHERE uuid = ANY(%s)",
            ([uuid.UUID(i) for i in ids],),
        ).fetchone()  # type: ignore[misc]
    return rows, distinct


class Phone:
    """A device with one batch in its outbox: a walk and its observations."""

    def __init__(self, port: int):
        self.device = signed_in(port)
        self.token = self.device.token()
        walk_id = str(uuid.uuid4())
        self.observations = [str(uuid.uuid4()) for _ in range(RECORDS - 1)]
        self.records = [{"type": "walk", "uuid": walk_id, "body": walk_body()}] + [
            {"type": "observation", "uuid": oid, "body": observation_body(walk_id, n)}
            for n, oid in enumerate(self.observations)
        ]
        self.acknowledged = False
        self.answers: list[str] = []

    def send(self) -> None:
        """POST the whole batch; acknowledged only when every record's result is 200 or 201."""
        try:
            status, answer, _ = self.device.request(
                "POST", "/api/v1/sync", {"records": self.records}, self.token
            )
        except OSError as error:
            self.answers.append(type(error).__name__)
            return
        self.answers.append(str(status))
        if status == 200:
            results = [r["status"] for r in answer["results"]]  # type: ignore[index]
            self.acknowledged = all(code in (200, 201) for code in results)


def killing_a_host_mid_sync_loses_nothing(cluster: Cluster) -> str:
    a = cluster.hosts[0]
    phones = [Phone(cluster.nginx_port) for _ in range(DEVICES)]
    ids = [oid for phone in phones for oid in phone.observations]
    killed_at: list[int] = []
    sent = threading.Event()

    def kill_when_storing() -> None:
        while not sent.is_set():
            rows, _ = stored(cluster, ids)
            if rows:
                a.kill()
                killed_at.append(rows)
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=kill_when_storing)
    watcher.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=p.send) for p in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.set()
    watcher.join()
    first = time.perf_counter() - started
    answers = Counter(p.answers[0] for p in phones)
    check(bool(killed_at), f"A never killed: {stored(cluster, ids)} stored, {dict(answers)}")
    cut = [p for p in phones if not p.acknowledged]
    before = stored(cluster, ids)
    check(bool(cut), "every batch finished before A died: the kill proved nothing")
    started = time.perf_counter()
    # Each outbox's retry, at once: the whole batch again, through nginx, which reaches B.
    retries = [threading.Thread(target=p.send) for p in cut]
    for thread in retries:
        thread.start()
    for thread in retries:
        thread.join()
    retry = time.perf_counter() - started
    still = [p.answers for p in cut if not p.acknowledged]
    check(not still, f"batches still refused after the retry: {still}")
    rows, distinct = stored(cluster, ids)
    check(rows == distinct == len(ids), f"{rows} rows, {distinct} distinct, {len(ids)} sent")
    # And every batch once more, as outboxes that never heard their answers: all taken as
    # repeats, nothing stored again.
    for phone in phones:
        phone.acknowledged = False
        phone.send()
    check(all(p.acknowledged for p in phones), "a repeat of an acknowledged batch was refused")
    check(stored(cluster, ids) == (rows, distinct), f"a repeat stored more: {stored(cluster, ids)}")
    return (
        f"{DEVICES} devices x {RECORDS} records; A killed at {killed_at[0]} observations "
        f"stored; first answers {dict(answers)}; {before[0]} stored before the retry; "
        f"{len(cut)} batches retried through nginx -> B in {retry:.2f} s "
        f"({len(cut) * RECORDS / retry:.0f} records/s); {rows} stored, each once, and "
        f"still after every batch was sent again (first pass {first:.2f} s)"
    )


def main() -> int:
    lacks = missing()
    if lacks:
        print("Cluster checks skipped: this machine lacks " + "; ".join(lacks))
        return 0
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    inbox = Inbox()
    mail = Controller(inbox, hostname="127.0.0.1", port=free_port())
    mail.start()
    folder = Path(tempfile.mkdtemp(prefix="gembawalk-cluster-"))
    cluster = Cluster(folder)
    checks: list[tuple[str, Callable[[], str]]] = [
        ("session", lambda: session_is_shared(cluster)),
        ("sign-in", lambda: sign_in_limit_is_shared(cluster)),
        ("photo", lambda: photo_is_served_by_the_other_host(cluster)),
        ("scheduled", lambda: digests_are_sent_once(cluster, inbox)),
        ("throughput", lambda: throughput(cluster)),
        ("kill", lambda: killing_a_host_mid_sync_loses_nothing(cluster)),
    ]
    failed = []
    try:
        started = time.perf_counter()
        cluster.start(WORKERS, mail.port)
        hosts = ", ".join(f"{h.name} :{h.port}" for h in cluster.hosts)
        print(
            f"Cluster up in {time.perf_counter() - started:.1f} s: nginx :{cluster.nginx_port} "
            f"-> {hosts} ({WORKERS} workers each); PostgreSQL {cluster.database}; "
            f"S3 {cluster.s3.endpoint}; Redis; SMTP :{mail.port}"  # type: ignore[attr-defined]
        )
        for name, run in checks:
            try:
                print(f"ok    {name:<10} {run()}", flush=True)
            except Failed as error:
                failed.append(name)
                print(f"FAIL  {name:<10} {error}", flush=True)
    finally:
        cluster.stop()
        mail.stop()
    if failed:
        print(f"Cluster checks failed: {', '.join(failed)} (logs in {folder}, nginx's in "
              f"{cluster.nginx_prefix})")  # fmt: skip
        return 1
    cluster.remove_files()
    load = os.getloadavg()[0]
    print(f"Cluster checks: all passed (load average {load:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
