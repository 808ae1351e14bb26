"""Walk forms: field checks only. Dates and times are local; the service turns them into UTC."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from .. import limits
from ..forms import MultiCheckboxField, enum_options, limited, options
from ..models import (
    AnswerType,
    Category,
    CustomerKind,
    RepeatRule,
    SaidBy,
    WalkKind,
    WasteType,
    YesNo,
)
from ..models.vocabulary import QUESTION_WORDS
from ..services.questions.answers import field_name
from ..services.validation import record_id

DURATIONS = options(limits.WALK_MINUTES.items())


class ClientIdField(HiddenField):
    """An id made when the form is shown, so a form sent twice is saved once."""

    data: uuid.UUID | None  # type: ignore[assignment]  # a UUID, where HiddenField keeps text

    def process_formdata(self, valuelist):
        try:
            self.data = uuid.UUID(valuelist[0]) if valuelist and valuelist[0] else None
        except ValueError:
            self.data = None

    def _value(self):
        if self.data is None:
            self.data = uuid.uuid4()
        return str(self.data)


class PlanWalkForm(FlaskForm):
    walk_id = ClientIdField()
    kind = RadioField(
        _l("What kind of walk?"),
        choices=enum_options(WalkKind),
        default=WalkKind.CUSTOMER_VISIT.value,
        validators=[InputRequired(_l("Choose a customer visit or a gemba walk."))],
    )
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    at = TimeField(_l("Time"), validators=[InputRequired(_l("Enter a time."))])
    planned_minutes = SelectField(
        _l("How long"), choices=DURATIONS, coerce=int, default=limits.WALK_MINUTES_DEFAULT
    )
    place = StringField(
        _l("Place"),
        validators=[limited("place", _l("The place"))],
        render_kw={"placeholder": _l("e.g. Northgate depot, loading bay")},
    )
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[limited("purpose", _l("The purpose"))],
        render_kw={"rows": 3, "placeholder": _l("What do you want to learn?")},
    )
    customer_ids = MultiCheckboxField(_l("Customers you plan to meet"), coerce=record_id)
    new_customer_name = StringField(
        _l("Or add a customer to the register"),
        validators=[limited("customer_name", _l("The name"))],
    )
    new_customer_kind = RadioField(
        _l("Kind"), choices=enum_options(CustomerKind), default=CustomerKind.EXTERNAL.value
    )
    repeat = SelectField(
        _l("Repeat"),
        choices=options([("", _l("Does not repeat"))]) + enum_options(RepeatRule),
        default="",
    )
    repeat_until = DateField(
        _l("Until"), validators=[Optional()], description=_l("Leave empty to repeat for good.")
    )
    # Shown when changing a walk of a series: this one alone, or this and all later ones.
    scope = RadioField(
        _l("Change"),
        choices=options(
            [("this", _l("Only this walk")), ("later", _l("This and all later walks"))]
        ),
        default="this",
    )
    submit = SubmitField(_l("Plan walk"))
    start_now = SubmitField(_l("Start now"))

    def plan_fields(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "kind",
                "day",
                "at",
                "planned_minutes",
                "place",
                "purpose",
                "customer_ids",
                "new_customer_name",
                "new_customer_kind",
            )
        }


NO_CUSTOMER = _l("No one named")


class ObservationForm(FlaskForm):
    observation_id = ClientIdField()
    category = RadioField(
        _l("Category"),
        choices=enum_options(Category),
        validators=[InputRequired(_l("Choose a category first."))],
    )
    waste_type = SelectField(
        _l("Which waste?"), choices=options([("", _l("Choose…"))]) + enum_options(WasteType)
    )
    said_by = RadioField(
        _l("Who said it?"), choices=enum_options(SaidBy), default=SaidBy.WALKER.value
    )
    # The register customer who said it (a what matters note): the service checks the choice.
    customer_id = SelectField(
        _l("Which customer said it?"), choices=options([("", NO_CUSTOMER)]), validate_choice=False
    )
    text = TextAreaField(
        _l("Note"),
        validators=[
            InputRequired(_l("Write what you saw or heard.")),
            limited("observation", _l("A note")),
        ],
        render_kw={"rows": 4, "placeholder": _l("In their own words, if you can")},
    )
    submit = SubmitField(_l("Add"))

    def validate_waste_type(self, field):
        if self.category.data == Category.WASTE.value and not field.data:
            field.errors.append(_("Choose which waste this is."))

    def offer_customers(self, customers) -> None:
        """The customers a note may name (services.customers.nameable), after "no one"."""
        self.customer_id.choices = options(
            [("", NO_CUSTOMER)] + [(str(c.id), c.name) for c in customers]
        )


class CompleteWalkForm(FlaskForm):
    started_at = DateTimeLocalField(
        _l("Started"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter when the walk started."))],
    )
    completed_at = DateTimeLocalField(
        _l("Finished"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter when the walk finished."))],
    )
    customers_spoken_to = IntegerField(
        _l("How many customers did you speak with?"),
        validators=[
            InputRequired(_l("Enter a number, 0 if none.")),
            # forms.whole_number writes its message once, at import, before there is a
            # language to write it in: WTForms fills in %(max)d as it refuses, in the reader's.
            NumberRange(0, limits.CUSTOMERS_SPOKEN_TO_MAX, _l("Enter a number from 0 to %(max)d.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    customer_ids = MultiCheckboxField(_l("Customers from the register you met"), coerce=record_id)
    frontline_met = StringField(
        _l("Frontline people you met"),
        validators=[limited("frontline_met", _l("This"))],
        render_kw={"placeholder": _l("Roles or names, e.g. Sam (picker), night shift lead")},
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[limited("summary", _l("The summary"))],
        render_kw={
            "rows": 5,
            "placeholder": _l("What did you learn? Thank and name people; never blame."),
        },
    )
    submit = SubmitField(_l("Complete walk"))


class CorrectObservationForm(ObservationForm):
    """An observation of a done walk, corrected: the same fields as adding one."""

    submit = SubmitField(_l("Save correction"))


class CorrectWalkForm(CompleteWalkForm):
    """A done walk's record, corrected: the same fields and checks as completing it."""

    submit = SubmitField(_l("Save correction"))


