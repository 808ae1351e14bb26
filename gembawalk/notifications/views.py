"""The notification list, and opening one (which marks it read)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..services import notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.before_request
@login_required
def signed_in():
    """Each person sees only their own notifications (the service scopes every query)."""


@bp.get("/")
def index():
    return render_template(
        "notifications/index.html", items=notifications.recent(current_user), form=FlaskForm()
    )


@bp.post("/<int:notification_id>/open")
def open_one(notification_id: int):
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("notifications.index"))
    link = notifications.open_notification(current_user, notification_id)
    # Links are made by the app itself as local paths; anything else goes to the list.
    return redirect(link if link.startswith("/") and not link.startswith("//") else "/")


@bp.post("/read")
def read_all():
    if FlaskForm().validate_on_submit():
        notifications.mark_all_read(current_user)
        flash(gettext("All marked read."), "info")
    return redirect(url_for("notifications.index"))
