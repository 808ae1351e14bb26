"""The board's order, ranks and pages worked out in SQL (services/engagement/ranking.py) are
those Figures.rank_key gives in Python, with the figures counted for a page's rows only."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import CadencePeriod, CustomerKind, OrgUnit, Person
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement import leaderboard, managers, ranking
from gembawalk.services.engagement.periods import choose_period
from gembawalk.services.people.org import every_unit, subtree_ids

from . import factories
from .test_engagement_months import NOW, PERIODS, build


@pytest.fixture
def world(app, unit):
    """The months' world, with cadences of every kind and managers alike in every figure."""
    app.config["GEMBAWALK_TIMEZONE"] = "Europe/London"
    team = factories.OrgUnitFactory(name="Team", parent=unit)
    team.cadence_period, team.cadence_customer_visits = CadencePeriod.MONTH, 3
    managers = build(unit, "Europe/London")
    managers[2].cadence_period, managers[2].cadence_customer_visits = CadencePeriod.MONTH, 2
    managers[3].cadence_period, managers[3].cadence_customer_visits = CadencePeriod.WEEK, 0
    managers[4].org_unit = team
    managers[6].org_unit = team
    for n in range(3):  # never engaged, the same name but for case
        factories.PersonFactory(roles=["manager"], org_unit=team, display_name=f"Zed {'Z' * n}")
    director = factories.PersonFactory(roles=["admin"])
    db.session.commit()
    return unit, director


def python_board(units, period) -> list[tuple[int, int]]:
    """The board as Python ranks it: figures for everyone, sorted by their rank keys."""
    found = engagement.figures_for(managers.managers_in(units), period)
    shown = [row for row in found.values() if row.on_the_board]
    return [(row.manager.id, row.rank) for row in engagement.ranked(shown)]


def test_sql_ranks_as_python_does(world):
    """For the whole organisation (whose sums are read for everyone) and for a team in it
    (whose sums are read for its own managers only)."""
    unit, _director = world
    team = db.session.scalars(select(OrgUnit).where(OrgUnit.name == "Team")).one()
    assert every_unit(subtree_ids(unit.id))
    assert not every_unit(subtree_ids(team.id))
    for top in (unit, team):
        units = subtree_ids(top.id)
        most_ranks = 0
        for first, last in PERIODS:
            period = choose_period(first=first, last=last, zone="Europe/London", now=NOW)
            expected = python_board(units, period)
            found = ranking.rank(units, period)
            shown = [(row.manager_id, row.rank) for row in found.rows]
            assert shown == expected, (top.name, first, last)
            assert found.total == len(expected)
            most_ranks = max(most_ranks, len({rank for _id, rank in expected}))
        assert most_ranks > 2  # something to order


def test_sql_ranks_as_python_does_when_most_units_share_a_target_of_their_own(world):
    """The target most units share is the query's ELSE: here the top unit's own, inherited by
    the units below it that set none, beside a team with its own."""
    unit, _director = world
    unit.cadence_period, unit.cadence_customer_visits = CadencePeriod.MONTH, 2
    for name in ("North", "South"):  # inherit the top unit's target
        factories.OrgUnitFactory(name=name, parent=unit)
    team = db.session.scalars(select(OrgUnit).where(OrgUnit.name == "Team")).one()
    moved = db.session.scalars(select(Person).where(Person.org_unit_id == team.id)).first()
    moved.org_unit = db.session.scalars(select(OrgUnit).where(OrgUnit.name == "North")).one()
    db.session.commit()
    units = subtree_ids(unit.id)
    for first, last in PERIODS:
        period = choose_period(first=first, last=last, zone="Europe/London", now=NOW)
        expected = python_board(units, period)
        found = ranking.rank(units, period)
        assert [(row.manager_id, row.rank) for row in found.rows] == expected, (first, last)


def test_a_page_holds_its_slice_of_the_board_with_the_same_figures(world, monkeypatch):
    unit, director = world
    period = choose_period(first=PERIODS[0][0], last=PERIODS[0][1], zone="Europe/London", now=NOW)
    whole = leaderboard.leaderboard(director, unit.id, period)
    monkeypatch.setattr(leaderboard, "PAGE_SIZE", 4)
    pages = [leaderboard.leaderboard_page(director, unit.id, period, n) for n in (1, 2, 3)]
    assert [page.total for page in pages] == [len(whole.rows)] * 3
    assert pages[0].pages == 3
    paged = [row for page in pages for row in page.rows]
    assert [(row.manager.id, row.rank) for row in paged] == [
        (row.manager.id, row.rank) for row in whole.rows
    ]
    for mine, theirs in zip(paged, whole.rows, strict=True):
        assert mine.customer_engagements == theirs.customer_engagements
        assert mine.target == theirs.target
        assert mine.streak_weeks == theirs.streak_weeks
        assert mine.days_since_last == theirs.days_since_last
    past = leaderboard.leaderboard_page(director, unit.id, period, 40)
    assert past.number == 3
    assert [row.manager.id for row in past.rows] == [row.manager.id for row in pages[2].rows]


def test_an_empty_board_has_one_empty_page(app, unit):
    director = factories.PersonFactory(roles=["admin"])
    db.session.commit()
    period = choose_period(first=date(2026, 4, 1), last=date(2026, 6, 30), zone="Europe/London")
    page = leaderboard.leaderboard_page(director, unit.id, period, 3)
    assert (page.rows, page.total, page.pages, page.number) == ([], 0, 1, 1)


def test_the_last_engagement_is_the_last_up_to_the_periods_end(app, unit):
    """The months answer for who engaged in the period's months on or before its end; one
    whose month also holds an engagement after the end, and one who last engaged before the
    period, are answered from the days: ranked as Python ranks them."""
    app.config["GEMBAWALK_TIMEZONE"] = "Europe/London"
    external = factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL)

    def manager(name: str, *days: date):
        person = factories.PersonFactory(roles=["manager"], org_unit=unit, display_name=name,
                                         started_on=date(2025, 1, 1))  # fmt: skip
        for day in days:
            done = datetime.combine(day, time(11), tzinfo=UTC)
            factories.done_walk(person, done, customers=[external])
        return person

    later = manager("Ann, and later in the month", date(2026, 6, 3), date(2026, 6, 12))
    within = manager("Bo, within", date(2026, 6, 5))
    before = manager("Cy, in May only", date(2026, 5, 20))
    manager("Di, never")
    db.session.commit()
    units = subtree_ids(unit.id)
    period = choose_period(first=date(2026, 6, 1), last=date(2026, 6, 10), zone="Europe/London",
                           now=NOW)  # fmt: skip
    found = [(row.manager_id, row.rank) for row in ranking.rank(units, period).rows]
    assert found == python_board(units, period)
    # One engagement each in the period: Bo's was the later (the 12th is after its end).
    assert [manager_id for manager_id, _rank in found[:2]] == [within.id, later.id]
    board = {row.manager.id: row for row in leaderboard.leaderboard_page(
        factories.PersonFactory(roles=["admin"]), unit.id, period, 1).rows}  # fmt: skip
    assert board[later.id].last_engagement == date(2026, 6, 3)
    assert board[before.id].last_engagement == date(2026, 5, 20)
