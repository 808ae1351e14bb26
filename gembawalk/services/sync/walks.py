"""Walks sent by a device: created or brought to the status the device holds, by its UUID,
through the same steps as the pages (the protocol itself is in protocol.py)."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from ... import limits
from ...extensions import db
from ...models import Person, Walk, WalkKind, WalkStatus
from ...timeutil import local
from ..errors import Invalid
from ..people.accounts import timezone_name, zone_for
from ..walks import corrections
from ..walks import lifecycle as walks
from .protocol import (
    Outcome,
    device_put,
    differences,
    not_future,
    put_by_uuid,
    read_instant,
    read_integer,
    read_text,
    rule_broken,
)

PLAN_FIELDS = ("kind", "planned_start", "planned_minutes", "place", "purpose", "customer_ids")
# A done walk's record, and the answers to the questions it was asked.
RECORD_FIELDS = (*walks.RECORD_FIELDS, "answers")
# How the walk came to be (started without a plan, recorded after the fact): set when it is
# made, never changed.
FLAGS = ("unplanned", "recorded_after")
# What must agree for a body to be "the same walk" at each status; the rest means nothing there.
COMPARED = {
    WalkStatus.PLANNED: (*PLAN_FIELDS, *FLAGS),
    WalkStatus.IN_PROGRESS: (*PLAN_FIELDS, *FLAGS, "started_at"),
    WalkStatus.DONE: (*PLAN_FIELDS, *FLAGS, *RECORD_FIELDS),
    WalkStatus.CANCELLED: (*PLAN_FIELDS, *FLAGS),
}
# From each status, the steps that lead to another (the same rules as the pages).
PATHS = {
    (WalkStatus.PLANNED, WalkStatus.IN_PROGRESS): ("start",),
    (WalkStatus.PLANNED, WalkStatus.DONE): ("start", "complete"),
    (WalkStatus.PLANNED, WalkStatus.CANCELLED): ("cancel",),
    (WalkStatus.IN_PROGRESS, WalkStatus.DONE): ("complete",),
}


# --- reading a body -------------------------------------------------------------------------


def _ids(body: dict, name: str) -> list[int]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise Invalid({name: _("Send a list of customer ids.")})
    return sorted(set(value))


def _enum(enum_cls, body: dict, name: str, default=None):
    value = body.get(name, default)
    if value is None:
        return None
    try:
        return enum_cls(value)
    except ValueError as exc:
        choices = ", ".join(m.value for m in enum_cls)
        raise Invalid({name: _("Send one of: %(choices)s.", choices=choices)}) from exc


def _answers(body: dict) -> dict[str, str]:
    """The answers a device sends, by question id, as text: a yes/no may come as true or
    false, a number as a number; an empty answer is no answer. The walk's own questions hold
    them to their rules (services/questions/answers.py)."""
    value = body.get("answers")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid({"answers": _("Send the answers as an object of answers by question id.")})
    found: dict[str, str] = {}
    for key, given in value.items():
        if isinstance(given, bool):
            given = "yes" if given else "no"
        elif isinstance(given, int | float):
            given = str(given)
        elif given is None:
            continue
        elif not isinstance(given, str):
            raise Invalid({"answers": _("Send each answer as text, a number, true or false.")})
        if given.strip():
            found[str(key)] = given
    return found


def _flag(body: dict, name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise Invalid({name: _("Send true or false.")})
    return value


# What a device's walk body may carry, and how each field is read. The offline client sends
# exactly these: it is handed the list (pwa/vocabulary.py), it types none of them.
READERS: dict[str, Callable[[dict], Any]] = {
    "kind": lambda body: _enum(WalkKind, body, "kind"),
    "status": lambda body: _enum(WalkStatus, body, "status"),
    "planned_start": lambda body: read_instant(body, "planned_start"),
    "planned_minutes": lambda body: read_integer(body, "planned_minutes"),
    "timezone": lambda body: timezone_name(body.get("timezone")),
    "place": lambda body: read_text(body, "place"),
    "purpose": lambda body: read_text(body, "purpose"),
    "customer_ids": lambda body: _ids(body, "customer_ids"),
    "started_at": lambda body: read_instant(body, "started_at"),
    "completed_at": lambda body: read_instant(body, "completed_at"),
    "customers_spoken_to": lambda body: read_integer(body, "customers_spoken_to"),
    "frontline_met": lambda body: read_text(body, "frontline_met"),
    "summary": lambda body: read_text(body, "summary"),
    "answers": _answers,
    "unplanned": lambda body: _flag(body, "unplanned"),
    "recorded_after": lambda body: _flag(body, "recorded_after"),
}
WALK_FIELDS = tuple(READERS)


def wanted_walk(body: dict) -> dict[str, Any]:
    """The walk a body describes, in the model's own terms, for the fields the body names."""
    return {name: read(body) for name, read in READERS.items() if name in body}


def walk_state(walk: Walk) -> dict[str, Any]:
    return {
        "kind": walk.kind,
        "status": walk.status,
        "planned_start": walk.planned_start,
        "planned_minutes": walk.planned_minutes,
        "timezone": walk.timezone,
        "place": walk.place,
        "purpose": walk.purpose,
        "customer_ids": sorted(c.id for c in walk.customers),
        "started_at": walk.started_at,
        "completed_at": walk.completed_at,
        "customers_spoken_to": walk.customers_spoken_to,
        "frontline_met": walk.frontline_met,
        "summary": walk.summary,
        "answers": walk.answers,
        "unplanned": walk.unplanned,
        "recorded_after": walk.recorded_after,
    }


