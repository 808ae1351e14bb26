"""Time the whole-organisation leaderboard (this quarter) against an already-built database,
without migrating it: run once with main's code first on PYTHONPATH, once with the branch's.

    URL=postgresql+psycopg://… LABEL=main python bench/_leaderboard_ab.py 20

PAGE='/engagement/walks.csv?unit=1&period=quarter' times another page the same way.
"""

import os
import statistics
import sys
import time

from gembawalk import create_app

PATH = os.environ.get("PAGE", "/engagement/leaderboard?unit=1&period=quarter")
SIGN_IN = {"email": "director@bench.example", "password": "bench-password-0"}


def main(rounds: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["URL"], "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/sign-in", data=SIGN_IN).status_code == 302
    client.get(PATH)  # warm
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(PATH)
        response.get_data()
        assert response.status_code == 200
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    walls.sort()
    p95 = walls[max(0, round(len(walls) * 0.95) - 1)]
    print(
        f"{os.environ.get('LABEL')}: p50 {statistics.median(walls):.0f} ms, p95 {p95:.0f} ms, "
        f"cpu p50 {statistics.median(cpus):.0f} ms, load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
