"""Walk pages. Each view parses a form, calls one service, then renders or redirects."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..coaching.walk_page import walk_extras
from ..forms import options, show_errors
from ..models import Category, Role, WalkStatus
from ..services import access, customers
from ..services.errors import Conflict, Invalid
from ..services.people.accounts import zone_for
from ..services.walks import agenda, series
from ..services.walks import lifecycle as walks
from ..timeutil import local, utcnow
from .forms import CompleteWalkForm, ObservationForm, PlanWalkForm

bp = Blueprint("walks", __name__, url_prefix="/walks")


@bp.before_request
@login_required
def managers_only():
    if request.endpoint == "walks.show":
        return  # read-only for whoever the one permission rule lets see the walk
    if not current_user.has_role(Role.MANAGER):
        abort(403)


def _customer_choices(form) -> None:
    form.customer_ids.choices = options(
        (c.id, f"{c.name} ({c.kind.label.lower()})") for c in customers.choosable(current_user)
    )


@bp.get("/")
def index():
    mine = agenda.my_walks(
        current_user,
        show=request.args.get("show", "upcoming"),
        limit=request.args.get("limit", 30, type=int),
    )
    return render_template("walks/index.html", walks=mine)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PlanWalkForm()
    _customer_choices(form)
    if request.method == "GET":
        # Suggest the next half hour: a time people plan in, and one that "Start now" fits.
        now = local(utcnow(), zone_for(current_user))
        soon = now.replace(second=0, microsecond=0) + timedelta(minutes=30 - now.minute % 30)
        form.day.data, form.at.data = soon.date(), soon.time()
    if form.validate_on_submit():
        plan = walks.WalkPlan(**form.plan_fields())
        extra = {"walk_id": form.walk_id.data, "start_now": form.start_now.data}
        try:
            if form.repeat.data:
                walk = series.plan_series(
                    current_user,
                    plan,
                    repeat=form.repeat.data,
                    until=form.repeat_until.data,
                    **extra,
                )
            else:
                walk = walks.plan_walk(current_user, plan, **extra)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(
                "Walk started. Add what you see." if form.start_now.data else "Walk planned.",
                "success",
            )
            return redirect(url_for("walks.show", walk_id=walk.uuid))
    return render_template("walks/plan.html", form=form, walk=None), 422 if form.errors else 200


@bp.route("/<uuid:walk_id>/edit", methods=["GET", "POST"])
def edit(walk_id: UUID):
    walk = walks.get_own_walk(current_user, walk_id)
    form = PlanWalkForm(obj=walk if request.method == "GET" else None)
    _customer_choices(form)
    if request.method == "GET":
        form.day.data, form.at.data = walk.local_start.date(), walk.local_start.time()
        form.customer_ids.data = [c.id for c in walk.customers]
        if walk.series:
            form.repeat.data, form.repeat_until.data = walk.series.rule.value, walk.series.ends_on
    if form.validate_on_submit():
        plan = walks.WalkPlan(**form.plan_fields())
        try:
            if walk.series and form.scope.data == "later":
                series.update_this_and_later(
                    current_user,
                    walk_id,
                    plan,
                    repeat=form.repeat.data,
                    until=form.repeat_until.data,
                )
            else:
                walks.update_walk(current_user, walk_id, plan)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash("Walk updated.", "success")
            return redirect(url_for("walks.show", walk_id=walk_id))
    return render_template("walks/plan.html", form=form, walk=walk), 422 if form.errors else 200


@bp.get("/<uuid:walk_id>")
def show(walk_id: UUID):
    walk = access.get_visible_walk(current_user, walk_id)
    return render_walk(walk)


def render_walk(walk, form: ObservationForm | None = None, status: int = 200, **extra):
    """The walk's page: the owner records on it, others with access read it."""
    form = form or ObservationForm(category=request.args.get("category"))
    return render_template(
        "walks/show.html",
        walk=walk,
        form=form,
        categories=list(Category),
        when=agenda.day_of(current_user),
        WalkStatus=WalkStatus,
        **walk_extras(walk, **extra),
    ), status


@bp.post("/series/<uuid:series_id>/end")
def end_series(series_id: UUID):
    removed = series.end_series(current_user, series_id)
    flash(
        f"The series ends today; {removed} later walk{'s' if removed != 1 else ''} removed.", "info"
    )
    return redirect(url_for("walks.index"))


@bp.post("/<uuid:walk_id>/start")
def start(walk_id: UUID):
    walks.start_walk(current_user, walk_id)
    return redirect(url_for("walks.show", walk_id=walk_id))


@bp.post("/<uuid:walk_id>/cancel")
def cancel(walk_id: UUID):
    walks.cancel_walk(current_user, walk_id)
    flash("Walk cancelled.", "info")
    return redirect(url_for("walks.index"))


@bp.post("/<uuid:walk_id>/observations")
def observe(walk_id: UUID):
    walk = walks.get_own_walk(current_user, walk_id)
    form = ObservationForm()
    if form.validate_on_submit():
        try:
            walks.add_observation(
                current_user,
                walk_id,
                category=form.category.data,
                waste_type=form.waste_type.data,
                said_by=form.said_by.data,
                text=form.text.data,
                observation_id=form.observation_id.data,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash("Observation added.", "success")
            # Keep the category chosen: observations often come in runs of one kind.
            return redirect(url_for("walks.show", walk_id=walk_id, category=form.category.data))
    return render_walk(walk, form, 422)


@bp.route("/<uuid:walk_id>/complete", methods=["GET", "POST"])
def complete(walk_id: UUID):
    walk = walks.get_own_walk(current_user, walk_id)
    if walk.status != WalkStatus.IN_PROGRESS:
        raise Conflict("Only a walk in progress can be completed.")
    form = CompleteWalkForm()
    _customer_choices(form)
    if request.method == "GET":
        assert walk.started_at is not None  # a walk in progress has started
        form.started_at.data = local(walk.started_at, walk.timezone).replace(tzinfo=None)
        form.completed_at.data = local(utcnow(), walk.timezone).replace(
            tzinfo=None, second=0, microsecond=0
        )
        form.customer_ids.data = [c.id for c in walk.customers]
    if form.validate_on_submit():
        record = walks.WalkRecord(**{name: form[name].data for name in walks.RECORD_FIELDS})
        try:
            walks.complete_walk(current_user, walk_id, record)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash("Walk done. Thank you for going to see.", "success")
            return redirect(url_for("walks.show", walk_id=walk_id))
    return render_template("walks/complete.html", form=form, walk=walk), (
        422 if form.errors else 200
    )
