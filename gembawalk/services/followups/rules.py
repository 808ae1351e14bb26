"""Follow-ups: actions that come out of what was seen, each with an owner, a due date and,
once done, what was done ("you said, we did"). This module holds their rules: who may own,
see, close and change one, and making, closing and changing it. What people read of them is in
lists.py; a device's create-or-edit by its UUID in sync.py; what pages ask of one (overdue,
may add one) in predicates.py."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    FollowUp,
    FollowUpStatus,
    NotificationKind,
    Observation,
    Person,
    Walk,
)
from ...timeutil import local_today, utcnow
from .. import access, validation
from ..errors import Conflict, Forbidden, Invalid, NotFound, rolls_back
from ..notifications import follow_up_link, notify, quote
from ..people.accounts import zone_for
from .predicates import may_add_follow_up


def today_for(actor: Person, now: datetime | None = None) -> date:
    """The actor's own today, which due dates are held to."""
    return local_today(zone_for(actor), now)


def owner_choices() -> list[Person]:
    """Who may own a follow-up: active people placed in the organisation."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.active.is_(True), Person.org_unit_id.is_not(None))
            .order_by(func.lower(Person.display_name))
        )
    )


def _owner(owner_id: int | None) -> Person:
    person = db.session.get(Person, owner_id) if owner_id else None
    if person is None or not person.active or person.org_unit_id is None:
        raise Invalid({"owner_id": _("Choose an owner from the organisation.")})
    return person


def _due(due_date: date | None, today: date) -> date:
    if due_date is None:
        raise Invalid({"due_date": _("Enter a due date.")})
    if due_date < today:
        raise Invalid({"due_date": _("Choose today or a later day: a due date cannot be past.")})
    if due_date > today + timedelta(days=3 * 366):
        raise Invalid({"due_date": _("Choose a due date within three years.")})
    return due_date


def _action(text: str | None) -> str:
    return validation.text(text, "action", "action", required=True, label="The action")


def clean_closing_note(text: str | None) -> str:
    """What was done, as it is stored: stripped, required, within its limit."""
    return validation.text(
        text, "closing_note", "closing_note", required=True, label="What was done"
    )


def _visible():
    """Follow-ups joined to their walk, for the visibility conditions below."""
    return select(FollowUp).join(Walk, FollowUp.walk_id == Walk.id)


def _may_see(actor: Person):
    # The one rule (access) decides whose walks; an owner or maker also sees their own item,
    # even on a walk outside that rule, since it was handed to them.
    return or_(
        FollowUp.owner_id == actor.id,
        FollowUp.created_by_id == actor.id,
        access.visible_walks_clause(actor),
    )


def get_follow_up(actor: Person, follow_up_id: uuid_lib.UUID) -> FollowUp:
    item = db.session.scalar(
        _visible()
        .where(FollowUp.uuid == follow_up_id, _may_see(actor))
        .options(selectinload(FollowUp.observation), selectinload(FollowUp.owner))
    )
    if item is None:
        raise NotFound(_("No such follow-up."))
    return item


def may_close(actor: Person, item: FollowUp) -> bool:
    return actor.id in (item.owner_id, item.created_by_id, item.walk.manager_id)


def _same(item: FollowUp, actor: Person, walk: Walk, observation, action, owner, due) -> bool:
    return (
        item.created_by_id == actor.id
        and item.walk_id == walk.id
        and item.observation_id == (observation.id if observation else None)
        and item.action == action
        and item.owner_id == owner.id
        and item.due_date == due
    )


@rolls_back
def create_follow_up(
    actor: Person,
    walk_id: uuid_lib.UUID,
    *,
    action: str,
    owner_id: int | None,
    due_date: date | None,
    observation_id: uuid_lib.UUID | None = None,
    follow_up_id: uuid_lib.UUID | None = None,
    now: datetime | None = None,
) -> tuple[FollowUp, bool]:
    """A follow-up from one observation, or for the walk as a whole. The same id sent again
    with the same content adds nothing; with other content it is refused.
    Returns the follow-up and whether this call made it."""
    walk = access.get_visible_walk(actor, walk_id)
    if not may_add_follow_up(actor, walk):
        raise Invalid({"walk_id": _("Follow-ups come from what was seen: start the walk first.")})
    errors: dict[str, str] = {}
    checked: dict[str, Any] = {}  # each rule's answer: the text, the owner, the due date
    for name, rule in (
        ("action", lambda: _action(action)),
        ("owner", lambda: _owner(owner_id)),
        ("due", lambda: _due(due_date, today_for(actor, now))),
    ):
        try:
            checked[name] = rule()
        except Invalid as error:
            errors.update(error.errors)
    observation = None
    if observation_id is not None:
        observation = db.session.scalar(
            select(Observation).where(
                Observation.uuid == observation_id, Observation.walk_id == walk.id
            )
        )
        if observation is None:
            errors["observation_id"] = "That observation is not on this walk."
    if errors:
        raise Invalid(errors)
    text, owner, due = checked["action"], checked["owner"], checked["due"]
    if follow_up_id is not None:
        found = db.session.scalar(select(FollowUp).where(FollowUp.uuid == follow_up_id))
        if found is not None:
            if _same(found, actor, walk, observation, text, owner, due):
                return found, False
            raise Invalid({"": _("That follow-up id is already used for a different follow-up.")})
    item = FollowUp(
        uuid=follow_up_id or uuid_lib.uuid4(),
        walk_id=walk.id,
        observation_id=observation.id if observation else None,
        owner_id=owner.id,
        created_by_id=actor.id,
        action=text,
        due_date=due,
        status=FollowUpStatus.OPEN,
    )
    db.session.add(item)
    try:
        db.session.flush()
    except IntegrityError:  # the same id sent twice at once: the first stands
        db.session.rollback()
        found = db.session.scalar(select(FollowUp).where(FollowUp.uuid == item.uuid))
        if found is not None and _same(found, actor, walk, observation, text, owner, due):
            return found, False
        raise
    tell_owner(item, actor)
    db.session.commit()
    return item, True


def tell_owner(item: FollowUp, actor: Person) -> None:
    notify(
        item.owner_id,
        NotificationKind.FOLLOW_UP_ASSIGNED,
        f"assigned:{item.uuid}:{item.owner_id}",
        follow_up_link(item),
        actor_id=actor.id,
        actor=actor.display_name,
        due=item.due_date,
        said=item.action,
    )


def _compare_and_set(item: FollowUp, where, values: dict) -> bool:
    """Change the row only if it is still as the caller saw it: one statement, so two
    devices acting at once cannot both win on either database."""
    result = db.session.execute(
        update(FollowUp)
        .where(FollowUp.id == item.id, where)
        .values(version=FollowUp.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    changed = cast(CursorResult, result).rowcount  # an UPDATE answers with a cursor
    return changed == 1


def closing(actor: Person, note: str | None, now: datetime | None = None) -> dict:
    """What closing sets: the note on what was done, when, and by whom."""
    return {
        "status": FollowUpStatus.CLOSED,
        "closing_note": clean_closing_note(note),
        "closed_at": now or utcnow(),
        "closed_by_id": actor.id,
    }


@rolls_back
def close_follow_up(
    actor: Person,
    follow_up_id: uuid_lib.UUID,
    note: str,
    *,
    base_version: int | None = None,
    now: datetime | None = None,
) -> tuple[FollowUp, bool]:
    """Close with what was done. Closing twice with the same note (a second tap, a resend)
    changes nothing; a different close that lost the race is told what the winner wrote.
    Returns the follow-up and whether this call closed it."""
    item = get_follow_up(actor, follow_up_id)
    if not may_close(actor, item):
        raise Forbidden(_("Only the owner, or whoever made it, closes a follow-up."))
    values = closing(actor, note, now)
    text = values["closing_note"]
    condition = FollowUp.status == FollowUpStatus.OPEN
    if base_version is not None:
        condition = and_(condition, FollowUp.version == base_version)
    closed = _compare_and_set(item, condition, values)
    db.session.commit()
    db.session.refresh(item)
    if closed:
        return item, True
    if item.status == FollowUpStatus.CLOSED and item.closing_note == text:
        return item, False
    if item.status == FollowUpStatus.CLOSED:
        raise Conflict(
            _(
                "Already closed by %(name)s: %(note)s",
                name=item.closed_by.display_name,
                note=quote(item.closing_note),
            )
            if item.closed_by
            else _("Already closed by someone: %(note)s", note=quote(item.closing_note))
        )
    raise Conflict(_("The follow-up changed since; reload it and close it again."))


def checked_change(
    actor: Person,
    item: FollowUp,
    *,
    action: str | None,
    owner_id: int | None,
    due_date: date | None,
    now: datetime | None = None,
) -> tuple[str, Person, date]:
    """An open follow-up's new action, owner and due date, held to the rules (a due date left
    as it was may have passed since; a new one may not be past)."""
    if item.status != FollowUpStatus.OPEN:
        raise Invalid({"": _("A closed follow-up cannot be changed.")})
    text, owner = _action(action), _owner(owner_id)
    due = due_date if due_date == item.due_date else _due(due_date, today_for(actor, now))
    return text, owner, due
