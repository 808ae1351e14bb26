"""Writing a people import's plan in bulk: a fixed number of statements however many people
the file holds (rows batched, ids in chunks), and the audit log in one statement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, delete, insert, select, update

from ...extensions import db
from ...models import Person, PersonRole, coach_assignments, unit_leaders
from .. import audit
from ..people import accounts, passwords
from . import table
from .tree import Tree, resolved

if TYPE_CHECKING:
    from .people import Wanted, Work

CHUNK = 500  # ids per IN (...): well inside every database's limit on parameters


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def apply(actor: Person | None, work: Work) -> None:
    """Write the plan in bulk: a fixed number of statements, however many people."""
    made = work.tree.create()
    if work.new:
        # The table, not the mapped class: the ORM leaves out None values, so rows with and
        # without a time zone would split the batch into hundreds of statements.
        db.session.execute(
            insert(cast(Table, Person.__table__)),
            [
                {
                    "email": w.email,
                    "display_name": w.name,
                    "password_hash": passwords.NO_PASSWORD,
                    "org_unit_id": resolved(w.unit, made),
                    "timezone": w.timezone,
                    "language": w.language,
                    "active": True,
                }
                for w in work.new
            ],
        )
    ids = dict(db.session.execute(select(Person.email, Person.id)).all())
    if work.updated:
        db.session.execute(
            update(Person),
            [
                {
                    "id": now.id,
                    "display_name": want.name,
                    "org_unit_id": resolved(want.unit, made),
                    "timezone": want.timezone,
                    "language": want.language,
                    "active": True,
                    # Back in the file: measured again (services/engagement/definitions.py).
                    "left_on": None,
                }
                for now, want in work.updated
            ],
        )
    _replace_links(work, made, ids)
    if work.deactivated:
        gone = {now.id for now in work.deactivated}
        for chunk in _chunks(gone):
            for person in db.session.scalars(select(Person).where(Person.id.in_(chunk))):
                accounts.deactivate(person)
    _log(actor, work, made)


def _replace_links(work: Work, made: dict, ids: dict[str, int]) -> None:
    """Roles, coaches and units led: those of the people who change are replaced whole (a
    new person has none to remove)."""
    fresh = [(ids[w.email], w) for w in work.new]
    roles = [(now.id, w) for now, w in work.updated if now.roles != w.roles]
    coached = [(now.id, w) for now, w in work.updated if now.coaches != w.coaches]
    leading = [(now.id, w) for now, w in work.updated if now.leads != w.leads]
    unchanged = {"synchronize_session": False}
    for chunk in _chunks(pid for pid, _ in roles):
        db.session.execute(
            delete(PersonRole).where(PersonRole.person_id.in_(chunk)), execution_options=unchanged
        )
    for chunk in _chunks(pid for pid, _ in coached):
        db.session.execute(
            delete(coach_assignments).where(coach_assignments.c.manager_id.in_(chunk))
        )
    for chunk in _chunks(now.id for now in work.stop_coaching):
        db.session.execute(delete(coach_assignments).where(coach_assignments.c.coach_id.in_(chunk)))
    for chunk in _chunks(pid for pid, _ in leading):
        db.session.execute(delete(unit_leaders).where(unit_leaders.c.person_id.in_(chunk)))
    roles, coached, leading = fresh + roles, fresh + coached, fresh + leading
    role_rows = [{"person_id": pid, "role": role} for pid, w in roles for role in sorted(w.roles)]
    coach_rows = [
        {"manager_id": pid, "coach_id": ids[coach]} for pid, w in coached for coach in w.coaches
    ]
    lead_rows = [
        {"person_id": pid, "org_unit_id": resolved(key, made)}
        for pid, w in leading
        for key in w.leads
    ]
    if role_rows:
        db.session.execute(insert(PersonRole), role_rows)
    if coach_rows:
        db.session.execute(insert(coach_assignments), coach_rows)
    if lead_rows:
        db.session.execute(insert(unit_leaders), lead_rows)


def _unit_name(tree: Tree, key) -> str | None:
    shown = tree.shown(key)
    return shown.rsplit(table.PATH_SEPARATOR, 1)[-1].strip() if shown else None


def _log(actor: Person | None, work: Work, made: dict) -> None:
    """One audit entry per person, as the admin's person form writes them, in one statement."""
    tree, events = work.tree, []

    def summary(w: Wanted) -> str:
        return "by import: " + accounts.access_summary(
            w.roles,
            _unit_name(tree, w.unit),
            [work.names.get(c, c) for c in w.coaches],
            [_unit_name(tree, k) or "" for k in w.leads],
        )

    events += [(audit.PERSON_CREATED, w.email, summary(w)) for w in work.new]
    for now, w in work.updated:
        events.append((audit.PERSON_CHANGED, w.email, summary(w)))
        if not now.active:
            events.append((audit.PERSON_REACTIVATED, w.email, "by import"))
    events += [(audit.PERSON_DEACTIVATED, now.email, "by import") for now in work.deactivated]
    audit.add_many(actor, tree.audit_events() + events)
