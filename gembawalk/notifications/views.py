"""The notification list, opening one (which marks it read), and the counts in the navigation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..services import coaching, notifications

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
        flash("All marked read.", "info")
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def nav_counts() -> dict:
    """The unread badge and the coach's review count, on every page for someone signed in."""
    if not current_user or not current_user.is_authenticated:
        return {}
    return {
        "unread_notifications": notifications.unread_count(current_user),
        "reviews_waiting": coaching.waiting_count(current_user),
    }
