"""Today: the manager's home, with the walks of the day one thumb away; More: everywhere else."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import Category, Role
from ..services.cadence import due as cadence_due
from ..services.people import accounts as people
from ..services.walks import agenda
from ..walks.forms import StartNowForm

bp = Blueprint("main", __name__)

# Answered before anybody exists: the first-run page, static files, and the installable app
# (worker, manifest, shell: public, the same for everyone), so that the browser which opens the
# first-run page can install the worker; a redirect would fill its precache with that page.
OPEN_ENDPOINTS = {"auth.first_run", "static"}
OPEN_BLUEPRINTS = {"pwa"}


@bp.before_app_request
def first_run_until_someone_exists():
    # Once anybody exists, nobody is ever deleted, so the question is asked only until then.
    if current_app.extensions.get("gembawalk.has_people"):
        return None
    if people.count_people() > 0:
        current_app.extensions["gembawalk.has_people"] = True
        return None
    if (
        request.endpoint in OPEN_ENDPOINTS
        or request.blueprint in OPEN_BLUEPRINTS
        or request.path.startswith("/api/")
    ):
        return None
    return redirect(url_for("auth.first_run"))


@bp.route("/")
@login_required
def home():
    if not current_user.has_role(Role.MANAGER):
        if current_user.has_role(Role.COACH):
            return redirect(url_for("coaching.queue"))
        if current_user.has_role(Role.ADMIN):
            return redirect(url_for("admin.people"))
        return render_template("main/welcome.html")
    return render_template(
        "main/today.html",
        view=agenda.today_view(current_user),
        categories=list(Category),
        cadence_due=cadence_due.due_now(current_user),
        start_now=StartNowForm(),
    )


@bp.get("/more")
@login_required
def more():
    # The phone's bottom bar holds four places; this page lists every other one.
    return render_template("main/more.html")
