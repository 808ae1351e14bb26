"""Engagement at scale: the leaderboard, trends and CSV export on a big synthetic organisation.

Run by `make bench` (or `python bench/engagement.py --help`). Builds 2,000 managers with a year
of history (about 300,000 walks and 1.5 million observations) with bulk inserts (executemany
on SQLite, COPY on PostgreSQL) and sums their days as `flask rebuild-engagement` does, then
reports server-side p50 and p95 for the whole-organisation leaderboard over a quarter, a
division's trend page and the CSV exports, on SQLite and, when BENCH_DATABASE_URL names a
database it may wipe, on PostgreSQL. Then the scaling check: the same leaderboard with ten
times the history (on a smaller organisation, so it builds in minutes) must be at most 1.5
times slower: its cost follows the period and the managers shown.

Targets (2-core machine): leaderboard p50 <= 150 ms and p95 <= 300 ms on both databases.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PASSWORD = "bench-password-0"  # noqa: S105  (a throwaway database's only account)
NOTES = [
    "Customer asked twice when the van would come",
    "Form sent back because one box was empty",
    "Waiting for the key to the store room",
    "Team fixed the rota board themselves",
    "Same question at the counter all morning",
    "Printer walk across the whole floor",
]
CATEGORIES = ["what_matters", "value_demand", "failure_demand", "waste", "frontline_idea",
              "good_practice"]  # fmt: skip
WASTES = ["transport", "inventory", "motion", "waiting", "overproduction", "over_processing",
          "defects", "skills"]  # fmt: skip
LEADERBOARD = "Leaderboard, whole organisation, this quarter"
TARGET_P50, TARGET_P95 = 150, 300  # ms, the whole-organisation leaderboard over a quarter
HABITS = [0.95, 0.9, 0.8, 0.6, 0.4, 0.2, 0.0]  # chance of a customer visit in a week


LOADED = ("walks", "walk_customers", "observations", "follow_ups")  # the big tables


class Writer:
    """Bulk rows into one table at a time: COPY on PostgreSQL, executemany on SQLite.

    On PostgreSQL the big tables' secondary indexes are dropped while they load and made
    again at the end (one sort each instead of millions of inserts into them), and foreign
    keys are not checked row by row (the rows are this script's own, made consistent): what
    lets years of history for 10,000 managers load in minutes."""

    def __init__(self, engine, big_tables: bool = True):
        self.raw = engine.raw_connection()
        self.postgres = engine.dialect.name == "postgresql"
        self.indexes: list[str] = []
        if self.postgres and big_tables:
            cursor = self.raw.cursor()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                (list(LOADED),),
            )
            for name, definition in cursor.fetchall():
                self.indexes.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET session_replication_role = replica")  # no per-row FK triggers
            self.raw.commit()

    @staticmethod
    def _sqlite(value):
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        if isinstance(value, uuid.UUID):
            return value.hex
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        return value

    def write(self, table: str, columns: list[str], rows) -> int:
        count = 0
        if self.postgres:
            cursor = self.raw.cursor()
            # Table and column names are this script's own constants, never input.
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            cursor = self.raw.cursor()
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append(tuple(self._sqlite(v) for v in row))
                if len(batch) >= 20000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
        self.raw.commit()
        return count

    def finish(self) -> None:
        cursor = self.raw.cursor()
        if self.postgres:
            for table in (
                "org_units",
                "people",
                "customers",
                "walks",
                "observations",
                "follow_ups",
                "demand_types",
            ):
                last = f"SELECT coalesce(max(id), 1) FROM {table}"  # noqa: S608
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({last}))")
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for definition in self.indexes:
                cursor.execute(definition)
        self.raw.commit()
        if self.postgres:
            # VACUUM sets the visibility map, without which PostgreSQL cannot answer from an
            # index alone (autovacuum does this in production, in its own time).
            driver = self.raw.driver_connection
            driver.autocommit = True
            driver.execute("VACUUM ANALYZE")
            driver.autocommit = False
        else:
            cursor.execute("ANALYZE")
            self.raw.commit()
        self.raw.close()


def build(
    engine, managers: int, weeks: int, now: datetime, seed: int = 4, in_sql: bool | None = None
) -> dict[str, int]:
    """The synthetic organisation: one top unit, divisions of 10 teams, 20 managers a team.
    On PostgreSQL the big tables are made by the server itself (bench/_sql_build.py) unless
    `in_sql` is False; on SQLite, and then, row by row here."""
    from gembawalk.services.people.passwords import hash_password

    rng = random.Random(seed)
    if in_sql is None:
        in_sql = engine.dialect.name == "postgresql"
    writer = Writer(engine, big_tables=not in_sql)
    teams = max(1, managers // 20)
    divisions = max(1, teams // 10)
    founded = now - timedelta(weeks=weeks + 2)
    units = [(1, "Whole organisation", None, founded)]
    units += [(2 + d, f"Division {d + 1}", 1, founded) for d in range(divisions)]
    first_team = 2 + divisions
    units += [(first_team + t, f"Team {t + 1}", 2 + t % divisions, founded) for t in range(teams)]
    writer.write("org_units", ["id", "name", "parent_id", "created_at"], units)
    hashed = hash_password(PASSWORD)

    def person(pid, email, name, unit):
        return (pid, email, name, hashed, unit, None, True, founded, founded.date())

    people = [person(1, "director@bench.example", "Dana Director", 1)]
    people += [
        person(2 + m, f"m{m}@bench.example", f"Manager {m:04d}", first_team + m % teams)
        for m in range(managers)
    ]
    writer.write(
        "people",
        [
            "id",
            "email",
            "display_name",
            "password_hash",
            "org_unit_id",
            "timezone",
            "active",
            "created_at",
            "started_on",
        ],  # fmt: skip
        people,
    )
    roles = [(1, "director"), (1, "admin")] + [(2 + m, "manager") for m in range(managers)]
    writer.write("person_roles", ["person_id", "role"], roles)
    writer.write("unit_leaders", ["person_id", "org_unit_id"], [(1, 1)])
    customers = []
    for t in range(teams):
        for c in range(6):
            kind = "internal" if c == 5 else "external"
            customers.append((len(customers) + 1, f"Customer {t}-{c}", kind, first_team + t, "",
                              True, founded))  # fmt: skip
    writer.write(
        "customers",
        ["id", "name", "kind", "org_unit_id", "notes", "active", "created_at"],
        customers,
    )
    # Demand types: each division keeps five (three value, two failure), inherited by its
    # teams; most demand notes are tallies of one of them (typed), the rest untyped.
    demand_types, by_kind = [], {}
    for d in range(divisions):
        for n, kind in enumerate(("value", "value", "value", "failure", "failure")):
            type_id = len(demand_types) + 1
            demand_types.append((type_id, 2 + d, f"Demand {d}-{n}", kind, n, None, founded))
            by_kind.setdefault((2 + d, kind), []).append(type_id)
    writer.write(
        "demand_types",
        ["id", "org_unit_id", "name", "kind", "position", "retired_at", "created_at"],
        demand_types,
    )
    this_monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0)
    if in_sql:
        import _sql_build

        counts = _sql_build.build(
            writer.raw,
            managers=managers,
            weeks=weeks,
            now=now,
            this_monday=this_monday,
            teams=teams,
            divisions=divisions,
            first_team=first_team,
            habits=HABITS,
            categories=CATEGORIES,
            wastes=WASTES,
            notes=NOTES,
            seed=seed,
        )
        writer.finish()
        return counts
    counts = {"walks": 0, "observations": 0, "follow_ups": 0}
    walk_rows, link_rows, note_rows, follow_rows = [], [], [], []
    ids = {"walk": 0, "note": 0, "follow": 0}

    def flush(final=False):
        if len(note_rows) < 200000 and not final:
            return
        counts["walks"] += writer.write("walks", WALK_COLUMNS, walk_rows)
        writer.write("walk_customers", ["walk_id", "customer_id"], link_rows)
        counts["observations"] += writer.write("observations", NOTE_COLUMNS, note_rows)
        counts["follow_ups"] += writer.write("follow_ups", FOLLOW_COLUMNS, follow_rows)
        for rows in (walk_rows, link_rows, note_rows, follow_rows):
            rows.clear()

    for m in range(managers):
        pid, team = 2 + m, m % teams
        visits = rng.choice(HABITS)
        internal_only = rng.random() < 0.05
        own = [c for c in customers if c[3] == first_team + team]
        pool = [c[0] for c in own if (c[2] == "internal") == internal_only]
        for week in range(-weeks + 1, 3):
            monday = this_monday + timedelta(weeks=week)
            plans = [("gemba_walk", rng.randint(0, 4)) for _ in range(rng.choice([2, 2, 3]))]
            if rng.random() < visits:
                plans.append(("customer_visit", rng.randint(0, 4)))
            for kind, day in plans:
                ids["walk"] += 1
                wid = ids["walk"]
                start = monday + timedelta(days=day, hours=8 + rng.randint(0, 8))
                status, started, completed, cancelled, spoke = "planned", None, None, None, None
                if start < now:
                    roll = rng.random()
                    if roll < 0.05:
                        status, cancelled = "cancelled", start - timedelta(days=1)
                    elif roll >= 0.10:
                        status = "done"
                        late = timedelta(days=1) if rng.random() < 0.1 else timedelta(0)
                        started = start + late + timedelta(minutes=rng.randint(-10, 20))
                        completed = started + timedelta(minutes=rng.randint(30, 90))
                        if completed > now:
                            status, started, completed = "planned", None, None
                        elif kind == "customer_visit":
                            spoke = 0 if rng.random() < 0.1 else rng.randint(1, 6)
                        else:
                            spoke = 0
                walk_rows.append((
                    wid, uuid.UUID(int=rng.getrandbits(128), version=4), pid, kind, "", "Site",
                    start, "Europe/London", 60, status, started, completed, cancelled, "", spoke,
                    "", 1, start - timedelta(days=3), completed or start,
                ))  # fmt: skip
                if kind == "customer_visit" and pool:
                    for cid in rng.sample(pool, min(len(pool), rng.choice([1, 1, 2]))):
                        link_rows.append((wid, cid))
                if status != "done":
                    continue
                for _ in range(rng.randint(3, 8)):
                    ids["note"] += 1
                    category = rng.choice(CATEGORIES)
                    made = started + timedelta(minutes=rng.randint(1, 30))
                    typed = None
                    if category in DEMAND_KIND and rng.random() < 0.7:
                        division = 2 + team % divisions
                        typed = rng.choice(by_kind[(division, DEMAND_KIND[category])])
                    note_rows.append((
                        ids["note"], uuid.UUID(int=rng.getrandbits(128), version=4), wid, pid,
                        category, rng.choice(WASTES) if category == "waste" else None,
                        "walker", "" if typed and rng.random() < 0.7 else rng.choice(NOTES),
                        made, made, 1, typed,
                    ))  # fmt: skip
                    if rng.random() < 0.03:
                        ids["follow"] += 1
                        due = (made + timedelta(days=14)).date()
                        closed = due < now.date() and rng.random() < 0.7
                        follow_rows.append((
                            ids["follow"], uuid.UUID(int=rng.getrandbits(128), version=4), wid,
                            ids["note"], pid, pid, "Fix it", due, "closed" if closed else "open",
                            "", made + timedelta(days=10) if closed else None, 1, made, made,
                        ))  # fmt: skip
        flush()
    flush(final=True)
    writer.finish()
    return counts


WALK_COLUMNS = ["id", "uuid", "manager_id", "kind", "purpose", "place", "planned_start",
                "timezone", "planned_minutes", "status", "started_at", "completed_at",
                "cancelled_at", "frontline_met", "customers_spoken_to", "summary", "version",
                "created_at", "updated_at"]  # fmt: skip
NOTE_COLUMNS = ["id", "uuid", "walk_id", "author_id", "category", "waste_type", "said_by",
                "text", "made_at", "received_at", "version", "demand_type_id"]  # fmt: skip
DEMAND_KIND = {"value_demand": "value", "failure_demand": "failure"}
FOLLOW_COLUMNS = ["id", "uuid", "walk_id", "observation_id", "owner_id", "created_by_id",
                  "action", "due_date", "status", "closing_note", "closed_at", "version",
                  "created_at", "updated_at"]  # fmt: skip


def make_app(database_url: str, reuse: bool = False):
    """The app on a freshly migrated, empty database; or, with `reuse`, on one already built
    (then the second value says so)."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect, text

    from gembawalk import create_app
    from gembawalk.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if reuse and inspect(db.engine).has_table("walks"):
            with db.engine.connect() as conn:
                built = conn.execute(text("SELECT count(*) FROM walks")).scalar()
            if built:
                upgrade()
                return app, True
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app, False


def counted(engine) -> dict[str, int]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            for table in ("walks", "observations", "follow_ups")
        }


