"""A unit's wall: "you said, we did" where the frontline is.

Each org unit has a private link (an unguessable token, made and revoked like a calendar
feed's) to a read-only page of the frontline ideas and pain points raised on walks in that unit
and below, with where each stands and the closing note of its follow-up. The page names nobody:
what it shows is built here from the observation's text, its day and its follow-ups' state and
notes, never from a person. On a done item a device answers "Fixed for us?" once; the unit's
leaders see the counts beside the follow-ups.
"""

from __future__ import annotations

import hmac
import re
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import limits
from ..extensions import db
from ..models import (
    Category,
    FixedForUs,
    FollowUp,
    FollowUpStatus,
    Observation,
    OrgUnit,
    Person,
    SaidBy,
    UnitWall,
    Walk,
    WallAnswer,
    WallState,
)
from ..timeutil import local, utcnow
from .access import led_unit_ids, sees_everyone
from .errors import Conflict, Invalid, NotFound, TooMany, rolls_back
from .limits_window import spent_window
from .people.org import subtree_ids, tree

# What secrets.token_urlsafe(32) makes: 43 URL-safe characters (256 bits), as calendar feeds.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
# A device's cookie: secrets.token_urlsafe(24), 32 characters.
DEVICE_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")


def new_device() -> str:
    return secrets.token_urlsafe(24)


def is_device(value: str | None) -> bool:
    return bool(value and DEVICE_SHAPE.fullmatch(value))


# --- who may hold a unit's link ---------------------------------------------------------------


def may_manage(actor: Person, unit_id: int) -> bool:
    """Whoever leads the unit (or a unit above it), or an admin."""
    return sees_everyone(actor) or unit_id in led_unit_ids(actor)


def managed_unit(actor: Person, unit_id: int) -> OrgUnit:
    """The unit, if the actor may hold its wall's link; NotFound otherwise, so an id tells
    nothing about what exists."""
    unit = db.session.get(OrgUnit, unit_id) if may_manage(actor, unit_id) else None
    if unit is None:
        raise NotFound(_("No such org unit."))
    return unit


def managed_units(actor: Person) -> list[tuple[OrgUnit, int]]:
    """The units whose walls the actor may hold, as (unit, depth) in tree order."""
    allowed = None if sees_everyone(actor) else led_unit_ids(actor)
    return [(row.unit, row.depth) for row in tree() if allowed is None or row.unit.id in allowed]


# --- the token --------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def wall_token(unit: OrgUnit) -> str:
    """The unit's wall token, made on first use. Two first looks at once agree on one token:
    the second insert meets the primary key and reads the first's."""
    found = db.session.get(UnitWall, unit.id)
    if found is None:
        try:
            with db.session.begin_nested():
                db.session.add(UnitWall(org_unit_id=unit.id, token=_new_token()))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        found = db.session.get(UnitWall, unit.id, populate_existing=True)
    assert found is not None  # ours, or the one the other request stored
    return found.token


@rolls_back
def regenerate(actor: Person, unit_id: int) -> str:
    """A new wall address for the unit; the old one answers 404 from now on."""
    unit = managed_unit(actor, unit_id)
    wall_token(unit)
    wall = db.session.get(UnitWall, unit.id)
    assert wall is not None
    wall.token, wall.made_at = _new_token(), utcnow()
    db.session.commit()
    return wall.token


def unit_for_token(token: str) -> OrgUnit:
    """Whose wall a token opens. Unknown, revoked or malformed: the same NotFound."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        raise NotFound(_("No such wall."))
    wall = db.session.scalar(select(UnitWall).where(UnitWall.token == token))
    if wall is None or not hmac.compare_digest(wall.token.encode(), token.encode()):
        raise NotFound(_("No such wall."))
    unit = db.session.get(OrgUnit, wall.org_unit_id)
    if unit is None:
        raise NotFound(_("No such wall."))
    return unit


# --- what the wall shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class WallItem:
    """One frontline idea or pain point as the wall shows it: no person in it, by design."""

    observation_id: int
    key: uuid.UUID
    text: str
    category: Category
    raised_on: date
    state: WallState
    closing_notes: tuple[str, ...]
    counts: dict[FixedForUs, int]

    @property
    def answerable(self) -> bool:
        return self.state == WallState.DONE


@dataclass(frozen=True)
class LeaderItem:
    """A wall item with the follow-ups behind it, for the unit's leaders."""

    item: WallItem
    follow_ups: tuple[FollowUp, ...]


def frontline_clause() -> ColumnElement[bool]:
    """Observations the frontline raised: a frontline idea (PRODUCT: "a pain point or idea
    raised by the people doing the work"), or anything the frontline said that is not praise."""
    return or_(
        Observation.category == Category.FRONTLINE_IDEA,
        and_(
            Observation.said_by == SaidBy.FRONTLINE,
            Observation.category != Category.GOOD_PRACTICE,
        ),
    )


