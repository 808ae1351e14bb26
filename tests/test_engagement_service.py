"""The engagement figures at their edges: zones, DST, who counts as a customer, what counts once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import literal, select

from gembawalk.extensions import db
from gembawalk.models import Category, CustomerKind, WalkKind, WalkStatus
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement import managers, mine
from gembawalk.services.engagement.periods import LocalClock, choose_period
from gembawalk.services.walks import lifecycle as walks
from gembawalk.timeutil import UTCDateTime, to_utc

from . import factories
from .conftest import count_queries

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def at(day: date, hour: int, minute: int = 0, zone: str = LONDON) -> datetime:
    return to_utc(day, time(hour, minute), zone)


def done_walk(manager, when: datetime, *, planned=None, **extra):
    return factories.done_walk(
        manager, when, planned_start=planned, started_before=timedelta(minutes=50), **extra
    )


def figures(manager, first: date, last: date, zone: str = LONDON, now: datetime | None = None):
    period = choose_period(first=first, last=last, zone=zone, now=now or at(last, 18, zone=zone))
    return engagement.figures_for([manager], period)[manager.id]


@pytest.fixture
def external(unit):
    return factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mrs Patel")


@pytest.fixture
def internal(unit):
    return factories.CustomerFactory(org_unit=unit, kind=CustomerKind.INTERNAL, name="Payroll")


def test_a_sunday_night_walk_belongs_to_its_local_week_though_utc_says_monday(manager, external):
    sunday = date(2026, 6, 14)
    when = at(sunday, 23, 30, NEW_YORK)
    assert when.date() == date(2026, 6, 15)  # Monday in UTC
    done_walk(manager, when, customers=[external])
    week_of_sunday = figures(manager, date(2026, 6, 8), sunday, NEW_YORK)
    next_week = figures(manager, date(2026, 6, 15), date(2026, 6, 21), NEW_YORK)
    assert week_of_sunday.customer_engagements == 1
    assert next_week.customer_engagements == 0
    weeks = mine.weekly_counts([manager.id], [date(2026, 6, 8), date(2026, 6, 15)], NEW_YORK)
    assert [w.customer_engagements for w in weeks] == [1, 0]


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK])
def test_weeks_hold_across_the_clocks_changing(app, zone):
    """Weeks that hold a DST change, both ways, bucket local midnights correctly."""
    spring = date(2026, 3, 29) if zone == LONDON else date(2026, 3, 8)  # Sundays
    autumn = date(2026, 10, 25) if zone == LONDON else date(2026, 11, 1)
    instants = []
    for sunday in (spring, autumn):
        instants += [at(sunday, 23, 30, zone), at(sunday + timedelta(days=1), 0, 30, zone)]
    clock = LocalClock(zone, instants[0] - timedelta(days=30), instants[-1] + timedelta(days=30))
    found = [
        db.session.execute(
            select(clock.monday(literal(i, UTCDateTime)), clock.day(literal(i, UTCDateTime)))
        ).one()
        for i in instants
    ]
    assert found == [
        (spring - timedelta(days=6), spring),
        (spring + timedelta(days=1), spring + timedelta(days=1)),
        (autumn - timedelta(days=6), autumn),
        (autumn + timedelta(days=1), autumn + timedelta(days=1)),
    ]


def test_dst_week_counts_and_on_time_use_local_days(manager, external):
    # Clocks go forward on Sunday 29 March 2026 in London: 00:30 on Monday is 23:30 UTC Sunday.
    monday = date(2026, 3, 30)
    planned = at(monday, 0, 15)
    done_walk(manager, at(monday, 0, 50), customers=[external], planned=planned)
    row = figures(manager, monday, monday + timedelta(days=6))
    assert (row.customer_engagements, row.done, row.on_time) == (1, 1, 1)
    assert figures(manager, monday - timedelta(days=7), monday - timedelta(days=1)).done == 0


def test_only_external_customers_spoken_to_make_an_engagement(manager, external, internal):
    day = date(2026, 5, 6)
    done_walk(manager, at(day, 10), customers=[internal])  # internal only
    done_walk(manager, at(day, 11), customers=[external], spoke=0)  # nobody was there
    done_walk(manager, at(day, 12), customers=[], spoke=3)  # nobody from the register
    done_walk(manager, at(day, 13), customers=[internal, external], spoke=4)  # counts
    factories.WalkFactory(  # planned, never done
        manager=manager, planned_start=at(day, 14), customers=[external]
    )
    row = figures(manager, day, day)
    assert row.customer_engagements == 1
    assert row.customer_contacts == 4
    assert row.done == 4


def test_a_walk_counts_once_however_many_customers_or_sends(manager, external, unit):
    second = factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL)
    day = date(2026, 5, 6)
    walk = factories.WalkFactory(
        manager=manager,
        planned_start=at(day, 9),
        status=WalkStatus.IN_PROGRESS,
        started_at=at(day, 9),
        customers=[external, second],
    )
    record = walks.WalkRecord(
        started_at=datetime(2026, 5, 6, 9, 0),
        completed_at=datetime(2026, 5, 6, 10, 0),
        customers_spoken_to=2,
        customer_ids=[external.id, second.id],
    )
    for _ in range(2):  # a resend of the same completion changes nothing
        walks.complete_walk(manager, walk.uuid, record, now=at(day, 12))
    row = figures(manager, day, day)
    assert (row.customer_engagements, row.customer_contacts, row.done) == (1, 2, 1)


def test_plan_adherence_counts_cancelled_and_missed_against_the_plan(manager, external):
    monday = date(2026, 5, 4)
    now = at(monday + timedelta(days=3), 12)  # Thursday
    done_walk(manager, at(monday, 10), customers=[external], planned=at(monday, 9))
    factories.WalkFactory(
        manager=manager,
        planned_start=at(monday, 11),
        status=WalkStatus.CANCELLED,
        cancelled_at=at(monday, 8),
    )
    factories.WalkFactory(manager=manager, planned_start=at(monday + timedelta(days=1), 9))
    factories.WalkFactory(manager=manager, planned_start=at(monday + timedelta(days=5), 9))
    row = figures(manager, monday, monday + timedelta(days=6), now=now)
    # done 1, cancelled 1, missed 1 (Tuesday); Saturday's is still ahead and left out
    assert (row.planned_done, row.planned_cancelled, row.planned_missed) == (1, 1, 1)
    assert row.plan_adherence == pytest.approx(1 / 3)


def test_on_time_means_done_on_the_planned_day(manager):
    day = date(2026, 5, 6)
    done_walk(manager, at(day, 10), planned=at(day, 9), kind=WalkKind.GEMBA_WALK, spoke=0)
    done_walk(
        manager,
        at(day + timedelta(days=1), 10),
        planned=at(day, 9),
        kind=WalkKind.GEMBA_WALK,
        spoke=0,
    )
    row = figures(manager, day, day + timedelta(days=1))
    assert (row.done, row.on_time, row.gemba_walks) == (2, 1, 2)
    assert row.on_time_share == 0.5


def test_cadence_attainment_days_since_and_streak(manager, external):
    today = date(2026, 5, 28)  # a Thursday
    for weeks_ago in (1, 2, 3):  # none yet this week, one in each of the three before
        done_walk(manager, at(today - timedelta(weeks=weeks_ago), 10), customers=[external])
    done_walk(manager, at(today - timedelta(weeks=6), 10), customers=[external])
    row = figures(manager, today - timedelta(days=27), today)
    assert row.customer_engagements == 3
    assert row.cadence_attainment == pytest.approx(0.75)  # one a week over four weeks
    assert row.days_since_last == 7
    assert row.streak_weeks == 3  # this week is still under way: it does not break it
    assert row.last_engagement == today - timedelta(weeks=1)


def test_never_engaged_shows_none_and_ranks_last(manager, external, unit):
    steady = factories.PersonFactory(org_unit=unit, display_name="Zed Steady")
    lapsed = factories.PersonFactory(org_unit=unit, display_name="Lee Lapsed")
    today = date(2026, 5, 28)
    done_walk(steady, at(today, 9), customers=[external])
    done_walk(lapsed, at(today - timedelta(days=90), 9), customers=[external])
    period = choose_period(
        first=today - timedelta(days=27), last=today, zone=LONDON, now=at(today, 18)
    )
    rows = engagement.ranked(
        list(engagement.figures_for([manager, steady, lapsed], period).values())
    )
    assert [r.manager.display_name for r in rows] == ["Zed Steady", "Lee Lapsed", "Maya Manager"]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[2].never
    assert rows[2].days_since_last is None
    assert rows[1].days_since_last == 90


def test_equal_figures_share_a_rank(manager, unit):
    other = factories.PersonFactory(org_unit=unit)
    period = choose_period("4w", zone=LONDON)
    rows = engagement.ranked(list(engagement.figures_for([manager, other], period).values()))
    assert [r.rank for r in rows] == [1, 1]


def test_a_future_period_has_nothing_to_divide(manager, external):
    today = date(2026, 5, 28)
    done_walk(manager, at(today, 9), customers=[external])
    row = figures(manager, date(2026, 7, 1), date(2026, 7, 31), now=at(today, 18))
    assert row.customer_engagements == 0
    assert row.cadence_attainment == 0
    assert row.plan_adherence is None
    assert row.on_time_share is None
    assert row.failure_demand_share is None
    assert row.days_since_last == 0  # counted to today, not to a day that has not come


def test_failure_demand_share_and_follow_ups(manager, external):
    day = date(2026, 5, 6)
    walk = done_walk(manager, at(day, 10), customers=[external])
    for category in (
        Category.VALUE_DEMAND,
        Category.VALUE_DEMAND,
        Category.FAILURE_DEMAND,
        Category.WHAT_MATTERS,
    ):
        factories.ObservationFactory(walk=walk, category=category, made_at=at(day, 9, 30))
    for due, status in (
        (day - timedelta(days=1), "open"),
        (day + timedelta(days=9), "open"),
        (day - timedelta(days=3), "closed"),
    ):
        factories.FollowUpFactory(walk=walk, owner=manager, due_date=due, status=status)
    row = figures(manager, day, day)
    assert (row.observations, row.value_demand, row.failure_demand) == (4, 2, 1)
    assert row.failure_demand_share == pytest.approx(1 / 3)
    assert (row.follow_ups_open, row.follow_ups_overdue) == (2, 1)


def test_figures_take_a_fixed_number_of_queries(manager, external, unit):
    period = choose_period("quarter", zone=LONDON, now=datetime(2026, 5, 28, 12, tzinfo=UTC))
    with count_queries() as few:
        engagement.figures_for(managers.managers_in({unit.id}), period)
    people = [factories.PersonFactory(org_unit=unit) for _ in range(5)]
    for person in people:
        for days in range(0, 40, 4):
            walk = done_walk(
                person, at(date(2026, 5, 20) - timedelta(days=days), 10), customers=[external]
            )
            factories.ObservationFactory(walk=walk, made_at=walk.completed_at)
    with count_queries() as many:
        shown = managers.managers_in({unit.id})
        engagement.figures_for(shown, period)
    assert len(shown) == 6
    assert len(many) == len(few) <= 12


RECENT = engagement.RECENT_WEEKS


@pytest.mark.parametrize(
    ("weeks_ago", "expected"),
    [
        ([0, 1, 2], 3),  # this week counts once it has one
        ([1, 2, 3], 3),  # this week is under way: not yet a break
        ([0, 2, 3], 1),  # last week had none: the run starts again
        ([2, 3, 4], 0),  # a whole week without one ends it
        (list(range(1, RECENT + 1)), RECENT),  # exactly the recent weeks read first
        (list(range(RECENT)), RECENT),
        (list(range(RECENT + 1)), RECENT + 1),  # one more: read from the older weeks
        ([*range(1, 21), *range(22, 30)], 20),  # an older gap still ends it
    ],
)
def test_a_streak_counts_the_weeks_in_a_row_up_to_now(manager, external, weeks_ago, expected):
    today = date(2026, 5, 28)  # a Thursday
    for n in weeks_ago:
        monday = today - timedelta(days=today.weekday(), weeks=n)
        done_walk(manager, at(monday + timedelta(days=1), 9), customers=[external])
        done_walk(manager, at(monday + timedelta(days=2), 9), customers=[external])
    assert figures(manager, today - timedelta(days=27), today).streak_weeks == expected


def test_days_since_reach_past_the_recent_weeks(manager, external, unit):
    """The streak's weeks hold most last engagements; an older one is still found."""
    recent = factories.PersonFactory(org_unit=unit)
    today = date(2026, 5, 28)
    done_walk(manager, at(today - timedelta(weeks=20), 10), customers=[external])
    done_walk(recent, at(today - timedelta(days=3), 10), customers=[external])
    done_walk(recent, at(today - timedelta(weeks=30), 10), customers=[external])
    period = choose_period(first=today - timedelta(days=27), last=today, now=at(today, 18))
    found = engagement.figures_for([manager, recent], period)
    assert (found[manager.id].days_since_last, found[manager.id].streak_weeks) == (140, 0)
    assert found[manager.id].last_engagement == today - timedelta(weeks=20)
    assert (found[recent.id].days_since_last, found[recent.id].streak_weeks) == (3, 1)


def test_a_past_period_counts_its_streak_to_its_own_end(manager, external):
    today = date(2026, 5, 28)
    end = today - timedelta(weeks=5)  # a Thursday five weeks back: long finished
    for n in (1, 2, 3):  # none in the period's own last week
        done_walk(manager, at(end - timedelta(weeks=n), 9), customers=[external])
    row = figures(manager, end - timedelta(days=27), end, now=at(today, 12))
    assert row.streak_weeks == 0
    done_walk(manager, at(end, 9), customers=[external])
    assert figures(manager, end - timedelta(days=27), end, now=at(today, 12)).streak_weeks == 4


@pytest.mark.parametrize(("weeks", "expected"), [(20, 20), (60, engagement.STREAK_CAP_WEEKS)])
def test_long_streaks_are_read_past_the_recent_weeks_up_to_the_cap(
    manager, external, weeks, expected
):
    today = date(2026, 5, 27)  # a Wednesday, with an engagement this week
    for n in range(weeks):
        done_walk(manager, at(today - timedelta(weeks=n), 9), customers=[external])
    row = figures(manager, today - timedelta(days=6), today)
    assert row.streak_weeks == expected
    assert row.streak_capped == (expected == engagement.STREAK_CAP_WEEKS)
