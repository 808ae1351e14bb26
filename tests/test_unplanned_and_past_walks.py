"""Walks without a plan: started now (issue 14, point 4) or recorded after the fact (point 5).
Their planned start is their start, on time and plan adherence leave them out, and a walk
recorded afterwards counts as an engagement like any other done walk."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import CustomerKind, EngagementDay, Walk, WalkStatus
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement import rollup
from gembawalk.services.engagement.periods import Period
from gembawalk.services.errors import Invalid
from gembawalk.services.walks import calendar_feed, past
from gembawalk.services.walks import lifecycle as walks

from . import factories

NOW = datetime(2026, 3, 10, 3, 4, tzinfo=UTC)  # a Tuesday, 03:04 in London (GMT)
LONDON = "Europe/London"


@pytest.fixture
def external(unit):
    return factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mr Okafor")


def figures(manager):
    period = Period(date(2026, 3, 9), date(2026, 3, 15), LONDON, today=date(2026, 3, 10))
    return engagement.figures_for([manager], period)[manager.id]


def a_record(**overrides) -> walks.WalkRecord:
    fields = {
        "started_at": datetime(2026, 3, 9, 14, 0),  # yesterday, local wall times
        "completed_at": datetime(2026, 3, 9, 15, 10),
        "customers_spoken_to": 2,
        "summary": "Forgot to record it at the time.",
    }
    return walks.WalkRecord(**{**fields, **overrides})


# --- Start a walk now ---------------------------------------------------------------------


def test_starting_now_records_the_start_as_the_plan_not_an_invented_time(manager):
    # What the plan form suggested (the next half hour) is not what happened.
    plan = walks.WalkPlan(kind="gemba_walk", day=date(2026, 3, 10), at=time(3, 30))
    walk = walks.plan_walk(manager, plan, start_now=True, now=NOW)
    assert walk.status == WalkStatus.IN_PROGRESS
    assert walk.planned_start == walk.started_at == NOW
    assert walk.unplanned
    assert not walk.recorded_after


def test_a_walk_planned_ahead_is_not_unplanned(manager):
    plan = walks.WalkPlan(kind="gemba_walk", day=date(2026, 3, 11), at=time(9, 0))
    assert walks.plan_walk(manager, plan, now=NOW).unplanned is False


def test_on_time_and_plan_adherence_leave_unplanned_walks_out(manager, external):
    # One walk planned for Monday and done on Monday: on time, and kept to its plan.
    factories.done_walk(
        manager,
        datetime(2026, 3, 9, 11, tzinfo=UTC),
        customers=[external],
        planned_start=datetime(2026, 3, 9, 9, tzinfo=UTC),
    )
    # One started without a plan on Monday and done then: a customer engagement all the same.
    started = walks.plan_walk(
        manager,
        walks.WalkPlan(kind="customer_visit", day=None, at=None),
        start_now=True,
        now=datetime(2026, 3, 9, 13, tzinfo=UTC),
    )
    walks.complete_walk(
        manager,
        started.uuid,
        a_record(started_at=datetime(2026, 3, 9, 13), customer_ids=[external.id]),
        now=datetime(2026, 3, 9, 16, tzinfo=UTC),
    )
    found = figures(manager)
    assert found.done == 2
    assert found.customer_engagements == 2
    assert (found.on_time, found.done_planned, found.on_time_share) == (1, 1, 1.0)
    assert (found.planned_done, found.plan_adherence) == (1, 1.0)
    kept = {
        (r.manager_id, r.day): r.done_planned for r in db.session.scalars(select(EngagementDay))
    }
    rollup.rebuild()
    assert {
        (r.manager_id, r.day): r.done_planned for r in db.session.scalars(select(EngagementDay))
    } == kept


def test_the_calendar_shows_only_the_times_an_unplanned_walk_really_had(manager):
    walk = walks.plan_walk(
        manager, walks.WalkPlan(kind="gemba_walk", day=None, at=None), start_now=True, now=NOW
    )
    event = calendar_feed.walk_event(walk, "https://example.org/walk")
    assert event.decoded("dtstart").astimezone(UTC) == NOW
    assert "dtend" not in event  # in progress: no invented end
    assert "Started without a plan" in str(event["description"])
    walks.complete_walk(
        manager,
        walk.uuid,
        a_record(started_at=datetime(2026, 3, 10, 3, 4), completed_at=datetime(2026, 3, 10, 3, 40)),
        now=NOW + timedelta(hours=1),
    )
    event = calendar_feed.walk_event(walk, "https://example.org/walk")
    assert event.decoded("dtend").astimezone(UTC) == datetime(2026, 3, 10, 3, 40, tzinfo=UTC)


# --- A walk recorded after the fact --------------------------------------------------------


def test_a_past_walk_is_done_kept_apart_and_counts_as_an_engagement(manager, external):
    walk = past.record_past_walk(
        manager,
        kind="customer_visit",
        place="Northgate counter",
        record=a_record(customer_ids=[external.id]),
        now=NOW,
    )
    assert walk.status == WalkStatus.DONE
    assert walk.recorded_after
    assert walk.unplanned
    assert walk.planned_start == walk.started_at == datetime(2026, 3, 9, 14, tzinfo=UTC)
    assert walk.completed_at == datetime(2026, 3, 9, 15, 10, tzinfo=UTC)
    assert walk.planned_minutes == 70
    found = figures(manager)
    assert found.customer_engagements == 1
    assert found.on_time_share is None
    assert found.plan_adherence is None


def test_a_past_walk_sent_twice_is_recorded_once(manager):
    walk_id = uuid.uuid4()
    for _ in range(2):
        past.record_past_walk(
            manager, kind="gemba_walk", place="", record=a_record(), walk_id=walk_id, now=NOW
        )
    assert len(db.session.scalars(select(Walk)).all()) == 1


def test_a_past_walk_is_refused_with_every_message_at_once(manager):
    with pytest.raises(Invalid) as refused:
        past.record_past_walk(
            manager,
            kind="",
            place="",
            record=a_record(
                started_at=datetime(2026, 3, 10, 5, 0),  # after now
                completed_at=datetime(2026, 3, 10, 4, 0),  # before its start
                customers_spoken_to=None,
            ),
            now=NOW,
        )
    assert refused.value.errors == {
        "kind": "Choose a customer visit or a gemba walk.",
        "started_at": "Enter a time no later than now.",
        "completed_at": "A walk cannot finish before it started.",
        "customers_spoken_to": "Customers spoken to is required.",
    }
    assert db.session.scalars(select(Walk)).all() == []


def test_a_past_walk_cannot_finish_later_than_now(manager):
    with pytest.raises(Invalid) as refused:
        past.record_past_walk(
            manager,
            kind="gemba_walk",
            place="",
            record=a_record(
                started_at=datetime(2026, 3, 10, 3, 0), completed_at=datetime(2026, 3, 10, 3, 6)
            ),
            now=NOW,
        )
    assert refused.value.errors == {"completed_at": "Enter a time no later than now."}