def rollup_rows() -> int:
    """The days already summed in a reused database (summing them first if they are not)."""
    from sqlalchemy import func, select

    from gembawalk.extensions import db
    from gembawalk.models import EngagementDay
    from gembawalk.services.engagement import rollup

    rollup.ensure_current(rollup.org_zone())
    made = db.session.scalar(select(func.count()).select_from(EngagementDay))
    db.session.commit()
    return made


def timed(client, path: str, rounds: int) -> tuple[float, float, float]:
    """Wall-clock p50 and p95 of the request, and the p50 of this process's CPU time (what
    the app and SQLite cost, whatever else the machine is doing)."""
    client.get(path)  # warm caches and the asset build
    samples, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        response.get_data()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    p95 = samples[max(0, round(len(samples) * 0.95) - 1)]
    return statistics.median(samples), p95, statistics.median(cpu)


def run(database_url: str, managers: int, weeks: int, rounds: int, pages: bool = True, reuse=False):
    from gembawalk.extensions import db
    from gembawalk.services.engagement import rollup

    app, reused = make_app(database_url, reuse)
    now = datetime.now(UTC)
    with app.app_context():
        began = time.perf_counter()
        counts = counted(db.engine) if reused else build(db.engine, managers, weeks, now)
        built = -1 if reused else time.perf_counter() - began
        # Rows written with COPY bypass the app: sum their days as `flask rebuild-engagement`
        # does (a reused database that already has them is left as it is).
        began = time.perf_counter()
        counts["days"] = rollup.rebuild() if not reused else rollup_rows()
        counts["summed"] = -1 if reused else time.perf_counter() - began
        if not reused and db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:  # as autovacuum soon would: index-only scans
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM engagement_days"
                )
    client = app.test_client()
    response = client.post(
        "/sign-in", data={"email": "director@bench.example", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    quarter = "unit=1&period=quarter"
    few = max(5, rounds // 4)
    paths = {LEADERBOARD: (f"/engagement/leaderboard?{quarter}", rounds)}
    if pages:
        paths["Leaderboard JSON (API), last 4 weeks"] = ("/api/v1/leaderboard?unit=1", rounds)
        paths["Trends, a division (~200 managers), 26 weeks"] = (
            "/engagement/trends?unit=2&period=26w",
            rounds,
        )
        paths["Trends, whole organisation, this quarter"] = (f"/engagement/trends?{quarter}", few)
        paths["Leaderboard CSV, whole organisation, quarter"] = (
            f"/engagement/leaderboard.csv?{quarter}",
            few,
        )
        paths["Walks CSV, whole organisation, quarter"] = (f"/engagement/walks.csv?{quarter}", few)
        paths["Demand picture (API), a division, quarter"] = (
            "/api/v1/demand?unit=2&from=" + (now.date() - timedelta(days=90)).isoformat(),
            rounds,
        )
        paths["Demand page, whole organisation, this quarter"] = (f"/demand?{quarter}", few)
    results = {name: timed(client, path, count) for name, (path, count) in paths.items()}
    with app.app_context():
        db.engine.dispose()
    return counts, built, results


def report(label: str, counts, built: float, results) -> None:
    how = "reused" if built < 0 else f"built in {built:.0f} s"
    if counts.get("summed", -1) >= 0:
        how += f", {counts['days']:,} manager-days summed in {counts['summed']:.1f} s"
    load = os.getloadavg()[0]
    print(f"\n{label}: {counts['walks']:,} walks, {counts['observations']:,} observations, "
          f"{counts['follow_ups']:,} follow-ups, {how}; load average {load:.1f}")  # fmt: skip
    print(f"  {'page':<50} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8}")
    for name, (p50, p95, cpu) in results.items():
        print(f"  {name:<50} {p50:>8.1f} {p95:>8.1f} {cpu:>8.1f}")
    if LEADERBOARD in results:
        p50, p95, _ = results[LEADERBOARD]
        met = p50 <= TARGET_P50 and p95 <= TARGET_P95
        print(f"  target: leaderboard p50 <= {TARGET_P50} ms, p95 <= {TARGET_P95} ms: "
              f"{'met' if met else 'missed'}")  # fmt: skip
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--years", type=int, help="years of history (instead of --weeks)")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--scaling-managers",
        type=int,
        default=100,
        help="managers in the 1-year against 10-year scaling check (0 skips it)",
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument(
        "--leaderboard-only",
        action="store_true",
        help="time only the whole-organisation leaderboard (not trends and CSV exports)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the SQLite files in DIR and reuse what an earlier run built there "
        "(PostgreSQL is built afresh unless --keep-postgresql)",
    )
    parser.add_argument(
        "--keep-postgresql",
        action="store_true",
        help="reuse what an earlier run built in BENCH_DATABASE_URL (to time two versions of "
        "the app on the same data: run the older one first, it builds)",
    )
    args = parser.parse_args()
    if args.years:
        args.weeks = 52 * args.years
    folder = Path(args.keep or tempfile.mkdtemp(prefix="gembawalk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GEMBAWALK_INSTANCE"] = str(folder)
    targets = []
    if args.only != "postgresql":
        targets.append(("SQLite", lambda name: f"sqlite:///{folder / name}"))
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres and args.only != "sqlite":
        targets.append(("PostgreSQL", lambda name: postgres))
    elif args.only != "sqlite":
        print("PostgreSQL: skipped (set BENCH_DATABASE_URL to a database it may wipe)")
    for label, url in targets:
        reuse = bool(args.keep) if label == "SQLite" else args.keep_postgresql
        counts, built, results = run(
            url("big.sqlite"),
            args.managers,
            args.weeks,
            args.rounds,
            pages=not args.leaderboard_only,
            reuse=reuse,
        )
        report(f"{label}, {args.managers:,} managers, {args.weeks} weeks", counts, built, results)
        if not args.scaling_managers:
            continue
        ratio_rows = {}
        for years in (1, 10):
            counts, built, results = run(
                url(f"scale{years}.sqlite"),
                args.scaling_managers,
                52 * years,
                args.rounds,
                pages=False,
                reuse=reuse,
            )
            ratio_rows[years] = results[LEADERBOARD]
            report(f"{label}, scaling: {args.scaling_managers} managers, {years} year(s)", counts,
                   built, results)  # fmt: skip
        ratio = ratio_rows[10][0] / ratio_rows[1][0]
        print(f"  ten times the history: leaderboard p50 x{ratio:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
