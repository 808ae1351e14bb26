"""Sign in, sign out, change password, and create the first admin on a fresh install."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..calendar.views import feed_url
from ..forms import show_errors
from ..models import Role
from ..services import cadence, cadence_settings, people
from ..services.errors import Invalid
from .forms import ChangePasswordForm, FirstAdminForm, SignInForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site; anything that could leave it goes home instead."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return url_for("main.home")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if people.count_people() == 0:
        return redirect(url_for("auth.first_run"))
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        person = people.authenticate(form.email.data, form.password.data)
        if person is not None:
            login_user(person, remember=form.remember.data)
            return redirect(safe_next(form.next.data))
        form.password.errors = ["That email and password do not match an active account."]
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@login_required
def sign_out():
    people.end_sessions(current_user)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            people.change_password(
                current_user, current=form.current_password.data, new=form.new_password.data
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            # The old cookie died with the old token; give this device a new one.
            login_user(current_user._get_current_object())
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


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
            login_user(admin)
            flash("Welcome. Next: add your org units and people.", "success")
            return redirect(url_for("admin.units"))
    return render_template("auth/first_run.html", form=form)


@bp.get("/account")
@login_required
def account():
    target = cadence.target_for(current_user) if current_user.has_role(Role.MANAGER) else None
    return render_template(
        "auth/account.html",
        calendar_feed_url=feed_url(current_user),
        cadence=cadence_settings.describe(target) if target else None,
        cadence_source=cadence_settings.source(target) if target else None,
    )
