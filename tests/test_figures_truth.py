"""Figures that tell the truth (issue 18): measured from joining to leaving with targets
prorated to those days, gemba-walk attainment beside cadence attainment, closure rates that
sum a unit's subtree, and "not seen" lists of external customers only."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest

from gembawalk.extensions import db
from gembawalk.models import CadencePeriod, CustomerKind, FollowUpStatus, WalkKind
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement import leaderboard, managers, trends
from gembawalk.services.engagement.definitions import measured_span
from gembawalk.services.engagement.periods import choose_period
from gembawalk.services.errors import Invalid
from gembawalk.services.followups import lists as followups_lists
from gembawalk.services.people import accounts
from gembawalk.timeutil import to_utc, utcnow

from . import factories
from .conftest import count_queries, sign_in
from .openapi_check import assert_documented

LONDON = "Europe/London"
MONDAY = date(2026, 6, 1)  # four whole weeks: 1–28 June 2026
LAST = MONDAY + timedelta(days=27)


def at(day: date, hour: int = 11) -> datetime:
    return to_utc(day, time(hour), LONDON)


def four_weeks(*managers):
    period = choose_period(first=MONDAY, last=LAST, zone=LONDON, now=at(LAST, 20))
    return engagement.figures_for(list(managers), period)


def engage(manager, customer, day: date):
    return factories.done_walk(manager, at(day), customers=[customer])


def gemba(manager, day: date):
    return factories.done_walk(manager, at(day, 14), kind=WalkKind.GEMBA_WALK, spoke=0)


@pytest.fixture
def external(unit):
    return factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mrs Patel")


# -- the measured span -------------------------------------------------------------------


def test_the_span_is_the_period_cut_to_joining_and_leaving():
    assert measured_span(MONDAY, LAST, date(2020, 1, 1), None) == (MONDAY, LAST)
    assert measured_span(MONDAY, LAST, LAST, None) == (LAST, LAST)  # joined on the last day
    assert measured_span(MONDAY, LAST, LAST + timedelta(days=1), None) is None  # not yet
    assert measured_span(MONDAY, LAST, date(2020, 1, 1), MONDAY) == (MONDAY, MONDAY)
    assert measured_span(MONDAY, LAST, date(2020, 1, 1), MONDAY - timedelta(days=1)) is None


def test_a_manager_who_joined_mid_period_has_a_prorated_target(manager, external):
    """One a week and three gemba walks a week (the default): joined on the 15th, they are
    measured on 14 of the 28 days, so two engagements and six gemba walks."""
    manager.started_on = MONDAY + timedelta(days=14)
    db.session.commit()
    engage(manager, external, MONDAY + timedelta(days=15))
    row = four_weeks(manager)[manager.id]
    assert row.target == pytest.approx(2.0)
    assert row.gemba_target == pytest.approx(6.0)
    assert row.cadence_attainment == pytest.approx(0.5)
    assert row.measured


def test_joining_on_the_last_day_of_the_period_counts_one_day(manager):
    manager.started_on = LAST
    db.session.commit()
    row = four_weeks(manager)[manager.id]
    assert row.target == pytest.approx(1 / 7)
    assert row.gemba_target == pytest.approx(3 / 7)


def test_a_manager_created_today_is_not_measured_on_the_weeks_before(app, unit):
    """The account's first day is where their figures start: not "0 of 4 in 4 weeks"."""
    today = utcnow()
    person = accounts.create_person(
        factories.PersonFactory(roles=["admin"]),
        password="a long enough password here",
        email="new@example.org",
        display_name="New Manager",
        roles=["manager"],
        org_unit_id=unit.id,
    )
    period = choose_period("4w", zone=app.config["GEMBAWALK_TIMEZONE"], now=today)
    assert person.started_on == period.today
    row = engagement.figures_for([person], period)[person.id]
    assert row.target == pytest.approx(1 / 7)
    assert row.customer_engagements == 0


def test_walks_before_joining_or_after_leaving_do_not_count(manager, external):
    engage(manager, external, MONDAY + timedelta(days=2))  # before the start an admin set
    gemba(manager, MONDAY + timedelta(days=2))
    engage(manager, external, MONDAY + timedelta(days=10))  # inside
    engage(manager, external, MONDAY + timedelta(days=20))  # after they left
    manager.started_on = MONDAY + timedelta(days=7)
    manager.left_on = MONDAY + timedelta(days=13)
    db.session.commit()
    row = four_weeks(manager)[manager.id]
    assert (row.customer_engagements, row.gemba_walks, row.done) == (1, 0, 1)
    assert row.target == pytest.approx(1.0)  # one week measured
    assert row.cadence_attainment == pytest.approx(1.0)


def test_leaving_is_kept_by_deactivation_and_cleared_by_reactivation(manager, admin):
    accounts.set_active(admin, manager.id, False)
    assert manager.left_on == choose_period("4w", zone=LONDON).today
    accounts.set_active(admin, manager.id, True)
    assert manager.left_on is None


