"""Admin pages as request → response, with the database checked after each."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.limits import TEXT
from gembawalk.models import Customer, CustomerKind, OrgUnit, Person, Role
from gembawalk.services.people import accounts as people

from . import factories
from .conftest import count_queries, sign_in


def field_error(html: str, field_id: str) -> str:
    """The message shown beside a field, or "" when it has none."""
    found = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


def is_checked(html: str, name: str, value: object) -> bool:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no {name}={value} input on the page")


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def person_form(**overrides) -> dict:
    data = {
        "email": "sam@example.org",
        "display_name": "Sam Example",
        "password": "a long initial password",
        "roles": ["manager"],
        "org_unit_id": "",
        "timezone": "",
    }
    data.update(overrides)
    return data


# Who may open the pages


def admin_urls(unit, person, customer) -> list[str]:
    return [
        "/admin/people",
        "/admin/people/new",
        f"/admin/people/{person.id}/edit",
        "/admin/units",
        "/admin/units/new",
        f"/admin/units/{unit.id}/edit",
        "/admin/customers",
        f"/admin/customers?unit={unit.id}",
        "/admin/customers/new",
        f"/admin/customers/{customer.id}/edit",
    ]


def test_every_admin_page_renders_for_an_admin(admin_client, manager, unit):
    customer = factories.CustomerFactory(name="Harbour Foods", org_unit=unit)
    for url in admin_urls(unit, manager, customer):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.get_data(as_text=True), url


def test_a_manager_gets_403_on_every_admin_page(manager_client, manager, unit, admin):
    customer = factories.CustomerFactory(org_unit=unit)
    for url in admin_urls(unit, admin, customer):
        assert manager_client.get(url).status_code == 403, url
    posts = [
        "/admin/people/new",
        f"/admin/people/{admin.id}/deactivate",
        f"/admin/people/{admin.id}/reactivate",
        "/admin/units/new",
        "/admin/customers/new",
    ]
    for url in posts:
        assert manager_client.post(url, data={"name": "X"}).status_code == 403, url
    assert db.session.get(Person, admin.id).active
    assert count(OrgUnit) == 1


def test_someone_signed_out_is_sent_to_sign_in(client, admin):
    response = client.get("/admin/people")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# People


def test_people_list_shows_everyone_with_roles_unit_and_coaches(admin_client, manager):
    coach = factories.PersonFactory(roles=["coach"], display_name="Cleo Coach")
    manager.coaches = [coach]
    db.session.commit()
    html = admin_client.get("/admin/people").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Maya Manager.*?</tr>", html, re.S).group(0)
    assert manager.email in row
    assert "Northgate depot" in row
    assert "Cleo Coach" in row
    assert "Manager" in row
    assert f"/admin/people/{manager.id}/edit" in row


def test_people_list_runs_the_same_queries_for_many_people(admin_client, unit):
    coach = factories.PersonFactory(roles=["coach"])
    factories.PersonFactory(roles=["manager"], org_unit=unit).coaches = [coach]
    db.session.commit()
    with count_queries() as few:
        assert admin_client.get("/admin/people").status_code == 200
    for _ in range(6):
        other = factories.OrgUnitFactory()
        factories.PersonFactory(roles=["manager", "director"], org_unit=other).coaches = [coach]
    db.session.commit()
    with count_queries() as many:
        assert admin_client.get("/admin/people").status_code == 200
    assert len(many) == len(few)


def test_an_admin_adds_a_person_with_roles_coaches_and_leads(admin_client, unit):
    coach = factories.PersonFactory(roles=["coach"], display_name="Cleo Coach")
    region = factories.OrgUnitFactory(name="North region")
    response = admin_client.post(
        "/admin/people/new",
        data=person_form(
            email="  Dana.Director@Example.ORG ",
            display_name="Dana Director",
            roles=["manager", "director"],
            org_unit_id=str(unit.id),
            coach_ids=[str(coach.id)],
            leads_unit_ids=[str(region.id), str(unit.id)],
            timezone="Europe/Paris",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/people")
    dana = people.find_by_email("dana.director@example.org")
    assert dana is not None
    assert dana.email == "dana.director@example.org"
    assert dana.roles == {Role.MANAGER, Role.DIRECTOR}
    assert dana.org_unit_id == unit.id
    assert [c.id for c in dana.coaches] == [coach.id]
    assert {u.id for u in dana.leads} == {region.id, unit.id}
    assert dana.timezone == "Europe/Paris"
    assert people.authenticate("dana.director@example.org", "a long initial password") == dana


def test_the_new_person_form_offers_only_coaches_as_coaches(admin_client, manager):
    coach = factories.PersonFactory(roles=["coach"], display_name="Cleo Coach")
    html = admin_client.get("/admin/people/new").get_data(as_text=True)
    assert f'name="coach_ids" type="checkbox" value="{coach.id}"' in html
    assert f'name="coach_ids" type="checkbox" value="{manager.id}"' not in html


def test_an_email_differing_only_in_case_is_refused_and_the_form_kept(admin_client, manager, unit):
    before = count(Person)
    response = admin_client.post(
        "/admin/people/new",
        data=person_form(
            email=manager.email.upper(),
            display_name="Maya Again",
            roles=["manager", "coach"],
            org_unit_id=str(unit.id),
            timezone="Europe/Berlin",
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "email") == "Someone already has this email address."
    assert f'value="{manager.email.upper()}"' in html
    assert 'value="Maya Again"' in html
    assert 'value="Europe/Berlin"' in html
    assert is_checked(html, "roles", "coach")
    assert not is_checked(html, "roles", "director")
    assert re.search(rf'<option selected value="{unit.id}">', html)
    assert count(Person) == before


def test_a_manager_without_an_org_unit_is_refused(admin_client):
    before = count(Person)
    response = admin_client.post("/admin/people/new", data=person_form(roles=["manager"]))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "org_unit_id") == (
        "A manager needs an org unit."
    )
    assert count(Person) == before


def test_a_short_password_is_refused(admin_client, unit):
    response = admin_client.post(
        "/admin/people/new", data=person_form(password="short", org_unit_id=str(unit.id))
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password")
    assert people.find_by_email("sam@example.org") is None


def test_an_unknown_time_zone_is_refused_beside_the_field(admin_client, unit):
    response = admin_client.post(
        "/admin/people/new", data=person_form(org_unit_id=str(unit.id), timezone="Mars/Olympus")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "IANA time zone" in field_error(html, "timezone")
    assert 'value="Mars/Olympus"' in html
    assert people.find_by_email("sam@example.org") is None


def test_an_admin_edits_a_person(admin_client, manager, unit):
    other = factories.OrgUnitFactory(name="Southgate depot")
    coach = factories.PersonFactory(roles=["coach"])
    response = admin_client.get(f"/admin/people/{manager.id}/edit")
    html = response.get_data(as_text=True)
    assert 'value="Maya Manager"' in html
    assert 'name="password"' not in html
    assert is_checked(html, "roles", "manager")

    response = admin_client.post(
        f"/admin/people/{manager.id}/edit",
        data=person_form(
            email=manager.email,
            display_name="Maya M.",
            roles=["manager", "coach"],
            org_unit_id=str(other.id),
            coach_ids=[str(coach.id)],
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    maya = db.session.get(Person, manager.id)
    assert maya.display_name == "Maya M."
    assert maya.roles == {Role.MANAGER, Role.COACH}
    assert maya.org_unit_id == other.id
    assert maya.coaches == [coach]
    assert maya.timezone is None


def test_a_refused_edit_changes_nothing(admin_client, manager):
    response = admin_client.post(
        f"/admin/people/{manager.id}/edit",
        data=person_form(email=manager.email, display_name="Renamed", roles=["manager"]),
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Person, manager.id).display_name == "Maya Manager"


def test_deactivating_someone_ends_their_sessions(app, admin_client, manager):
    their_client = app.test_client()
    sign_in(their_client, manager)
    assert their_client.get("/walks/").status_code == 200

    response = admin_client.post(f"/admin/people/{manager.id}/deactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, manager.id).active is False

    response = their_client.get("/walks/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    refused = their_client.post(
        "/sign-in", data={"email": manager.email, "password": factories.PASSWORD}
    )
    assert refused.status_code == 200  # the form again, not a redirect into the app

    admin_client.post(f"/admin/people/{manager.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(Person, manager.id).active is True
    sign_in(their_client, manager)


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(f"/admin/people/{admin.id}/deactivate")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/people/{admin.id}/edit")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate yourself" in page
    db.session.expire_all()
    assert db.session.get(Person, admin.id).active is True
    assert admin_client.get("/admin/people").status_code == 200  # still signed in


def test_an_admin_cannot_remove_their_own_admin_role(admin_client, admin):
    response = admin_client.post(
        f"/admin/people/{admin.id}/edit",
        data=person_form(email=admin.email, display_name="Ada Admin", roles=["coach"]),
    )
    assert response.status_code == 422
    assert "own admin role" in field_error(response.get_data(as_text=True), "roles")
    db.session.expire_all()
    assert db.session.get(Person, admin.id).has_role(Role.ADMIN)


# Org units


def test_units_page_shows_the_tree_with_leaders_and_people(admin_client, unit, manager):
    bay = factories.OrgUnitFactory(name="Loading bay", parent=unit)
    director = factories.PersonFactory(roles=["director"], display_name="Dee Director")
    director.leads = [unit]
    factories.PersonFactory(roles=["manager"], org_unit=bay)
    factories.PersonFactory(roles=["manager"], org_unit=bay)
    db.session.commit()
    html = admin_client.get("/admin/units").get_data(as_text=True)
    top = re.search(r'<tr class="depth-0">.*?</tr>', html, re.S).group(0)
    child = re.search(r'<tr class="depth-1">.*?</tr>', html, re.S).group(0)
    assert "Northgate depot" in top
    assert "Dee Director" in top
    assert re.search(r'data-label="People" class="num"><div>1<', top)
    assert "Loading bay" in child
    assert re.search(r'data-label="People" class="num"><div>2<', child)
    assert html.index("Northgate depot") < html.index("Loading bay")


def test_units_page_runs_the_same_queries_for_a_bigger_tree(admin_client, unit):
    factories.PersonFactory(roles=["director"]).leads = [unit]
    db.session.commit()
    with count_queries() as few:
        assert admin_client.get("/admin/units").status_code == 200
    for n in range(5):
        below = factories.OrgUnitFactory(name=f"Bay {n}", parent=unit)
        factories.PersonFactory(roles=["director"]).leads = [below]
        factories.PersonFactory(roles=["manager"], org_unit=below)
        factories.CustomerFactory(org_unit=below)
    db.session.commit()
    with count_queries() as many:
        assert admin_client.get("/admin/units").status_code == 200
    assert len(many) == len(few)


def test_an_admin_adds_and_renames_a_unit(admin_client, unit):
    response = admin_client.post(
        "/admin/units/new", data={"name": "  Loading bay ", "parent_id": str(unit.id)}
    )
    assert response.status_code == 302
    bay = db.session.scalar(select(OrgUnit).where(OrgUnit.name == "Loading bay"))
    assert bay.parent_id == unit.id

    response = admin_client.post(
        f"/admin/units/{bay.id}/edit", data={"name": "Dock", "parent_id": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OrgUnit, bay.id).name == "Dock"
    assert db.session.get(OrgUnit, bay.id).parent_id is None


def test_a_unit_cannot_move_below_itself(admin_client, unit):
    bay = factories.OrgUnitFactory(name="Loading bay", parent=unit)
    for parent in (bay, unit):
        response = admin_client.post(
            f"/admin/units/{unit.id}/edit", data={"name": "Renamed", "parent_id": str(parent.id)}
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "cannot sit below itself" in field_error(html, "parent_id")
        assert 'value="Renamed"' in html
    db.session.expire_all()
    kept = db.session.get(OrgUnit, unit.id)
    assert (kept.name, kept.parent_id) == ("Northgate depot", None)


# Customer register


def test_the_register_lists_customers_and_filters_by_unit(admin_client, unit):
    bay = factories.OrgUnitFactory(name="Loading bay", parent=unit)
    elsewhere = factories.OrgUnitFactory(name="Southgate depot")
    factories.CustomerFactory(name="Harbour Foods", org_unit=bay)
    factories.CustomerFactory(name="Payroll team", org_unit=unit, kind=CustomerKind.INTERNAL)
    factories.CustomerFactory(name="Far Away Ltd", org_unit=elsewhere)

    html = admin_client.get("/admin/customers").get_data(as_text=True)
    assert "only contact with external customers counts as customer engagement" in html.lower()
    assert "Northgate depot › Loading bay" in html
    assert "Far Away Ltd" in html

    html = admin_client.get(f"/admin/customers?unit={unit.id}").get_data(as_text=True)
    assert "Harbour Foods" in html
    assert "Payroll team" in html
    assert "Far Away Ltd" not in html
    assert admin_client.get("/admin/customers?unit=99999").status_code == 404


def test_the_register_runs_the_same_queries_for_many_customers(admin_client, unit):
    factories.CustomerFactory(org_unit=unit)
    with count_queries() as few:
        admin_client.get("/admin/customers")
    for _ in range(5):
        factories.CustomerFactory(org_unit=factories.OrgUnitFactory(parent=unit))
    with count_queries() as many:
        admin_client.get("/admin/customers")
    assert len(many) == len(few)


def test_an_admin_adds_and_edits_a_customer(admin_client, unit):
    response = admin_client.post(
        "/admin/customers/new",
        data={
            "name": "Harbour Foods",
            "kind": "external",
            "org_unit_id": str(unit.id),
            "notes": "Collects at 6am",
            "active": "y",
        },
    )
    assert response.status_code == 302
    customer = db.session.scalar(select(Customer))
    assert (customer.name, customer.kind, customer.org_unit_id, customer.notes) == (
        "Harbour Foods",
        CustomerKind.EXTERNAL,
        unit.id,
        "Collects at 6am",
    )
    assert customer.active is True

    response = admin_client.post(
        f"/admin/customers/{customer.id}/edit",
        data={"name": "Harbour Foods Ltd", "kind": "internal", "org_unit_id": str(unit.id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    customer = db.session.get(Customer, customer.id)
    assert customer.name == "Harbour Foods Ltd"
    assert customer.kind == CustomerKind.INTERNAL
    assert customer.active is False  # the box was left unticked
    assert customer.notes == ""


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * (TEXT["customer_name"] + 1), f"at most {TEXT['customer_name']} characters"),
        ("Harbour\x00Foods", "cannot be stored"),
    ],
)
def test_a_bad_customer_name_is_refused(admin_client, unit, name, message):
    response = admin_client.post(
        "/admin/customers/new",
        data={"name": name, "kind": "external", "org_unit_id": str(unit.id), "active": "y"},
    )
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "name")
    assert count(Customer) == 0


def test_a_customer_needs_a_unit(admin_client):
    response = admin_client.post(
        "/admin/customers/new", data={"name": "Harbour Foods", "kind": "external"}
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "org_unit_id") == "Choose an org unit."
    assert count(Customer) == 0


# CSRF


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_a_post_without_its_csrf_token_is_refused(admin_client, csrf_on, unit):
    refused = [
        ("/admin/people/new", person_form(org_unit_id=str(unit.id))),
        ("/admin/units/new", {"name": "Loading bay"}),
        ("/admin/customers/new", {"name": "Harbour", "kind": "external", "org_unit_id": unit.id}),
    ]
    for url, data in refused:
        assert admin_client.post(url, data=data).status_code == 400, url
    assert people.find_by_email("sam@example.org") is None
    assert count(OrgUnit) == 1
    assert count(Customer) == 0

    # The same form with its token goes through, so the refusal was the token's doing.
    token = csrf_token(admin_client.get("/admin/units/new").get_data(as_text=True))
    response = admin_client.post(
        "/admin/units/new", data={"name": "Loading bay", "csrf_token": token}
    )
    assert response.status_code == 302
    assert count(OrgUnit) == 2
