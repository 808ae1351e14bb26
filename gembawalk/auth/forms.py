"""Sign-in, password and first-run forms: field checks only; the rules live in services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import DataRequired, Email, EqualTo

from .. import limits
from ..forms import limited, password_length
from ..languages import LANGUAGES
from ..services.people.language import AS_THE_BROWSER_ASKS


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


def _new_password(label) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(_l("Choose a password.")), password_length()],
        render_kw={"autocomplete": "new-password", "minlength": limits.PASSWORD_MIN},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password(_l("New password"))
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class FirstAdminForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), limited("display_name", _l("Your name"))],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter a valid email address.")),
        ],
    )
    password = _new_password(_l("Password"))
    confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    # Each language under its own name, so that anyone can find theirs.
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", AS_THE_BROWSER_ASKS),
            *(
                SelectChoice(code, name, render_kw={"lang": code})
                for code, name in LANGUAGES.items()
            ),
        ],
    )
