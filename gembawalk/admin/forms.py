"""Admin forms: field checks only. Choices are filled by the views; the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from .. import limits
from ..forms import (
    MultiCheckboxField,
    enum_options,
    limited,
    options,
    password_length,
)
from ..models import CadencePeriod, CustomerKind, Role
from ..services.validation import record_id

# The zones offered first; any other IANA name may be typed (the service checks it).
COMMON_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/St_Johns",
    "America/Halifax",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "UTC",
)


def optional_id(value) -> int | None:
    """A select's id, or None for its blank choice ("no unit", "top level")."""
    if value in (None, "", "None"):
        return None
    try:
        return record_id(value)
    except (TypeError, ValueError):
        return -1  # not a real id: the service answers "choose from the list"


class PersonForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(_l("Enter an email address.")),
            limited("email", _l("The email")),
        ],
    )
    display_name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Enter a name.")), limited("display_name", _l("The name"))],
    )
    roles = MultiCheckboxField(_l("Roles"), choices=enum_options(Role), coerce=str)
    # validate_choice=False: the service refuses a unit that does not exist.
    org_unit_id = SelectField(_l("Org unit"), coerce=optional_id, validate_choice=False)
    coach_ids = MultiCheckboxField(_l("Coaches"), coerce=record_id)
    leads_unit_ids = MultiCheckboxField(_l("Leads these org units"), coerce=record_id)
    timezone = StringField(_l("Time zone"))
    started_on = DateField(_l("Measured from"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def person_fields(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "email",
                "display_name",
                "roles",
                "org_unit_id",
                "coach_ids",
                "leads_unit_ids",
                "timezone",
                "started_on",
            )
        }


class NewPersonForm(PersonForm):
    password = PasswordField(
        _l("Initial password"),
        validators=[InputRequired(_l("Enter an initial password.")), password_length()],
    )
    submit = SubmitField(_l("Add person"))


class UnitForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Enter a name.")), limited("unit_name", _l("The name"))],
    )
    parent_id = SelectField(_l("Sits below"), coerce=optional_id, validate_choice=False)
    submit = SubmitField(_l("Save"))


class CustomerForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Enter a name.")), limited("customer_name", _l("The name"))],
    )
    kind = RadioField(
        _l("Kind"),
        choices=enum_options(CustomerKind),
        default=CustomerKind.EXTERNAL.value,
        validate_choice=False,
    )
    org_unit_id = SelectField(_l("Org unit"), coerce=optional_id, validate_choice=False)
    notes = TextAreaField(
        _l("Notes"), validators=[limited("notes", _l("The notes"))], render_kw={"rows": 3}
    )
    active = BooleanField(_l("Active: managers can choose this customer"), default=True)
    submit = SubmitField(_l("Save"))

    def customer_fields(self) -> dict:
        return {
            name: self[name].data for name in ("name", "kind", "org_unit_id", "notes", "active")
        }


def _target(label) -> IntegerField:
    most = limits.CADENCE_TARGET_MAX
    message = _l("A whole number from 0 to %(most)d.", most=most)
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(0, most, message)],
        render_kw={"inputmode": "numeric"},
    )


class CadenceForm(FlaskForm):
    """A person's own cadence or a unit's default; "inherit" clears it."""

    mode = RadioField(
        _l("Cadence"),
        choices=options(
            [("inherit", _l("Use the default from above")), ("own", _l("Set targets"))]
        ),
        default="inherit",
    )
    customer_visits = _target(_l("Customer visits"))
    gemba_walks = _target(_l("Gemba walks"))
    period = RadioField(
        _l("Per"), choices=enum_options(CadencePeriod), default=CadencePeriod.WEEK.value
    )
    submit = SubmitField(_l("Save cadence"))

    def setting_fields(self) -> dict:
        return {
            "own": self.mode.data == "own",
            "customer_visits": self.customer_visits.data,
            "gemba_walks": self.gemba_walks.data,
            "period": self.period.data,
        }


class ImportForm(FlaskForm):
    """A CSV file to preview; its size is held by the blueprint's body limit before this runs."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    deactivate_missing = BooleanField(_l("Deactivate those who are not in the file"))
    submit = SubmitField(_l("Preview the changes"))


class ApplyImportForm(FlaskForm):
    draft = HiddenField()
    digest = HiddenField()
    submit = SubmitField(_l("Apply these changes"))
