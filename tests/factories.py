"""factory_boy factories bound to the app's session; every object is committed when made."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from gembawalk.extensions import db
from gembawalk.models import (
    Category,
    Customer,
    CustomerKind,
    FollowUp,
    FollowUpStatus,
    Observation,
    OrgUnit,
    Person,
    PersonRole,
    Role,
    SaidBy,
    Walk,
    WalkKind,
    WalkStatus,
)
from gembawalk.services.people.passwords import hash_password

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrgUnitFactory(Base):
    class Meta:
        model = OrgUnit
        # No two units of one name under one parent (a unique index): the same name under the
        # same parent is the one unit, as a second person "in Northgate depot" would be.
        sqlalchemy_get_or_create = ("name", "parent")

    name = factory.Sequence(lambda n: f"Unit {n}")
    parent = None


class PersonFactory(Base):
    class Meta:
        model = Person
        exclude = ("roles",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = _PASSWORD_HASH
    # Here long before any test's walks: a test of joining or leaving sets its own days.
    started_on = date(2020, 1, 1)
    org_unit = None
    roles = ("manager",)
    role_rows = factory.LazyAttribute(lambda o: [PersonRole(role=Role(r)) for r in o.roles])


class CustomerFactory(Base):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    kind = CustomerKind.EXTERNAL
    org_unit = factory.SubFactory(OrgUnitFactory)


class WalkFactory(Base):
    class Meta:
        model = Walk

    uuid = factory.LazyFunction(uuid.uuid4)
    manager = factory.SubFactory(PersonFactory)
    kind = WalkKind.CUSTOMER_VISIT
    place = factory.Sequence(lambda n: f"Site {n}")
    purpose = "See how customers collect their orders"
    planned_start = factory.LazyFunction(lambda: datetime.now(UTC) + timedelta(days=1))
    timezone = "Europe/London"
    status = WalkStatus.PLANNED


class ObservationFactory(Base):
    class Meta:
        model = Observation

    uuid = factory.LazyFunction(uuid.uuid4)
    walk = factory.SubFactory(WalkFactory)
    author = factory.LazyAttribute(lambda o: o.walk.manager)
    category = Category.WHAT_MATTERS
    said_by = SaidBy.CUSTOMER
    text = "Knowing when the van will come"


class FollowUpFactory(Base):
    class Meta:
        model = FollowUp

    uuid = factory.LazyFunction(uuid.uuid4)
    walk = factory.SubFactory(WalkFactory, status=WalkStatus.DONE)
    owner = factory.LazyAttribute(lambda o: o.walk.manager)
    created_by = factory.LazyAttribute(lambda o: o.walk.manager)
    action = "Fix the gate"
    due_date = factory.LazyFunction(lambda: datetime.now(UTC).date() + timedelta(days=7))
    status = FollowUpStatus.OPEN


def done_walk(
    manager,
    completed_at: datetime,
    *,
    customers=(),
    spoke: int = 2,
    planned_start: datetime | None = None,
    started_before: timedelta = timedelta(minutes=45),
    **extra,
) -> Walk:
    """A walk done at `completed_at` (a customer visit unless `kind` says otherwise), planned
    an hour before unless told, with these customers and this many spoken to."""
    return WalkFactory(
        manager=manager,
        status=WalkStatus.DONE,
        planned_start=planned_start or completed_at - timedelta(hours=1),
        started_at=completed_at - started_before,
        completed_at=completed_at,
        customers_spoken_to=spoke,
        customers=list(customers),
        **extra,
    )
