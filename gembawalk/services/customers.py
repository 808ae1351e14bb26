"""The customer register: who may choose which customers, and keeping the register."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Customer, CustomerKind, Person, Role
from . import validation
from .errors import Forbidden, Invalid, NotFound, rolls_back
from .people.org import find_unit, get_unit, lineage_ids, require_admin, subtree_ids


def choosable_unit_ids(person: Person) -> list[int]:
    """A manager chooses from their own unit's register and those of the units above it."""
    return lineage_ids(person.org_unit_id) if person.org_unit_id else []


def choosable(person: Person) -> list[Customer]:
    unit_ids = choosable_unit_ids(person)
    if not unit_ids:
        return []
    query = (
        select(Customer)
        .where(Customer.org_unit_id.in_(unit_ids), Customer.active.is_(True))
        .order_by(Customer.kind, func.lower(Customer.name))
    )
    return list(db.session.scalars(query))


def resolve_choice(
    person: Person, ids: Iterable[int] | None, field: str = "customer_ids"
) -> list[Customer]:
    """The customers a manager picked, refusing any outside the register they may use."""
    # A form posted with no field at all (no browser does) leaves the choice None: none chosen.
    ids = {int(i) for i in ids or ()}
    if not ids:
        return []
    unit_ids = choosable_unit_ids(person)
    found = list(db.session.scalars(select(Customer).where(Customer.id.in_(ids))))
    if len(found) != len(ids) or any(c.org_unit_id not in unit_ids or not c.active for c in found):
        raise Invalid({field: "Choose customers from your unit's register."})
    return found


def _kind(value: str, field: str = "kind") -> CustomerKind:
    try:
        return CustomerKind(value)
    except ValueError as exc:
        raise Invalid({field: "Choose external or internal."}) from exc


def _check_unique(name: str, org_unit_id: int, field: str, customer_id: int | None = None) -> None:
    query = select(Customer.id).where(
        Customer.org_unit_id == org_unit_id, func.lower(Customer.name) == name.lower()
    )
    if customer_id is not None:
        query = query.where(Customer.id != customer_id)
    if db.session.scalar(query) is not None:
        raise Invalid({field: "This unit's register already has a customer of that name."})


def add_on_the_spot(
    actor: Person, *, name: str, kind: str, prefix: str = "new_customer_"
) -> Customer:
    """A manager adds a customer they are about to meet to their own unit's register."""
    if not actor.has_role(Role.MANAGER) or actor.org_unit_id is None:
        raise Forbidden("Only a manager in an org unit can add to its register.")
    name = validation.text(name, f"{prefix}name", "customer_name", required=True, label="Name")
    _check_unique(name, actor.org_unit_id, f"{prefix}name")
    customer = Customer(name=name, kind=_kind(kind, f"{prefix}kind"), org_unit_id=actor.org_unit_id)
    db.session.add(customer)
    return customer  # the caller's transaction commits it together with the walk


def list_register(actor: Person, unit_id: int | None = None) -> list[Customer]:
    """The whole register, or one unit's and those of the units below it."""
    require_admin(actor)
    query = (
        select(Customer)
        .options(selectinload(Customer.org_unit))
        .order_by(Customer.active.desc(), func.lower(Customer.name))
    )
    if unit_id is not None:
        query = query.where(Customer.org_unit_id.in_(subtree_ids(find_unit(actor, unit_id).id)))
    return list(db.session.scalars(query))


def get_customer(actor: Person, customer_id: int) -> Customer:
    require_admin(actor)
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("No such customer.")
    return customer


def _apply(
    customer: Customer,
    *,
    name: str,
    kind: str,
    org_unit_id: int | None,
    notes: str = "",
    active: bool = True,
) -> None:
    customer.name = validation.text(name, "name", "customer_name", required=True, label="Name")
    customer.kind = _kind(kind)
    customer.org_unit_id = get_unit(org_unit_id).id
    customer.notes = validation.text(notes, "notes", "notes", label="Notes")
    customer.active = bool(active)
    _check_unique(customer.name, customer.org_unit_id, "name", customer.id)


@rolls_back
def create_customer(actor: Person, **fields) -> Customer:
    require_admin(actor)
    customer = Customer()
    _apply(customer, **fields)
    db.session.add(customer)
    db.session.commit()
    return customer


@rolls_back
def update_customer(actor: Person, customer_id: int, **fields) -> Customer:
    customer = get_customer(actor, customer_id)
    with db.session.no_autoflush:
        _apply(customer, **fields)
    db.session.commit()
    return customer
