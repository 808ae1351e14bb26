"""Who has nobody been to see: the coverage figures at their edges (the window's first day,
walks that do not count, time zones, the subtree a director may see)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from gembawalk.extensions import db
from gembawalk.models import CustomerKind, SaidBy, WalkKind, WalkStatus
from gembawalk.services.engagement import coverage
from gembawalk.services.errors import Invalid, NotFound
from gembawalk.timeutil import to_utc

from . import factories
from .conftest import count_queries

LONDON = "Europe/London"
TODAY = date(2026, 12, 2)  # a Wednesday
NOW = to_utc(TODAY, time(15), LONDON)


def at(day: date, hour: int, minute: int = 0, zone: str = LONDON):
    return to_utc(day, time(hour, minute), zone)


@pytest.fixture
def org(app):
    """A region led by a director, with two depots and a yard under the first depot."""
    app.config["GEMBAWALK_TIMEZONE"] = LONDON
    region = factories.OrgUnitFactory(name="Region")
    north = factories.OrgUnitFactory(name="North depot", parent=region)
    yard = factories.OrgUnitFactory(name="North yard", parent=north)
    south = factories.OrgUnitFactory(name="South depot", parent=region)
    other = factories.OrgUnitFactory(name="Elsewhere")
    director = factories.PersonFactory(
        roles=["director", "manager"], org_unit=region, display_name="Dana"
    )
    director.leads = [region]
    ann = factories.PersonFactory(org_unit=north, display_name="Ann")
    sol = factories.PersonFactory(org_unit=south, display_name="Sol")
    out = factories.PersonFactory(org_unit=other, display_name="Olu")
    db.session.commit()
    yield {
        "region": region,
        "north": north,
        "yard": yard,
        "south": south,
        "other": other,
        "director": director,
        "ann": ann,
        "sol": sol,
        "out": out,
    }
    app.config["GEMBAWALK_TIMEZONE"] = "Europe/London"


def done(manager, when, **extra):
    extra.setdefault("started_before", timedelta(minutes=30))
    return factories.done_walk(manager, when, **extra)


def figures(org, weeks=4, unit=None, now=NOW):
    return coverage.coverage(org["director"], unit, weeks, now=now)


def row(found, unit):
    return next(r for r in found.units if r.unit.id == unit.id)


def test_a_walk_exactly_four_weeks_ago_counts_and_one_a_day_earlier_does_not(org):
    done(org["ann"], at(TODAY - timedelta(weeks=4), 0, 5))  # the window's first day, just in
    done(org["sol"], at(TODAY - timedelta(weeks=4, days=1), 23, 55))  # the day before
    found = figures(org)
    assert found.first == TODAY - timedelta(weeks=4)
    assert row(found, org["north"]).walks == 1
    south = row(found, org["south"])
    assert south.walks == 0
    assert south.last_walked == TODAY - timedelta(weeks=4, days=1)
    assert south in found.unvisited
    assert row(figures(org, weeks=8), org["south"]).walks == 1


def test_planned_cancelled_and_unfinished_walks_do_not_count(org):
    recent = NOW - timedelta(days=2)
    factories.WalkFactory(manager=org["ann"], planned_start=recent, status=WalkStatus.PLANNED)
    factories.WalkFactory(
        manager=org["ann"], planned_start=recent, status=WalkStatus.CANCELLED, cancelled_at=recent
    )
    factories.WalkFactory(
        manager=org["ann"], planned_start=recent, status=WalkStatus.IN_PROGRESS, started_at=recent
    )
    found = figures(org)
    north = row(found, org["north"])
    assert (north.walks, north.last_walked, north.never) == (0, None, True)
    assert found.walks_done == 0
    assert sum(map(sum, found.heat)) == 0


def test_a_gemba_walk_counts_like_a_customer_visit_and_a_customer_puts_a_walk_in_its_unit(org):
    done(org["ann"], NOW - timedelta(days=3), kind=WalkKind.GEMBA_WALK)
    # Dana (whose unit is the region) met a customer of the yard: the yard was walked too.
    customer = factories.CustomerFactory(org_unit=org["yard"], kind=CustomerKind.EXTERNAL)
    done(org["director"], NOW - timedelta(days=1), customers=[customer])
    found = figures(org)
    assert row(found, org["north"]).walks == 1
    assert row(found, org["yard"]).walks == 1
    assert row(found, org["yard"]).last_walked == TODAY - timedelta(days=1)
    assert row(found, org["region"]).walks == 1
    assert [r.unit.name for r in found.unvisited] == ["South depot"]
    assert row(found, org["south"]).walked is False


def test_units_are_the_subtree_in_tree_order_and_walks_outside_it_are_not_seen(org):
    done(org["out"], NOW - timedelta(days=1))
    found = figures(org)
    names = [(r.unit.name, r.depth) for r in found.units]
    assert names == [("Region", 0), ("North depot", 1), ("North yard", 2), ("South depot", 1)]
    assert found.walks_done == 0
    only_north = figures(org, unit=org["north"].id)
    assert [r.unit.name for r in only_north.units] == ["North depot", "North yard"]
    assert [r.depth for r in only_north.units] == [0, 1]
    with pytest.raises(NotFound):
        figures(org, unit=org["other"].id)


def test_the_unvisited_longest_first_never_before_any_date(org):
    done(org["ann"], NOW - timedelta(weeks=6))
    done(org["sol"], NOW - timedelta(weeks=10))
    found = figures(org)
    assert [r.unit.name for r in found.unvisited] == [
        "North yard",
        "South depot",
        "North depot",
        "Region",  # walked when North depot was, a unit's figures cover its subtree
    ]
    assert [r.never for r in found.unvisited] == [True, False, False, False]
    region = row(found, org["region"])
    assert (region.walks, region.last_walked) == (0, row(found, org["north"]).last_walked)


def test_a_unit_is_walked_when_a_unit_below_it_is(org):
    done(org["ann"], NOW - timedelta(weeks=5))
    customer = factories.CustomerFactory(org_unit=org["yard"])
    done(org["sol"], NOW - timedelta(days=1), customers=[customer])
    found = figures(org)
    assert [r.unit.name for r in found.unvisited] == []
    north = row(found, org["north"])
    assert (north.walks, north.walked, north.last_walked) == (0, True, TODAY - timedelta(days=1))
    assert row(found, org["yard"]).walks == 1
    assert row(found, org["south"]).walks == 1


def test_heat_map_hours_are_the_organisations_local_hours_across_a_dst_change(org, app):
    # Summer time in London: 08:30 local is 07:30 UTC. Winter: 08:30 local is 08:30 UTC.
    done(org["ann"], at(date(2026, 10, 20), 9))
    done(org["ann"], at(date(2026, 11, 24), 9))
    found = figures(org, weeks=12)
    assert found.heat[1][8] == 2  # both Tuesdays at 08 local
    assert sum(map(sum, found.heat)) == 2
    app.config["GEMBAWALK_TIMEZONE"] = "America/New_York"
    found = figures(org, weeks=12)
    # 08:30 London summer = 03:30 New York; 08:30 London winter = 03:30 New York too.
    assert found.heat[1][3] == 2
    assert found.zone == "America/New_York"


def test_a_walk_late_on_sunday_in_utc_is_monday_morning_further_east(org, app):
    app.config["GEMBAWALK_TIMEZONE"] = "Asia/Tokyo"
    done(org["ann"], at(date(2026, 11, 29), 23, 50, zone="UTC") + timedelta(minutes=30))
    found = figures(org, now=at(TODAY, 12, zone="Asia/Tokyo"))
    assert found.heat[0][8] == 1  # Sunday 23:50 UTC is Monday 08:50 in Tokyo


def test_walks_whose_notes_never_say_who_said_them(org):
    quiet = done(org["ann"], NOW - timedelta(days=1))
    factories.ObservationFactory(walk=quiet, said_by=SaidBy.WALKER)
    factories.ObservationFactory(walk=quiet, said_by=SaidBy.WALKER)
    heard = done(org["sol"], NOW - timedelta(days=2))
    factories.ObservationFactory(walk=heard, said_by=SaidBy.WALKER)
    factories.ObservationFactory(walk=heard, said_by=SaidBy.FRONTLINE)
    done(org["sol"], NOW - timedelta(days=3))  # no observations: neither
    outside = done(org["out"], NOW - timedelta(days=1))
    factories.ObservationFactory(walk=outside, said_by=SaidBy.WALKER)
    found = figures(org)
    assert (found.walks_done, found.observed_walks, found.unheard_count) == (3, 2, 1)
    assert found.unheard_share == 0.5
    [listed] = found.unheard
    assert (listed.uuid, listed.walker, listed.observations) == (quiet.uuid, "Ann", 2)
    assert listed.done_on == TODAY - timedelta(days=1)


def test_no_walks_has_no_share(org):
    assert figures(org).unheard_share is None


def test_weeks_other_than_4_8_12_are_refused():
    assert coverage.choose_weeks(None) == 4
    assert coverage.choose_weeks("12") == 12
    for text in ("5", "-4", "x", "0"):
        with pytest.raises(Invalid):
            coverage.choose_weeks(text)


def test_a_fixed_number_of_queries_whatever_the_data(org):
    def count():
        with count_queries() as statements:
            figures(org)
        return len(statements)

    before = count()
    for n in range(5):
        walk = done(org["ann" if n % 2 else "sol"], NOW - timedelta(days=n + 1))
        factories.ObservationFactory(walk=walk, said_by=SaidBy.WALKER)
    db.session.expire_all()
    assert count() == before
