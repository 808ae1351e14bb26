"""The form that adds a standard question: field checks only (services/questions/rules.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from ..forms import enum_options, limited
from ..models import AnswerType, WalkKind


class QuestionForm(FlaskForm):
    walk_kind = RadioField(
        "Asked on",
        choices=enum_options(WalkKind),
        validators=[InputRequired("Choose a customer visit or a gemba walk.")],
    )
    text = StringField(
        "Question",
        validators=[InputRequired("Write the question."), limited("question", "The question")],
        render_kw={"placeholder": "e.g. What did the team say gets in their way?"},
    )
    answer_type = RadioField(
        "Answer",
        choices=enum_options(AnswerType),
        default=AnswerType.TEXT.value,
        validators=[InputRequired("Choose an answer type.")],
    )
    choices = TextAreaField(
        "Choices",
        description="For one of a few choices only: one per line.",
        render_kw={"rows": 4},
    )
    required = BooleanField("Required: Complete walk asks for an answer")
    submit = SubmitField("Add question")
