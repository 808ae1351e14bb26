"""The one permission rule: who may see whose walks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Walk
from gembawalk.services import access
from gembawalk.services.errors import NotFound

from .factories import OrgUnitFactory, PersonFactory, WalkFactory


@pytest.fixture
def org(app):
    """Region → (North depot → North yard), South depot; one manager in each depot and the yard."""
    region = OrgUnitFactory(name="Region")
    north = OrgUnitFactory(name="North depot", parent=region)
    yard = OrgUnitFactory(name="North yard", parent=north)
    south = OrgUnitFactory(name="South depot", parent=region)
    people = {
        "north": PersonFactory(org_unit=north),
        "yard": PersonFactory(org_unit=yard),
        "south": PersonFactory(org_unit=south),
        "director": PersonFactory(roles=["director", "manager"], org_unit=region),
        "coach": PersonFactory(roles=["coach"]),
        "admin": PersonFactory(roles=["admin"]),
    }
    people["director"].leads = [north]
    people["coach"].coachees = [people["south"]]
    walks = {name: WalkFactory(manager=people[name]) for name in ("north", "yard", "south")}
    walks["director"] = WalkFactory(manager=people["director"])
    db.session.commit()
    return people, walks


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("north", {"north"}),
        ("south", {"south"}),
        ("coach", {"south"}),
        ("director", {"director", "north", "yard"}),
        ("admin", {"north", "yard", "south", "director"}),
    ],
)
def test_each_role_sees_exactly_its_walks(org, actor, expected):
    people, walks = org
    by_id = {walk.id: name for name, walk in walks.items()}
    found = db.session.scalars(select(Walk.id).where(access.visible_walks_clause(people[actor])))
    assert {by_id[walk_id] for walk_id in found} == expected
    for name, walk in walks.items():
        if name in expected:
            assert access.get_visible_walk(people[actor], walk.uuid) == walk
        else:
            with pytest.raises(NotFound):
                access.get_visible_walk(people[actor], walk.uuid)


def test_people_follow_the_same_rule(org):
    people, _ = org
    director, coach, yard = people["director"], people["coach"], people["yard"]
    assert access.can_see_person(director, yard.id)
    assert not access.can_see_person(director, people["south"].id)
    assert access.can_see_person(coach, people["south"].id)
    assert not access.can_see_person(coach, yard.id)
    assert access.can_see_person(yard, yard.id)
    assert access.get_visible_person(director, yard.id) == yard
    with pytest.raises(NotFound):
        access.get_visible_person(coach, yard.id)
    with pytest.raises(NotFound):
        access.get_visible_person(people["admin"], 999_999)


def test_led_units_include_every_unit_below(org):
    people, _ = org
    led = access.led_unit_ids(people["director"])
    assert {people["north"].org_unit_id, people["yard"].org_unit_id} == led
    assert access.led_unit_ids(people["north"]) == set()


def test_a_coach_who_stops_coaching_stops_seeing(org):
    people, walks = org
    coach = people["coach"]
    coach.coachees = []
    db.session.commit()
    with pytest.raises(NotFound):
        access.get_visible_walk(coach, walks["south"].uuid)
