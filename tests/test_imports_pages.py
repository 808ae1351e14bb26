"""The admin's import pages and the import commands, as request → response and command →
output, with the database checked after each."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from gembawalk import limits
from gembawalk.extensions import db
from gembawalk.models import AuditEvent, Customer, OrgUnit, Person
from gembawalk.services.people import accounts

from . import factories
from .conftest import sign_in

HEADER = "email,name,org_unit,roles,coach,leads,timezone\n"


def org(admin) -> str:
    return (
        HEADER
        + f"{admin.email},Ada Admin,Eastmere Council,admin,,,\n"
        + "cleo@example.org,Cleo Coach,Eastmere Council / Housing,coach,,,\n"
        + "max@example.org,Max Manager,Eastmere Council / Housing / Repairs,manager,"
        + "cleo@example.org,,\n"
    )


def upload(client, text: str, noun: str = "people", name: str = "staff.csv", **extra):
    data = {"file": (io.BytesIO(text.encode()), name), **extra}
    return client.post(f"/admin/import/{noun}", data=data, content_type="multipart/form-data")


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    assert found, f"no hidden {name}"
    return html.unescape(found.group(1))


def apply(client, page: str, noun: str = "people", **overrides):
    data = {"draft": hidden(page, "draft"), "digest": hidden(page, "digest"), **overrides}
    return client.post(f"/admin/import/{noun}/apply", data=data)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


# Upload, preview, apply


def test_the_people_page_links_to_the_import_that_names_its_columns(admin_client):
    people_page = admin_client.get("/admin/people").get_data(as_text=True)
    assert 'href="/admin/import/people"' in people_page
    page = admin_client.get("/admin/import/people").get_data(as_text=True)
    assert "email, name, org_unit, roles, coach, leads, timezone" in page
    assert 'enctype="multipart/form-data"' in page


def test_a_file_is_previewed_change_by_change_then_applied(admin_client, admin):
    response = upload(admin_client, org(admin))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3 people in the file: 2 new, 1 changed, 0 unchanged, 3 new org units." in page
    assert "Eastmere Council / Housing / Repairs" in page
    assert "max@example.org" in page
    assert "cleo@example.org" in page
    assert count(Person) == 1  # the preview writes nothing
    assert count(OrgUnit) == 0

    applied = apply(admin_client, page)
    assert applied.status_code == 302
    assert applied.headers["Location"].endswith("/admin/people")
    assert count(Person) == 3
    assert [c.email for c in accounts.find_by_email("max@example.org").coaches] == [
        "cleo@example.org"
    ]
    shown = admin_client.get("/admin/people").get_data(as_text=True)
    assert "3 people in the file: 2 new, 1 changed" in shown

    again = upload(admin_client, org(admin)).get_data(as_text=True)
    assert "Nothing to change: the app already matches the 3 people in the file." in again
    assert 'name="draft"' not in again  # nothing to apply


def test_a_semicolon_file_with_a_byte_order_mark_previews_the_same(admin_client, admin):
    excel = "\ufeff" + org(admin).replace(",", ";")
    page = upload(admin_client, excel).get_data(as_text=True)
    assert "3 people in the file: 2 new, 1 changed" in page


def test_invalid_rows_are_listed_with_their_lines_and_nothing_is_written(admin_client, admin):
    bad = org(admin) + "oops,No Address,,manager,,,\nmax@example.org,Max Again,,boss,,,\n"
    response = upload(admin_client, bad)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "The file was not imported: nothing has changed." in page
    assert "Line 5: malformed email “oops”" in page
    assert "Line 5: a manager needs an org unit" in page
    assert "Line 6: max@example.org is on line 4 too" in page
    assert 'name="draft"' not in page
    assert (count(Person), count(OrgUnit)) == (1, 0)


def test_no_file_is_refused_beside_the_field(admin_client):
    response = admin_client.post(
        "/admin/import/people", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choose a CSV file." in response.get_data(as_text=True)


def test_the_tick_box_deactivates_those_missing_from_the_file(admin_client, admin):
    leaver = factories.PersonFactory(email="leaver@example.org", roles=["manager"])
    page = upload(admin_client, org(admin), deactivate_missing="y").get_data(as_text=True)
    assert "1 deactivated" in page
    assert "leaver@example.org" in page
    assert apply(admin_client, page).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Person, leaver.id).active


def test_apply_writes_nothing_when_the_app_changed_since_the_preview(admin_client, admin):
    page = upload(admin_client, org(admin)).get_data(as_text=True)
    factories.PersonFactory(email="max@example.org", display_name="Someone Else")
    response = apply(admin_client, page)
    assert response.status_code == 409
    fresh = html.unescape(response.get_data(as_text=True))
    assert "The app changed since this preview was made: nothing was written." in fresh
    assert "1 new, 2 changed" in fresh
    assert accounts.find_by_email("max@example.org").display_name == "Someone Else"
    assert count(Person) == 2
    # The new preview applies.
    assert apply(admin_client, fresh).status_code == 302
    assert accounts.find_by_email("max@example.org").display_name == "Max Manager"


def test_a_changed_or_foreign_preview_is_refused(app, client, admin):
    other = factories.PersonFactory(email="other.admin@example.org", roles=["admin"])
    sign_in(client, admin)
    page = upload(client, org(admin)).get_data(as_text=True)
    draft = hidden(page, "draft")
    # The file swapped for another: the signature no longer holds.
    tampered = apply(client, page, draft=draft[:-4] + ("AAAA" if draft[-4:] != "AAAA" else "BBBB"))
    assert tampered.status_code == 302
    assert tampered.headers["Location"].endswith("/admin/import/people")
    # A digest that is not the plan's: nothing applied.
    assert apply(client, page, digest="0" * 64).status_code == 409
    # Another admin cannot apply this admin's preview, nor apply it as customers.
    assert apply(client, page, noun="customers").status_code == 302
    client.post("/sign-out")
    sign_in(client, other)
    assert apply(client, page).status_code == 302
    assert count(Person) == 2


def test_customers_are_imported_the_same_way(admin_client, unit):
    text = f"name;kind;org_unit\nTenants;external;{unit.name}\nFinance;internal;Head Office\n"
    page = upload(admin_client, "\ufeff" + text, noun="customers").get_data(as_text=True)
    assert "2 customers in the file: 2 new, 0 changed, 0 unchanged, 1 new org unit." in page
    assert (
        apply(admin_client, page, noun="customers").headers["Location"].endswith("/admin/customers")
    )
    assert count(Customer) == 2
    bad = upload(admin_client, "name,kind,org_unit\nX,supplier,Y\n", noun="customers")
    assert bad.status_code == 422
    assert "Line 2: unknown kind" in html.unescape(bad.get_data(as_text=True))


# Size, CSRF, who may


def test_an_upload_over_the_limit_is_refused_before_it_is_read(admin_client):
    too_big = b"x" * (limits.IMPORT_MAX_BYTES + 1)
    response = admin_client.post(
        "/admin/import/people",
        data={"file": (io.BytesIO(too_big), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert count(Person) == 1


def test_an_upload_larger_than_a_form_but_within_the_limit_is_read(admin_client, admin):
    long_name = "Someone with a name as long as a name may be " + "x" * 70
    rows = "".join(f"p{i}@example.org,{long_name},Unit,manager,,,\n" for i in range(7_000))
    text = org(admin) + rows
    assert limits.BODY_MAX_BYTES < len(text) < limits.IMPORT_MAX_BYTES
    page = upload(admin_client, text).get_data(as_text=True)
    assert "7003 people in the file: 7002 new" in page


def test_every_import_post_needs_its_csrf_token(admin_client, admin, csrf_on):
    assert upload(admin_client, org(admin)).status_code == 400
    response = admin_client.post("/admin/import/people/apply", data={"draft": "x", "digest": "y"})
    assert response.status_code == 400
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        admin_client.get("/admin/import/people").get_data(as_text=True),
    ).group(1)
    page = upload(admin_client, org(admin), csrf_token=token)
    assert page.status_code == 200
    applied = apply(admin_client, page.get_data(as_text=True), csrf_token=token)
    assert applied.status_code == 302
    assert count(Person) == 3


@pytest.mark.parametrize("noun", ["people", "customers"])
def test_only_admins_reach_the_import(client, manager, admin, noun):
    assert client.get(f"/admin/import/{noun}").status_code == 302  # to sign in
    sign_in(client, manager)
    assert client.get(f"/admin/import/{noun}").status_code == 403
    assert upload(client, org(admin), noun=noun).status_code == 403
    assert client.post(f"/admin/import/{noun}/apply", data={}).status_code == 403
    assert client.get("/admin/import/walks").status_code == 404
    assert count(Person) == 2


# The commands


@pytest.fixture
def cli(app, tmp_path):
    runner = app.test_cli_runner()

    def invoke(command: str, text: str, *options: str):
        path = tmp_path / "import.csv"
        path.write_text(text, encoding="utf-8")
        return runner.invoke(args=[command, str(path), *options])

    return invoke


def test_import_people_lists_each_change_then_does_nothing_the_second_time(cli, admin):
    dry = cli("import-people", org(admin), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "line 3: new cleo@example.org (name Cleo Coach;" in dry.output
    assert "new org unit Eastmere Council / Housing / Repairs" in dry.output
    assert "Dry run: nothing was written." in dry.output
    assert count(Person) == 1

    done = cli("import-people", org(admin), "--as", admin.email)
    assert done.exit_code == 0, done.output
    assert "3 people in the file: 2 new, 1 changed, 0 unchanged, 3 new org units." in done.output
    assert count(Person) == 3
    logged = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "people_imported"))
    assert (logged.actor_id, logged.subject) == (admin.id, "import.csv")

    again = cli("import-people", org(admin))
    assert again.exit_code == 0
    assert again.output.strip() == (
        "Nothing to change: the app already matches the 3 people in the file."
    )


def test_import_people_refuses_a_bad_file_with_every_problem(cli, admin):
    result = cli("import-people", org(admin) + "x,Y,,admin,,,\nz@example.org,Z,,chief,,,\n")
    assert result.exit_code == 1
    assert "Line 5: malformed email “x”" in result.output
    assert "Line 6: unknown role “chief”" in result.output
    assert "The file was not imported: 2 problems, nothing changed." in result.output
    assert count(Person) == 1


def test_import_people_deactivates_the_missing_only_when_asked(cli, admin):
    factories.PersonFactory(email="leaver@example.org", roles=["manager"])
    assert cli("import-people", org(admin)).exit_code == 0
    assert accounts.find_by_email("leaver@example.org").active
    result = cli("import-people", org(admin), "--deactivate-missing")
    assert "deactivated leaver@example.org" in result.output
    db.session.expire_all()
    assert not accounts.find_by_email("leaver@example.org").active


def test_import_people_as_someone_unknown_is_refused(cli, admin):
    result = cli("import-people", org(admin), "--as", "nobody@example.org")
    assert result.exit_code == 1
    assert "No active person has the address nobody@example.org." in result.output


def test_import_customers_from_the_command_line(cli, unit):
    text = f"name,kind,org_unit\nTenants,external,{unit.name}\n"
    result = cli("import-customers", text)
    assert result.exit_code == 0, result.output
    assert (
        "1 customer in the file: 1 new, 0 changed, 0 unchanged, 0 new org units." in result.output
    )
    assert cli("import-customers", text).output.startswith("Nothing to change")
    assert count(Customer) == 1
