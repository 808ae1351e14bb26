"""A walk's questions and answers: the questions it was asked are kept on the walk when it
starts (or when it is recorded, for a walk that never was started here), so a unit changing
its questions later never rewrites what a walk asked or what was answered; answers are
checked against those kept questions, from the Complete and Correct pages, Record a past
walk, and a device's PUT alike."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from ... import limits
from ...extensions import db
from ...i18n import format_number
from ...models import AnswerType, Person, Walk, WalkKind, YesNo
from ...models.vocabulary import QUESTION_WORDS
from .. import validation
from ..errors import Invalid
from .rules import for_walk


def field_name(question: dict) -> str:
    """The form field, and the key in a refusal, of a question's answer."""
    return f"answer_{question['id']}"


def current(manager_id: int, kind: WalkKind) -> list[dict]:
    """The questions a walk of this manager's, of this kind, would be asked now."""
    unit_id = db.session.scalar(select(Person.org_unit_id).where(Person.id == manager_id))
    return [q.asked() for q in for_walk(unit_id, kind)]


def asked(walk: Walk) -> list[dict]:
    """The walk's questions: those it keeps, else (not started yet) those it would be asked."""
    if walk.questions_json is not None:
        return walk.questions
    if walk.manager_id is None or walk.kind is None:
        return []
    return current(walk.manager_id, walk.kind)


def keep(walk: Walk) -> None:
    """Keep the questions the walk is asked now, once: a walk keeps the questions it was asked."""
    if walk.questions_json is None:
        walk.questions_json = json.dumps(current(walk.manager_id, walk.kind))


def _number(value: str) -> str:
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite() or abs(number) > limits.ANSWER_NUMBER_MAX:
        raise ValueError
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


def _one(question: dict, given: object) -> str:
    """One answer as it is kept (text), or Invalid under the question's field."""
    name = field_name(question)
    if isinstance(given, bool) or given is None:
        given = "" if given is None else ("yes" if given else "no")
    if isinstance(given, int | float) and question["answer_type"] == AnswerType.NUMBER.value:
        given = str(given)
    if not isinstance(given, str):
        raise Invalid({name: _("Send the answer as text.")})
    value = validation.text(given, name, "answer", label="The answer")
    if not value:
        if question["required"]:
            raise Invalid({name: QUESTION_WORDS["missing"]})
        return ""
    kind = question["answer_type"]
    if kind == AnswerType.YES_NO.value:
        return validation.choice(YesNo, value.lower(), name, _("Answer yes or no.")).value
    if kind == AnswerType.CHOICE.value:
        if value not in question["choices"]:
            raise Invalid(
                {name: _("Choose one of: %(choices)s.", choices=", ".join(question["choices"]))}
            )
        return value
    if kind == AnswerType.NUMBER.value:
        try:
            return _number(value)
        except ValueError as exc:
            most = format_number(limits.ANSWER_NUMBER_MAX)  # "1,000,000,000", "1.000.000.000"
            raise Invalid(
                {name: _("Enter a number between -%(most)s and %(most)s.", most=most)}
            ) from exc
    return value


def read(questions: list[dict], given: object, checks: validation.Checks) -> dict[str, str]:
    """The answers as the walk keeps them ({question id: text}, unanswered left out), each
    held to its question: a required one answered, a yes/no, a number or a choice as asked.
    Answers to questions the walk was not asked are refused. Every refusal goes to `checks`."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        checks.refuse("answers", _("Send the answers as an object of answers by question id."))
        return {}
    ids = {str(q["id"]) for q in questions}
    stray = sorted(key for key in given if str(key) not in ids)
    if stray:
        checks.refuse(
            "answers", _("Not a question this walk was asked: %(ids)s.", ids=", ".join(stray))
        )
    kept: dict[str, str] = {}
    sent: dict = given
    for question in questions:

        def answer(q: dict = question) -> str:
            return _one(q, sent.get(str(q["id"])))

        value = checks.run(answer)
        if value:
            kept[str(question["id"])] = value
    return kept


def store(walk: Walk, answers: dict[str, str]) -> None:
    walk.answers_json = json.dumps(answers, sort_keys=True)


def answered(walk: Walk) -> list[tuple[dict, str | None]]:
    """Each question the walk kept, with its answer (None when not answered), in order."""
    answers = walk.answers
    return [(q, answers.get(str(q["id"]))) for q in walk.questions]


def shown(question: dict, answer: str | None) -> str:
    """An answer as a page or the CSV shows it."""
    if answer is None or answer == "":
        return str(QUESTION_WORDS["not_answered"])
    if question["answer_type"] == AnswerType.YES_NO.value:
        return YesNo(answer).label
    return answer


def in_one_line(questions: list[dict], answers: dict[str, str]) -> str:
    """The answers as one line, "question: answer; …", for the walks CSV and the history."""
    return "; ".join(
        f"{q['text']}: {shown(q, answers[str(q['id'])])}"
        for q in questions
        if answers.get(str(q["id"]))
    )
