"""Glue between forms and services: a refused operation's messages land on the right fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget, Select

from . import limits
from .services.errors import Invalid


def show_errors(form: FlaskForm, error: Invalid) -> None:
    """Attach each message to its field, or flash it when no field on the form matches. A
    field the form itself already refused keeps its own message: one per field."""
    for name, message in error.errors.items():
        field = form._fields.get(name) if name else None
        if field is None:
            flash(message, "error")
        elif not field.errors:
            field.errors = [message]


def flash_outcome(change: Callable[[], object], saved: str) -> bool:
    """Make a change a page's button asked for: a refusal's messages are flashed as errors,
    otherwise `saved`. True when the change was made."""
    try:
        change()
    except Invalid as error:
        for message in error.errors.values():
            flash(message, "error")
        return False
    flash(saved, "success")
    return True


def validate_all(form: FlaskForm, check: Callable[[], object]) -> bool:
    """Like `validate_on_submit`, but all of a form's errors at once: when the form's own
    field checks refuse something, the service's `check` (which stores nothing) runs too, so
    the rules across fields ("cannot finish before it started") show beside them."""
    if not form.is_submitted():
        return False
    if form.validate():
        return True
    try:
        check()
    except Invalid as error:
        show_errors(form, error)
    return False


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Choices for select, radio and checkbox fields, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ManyOptions(Select):
    """WTForms' select, each plain option written in one step: the unit picker of a whole
    organisation has hundreds, and WTForms' own way costs a millisecond a hundred."""

    @classmethod
    def render_option(cls, choice, **kwargs):  # type: ignore[override]  # stubs predate 3.3
        plain = isinstance(choice.value, int | str) and not isinstance(choice.value, bool)
        if kwargs or choice.render_kw or not plain:
            return super().render_option(choice, **kwargs)
        selected = " selected" if choice.selected else ""
        value, label = escape(choice.value), escape(choice.label or choice.value)
        return Markup(f'<option{selected} value="{value}">{label}</option>')  # noqa: S704  # nosec B704  (escaped above)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass  # the service checks the choice against the register the person may use


def enum_options(enum_cls) -> list[SelectChoice]:
    """Choices from one of the product's enums: its values, with their labels."""
    return options((member.value, member.label) for member in enum_cls)


def limited(limit: str, label) -> Length:
    """The form's own check of a text limit, so the message shows beside the field (and the
    field gets its maxlength)."""
    most = limits.TEXT[limit]
    message = _l("%(label)s can be at most %(most)d characters.", label=label, most=most)
    return Length(max=most, message=message)


def password_length() -> Length:
    """A new password's length, from the policy (the service checks it again)."""
    low, high = limits.PASSWORD_MIN, limits.PASSWORD_MAX
    message = _l("Use between %(low)d and %(high)d characters.", low=low, high=high)
    return Length(min=low, max=high, message=message)


def whole_number(most: int, message) -> NumberRange:
    """A count from 0 to `most`; the field gets its min and max attributes from it. The
    message names the most as `%(most)d` (a lazy word, `_l("... 0 to %(most)d.")`), looked up
    in the reader's language when shown; plain text may name it `{most}`."""
    if isinstance(message, str):
        return NumberRange(0, most, message.format(most=most))
    return NumberRange(0, most, LazyString(lambda: str(message) % {"most": most}))
