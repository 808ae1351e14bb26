"""Correcting a sent record (issue 14, point 6): for 14 days after a walk finished its walker
corrects its record and its observations; every correction keeps what it replaced, the walk
still counts once, and its engagement days follow the correction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Correction, CustomerKind, EngagementDay, Walk
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement import rollup
from gembawalk.services.engagement.periods import Period
from gembawalk.services.errors import Conflict, Invalid, NotFound
from gembawalk.services.walks import corrections
from gembawalk.services.walks import lifecycle as walks
from gembawalk.services.walks.observations import add_observation

from . import factories

LONDON = "Europe/London"
FINISHED = datetime(2026, 3, 9, 15, 10, tzinfo=UTC)  # Monday 9 March, 15:10 in London (GMT)
SOON = FINISHED + timedelta(hours=2)


def a_record(**overrides) -> walks.WalkRecord:
    fields = {
        "started_at": datetime(2026, 3, 9, 14, 0),  # local wall times, as the form sends them
        "completed_at": datetime(2026, 3, 9, 15, 10),
        "customers_spoken_to": 2,
        "frontline_met": "Sam (picker)",
        "summary": "Returns wait a day for a label.",
    }
    return walks.WalkRecord(**{**fields, **overrides})


@pytest.fixture
def external(unit):
    return factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mr Okafor")


@pytest.fixture
def done(manager, external) -> Walk:
    """A customer visit started at 14:00 and done at 15:10 on Monday, with one note."""
    walk = walks.plan_walk(
        manager,
        walks.WalkPlan(kind="customer_visit", day=None, at=None),
        start_now=True,
        now=datetime(2026, 3, 9, 14, 0, tzinfo=UTC),
    )
    add_observation(manager, walk.uuid, category="what_matters", text="Being told when")
    return walks.complete_walk(
        manager, walk.uuid, a_record(customer_ids=[external.id]), now=FINISHED
    )


def history_rows(walk: Walk) -> list[Correction]:
    db.session.commit()
    return list(db.session.scalars(select(Correction).where(Correction.walk_id == walk.id)))


def figures(manager, first=date(2026, 3, 9), last=date(2026, 3, 15)):
    period = Period(first, last, LONDON, today=last)
    return engagement.figures_for([manager], period)[manager.id]


# --- correcting a walk --------------------------------------------------------------------


def test_a_correction_keeps_what_it_replaced(manager, done, external):
    corrected = corrections.correct_walk(
        manager,
        done.uuid,
        a_record(customers_spoken_to=3, summary="Returns wait two days.", customer_ids=[]),
        now=SOON,
    )
    assert (corrected.version, corrected.customers_spoken_to) == (done.version, 3)
    [row] = history_rows(done)
    assert (row.changed_by_id, row.version, row.changed_at) == (manager.id, corrected.version, SOON)
    assert row.observation_uuid is None
    assert row.changes == {
        "customers_spoken_to": [2, 3],
        "customer_ids": [[external.id], []],
        "summary": ["Returns wait a day for a label.", "Returns wait two days."],
    }


def test_a_correction_that_changes_nothing_keeps_nothing(manager, done, external):
    version = done.version
    corrections.correct_walk(manager, done.uuid, a_record(customer_ids=[external.id]), now=SOON)
    assert history_rows(done) == []
    assert done.version == version


def test_corrected_times_meet_the_checks_of_completing(manager, done):
    with pytest.raises(Invalid) as refused:
        corrections.correct_walk(
            manager,
            done.uuid,
            a_record(completed_at=datetime(2026, 3, 9, 13, 0), summary="x" * 10_001),
            now=SOON,
        )
    assert refused.value.errors["completed_at"] == "A walk cannot finish before it started."
    assert "summary" in refused.value.errors  # every message at once
    with pytest.raises(Invalid, match="has not come yet"):
        corrections.correct_walk(
            manager, done.uuid, a_record(completed_at=datetime(2026, 3, 9, 19, 0)), now=SOON
        )
    assert history_rows(done) == []


def test_the_window_is_fourteen_days_after_the_walk_finished(manager, done, external):
    last_moment = FINISHED + timedelta(days=14)
    assert corrections.may_correct(manager, done, last_moment)
    assert not corrections.may_correct(manager, done, last_moment + timedelta(minutes=1))
    with pytest.raises(Conflict, match="corrected for 14 days after it finished"):
        corrections.correct_walk(
            manager, done.uuid, a_record(summary="Late"), now=last_moment + timedelta(minutes=1)
        )
    corrections.correct_walk(manager, done.uuid, a_record(summary="Just in time"), now=last_moment)
    assert done.summary == "Just in time"


def test_moving_the_finish_later_does_not_stretch_the_window(manager, done, external):
    later = FINISHED + timedelta(days=10)
    corrections.correct_walk(
        manager,
        done.uuid,
        a_record(completed_at=datetime(2026, 3, 19, 15, 10), customer_ids=[external.id]),
        now=later,
    )
    assert corrections.correctable_until(done) == FINISHED + timedelta(days=14)
    assert not corrections.may_correct(manager, done, FINISHED + timedelta(days=15))


def test_only_a_done_walk_is_corrected(manager):
    walk = walks.plan_walk(
        manager, walks.WalkPlan(kind="gemba_walk", day=None, at=None), start_now=True, now=FINISHED
    )
    assert not corrections.may_correct(manager, walk, SOON)
    with pytest.raises(Conflict, match="Only a done walk"):
        corrections.correct_walk(manager, walk.uuid, a_record(), now=SOON)


def test_only_the_walker_corrects(manager, done, unit):
    other = factories.PersonFactory(roles=["manager"], org_unit=unit)
    coach = factories.PersonFactory(roles=["coach", "manager"])
    manager.coaches = [coach]
    db.session.commit()
    for someone in (other, coach):
        assert not corrections.may_correct(someone, done, SOON)
        with pytest.raises(NotFound):
            corrections.correct_walk(someone, done.uuid, a_record(summary="Not mine"), now=SOON)
    # The coach may read the history all the same.
    assert corrections.history(coach, done.uuid) == []
    with pytest.raises(NotFound):
        corrections.history(other, done.uuid)


def test_an_unplanned_walk_keeps_its_planned_start_at_its_start(manager, done):
    corrections.correct_walk(
        manager, done.uuid, a_record(started_at=datetime(2026, 3, 9, 13, 30)), now=SOON
    )
    assert done.planned_start == done.started_at == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)


# --- correcting an observation ------------------------------------------------------------


def test_an_observations_correction_names_it_in_the_walks_history(manager, done):
    [note] = done.observations
    corrected = corrections.correct_observation(
        manager,
        done.uuid,
        note.uuid,
        category="waste",
        waste_type="waiting",
        said_by="customer",
        text="Being told when, in their words",
        now=SOON,
    )
    assert corrected.version == 2
    [row] = history_rows(done)
    assert (row.observation_uuid, row.version) == (note.uuid, 2)
    assert row.changes == {
        "category": ["what_matters", "waste"],
        "waste_type": [None, "waiting"],
        "said_by": ["walker", "customer"],
        "text": ["Being told when", "Being told when, in their words"],
    }
    with pytest.raises(Conflict):
        corrections.correct_observation(
            manager,
            done.uuid,
            note.uuid,
            category="waste",
            waste_type=None,
            said_by="customer",
            text="Too late",
            now=FINISHED + timedelta(days=15),
        )


def test_the_history_reads_in_words(manager, done, external):
    corrections.correct_walk(
        manager,
        done.uuid,
        a_record(completed_at=datetime(2026, 3, 9, 15, 40), customer_ids=[]),
        now=SOON,
    )
    [note] = done.observations
    corrections.correct_observation(
        manager, done.uuid, note.uuid, category="frontline_idea", waste_type=None,
        said_by="frontline", text="Being told when", now=SOON + timedelta(minutes=1),
    )  # fmt: skip
    walk_entry, note_entry = corrections.shown_history(done)
    assert [(c.label, c.old, c.new) for c in walk_entry.changes] == [
        ("Finished", "Mon 9 Mar 2026, 15:10", "Mon 9 Mar 2026, 15:40"),
        ("Customers met", "Mr Okafor", "None"),
    ]
    assert note_entry.observation is note
    assert [(c.label, c.old, c.new) for c in note_entry.changes] == [
        ("Category", "What matters", "Frontline idea"),
        ("Who said it", "Me (the walker)", "Frontline staff"),
    ]


# --- engagement ---------------------------------------------------------------------------


def test_a_walk_corrected_many_times_counts_once(manager, done, external):
    for count in (3, 4, 1):
        corrections.correct_walk(
            manager,
            done.uuid,
            a_record(customers_spoken_to=count, customer_ids=[external.id]),
            now=SOON,
        )
    found = figures(manager)
    assert (found.done, found.customer_engagements) == (1, 1)
    assert len(history_rows(done)) == 3
    kept = {(r.manager_id, r.day): r.done for r in db.session.scalars(select(EngagementDay))}
    rollup.rebuild()
    assert {
        (r.manager_id, r.day): r.done for r in db.session.scalars(select(EngagementDay))
    } == kept


def test_moving_the_finish_to_another_day_moves_the_engagement(manager, done, external):
    tuesday = datetime(2026, 3, 10, 0, 30, tzinfo=UTC)
    corrections.correct_walk(
        manager,
        done.uuid,
        a_record(completed_at=datetime(2026, 3, 10, 0, 30), customer_ids=[external.id]),
        now=tuesday + timedelta(hours=1),
    )
    db.session.commit()
    engaged = db.session.execute(
        select(EngagementDay.day, func.sum(EngagementDay.customer_engagements))
        .where(EngagementDay.manager_id == manager.id)
        .group_by(EngagementDay.day)
    ).all()
    assert {day: n for day, n in engaged if n} == {date(2026, 3, 10): 1}
    assert figures(manager, last=date(2026, 3, 9)).customer_engagements == 0