def _holds(walk: Walk, wanted: dict[str, Any]) -> bool:
    """Whether the server's walk already is what the body describes (a repeat, or an edit
    that landed before its answer was lost)."""
    state = walk_state(walk)
    status = wanted.get("status", state["status"])
    return status == state["status"] and not differences(state, wanted, COMPARED[status])


# --- moving a walk --------------------------------------------------------------------------


def _plan_for(walk: Walk, merged: dict[str, Any]) -> walks.WalkPlan:
    start = local(merged["planned_start"], walk.timezone)
    return walks.WalkPlan(
        kind=merged["kind"],
        day=start.date(),
        at=start.time(),
        place=merged["place"],
        purpose=merged["purpose"],
        planned_minutes=merged["planned_minutes"],
        customer_ids=merged["customer_ids"],
    )


def _record_for(walk: Walk, merged: dict[str, Any]) -> walks.WalkRecord:
    def wall(instant: datetime | None) -> datetime | None:
        return None if instant is None else local(instant, walk.timezone).replace(tzinfo=None)

    return walks.WalkRecord(
        started_at=wall(merged["started_at"]),
        completed_at=wall(merged["completed_at"]),
        customers_spoken_to=merged["customers_spoken_to"],
        customer_ids=merged["customer_ids"],
        frontline_met=merged["frontline_met"],
        summary=merged["summary"],
        answers=merged["answers"],
    )


def _move_walk(actor: Person, walk: Walk, wanted: dict[str, Any], now: datetime, new: bool):
    """Bring a walk to what the body describes, through the same steps as the pages."""
    state = walk_state(walk)
    merged = {**state, **wanted}
    target = merged["status"]
    if not new and differences(state, wanted, FLAGS):
        raise Invalid({"": _("Whether a walk was planned is set when it is made.")})
    # customer_ids are the customers to meet on a plan, and those met on a done walk.
    plan_names = PLAN_FIELDS if target != WalkStatus.DONE else PLAN_FIELDS[:-1]
    if new or differences(state, wanted, plan_names):
        if walk.status != WalkStatus.PLANNED:
            raise Invalid({"": _("Only a planned walk can be changed.")})
        walks.apply_plan(actor, walk, _plan_for(walk, merged), now, allow_past=True)
    if target == walk.status:
        changed = differences(walk_state(walk), wanted, COMPARED[target])
        if target == WalkStatus.DONE and changed:
            # What is left to differ on a done walk is its record: a correction, kept.
            corrections.revise_walk(actor, walk, _record_for(walk, merged), now)
        elif target != WalkStatus.PLANNED and changed:
            raise Invalid(
                {"": _("A walk that is %(status)s cannot be changed.", status=target.label.lower())}
            )
        return
    steps = PATHS.get((walk.status, target))
    if steps is None:
        raise Invalid(
            {
                "status": _(
                    "A walk that is %(status)s cannot become %(target)s.",
                    status=walk.status.label.lower(),
                    target=target.label.lower(),
                )
            }
        )
    for step in steps:
        if step == "start":
            walks.begin(walk, not_future(merged["started_at"] or now, now, "started_at"))
        elif step == "cancel":
            walks.call_off(walk, now)
        else:
            walks.finish(actor, walk, _record_for(walk, merged), now)


# --- create or update -----------------------------------------------------------------------


@rule_broken
@device_put
def put_walk(actor: Person, walk_id: uuid_lib.UUID, body: dict, now: datetime) -> Outcome:
    """Create or update a walk from a device's body (the OpenAPI document describes it)."""
    walks.require_manager(actor)
    wanted = wanted_walk(body)

    def change(walk: Walk) -> None:
        with db.session.no_autoflush:
            _move_walk(actor, walk, wanted, now, new=False)

    return put_by_uuid(
        actor,
        Walk,
        walk_id,
        body,
        what="walk",
        mine=lambda walk: walk.manager_id == actor.id,
        holds=lambda walk: _holds(walk, wanted),
        create=lambda: _create_walk(actor, walk_id, wanted, now),
        change=change,
    )


def _create_walk(actor: Person, walk_id: uuid_lib.UUID, wanted: dict, now: datetime) -> Outcome:
    for name, label in (("kind", "Send the kind of walk."), ("planned_start", "Send when.")):
        if wanted.get(name) is None:
            raise Invalid({name: label})
    walk = Walk(
        uuid=walk_id,
        manager_id=actor.id,
        timezone=wanted.get("timezone") or zone_for(actor),
        status=WalkStatus.PLANNED,
        planned_minutes=limits.WALK_MINUTES_DEFAULT,
        place="",
        purpose="",
        frontline_met="",
        summary="",
        version=1,
    )
    walk.customers = []
    # A walk entered from memory was never planned: it is done at once, and kept apart.
    walk.recorded_after = wanted.get("recorded_after", False)
    walk.unplanned = wanted.get("unplanned", walk.recorded_after)
    if walk.recorded_after and wanted.get("status") != WalkStatus.DONE:
        raise Invalid({"recorded_after": _("Only a done walk is recorded after the fact.")})
    with db.session.no_autoflush:
        _move_walk(actor, walk, {"status": WalkStatus.PLANNED, **wanted}, now, new=True)
    stored = walks.store_new_walk(actor, walk)
    if stored is walk:
        return Outcome(walk, created=True)
    if not _holds(stored, wanted):  # another request made this id first, with another body
        raise Invalid({"": _("This id already names a different walk; send a new id.")})
    return Outcome(stored)
