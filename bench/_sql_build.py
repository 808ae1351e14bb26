"""The big tables of bench/engagement.py's organisation made by PostgreSQL itself: walks, their
customers, observations and follow-ups as INSERT … SELECT from generate_series, every "random"
choice a hash of the row's id (hashint8extended), so the same arguments give the same rows.

The Python build makes each row in the script and copies it over (about 75,000 walks and their
observations a minute on the shared 2-core machine: over an hour for 10,000 managers and three
years); here the rows never leave the server. The organisation is the Python build's shape and
habits (the same chances, the same spreads); the draws differ, so the two builds are alike, not
equal. The big tables load with their secondary indexes, unique constraints and foreign keys
dropped and get them back afterwards, as the schema has them (one sort and one check each).
"""

from __future__ import annotations

from datetime import datetime

LOADED = ("walks", "walk_customers", "observations", "follow_ups")
SLOTS = 4  # walk ids per manager-week: two or three gemba walks, and perhaps a customer visit
NOTES_PER_WALK = 8  # observation ids per walk (3 to 8 of them are used)

# A uniform draw in [0, 1) from a row's id and a salt: the same each run.
RANDOM = """
CREATE FUNCTION pg_temp.draw(key bigint, salt bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(key, salt) & 4503599627370495)::float8 / 4503599627370496 $$
"""


