"""Conflicts: edits a device sent against an old version, for the manager to choose between."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..services.errors import Conflict, Invalid
from ..services.sync import conflicts

bp = Blueprint("conflicts", __name__, url_prefix="/sync/conflicts")


@bp.before_request
@login_required
def signed_in():
    pass


@bp.app_context_processor
def conflicts_waiting():
    # Called by the Today page's banner only, so other pages run no query for it.
    return {"open_conflict_count": lambda: conflicts.count_open_conflicts(current_user)}


@bp.get("/")
def index():
    return render_template("conflicts/index.html", views=conflicts.conflict_views(current_user))


@bp.post("/<int:conflict_id>/keep-server")
def keep_server(conflict_id: int):
    conflicts.keep_server(current_user, conflict_id)
    flash("Kept what the server had. Your device's version stays on record.", "success")
    return redirect(url_for("conflicts.index"))


@bp.post("/<int:conflict_id>/use-mine")
def use_mine(conflict_id: int):
    try:
        conflicts.apply_mine(current_user, conflict_id)
    except (Invalid, Conflict) as error:
        flash(f"Your version could not be used: {error}", "error")
    else:
        flash("Your device's version is now the one kept.", "success")
    return redirect(url_for("conflicts.index"))