class StartNowForm(FlaskForm):
    """Start a walk now, without a plan: the kind and the place, nothing about when."""

    walk_id = ClientIdField()
    # The plan form's own fields, one definition: typed as declared fields are once bound.
    kind: RadioField = PlanWalkForm.kind  # type: ignore[assignment]
    place: StringField = PlanWalkForm.place  # type: ignore[assignment]
    submit = SubmitField(_l("Start now"))


class PastWalkForm(CompleteWalkForm):
    """A walk that already happened, recorded afterwards: what it was, then its record."""

    walk_id = ClientIdField()
    kind: RadioField = PlanWalkForm.kind  # type: ignore[assignment]  # shared, as above
    place: StringField = PlanWalkForm.place  # type: ignore[assignment]
    submit = SubmitField(_l("Record walk"))


def _question_field(question: dict):
    """A standard question's field: its words and answer type from the walk's questions; the
    service holds the answer to them (services/questions/answers.py). A required one says so
    (`data-required`, which the device's script reads to ask for it offline)."""
    hint = QUESTION_WORDS["required" if question["required"] else "optional"]
    marked = {"data-required": "true"} if question["required"] else {}
    kind = question["answer_type"]
    if kind in (AnswerType.YES_NO.value, AnswerType.CHOICE.value):
        pairs = (
            [(m.value, m.label) for m in YesNo]
            if kind == AnswerType.YES_NO.value
            else [(c, c) for c in question["choices"]]
        )
        return RadioField(
            question["text"],
            choices=options(pairs),
            validate_choice=False,
            description=hint,
            render_kw=marked,
        )
    if kind == AnswerType.NUMBER.value:
        return StringField(
            question["text"], description=hint, render_kw={"inputmode": "decimal", **marked}
        )
    return StringField(
        question["text"],
        description=hint,
        validators=[limited("answer", _l("The answer"))],
        render_kw={"autocomplete": "off", **marked},
    )


def with_questions(form_cls: type[FlaskForm], groups: dict[str, list[dict]]) -> type[FlaskForm]:
    """`form_cls` with a field per standard question, after its own: `groups` holds the
    questions by the kind of walk they are asked on (Record a past walk offers both kinds'
    and reads those of the kind chosen; the other forms have one walk, of one kind)."""
    attrs: dict = {}
    kinds: dict[str, str] = {}
    for kind, questions in groups.items():
        for question in questions:
            attrs[field_name(question)] = _question_field(question)
            kinds[field_name(question)] = kind
    attrs["question_groups"] = [
        (WalkKind(kind).label, kind, [field_name(q) for q in questions])
        for kind, questions in groups.items()
        if questions
    ]
    attrs["question_kinds"] = kinds
    return type(form_cls.__name__, (form_cls,), attrs)


def answers_of(form: FlaskForm, kind: str | None = None) -> dict[str, str]:
    """The answers the form says, by question id (those of walks of `kind`, when given)."""
    kinds: dict[str, str] = getattr(form, "question_kinds", {})
    return {
        name.removeprefix("answer_"): form[name].data or ""
        for name, of_kind in kinds.items()
        if kind is None or of_kind == kind
    }
