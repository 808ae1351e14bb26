"""The form that adds a standard question: field checks only (services/questions/rules.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from ..forms import enum_options, limited
from ..models import AnswerType, WalkKind


class QuestionForm(FlaskForm):
    walk_kind = RadioField(
        _l("Asked on"),
        choices=enum_options(WalkKind),
        validators=[InputRequired(_l("Choose a customer visit or a gemba walk."))],
    )
    text = StringField(
        _l("Question"),
        validators=[
            InputRequired(_l("Write the question.")),
            limited("question", _l("The question")),
        ],
        render_kw={"placeholder": _l("e.g. What did the team say gets in their way?")},
    )
    answer_type = RadioField(
        _l("Answer"),
        choices=enum_options(AnswerType),
        default=AnswerType.TEXT.value,
        validators=[InputRequired(_l("Choose an answer type."))],
    )
    choices = TextAreaField(
        _l("Choices"),
        description=_l("For one of a few choices only: one per line."),
        render_kw={"rows": 4},
    )
    required = BooleanField(_l("Required: Complete walk asks for an answer"))
    submit = SubmitField(_l("Add question"))
