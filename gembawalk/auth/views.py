"""Sign in, sign out, change password, and create the first admin on a fresh install."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext, refresh
from flask_login import current_user, login_required

from ..calendar.views import feed_url
from ..forms import show_errors
from ..models import Role
from ..security import forget_kept, request_facts
from ..services import audit
from ..services.cadence import settings as cadence_settings
from ..services.cadence import targets as cadence
from ..services.errors import Invalid
from ..services.people import accounts as people
from ..services.people import language as languages
from ..services.people import sessions
from ..services.people import single_sign_on as sso
from .forms import (
    ChangePasswordForm,
    ConfirmPasswordForm,
    FirstAdminForm,
    LanguageForm,
    SignInForm,
)
from .session import (
    confirm_password_now,
    end_this_session,
    reauthenticated,
    start_session,
    this_device,
)
from .throttle import throttled

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site; anything that could leave it goes home instead."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("main.home")
    parts = urlsplit(target)
    # A control character (CR/LF above all) could split the Location header it ends up in.
    if parts.scheme or parts.netloc or "\\" in target or not target.isprintable():
        return url_for("main.home")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@throttled
def sign_in():
    if people.count_people() == 0:
        return redirect(url_for("auth.first_run"))
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        assert form.email.data is not None  # DataRequired passed
        assert form.password.data is not None
        person = people.authenticate(form.email.data, form.password.data)
        if person is not None and not sso.may_use_password(person):
            audit.record(
                audit.SIGN_IN_REFUSED, subject=person.email, detail="password sign-in is off",
                **request_facts(),
            )  # fmt: skip
            form.password.errors = [str(sso.USE_SINGLE_SIGN_ON)]
            return _sign_in_page(form)
        if person is not None:
            start_session(person, remember=form.remember.data)
            audit.record(audit.SIGN_IN, actor=person, subject=person.email, **request_facts())
            return redirect(safe_next(form.next.data))
        audit.record(
            audit.SIGN_IN_FAILED, subject=people.email_key(form.email.data), **request_facts()
        )
        form.password.errors = [gettext("That email and password do not match an active account.")]
    return _sign_in_page(form)


def _sign_in_page(form: SignInForm):
    return render_template(
        "auth/sign_in.html",
        form=form,
        single_sign_on=sso.single_sign_on_enabled(),
        # With PASSWORD_SIGN_IN=off the form is for admins, behind a link of its own.
        password_form=sso.password_sign_in_open()
        or request.method == "POST"
        or request.args.get("password") == "admin",
    )


@bp.post("/sign-out")
@login_required
def sign_out():
    end_this_session(request_facts())
    flash(gettext("You are signed out on this device."), "info")
    return forget_kept(redirect(url_for("auth.sign_in")))


@bp.get("/account/sessions")
@login_required
def account_sessions():
    device = this_device()
    listed = sessions.list_for(current_user, first=device.id if device else None)
    return render_template("auth/sessions.html", devices=listed, this_device=device)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    device = this_device()
    if device is not None and device.id == session_id:
        return sign_out()
    ended = sessions.end(current_user, session_id, facts=request_facts())
    flash(gettext("Signed out: %(device)s.", device=ended), "success")
    return redirect(url_for("auth.account_sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    device = this_device()
    ended = sessions.end_others(current_user, device.id if device else None, facts=request_facts())
    flash(
        ngettext(
            "Signed out everywhere else (%(num)d device).",
            "Signed out everywhere else (%(num)d devices).",
            ended,
        ),
        "success",
    )
    return redirect(url_for("auth.account_sessions"))


def signs_in_with_a_password(view):
    """Refused (403, saying why) before asking to confirm a password the person may not use."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        sso.require_password(current_user)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@signs_in_with_a_password
@reauthenticated
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        device = this_device()
        remembered = bool(device and device.remember)
        try:
            people.change_password(
                current_user, current=form.current_password.data, new=form.new_password.data
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            # Every session ended with the old password; this device starts a new one, kept
            # signed in if it was.
            start_session(current_user._get_current_object(), remember=remembered)
            flash(gettext("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@throttled(account=lambda: current_user.email)
def confirm_password():
    """Type the password again before changing who may do what (ASVS: re-authentication)."""
    form = ConfirmPasswordForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        assert form.password.data is not None  # DataRequired passed
        if people.check_password(current_user, form.password.data):
            confirm_password_now()
            audit.record(audit.PASSWORD_CONFIRMED, actor=current_user, **request_facts())
            return redirect(safe_next(form.next.data))
        audit.record(
            audit.PASSWORD_CONFIRM_FAILED,
            actor=current_user,
            subject=current_user.email,
            **request_facts(),
        )
        form.password.errors = [gettext("That is not your password.")]
    return render_template(
        "auth/confirm_password.html", form=form, single_sign_on=sso.single_sign_on_enabled()
    )


@bp.route("/first-run", methods=["GET", "POST"])
def first_run():
    if people.count_people() > 0:
        abort(404)
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            admin = people.bootstrap_admin(
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            start_session(admin)
            flash(gettext("Welcome. Next: add your org units and people."), "success")
            return redirect(url_for("admin.units"))
    return render_template("auth/first_run.html", form=form)


@bp.get("/account")
@login_required
def account():
    target = cadence.target_for(current_user) if current_user.has_role(Role.MANAGER) else None
    return render_template(
        "auth/account.html",
        calendar_feed_url=feed_url(current_user),
        language_form=LanguageForm(language=current_user.language or ""),
        cadence=cadence_settings.describe(target) if target else None,
        cadence_source=cadence_settings.source(target) if target else None,
    )


@bp.post("/account/language")
@login_required
def account_language():
    form = LanguageForm()
    if form.validate_on_submit():
        languages.set_language(current_user, form.language.data)
        refresh()  # this request was already answering in the language before
        # Said in the language just chosen: the page that follows is in it too.
        flash(gettext("Language saved."), "success")
    return redirect(url_for("auth.account"))