def _drop_constraints(cursor) -> list[str]:
    """Drop the big tables' secondary indexes, unique constraints and foreign keys; answer
    the statements that make them again, in an order that works (unique, indexes, keys)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f')",
        (list(LOADED),),
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        (list(LOADED),),
    )
    indexes = cursor.fetchall()
    for table, name, _kind, _definition in sorted(constraints, key=lambda c: c[2] != "f"):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    again = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in constraints if k == "u"]
    again += [definition for _name, definition in indexes]
    again += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in constraints if k == "f"]
    return again


def build(
    raw,
    *,
    managers: int,
    weeks: int,
    now: datetime,
    this_monday: datetime,
    teams: int,
    divisions: int,
    first_team: int,
    habits: list[float],
    categories: list[str],
    wastes: list[str],
    notes: list[str],
    seed: int = 4,
) -> dict[str, int]:
    """Fill the big tables for managers 2 … managers + 1 (people made already, team t's six
    customers having ids 6t+1 … 6t+6, the sixth internal; division d's demand types 5d+1 …
    5d+5, three value then two failure). Commits; the caller analyses."""
    cursor = raw.cursor()
    again = _drop_constraints(cursor)
    raw.commit()
    cursor.execute(RANDOM)
    values = {
        "managers": managers,
        "weeks": weeks,
        "now": now,
        "monday": this_monday,
        "teams": teams,
        "divisions": divisions,
        "first_team": first_team,
        "habits": habits,
        "categories": categories,
        "wastes": wastes,
        "notes": notes,
        "seed": seed,
        "slots": SLOTS,
        "per_walk": NOTES_PER_WALK,
    }
    # Week-major ids (a week's walks lie together on disk, as the app's writes put them);
    # slots 0 and 1 are gemba walks, 2 a third one a week in three, 3 a customer visit as
    # often as the manager's habit says.
    cursor.execute(
        """
        INSERT INTO walks (id, uuid, manager_id, kind, purpose, place, planned_start, timezone,
            planned_minutes, status, started_at, completed_at, cancelled_at, frontline_met,
            customers_spoken_to, summary, version, created_at, updated_at)
        SELECT w.id, md5(%(seed)s || '-walk-' || w.id)::uuid, w.pid, w.kind, '', 'Site',
            w.start, 'Europe/London', 60, o.status, o.started, o.completed,
            CASE WHEN o.status = 'cancelled' THEN w.start - interval '1 day' END, '',
            CASE WHEN o.status <> 'done' THEN NULL
                 WHEN w.kind = 'gemba_walk' THEN 0
                 WHEN pg_temp.draw(w.id, %(seed)s + 9) < 0.1 THEN 0
                 ELSE 1 + floor(pg_temp.draw(w.id, %(seed)s + 10) * 6)::int END,
            '', 1, w.start - interval '3 days', coalesce(o.completed, w.start)
        FROM generate_series(0, %(weeks)s + 1) AS i
        CROSS JOIN LATERAL generate_series(0, %(managers)s - 1) AS m
        CROSS JOIN LATERAL (
            SELECT (i * %(managers)s + m)::bigint * %(slots)s + 1 AS base,
                   (%(habits)s::float8[])[1 + floor(pg_temp.draw(m, %(seed)s) * 7)::int] AS habit
        ) AS mw
        CROSS JOIN LATERAL generate_series(0, %(slots)s - 1) AS s
        CROSS JOIN LATERAL (
            SELECT mw.base + s AS id, 2 + m AS pid,
                   CASE WHEN s = 3 THEN 'customer_visit' ELSE 'gemba_walk' END AS kind,
                   %(monday)s::timestamptz + (i - %(weeks)s + 1) * interval '1 week'
                     + floor(pg_temp.draw(mw.base + s, %(seed)s + 3) * 5) * interval '1 day'
                     + (8 + floor(pg_temp.draw(mw.base + s, %(seed)s + 4) * 9))
                       * interval '1 hour' AS start
        ) AS w
        CROSS JOIN LATERAL (
            SELECT w.start
                   + CASE WHEN pg_temp.draw(w.id, %(seed)s + 6) < 0.1
                          THEN interval '1 day' ELSE interval '0' END
                   + (floor(pg_temp.draw(w.id, %(seed)s + 7) * 31) - 10) * interval '1 minute'
                   AS started,
                   pg_temp.draw(w.id, %(seed)s + 5) AS roll
        ) AS d
        CROSS JOIN LATERAL (
            SELECT d.started + (30 + floor(pg_temp.draw(w.id, %(seed)s + 8) * 61))
                   * interval '1 minute' AS completed
        ) AS c
        CROSS JOIN LATERAL (
            SELECT CASE WHEN w.start >= %(now)s THEN 'planned'
                        WHEN d.roll < 0.05 THEN 'cancelled'
                        WHEN d.roll < 0.10 OR c.completed > %(now)s THEN 'planned'
                        ELSE 'done' END AS status
        ) AS st
        CROSS JOIN LATERAL (
            SELECT st.status,
                   CASE WHEN st.status = 'done' THEN d.started END AS started,
                   CASE WHEN st.status = 'done' THEN c.completed END AS completed
        ) AS o
        WHERE s < 2
           OR (s = 2 AND pg_temp.draw(mw.base, %(seed)s + 1) < 1.0 / 3)
           OR (s = 3 AND pg_temp.draw(mw.base, %(seed)s + 2) < mw.habit)
        """,
        values,
    )
    # A customer visit meets one of its team's five external customers, two a time in three
    # (two different ones); a manager in twenty sees only the team's internal customer.
    cursor.execute(
        """
        INSERT INTO walk_customers (walk_id, customer_id)
        SELECT w.id, p.customer
        FROM walks AS w
        CROSS JOIN LATERAL (
            SELECT (w.manager_id - 2) %% %(teams)s AS team,
                   pg_temp.draw(w.manager_id - 2, %(seed)s + 20) < 0.05 AS internal_only,
                   floor(pg_temp.draw(w.id, %(seed)s + 12) * 5)::int AS first
        ) AS t
        CROSS JOIN LATERAL (
            SELECT t.team * 6 + 6 AS customer WHERE t.internal_only
            UNION ALL
            SELECT t.team * 6 + 1 + t.first WHERE NOT t.internal_only
            UNION ALL
            SELECT t.team * 6 + 1
                   + (t.first + 1 + floor(pg_temp.draw(w.id, %(seed)s + 14) * 4)::int) %% 5
            WHERE NOT t.internal_only AND pg_temp.draw(w.id, %(seed)s + 13) < 1.0 / 3
        ) AS p
        WHERE w.kind = 'customer_visit'
        ORDER BY w.id
        """,
        values,
    )
    # Three to eight observations on each done walk, within its first half hour; seven in ten
    # demand notes are tallies of one of the division's types, most of those without words.
    cursor.execute(
        """
        INSERT INTO observations (id, uuid, walk_id, author_id, category, waste_type, said_by,
            text, made_at, received_at, version, demand_type_id)
        SELECT n.id, md5(%(seed)s || '-note-' || n.id)::uuid, w.id, w.manager_id, n.category,
            CASE WHEN n.category = 'waste'
                 THEN (%(wastes)s::text[])[1 + floor(pg_temp.draw(n.id, %(seed)s + 25) * 8)::int]
            END,
            'walker',
            CASE WHEN n.typed IS NOT NULL AND pg_temp.draw(n.id, %(seed)s + 26) < 0.7 THEN ''
                 ELSE (%(notes)s::text[])[1 + floor(pg_temp.draw(n.id, %(seed)s + 27) * 6)::int]
            END,
            n.made, n.made, 1, n.typed
        FROM walks AS w
        CROSS JOIN LATERAL generate_series(
            0, 2 + floor(pg_temp.draw(w.id, %(seed)s + 11) * 6)::int) AS k
        CROSS JOIN LATERAL (
            SELECT w.id * %(per_walk)s + k AS id,
                   (%(categories)s::text[])[1 + floor(pg_temp.draw(w.id * %(per_walk)s + k,
                                                      %(seed)s + 21) * 6)::int] AS category,
                   w.started_at + (1 + floor(pg_temp.draw(w.id * %(per_walk)s + k, %(seed)s + 22)
                                             * 30)) * interval '1 minute' AS made,
                   ((w.manager_id - 2) %% %(teams)s) %% %(divisions)s AS division
        ) AS b
        CROSS JOIN LATERAL (
            SELECT b.id, b.category, b.made,
                   CASE WHEN pg_temp.draw(b.id, %(seed)s + 23) >= 0.7 THEN NULL
                        WHEN b.category = 'value_demand'
                        THEN b.division * 5 + 1 + floor(pg_temp.draw(b.id, %(seed)s + 24) * 3)::int
                        WHEN b.category = 'failure_demand'
                        THEN b.division * 5 + 4 + floor(pg_temp.draw(b.id, %(seed)s + 24) * 2)::int
                   END AS typed
        ) AS n
        WHERE w.status = 'done'
        ORDER BY w.id, k
        """,
        values,
    )
    # A follow-up on about one observation in thirty, due two weeks on; seven in ten of those
    # due before today are closed.
    cursor.execute(
        """
        INSERT INTO follow_ups (id, uuid, walk_id, observation_id, owner_id, created_by_id,
            action, due_date, status, closing_note, closed_at, version, created_at, updated_at)
        SELECT o.id, md5(%(seed)s || '-follow-' || o.id)::uuid, o.walk_id, o.id, o.author_id,
            o.author_id, 'Fix it', f.due, CASE WHEN f.closed THEN 'closed' ELSE 'open' END, '',
            CASE WHEN f.closed THEN o.made_at + interval '10 days' END, 1, o.made_at, o.made_at
        FROM observations AS o
        CROSS JOIN LATERAL (
            SELECT ((o.made_at AT TIME ZONE 'UTC') + interval '14 days')::date AS due
        ) AS d
        CROSS JOIN LATERAL (
            SELECT d.due, d.due < (%(now)s::timestamptz AT TIME ZONE 'UTC')::date
                          AND pg_temp.draw(o.id, %(seed)s + 31) < 0.7 AS closed
        ) AS f
        WHERE pg_temp.draw(o.id, %(seed)s + 30) < 0.03
        ORDER BY o.id
        """,
        values,
    )
    raw.commit()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for statement in again:
        cursor.execute(statement)
    raw.commit()
    counts = {}
    for table in ("walks", "observations", "follow_ups"):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  (our own table names)
        counts[table] = cursor.fetchone()[0]
    return counts
