"""The organisation tree: org units, their leaders, and who sits below whom."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Customer, OrgUnit, Person, Role
from .. import audit, validation
from ..errors import Forbidden, Invalid, NotFound, rolls_back


@dataclass(frozen=True)
class TreeRow:
    unit: OrgUnit
    depth: int


@dataclass(frozen=True)
class UnitSummary:
    """A row of the admin's tree: the unit with its leaders and how many people and customers."""

    unit: OrgUnit
    depth: int
    path: str
    people: int
    customers: int


def require_admin(actor: Person) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden(_("Only an admin can do this."))


def all_units() -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.name)))


def tree() -> list[TreeRow]:
    """Every unit, depth-first with children in name order: the shape to show a tree in."""
    return _depth_first(all_units())


def _depth_first(units: list[OrgUnit]) -> list[TreeRow]:
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


def paths(rows: list[TreeRow] | None = None) -> dict[int, str]:
    """Each unit's path from the top ("Operations › North › Northgate"), from one query."""
    found: dict[int, str] = {}
    for row in tree() if rows is None else rows:
        parent = found.get(row.unit.parent_id) if row.unit.parent_id else None
        found[row.unit.id] = f"{parent} › {row.unit.name}" if parent else row.unit.name
    return found


def unit_summaries(actor: Person) -> list[UnitSummary]:
    """The whole tree for the admin, with leaders, active people and active customers counted."""
    require_admin(actor)
    units = db.session.scalars(
        select(OrgUnit).options(selectinload(OrgUnit.leaders)).order_by(OrgUnit.name)
    ).all()
    rows = _depth_first(list(units))
    unit_paths = paths(rows)
    people = dict(
        db.session.execute(
            select(Person.org_unit_id, func.count())
            .where(Person.active.is_(True))
            .group_by(Person.org_unit_id)
        ).all()
    )
    customers = dict(
        db.session.execute(
            select(Customer.org_unit_id, func.count())
            .where(Customer.active.is_(True))
            .group_by(Customer.org_unit_id)
        ).all()
    )
    return [
        UnitSummary(
            unit=row.unit,
            depth=row.depth,
            path=unit_paths[row.unit.id],
            people=people.get(row.unit.id, 0),
            customers=customers.get(row.unit.id, 0),
        )
        for row in rows
    ]


def find_unit(actor: Person, unit_id: int) -> OrgUnit:
    """A unit for the admin to change; a missing one is Not Found (get_unit is for choices)."""
    require_admin(actor)
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound(_("No such org unit."))
    return unit


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


def every_unit(unit_ids: set[int]) -> bool:
    """Whether these are all the organisation's units (a board of the whole of it)."""
    return len(unit_ids) >= (db.session.scalar(select(func.count()).select_from(OrgUnit)) or 0)


def subtrees(rows: list[TreeRow]) -> dict[int, set[int]]:
    """Each unit of a depth-first tree (tree()'s order, or some of its rows) with every unit
    below it among those rows, itself included: figures covering a subtree add these up."""
    found = {row.unit.id: {row.unit.id} for row in rows}
    for row in reversed(rows):  # children come after their parent: fold them in first
        if row.unit.parent_id in found:
            found[row.unit.parent_id] |= found[row.unit.id]
    return found


def lineage_ids(unit_id: int) -> list[int]:
    """The unit and its ancestors, nearest first."""
    parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def get_unit(unit_id: int | None, field: str = "org_unit_id") -> OrgUnit:
    unit = db.session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise Invalid({field: _("Choose an org unit.")})
    return unit


def _validated(
    name: str, parent_id: int | None, unit_id: int | None = None
) -> tuple[str, int | None]:
    name = validation.text(name, "name", "unit_name", required=True, label="Name")
    if parent_id:
        get_unit(parent_id, "parent_id")
        if unit_id is not None and parent_id in subtree_ids(unit_id):
            raise Invalid(
                {"parent_id": _("A unit cannot sit below itself or one of its own units.")}
            )
    parent_id = parent_id or None
    siblings = named(parent_id, name)
    if unit_id is not None:
        siblings = siblings.where(OrgUnit.id != unit_id)
    if db.session.scalar(siblings) is not None:
        raise Invalid({"name": TAKEN})
    return name, parent_id


TAKEN = "A unit of that name already sits there."


def named(parent_id: int | None, name: str) -> Select[int]:
    """The unit of this name (whatever its case) under this parent (None: the top), as the
    unique index on org units compares them."""
    return select(OrgUnit.id).where(
        OrgUnit.parent_id.is_(None) if parent_id is None else OrgUnit.parent_id == parent_id,
        func.lower(OrgUnit.name) == func.lower(name),
    )


def unit_at(parent_id: int | None, name: str) -> tuple[int, bool]:
    """The id of the unit of this name under this parent, made if missing, and whether this
    call made it, in the caller's transaction. Two callers at once get the one unit: the
    second's insert meets the unique index and reads the first's."""
    found = db.session.scalar(named(parent_id, name))
    if found is not None:
        return found, False
    unit = OrgUnit(name=name, parent_id=parent_id)
    try:
        with db.session.begin_nested():
            db.session.add(unit)
    except IntegrityError:
        found = db.session.scalar(named(parent_id, name))
        if found is None:  # refused for another reason
            raise
        return found, False
    return unit.id, True


def _unit_facts(name: str, parent_id: int | None) -> dict[str, str]:
    """What the audit log keeps of a unit: its name and, by name, the unit above it."""
    parent = db.session.get(OrgUnit, parent_id) if parent_id else None
    return {"name": name, "below": parent.name if parent else "(top)"}


@rolls_back
def create_unit(actor: Person, *, name: str, parent_id: int | None) -> OrgUnit:
    require_admin(actor)
    name, parent_id = _validated(name, parent_id)
    unit_id, made = unit_at(parent_id, name)
    if not made:  # made a moment ago, by another admin or an import
        raise Invalid({"name": TAKEN})
    facts = _unit_facts(name, parent_id)
    audit.add(
        audit.UNIT_CREATED, actor=actor, subject=facts.pop("name"), detail=audit.described(facts)
    )
    db.session.commit()
    unit = db.session.get(OrgUnit, unit_id)
    assert unit is not None  # just made
    return unit


@rolls_back
def update_unit(actor: Person, unit_id: int, *, name: str, parent_id: int | None) -> OrgUnit:
    unit = find_unit(actor, unit_id)
    before = _unit_facts(unit.name, unit.parent_id)
    unit.name, unit.parent_id = _validated(name, parent_id, unit_id)
    detail = audit.changes(before, _unit_facts(unit.name, unit.parent_id))
    if detail:
        audit.add(audit.UNIT_CHANGED, actor=actor, subject=unit.name, detail=detail)
    try:
        db.session.commit()
    except IntegrityError:  # another unit took that name there a moment ago
        db.session.rollback()
        raise Invalid({"name": TAKEN}) from None
    return unit
