"""Follow-ups: actions that come out of what was seen, each with an owner, a due date and,
once done, what was done ("you said, we did")."""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    FollowUp,
    FollowUpStatus,
    NotificationKind,
    Observation,
    OrgUnit,
    Person,
    Role,
    Walk,
    WalkStatus,
)
from ..timeutil import day_start_utc, local_today, utcnow
from . import access, org, validation
from .errors import Conflict, Forbidden, Invalid, NotFound, rolls_back
from .notifications import follow_up_link, notify, quote
from .people import zone_for

LISTS = ("open", "overdue", "closed")
RATE_PERIOD = timedelta(weeks=13)


@dataclass
class MyFollowUps:
    today: date
    show: str
    items: list[FollowUp]
    counts: dict[str, int]


@dataclass
class UnitRate:
    """Follow-ups from the walks of one unit's managers, and how many were closed."""

    unit: OrgUnit
    depth: int
    total: int
    closed: int
    open: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.closed / self.total if self.total else None


@dataclass
class WalkFollowUps:
    """A walk's follow-ups: per observation (where "you said, we did" shows) and on the walk."""

    by_observation: dict[int, list[FollowUp]]
    on_walk: list[FollowUp]

    def on(self, observation: Observation) -> list[FollowUp]:
        return self.by_observation.get(observation.id, [])


def for_walk(walk: Walk) -> WalkFollowUps:
    """Every follow-up of a walk the reader may already see, in one query."""
    items = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.walk_id == walk.id)
        .options(selectinload(FollowUp.owner), selectinload(FollowUp.closed_by))
        .order_by(FollowUp.created_at, FollowUp.id)
    ).all()
    found = WalkFollowUps(by_observation={}, on_walk=[])
    for item in items:
        if item.observation_id is None:
            found.on_walk.append(item)
        else:
            found.by_observation.setdefault(item.observation_id, []).append(item)
    return found


def today_for(actor: Person, now: datetime | None = None) -> date:
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
        raise Invalid({"owner_id": "Choose an owner from the organisation."})
    return person


def _due(due_date: date | None, today: date) -> date:
    if due_date is None:
        raise Invalid({"due_date": "Enter a due date."})
    if due_date < today:
        raise Invalid({"due_date": "Choose today or a later day: a due date cannot be past."})
    if due_date > today + timedelta(days=3 * 366):
        raise Invalid({"due_date": "Choose a due date within three years."})
    return due_date


def _action(text: str | None) -> str:
    return validation.text(text, "action", "action", required=True, label="The action")


def _note(text: str | None) -> str:
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
        raise NotFound("No such follow-up.")
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
    if walk.status not in (WalkStatus.IN_PROGRESS, WalkStatus.DONE):
        raise Invalid({"walk_id": "Follow-ups come from what was seen: start the walk first."})
    errors: dict[str, str] = {}
    checked = {}
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
            raise Invalid({"": "That follow-up id is already used for a different follow-up."})
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
    _tell_owner(item, actor)
    db.session.commit()
    return item, True


def _tell_owner(item: FollowUp, actor: Person) -> None:
    notify(
        item.owner_id,
        NotificationKind.FOLLOW_UP_ASSIGNED,
        f"assigned:{item.uuid}:{item.owner_id}",
        f"{actor.display_name} gave you a follow-up, due {item.due_date:%-d %b}: "
        f"{quote(item.action)}",
        follow_up_link(item),
        actor_id=actor.id,
    )


