"""What processing photos costs in memory: the peak resident size of re-encoding hostile
photos, several at once, as the server does when several phones sync together; and of serving
a large stored photo to several people at once, which must stream from the photo store (a
chunk at a time) rather than read the whole object.

Run by `make bench`. Each case runs in a fresh interpreter, where a thread samples the resident
size (Linux /proc/self/statm) every half millisecond while the photos are re-encoded: the
highest sample less the size before is the case's cost.
Exits non-zero when a case costs more than BUDGET_MB_PER_PHOTO for each photo at once, so that
a change that decodes whole again is caught (tests/test_bench.py runs it small), and when
serving costs more than SERVE_BUDGET_MB_PER_REQUEST a request (reading the object whole would
cost SERVED_MB at least).

    python bench/photo_memory.py [--at-once 4] [--budget 150] [--store URL]

--store serves from another photo store (e.g. s3://bucket/bench, with boto3's settings in the
environment); by default a folder in a temporary directory.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MB_PER_PHOTO = 64  # times --at-once
SERVED_MB = 32  # far larger than any photo the server stores, so that a whole read shows
SERVE_BUDGET_MB_PER_REQUEST = 8  # times --at-once


def _png(size: tuple[int, int], mode: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, 1 if mode in ("1", "P") else (40, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _jpeg(size: tuple[int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, format="JPEG", quality=60)
    return out.getvalue()


# name: (make the file, its Content-Type)
CASES = {
    "PNG 6,300 x 6,300, palette (116 KB)": (lambda: _png((6300, 6300), "P"), "image/png"),
    "PNG 6,300 x 6,300, one bit": (lambda: _png((6300, 6300), "1"), "image/png"),
    "PNG 2,560 x 1,600, RGBA (accepted)": (lambda: _png((2560, 1600), "RGBA"), "image/png"),
    "JPEG 7,700 x 5,190, 40 MP (accepted)": (lambda: _jpeg((7700, 5190)), "image/jpeg"),
    "JPEG 1,600 x 1,200, as a phone sends": (lambda: _jpeg((1600, 1200)), "image/jpeg"),
}


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_one(path: Path, content_type: str, at_once: int) -> None:
    """In a fresh interpreter: re-encode the file `at_once` times concurrently; print MB."""
    sys.path.insert(0, str(ROOT))
    from gembawalk.services import photos
    from gembawalk.services.errors import Invalid

    data = path.read_bytes()
    before = peak = _resident_mb()
    done = threading.Event()
    outcomes: list[str] = []

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _resident_mb())
            time.sleep(0.0005)

    def work() -> None:
        try:
            photos.reencode(data, content_type)
            outcomes.append("stored")
        except Invalid:
            outcomes.append("refused")

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=work) for _ in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    sampler.join()
    print(f"{peak - before:.0f} {outcomes[0] if outcomes else 'failed'}")


def measure_serving(at_once: int, store_url: str | None) -> None:
    """In a fresh interpreter: one manager's photo, its object replaced by SERVED_MB, served
    through the app to `at_once` clients at once, each reading the body as it arrives."""
    folder = Path(tempfile.mkdtemp(prefix="photo-memory-"))
    os.environ["GEMBAWALK_INSTANCE"] = str(folder)
    sys.path.insert(0, str(ROOT))
    import uuid
    from datetime import UTC, datetime

    from sqlalchemy import select

    from gembawalk import create_app
    from gembawalk.extensions import db
    from gembawalk.models import OrgUnit, Person, PersonRole, Photo, Role
    from gembawalk.services.people.passwords import hash_password
    from gembawalk.storage import photo_store

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
        "WTF_CSRF_ENABLED": False,
        "PHOTO_STORAGE_URL": store_url or (folder / "photos").as_uri(),
    })  # fmt: skip
    password = "bench-password-1234"  # noqa: S105  (a throwaway account)
    with app.app_context():
        db.create_all()
        db.session.add(Person(
            email="maya@bench.example.org", display_name="Maya",
            password_hash=hash_password(password), org_unit=OrgUnit(name="Bench depot"),
            role_rows=[PersonRole(role=Role.MANAGER)],
        ))  # fmt: skip
        db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"email": "maya@bench.example.org", "password": password})
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    walk, observation, photo_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    sent = [
        client.put(f"/api/v1/walks/{walk}", json={
            "kind": "gemba_walk", "status": "in_progress", "planned_start": now, "started_at": now,
            "place": "Dock", "purpose": "Bench", "customer_ids": []}),
        client.put(f"/api/v1/observations/{observation}", json={
            "walk_id": str(walk), "category": "good_practice", "said_by": "walker", "text": "Bench",
            "made_at": now}),
        client.put(f"/api/v1/observations/{observation}/photos/{photo_id}",
                   data=_jpeg((64, 48)), headers={"Content-Type": "image/jpeg"}),
    ]  # fmt: skip
    assert [r.status_code for r in sent] == [201, 201, 201], [r.get_data() for r in sent]
    big = folder / "big"
    with big.open("wb") as out:
        for _ in range(SERVED_MB):
            out.write(os.urandom(2**20))
    with app.app_context():
        name = db.session.scalar(select(Photo.stored_name))
        with big.open("rb") as data:
            photo_store(app).put(name, data, "image/jpeg")
    cookie = client.get_cookie("session")
    assert cookie is not None

    def serve() -> int:
        reader = app.test_client()
        reader.set_cookie("session", cookie.value)
        response = reader.get(f"/api/v1/photos/{photo_id}", buffered=False)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        return size

    assert serve() == SERVED_MB * 2**20  # warm: imports, connections, the store's client
    before = peak = _resident_mb()
    done = threading.Event()
    sizes: list[int] = []

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _resident_mb())
            time.sleep(0.0005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=lambda: sizes.append(serve())) for _ in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    sampler.join()
    whole = len(sizes) == at_once and all(size == SERVED_MB * 2**20 for size in sizes)
    print(f"{peak - before:.0f} {'served' if whole else 'failed'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at-once", type=int, default=4)
    parser.add_argument("--budget", type=float, help="MB in all (default: 64 a photo)")
    parser.add_argument("--only", help="run only the cases whose name holds this")
    parser.add_argument("--store", help="serve from this photo store (default: a folder)")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "TYPE"), help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.budget = args.budget or BUDGET_MB_PER_PHOTO * args.at_once
    if args.one:
        measure_one(Path(args.one[0]), args.one[1], args.at_once)
        return 0
    if args.serve:
        measure_serving(args.at_once, args.store)
        return 0
    print(f"Peak memory of re-encoding photos, {args.at_once} at once (budget {args.budget} MB)")
    over = 0
    with tempfile.TemporaryDirectory() as folder:
        for name, (make, content_type) in CASES.items():
            if args.only and args.only not in name:
                continue
            path = Path(folder) / "photo"
            path.write_bytes(make())
            finished = subprocess.run(  # noqa: S603  (our own interpreter and script)
                [sys.executable, __file__, "--at-once", str(args.at_once),
                 "--one", str(path), content_type],
                capture_output=True, text=True, check=True, timeout=300,
            )  # fmt: skip
            megabytes, outcome = finished.stdout.split()
            flag = "" if float(megabytes) <= args.budget else "  OVER BUDGET"
            over += bool(flag)
            size = path.stat().st_size / 1024
            print(f"  {name:<40} {size:>8.0f} KB  {outcome:<8} {megabytes:>5} MB{flag}")
    if not args.only or args.only in "serving":
        over += _serving(args.at_once, args.store)
    return 1 if over else 0


def _serving(at_once: int, store: str | None) -> int:
    budget = SERVE_BUDGET_MB_PER_REQUEST * at_once
    finished = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, __file__, "--at-once", str(at_once), "--serve",
         *(["--store", store] if store else [])],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    megabytes, outcome = finished.stdout.split()
    flag = "" if float(megabytes) <= budget and outcome == "served" else "  OVER BUDGET"
    print(f"Peak memory of serving a {SERVED_MB} MB stored photo, {at_once} at once, streamed "
          f"from {store or 'a folder'} (budget {budget} MB)")  # fmt: skip
    print(f"  {'serving':<40} {SERVED_MB * 1024:>8} KB  {outcome:<8} {megabytes:>5} MB{flag}")
    return bool(flag)


if __name__ == "__main__":
    sys.exit(main())
