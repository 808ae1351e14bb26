"""The walk loop: plan a walk, start it, complete it, find it again."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ... import limits
from ...extensions import db
from ...models import Person, Role, Walk, WalkKind, WalkStatus
from ...timeutil import NonexistentLocalTime, local, local_today, to_utc, utcnow
from .. import customers as customer_register
from .. import validation
from ..errors import Conflict, Forbidden, Invalid, NotFound, rolls_back
from ..people.accounts import zone_for
from ..questions import answers as walk_answers
from .client_ids import existing_row, insert_once

# A device clock a little ahead of the server's is not an impossible completion time.
CLOCK_SKEW = timedelta(minutes=5)
MAX_CUSTOMERS_SPOKEN_TO = limits.CUSTOMERS_SPOKEN_TO_MAX


@dataclass
class WalkPlan:
    """What a manager says when planning (or re-planning) a walk."""

    kind: str
    day: date | None
    at: time | None
    place: str = ""
    purpose: str = ""
    planned_minutes: int | None = limits.WALK_MINUTES_DEFAULT
    customer_ids: list[int] = field(default_factory=list)
    new_customer_name: str = ""
    new_customer_kind: str = "external"


@dataclass
class WalkRecord:
    """What a manager says when completing a walk: who was met, when, and how it went."""

    started_at: datetime | None  # naive local wall times, read in the walk's zone
    completed_at: datetime | None
    customers_spoken_to: int | None
    customer_ids: list[int] = field(default_factory=list)
    frontline_met: str = ""
    summary: str = ""
    # The answers to the walk's standard questions ({question id: answer}); None when not
    # sent, which a correction reads as "leave them as they are" (services/questions/).
    answers: object = None


# What a record of a walk is made of, in the order the form and the API name them; the
# answers, drawn from the walk's own questions, are read apart (services/questions/answers.py).
RECORD_FIELDS = tuple(item.name for item in fields(WalkRecord) if item.name != "answers")


def require_manager(actor: Person) -> None:
    """Refuse anyone who is not a manager: only managers plan and record walks."""
    if not actor.has_role(Role.MANAGER):
        raise Forbidden(_("Only managers record walks."))


def _instant(day: date | None, at: time | None, zone: str, day_field: str, time_field: str):
    if day is None:
        raise Invalid({day_field: _("Enter a date.")})
    if at is None:
        raise Invalid({time_field: _("Enter a time.")})
    validation.day(day, day_field)
    try:
        return to_utc(day, at, zone)
    except NonexistentLocalTime as exc:
        raise Invalid({time_field: _("%(problem)s. Choose another time.", problem=exc)}) from exc


def _local_instant(value: datetime | None, zone: str, field_name: str, missing: str) -> datetime:
    if value is None:
        raise Invalid({field_name: missing})
    return _instant(value.date(), value.time(), zone, field_name, field_name)


def get_own_walk(actor: Person, walk_id: uuid_lib.UUID) -> Walk:
    """A manager's own walk; anyone else's answers as if it did not exist."""
    walk = db.session.scalar(select(Walk).where(Walk.uuid == walk_id))
    if walk is None or walk.manager_id != actor.id:
        raise NotFound(_("No such walk."))
    return walk


def _managed_by(actor: Person) -> Callable[[Walk], bool]:
    """Whether a walk found under a client's id is this manager's, theirs to send again."""
    return lambda found: found.manager_id == actor.id


def walk_to_plan(actor: Person, walk_id: uuid_lib.UUID | None) -> tuple[Walk, bool]:
    """The walk a plan makes, and whether it is new: a new planned walk in the manager's zone,
    not yet stored, or, for a plan sent again under the same id, the walk it already made."""
    require_manager(actor)
    existing = existing_row(Walk, walk_id, _managed_by(actor))
    if existing is not None:
        return existing, False
    walk = Walk(
        uuid=walk_id or uuid_lib.uuid4(),
        manager_id=actor.id,
        timezone=zone_for(actor),
        status=WalkStatus.PLANNED,
    )
    return walk, True


def store_new_walk(actor: Person, walk: Walk) -> Walk:
    """Store a walk the manager just made, once (see client_ids.insert_once)."""
    return insert_once(walk, _managed_by(actor))


def apply_plan(
    actor: Person, walk: Walk, plan: WalkPlan, now: datetime, allow_past: bool = False
) -> None:
    """Set a walk's plan from what the manager said, holding each field to its rule and
    refusing with every field's message at once; the caller stores it. A device sending a
    walk planned while offline may name a past day (`allow_past`); a page may not."""
    zone = walk.timezone or zone_for(actor)
    walk.timezone = zone
    checks = validation.Checks()
    kind = checks.run(
        lambda: validation.choice(
            WalkKind, plan.kind, "kind", _("Choose a customer visit or a gemba walk.")
        )
    )
    start = checks.run(lambda: _instant(plan.day, plan.at, zone, "day", "at"))
    if not allow_past and plan.day is not None and plan.day < local_today(zone, now):
        checks.refuse("day", _("Choose today or a later day."))
    # One of the lengths the forms offer; a walk planned under the older, wider rule keeps
    # its length when something else about it changes.
    if plan.planned_minutes not in limits.WALK_MINUTES and (
        plan.planned_minutes is None or plan.planned_minutes != walk.planned_minutes
    ):
        choices = ", ".join(str(m) for m in limits.WALK_MINUTES)
        checks.refuse("planned_minutes", _("Plan one of %(choices)s minutes.", choices=choices))
    place = checks.run(lambda: validation.text(plan.place, "place", "place", label="Place"))
    purpose = checks.run(
        lambda: validation.text(plan.purpose, "purpose", "purpose", label="Purpose")
    )
    chosen = checks.run(lambda: customer_register.resolve_choice(actor, plan.customer_ids))
    if (plan.new_customer_name or "").strip():
        added = checks.run(
            lambda: customer_register.add_on_the_spot(
                actor, name=plan.new_customer_name, kind=plan.new_customer_kind
            )
        )
        if added is not None and chosen is not None:
            chosen = [*chosen, added]
    checks.raise_any()
    passed = validation.passed
    walk.kind, walk.planned_start = passed(kind), passed(start)
    walk.planned_minutes = passed(plan.planned_minutes)
    walk.place, walk.purpose, walk.customers = passed(place), passed(purpose), passed(chosen)


def check_plan(actor: Person, plan: WalkPlan, now: datetime | None = None) -> None:
    """Refuse with every message a plan would meet, storing nothing: for a form whose own
    field checks refused something, so the rules across fields show beside them."""
    require_manager(actor)
    try:
        with db.session.no_autoflush:
            apply_plan(actor, Walk(timezone=zone_for(actor)), plan, now or utcnow())
    finally:
        db.session.rollback()  # a customer added on the spot is not kept


@rolls_back
def plan_walk(
    actor: Person,
    plan: WalkPlan,
    *,
    walk_id: uuid_lib.UUID | None = None,
    start_now: bool = False,
    now: datetime | None = None,
) -> Walk:
    """Plan a walk, or start one now without a plan: then its planned start is its start (no
    invented time) and it is marked unplanned, so on time and plan adherence leave it out.
    Sending the same walk id twice plans once."""
    now = now or utcnow()
    walk, new = walk_to_plan(actor, walk_id)
    if not new:
        return walk  # a repeated submit: the walk is already planned
    if start_now:
        here = local(now, walk.timezone)
        plan = replace(plan, day=here.date(), at=here.time())
    with db.session.no_autoflush:
        apply_plan(actor, walk, plan, now)
    if start_now:
        walk.planned_start, walk.unplanned = now, True
        begin(walk, now)
    return store_new_walk(actor, walk)


@rolls_back
def update_walk(
    actor: Person, walk_id: uuid_lib.UUID, plan: WalkPlan, now: datetime | None = None
) -> Walk:
    walk = get_own_walk(actor, walk_id)
    if walk.status != WalkStatus.PLANNED:
        raise Conflict(_("Only a planned walk can be changed."))
    with db.session.no_autoflush:
        apply_plan(actor, walk, plan, now or utcnow())
    walk.version += 1
    db.session.commit()
    return walk


@rolls_back
def cancel_walk(actor: Person, walk_id: uuid_lib.UUID, now: datetime | None = None) -> Walk:
    walk = get_own_walk(actor, walk_id)
    if walk.status == WalkStatus.CANCELLED:
        return walk
    call_off(walk, now or utcnow())
    walk.version += 1
    db.session.commit()
    return walk


def call_off(walk: Walk, at: datetime) -> None:
    if walk.status != WalkStatus.PLANNED:
        raise Conflict(_("Only a planned walk can be cancelled."))
    walk.status, walk.cancelled_at = WalkStatus.CANCELLED, at


@rolls_back
def start_walk(actor: Person, walk_id: uuid_lib.UUID, now: datetime | None = None) -> Walk:
    walk = get_own_walk(actor, walk_id)
    if walk.status == WalkStatus.IN_PROGRESS:
        return walk  # a second tap on "Start" changes nothing
    begin(walk, now or utcnow())
    walk.version += 1
    db.session.commit()
    return walk


def begin(walk: Walk, at: datetime) -> None:
    """Start a planned walk at a moment (the page says now; a synced device says when)."""
    if walk.status != WalkStatus.PLANNED:
        raise Conflict(
            _("This walk is %(status)s; it cannot be started.", status=walk.status.label.lower())
        )
    walk.status, walk.started_at = WalkStatus.IN_PROGRESS, at
    walk_answers.keep(walk)  # the questions it is asked, kept from now on


def has_started(walk: Walk) -> bool:
    """Under way or done: what was seen on it can be noted, and acted on."""
    return walk.status in (WalkStatus.IN_PROGRESS, WalkStatus.DONE)


@rolls_back
def complete_walk(
    actor: Person, walk_id: uuid_lib.UUID, record: WalkRecord, now: datetime | None = None
) -> Walk:
    walk = get_own_walk(actor, walk_id)
    if walk.status == WalkStatus.DONE:
        return walk
    finish(actor, walk, record, now or utcnow())
    walk.version += 1
    db.session.commit()
    return walk


def check_record(actor: Person, walk: Walk, record: WalkRecord, now: datetime | None = None):
    """Refuse with every message completing the walk would meet, changing nothing: for a form
    whose own field checks refused something, so the rules across fields show beside them."""
    checks = validation.Checks()
    read_record(actor, walk.timezone, record, now or utcnow(), checks)
    walk_answers.read(walk_answers.asked(walk), record.answers, checks)
    checks.raise_any()


def finish(actor: Person, walk: Walk, record: WalkRecord, now: datetime) -> None:
    """Record how a walk in progress went and mark it done; the caller commits."""
    if walk.status != WalkStatus.IN_PROGRESS:
        raise Conflict(_("Start the walk before completing it."))
    walk_answers.keep(walk)  # a walk started before questions were kept: asked them now
    checks = validation.Checks()
    values = read_record(actor, walk.timezone, record, now, checks)
    answers = walk_answers.read(walk.questions, record.answers, checks)
    checks.raise_any()
    for name, value in values.items():
        setattr(walk, name, value)
    walk_answers.store(walk, answers)
    walk.status = WalkStatus.DONE


def read_record(
    actor: Person, zone: str, record: WalkRecord, now: datetime, checks: validation.Checks
) -> dict:
    """A walk's record as the model holds it, each field held to its rule and the times to
    each other; every refusal goes to `checks`, so a form shows them all at once."""
    started = checks.run(
        lambda: _local_instant(
            record.started_at, zone, "started_at", _("Enter when the walk started.")
        )
    )
    completed = checks.run(
        lambda: _local_instant(
            record.completed_at, zone, "completed_at", _("Enter when the walk finished.")
        )
    )
    if started and completed and completed < started:
        checks.refuse("completed_at", _("A walk cannot finish before it started."))
    if completed and completed > now + CLOCK_SKEW:
        checks.refuse("completed_at", _("That time has not come yet."))
    with db.session.no_autoflush:
        customers = checks.run(lambda: customer_register.resolve_choice(actor, record.customer_ids))
    return {
        "started_at": started,
        "completed_at": completed,
        "customers_spoken_to": checks.run(
            lambda: validation.count(
                record.customers_spoken_to,
                "customers_spoken_to",
                maximum=MAX_CUSTOMERS_SPOKEN_TO,
                label="Customers spoken to",
            )
        ),
        "customers": customers,
        "frontline_met": checks.run(
            lambda: validation.text(
                record.frontline_met, "frontline_met", "frontline_met", label="Frontline people met"
            )
        ),
        "summary": checks.run(
            lambda: validation.text(record.summary, "summary", "summary", label="The summary")
        ),
    }