def test_an_admin_sets_the_start_date_and_an_impossible_one_is_refused(manager, admin):
    fields = {
        "email": manager.email,
        "display_name": manager.display_name,
        "roles": ["manager"],
        "org_unit_id": manager.org_unit_id,
    }
    accounts.update_person(admin, manager.id, **fields, started_on=date(2026, 3, 2))
    assert manager.started_on == date(2026, 3, 2)
    accounts.update_person(admin, manager.id, **fields)  # blank keeps it
    assert manager.started_on == date(2026, 3, 2)
    with pytest.raises(Invalid) as refused:
        accounts.update_person(admin, manager.id, **fields, started_on=date(1970, 1, 1))
    assert "started_on" in refused.value.errors


def test_the_board_leaves_out_those_not_measured_in_the_period(app, unit, external):
    director = factories.PersonFactory(roles=["director"], org_unit=unit)
    director.leads = [unit]
    factories.PersonFactory(org_unit=unit, display_name="Here")
    later = factories.PersonFactory(org_unit=unit, display_name="Later")
    gone = factories.PersonFactory(org_unit=unit, display_name="Gone", active=False)
    later.started_on = LAST + timedelta(days=1)
    gone.left_on = MONDAY - timedelta(days=1)
    db.session.commit()
    period = choose_period(first=MONDAY, last=LAST, zone=LONDON, now=at(LAST, 20))
    names = [
        row.manager.display_name for row in leaderboard.leaderboard(director, unit.id, period).rows
    ]
    assert names == ["Here"]


# -- gemba-walk attainment ---------------------------------------------------------------


def test_gemba_walk_attainment_counts_done_gemba_walks_against_their_cadence(manager):
    """Nine gemba walks and no customer engagement: 0% cadence, 75% gemba walks."""
    for n in range(9):
        gemba(manager, MONDAY + timedelta(days=n * 3))
    row = four_weeks(manager)[manager.id]
    assert row.cadence_attainment == 0
    assert row.gemba_walks == 9
    assert row.gemba_target == pytest.approx(12.0)
    assert row.gemba_walk_attainment == pytest.approx(0.75)


def test_a_monthly_gemba_walk_cadence_is_prorated_by_the_days_of_each_month(manager):
    manager.cadence_period = CadencePeriod.MONTH
    manager.cadence_customer_visits = 2
    manager.cadence_gemba_walks = 6
    db.session.commit()
    row = four_weeks(manager)[manager.id]  # 28 of June's 30 days
    assert row.gemba_target == pytest.approx(6 * 28 / 30)
    assert row.gemba_walk_attainment == 0


def test_no_gemba_walk_target_shows_nothing_to_divide_by(manager):
    manager.cadence_period = CadencePeriod.WEEK
    manager.cadence_customer_visits = 1
    manager.cadence_gemba_walks = 0
    db.session.commit()
    assert four_weeks(manager)[manager.id].gemba_walk_attainment is None


# -- closure rates over a subtree -------------------------------------------------------


def test_a_parent_units_closure_rate_is_the_sum_of_its_teams(app):
    top = factories.OrgUnitFactory(name="Council")
    north = factories.OrgUnitFactory(name="North", parent=top)
    south = factories.OrgUnitFactory(name="South", parent=top)
    depot = factories.OrgUnitFactory(name="North depot", parent=north)
    director = factories.PersonFactory(roles=["director"], org_unit=top)
    director.leads = [top]
    db.session.commit()
    counts = {north: (3, 1), south: (2, 2), depot: (4, 0)}  # (made, closed)
    for team, (made, closed) in counts.items():
        person = factories.PersonFactory(org_unit=team)
        for n in range(made):
            factories.FollowUpFactory(
                walk=factories.done_walk(person, utcnow() - timedelta(days=3)),
                status=FollowUpStatus.CLOSED if n < closed else FollowUpStatus.OPEN,
            )
    rows, _since = followups_lists.closure_rates(director)
    found = {r.unit.name: (r.total, r.closed) for r in rows}
    assert found == {
        "Council": (9, 3),
        "North": (7, 1),  # its own 3 and its depot's 4
        "North depot": (4, 0),
        "South": (2, 2),
    }


def test_a_director_of_a_team_sees_its_subtree_only(app):
    top = factories.OrgUnitFactory(name="Council")
    north = factories.OrgUnitFactory(name="North", parent=top)
    factories.OrgUnitFactory(name="South", parent=top)
    director = factories.PersonFactory(roles=["director"], org_unit=north)
    director.leads = [north]
    db.session.commit()
    factories.FollowUpFactory(
        walk=factories.done_walk(factories.PersonFactory(org_unit=top), utcnow())
    )
    rows, _since = followups_lists.closure_rates(director)
    assert [(r.unit.name, r.total) for r in rows] == [("North", 0)]


# -- not seen for 90 days ----------------------------------------------------------------


