"""Cadence targets: person over unit over parent units over the product default."""

from __future__ import annotations

from datetime import date

import pytest

from gembawalk.extensions import db
from gembawalk.models import CadencePeriod
from gembawalk.services.cadence import targets as cadence

from .conftest import count_queries
from .factories import OrgUnitFactory, PersonFactory


def set_cadence(row, period, visits, walks):
    row.cadence_period, row.cadence_customer_visits, row.cadence_gemba_walks = (
        period,
        visits,
        walks,
    )


def test_without_any_setting_the_default_is_one_visit_and_three_walks_a_week(app, unit):
    person = PersonFactory(org_unit=unit)
    target = cadence.target_for(person)
    assert (target.customer_visits, target.gemba_walks) == (1, 3)
    assert target.period is CadencePeriod.WEEK
    assert target.source == "default"


def test_a_person_without_a_unit_gets_the_default(app):
    assert cadence.target_for(PersonFactory(org_unit=None)).source == "default"


def test_the_nearest_unit_with_a_cadence_wins_and_a_person_setting_beats_it(app):
    region = OrgUnitFactory(name="Region")
    depot = OrgUnitFactory(name="Depot", parent=region)
    yard = OrgUnitFactory(name="Yard", parent=depot)
    set_cadence(region, CadencePeriod.MONTH, 2, 4)
    in_yard, in_depot, own = (PersonFactory(org_unit=u) for u in (yard, depot, yard))
    set_cadence(own, CadencePeriod.WEEK, 3, 5)
    db.session.commit()

    targets = cadence.targets_for([in_yard, in_depot, own])
    assert targets[in_yard.id].source_name == "Region"
    assert (targets[in_yard.id].customer_visits, targets[in_yard.id].period) == (
        2,
        CadencePeriod.MONTH,
    )
    set_cadence(depot, CadencePeriod.WEEK, 1, 1)
    db.session.commit()
    targets = cadence.targets_for([in_yard, in_depot, own])
    assert targets[in_yard.id].source_name == "Depot"
    assert targets[in_depot.id].source_name == "Depot"
    assert targets[own.id].source == "person"
    assert (targets[own.id].customer_visits, targets[own.id].gemba_walks) == (3, 5)


def test_targets_for_many_people_take_one_query(app):
    units = [OrgUnitFactory() for _ in range(5)]
    people = [PersonFactory(org_unit=units[i % 5]) for i in range(40)]
    db.session.commit()
    for person in people:  # loaded, as callers have them
        assert person.cadence_period is None
    with count_queries() as statements:
        cadence.targets_for(people)
    assert len(statements) == 1


@pytest.mark.parametrize(
    ("period", "first", "last", "expected"),
    [
        (CadencePeriod.WEEK, date(2026, 11, 2), date(2026, 11, 29), 4),
        (CadencePeriod.WEEK, date(2026, 11, 2), date(2026, 11, 8), 1),
        (CadencePeriod.WEEK, date(2026, 11, 2), date(2026, 11, 2), 1 / 7),
        (CadencePeriod.MONTH, date(2026, 2, 1), date(2026, 2, 28), 1),
        (CadencePeriod.MONTH, date(2026, 1, 1), date(2026, 3, 31), 3),
        (CadencePeriod.MONTH, date(2026, 1, 17), date(2026, 2, 14), 15 / 31 + 14 / 28),
        (CadencePeriod.WEEK, date(2026, 11, 9), date(2026, 11, 8), 0),
    ],
)
def test_periods_in_a_date_range(period, first, last, expected):
    assert cadence.periods_in(period, first, last) == pytest.approx(expected)


def test_expected_visits_over_four_weeks_matches_the_product_example(app, unit):
    # PRODUCT.md: one a week over four weeks with three engagements is at 75%.
    target = cadence.target_for(PersonFactory(org_unit=unit))
    expected = target.expected_visits(date(2026, 11, 2), date(2026, 11, 29))
    assert 3 / expected == pytest.approx(0.75)
