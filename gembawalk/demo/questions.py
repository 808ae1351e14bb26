"""The demo's standard questions: a division asking a few on its gemba walks (inherited by
its depots, where the demo manager walks), another on its customer visits; the walks done
there keep the questions they were asked and answer most of them. No scores: the answers
read as what the walker learned."""

from __future__ import annotations

import json
import random
from datetime import datetime

from ..extensions import db
from ..models import AnswerType, UnitQuestion, Walk, WalkKind, WalkStatus
from ..services.people.org import lineage_ids
from ..services.questions.rules import for_walk

T, YN, N, C = AnswerType.TEXT, AnswerType.YES_NO, AnswerType.NUMBER, AnswerType.CHOICE

# Unit -> kind of walk -> (question, answer type, choices, required, a few answers).
QUESTIONS = {
    "Waste & Fleet Operations": {
        WalkKind.GEMBA_WALK: [
            ("Is the team's board up to date?", YN, [], True, ["yes", "yes", "no"]),
            ("How many crews were out this morning?", N, [], False, ["6", "7", "8", "5"]),
            ("What gets in the crews' way most this week?", T, [], False,
             ["Vans waiting for the weighbridge", "Keys for the side gate go missing",
              "Route sheets printed the night before miss the changes"]),
        ],
    },
    "Customer Contact": {
        WalkKind.CUSTOMER_VISIT: [
            ("Did the customer get what they came for?", C,
             ["First time", "After chasing", "Not yet"], True,
             ["First time", "After chasing", "Not yet", "First time"]),
            ("What would have made it easier for them?", T, [], False,
             ["Knowing the date before they rang", "One letter instead of three"]),
        ],
    },
}  # fmt: skip


def add_questions(units: dict, walks: list[Walk], founded: datetime, rng: random.Random) -> None:
    """The questions, then each walk (not stored yet) in those units kept with them, the done
    ones answered."""
    texts: dict[int, list[str]] = {}
    rows_of: dict = QUESTIONS
    for unit_name, kinds in rows_of.items():
        for kind, rows in kinds.items():
            for position, (text, answer_type, choices, required, answers) in enumerate(rows):
                question = UnitQuestion(
                    org_unit=units[unit_name], walk_kind=kind, position=position, text=text,
                    answer_type=answer_type, choices_json=json.dumps(choices),
                    required=required, created_at=founded,
                )  # fmt: skip
                db.session.add(question)
                db.session.flush()
                texts[question.id] = answers
    asking = {units[name].id for name in QUESTIONS}
    asked_by: dict[tuple[int, WalkKind], list[dict]] = {}
    for walk in walks:
        unit_id = walk.manager.org_unit_id
        if walk.status not in (WalkStatus.IN_PROGRESS, WalkStatus.DONE) or unit_id is None:
            continue
        if not asking & set(lineage_ids(unit_id)):
            continue
        key = (unit_id, walk.kind)
        if key not in asked_by:
            asked_by[key] = [q.asked() for q in for_walk(unit_id, walk.kind)]
        asked = asked_by[key]
        walk.questions_json = json.dumps(asked)
        if walk.status == WalkStatus.DONE:
            answers = {
                str(q["id"]): rng.choice(texts[q["id"]])
                for q in asked
                if q["required"] or rng.random() < 0.7
            }
            walk.answers_json = json.dumps(answers, sort_keys=True)
