"""Standard questions for the offline app: those the caller's walks are asked now, by kind of
walk (GET /questions), so a walk started on a device without signal shows them. A walk's own
questions, once kept, come with the walk (Walk.questions)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from .. import limits
from ..models import AnswerType, WalkKind
from ..services.questions import rules
from .openapi import enum_of, text
from .sync import ERROR, answer

bp = Blueprint("questions", __name__)


@bp.get("/questions")
@login_required
def list_questions():
    return jsonify({"questions": rules.for_person(current_user)})


# --- the OpenAPI description ----------------------------------------------------------------

SCHEMAS = {
    "Question": {
        "type": "object",
        "description": "A standard question as a walk is asked it: no score, only an answer.",
        "required": ["id", "text", "answer_type", "choices", "required"],
        "properties": {
            "id": {"type": "integer"},
            "text": text("question"),
            "answer_type": enum_of(AnswerType),
            "choices": {
                "type": "array",
                "items": text("question_choice"),
                "maxItems": limits.QUESTION_CHOICES_MAX,
                "description": "The choices of a choice question; empty for the others.",
            },
            "required": {"type": "boolean", "description": "Complete walk asks for it."},
        },
    },
    "QuestionsByKind": {
        "type": "object",
        "required": ["questions"],
        "properties": {
            "questions": {
                "type": "object",
                "required": [kind.value for kind in WalkKind],
                "properties": {
                    kind.value: {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Question"},
                    }
                    for kind in WalkKind
                },
            }
        },
    },
}

PATHS = {
    "/questions": {
        "get": {
            "summary": "The standard questions the caller's walks are asked now, by kind",
            "description": "Those of the caller's org unit and every unit above it, the "
            "highest unit's first; retired ones are left out. A walk keeps the ones it was "
            "asked when it starts (Walk.questions).",
            "responses": {"200": answer("The questions", "QuestionsByKind"), "401": ERROR},
        }
    },
}
