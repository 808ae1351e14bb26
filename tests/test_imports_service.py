"""Importing people and customers from a CSV file, through the services (no HTTP): every rule
of the import, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import (
    AuditEvent,
    Customer,
    CustomerKind,
    DeviceSession,
    OrgUnit,
    Person,
    Role,
)
from gembawalk.services import audit
from gembawalk.services.errors import Forbidden
from gembawalk.services.imports import cells
from gembawalk.services.imports import customers as customer_imports
from gembawalk.services.imports import people as people_imports
from gembawalk.services.imports.plan import ImportRefused, PreviewOutdated
from gembawalk.services.people import accounts, sessions

from . import factories
from .conftest import count_queries

HEADER = "email,name,org_unit,roles,coach,leads,timezone\n"
ORG = (
    HEADER
    + "ada@example.org,Ada Admin,Eastmere Council,admin,,,\n"
    + "cleo@example.org,Cleo Coach,Eastmere Council / Housing,coach,,,Europe/Amsterdam\n"
    + "max@example.org,Max Manager,Eastmere Council / Housing / Repairs,manager,"
    + "cleo@example.org,,\n"
    + 'dora@example.org,Dora Director,Eastmere Council,"director;manager",,'
    + "Eastmere Council / Housing,Europe/London\n"
)


def csv(text: str) -> bytes:
    return text.encode()


def run(text: str, actor=None, **options):
    return people_imports.import_people(actor, csv(text), **options)


def problems(text: str, actor=None, **options) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        run(text, actor, **options)
    return refused.value.lines()


def person(email: str) -> Person:
    db.session.expire_all()
    found = accounts.find_by_email(email)
    assert found is not None, email
    return found


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def unit_paths() -> set[str]:
    db.session.expire_all()
    units = {u.id: u for u in db.session.scalars(select(OrgUnit))}

    def path(u):
        return f"{path(units[u.parent_id])} / {u.name}" if u.parent_id else u.name

    return {path(u) for u in units.values()}


# Adding, then the same file again


def test_a_file_adds_people_with_everything_it_names(app):
    plan = run(ORG)
    assert plan.summary() == (
        "4 people in the file: 4 new, 0 changed, 0 unchanged, 3 new org units."
    )
    assert unit_paths() == {
        "Eastmere Council",
        "Eastmere Council / Housing",
        "Eastmere Council / Housing / Repairs",
    }
    max_ = person("max@example.org")
    assert max_.display_name == "Max Manager"
    assert max_.org_unit.name == "Repairs"
    assert max_.roles == {Role.MANAGER}
    assert [c.email for c in max_.coaches] == ["cleo@example.org"]
    dora = person("dora@example.org")
    assert dora.roles == {Role.DIRECTOR, Role.MANAGER}
    assert [u.name for u in dora.leads] == ["Housing"]
    assert dora.timezone == "Europe/London"
    assert person("cleo@example.org").timezone == "Europe/Amsterdam"
    assert person("ada@example.org").timezone is None
    # Nobody gets a password: no password signs them in.
    assert accounts.authenticate("max@example.org", "!none") is None
    assert accounts.authenticate("max@example.org", "") is None
    # Nobody is signed in by being imported.
    assert count(DeviceSession) == 0


def test_the_same_file_again_changes_nothing_and_says_so(app):
    run(ORG)
    events, units, people = count(AuditEvent), count(OrgUnit), count(Person)
    cookie = sessions.start(
        person("max@example.org"), remember=False, user_agent=None, address=None
    )[1]
    again = run(ORG)
    assert again.nothing_to_do
    assert again.changes == []
    assert again.unchanged == 4
    assert again.summary() == "Nothing to change: the app already matches the 4 people in the file."
    assert (count(AuditEvent), count(OrgUnit), count(Person)) == (events, units, people)
    # Max, unchanged, stays signed in.
    assert sessions.resume(cookie) is not None


def test_a_changed_row_updates_that_person_only(app):
    run(ORG)
    changed = ORG.replace("Max Manager,Eastmere Council / Housing / Repairs,manager,cleo", (
        "Max Mayer,Eastmere Council / Housing / Gas,manager;coach,cleo"
    ))  # fmt: skip
    plan = run(changed)
    assert plan.unchanged == 3
    [change] = plan.changes
    assert change.line == 4
    assert change.subject == "max@example.org"
    assert change.action == "changed"
    assert {n: (b, a) for n, b, a in change.fields} == {
        "name": ("Max Manager", "Max Mayer"),
        "org unit": ("Eastmere Council / Housing / Repairs", "Eastmere Council / Housing / Gas"),
        "roles": ("manager", "coach, manager"),
    }
    assert plan.new_units == ["Eastmere Council / Housing / Gas"]
    max_ = person("max@example.org")
    assert (max_.display_name, max_.org_unit.name) == ("Max Mayer", "Gas")
    assert max_.roles == {Role.MANAGER, Role.COACH}
    assert [c.email for c in max_.coaches] == ["cleo@example.org"]
    logged = db.session.scalars(
        select(AuditEvent).where(AuditEvent.kind == audit.PERSON_CHANGED)
    ).all()
    assert [e.subject for e in logged] == ["max@example.org"]
    assert "coach, manager" in logged[0].detail


def test_emails_units_and_roles_match_whatever_their_case(app):
    run(ORG)
    shouting = ORG.replace("max@example.org,", "MAX@Example.ORG,").replace(
        "Eastmere Council / Housing / Repairs,manager",
        "EASTMERE council / housing / repairs,Manager",
    )
    assert run(shouting).nothing_to_do


def test_a_column_left_out_is_kept_as_it_is(app):
    run(ORG)
    plan = run("email,name,roles\nmax@example.org,Max Manager,manager\n")
    assert plan.nothing_to_do
    assert [c.email for c in person("max@example.org").coaches] == ["cleo@example.org"]
    assert person("max@example.org").org_unit.name == "Repairs"


def test_an_existing_unit_and_coach_are_used(app, unit):
    coach = factories.PersonFactory(email="old.coach@example.org", roles=["coach"])
    plan = run(HEADER + f"new@example.org,New,{unit.name},manager,{coach.email},,\n")
    assert plan.new_units == []
    new = person("new@example.org")
    assert new.org_unit_id == unit.id
    assert [c.id for c in new.coaches] == [coach.id]


# Reading the file as Excel writes it


def test_a_file_with_a_byte_order_mark_and_semicolons_reads_the_same(app):
    excel = "\ufeff" + ORG.replace(",", ";").replace('"director;manager"', '"director;manager"')
    plan = people_imports.import_people(None, excel.encode("utf-8"))
    assert plan.count("new") == 4
    assert person("dora@example.org").roles == {Role.DIRECTOR, Role.MANAGER}
    # Windows line ends and column names as people type them.
    crlf = ORG.replace("\n", "\r\n").replace("org_unit", "Org unit").replace("email", "Email")
    assert run(crlf).nothing_to_do


def test_a_file_that_is_not_utf8_is_refused_with_its_line(app):
    latin = (HEADER + "jose@example.org,José,,admin,,,\n").encode("latin-1")
    with pytest.raises(ImportRefused) as refused:
        people_imports.import_people(None, latin)
    assert refused.value.lines() == [
        "Line 2: the file is not UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)”."
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        (HEADER, "The file names its columns but holds no rows."),
        ("email,name\na@example.org,A\n", "Line 1: missing column roles."),
        ("email,name,roles,phone\n", "Line 1: unknown column phone."),
        ("email,name,roles,name\n", "Line 1: column named twice: name."),
    ],
)
def test_a_file_without_the_columns_is_refused(app, text, message):
    [problem] = problems(text)
    assert problem.startswith(message)


# All or nothing, every problem at once


def test_every_invalid_row_is_reported_with_its_line_and_nothing_is_written(app, admin):
    factories.PersonFactory(email="manny@example.org", roles=["manager"], org_unit=None)
    before = (count(Person), count(OrgUnit), count(AuditEvent))
    bad = (
        HEADER
        + "ok@example.org,Fine Person,New Unit,manager,,,\n"  # 2: valid, yet not written
        + "not-an-address,Someone,,admin,,,\n"  # 3
        + "boss@example.org,Boss,,boss;admin,,,\n"  # 4
        + "dup@example.org,One,,admin,,,\n"  # 5
        + "DUP@example.org,Two,,admin,,,\n"  # 6
        + "c1@example.org,C1,,coach,manny@example.org,,\n"  # 7: manny is no coach
        + "c2@example.org,C2,,coach,ok@example.org,,\n"  # 8: ok is no coach in the file
        + "c3@example.org,C3,,coach,ghost@example.org,,\n"  # 9
        + "c4@example.org,C4,,coach,c4@example.org,,\n"  # 10
        + "tz@example.org,Tz,,admin,,,Mars/Olympus\n"  # 11
        + "m@example.org,M,,manager,,,\n"  # 12: a manager needs a unit
        + "l@example.org,L,,admin,,New Unit,\n"  # 13: only a director leads
        + "e@example.org,,,,,,\n"  # 14: no name, no role
        + "x@example.org,X,,admin,,,,extra\n"  # 15
        + "c5@example.org,C5,,coach,not an address,,\n"  # 16
    )
    assert problems(bad, admin) == [
        "Line 3: malformed email “not-an-address”",
        "Line 4: unknown role “boss” (the roles are manager, director, coach, admin)",
        "Line 6: dup@example.org is on line 5 too",
        "Line 7: coach manny@example.org is not a coach",
        "Line 8: coach ok@example.org is not a coach (line 2 gives no coach role)",
        "Line 9: coach ghost@example.org is neither in the file nor in the app",
        "Line 10: nobody coaches themselves",
        "Line 11: unknown time zone “Mars/Olympus” (use an IANA name such as Europe/Amsterdam)",
        "Line 12: a manager needs an org unit",
        "Line 13: only a director leads org units: add the director role, or empty leads",
        "Line 14: Name is required.",
        "Line 14: no role: give at least one of manager, director, coach, admin",
        "Line 15: 8 fields where the first line names 7",
        "Line 16: malformed coach email “not an address”",
    ]
    assert (count(Person), count(OrgUnit), count(AuditEvent)) == before


def test_a_coaching_circle_is_refused(app):
    circle = (
        HEADER
        + "ada@example.org,Ada,,admin,,,\n"
        + "a@example.org,A,,coach,b@example.org,,\n"
        + "b@example.org,B,,coach,c@example.org,,\n"
        + "c@example.org,C,,coach,a@example.org,,\n"
    )
    assert problems(circle) == [
        "Line 3: coaching goes round in a circle: "
        "a@example.org → b@example.org → c@example.org → a@example.org"
    ]
    assert count(Person) == 0


def test_a_circle_through_someone_already_in_the_app_is_refused(app):
    coach = factories.PersonFactory(email="kim@example.org", roles=["coach", "admin"])
    run(HEADER + "lee@example.org,Lee,,coach,kim@example.org,,\n")
    text = HEADER + "kim@example.org,Kim,,coach;admin,lee@example.org,,\n"
    assert problems(text) == [
        "Line 2: coaching goes round in a circle: "
        "kim@example.org → lee@example.org → kim@example.org"
    ]
    assert person(coach.email).coaches == []


def test_a_coach_who_is_deactivated_is_refused(app, admin):
    factories.PersonFactory(email="gone@example.org", roles=["coach"], active=False)
    text = HEADER + "ada@example.org,Ada,,admin,gone@example.org,,\n"
    assert problems(text) == ["Line 2: coach gone@example.org is deactivated"]


def test_a_dry_run_shows_the_changes_and_writes_nothing(app):
    plan = run(ORG, dry_run=True)
    assert plan.count("new") == 4
    assert len(plan.new_units) == 3
    assert (count(Person), count(OrgUnit), count(AuditEvent)) == (0, 0, 0)


# Who is missing from the file


def test_people_missing_from_the_file_stay_unless_asked(app, admin):
    leaver = factories.PersonFactory(email="leaver@example.org", roles=["manager"])
    leaver.calendar_token = "feed-secret"
    db.session.commit()
    cookie = sessions.start(leaver, remember=False, user_agent=None, address=None)[1]
    text = ORG.replace("ada@example.org,Ada Admin", f"{admin.email},Ada Admin")
    run(text, admin)
    assert person("leaver@example.org").active

    plan = run(text, admin, deactivate_missing=True)
    [change] = plan.changes
    assert (change.line, change.subject, change.action) == (
        None,
        "leaver@example.org",
        "deactivated",
    )
    gone = person("leaver@example.org")
    # Deactivated as the admin's Deactivate does: every session ends, the feed link dies.
    assert not gone.active
    assert sessions.resume(cookie) is None
    assert gone.calendar_token is None
    # Their figures end on the day they left.
    assert gone.left_on is not None
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.kind == audit.PERSON_DEACTIVATED)
        ).subject
        == "leaver@example.org"
    )
    # Back in the file, they are active again.
    plan = run(
        text
        + "leaver@example.org,Lee Leaver,,manager,,,\n".replace(
            ",,manager", ",Eastmere Council,manager"
        ),
        admin,
    )
    back = person("leaver@example.org")
    assert back.active
    assert back.left_on is None
    assert ("status", "deactivated", "active") in plan.changes[0].fields


def test_the_admin_cannot_deactivate_or_demote_themselves(app, admin):
    assert problems(ORG, admin, deactivate_missing=True) == [
        "You are not in the file: deactivating those missing from it would deactivate you."
    ]
    demoted = HEADER + f"{admin.email},Ada Admin,Eastmere Council,coach,,,\n"
    assert problems(demoted, admin) == [
        "After this import nobody active would hold the admin role.",
        "Line 2: you cannot remove your own admin role",
    ]
    assert person(admin.email).active
    assert person(admin.email).has_role(Role.ADMIN)


def test_an_import_never_leaves_the_app_without_an_admin(app):
    factories.PersonFactory(email="root@example.org", roles=["admin"])
    text = HEADER + "m@example.org,M,Unit,manager,,,\n"
    assert problems(text, deactivate_missing=True) == [
        "After this import nobody active would hold the admin role."
    ]


def test_a_coach_who_is_no_longer_one_stops_coaching(app):
    run(ORG)
    not_a_coach = ORG.replace("Cleo Coach,Eastmere Council / Housing,coach", (
        "Cleo Coach,Eastmere Council / Housing,manager"
    ))  # fmt: skip
    # Max, in the file, still names her: refused.
    assert problems(not_a_coach) == [
        "Line 4: coach cleo@example.org is not a coach (line 3 gives no coach role)"
    ]
    # Without the coach column, Max's coaching ends with her role.
    text = (
        "email,name,org_unit,roles\n"
        "ada@example.org,Ada Admin,Eastmere Council,admin\n"
        "cleo@example.org,Cleo Coach,Eastmere Council / Housing,manager\n"
        "max@example.org,Max Manager,Eastmere Council / Housing / Repairs,manager\n"
    )
    plan = run(text)
    cleo = next(c for c in plan.changes if c.subject == "cleo@example.org")
    assert ("coaches others", "yes", "no (no longer a coach)") in cleo.fields
    assert person("max@example.org").coaches == []


# Who may import, and what the plan is worth


def test_only_an_admin_imports(app, manager):
    with pytest.raises(Forbidden):
        run(ORG, manager)
    with pytest.raises(Forbidden):
        customer_imports.import_customers(manager, b"name,kind,org_unit\nA,external,U\n")


def test_a_preview_applies_only_while_the_app_is_as_it_was(app):
    preview = people_imports.plan_people(None, csv(ORG))
    db.session.rollback()
    factories.PersonFactory(email="max@example.org", roles=["manager"], display_name="Someone")
    with pytest.raises(PreviewOutdated):
        run(ORG, expected=preview.digest)
    assert count(Person) == 1
    current = people_imports.plan_people(None, csv(ORG))
    db.session.rollback()
    assert run(ORG, expected=current.digest).count("changed") == 1
    assert person("max@example.org").display_name == "Max Manager"


def test_the_import_is_logged(app, admin):
    text = ORG.replace("ada@example.org", admin.email)
    run(text, admin, source="staff.csv")
    kinds = dict(
        db.session.execute(select(AuditEvent.kind, func.count()).group_by(AuditEvent.kind)).all()
    )
    assert kinds == {
        audit.UNIT_CREATED: 3,
        audit.PERSON_CHANGED: 1,
        audit.PERSON_CREATED: 3,
        audit.PEOPLE_IMPORTED: 1,
    }
    repairs = db.session.scalar(select(AuditEvent).where(AuditEvent.subject == "Repairs"))
    assert (repairs.kind, repairs.detail) == (audit.UNIT_CREATED, "by import: below: Housing")
    summary = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == audit.PEOPLE_IMPORTED))
    assert (summary.actor_id, summary.subject) == (admin.id, "staff.csv")
    assert summary.detail.startswith("4 people in the file: 3 new, 1 changed")
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.subject == "max@example.org"))
    assert created.detail == (
        "by import: roles: manager; org unit: Repairs; coaches: Cleo Coach; leads units: -"
    )


def test_planning_and_applying_take_the_same_queries_for_5_or_50_people(app):
    def org(n: int, name: str = "Person") -> str:
        rows = [f"p{i}@example.org,{name} {i},Top / Unit {i % 3},manager,,,\n" for i in range(n)]
        return HEADER + "ada@example.org,Ada,,admin,,,\n" + "".join(rows)

    counts = []
    for n in (5, 50):
        with count_queries() as planned:
            people_imports.plan_people(None, csv(org(n)))
        db.session.rollback()
        with count_queries() as applied:
            run(org(n))
        with count_queries() as changed:
            run(org(n, "Renamed"))
        counts.append((len(planned), len(applied), len(changed)))
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    assert counts[0] == counts[1], counts


# Customers


CUSTOMERS = (
    "name,kind,org_unit\n"
    "Tenants,external,Eastmere Council / Housing\n"
    "Finance,Internal,Eastmere Council\n"
)


def import_customers(text: str, **options):
    return customer_imports.import_customers(None, csv(text), **options)


def test_customers_are_added_then_the_same_file_changes_nothing(app):
    plan = import_customers(CUSTOMERS)
    assert plan.summary() == (
        "2 customers in the file: 2 new, 0 changed, 0 unchanged, 2 new org units."
    )
    found = {c.name: c for c in db.session.scalars(select(Customer))}
    assert found["Tenants"].kind == CustomerKind.EXTERNAL
    assert found["Tenants"].org_unit.name == "Housing"
    assert found["Finance"].kind == CustomerKind.INTERNAL
    events = count(AuditEvent)
    again = import_customers("\ufeff" + CUSTOMERS.replace(",", ";"))
    assert again.nothing_to_do
    assert again.unchanged == 2
    assert count(AuditEvent) == events


def test_a_changed_customer_is_updated_and_missing_ones_only_on_request(app, unit):
    kept = factories.CustomerFactory(name="Walk-ins", org_unit=unit)
    import_customers(CUSTOMERS)
    plan = import_customers(CUSTOMERS.replace("Tenants,external", "TENANTS,internal"))
    [change] = plan.changes
    assert change.fields == (("name", "Tenants", "TENANTS"), ("kind", "external", "internal"))
    assert db.session.get(Customer, kept.id).active
    plan = import_customers(CUSTOMERS, deactivate_missing=True)
    assert plan.count("deactivated") == 1
    db.session.expire_all()
    assert not db.session.get(Customer, kept.id).active
    assert db.session.scalar(select(func.count()).where(Customer.active.is_(True))) == 2


def test_invalid_customer_rows_stop_the_whole_import(app):
    bad = (
        "name,kind,org_unit\n"
        "Fine,external,Somewhere\n"
        ",external,Somewhere\n"
        "Odd,supplier,Somewhere\n"
        "Fine,internal,SOMEWHERE\n"
        "Lost,external,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_customers(bad)
    assert refused.value.lines() == [
        "Line 3: Name is required.",
        "Line 4: unknown kind “supplier” (the kinds are external or internal)",
        "Line 5: “Fine” in Somewhere is on line 2 too",
        "Line 6: no org unit: each customer is in one unit's register",
    ]
    assert (count(Customer), count(OrgUnit)) == (0, 0)


@pytest.mark.parametrize(
    "address",
    [
        "Plain.Person@Example.ORG",
        " o'brien+hr@example.co.uk ",
        "x@bücher.example",
        "renée@example.org",
        '"quoted"@example.org',
        "a..b@example.org",
        "no-domain@",
        "two@@example.org",
        "a@-bad-.example",
        "a@example",
        "l" * 65 + "@example.org",
    ],
)
def test_reading_an_address_in_bulk_agrees_with_the_app(app, address):
    """The import's quick reading of plain addresses finds what validation.email finds."""
    from gembawalk.services import validation
    from gembawalk.services.errors import Invalid

    try:
        expected = validation.email(address)
    except Invalid:
        expected = None
    try:
        found = cells.address(address)
    except Invalid:
        found = None
    assert found == expected
