"""Demand types: kept per org unit, inherited by the units below, edited by whoever leads the
unit (or an admin), ordered, retired rather than deleted; and the rule that ties a tally's
category to its type's kind."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import limits
from ...extensions import db
from ...models import DEMAND_CATEGORY, Category, DemandKind, DemandType, OrgUnit, Person
from .. import access, ordering, validation
from ..errors import Forbidden, Invalid, NotFound, rolls_back
from ..people.org import lineage_ids


def available(unit_id: int | None, *, retired: bool = False) -> list[DemandType]:
    """The types a unit's walks may tally: its own and those of every unit above it, the
    highest unit's first, each unit's in its order."""
    if unit_id is None:
        return []
    chain = lineage_ids(unit_id)
    query = select(DemandType).where(DemandType.org_unit_id.in_(chain))
    if not retired:
        query = query.where(DemandType.retired_at.is_(None))
    depth = {uid: n for n, uid in enumerate(reversed(chain))}
    found = db.session.scalars(query).all()
    return sorted(found, key=lambda t: (depth[t.org_unit_id], t.position, t.id))


def for_person(actor: Person) -> list[DemandType]:
    """The types of the actor's own unit and those above it (GET /api/v1/demand-types)."""
    return available(actor.org_unit_id)


def may_edit(actor: Person, unit_id: int) -> bool:
    return access.sees_everyone(actor) or unit_id in access.led_unit_ids(actor)


def _unit_to_edit(actor: Person, unit_id: int) -> OrgUnit:
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None or not (may_edit(actor, unit_id) or _sees_unit(actor, unit_id)):
        raise NotFound(_("No such org unit."))
    if not may_edit(actor, unit_id):
        raise Forbidden(_("Only whoever leads this unit, or an admin, edits its demand types."))
    return unit


def _sees_unit(actor: Person, unit_id: int) -> bool:
    return actor.org_unit_id is not None and unit_id in lineage_ids(actor.org_unit_id)


def own_types(actor: Person, unit_id: int) -> tuple[OrgUnit, list[DemandType]]:
    """A unit's own types, retired ones included (last), for the page that edits them."""
    unit = _unit_to_edit(actor, unit_id)
    found = db.session.scalars(
        select(DemandType)
        .where(DemandType.org_unit_id == unit.id)
        .order_by(DemandType.retired_at.is_not(None), DemandType.position, DemandType.id)
    ).all()
    return unit, list(found)


def _name(value: str | None) -> str:
    return validation.text(value, "name", "demand_type", required=True, label="The name")


def _check_unique(unit_id: int, name: str, keep: int | None = None) -> None:
    query = select(DemandType.id).where(
        DemandType.org_unit_id == unit_id,
        DemandType.retired_at.is_(None),
        func.lower(DemandType.name) == name.lower(),
    )
    if keep is not None:
        query = query.where(DemandType.id != keep)
    if db.session.scalar(query) is not None:
        raise Invalid({"name": _("This unit already has a demand type by that name.")})


@rolls_back
def add_type(actor: Person, unit_id: int, *, name: str | None, kind: str | None) -> DemandType:
    unit = _unit_to_edit(actor, unit_id)
    name = _name(name)
    chosen = validation.choice(DemandKind, kind, "kind", _("Choose value or failure."))
    in_use = [t for t in own_types(actor, unit.id)[1] if not t.retired]
    if len(in_use) >= limits.DEMAND_TYPES_PER_UNIT:
        raise Invalid(
            {"": _("A unit keeps at most %(most)d demand types in use: retire one first.",
                   most=limits.DEMAND_TYPES_PER_UNIT)}
        )  # fmt: skip
    _check_unique(unit.id, name)
    position = max((t.position for t in in_use), default=-1) + 1
    demand_type = DemandType(org_unit_id=unit.id, name=name, kind=chosen, position=position)
    db.session.add(demand_type)
    db.session.commit()
    return demand_type


def _get_editable(actor: Person, type_id: int) -> DemandType:
    demand_type = db.session.get(DemandType, type_id)
    if demand_type is None:
        raise NotFound(_("No such demand type."))
    _unit_to_edit(actor, demand_type.org_unit_id)
    return demand_type


@rolls_back
def rename_type(actor: Person, type_id: int, *, name: str | None) -> DemandType:
    """A new name; the kind never changes, since the tallies already made took their category
    from it (retire the type and add another instead)."""
    demand_type = _get_editable(actor, type_id)
    name = _name(name)
    _check_unique(demand_type.org_unit_id, name, keep=demand_type.id)
    demand_type.name = name
    db.session.commit()
    return demand_type


@rolls_back
def move_type(actor: Person, type_id: int, *, by: int) -> DemandType:
    """Move a type up (by=-1) or down (by=1) among its unit's types in use."""
    demand_type = _get_editable(actor, type_id)
    siblings = [t for t in own_types(actor, demand_type.org_unit_id)[1] if not t.retired]
    ordering.move_among(demand_type, siblings, by)
    db.session.commit()
    return demand_type


@rolls_back
def retire_type(actor: Person, type_id: int, now: datetime) -> DemandType:
    """No longer offered on walks; its tallies keep it, and the figures still count them."""
    demand_type = _get_editable(actor, type_id)
    ordering.retire(demand_type, now)
    db.session.commit()
    return demand_type


@rolls_back
def restore_type(actor: Person, type_id: int) -> DemandType:
    demand_type = _get_editable(actor, type_id)
    if demand_type.retired_at is not None:
        _check_unique(demand_type.org_unit_id, demand_type.name, keep=demand_type.id)
        demand_type.retired_at = None
    db.session.commit()
    return demand_type


def read_type_id(value: object) -> int | None:
    """A demand type id as a form or a device sends it: none, or a whole number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Invalid({"demand_type_id": _("Give the demand type as its id, a whole number.")})
    try:
        return validation.record_id(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(
            {"demand_type_id": _("Give the demand type as its id, a whole number.")}
        ) from exc


def type_for(
    unit_id: int | None, category: Category, type_id: int | None, kept: int | None = None
) -> DemandType | None:
    """The type a note on a walk of `unit_id`'s may name: one available to the unit (a retired
    one only if the note already named it, `kept`), whose kind matches the category."""
    if type_id is None:
        return None
    demand_type = db.session.get(DemandType, type_id)
    allowed = unit_id is not None and demand_type is not None
    if allowed and demand_type.org_unit_id not in lineage_ids(unit_id):  # type: ignore[union-attr,arg-type]
        allowed = False
    if allowed and demand_type.retired and demand_type.id != kept:  # type: ignore[union-attr]
        allowed = False
    if not allowed or demand_type is None:
        raise Invalid({"demand_type_id": _("This demand type is not one of this walk’s unit.")})
    if DEMAND_CATEGORY[demand_type.kind] != category:
        raise Invalid(
            {
                "demand_type_id": _(
                    "“%(name)s” is a demand type of the kind %(kind)s: its category is "
                    "%(category)s.",
                    name=demand_type.name,
                    kind=demand_type.kind.label,
                    category=DEMAND_CATEGORY[demand_type.kind].label,
                )
            }
        )
    return demand_type