def _compare_and_set(item: FollowUp, where, values: dict) -> bool:
    """Change the row only if it is still as the caller saw it: one statement, so two
    devices acting at once cannot both win on either database."""
    changed = db.session.execute(
        update(FollowUp)
        .where(FollowUp.id == item.id, where)
        .values(version=FollowUp.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


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
        raise Forbidden("Only the owner, or whoever made it, closes a follow-up.")
    text = _note(note)
    condition = FollowUp.status == FollowUpStatus.OPEN
    if base_version is not None:
        condition = and_(condition, FollowUp.version == base_version)
    closed = _compare_and_set(
        item,
        condition,
        {
            "status": FollowUpStatus.CLOSED,
            "closing_note": text,
            "closed_at": now or utcnow(),
            "closed_by_id": actor.id,
        },
    )
    db.session.commit()
    db.session.refresh(item)
    if closed:
        return item, True
    if item.status == FollowUpStatus.CLOSED and item.closing_note == text:
        return item, False
    if item.status == FollowUpStatus.CLOSED:
        raise Conflict(
            f"Already closed by {item.closed_by.display_name if item.closed_by else 'someone'}: "
            f"{quote(item.closing_note)}"
        )
    raise Conflict("The follow-up changed since; reload it and close it again.")


@rolls_back
def update_follow_up(
    actor: Person,
    follow_up_id: uuid_lib.UUID,
    *,
    action: str,
    owner_id: int | None,
    due_date: date | None,
    base_version: int | None,
    now: datetime | None = None,
) -> FollowUp:
    """Change an open follow-up's action, owner or due date, from the version it was read at."""
    item = get_follow_up(actor, follow_up_id)
    if not may_close(actor, item):
        raise Forbidden("Only the owner, or whoever made it, changes a follow-up.")
    text, owner = _action(action), _owner(owner_id)
    due = due_date if due_date == item.due_date else _due(due_date, today_for(actor, now))
    if (text, owner.id, due) == (item.action, item.owner_id, item.due_date):
        return item
    if base_version is None:
        raise Invalid({"base_version": "Say which version this edit was made from."})
    if item.status != FollowUpStatus.OPEN:
        raise Conflict("A closed follow-up cannot be changed.")
    if not _compare_and_set(
        item,
        and_(FollowUp.version == base_version, FollowUp.status == FollowUpStatus.OPEN),
        {"action": text, "owner_id": owner.id, "due_date": due},
    ):
        raise Conflict("The follow-up changed since this edit was made.")
    db.session.flush()
    db.session.refresh(item)
    if item.owner_id != actor.id:
        _tell_owner(item, actor)
    db.session.commit()
    return item


def _which(today: date):
    return case(
        (FollowUp.status == FollowUpStatus.CLOSED, "closed"),
        (FollowUp.due_date < today, "overdue"),
        else_="open",
    )


def my_follow_ups(
    actor: Person, show: str = "open", now: datetime | None = None, limit: int = 200
) -> MyFollowUps:
    """The follow-ups the actor owns: open (overdue ones included, first), overdue, closed."""
    today = today_for(actor, now)
    show = show if show in LISTS else "open"
    which = _which(today)
    found = dict(
        db.session.execute(
            select(which, func.count()).where(FollowUp.owner_id == actor.id).group_by(which)
        ).all()
    )
    counts = {
        "open": found.get("open", 0) + found.get("overdue", 0),
        "overdue": found.get("overdue", 0),
        "closed": found.get("closed", 0),
    }
    lists = {
        "open": (FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date.asc()),
        "overdue": (
            and_(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date < today),
            FollowUp.due_date.asc(),
        ),
        "closed": (FollowUp.status == FollowUpStatus.CLOSED, FollowUp.closed_at.desc()),
    }
    where, order = lists[show]
    items = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.owner_id == actor.id, where)
        .options(
            selectinload(FollowUp.walk).selectinload(Walk.manager),
            selectinload(FollowUp.observation),
            selectinload(FollowUp.created_by),
        )
        .order_by(order, FollowUp.id)
        .limit(limit)
    ).all()
    return MyFollowUps(today=today, show=show, items=list(items), counts=counts)


def open_counts(person: Person, now: datetime | None = None) -> dict[str, int]:
    """Open and overdue follow-ups the person owns (for the digest and badges)."""
    mine = my_follow_ups(person, "overdue", now, limit=50)
    return {"open": mine.counts["open"], "overdue": mine.counts["overdue"]}


