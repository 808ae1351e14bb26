"""A unit's standard questions: kept per org unit and kind of walk, inherited by the units
below, edited by whoever leads the unit (or an admin: the same rule as demand types), ordered,
retired rather than deleted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ... import limits
from ...extensions import db
from ...models import AnswerType, OrgUnit, Person, UnitQuestion, WalkKind
from .. import ordering, validation
from ..demand.types import may_edit
from ..errors import Forbidden, Invalid, NotFound, rolls_back
from ..people.org import lineage_ids

# Who may edit a unit's questions is who may edit its demand types (demand.types.may_edit):
# whoever leads the unit, or an admin; the pages ask rules.may_edit.


def _unit_to_edit(actor: Person, unit_id: int) -> OrgUnit:
    """The unit, to edit; a unit the actor cannot see is not found, one they see but do not
    lead is forbidden (as for demand types)."""
    unit = db.session.get(OrgUnit, unit_id)
    sees = actor.org_unit_id is not None and unit_id in lineage_ids(actor.org_unit_id)
    if unit is None or not (may_edit(actor, unit_id) or sees):
        raise NotFound(_("No such org unit."))
    if not may_edit(actor, unit_id):
        raise Forbidden(_("Only whoever leads this unit, or an admin, edits its questions."))
    return unit


def for_walk(unit_id: int | None, kind: WalkKind) -> list[UnitQuestion]:
    """The questions a walk of `kind` in the unit is asked: those of every unit above it and
    its own, the highest unit's first, each unit's in its order; none retired."""
    if unit_id is None:
        return []
    chain = lineage_ids(unit_id)
    depth = {uid: n for n, uid in enumerate(reversed(chain))}
    found = db.session.scalars(
        select(UnitQuestion).where(
            UnitQuestion.org_unit_id.in_(chain),
            UnitQuestion.walk_kind == kind,
            UnitQuestion.retired_at.is_(None),
        )
    ).all()
    return sorted(found, key=lambda q: (depth[q.org_unit_id], q.position, q.id))


def for_person(actor: Person) -> dict[str, list[dict]]:
    """The questions the actor's walks are asked now, by kind (GET /api/v1/questions): what a
    walk started on a device without signal shows."""
    return {kind.value: [q.asked() for q in for_walk(actor.org_unit_id, kind)] for kind in WalkKind}


def own_questions(actor: Person, unit_id: int) -> tuple[OrgUnit, list[UnitQuestion]]:
    """A unit's own questions, each kind's in order, retired ones last, for the editing page."""
    unit = _unit_to_edit(actor, unit_id)
    found = db.session.scalars(
        select(UnitQuestion)
        .where(UnitQuestion.org_unit_id == unit.id)
        .order_by(UnitQuestion.retired_at.is_not(None), UnitQuestion.position, UnitQuestion.id)
    ).all()
    return unit, list(found)


@dataclass
class NewQuestion:
    """What the editing page's Add form says."""

    walk_kind: str | None
    text: str | None
    answer_type: str | None
    choices: str | None = ""  # one per line
    required: bool = False


def _choices(answer_type: AnswerType | None, given: str | None) -> list[str]:
    lines = [line.strip() for line in (given or "").splitlines() if line.strip()]
    if answer_type != AnswerType.CHOICE:
        return []
    low, high = limits.QUESTION_CHOICES_MIN, limits.QUESTION_CHOICES_MAX
    if not low <= len(lines) <= high:
        raise Invalid(
            {
                "choices": _(
                    "Give from %(low)d to %(high)d choices, one per line.", low=low, high=high
                )
            }
        )
    most = limits.TEXT["question_choice"]
    if any(len(line) > most for line in lines):
        raise Invalid({"choices": _("Each choice can be at most %(most)d characters.", most=most)})
    if len({line.lower() for line in lines}) != len(lines):
        raise Invalid({"choices": _("Give each choice once.")})
    if any("\x00" in line for line in lines):
        raise Invalid({"choices": _("A choice contains a character that cannot be stored.")})
    return lines


