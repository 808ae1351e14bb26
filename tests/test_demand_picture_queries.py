"""The demand picture of a unit whose units below keep their own demand types (a division's,
seen from the whole organisation) costs the same number of queries however many there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gembawalk.models import WalkStatus
from gembawalk.services.demand import picture as demand_picture
from gembawalk.services.demand import types as demand_types
from gembawalk.services.engagement.periods import choose_period

from . import factories
from .conftest import count_queries

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _heard(manager, demand_type, when):
    walk = factories.WalkFactory(
        manager=manager, status=WalkStatus.IN_PROGRESS, started_at=when, planned_start=when
    )
    factories.ObservationFactory(
        walk=walk, category=demand_type.category, demand_type=demand_type, made_at=when
    )


def _picture(admin, top):
    period = choose_period(
        first=date(2026, 11, 2), last=date(2026, 11, 29), zone="Europe/London", now=NOW
    )
    with count_queries() as statements:
        found = demand_picture.picture(admin, top.id, period)
    return found, len(statements)


def test_types_kept_below_the_unit_are_read_in_one_query(app, admin):
    top = factories.OrgUnitFactory(name="Whole organisation")
    when = datetime(2026, 11, 10, 10, tzinfo=UTC)
    divisions = []
    for n in range(2):
        division = factories.OrgUnitFactory(name=f"Division {n}", parent=top)
        manager = factories.PersonFactory(roles=["manager"], org_unit=division)
        divisions.append((division, manager))
        kept = demand_types.add_type(admin, division.id, name=f"Chasing {n}", kind="failure")
        _heard(manager, kept, when)
    found, few = _picture(admin, top)
    assert sorted((row.demand_type.name, row.count) for row in found.types) == [
        ("Chasing 0", 1),
        ("Chasing 1", 1),
    ]
    for division, manager in divisions:
        for n in range(4):
            kept = demand_types.add_type(admin, division.id, name=f"Asking {n}", kind="value")
            _heard(manager, kept, when + timedelta(days=n))
    found, many = _picture(admin, top)
    assert len(found.types) == 10
    assert found.value == 8
    assert many == few


def test_a_small_unit_read_from_its_walks_counts_the_same_as_read_by_period(app, monkeypatch):
    """_on_walks_of's two ways on SQLite (a division from its managers' walks, the whole
    organisation from the period's notes) give the same picture, scoped to what the person
    may see (PostgreSQL has one way)."""
    top = factories.OrgUnitFactory(name="Whole organisation")
    depot = factories.OrgUnitFactory(name="Depot", parent=top)
    elsewhere = factories.OrgUnitFactory(name="Elsewhere", parent=top)
    leader = factories.PersonFactory(roles=["manager", "director"], org_unit=depot)
    leader.leads.append(depot)
    when = datetime(2026, 11, 10, 10, tzinfo=UTC)
    chasing = demand_types.add_type(leader, depot.id, name="Chasing", kind="failure")
    for unit, n in ((depot, 3), (elsewhere, 2)):
        manager = factories.PersonFactory(roles=["manager"], org_unit=unit)
        for day in range(n):
            _heard(manager, chasing, when + timedelta(days=day))
    _heard(leader, chasing, when - timedelta(days=60))  # before the period
    pictures = {}
    for share in (0, 10**9):  # always from the walks; always by period
        monkeypatch.setattr(demand_picture, "NARROW_SHARE", share)
        found, _ = _picture(leader, depot)
        pictures[share] = (found.failure, [(r.demand_type.name, r.count) for r in found.types])
    assert pictures[0] == pictures[10**9] == (3, [("Chasing", 3)])
