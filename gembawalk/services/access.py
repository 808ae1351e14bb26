"""Who may see whose walks: the one permission rule behind every page, export and API call.

A manager sees their own walks; a coach also those of the managers assigned to them; a
director also those of the managers in the units they lead and every unit below; an admin
sees everything. Asking for something outside that answers NotFound, never Forbidden, so an
id reveals nothing about what exists.
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select, true

from ..extensions import db
from ..models import Person, Role, Walk, coach_assignments, unit_leaders
from .errors import NotFound
from .people.org import subtree_ids


def led_unit_ids(actor: Person) -> set[int]:
    """The units the actor leads and every unit below them."""
    led = db.session.scalars(
        select(unit_leaders.c.org_unit_id).where(unit_leaders.c.person_id == actor.id)
    ).all()
    found: set[int] = set()
    for unit_id in led:
        if unit_id not in found:
            found |= subtree_ids(unit_id)
    return found


def sees_everyone(actor: Person) -> bool:
    return actor.has_role(Role.ADMIN)


def visible_people_clause(actor: Person, column=Person.id) -> ColumnElement[bool]:
    """A condition on a person id column: true for the people whose walks the actor may see."""
    if sees_everyone(actor):
        return true()
    coached = select(coach_assignments.c.manager_id).where(coach_assignments.c.coach_id == actor.id)
    conditions = [column == actor.id, column.in_(coached)]
    units = led_unit_ids(actor)
    if units:
        conditions.append(column.in_(select(Person.id).where(Person.org_unit_id.in_(units))))
    return or_(*conditions)


def visible_walks_clause(actor: Person) -> ColumnElement[bool]:
    """A condition on Walk: the walks (and so observations, follow-ups) the actor may see."""
    return visible_people_clause(actor, Walk.manager_id)


def can_see_person(actor: Person, person_id: int) -> bool:
    if person_id == actor.id or sees_everyone(actor):
        return True
    found = db.session.scalar(
        select(Person.id).where(Person.id == person_id, visible_people_clause(actor))
    )
    return found is not None


def get_visible_person(actor: Person, person_id: int) -> Person:
    person = db.session.get(Person, person_id) if can_see_person(actor, person_id) else None
    if person is None:
        raise NotFound(_("No such person."))
    return person


def get_visible_walk(actor: Person, walk_uuid: uuid.UUID) -> Walk:
    walk = db.session.scalar(
        select(Walk).where(Walk.uuid == walk_uuid, visible_walks_clause(actor))
    )
    if walk is None:
        raise NotFound(_("No such walk."))
    return walk
