"""The engagement days (services/engagement/rollup.py) always say what the walks and
observations say: after every kind of change, recomputing everything from scratch finds
nothing different."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, select, update

from gembawalk.extensions import db
from gembawalk.models import (
    Category,
    CustomerKind,
    EngagementDay,
    EngagementMonth,
    Observation,
    RollupState,
    Walk,
    WalkKind,
    WalkStatus,
)
from gembawalk.services import customers as customer_register
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement import mine, rollup
from gembawalk.services.engagement.periods import choose_period
from gembawalk.services.walks import lifecycle as walks
from gembawalk.services.walks import series
from gembawalk.services.walks.observations import add_observation
from gembawalk.timeutil import to_utc

from . import factories
from .test_concurrency import THREADS, _run_in_threads

LONDON = "Europe/London"
NOW = datetime(2026, 6, 20, 17, 0, tzinfo=UTC)  # a Saturday


def days() -> dict[tuple[int, date], tuple[int, ...]]:
    """The table as it stands: (manager, day) -> its facts."""
    db.session.commit()
    return {
        (row.manager_id, row.day): tuple(getattr(row, name) for name in rollup.FACTS)
        for row in db.session.scalars(select(EngagementDay))
    }


def months() -> dict[tuple[int, date], tuple]:
    """The months as they stand: (manager, first day of the month) -> its sums and last
    engaged day."""
    db.session.commit()
    names = (*rollup.FACTS, "last_engaged_on")
    return {
        (row.manager_id, row.month): tuple(getattr(row, name) for name in names)
        for row in db.session.scalars(select(EngagementMonth))
    }


def months_from_days(kept: dict) -> dict[tuple[int, date], tuple]:
    """The months the days add up to, summed in Python."""
    engaged = rollup.FACTS.index("customer_engagements")
    found: dict[tuple[int, date], tuple] = {}
    for (manager_id, day), facts in sorted(kept.items()):
        key = (manager_id, day.replace(day=1))
        sums, last = found.get(key, ((0,) * len(facts), None))
        sums = tuple(a + b for a, b in zip(sums, facts, strict=True))
        found[key] = (sums, day if facts[engaged] else last)
    return {key: (*sums, last) for key, (sums, last) in found.items()}


def assert_true_to_the_walks() -> dict:
    """What the writes left equals what a rebuild from the walks and observations makes,
    and each month is the sum of its days."""
    kept, kept_months = days(), months()
    assert kept_months == months_from_days(kept)
    rollup.rebuild()
    assert days() == kept
    assert months() == kept_months
    return kept


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return to_utc(day, time(hour, minute), LONDON)


@pytest.fixture
def external(unit):
    return factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mrs Patel")


def visit(manager, done_at: datetime, customers, spoke: int = 2) -> Walk:
    return factories.done_walk(
        manager,
        done_at,
        customers=customers,
        spoke=spoke,
        planned_start=done_at - timedelta(hours=2),
        started_before=timedelta(hours=1),
    )


def test_every_kind_of_change_leaves_the_days_as_a_rebuild_would(app, manager, admin, external):
    monday = date(2026, 6, 15)
    done = visit(manager, at(monday, 11), [external])
    factories.ObservationFactory(walk=done, made_at=at(monday, 10, 30), category=Category.WASTE)
    kept = assert_true_to_the_walks()
    assert kept[(manager.id, monday)][rollup.FACTS.index("customer_engagements")] == 1

    # Planned, then moved to another month: the old day is emptied, the new one filled.
    plan = walks.WalkPlan(kind="gemba_walk", day=monday + timedelta(days=2), at=time(9))
    planned = walks.plan_walk(manager, plan, now=NOW - timedelta(days=10))
    assert (manager.id, monday + timedelta(days=2)) in assert_true_to_the_walks()
    plan.day = monday + timedelta(days=40)
    walks.update_walk(manager, planned.uuid, plan, now=NOW - timedelta(days=10))
    kept = assert_true_to_the_walks()
    assert (manager.id, monday + timedelta(days=2)) not in kept
    assert (manager.id, monday + timedelta(days=40)) in kept

    # Started and done on another day than planned; an observation made, then edited.
    later = walks.plan_walk(
        manager, walks.WalkPlan(kind="customer_visit", day=monday, at=time(9)), now=at(monday, 8)
    )
    walks.start_walk(manager, later.uuid, now=at(monday + timedelta(days=1), 9))
    note = add_observation(
        manager, later.uuid, category="value_demand", text="Asked for the forms", made_at=NOW
    )
    record = walks.WalkRecord(
        started_at=datetime(2026, 6, 16, 9),
        completed_at=datetime(2026, 6, 16, 10),
        customers_spoken_to=3,
        customer_ids=[external.id],
    )
    walks.complete_walk(manager, later.uuid, record, now=NOW)
    assert_true_to_the_walks()
    note = db.session.get(Observation, note.id)
    note.category, note.made_at = Category.FAILURE_DEMAND, at(monday, 12)
    db.session.commit()
    assert_true_to_the_walks()

    # The customer turns out to be internal: both visits stop being engagements; and back.
    fields = {"name": external.name, "org_unit_id": external.org_unit_id}
    customer_register.update_customer(admin, external.id, kind="internal", **fields)
    kept = assert_true_to_the_walks()
    engaged = rollup.FACTS.index("customer_engagements")
    assert all(facts[engaged] == 0 for facts in kept.values())
    customer_register.update_customer(admin, external.id, kind="external", **fields)
    assert_true_to_the_walks()

    # A walk cancelled, a walk handed to someone else, a walk deleted with its notes.
    walks.cancel_walk(manager, planned.uuid)
    assert_true_to_the_walks()
    other = factories.PersonFactory(roles=["manager"], org_unit=manager.org_unit)
    db.session.get(Walk, done.id).manager_id = other.id
    db.session.commit()
    assert (other.id, monday) in assert_true_to_the_walks()
    db.session.delete(db.session.get(Walk, later.id))
    db.session.commit()
    assert_true_to_the_walks()


def test_a_repeating_walk_ended_takes_its_planned_days_with_it(app, manager):
    plan = walks.WalkPlan(kind="gemba_walk", day=NOW.date() + timedelta(days=1), at=time(9))
    first = series.plan_series(manager, plan, repeat="weekly", now=NOW)
    before = assert_true_to_the_walks()
    series.end_series(manager, first.series.uuid, now=NOW)
    after = assert_true_to_the_walks()
    assert len(after) < len(before)


def test_a_rolled_back_change_touches_nothing(app, manager, external):
    visit(manager, at(date(2026, 6, 15), 11), [external])
    kept = days()
    walk = db.session.scalars(select(Walk)).one()
    walk.customers_spoken_to = 0
    db.session.flush()
    db.session.rollback()
    assert days() == kept
    assert_true_to_the_walks()


def test_after_the_time_zone_changes_the_days_are_cut_again(app, manager, external):
    """A London Sunday evening is already Monday in Auckland: once the organisation's zone
    changes, the next read cuts every day again, and the walk moves to the next week."""
    sunday = date(2026, 6, 14)
    visit(manager, at(sunday, 20), [external])
    assert db.session.scalar(select(RollupState.zone)) == LONDON
    app.config["GEMBAWALK_TIMEZONE"] = "Pacific/Auckland"
    try:
        mondays = [date(2026, 6, 8), date(2026, 6, 15)]
        weeks = mine.weekly_counts([manager.id], mondays, "Pacific/Auckland")
        assert [week.customer_engagements for week in weeks] == [0, 1]
        assert db.session.scalar(select(RollupState.zone)) == "Pacific/Auckland"
        assert (manager.id, sunday + timedelta(days=1)) in days()
    finally:
        app.config["GEMBAWALK_TIMEZONE"] = LONDON
        rollup.rebuild()


def test_days_never_cut_are_filled_by_the_first_read(app, manager, external):
    """What the migration leaves on an existing database: walks, no days, an empty zone."""
    visit(manager, at(date(2026, 6, 15), 11), [external])
    db.session.execute(delete(EngagementDay))
    db.session.execute(update(RollupState).values(zone=""))
    db.session.commit()
    period = choose_period(first=date(2026, 6, 15), last=date(2026, 6, 21), now=NOW)
    assert engagement.figures_for([manager], period)[manager.id].customer_engagements == 1
    assert db.session.scalar(select(RollupState.zone)) == LONDON


def test_the_rebuild_command_sums_every_day(app, manager, external):
    visit(manager, at(date(2026, 6, 15), 11), [external])
    visit(manager, at(date(2026, 6, 17), 11), [external])
    kept = days()
    db.session.execute(delete(EngagementDay))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-engagement"])
    assert result.exit_code == 0, result.output
    assert result.output == "2 manager-days summed.\n"
    assert days() == kept


def test_notes_sent_at_once_are_all_counted(app, manager):
    """Eight devices adding notes to one walk at the same moment: the day counts eight (on
    PostgreSQL each transaction waits for the one before to recompute the day)."""
    walk = factories.WalkFactory(
        manager=manager, status=WalkStatus.IN_PROGRESS, planned_start=NOW, started_at=NOW
    )
    manager_id, walk_id = manager.id, walk.uuid
    db.session.commit()

    def note(index: int) -> None:
        actor = db.session.get(type(manager), manager_id)
        add_observation(
            actor, walk_id, category="waste", waste_type="waiting", text=f"Note {index}",
            observation_id=uuid.uuid4(), made_at=NOW,
        )  # fmt: skip

    assert _run_in_threads(app, note) == []
    noted = db.session.scalar(
        select(EngagementDay.observations).where(EngagementDay.manager_id == manager_id)
    )
    assert noted == THREADS
    assert_true_to_the_walks()


def test_a_gemba_walk_is_summed_but_is_no_engagement(app, manager, external):
    walk = visit(manager, at(date(2026, 6, 15), 11), [external])
    walk.kind = WalkKind.GEMBA_WALK
    walk.customers = []
    db.session.commit()
    facts = days()[(manager.id, date(2026, 6, 15))]
    named = dict(zip(rollup.FACTS, facts, strict=True))
    assert named["gemba_walks"] == 1
    assert named["customer_engagements"] == 0
    assert named["planned_done"] == 1
