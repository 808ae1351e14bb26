"""Comment forms: field checks only; the service decides where a comment may go."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from ..forms import limited
from ..walks.forms import ClientIdField


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


class CommentForm(FlaskForm):
    comment_id = ClientIdField()
    observation_id = HiddenField()
    parent_id = HiddenField()
    body = TextAreaField(
        _l("Comment"),
        filters=[strip],
        validators=[
            DataRequired(_l("Write your comment first.")),
            limited("comment", _l("A comment")),
        ],
    )
    submit = SubmitField(_l("Send"))

    @property
    def target(self) -> str:
        """Which box on the walk page this form came from, to show its errors there."""
        return self.parent_id.data or self.observation_id.data or "walk"


class ReviewForm(FlaskForm):
    submit = SubmitField(_l("Mark reviewed"))
