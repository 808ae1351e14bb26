"""Demand types, tallies, the demand picture and whether a fix worked: the rules, on both
databases, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import (
    Category,
    DemandKind,
    DemandType,
    FollowUpStatus,
    Observation,
    RemovedRecord,
    WalkStatus,
)
from gembawalk.services.demand import fixes, tallies
from gembawalk.services.demand import picture as demand_picture
from gembawalk.services.demand import types as demand_types
from gembawalk.services.engagement import figures
from gembawalk.services.engagement.periods import choose_period
from gembawalk.services.errors import Conflict, Forbidden, Invalid, NotFound
from gembawalk.services.walks.observations import add_observation

from . import factories

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def tree(app):
    """A region with a depot below it, and a team below that."""
    region = factories.OrgUnitFactory(name="North region")
    depot = factories.OrgUnitFactory(name="Northgate depot", parent=region)
    team = factories.OrgUnitFactory(name="Repairs team", parent=depot)
    other = factories.OrgUnitFactory(name="Southside")
    return region, depot, team, other


@pytest.fixture
def director(tree):
    region, depot, _team, _other = tree
    person = factories.PersonFactory(roles=["manager", "director"], org_unit=depot)
    person.leads.append(depot)
    db.session.commit()
    return person


def _started_walk(manager, **extra):
    return factories.WalkFactory(
        manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW, **extra
    )


# --- demand types ---------------------------------------------------------------------------


def test_the_unit_leader_or_an_admin_edits_types_and_no_one_else(tree, director, admin):
    _region, depot, team, other = tree
    chasing = demand_types.add_type(director, depot.id, name="Chasing a repair", kind="failure")
    assert chasing.kind == DemandKind.FAILURE
    assert chasing.category == Category.FAILURE_DEMAND
    # A director leads the units below theirs too.
    demand_types.add_type(director, team.id, name="Report a repair", kind="value")
    demand_types.add_type(admin, other.id, name="Book a visit", kind="value")
    manager = factories.PersonFactory(roles=["manager"], org_unit=depot)
    with pytest.raises(Forbidden):
        demand_types.add_type(manager, depot.id, name="Anything", kind="value")
    with pytest.raises(NotFound):  # a unit the director neither leads nor works in
        demand_types.add_type(director, other.id, name="Anything", kind="value")


def test_a_type_needs_a_name_a_kind_and_a_name_of_its_own(tree, director):
    _region, depot, _team, _other = tree
    with pytest.raises(Invalid) as refused:
        demand_types.add_type(director, depot.id, name="  ", kind="value")
    assert "name" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        demand_types.add_type(director, depot.id, name="Chasing", kind="neither")
    assert "kind" in refused.value.errors
    with pytest.raises(Invalid):
        demand_types.add_type(director, depot.id, name="x" * 121, kind="value")
    demand_types.add_type(director, depot.id, name="Chasing a repair", kind="failure")
    with pytest.raises(Invalid):
        demand_types.add_type(director, depot.id, name="chasing A REPAIR", kind="failure")
    assert db.session.scalar(select(func.count()).select_from(DemandType)) == 1


def test_types_are_inherited_by_the_units_below_and_not_above(tree, admin):
    region, depot, team, other = tree
    top = demand_types.add_type(admin, region.id, name="Asking what happens next", kind="failure")
    middle = demand_types.add_type(admin, depot.id, name="Report a repair", kind="value")
    low = demand_types.add_type(admin, team.id, name="Chasing a repair", kind="failure")
    assert demand_types.available(team.id) == [top, middle, low]  # the highest unit's first
    assert demand_types.available(depot.id) == [top, middle]
    assert demand_types.available(region.id) == [top]
    assert demand_types.available(other.id) == []
    member = factories.PersonFactory(roles=["manager"], org_unit=team)
    assert demand_types.for_person(member) == [top, middle, low]


def test_retired_types_leave_the_walk_but_keep_their_tallies(tree, admin):
    _region, depot, _team, _other = tree
    chasing = demand_types.add_type(admin, depot.id, name="Chasing a repair", kind="failure")
    manager = factories.PersonFactory(roles=["manager"], org_unit=depot)
    walk = _started_walk(manager)
    heard = tallies.tally(manager, walk.uuid, chasing.id)
    demand_types.retire_type(admin, chasing.id, NOW)
    assert demand_types.available(depot.id) == []
    assert demand_types.available(depot.id, retired=True) == [chasing]
    assert db.session.get(Observation, heard.id).demand_type_id == chasing.id
    with pytest.raises(Invalid) as refused:  # no new tallies of a retired type
        tallies.tally(manager, walk.uuid, chasing.id)
    assert "demand_type_id" in refused.value.errors
    # A new type may take the retired one's name; restoring the old one then is refused.
    demand_types.add_type(admin, depot.id, name="Chasing a repair", kind="failure")
    with pytest.raises(Invalid):
        demand_types.restore_type(admin, chasing.id)


def test_types_keep_their_order_and_move(tree, admin):
    _region, depot, _team, _other = tree
    a, b, c = (demand_types.add_type(admin, depot.id, name=name, kind="value") for name in "ABC")
    demand_types.move_type(admin, c.id, by=-1)
    assert [t.name for t in demand_types.available(depot.id)] == ["A", "C", "B"]
    demand_types.move_type(admin, a.id, by=-1)  # already first: stays
    assert [t.name for t in demand_types.available(depot.id)] == ["A", "C", "B"]
    demand_types.rename_type(admin, b.id, name="Bee")
    assert [t.name for t in demand_types.available(depot.id)] == ["A", "C", "Bee"]


# --- tallies --------------------------------------------------------------------------------


def test_a_tally_takes_its_category_from_its_type(tree, admin):
    _region, depot, team, _other = tree
    chasing = demand_types.add_type(admin, depot.id, name="Chasing a repair", kind="failure")
    report = demand_types.add_type(admin, depot.id, name="Report a repair", kind="value")
    manager = factories.PersonFactory(roles=["manager"], org_unit=team)
    walk = _started_walk(manager)
    failure = tallies.tally(manager, walk.uuid, chasing.id, words="Third time I've rung")
    value = tallies.tally(manager, walk.uuid, report.id)
    assert failure.category == Category.FAILURE_DEMAND
    assert failure.text == "Third time I've rung"
    assert value.category == Category.VALUE_DEMAND
    assert value.text == ""
    assert tallies.counts_on(walk) == {chasing.id: 1, report.id: 1}


def test_a_note_whose_type_disagrees_with_its_category_is_refused(tree, admin):
    _region, depot, _team, other = tree
    chasing = demand_types.add_type(admin, depot.id, name="Chasing a repair", kind="failure")
    elsewhere = demand_types.add_type(admin, other.id, name="Book a visit", kind="value")
    manager = factories.PersonFactory(roles=["manager"], org_unit=depot)
    walk = _started_walk(manager)
    for category, type_id in (
        ("value_demand", chasing.id),
        ("what_matters", chasing.id),
        ("value_demand", elsewhere.id),  # not a type of the walk's unit
        ("failure_demand", 10**9),
    ):
        with pytest.raises(Invalid) as refused:
            add_observation(manager, walk.uuid, category=category, text="x", demand_type_id=type_id)
        assert "demand_type_id" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0
    # An untyped demand note still needs its words.
    with pytest.raises(Invalid):
        add_observation(manager, walk.uuid, category="failure_demand", text="")


def test_undoing_a_tally_removes_it_and_leaves_a_tombstone(tree, admin):
    _region, depot, _team, _other = tree
    chasing = demand_types.add_type(admin, depot.id, name="Chasing a repair", kind="failure")
    manager = factories.PersonFactory(roles=["manager"], org_unit=depot)
    walk = _started_walk(manager)
    heard = tallies.tally(manager, walk.uuid, chasing.id)
    note = add_observation(manager, walk.uuid, category="waste", waste_type="waiting",
                                     text="Queue")  # fmt: skip
    someone = factories.PersonFactory(roles=["manager"], org_unit=depot)
    with pytest.raises(NotFound):
        tallies.undo_tally(someone, heard.uuid)
    with pytest.raises(Conflict):  # only tallies are undone this way
        tallies.undo_tally(manager, note.uuid)
    tallies.undo_tally(manager, heard.uuid)
    tallies.undo_tally(manager, heard.uuid)  # again: the same answer
    assert db.session.get(RemovedRecord, heard.uuid).record_type == "observation"
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
    again = tallies.tally(manager, walk.uuid, chasing.id)
    walk.status = WalkStatus.DONE
    db.session.commit()
    with pytest.raises(Conflict):  # a done walk is corrected instead
        tallies.undo_tally(manager, again.uuid)


# --- the demand picture ---------------------------------------------------------------------


def _heard(manager, demand_type, when, words=""):
    walk = factories.WalkFactory(
        manager=manager, status=WalkStatus.IN_PROGRESS, started_at=when, planned_start=when
    )
    return factories.ObservationFactory(
        walk=walk,
        category=demand_type.category if demand_type else Category.FAILURE_DEMAND,
        demand_type=demand_type,
        text=words,
        made_at=when,
    )


def _period(first: date, last: date):
    return choose_period(first=first, last=last, zone="Europe/London", now=NOW)


def test_the_picture_counts_by_type_and_week_and_finds_the_predictable(tree, director):
    region, depot, team, _other = tree
    chasing = demand_types.add_type(director, depot.id, name="Chasing a repair", kind="failure")
    report = demand_types.add_type(director, depot.id, name="Report a repair", kind="value")
    manager = factories.PersonFactory(roles=["manager"], org_unit=team)
    first = date(2026, 11, 2)  # four weeks from this Monday
    mondays = [datetime(2026, 11, 2, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(4)]
    for monday in mondays[:3]:  # three weeks of four: predictable
        _heard(manager, chasing, monday, "Nobody called back")
    for monday in mondays[:2]:  # two weeks of four: not "most"
        _heard(manager, report, monday)
    _heard(manager, None, mondays[3], "Untyped failure")
    _heard(manager, chasing, mondays[0] - timedelta(days=1))  # the Sunday before: outside
    found = demand_picture.picture(director, depot.id, _period(first, first + timedelta(27)))
    assert (found.value, found.failure, found.untyped) == (2, 4, 1)
    assert found.failure_share == pytest.approx(4 / 6)
    rows = {row.demand_type.name: row for row in found.types}
    assert (rows["Chasing a repair"].count, rows["Chasing a repair"].weeks_present) == (3, 3)
    assert (rows["Report a repair"].count, rows["Report a repair"].weeks_present) == (2, 2)
    assert [row.demand_type for row in found.predictable] == [chasing]
    assert [w.failure for w in found.weeks] == [1, 1, 1, 1]
    assert found.weeks[0].failure_share == pytest.approx(0.5)
    assert found.top_failures[0].verbatims == ["Nobody called back"] * 3
    json = demand_picture.picture_json(found)
    assert json["unit"] == {"id": depot.id, "name": depot.name}
    assert json["from"] == "2026-11-02"
    assert json["to"] == "2026-11-29"


def test_predictable_means_more_than_half_the_weeks():
    assert not demand_picture.is_predictable(2, 4)
    assert demand_picture.is_predictable(3, 4)
    assert demand_picture.is_predictable(1, 1)
    assert not demand_picture.is_predictable(0, 0)


def test_the_picture_is_scoped_to_what_the_person_may_see(tree, director):
    _region, depot, team, other = tree
    chasing = demand_types.add_type(director, depot.id, name="Chasing", kind="failure")
    manager = factories.PersonFactory(roles=["manager"], org_unit=team)
    peer = factories.PersonFactory(roles=["manager"], org_unit=team)
    _heard(manager, chasing, NOW - timedelta(days=2))
    _heard(peer, chasing, NOW - timedelta(days=2))
    period = _period(date(2026, 11, 2), date(2026, 11, 30))
    # The manager sees their own unit's picture, from their own walks only.
    assert demand_picture.picture(manager, None, period).failure == 1
    assert demand_picture.picture(director, None, period).failure == 2
    with pytest.raises(NotFound):
        demand_picture.picture(manager, depot.id, period)
    with pytest.raises(NotFound):
        demand_picture.picture(director, other.id, period)


def test_the_leaderboard_share_counts_typed_and_untyped_demand_alike(tree, admin):
    _region, depot, _team, _other = tree
    chasing = demand_types.add_type(admin, depot.id, name="Chasing", kind="failure")
    report = demand_types.add_type(admin, depot.id, name="Report", kind="value")
    manager = factories.PersonFactory(roles=["manager"], org_unit=depot)
    when = NOW - timedelta(days=1)
    _heard(manager, chasing, when)
    _heard(manager, None, when, "An untyped failure demand")
    _heard(manager, report, when)
    period = _period(date(2026, 11, 23), date(2026, 11, 30))
    row = figures.figures_for([manager], period)[manager.id]
    assert (row.value_demand, row.failure_demand) == (1, 2)
    assert row.failure_demand_share == pytest.approx(2 / 3)


# --- did the fix work -----------------------------------------------------------------------


def _closed_follow_up(manager, demand_type, closed_at):
    walk = factories.WalkFactory(manager=manager, status=WalkStatus.DONE, completed_at=closed_at)
    return factories.FollowUpFactory(
        walk=walk,
        demand_type=demand_type,
        status=FollowUpStatus.CLOSED,
        closed_at=closed_at,
        closing_note="We now text the repair date",
    )


def test_the_fix_is_told_four_weeks_after_closing_and_not_before(tree, admin):
    _region, depot, _team, _other = tree
    chasing = demand_types.add_type(admin, depot.id, name="Chasing", kind="failure")
    report = demand_types.add_type(admin, depot.id, name="Report", kind="value")
    manager = factories.PersonFactory(roles=["manager"], org_unit=depot)
    closed = datetime(2026, 10, 1, 9, tzinfo=UTC)
    follow_up = _closed_follow_up(manager, chasing, closed)
    window = timedelta(weeks=4)
    # Before: 10 chasing of 20 on the window's first instant and just before closing.
    for n in range(10):
        _heard(manager, chasing, closed - window if n == 0 else closed - timedelta(seconds=n))
        _heard(manager, report, closed - timedelta(days=1))
    # After: 5 chasing of 20, from the closing instant to just before the window ends.
    for _n in range(15):
        _heard(manager, report, closed + timedelta(days=1))
    for n in range(5):
        _heard(manager, chasing, closed if n == 0 else closed + window - timedelta(seconds=n))
    _heard(manager, chasing, closed - window - timedelta(seconds=1))  # outside: not counted
    _heard(manager, chasing, closed + window)  # outside: not counted
    assert fixes.result(follow_up, closed + window - timedelta(seconds=1)) is None
    told = fixes.result(follow_up, closed + window)
    assert told is not None
    assert (told.before.of_type, told.before.demand) == (10, 20)
    assert (told.after.of_type, told.after.demand) == (5, 20)
    assert not told.too_few
    assert told.reduced is True
    assert [f.id for f, _ in fixes.results_for_unit(depot.id, closed + window)] == [follow_up.id]


def test_under_twenty_demands_on_either_side_is_too_few_to_tell(tree, admin):
    _region, depot, _team, _other = tree
    chasing = demand_types.add_type(admin, depot.id, name="Chasing", kind="failure")
    manager = factories.PersonFactory(roles=["manager"], org_unit=depot)
    closed = datetime(2026, 10, 1, 9, tzinfo=UTC)
    follow_up = _closed_follow_up(manager, chasing, closed)
    for _n in range(20):
        _heard(manager, chasing, closed - timedelta(days=1))
    for _n in range(19):
        _heard(manager, chasing, closed + timedelta(days=1))
    told = fixes.result(follow_up, closed + timedelta(weeks=5))
    assert told is not None
    assert told.too_few
    assert told.reduced is None
    open_one = factories.FollowUpFactory(walk=follow_up.walk, demand_type=chasing)
    assert fixes.result(open_one, closed + timedelta(weeks=5)) is None
