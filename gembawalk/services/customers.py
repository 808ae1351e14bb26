"""The customer register: who may choose which customers, and keeping the register."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Category,
    Customer,
    CustomerKind,
    Observation,
    OrgUnit,
    Person,
    Role,
    SaidBy,
    Walk,
    walk_customers,
)
from . import access, audit, validation
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
    """The customers a manager picked, refusing any outside the register they may use. None
    is a choice the form could not read (its own message says why): nothing chosen."""
    ids = {int(i) for i in ids or ()}
    if not ids:
        return []
    unit_ids = choosable_unit_ids(person)
    found = list(db.session.scalars(select(Customer).where(Customer.id.in_(ids))))
    if len(found) != len(ids) or any(c.org_unit_id not in unit_ids or not c.active for c in found):
        raise Invalid({field: _("Choose customers from your unit's register.")})
    return found


def nameable(walk: Walk) -> list[Customer]:
    """The customers a note on this walk may name as having said it (what named_customer
    accepts): the register its walker may choose, in the order the device holds it (so the
    form reads the same offline), then anyone met on the walk from outside it."""
    register = choosable(walk.manager)
    held = {c.id for c in register}
    return register + [c for c in walk.customers if c.id not in held]


def named_customer(
    walk: Walk, customer_id: object, category: Category, said_by: SaidBy
) -> Customer | None:
    """The register customer a note names as having said it: only a "what matters" note in
    the customer's own words names one, and only one met on the walk or from the register
    its walker may choose. None (or "") names nobody."""
    if customer_id is None or customer_id == "":
        return None
    try:
        wanted = validation.record_id(customer_id)
    except (TypeError, ValueError) as exc:
        raise Invalid({"customer_id": _("Choose a customer from the register.")}) from exc
    if category != Category.WHAT_MATTERS:
        raise Invalid(
            {"customer_id": _("Only a what matters note names the customer who said it.")}
        )
    if said_by != SaidBy.CUSTOMER:
        raise Invalid(
            {"said_by": _("A note naming the customer who said it is said by a customer.")}
        )
    met = next((c for c in walk.customers if c.id == wanted), None)
    if met is not None:
        return met
    try:
        return resolve_choice(walk.manager, [wanted], "customer_id")[0]
    except Invalid as exc:
        message = "Choose a customer met on the walk or from your unit's register."
        raise Invalid({"customer_id": message}) from exc


def _kind(value: str, field: str = "kind") -> CustomerKind:
    try:
        return CustomerKind(value)
    except ValueError as exc:
        raise Invalid({field: _("Choose external or internal.")}) from exc


def _check_unique(name: str, org_unit_id: int, field: str, customer_id: int | None = None) -> None:
    query = select(Customer.id).where(
        Customer.org_unit_id == org_unit_id, func.lower(Customer.name) == name.lower()
    )
    if customer_id is not None:
        query = query.where(Customer.id != customer_id)
    if db.session.scalar(query) is not None:
        raise Invalid({field: _("This unit's register already has a customer of that name.")})


def add_on_the_spot(
    actor: Person, *, name: str, kind: str, prefix: str = "new_customer_"
) -> Customer:
    """A manager adds a customer they are about to meet to their own unit's register."""
    if not actor.has_role(Role.MANAGER) or actor.org_unit_id is None:
        raise Forbidden(_("Only a manager in an org unit can add to its register."))
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
        raise NotFound(_("No such customer."))
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


def _facts(customer: Customer) -> dict[str, str]:
    """What the audit log keeps of a customer, with its unit by name (notes stay out)."""
    unit = db.session.get(OrgUnit, customer.org_unit_id) if customer.org_unit_id else None
    return {
        "name": customer.name,
        "kind": customer.kind.value,
        "org unit": unit.name if unit else "-",
        "active": "yes" if customer.active else "no",
    }


@rolls_back
def create_customer(actor: Person, **fields) -> Customer:
    require_admin(actor)
    customer = Customer()
    _apply(customer, **fields)
    db.session.add(customer)
    facts = _facts(customer)
    audit.add(
        audit.CUSTOMER_CREATED,
        actor=actor,
        subject=facts.pop("name"),
        detail=audit.described(facts),
    )
    db.session.commit()
    return customer


@rolls_back
def update_customer(actor: Person, customer_id: int, **fields) -> Customer:
    customer = get_customer(actor, customer_id)
    with db.session.no_autoflush:
        before = _facts(customer)
        _apply(customer, **fields)
        detail = audit.changes(before, _facts(customer))
    if detail:
        audit.add(audit.CUSTOMER_CHANGED, actor=actor, subject=customer.name, detail=detail)
    db.session.commit()
    return customer


# --- a customer's own words, over time ------------------------------------------------------

WORDS_LIMIT = 200  # of a customer's sayings on their page, newest first


@dataclass
class CustomerWords:
    """A customer and what they have said, from every manager who met them, newest first:
    only notes on walks the reader may see."""

    customer: Customer
    sayings: list[Observation]
    more: bool


def visible_customer(actor: Person, customer_id: int) -> Customer:
    """A customer the actor may look at: one of the registers they choose from or lead (every
    one for an admin), or one met or named on a walk they may see. Anyone else: Not Found."""
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("No such customer."))
    if access.sees_everyone(actor):
        return customer
    units = set(choosable_unit_ids(actor)) | access.led_unit_ids(actor)
    if customer.org_unit_id in units:
        return customer
    visible = access.visible_walks_clause(actor)
    met = select(Walk.id).join(walk_customers, walk_customers.c.walk_id == Walk.id)
    met = met.where(walk_customers.c.customer_id == customer.id, visible)
    named = select(Observation.id).join(Walk, Walk.id == Observation.walk_id)
    named = named.where(Observation.customer_id == customer.id, visible)
    if db.session.scalar(met.limit(1)) or db.session.scalar(named.limit(1)):
        return customer
    raise NotFound(_("No such customer."))


def customer_words(actor: Person, customer_id: int) -> CustomerWords:
    """What a customer has said over time, with the walk and the manager each came from."""
    customer = visible_customer(actor, customer_id)
    found = db.session.scalars(
        select(Observation)
        .join(Walk, Walk.id == Observation.walk_id)
        .where(Observation.customer_id == customer.id, access.visible_walks_clause(actor))
        .options(selectinload(Observation.walk).selectinload(Walk.manager))
        .order_by(Observation.made_at.desc(), Observation.id.desc())
        .limit(WORDS_LIMIT + 1)
    ).all()
    return CustomerWords(
        customer=customer, sayings=list(found[:WORDS_LIMIT]), more=len(found) > WORDS_LIMIT
    )
