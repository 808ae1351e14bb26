"""Peak memory of one gunicorn worker through a batch-sync run: what a host must hold per
worker while phones drain their outboxes.

Run by `make bench`. Starts gunicorn with one worker (bench/sync.py's setup: an empty migrated
database, 20 devices signed in) and lets the 20 devices send 1,000 observations in batches of
200 records, then all again; then reads the worker's peak resident size (VmHWM in
/proc/<pid>/status, Linux). On SQLite, and on PostgreSQL when BENCH_DATABASE_URL names a
database it may wipe. Exits 1 when the peak is over BUDGET_MB.

    python bench/worker_memory.py [--budget 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync as load  # noqa: E402  (bench/sync.py: the same devices, bodies and gunicorn)

BUDGET_MB = 300  # one worker's peak resident size through the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=BUDGET_MB, help="MB one worker may peak at")
    args = parser.parse_args()
    if not Path("/proc/self/status").exists():
        print("Peak RSS needs Linux's /proc: skipped")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="gembawalk-bench-memory-"))
    os.environ["GEMBAWALK_INSTANCE"] = str(folder)
    databases = [("SQLite", f"sqlite:///{folder / 'memory.sqlite'}")]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    over = []
    for label, url in databases:
        _, _, peaks = load.measure(label, url, folder, "batch", workers=1)
        if not peaks:
            print(f"{label}: the worker's peak could not be read")
            continue
        peak = max(peaks) / 1024
        print(f"  one worker's peak RSS through the run: {peak:.0f} MB (budget {args.budget} MB)")
        if peak > args.budget:
            over.append(f"{label}: {peak:.0f} MB")
    if over:
        print(f"\nOver budget ({args.budget} MB a worker):", "; ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
