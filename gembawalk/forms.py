"""Glue between forms and services: a refused operation's messages land on the right fields."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from .services.errors import Invalid
from .services.validation import LIMITS


def show_errors(form: FlaskForm, error: Invalid) -> None:
    """Attach each message to its field, or flash it when no field on the form matches."""
    for name, message in error.errors.items():
        field = form._fields.get(name) if name else None
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Choices for select, radio and checkbox fields, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass  # the service checks the choice against the register the person may use


def enum_options(enum_cls) -> list[SelectChoice]:
    """Choices from one of the product's enums: its values, with their labels."""
    return options((member.value, member.label) for member in enum_cls)


def limited(limit: str, label: str) -> Length:
    """The form's own check of a text limit, so the message shows beside the field."""
    return Length(max=LIMITS[limit], message=f"{label} can be at most {LIMITS[limit]} characters.")