def check_question(actor: Person, unit_id: int, new: NewQuestion) -> dict:
    """The question as the model holds it, or every refusal at once (nothing stored)."""
    _unit_to_edit(actor, unit_id)
    checks = validation.Checks()
    kind = checks.run(
        lambda: validation.choice(
            WalkKind, new.walk_kind, "walk_kind", _("Choose a customer visit or a gemba walk.")
        )
    )
    text = checks.run(
        lambda: validation.text(new.text, "text", "question", required=True, label="The question")
    )
    answer_type = checks.run(
        lambda: validation.choice(
            AnswerType, new.answer_type, "answer_type", _("Choose an answer type.")
        )
    )
    choices = checks.run(lambda: _choices(answer_type, new.choices))
    if kind is not None:
        in_use = [
            q for q in own_questions(actor, unit_id)[1] if q.walk_kind == kind and not q.retired
        ]
        if len(in_use) >= limits.QUESTIONS_PER_KIND:
            checks.refuse(
                "walk_kind",
                _(
                    "A unit asks at most %(most)d questions on one kind of walk (%(kind)s): "
                    "retire one first.",
                    most=limits.QUESTIONS_PER_KIND,
                    kind=kind.label,
                ),
            )
    checks.raise_any()
    return {
        "walk_kind": kind,
        "text": text,
        "answer_type": answer_type,
        "choices_json": json.dumps(choices),
        "required": bool(new.required),
    }


@rolls_back
def add_question(actor: Person, unit_id: int, new: NewQuestion) -> UnitQuestion:
    values = check_question(actor, unit_id, new)
    siblings = _siblings(unit_id, values["walk_kind"])
    position = max((q.position for q in siblings), default=-1) + 1
    question = UnitQuestion(org_unit_id=unit_id, position=position, **values)
    db.session.add(question)
    db.session.commit()
    return question


def _siblings(unit_id: int, kind: WalkKind) -> list[UnitQuestion]:
    return list(
        db.session.scalars(
            select(UnitQuestion)
            .where(
                UnitQuestion.org_unit_id == unit_id,
                UnitQuestion.walk_kind == kind,
                UnitQuestion.retired_at.is_(None),
            )
            .order_by(UnitQuestion.position, UnitQuestion.id)
        )
    )


def _get_editable(actor: Person, question_id: int) -> UnitQuestion:
    question = db.session.get(UnitQuestion, question_id)
    if question is None:
        raise NotFound(_("No such question."))
    _unit_to_edit(actor, question.org_unit_id)
    return question


@rolls_back
def move_question(actor: Person, question_id: int, *, by: int) -> UnitQuestion:
    """Move a question up (by=-1) or down (by=1) among its unit's for the same kind of walk."""
    question = _get_editable(actor, question_id)
    ordering.move_among(question, _siblings(question.org_unit_id, question.walk_kind), by)
    db.session.commit()
    return question


@rolls_back
def retire_question(actor: Person, question_id: int, now: datetime) -> UnitQuestion:
    """No longer asked on new walks; the walks that asked it keep it with their answers."""
    question = _get_editable(actor, question_id)
    ordering.retire(question, now)
    db.session.commit()
    return question


@rolls_back
def restore_question(actor: Person, question_id: int) -> UnitQuestion:
    question = _get_editable(actor, question_id)
    if question.retired_at is not None:
        if len(_siblings(question.org_unit_id, question.walk_kind)) >= limits.QUESTIONS_PER_KIND:
            raise Invalid(
                {"": _("A unit asks at most %(most)d questions on one kind of walk: retire "
                       "one first.", most=limits.QUESTIONS_PER_KIND)}
            )  # fmt: skip
        question.retired_at = None
        question.position = len(_siblings(question.org_unit_id, question.walk_kind))
    db.session.commit()
    return question
