"""Importing the customer register: `flask import-customers` and the admin's import page.

Each row names a customer, its kind (external or internal) and the org unit whose register
holds it. A customer is the same one when its unit and its name (in any case) are: a row
for one already there updates its kind and brings it back if it was inactive; anything else
is added. One invalid row stops the whole import."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import insert, select, update

from ...extensions import db
from ...models import Customer, CustomerKind, Person
from .. import audit, validation
from ..errors import Invalid, rolls_back
from ..people.org import require_admin
from . import table
from .plan import CHANGED, NEW, Change, ImportRefused, Plan, PreviewOutdated, missing
from .tree import Tree, UnitKey, resolved

COLUMNS = ("name", "kind", "org_unit")
REQUIRED = COLUMNS
KIND_NAMES = " or ".join(kind.value for kind in CustomerKind)


@dataclass(frozen=True)
class Current:
    id: int
    name: str
    kind: CustomerKind
    unit: int
    active: bool


@dataclass(frozen=True)
class Wanted:
    line: int
    name: str
    kind: CustomerKind
    unit: UnitKey


@dataclass
class Work:
    tree: Tree
    new: list[Wanted] = field(default_factory=list)
    updated: list[tuple[Current, Wanted]] = field(default_factory=list)
    deactivated: list[Current] = field(default_factory=list)


def _key(unit: UnitKey, name: str) -> tuple[UnitKey, str]:
    return unit, name.lower()


def _load() -> dict[tuple[UnitKey, str], Current]:
    found: dict[tuple[UnitKey, str], Current] = {}
    query = select(
        Customer.id, Customer.name, Customer.kind, Customer.org_unit_id, Customer.active
    ).order_by(Customer.id)
    for row in db.session.execute(query):
        found.setdefault(
            _key(row.org_unit_id, row.name),
            Current(row.id, row.name, row.kind, row.org_unit_id, row.active),
        )
    return found


def _read(row: table.Row, tree: Tree, problems: list[tuple[int | None, str]]) -> Wanted | None:
    def check(rule):
        try:
            return rule()
        except Invalid as error:
            problems.extend((row.line, message) for message in error.errors.values())
            return None

    values = row.values
    name = check(
        lambda: validation.text(
            values["name"], "name", "customer_name", required=True, label=gettext("Name")
        )
    )
    kind = check(
        lambda: validation.choice(
            CustomerKind,
            values["kind"].lower(),
            "kind",
            gettext(
                "unknown kind “%(value)s” (the kinds are %(kinds)s)",
                value=values["kind"][:60],
                kinds=KIND_NAMES,
            ),
        )
    )
    unit = None
    if table.path(values["org_unit"]):
        unit = check(lambda: tree.find(values["org_unit"]))
    else:
        problems.append((row.line, gettext("no org unit: each customer is in one unit's register")))
    if name is None or kind is None or unit is None:
        return None
    return Wanted(row.line, name, kind, unit)


def plan_customers(
    actor: Person | None, content: bytes, *, deactivate_missing: bool = False
) -> Plan:
    """Every change the file would make to the register; nothing is written. Refuses
    (ImportRefused) with every problem of every row at once."""
    if actor is not None:
        require_admin(actor)
    try:
        _, rows, bad_lines = table.read(content, COLUMNS, REQUIRED)
    except Invalid as error:
        raise ImportRefused([(None, message) for message in error.errors.values()]) from error
    register, tree = _load(), Tree()
    problems: list[tuple[int | None, str]] = list(bad_lines)
    wanted: dict[tuple[UnitKey, str], Wanted] = {}
    for raw in rows:
        found = _read(raw, tree, problems)
        if found is None:
            continue
        key = _key(found.unit, found.name)
        if key in wanted:
            where = tree.shown(found.unit)
            problems.append(
                (
                    raw.line,
                    gettext(
                        "“%(name)s” in %(unit)s is on line %(line)d too",
                        name=found.name,
                        unit=where,
                        line=wanted[key].line,
                    ),
                )
            )
            continue
        wanted[key] = found
    if problems:
        raise ImportRefused(problems)

    work = Work(tree=tree)
    plan = Plan("customers", len(rows), deactivate_missing, tree.new_paths(), work=work)
    for key, want in wanted.items():
        now = register.get(key)
        subject = f"{want.name} ({tree.shown(want.unit)})"
        if now is None:
            work.new.append(want)
            fields = (("kind", "", want.kind.value), ("org unit", "", tree.shown(want.unit)))
            plan.changes.append(Change(want.line, subject, NEW, fields))
            continue
        pairs = [("name", now.name, want.name), ("kind", now.kind.value, want.kind.value)]
        if not now.active:
            pairs.append(("status", "inactive", "active"))
        changed = tuple(p for p in pairs if p[1] != p[2])
        if changed:
            work.updated.append((now, want))
            plan.changes.append(Change(want.line, subject, CHANGED, changed))
        else:
            plan.unchanged += 1
    if deactivate_missing:
        leaving = (register[key] for key in missing(register, wanted))
        named = ((f"{now.name} ({tree.shown(now.unit)})", now) for now in leaving)
        plan.deactivate(named, work.deactivated)
    return plan


@rolls_back
def import_customers(
    actor: Person | None,
    content: bytes,
    *,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    expected: str | None = None,
    source: str = "a file",
) -> Plan:
    """Plan the import and, unless `dry_run`, apply all of it in one transaction; with
    `expected` (a preview's digest) only when the plan is still the one previewed."""
    plan = plan_customers(actor, content, deactivate_missing=deactivate_missing)
    if expected is not None and plan.digest != expected:
        raise PreviewOutdated()
    if dry_run or plan.nothing_to_do:
        db.session.rollback()
        return plan
    work: Work = plan.work
    made = work.tree.create()
    if work.new:
        db.session.execute(
            insert(Customer),
            [
                {"name": w.name, "kind": w.kind, "org_unit_id": resolved(w.unit, made)}
                for w in work.new
            ],
        )
    changed = [
        {"id": now.id, "name": w.name, "kind": w.kind, "active": True} for now, w in work.updated
    ]
    changed += [
        {"id": now.id, "name": now.name, "kind": now.kind, "active": False}
        for now in work.deactivated
    ]
    if changed:
        db.session.execute(update(Customer), changed)
    events = [
        (
            audit.CUSTOMER_CREATED,
            c.subject,
            "by import: " + audit.described({n: a for n, _, a in c.fields}),
        )
        if c.action == NEW
        else (
            audit.CUSTOMER_CHANGED,
            c.subject,
            "by import: " + "; ".join(f"{n}: {b} → {a}" for n, b, a in c.fields),
        )
        for c in plan.changes
    ]
    audit.add_many(actor, work.tree.audit_events() + events)
    audit.add(audit.CUSTOMERS_IMPORTED, actor=actor, subject=source[:200], detail=plan.logged())
    db.session.commit()
    return plan