def closure_rates(actor: Person, now: datetime | None = None) -> tuple[list[UnitRate], date]:
    """For a director, each unit they lead and those below it: the follow-ups made over the
    last 13 weeks on walks of that unit's managers, and how many are closed. An admin sees
    every unit. Returns the rows (tree order) and the first day of the period."""
    if not (actor.has_role(Role.DIRECTOR) or actor.has_role(Role.ADMIN)):
        raise Forbidden("Closure rates are for directors.")
    today = today_for(actor, now)
    since = today - RATE_PERIOD
    rows = org.tree()
    if not actor.has_role(Role.ADMIN):
        led = access.led_unit_ids(actor)
        rows = [row for row in rows if row.unit.id in led]
    unit_ids = [row.unit.id for row in rows]
    which = _which(today)
    tallies: dict[int, dict[str, int]] = {}
    if unit_ids:
        for unit_id, kind, n in db.session.execute(
            select(Person.org_unit_id, which, func.count())
            .select_from(FollowUp)
            .join(Walk, FollowUp.walk_id == Walk.id)
            .join(Person, Walk.manager_id == Person.id)
            .where(Person.org_unit_id.in_(unit_ids), FollowUp.created_at >= _start(since, actor))
            .group_by(Person.org_unit_id, which)
        ).all():
            tallies.setdefault(unit_id, {})[kind] = n
    result = []
    for row in rows:
        tally = tallies.get(row.unit.id, {})
        closed, overdue = tally.get("closed", 0), tally.get("overdue", 0)
        still_open = tally.get("open", 0) + overdue
        result.append(
            UnitRate(
                unit=row.unit,
                depth=row.depth,
                total=closed + still_open,
                closed=closed,
                open=still_open,
                overdue=overdue,
            )
        )
    return result, since


def _start(day: date, actor: Person) -> datetime:
    return day_start_utc(day, zone_for(actor))


@rolls_back
def put_follow_up(
    actor: Person,
    follow_up_id: uuid_lib.UUID,
    *,
    walk_id: uuid_lib.UUID | None = None,
    observation_id: uuid_lib.UUID | None = None,
    action: str | None = None,
    owner_id: int | None = None,
    due_date: date | None = None,
    status: str | None = None,
    closing_note: str | None = None,
    base_version: int | None = None,
    now: datetime | None = None,
) -> tuple[FollowUp, bool]:
    """The API's create-or-edit by the device's id. A create (no base_version) sent again is a
    repeat; an edit names the version it was made from; status "closed" with a closing note
    closes it ("you said, we did"). Returns the follow-up and whether this call created it."""
    if status not in (None, "open", "closed"):
        raise Invalid({"status": "Send open or closed."})
    existing = db.session.scalar(select(FollowUp).where(FollowUp.uuid == follow_up_id))
    if existing is None and base_version is not None:
        raise NotFound("No such follow-up.")
    if existing is None or base_version is None:
        if walk_id is None:
            raise Invalid({"walk_id": "Name the walk the follow-up comes from."})
        item, created = create_follow_up(
            actor,
            walk_id,
            action=action or "",
            owner_id=owner_id,
            due_date=due_date,
            observation_id=observation_id,
            follow_up_id=follow_up_id,
            now=now,
        )
        if created and status == "closed":  # made and done while offline
            item, _ = close_follow_up(actor, item.uuid, closing_note or "", now=now)
        return item, created
    item = get_follow_up(actor, follow_up_id)
    if status == "closed":
        if item.status == FollowUpStatus.CLOSED and item.closing_note == _note(closing_note):
            return item, False  # the retry of a close that already landed
        return close_follow_up(
            actor, follow_up_id, closing_note or "", base_version=base_version, now=now
        )[0], False
    return update_follow_up(
        actor,
        follow_up_id,
        action=action if action is not None else item.action,
        owner_id=owner_id if owner_id is not None else item.owner_id,
        due_date=due_date if due_date is not None else item.due_date,
        base_version=base_version,
        now=now,
    ), False