def test_not_seen_lists_external_customers_and_keeps_internal_ones_apart(app, unit):
    director = factories.PersonFactory(roles=["director"], org_unit=unit)
    director.leads = [unit]
    db.session.commit()
    factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mrs Patel")
    factories.CustomerFactory(org_unit=unit, kind=CustomerKind.INTERNAL, name="Payroll")
    not_seen = trends.customer_reach(director, unit.id, trends.NOT_SEEN_DAYS)
    assert [r.customer.name for r in not_seen.rows] == ["Mrs Patel"]
    assert not_seen.internal == []
    everyone = trends.customer_reach(director, unit.id)
    assert [r.customer.name for r in everyone.rows] == ["Mrs Patel"]
    assert [r.customer.name for r in everyone.internal] == ["Payroll"]


def test_trends_count_only_the_days_a_manager_was_measured_on(app, unit, external):
    director = factories.PersonFactory(roles=["director"], org_unit=unit)
    director.leads = [unit]
    manager = factories.PersonFactory(org_unit=unit)
    manager.started_on = MONDAY + timedelta(days=7)
    db.session.commit()
    engage(manager, external, MONDAY + timedelta(days=1))
    engage(manager, external, MONDAY + timedelta(days=8))
    period = choose_period(first=MONDAY, last=LAST, zone=LONDON, now=at(LAST, 20))
    weeks = trends.trends(director, unit.id, period).weeks
    assert [w.customer_engagements for w in weeks] == [0, 1, 0, 0]


def test_the_figures_query_count_does_not_grow_with_joiners(app, unit, external):
    people = [factories.PersonFactory(org_unit=unit) for _ in range(3)]
    for n, person in enumerate(people):
        person.started_on = MONDAY + timedelta(days=n * 5)
        engage(person, external, MONDAY + timedelta(days=20))
    db.session.commit()
    board = managers.managers_in([unit.id])  # what a board reads: no person to reload
    four_weeks(*board[:1])  # the days are summed once, on the first read
    with count_queries() as one:
        four_weeks(*board[:1])
    with count_queries() as three:
        rows = four_weeks(*board)
    assert len(three) == len(one)
    assert sorted(row.target for row in rows.values()) == pytest.approx(
        [18 / 7, 23 / 7, 4.0]
    )  # 18, 23 and 28 days


# -- the pages, the API and the CSV ------------------------------------------------------


@pytest.fixture
def board_world(app, unit):
    director = factories.PersonFactory(roles=["director", "manager"], org_unit=unit)
    director.leads = [unit]
    walker = factories.PersonFactory(org_unit=unit, display_name="Gemma Gemba")
    db.session.commit()
    for n in range(3):
        factories.done_walk(walker, utcnow() - timedelta(days=n + 1), kind=WalkKind.GEMBA_WALK)
    return director, walker


def test_the_leaderboard_json_carries_gemba_walk_attainment_as_documented(client, board_world):
    director, walker = board_world
    sign_in(client, director)
    response = client.get("/api/v1/leaderboard")
    assert_documented(client, response, "get", "/leaderboard")
    row = next(r for r in response.get_json()["rows"] if r["manager"]["id"] == walker.id)
    assert row["gemba_walks"] == 3
    assert row["gemba_walk_attainment"] == pytest.approx(3 / 12, abs=1e-4)
    assert row["cadence_attainment"] == 0


def test_the_leaderboard_csv_and_page_show_gemba_walk_attainment(client, board_world):
    director, walker = board_world
    sign_in(client, director)
    text = client.get("/engagement/leaderboard.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    header, gemma = rows[0], next(r for r in rows if r[1] == "Gemma Gemba")
    found = dict(zip(header, gemma, strict=True))
    assert (found["gemba walks"], found["gemba-walk attainment %"]) == ("3", "25.0")
    assert found["gemba-walk target"] == "12.0"
    assert found["measured from"] < found["measured to"]
    page = client.get("/engagement/leaderboard").get_data(as_text=True)
    assert "Gemba-walk attainment" in page
    assert 'data-label="Gemba-walk attainment">25%</td>' in page


def test_my_engagement_shows_gemba_walks_beside_cadence(client, board_world):
    _director, walker = board_world
    sign_in(client, walker)
    page = client.get("/").get_data(as_text=True)
    assert "gemba walks: 3 of 12 in 4 weeks" in page


def test_the_customers_page_keeps_internal_customers_apart(client, board_world, unit):
    director, _walker = board_world
    factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mrs Patel")
    factories.CustomerFactory(org_unit=unit, kind=CustomerKind.INTERNAL, name="Payroll")
    sign_in(client, director)
    everyone = client.get("/engagement/customers").get_data(as_text=True)
    assert (
        everyone.index("Mrs Patel")
        < everyone.index("Internal customers")
        < everyone.index("Payroll")
    )
    not_seen = client.get("/engagement/customers?not_seen=1").get_data(as_text=True)
    assert "Mrs Patel" in not_seen
    assert "Payroll" not in not_seen
    assert "Internal customers are not listed" in not_seen


def test_the_admin_sets_a_start_date_on_the_persons_page(client, admin, manager):
    sign_in(client, admin)
    page = client.get(f"/admin/people/{manager.id}/edit").get_data(as_text=True)
    assert 'name="started_on"' in page
    assert manager.started_on.isoformat() in page
