"""Keeps `engagement_days` true: each manager's walks and observations summed per local day,
and `engagement_months`: those days summed per month (what a board over whole months reads).

Whenever a walk, an observation or a customer's kind changes, the session notes which
managers' days it touched (touched.py); just before the transaction commits, those days are
recomputed here from the walks and observations themselves (never incremented, so they cannot
drift), and their months from those days, in the same transaction. On PostgreSQL an advisory
lock per manager makes two transactions recompute the same manager one after the other, each
seeing what the other committed; SQLite has one writer at a time.

The days are cut in the organisation's time zone. The zone they were cut in is kept in
`rollup_state`; after GEMBAWALK_TIMEZONE changes, the next read (or `flask
rebuild-engagement`) cuts them all again, and later writes cut theirs the same way.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import (
    BindParameter,
    CursorResult,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ...database import writing
from ...extensions import db
from ...models import Category, Observation, Walk, WalkKind, WalkStatus
from ...models.rollup import FACTS, EngagementDay, EngagementMonth, RollupState
from ...timeutil import UTCDateTime, day_start_utc, local
from .definitions import customer_engagement, had_a_plan
from .periods import LocalClock, month_of, month_start, next_month, org_zone

log = logging.getLogger(__name__)

STATE_ID = 1
LOCK_SPACE = 7_461_001  # advisory lock namespace: (LOCK_SPACE, manager_id)


def refresh(
    session: Session, touched: set[tuple[int, datetime]], zone: str, zone_known: bool = False
) -> None:
    """Recompute the touched days: per manager, the span from the first to the last of them
    (a walk moved across months recomputes the days between too, which is harmless)."""
    days: dict[int, set[date]] = defaultdict(set)
    for manager_id, instant in touched:
        days[manager_id].add(local(instant, zone).date())
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    for manager_id in sorted(days):  # one order everywhere: two refreshes cannot deadlock
        if postgres:
            connection.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, manager_id)))
        first, last = min(days[manager_id]), max(days[manager_id])
        connection.execute(
            delete(EngagementDay).where(
                EngagementDay.manager_id == manager_id,
                EngagementDay.day >= first,
                EngagementDay.day <= last,
            )
        )
        start, end = day_start_utc(first, zone), day_start_utc(last + timedelta(days=1), zone)
        connection.execute(*_fill(zone, start, end, [manager_id]))
        _fill_months(connection, manager_id, month_start(first), next_month(last))
    if not zone_known:  # a new database: its first days say which zone they are in
        _record_zone(connection, zone, only_if_missing=True)


def rebuild(zone: str | None = None) -> int:
    """Cut every day again, in `zone` (the organisation's by default); returns the rows made.
    Commits."""
    zone = zone or org_zone()
    db.session.commit()
    with writing():
        connection = db.session.connection()
        connection.execute(delete(EngagementDay))
        bounds = _bounds(connection)
        connection.execute(delete(EngagementMonth))
        if bounds:
            # Day by day, as later writes add them: a period's rows lie together on disk.
            connection.execute(*_fill(zone, *bounds, in_day_order=True))
            _fill_months(connection)
        _record_zone(connection, zone)
        made = connection.execute(select(func.count()).select_from(EngagementDay)).scalar_one()
        # The planner's picture of the table was of another size.
        connection.exec_driver_sql("ANALYZE engagement_days")
        connection.exec_driver_sql("ANALYZE engagement_months")
        db.session.commit()
    return made


def ensure_current(zone: str) -> None:
    """Rebuild once when the days were cut in another zone (GEMBAWALK_TIMEZONE changed).
    With no zone recorded yet (a new database), the days are as the writes made them."""
    stored = db.session.scalar(select(RollupState.zone).where(RollupState.id == STATE_ID))
    if stored is None or stored == zone:
        return
    db.session.commit()
    with writing():
        result = db.session.execute(
            update(RollupState)
            .where(RollupState.id == STATE_ID, RollupState.zone != zone)
            .values(zone=zone)
        )
        claimed = cast(CursorResult, result).rowcount  # an UPDATE answers with a cursor
        db.session.commit()
    if claimed:  # whoever changed the row rebuilds; the others find it done
        log.warning("Engagement days were cut in %s, now %s: rebuilding them.", stored, zone)
        rebuild(zone)


def _fill_months(
    connection, manager_id: int | None = None, first: date | None = None, after: date | None = None
) -> None:
    """Sum the months from the days: every month, or one manager's from the month `first`
    up to (not including) the month `after`, deleting what those months held first."""
    month = month_of(EngagementDay.day)
    engaged = EngagementDay.customer_engagements > literal_column("0")
    summed = select(
        EngagementDay.manager_id,
        month,
        *(func.sum(getattr(EngagementDay, name)) for name in FACTS),
        func.max(case((engaged, EngagementDay.day))),
    )
    if manager_id is not None:
        assert first is not None  # one manager's months are always bounded
        assert after is not None
        connection.execute(
            delete(EngagementMonth).where(
                EngagementMonth.manager_id == manager_id,
                EngagementMonth.month >= first,
                EngagementMonth.month < after,
            )
        )
        summed = summed.where(
            EngagementDay.manager_id == manager_id,
            EngagementDay.day >= first,
            EngagementDay.day < after,
        )
    summed = summed.group_by(EngagementDay.manager_id, month)
    table = cast(Table, EngagementMonth.__table__)
    columns = ["manager_id", "month", *FACTS, "last_engaged_on"]
    connection.execute(table.insert().from_select(columns, summed))


def _record_zone(connection, zone: str, only_if_missing: bool = False) -> None:
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(RollupState).values(id=STATE_ID, zone=zone)
    if only_if_missing:
        statement = statement.on_conflict_do_nothing(index_elements=["id"])
    else:
        statement = statement.on_conflict_do_update(index_elements=["id"], set_={"zone": zone})
    connection.execute(statement)


def _bounds(connection) -> tuple[datetime, datetime] | None:
    """The first and last instants any walk or observation holds (for SQLite's offsets)."""
    found = connection.execute(
        select(
            func.min(Walk.planned_start),
            func.max(Walk.planned_start),
            func.min(Walk.completed_at),
            func.max(Walk.completed_at),
        )
    ).one()
    noted = connection.execute(select(func.min(Observation.made_at), func.max(Observation.made_at)))
    instants = [value for value in (*found, *noted.one()) if value is not None]
    if not instants:
        return None
    return min(instants), max(instants) + timedelta(seconds=1)


_FILLS: dict[tuple, object] = {}  # statements by shape: built once, run with new values


def _fill(
    zone: str,
    start: datetime,
    end: datetime,
    managers: list[int] | None = None,
    in_day_order: bool = False,
):
    """INSERT … SELECT of every fact per manager and local day, for instants in [start, end)
    (and these managers only, when given), as (statement, parameters). The statement is
    built once per shape: a refresh on every write must not rebuild its SQL each time."""
    clock = LocalClock(zone, start, end)
    key = (zone, clock.shape(), managers is not None, in_day_order)
    statement = _FILLS.get(key)
    if statement is None:
        if len(_FILLS) > 64:  # shapes change with the zone's offsets: keep the recent ones
            _FILLS.clear()
        statement = _FILLS[key] = _fill_statement(clock, managers is not None, in_day_order)
    values: dict[str, datetime | list[int]] = {"start": start, "end": end}
    if managers is not None:
        values["managers"] = managers
    return statement, values


def _fill_statement(clock: LocalClock, per_manager: bool, in_day_order: bool):
    start, end = bindparam("start", type_=UTCDateTime), bindparam("end", type_=UTCDateTime)
    managers: BindParameter[list[int]] = bindparam("managers", expanding=True)

    def counted(condition):
        return case((condition, 1), else_=0)

    def row(manager, day, **facts):
        return [manager.label("manager_id"), day.label("day")] + [
            facts.get(name, literal_column("0")).label(name) for name in FACTS
        ]

    done = (
        select(
            *row(
                Walk.manager_id,
                clock.day(Walk.completed_at),
                done=literal_column("1"),
                gemba_walks=counted(Walk.kind == WalkKind.GEMBA_WALK),
                done_planned=counted(had_a_plan()),
                on_time=counted(
                    and_(had_a_plan(), clock.day(Walk.started_at) == clock.day(Walk.planned_start))
                ),
                customer_engagements=counted(customer_engagement()),
                customer_contacts=case((customer_engagement(), Walk.customers_spoken_to), else_=0),
            )
        )
        .where(Walk.status == WalkStatus.DONE, Walk.completed_at >= start)
        .where(Walk.completed_at < end)
    )
    planned = select(
        *row(
            Walk.manager_id,
            clock.day(Walk.planned_start),
            planned_done=counted(Walk.status == WalkStatus.DONE),
            planned_open=counted(Walk.status == WalkStatus.PLANNED),
            planned_cancelled=counted(Walk.status == WalkStatus.CANCELLED),
        )
    ).where(had_a_plan(), Walk.planned_start >= start, Walk.planned_start < end)
    noted = select(
        *row(
            Observation.author_id,
            clock.day(Observation.made_at),
            observations=literal_column("1"),
            value_demand=counted(Observation.category == Category.VALUE_DEMAND),
            failure_demand=counted(Observation.category == Category.FAILURE_DEMAND),
        )
    ).where(Observation.made_at >= start, Observation.made_at < end)
    if per_manager:
        done = done.where(Walk.manager_id.in_(managers))
        planned = planned.where(Walk.manager_id.in_(managers))
        noted = noted.where(Observation.author_id.in_(managers))
    facts = union_all(done, planned, noted).subquery()
    summed = select(
        facts.c.manager_id,
        facts.c.day,
        *(func.sum(facts.c[name]).label(name) for name in FACTS),
    ).group_by(facts.c.manager_id, facts.c.day)
    if in_day_order:
        summed = summed.order_by(facts.c.day, facts.c.manager_id)
    table = cast(Table, EngagementDay.__table__)  # mapped to a Table, typed as any FromClause
    return table.insert().from_select(["manager_id", "day", *FACTS], summed)
