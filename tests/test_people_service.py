"""The admin's rules for people, org units and the customer register, without HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.limits import TEXT
from gembawalk.models import Customer, CustomerKind, OrgUnit, Person, Role
from gembawalk.services import customers
from gembawalk.services.errors import Forbidden, Invalid, NotFound
from gembawalk.services.people import accounts as people
from gembawalk.services.people import org, sessions

from . import factories


def fields(**overrides) -> dict:
    data = {
        "email": "sam@example.org",
        "display_name": "Sam Example",
        "roles": ["coach"],
        "org_unit_id": None,
        "coach_ids": [],
        "leads_unit_ids": [],
        "timezone": "",
    }
    data.update(overrides)
    return data


INITIAL_PASSWORD = "a long initial password"


def add(admin, password=INITIAL_PASSWORD, **overrides) -> Person:
    return people.create_person(admin, password=password, **fields(**overrides))


def refused(error: pytest.ExceptionInfo, field: str) -> str:
    assert field in error.value.errors, error.value.errors
    return error.value.errors[field]


def people_count() -> int:
    return db.session.scalar(select(func.count(Person.id)))


# People


def test_create_person_stores_a_lower_cased_email_roles_coaches_and_leads(admin, unit):
    coach = factories.PersonFactory(roles=["coach"])
    person = add(
        admin,
        email="Dana@Example.ORG",
        roles=["manager", "director"],
        org_unit_id=unit.id,
        coach_ids=[coach.id],
        leads_unit_ids=[unit.id],
        timezone=" America/New_York ",
    )
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.email == "dana@example.org"
    assert person.roles == {Role.MANAGER, Role.DIRECTOR}
    assert person.coaches == [coach]
    assert coach.coachees == [person]
    assert person.leads == [unit]
    assert person.timezone == "America/New_York"
    assert person.active is True


def test_only_an_admin_manages_people(manager, unit):
    with pytest.raises(Forbidden):
        add(manager)
    with pytest.raises(Forbidden):
        people.list_people(manager)
    with pytest.raises(Forbidden):
        people.set_active(manager, manager.id, False)
    assert people_count() == 1


def test_an_email_is_unique_whatever_its_case(admin, manager):
    before = people_count()
    with pytest.raises(Invalid) as error:
        add(admin, email=manager.email.title())
    assert refused(error, "email") == people.DUPLICATE_EMAIL
    assert people_count() == before


def test_a_manager_needs_an_org_unit(admin):
    with pytest.raises(Invalid) as error:
        add(admin, roles=["manager", "coach"])
    assert refused(error, "org_unit_id") == "A manager needs an org unit."
    assert people_count() == 1


def test_roles_must_be_given_and_known(admin):
    with pytest.raises(Invalid) as error:
        add(admin, roles=[])
    refused(error, "roles")
    with pytest.raises(Invalid) as error:
        add(admin, roles=["overlord"])
    refused(error, "roles")
    assert people_count() == 1


def test_coaches_hold_the_coach_role_and_nobody_coaches_themselves(admin, manager):
    with pytest.raises(Invalid) as error:
        add(admin, coach_ids=[manager.id])
    assert "coach role" in refused(error, "coach_ids")

    coach = factories.PersonFactory(roles=["coach"])
    with pytest.raises(Invalid) as error:
        people.update_person(admin, coach.id, **fields(email=coach.email, coach_ids=[coach.id]))
    assert refused(error, "coach_ids") == "Nobody coaches themselves."


def test_only_a_director_leads_units(admin, unit):
    with pytest.raises(Invalid) as error:
        add(admin, roles=["coach"], leads_unit_ids=[unit.id])
    assert "director" in refused(error, "leads_unit_ids")
    with pytest.raises(Invalid) as error:
        add(admin, roles=["director"], leads_unit_ids=[unit.id, 999_999])
    refused(error, "leads_unit_ids")
    assert people_count() == 1


def test_someone_who_stops_coaching_stops_coaching_everyone(admin, manager):
    coach = factories.PersonFactory(roles=["coach", "manager"], org_unit=manager.org_unit)
    manager.coaches = [coach]
    db.session.commit()
    people.update_person(
        admin,
        coach.id,
        **fields(email=coach.email, roles=["manager"], org_unit_id=coach.org_unit_id),
    )
    db.session.expire_all()
    assert db.session.get(Person, manager.id).coaches == []


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "localtime", "../../etc/passwd", "Europe/London\x00", "x" * 300]
)
def test_a_time_zone_must_be_an_iana_name(admin, zone):
    with pytest.raises(Invalid) as error:
        add(admin, timezone=zone)
    assert "IANA" in refused(error, "timezone")
    assert people_count() == 1


def test_a_blank_time_zone_means_the_organisations(app, admin):
    person = add(admin, timezone="  ")
    assert person.timezone is None
    assert people.zone_for(person) == app.config["GEMBAWALK_TIMEZONE"]


def test_the_initial_password_follows_the_policy(admin):
    with pytest.raises(Invalid) as error:
        add(admin, password="too short")
    refused(error, "password")
    assert people_count() == 1


def test_every_problem_is_reported_at_once(admin, manager):
    with pytest.raises(Invalid) as error:
        add(
            admin,
            password="short",
            email=manager.email.upper(),
            roles=["manager"],
            timezone="Nowhere",
        )
    assert set(error.value.errors) == {"password", "email", "org_unit_id", "timezone"}
    assert people_count() == 2


def test_a_refused_update_writes_nothing(admin, manager):
    with pytest.raises(Invalid):
        people.update_person(
            admin,
            manager.id,
            **fields(email="new@example.org", display_name="New Name", timezone="Nowhere"),
        )
    db.session.expire_all()
    kept = db.session.get(Person, manager.id)
    assert (kept.email, kept.display_name) == (manager.email, "Maya Manager")


def test_an_admin_keeps_their_own_admin_role(admin):
    with pytest.raises(Invalid) as error:
        people.update_person(admin, admin.id, **fields(email=admin.email, roles=["coach"]))
    assert "own admin role" in refused(error, "roles")
    db.session.expire_all()
    assert db.session.get(Person, admin.id).has_role(Role.ADMIN)


def test_deactivating_ends_every_session_and_reactivating_allows_sign_in(admin, manager):
    cookies = [
        sessions.start(manager, remember=remember, user_agent=None, address=None)[1]
        for remember in (False, True)
    ]
    assert all(sessions.resume(cookie).person == manager for cookie in cookies)
    people.set_active(admin, manager.id, False)
    assert [sessions.resume(cookie) for cookie in cookies] == [None, None]
    assert people.authenticate(manager.email, factories.PASSWORD) is None
    people.set_active(admin, manager.id, True)
    assert people.authenticate(manager.email, factories.PASSWORD) == manager
    assert [sessions.resume(cookie) for cookie in cookies] == [None, None]  # they stay ended


def test_an_admin_cannot_deactivate_themselves(admin):
    with pytest.raises(Forbidden):
        people.set_active(admin, admin.id, False)
    db.session.expire_all()
    assert db.session.get(Person, admin.id).active is True


def test_an_unknown_person_is_not_found(admin):
    with pytest.raises(NotFound):
        people.get_person(admin, 999_999)


def test_coach_choices_are_active_coaches_and_current_ones(admin, manager):
    active = factories.PersonFactory(roles=["coach"], display_name="Active Coach")
    gone = factories.PersonFactory(roles=["coach"], display_name="Gone Coach", active=False)
    factories.PersonFactory(roles=["manager"], org_unit=manager.org_unit)
    assert people.coach_choices(admin) == [active]
    manager.coaches = [gone]
    db.session.commit()
    assert people.coach_choices(admin, manager) == [active, gone]
    assert people.coach_choices(admin, active) == []


# Org units


def test_a_unit_cannot_sit_below_itself_or_its_own_units(admin, unit):
    bay = factories.OrgUnitFactory(name="Bay", parent=unit)
    shelf = factories.OrgUnitFactory(name="Shelf", parent=bay)
    for parent in (unit, bay, shelf):
        with pytest.raises(Invalid) as error:
            org.update_unit(admin, unit.id, name="Northgate depot", parent_id=parent.id)
        assert "below itself" in refused(error, "parent_id")
    db.session.expire_all()
    assert db.session.get(OrgUnit, unit.id).parent_id is None
    org.update_unit(admin, shelf.id, name="Shelf", parent_id=unit.id)  # moving down is fine
    assert db.session.get(OrgUnit, shelf.id).parent_id == unit.id


def test_units_under_one_parent_have_different_names(admin, unit):
    org.create_unit(admin, name="Bay", parent_id=unit.id)
    with pytest.raises(Invalid) as error:
        org.create_unit(admin, name="BAY", parent_id=unit.id)
    refused(error, "name")
    org.create_unit(admin, name="Bay", parent_id=None)  # elsewhere in the tree it is fine
    with pytest.raises(Invalid) as error:
        org.update_unit(admin, unit.id, name="bay", parent_id=None)
    refused(error, "name")


def test_a_unit_name_is_required_and_limited(admin):
    with pytest.raises(Invalid) as error:
        org.create_unit(admin, name="  ", parent_id=None)
    refused(error, "name")
    with pytest.raises(Invalid) as error:
        org.create_unit(admin, name="x" * (TEXT["unit_name"] + 1), parent_id=None)
    refused(error, "name")
    with pytest.raises(Invalid) as error:
        org.create_unit(admin, name="Bay", parent_id=999_999)
    refused(error, "parent_id")
    assert db.session.scalar(select(func.count(OrgUnit.id))) == 0


def test_only_an_admin_changes_the_tree(manager, unit):
    with pytest.raises(Forbidden):
        org.create_unit(manager, name="Bay", parent_id=unit.id)
    with pytest.raises(Forbidden):
        org.unit_summaries(manager)


def test_unit_summaries_give_depth_path_leaders_and_active_counts(admin, unit, manager):
    bay = factories.OrgUnitFactory(name="Bay", parent=unit)
    director = factories.PersonFactory(roles=["director"])
    director.leads = [bay]
    factories.PersonFactory(roles=["manager"], org_unit=bay, active=False)
    factories.CustomerFactory(org_unit=bay)
    factories.CustomerFactory(org_unit=bay, active=False)
    db.session.commit()
    rows = org.unit_summaries(admin)
    assert [(r.unit.name, r.depth, r.path) for r in rows] == [
        ("Northgate depot", 0, "Northgate depot"),
        ("Bay", 1, "Northgate depot › Bay"),
    ]
    assert (rows[0].people, rows[0].customers, rows[0].unit.leaders) == (1, 0, [])
    assert (rows[1].people, rows[1].customers, rows[1].unit.leaders) == (0, 1, [director])


# Customer register


def customer_fields(unit, **overrides) -> dict:
    data = {"name": "Harbour Foods", "kind": "external", "org_unit_id": unit.id, "notes": ""}
    data.update(overrides)
    return data


def test_an_admin_keeps_the_register(admin, unit):
    customer = customers.create_customer(admin, **customer_fields(unit, name=" Harbour Foods "))
    assert (customer.name, customer.kind, customer.active) == (
        "Harbour Foods",
        CustomerKind.EXTERNAL,
        True,
    )
    customers.update_customer(
        admin, customer.id, **customer_fields(unit, kind="internal", active=False)
    )
    db.session.expire_all()
    customer = db.session.get(Customer, customer.id)
    assert (customer.kind, customer.active) == (CustomerKind.INTERNAL, False)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "x" * (TEXT["customer_name"] + 1)}, "name"),
        ({"name": "Harbour\x00Foods"}, "name"),
        ({"name": ""}, "name"),
        ({"kind": "partner"}, "kind"),
        ({"kind": None}, "kind"),
        ({"org_unit_id": None}, "org_unit_id"),
        ({"org_unit_id": 999_999}, "org_unit_id"),
        ({"notes": "n" * (TEXT["notes"] + 1)}, "notes"),
    ],
)
def test_a_customer_that_breaks_a_rule_is_refused(admin, unit, overrides, field):
    with pytest.raises(Invalid) as error:
        customers.create_customer(admin, **customer_fields(unit, **overrides))
    refused(error, field)
    assert db.session.scalar(select(func.count(Customer.id))) == 0


def test_a_unit_register_holds_a_name_once(admin, unit):
    factories.CustomerFactory(name="Harbour Foods", org_unit=unit)
    with pytest.raises(Invalid) as error:
        customers.create_customer(admin, **customer_fields(unit, name="HARBOUR FOODS"))
    refused(error, "name")
    other = factories.OrgUnitFactory()
    customers.create_customer(admin, **customer_fields(other))


def test_the_register_filters_by_a_unit_and_those_below_it(admin, unit):
    bay = factories.OrgUnitFactory(name="Bay", parent=unit)
    above = factories.CustomerFactory(name="Above", org_unit=unit)
    below = factories.CustomerFactory(name="Below", org_unit=bay)
    factories.CustomerFactory(name="Elsewhere", org_unit=factories.OrgUnitFactory())
    assert len(customers.list_register(admin)) == 3
    assert customers.list_register(admin, unit.id) == [above, below]
    assert customers.list_register(admin, bay.id) == [below]
    with pytest.raises(NotFound):
        customers.list_register(admin, 999_999)


def test_only_an_admin_keeps_the_register(manager, unit):
    with pytest.raises(Forbidden):
        customers.create_customer(manager, **customer_fields(unit))
    with pytest.raises(Forbidden):
        customers.list_register(manager)
