"""Conflicts: edits a device sent against an old version, for the manager to choose between."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..services.errors import Conflict, Invalid
from ..services.sync import conflicts

bp = Blueprint("conflicts", __name__, url_prefix="/sync/conflicts")


@bp.before_request
@login_required
def signed_in():
    pass


@bp.get("/")
def index():
    return render_template("conflicts/index.html", views=conflicts.conflict_views(current_user))


@bp.post("/<int:conflict_id>/keep-server")
def keep_server(conflict_id: int):
    conflicts.keep_server(current_user, conflict_id)
    flash(gettext("Kept what the server had. Your device's version stays on record."), "success")
    return redirect(url_for("conflicts.index"))


@bp.post("/<int:conflict_id>/use-mine")
def use_mine(conflict_id: int):
    try:
        conflicts.apply_mine(current_user, conflict_id)
    except (Invalid, Conflict) as error:
        flash(gettext("Your version could not be used: %(reason)s", reason=str(error)), "error")
    else:
        flash(gettext("Your device's version is now the one kept."), "success")
    return redirect(url_for("conflicts.index"))
