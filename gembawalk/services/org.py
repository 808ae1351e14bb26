"""The organisation tree: org units, their leaders, and who sits below whom."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import OrgUnit, Person, Role
from . import validation
from .errors import Forbidden, Invalid, NotFound, rolls_back


@dataclass(frozen=True)
class TreeRow:
    unit: OrgUnit
    depth: int


def require_admin(actor: Person) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("Only an admin can do this.")


def all_units() -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.name)))


def tree() -> list[TreeRow]:
    """Every unit, depth-first with children in name order: the shape to show a tree in."""
    units = all_units()
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            rows.append(TreeRow(unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return rows


def subtree_ids(unit_id: int) -> set[int]:
    """The unit and every unit below it."""
    parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    found = {unit_id}
    changed = True
    while changed:
        before = len(found)
        found |= {uid for uid, pid in parents.items() if pid in found}
        changed = len(found) != before
    return found


def lineage_ids(unit_id: int) -> list[int]:
    """The unit and its ancestors, nearest first."""
    parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    chain, current = [], unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def get_unit(unit_id: int | None, field: str = "org_unit_id") -> OrgUnit:
    unit = db.session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise Invalid({field: "Choose an org unit."})
    return unit


def _validated(
    name: str, parent_id: int | None, unit_id: int | None = None
) -> tuple[str, int | None]:
    name = validation.text(name, "name", "unit_name", required=True, label="Name")
    if parent_id:
        get_unit(parent_id, "parent_id")
        if unit_id is not None and parent_id in subtree_ids(unit_id):
            raise Invalid({"parent_id": "A unit cannot sit below itself or one of its own units."})
    return name, parent_id or None


@rolls_back
def create_unit(actor: Person, *, name: str, parent_id: int | None) -> OrgUnit:
    require_admin(actor)
    name, parent_id = _validated(name, parent_id)
    unit = OrgUnit(name=name, parent_id=parent_id)
    db.session.add(unit)
    db.session.commit()
    return unit


@rolls_back
def update_unit(actor: Person, unit_id: int, *, name: str, parent_id: int | None) -> OrgUnit:
    require_admin(actor)
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("No such org unit.")
    unit.name, unit.parent_id = _validated(name, parent_id, unit_id)
    db.session.commit()
    return unit
