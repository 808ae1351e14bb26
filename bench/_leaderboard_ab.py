"""Time the whole-organisation leaderboard (this quarter) against an already-built database,
without migrating it: run once with main's code first on PYTHONPATH, once with the branch's."""
import os, statistics, sys, time
from gembawalk import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["URL"], "WTF_CSRF_ENABLED": False})
c = app.test_client()
assert c.post("/sign-in", data={"email": "director@bench.example", "password": "bench-password-0"}).status_code == 302
path = "/engagement/leaderboard?unit=1&period=quarter"
c.get(path)
ts, cpu = [], []
for _ in range(int(sys.argv[1])):
    t, tc = time.perf_counter(), time.process_time()
    r = c.get(path); r.get_data(); assert r.status_code == 200
    ts.append((time.perf_counter() - t) * 1000); cpu.append((time.process_time() - tc) * 1000)
ts.sort()
print(f"{os.environ.get('LABEL')}: p50 {statistics.median(ts):.0f} ms, p95 {ts[max(0, round(len(ts)*0.95)-1)]:.0f} ms, cpu p50 {statistics.median(cpu):.0f} ms, load {os.getloadavg()[0]:.1f}")
