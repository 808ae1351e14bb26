"""Repeating walks: the rule's days, local time across DST, idempotent generation, and the
rules for changing one walk, this and later ones, skipping one and ending the series."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Person, RepeatRule, Walk, WalkSeries, WalkStatus
from gembawalk.services.errors import Invalid
from gembawalk.services.walks import lifecycle as walks
from gembawalk.services.walks import series as series_service
from gembawalk.timeutil import local

from . import factories
from .test_concurrency import _run_in_threads

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # Monday 1 March 2027


def _plan(day=date(2027, 3, 2), at=time(9, 0), place="Dock 4") -> walks.WalkPlan:
    return walks.WalkPlan(kind="gemba_walk", day=day, at=at, place=place)


def _walks(series_id=None) -> list[Walk]:
    query = select(Walk).order_by(Walk.planned_start)
    if series_id is not None:
        query = query.where(Walk.series_id == series_id)
    return list(db.session.scalars(query))


@pytest.mark.parametrize(
    ("rule", "starts_on", "expected"),
    [
        (RepeatRule.WEEKLY, date(2027, 3, 2), ["2027-03-02", "2027-03-09", "2027-03-16"]),
        (RepeatRule.EVERY_TWO_WEEKS, date(2027, 3, 2), ["2027-03-02", "2027-03-16"]),
        # The 2nd Tuesday of each month.
        (RepeatRule.MONTHLY_WEEKDAY, date(2027, 3, 9), ["2027-03-09", "2027-04-13"]),
        # A 5th Tuesday repeats on the last Tuesday.
        (RepeatRule.MONTHLY_WEEKDAY, date(2027, 3, 30), ["2027-03-30", "2027-04-27"]),
    ],
)
def test_rule_days(rule, starts_on, expected):
    found = series_service.occurrence_dates(
        rule, starts_on, None, date(2027, 3, 1), date(2027, 4, 30)
    )
    assert [d.isoformat() for d in found][: len(expected)] == expected


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    found = series_service.occurrence_dates(
        RepeatRule.MONTHLY_DATE, date(2027, 1, 31), None, date(2027, 1, 1), date(2028, 3, 31)
    )
    assert [d.isoformat() for d in found[:5]] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
    ]
    assert date(2028, 2, 29) in found  # a leap year


def test_every_two_weeks_keeps_its_parity_from_a_later_window():
    found = series_service.occurrence_dates(
        RepeatRule.EVERY_TWO_WEEKS, date(2027, 3, 2), None, date(2027, 3, 10), date(2027, 4, 1)
    )
    assert found == [date(2027, 3, 16), date(2027, 3, 30)]


def test_a_weekly_walk_keeps_its_local_time_across_a_dst_change(app, manager):
    manager.timezone = "Europe/London"
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    made = _walks(walk.series_id)
    assert len(made) == 8  # every Tuesday up to eight weeks from today
    for occurrence in made:
        assert local(occurrence.planned_start, "Europe/London").time() == time(9, 0)
        assert occurrence.local_start.date() == occurrence.occurrence_date
    offsets = {local(w.planned_start, "Europe/London").utcoffset() for w in made}
    assert offsets == {timedelta(0), timedelta(hours=1)}  # clocks go forward on 28 March


def test_a_series_in_phoenix_has_no_dst_shift(app, manager):
    manager.timezone = "America/Phoenix"
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    assert {w.planned_start.time() for w in _walks(walk.series_id)} == {time(16, 0)}


def test_running_the_generator_twice_makes_nothing_twice(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    before = len(_walks(walk.series_id))
    assert series_service.generate(now=NOW) == 0
    assert series_service.generate(now=NOW) == 0
    assert len(_walks(walk.series_id)) == before
    # A week on, exactly one more week comes into view.
    assert series_service.generate(now=NOW + timedelta(days=7)) == 1
    assert series_service.generate(now=NOW + timedelta(days=7)) == 0


def test_concurrent_generators_make_each_walk_once(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    series_id = walk.series_id
    before = len(_walks(series_id))
    db.session.commit()
    later = NOW + timedelta(weeks=6)  # six more weeks come into view
    made = []

    def generate(_index: int) -> None:
        made.append(series_service.generate(now=later))

    assert _run_in_threads(app, generate, threads=6) == []
    days = [w.occurrence_date for w in _walks(series_id)]
    assert len(days) == len(set(days)) == before + 6
    assert sum(made) == 6


def test_missed_occurrences_are_ordinary_missed_walks(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    three_weeks_on = datetime(2027, 3, 22, 12, 0, tzinfo=UTC)
    missed = [w for w in _walks(walk.series_id) if w.planned_start < three_weeks_on]
    assert len(missed) == 3
    assert all(w.status == WalkStatus.PLANNED for w in missed)


def test_end_date_before_the_start_is_refused(app, manager):
    with pytest.raises(Invalid) as refused:
        series_service.plan_series(
            manager, _plan(), repeat="weekly", until=date(2027, 3, 1), now=NOW
        )
    assert "repeat_until" in refused.value.errors
    assert db.session.scalar(select(func.count(Walk.id))) == 0
    assert db.session.scalar(select(func.count(WalkSeries.id))) == 0


def test_a_series_ends_on_its_end_date(app, manager):
    walk = series_service.plan_series(
        manager, _plan(), repeat="weekly", until=date(2027, 3, 16), now=NOW
    )
    assert [w.occurrence_date.day for w in _walks(walk.series_id)] == [2, 9, 16]
    assert series_service.generate(now=NOW + timedelta(weeks=4)) == 0


def test_a_time_the_clocks_skip_is_refused(app, manager):
    manager.timezone = "Europe/London"
    with pytest.raises(Invalid) as refused:
        series_service.plan_series(
            manager, _plan(day=date(2027, 3, 28), at=time(1, 30)), repeat="weekly", now=NOW
        )
    assert "does not exist" in refused.value.errors["at"]
    assert db.session.scalar(select(func.count(WalkSeries.id))) == 0


def test_a_later_occurrence_in_the_gap_moves_on_by_the_gap(app, manager):
    manager.timezone = "Europe/London"
    walk = series_service.plan_series(
        manager, _plan(day=date(2027, 3, 21), at=time(1, 30)), repeat="weekly", now=NOW
    )
    gap_day = next(w for w in _walks(walk.series_id) if w.occurrence_date == date(2027, 3, 28))
    assert gap_day.local_start.time() == time(2, 30)


def test_an_unknown_rule_is_refused(app, manager):
    with pytest.raises(Invalid) as refused:
        series_service.plan_series(manager, _plan(), repeat="daily", now=NOW)
    assert "repeat" in refused.value.errors


def test_planning_the_same_series_twice_plans_it_once(app, manager):
    import uuid

    walk_id = uuid.uuid4()
    first = series_service.plan_series(manager, _plan(), repeat="weekly", walk_id=walk_id, now=NOW)
    again = series_service.plan_series(manager, _plan(), repeat="weekly", walk_id=walk_id, now=NOW)
    assert again.id == first.id
    assert db.session.scalar(select(func.count(WalkSeries.id))) == 1


def test_changing_one_occurrence_leaves_the_others(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    second = _walks(walk.series_id)[1]
    walks.update_walk(manager, second.uuid, _plan(day=date(2027, 3, 10), at=time(14, 0)), now=NOW)
    series_service.generate(now=NOW)
    made = _walks(walk.series_id)
    assert len(made) == 8  # the moved walk is not made again on its old day
    assert [w.local_start.strftime("%d %H:%M") for w in made[:3]] == [
        "02 09:00",
        "10 14:00",
        "16 09:00",
    ]


def test_changing_this_and_later_splits_the_series(app, manager):
    walk = series_service.plan_series(manager, _plan(place="Dock 4"), repeat="weekly", now=NOW)
    old_id = walk.series_id
    made = _walks(old_id)
    third = made[2]  # Tuesday 16 March
    changed = series_service.update_this_and_later(
        manager,
        third.uuid,
        _plan(day=date(2027, 3, 18), at=time(10, 30), place="Yard"),
        repeat="every_two_weeks",
        now=NOW,
    )
    assert changed.id == third.id  # the same walk (and calendar event), changed
    assert changed.series_id != old_id
    old = db.session.get(WalkSeries, old_id)
    assert old.ends_on == date(2027, 3, 15)
    assert [w.occurrence_date for w in _walks(old_id)] == [date(2027, 3, 2), date(2027, 3, 9)]
    new = _walks(changed.series_id)
    assert [w.occurrence_date for w in new][:3] == [
        date(2027, 3, 18),
        date(2027, 4, 1),
        date(2027, 4, 15),
    ]
    assert {w.place for w in new} == {"Yard"}
    assert {w.local_start.time() for w in new} == {time(10, 30)}
    assert series_service.generate(now=NOW) == 0


def test_changing_from_the_first_walk_replaces_the_series(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    old_id = walk.series_id
    series_service.update_this_and_later(
        manager, walk.uuid, _plan(at=time(11, 0)), repeat="weekly", now=NOW
    )
    assert db.session.get(WalkSeries, old_id) is None
    assert db.session.scalar(select(func.count(WalkSeries.id))) == 1
    assert {w.local_start.time() for w in _walks()} == {time(11, 0)}


def test_this_and_later_keeps_walks_already_done(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    made = _walks(walk.series_id)
    made[3].status = WalkStatus.DONE  # done early, before the change
    db.session.commit()
    series_service.update_this_and_later(
        manager,
        made[1].uuid,
        _plan(day=date(2027, 3, 9), at=time(15, 0)),
        repeat="weekly",
        now=NOW,
    )
    assert db.session.get(Walk, made[3].id).status == WalkStatus.DONE


def test_skipping_one_cancels_it_and_it_is_not_made_again(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    second = _walks(walk.series_id)[1]
    walks.cancel_walk(manager, second.uuid, now=NOW)
    series_service.generate(now=NOW + timedelta(weeks=1))
    on_that_day = [w for w in _walks(walk.series_id) if w.occurrence_date == date(2027, 3, 9)]
    assert [w.status for w in on_that_day] == [WalkStatus.CANCELLED]


def test_ending_a_series_removes_the_walks_after_today(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    today = datetime(2027, 3, 9, 7, 0, tzinfo=UTC)
    removed = series_service.end_series(manager, walk.series.uuid, now=today)
    assert removed == 6  # 16 March to 20 April
    assert [w.occurrence_date.day for w in _walks(walk.series_id)] == [2, 9]
    assert series_service.generate(now=today + timedelta(weeks=10)) == 0


def test_someone_elses_series_is_not_found(app, manager):
    from gembawalk.services.errors import NotFound

    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    other = factories.PersonFactory(roles=["manager"], org_unit=manager.org_unit)
    with pytest.raises(NotFound):
        series_service.end_series(other, walk.series.uuid, now=NOW)
    with pytest.raises(Exception, match="No such walk"):
        series_service.update_this_and_later(other, walk.uuid, _plan(), repeat="weekly", now=NOW)


def test_the_generator_skips_deactivated_managers(app, manager):
    series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    db.session.get(Person, manager.id).active = False
    db.session.commit()
    assert series_service.generate(now=NOW + timedelta(weeks=4)) == 0


def test_describe_says_the_rule_in_words(app, manager):
    walk = series_service.plan_series(
        manager, _plan(day=date(2027, 3, 31)), repeat="monthly_date", now=NOW
    )
    assert series_service.describe(walk.series) == (
        "Monthly on the 31st at 09:00 (the last day in shorter months)"
    )
    walk = series_service.plan_series(
        manager, _plan(day=date(2027, 3, 9)), repeat="monthly_weekday", now=NOW
    )
    assert series_service.describe(walk.series) == "Monthly on the 2nd Tuesday at 09:00"


def test_this_and_later_without_a_repeat_stops_the_series_at_this_walk(app, manager):
    walk = series_service.plan_series(manager, _plan(), repeat="weekly", now=NOW)
    old_id = walk.series_id
    third = _walks(old_id)[2]
    changed = series_service.update_this_and_later(
        manager, third.uuid, _plan(day=date(2027, 3, 16), place="Last one"), repeat="", now=NOW
    )
    assert changed.series_id is None
    assert [w.occurrence_date.day for w in _walks(old_id)] == [2, 9]
    assert [w.place for w in _walks()] == ["Dock 4", "Dock 4", "Last one"]
    assert series_service.generate(now=NOW + timedelta(weeks=3)) == 0


def test_the_same_series_sent_from_several_threads_is_planned_once(app, manager):
    import uuid

    manager_id, walk_id = manager.id, uuid.uuid4()
    db.session.commit()

    def plan(_index: int) -> None:
        actor = db.session.get(Person, manager_id)
        walk = series_service.plan_series(actor, _plan(), repeat="weekly", walk_id=walk_id, now=NOW)
        assert walk.uuid == walk_id

    assert _run_in_threads(app, plan, threads=6) == []
    assert db.session.scalar(select(func.count(WalkSeries.id))) == 1
    days = [w.occurrence_date for w in _walks()]
    assert len(days) == len(set(days)) == 8