def state_of(follow_ups: list[FollowUp] | tuple[FollowUp, ...]) -> WallState:
    """No follow-up yet: open; one still open: in hand; every one closed: done."""
    if not follow_ups:
        return WallState.OPEN
    if any(item.status == FollowUpStatus.OPEN for item in follow_ups):
        return WallState.IN_HAND
    return WallState.DONE


def _wall_query(unit: OrgUnit, now: datetime):
    since = now - timedelta(days=limits.WALL_DAYS)
    units = subtree_ids(unit.id)
    return (
        select(Observation)
        .join(Walk, Walk.id == Observation.walk_id)
        .join(Person, Person.id == Walk.manager_id)
        .where(Person.org_unit_id.in_(units), Observation.made_at >= since, frontline_clause())
        .options(selectinload(Observation.follow_ups), selectinload(Observation.walk))
    )


def answer_counts(observation_ids: list[int]) -> dict[int, dict[FixedForUs, int]]:
    counts: dict[int, dict[FixedForUs, int]] = defaultdict(lambda: dict.fromkeys(FixedForUs, 0))
    if observation_ids:
        rows = db.session.execute(
            select(WallAnswer.observation_id, WallAnswer.answer, func.count())
            .where(WallAnswer.observation_id.in_(observation_ids))
            .group_by(WallAnswer.observation_id, WallAnswer.answer)
        )
        for observation_id, answer, number in rows:
            counts[observation_id][answer] = number
    return counts


def _item(observation: Observation, counts: dict[FixedForUs, int]) -> WallItem:
    state = state_of(observation.follow_ups)
    notes = tuple(
        item.closing_note
        for item in observation.follow_ups
        if item.status == FollowUpStatus.CLOSED and item.closing_note
    )
    return WallItem(
        observation_id=observation.id,
        key=observation.uuid,
        text=observation.text,
        category=observation.category,
        raised_on=local(observation.made_at, observation.walk.timezone).date(),
        state=state,
        closing_notes=notes if state == WallState.DONE else (),
        counts=counts,
    )


def _observations(unit: OrgUnit, now: datetime | None) -> list[Observation]:
    query = _wall_query(unit, now or utcnow()).order_by(
        Observation.made_at.desc(), Observation.id.desc()
    )
    return list(db.session.scalars(query))


def wall_items(unit: OrgUnit, now: datetime | None = None) -> list[WallItem]:
    """The unit's wall, newest first."""
    found = _observations(unit, now)
    counts = answer_counts([o.id for o in found])
    return [_item(o, counts[o.id]) for o in found]


def leader_items(actor: Person, unit_id: int, now: datetime | None = None) -> list[LeaderItem]:
    """The wall as the unit's leaders see it: each item beside its follow-ups, with counts."""
    unit = managed_unit(actor, unit_id)
    found = _observations(unit, now)
    counts = answer_counts([o.id for o in found])
    return [LeaderItem(_item(o, counts[o.id]), tuple(o.follow_ups)) for o in found]


def device_answers(device: str | None, items: list[WallItem]) -> dict[uuid.UUID, FixedForUs]:
    """What this device already answered on the wall's items, by item key."""
    if not is_device(device) or not items:
        return {}
    keys = {item.observation_id: item.key for item in items}
    rows = db.session.execute(
        select(WallAnswer.observation_id, WallAnswer.answer).where(
            WallAnswer.device == device, WallAnswer.observation_id.in_(list(keys))
        )
    )
    return {keys[observation_id]: answer for observation_id, answer in rows}


# --- "Fixed for us?" --------------------------------------------------------------------------


def _over_limit(address: str, allowance: str, now: datetime) -> bool:
    spent = spent_window(allowance, WallAnswer.answered_at, WallAnswer.address == address, now)
    return spent is not None


@rolls_back
def answer(
    token: str,
    item_key: str,
    device: str,
    given: str,
    address: str | None,
    now: datetime | None = None,
    allowance: str = limits.WALL_ANSWER_LIMITS,
) -> WallAnswer:
    """Record one device's "Fixed for us?" on a done item of the wall the token opens."""
    now = now or utcnow()
    unit = unit_for_token(token)
    try:
        choice = FixedForUs(given)
    except ValueError:
        raise Invalid({"answer": _("Answer yes or not yet.")}) from None
    if not is_device(device):
        raise Invalid(_("This device has no answer cookie: open the wall again, then answer."))
    try:
        key = uuid.UUID(item_key)
    except (TypeError, ValueError):
        raise NotFound(_("No such item on this wall.")) from None
    observation = db.session.scalar(_wall_query(unit, now).where(Observation.uuid == key))
    if observation is None:
        raise NotFound(_("No such item on this wall."))
    if state_of(observation.follow_ups) != WallState.DONE:
        raise Conflict(_("Only what is done can be answered: this is not done yet."))
    address = (address or "")[:64] or None
    if address and _over_limit(address, allowance, now):
        raise TooMany(_("Too many answers from this network just now: try again later."))
    row = WallAnswer(
        observation_id=observation.id,
        device=device,
        answer=choice,
        address=address,
        answered_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise Conflict(_("This device has already answered this one.")) from None
    db.session.commit()
    return row
