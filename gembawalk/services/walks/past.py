"""A walk that already happened, entered afterwards from memory: done at once, and kept
apart from walks recorded as they happened so that a coach can see which is which."""

from __future__ import annotations

import json
import uuid as uuid_lib
from datetime import datetime

from flask_babel import gettext as _

from ...extensions import db
from ...models import Person, Walk, WalkKind, WalkStatus
from ...timeutil import utcnow
from .. import validation
from ..errors import rolls_back
from ..people.accounts import zone_for
from ..questions import answers as walk_answers
from . import lifecycle as walks
from .lifecycle import WalkRecord, store_new_walk, walk_to_plan


@rolls_back
def record_past_walk(
    actor: Person,
    *,
    kind: str,
    place: str,
    record: WalkRecord,
    walk_id: uuid_lib.UUID | None = None,
    now: datetime | None = None,
) -> Walk:
    """Store a done walk after the fact: started and finished no later than now, finish after
    start, refused with every message at once. It was never planned, so its planned start is
    its start and on time and plan adherence leave it out; as a done walk it counts like any
    other. Sending the same walk id twice records it once."""
    now = now or utcnow()
    walk, new = walk_to_plan(actor, walk_id)
    if not new:
        return walk
    values = _read(actor, walk.timezone, kind, place, record, now)
    answers = values.pop("answers")
    walk.questions_json = json.dumps(values.pop("questions"))
    walk_answers.store(walk, answers)
    started, completed = values["started_at"], values["completed_at"]
    with db.session.no_autoflush:
        walk.planned_start = started
        walk.planned_minutes = max(1, round((completed - started).total_seconds() / 60))
        for name, value in values.items():
            setattr(walk, name, value)
        walk.status = WalkStatus.DONE
        walk.unplanned = walk.recorded_after = True
    return store_new_walk(actor, walk)


def check_past_walk(actor: Person, *, kind: str, place: str, record: WalkRecord) -> None:
    """Refuse with every message recording this walk would meet, storing nothing: for a form
    whose own field checks refused something, so the rules across fields show beside them."""
    walks.require_manager(actor)
    _read(actor, zone_for(actor), kind, place, record, utcnow())


def _read(actor: Person, zone: str, kind: str, place: str, record: WalkRecord, now: datetime):
    """The walk's kind, place and record as the model holds them, or every refusal at once."""
    checks = validation.Checks()
    values = {
        "kind": checks.run(
            lambda: validation.choice(
                WalkKind, kind, "kind", _("Choose a customer visit or a gemba walk.")
            )
        ),
        "place": checks.run(lambda: validation.text(place, "place", "place", label="Place")),
        **walks.read_record(actor, zone, record, now, checks),
    }
    for name in ("started_at", "completed_at"):
        if values[name] is not None and values[name] > now:
            checks.refuse(name, _("Enter a time no later than now."))
    # The questions a walk of this kind is asked now: it keeps them with its answers.
    questions = walk_answers.current(actor.id, values["kind"]) if values["kind"] else []
    values["questions"] = questions
    values["answers"] = walk_answers.read(questions, record.answers, checks)
    checks.raise_any()
    return values
