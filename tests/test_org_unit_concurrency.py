"""Org units made at the same moment (two imports naming the same new unit, an admin's form at
the same time): one unit, never two of one name under one parent. On SQLite writers take turns
(BEGIN IMMEDIATE), so the race can only happen on PostgreSQL; the unique index holds on both."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from gembawalk.extensions import db
from gembawalk.models import AuditEvent, Customer, OrgUnit
from gembawalk.services import audit
from gembawalk.services.errors import Invalid
from gembawalk.services.imports import customers as customer_imports
from gembawalk.services.people import org

from .test_concurrency import _run_in_threads


def units() -> list[tuple[int | None, str]]:
    db.session.expire_all()
    return sorted(
        db.session.execute(select(OrgUnit.parent_id, OrgUnit.name)).all(),
        key=lambda u: (u[0] or 0, u[1]),
    )


def test_two_imports_at_once_make_each_new_unit_once(app):
    files = [
        f"name,kind,org_unit\nCustomer {i},external,North Region / Depot A\n".encode()
        for i in range(2)
    ]

    def apply(index: int) -> None:
        customer_imports.import_customers(None, files[index])

    assert _run_in_threads(app, apply, threads=2) == []
    [(_, top), (_, depot)] = units()
    assert (top, depot) == ("North Region", "Depot A")
    assert {c.org_unit.name for c in db.session.scalars(select(Customer))} == {"Depot A"}
    made = select(func.count()).where(AuditEvent.kind == audit.UNIT_CREATED)
    assert db.session.scalar(made) == 2  # each unit logged once, by whichever import made it


def test_the_index_refuses_a_second_unit_of_one_name_whatever_its_case(app):
    db.session.add_all([OrgUnit(name="Depot"), OrgUnit(name="Yard")])
    db.session.commit()
    for parent, name in ((None, "DEPOT"), (None, "depot")):
        db.session.add(OrgUnit(name=name, parent_id=parent))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    depot = db.session.scalar(select(OrgUnit).where(OrgUnit.name == "Depot"))
    db.session.add(OrgUnit(name="Depot", parent_id=depot.id))  # another parent: fine
    db.session.commit()
    assert len(units()) == 3


def test_a_unit_made_since_the_plan_was_read_is_used_not_made_again(app):
    plan = customer_imports.plan_customers(None, b"name,kind,org_unit\nAcme,external,Depot\n")
    db.session.commit()  # the plan's read ends; someone else makes the unit meanwhile
    other_id = org.unit_at(None, "depot")[0]
    db.session.commit()
    assert plan.work.tree.create() == {("depot",): other_id}
    assert plan.work.tree.audit_events() == []  # this import made nothing
    db.session.rollback()


def test_an_admin_naming_a_unit_an_import_just_made_is_told_so(app, admin):
    org.unit_at(None, "Depot")
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        org.create_unit(admin, name="depot", parent_id=None)
    assert refused.value.errors == {"name": org.TAKEN}


def test_an_insert_that_meets_anothers_new_unit_reads_it(app, database_url):
    """The race itself: the other transaction inserts first and commits only once this one's
    insert waits on the unique index; this one then reads the other's unit."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's writers take turns: a second insert never waits on the first")
    db.session.commit()
    other = db.engine.connect()
    other_txn = other.begin()
    other.execute(
        text("INSERT INTO org_units (name, created_at) VALUES ('Depot', now())"),
    )
    other_pid = other.execute(text("SELECT pg_backend_pid()")).scalar()
    result: list[tuple[int, bool]] = []

    def insert_here() -> None:
        with app.app_context():
            try:
                result.append(org.unit_at(None, "Depot"))
                db.session.commit()
            finally:
                db.session.remove()

    thread = threading.Thread(target=insert_here)
    thread.start()
    watcher = db.engine.connect()
    blocked = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
        ":other = ANY(pg_blocking_pids(pid))"
    )
    waited = 0
    while not watcher.execute(blocked, {"other": other_pid}).scalar():
        waited += 1
        assert waited < 10_000, "the second insert never waited on the first"
        watcher.rollback()
    watcher.close()
    other_txn.commit()
    thread.join()
    made_by_other = other.execute(text("SELECT id FROM org_units WHERE name = 'Depot'")).scalar()
    other.close()
    assert result == [(made_by_other, False)]
    assert len(units()) == 1
