"""What processing photos costs in memory: the peak resident size of re-encoding hostile
photos, several at once, as the server does when several phones sync together.

Run by `make bench`. Each case runs in a fresh interpreter, where a thread samples the resident
size (Linux /proc/self/statm) every half millisecond while the photos are re-encoded: the
highest sample less the size before is the case's cost.
Exits non-zero when a case costs more than BUDGET_MB_PER_PHOTO for each photo at once, so that
a change that decodes whole again is caught (tests/test_bench.py runs it small).

    python bench/photo_memory.py [--at-once 4] [--budget 150]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at-once", type=int, default=4)
    parser.add_argument("--budget", type=float, help="MB in all (default: 64 a photo)")
    parser.add_argument("--only", help="run only the cases whose name holds this")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "TYPE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.budget = args.budget or BUDGET_MB_PER_PHOTO * args.at_once
    if args.one:
        measure_one(Path(args.one[0]), args.one[1], args.at_once)
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
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
