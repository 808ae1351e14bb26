"""Follow-up forms: field checks only; the service checks the owner and the due date."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from ..coaching.forms import strip
from ..forms import limited
from ..services.validation import record_id
from ..walks.forms import ClientIdField


class OwnerField(SelectField):
    def pre_validate(self, form):
        pass  # the service checks the owner belongs to the organisation, with its own message


class FollowUpForm(FlaskForm):
    follow_up_id = ClientIdField()
    action = TextAreaField(
        _l("What will be done?"),
        filters=[strip],
        validators=[
            DataRequired(_l("Say what will be done.")),
            limited("action", _l("The action")),
        ],
        render_kw={"rows": 3, "placeholder": _l("e.g. Put the list of what we take at the gate")},
    )
    owner_id = OwnerField(
        _l("Owner"), coerce=record_id, validators=[InputRequired(_l("Choose an owner."))]
    )
    due_date = DateField(_l("Due"), validators=[InputRequired(_l("Enter a due date."))])
    submit = SubmitField(_l("Add follow-up"))


class CloseForm(FlaskForm):
    closing_note = TextAreaField(
        _l("What was done? (you said, we did)"),
        filters=[strip],
        validators=[
            DataRequired(_l("Say what was done before closing.")),
            limited("closing_note", _l("What was done")),
        ],
        render_kw={"rows": 4, "placeholder": _l("You said …; we …")},
    )
    submit = SubmitField(_l("Close follow-up"))
