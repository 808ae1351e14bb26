"""Walk pages. Each view parses a form, calls one service, then renders or redirects."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..forms import options, show_errors, validate_all
from ..models import Role, WalkKind
from ..models.vocabulary import DONE
from ..services import access, customers
from ..services.errors import Conflict, Invalid
from ..services.people.accounts import zone_for
from ..services.questions import answers as walk_answers
from ..services.walks import agenda, corrections, observations, past, series, steps
from ..services.walks import lifecycle as walks
from ..timeutil import local, utcnow
from .forms import (
    CompleteWalkForm,
    CorrectObservationForm,
    CorrectWalkForm,
    ObservationForm,
    PastWalkForm,
    PlanWalkForm,
    StartNowForm,
    answers_of,
    with_questions,
)
from .page import render_walk

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
    plan = walks.WalkPlan(**form.plan_fields())
    if validate_all(form, lambda: walks.check_plan(current_user, plan)):
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
            flash(DONE["started" if form.start_now.data else "planned"], "success")
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
    plan = walks.WalkPlan(**form.plan_fields())
    if validate_all(form, lambda: walks.check_plan(current_user, plan)):
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
            flash(_("Walk updated."), "success")
            return redirect(url_for("walks.show", walk_id=walk_id))
    return render_template("walks/plan.html", form=form, walk=walk), 422 if form.errors else 200


@bp.get("/<uuid:walk_id>")
def show(walk_id: UUID):
    walk = access.get_visible_walk(current_user, walk_id)
    return render_walk(walk)


@bp.post("/series/<uuid:series_id>/end")
def end_series(series_id: UUID):
    removed = series.end_series(current_user, series_id)
    flash(
        ngettext(
            "The series ends today; %(num)d later walk removed.",
            "The series ends today; %(num)d later walks removed.",
            removed,
        ),
        "info",
    )
    return redirect(url_for("walks.index"))


@bp.route("/start-now", methods=["GET", "POST"])
def start_now():
    form = StartNowForm()
    if form.validate_on_submit():
        plan = walks.WalkPlan(kind=form.kind.data, day=None, at=None, place=form.place.data or "")
        try:
            walk = walks.plan_walk(current_user, plan, walk_id=form.walk_id.data, start_now=True)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(DONE["started"], "success")
            return redirect(url_for("walks.show", walk_id=walk.uuid))
    return render_template("walks/start_now.html", form=form), 422 if form.errors else 200


@bp.route("/record", methods=["GET", "POST"])
def record_past():
    # Both kinds' questions: those of the kind chosen are read.
    asked = {kind.value: walk_answers.current(current_user.id, kind) for kind in WalkKind}
    form = with_questions(PastWalkForm, asked)()
    _customer_choices(form)
    record = walks.WalkRecord(
        **{name: form[name].data for name in walks.RECORD_FIELDS},
        answers=answers_of(form, form.kind.data),
    )
    details = {"kind": form.kind.data, "place": form.place.data, "record": record}
    if validate_all(form, lambda: past.check_past_walk(current_user, **details)):
        try:
            walk = past.record_past_walk(current_user, **details, walk_id=form.walk_id.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(DONE["recorded"], "success")
            return redirect(url_for("walks.show", walk_id=walk.uuid))
    return render_template("walks/record_past.html", form=form), 422 if form.errors else 200


def _moved_past(walk_id: UUID, step: str):
    """Back to the walk's page, saying what happened, when it is already past this step."""
    walk = walks.get_own_walk(current_user, walk_id)
    line = steps.moved_past(walk, step)
    if line is None:
        return walk, None
    flash(line, "info")
    return walk, redirect(url_for("walks.show", walk_id=walk_id))


@bp.route("/<uuid:walk_id>/start", methods=["GET", "POST"])
def start(walk_id: UUID):
    _, moved_on = _moved_past(walk_id, "start")
    if moved_on is None and request.method == "POST":
        walks.start_walk(current_user, walk_id)
        flash(DONE["started"], "success")
    return moved_on or redirect(url_for("walks.show", walk_id=walk_id))


@bp.route("/<uuid:walk_id>/cancel", methods=["GET", "POST"])
def cancel(walk_id: UUID):
    walk, moved_on = _moved_past(walk_id, "cancel")
    if moved_on:
        return moved_on
    if request.method == "GET":
        return render_template("walks/cancel.html", walk=walk)
    walks.cancel_walk(current_user, walk_id)
    flash(_("Walk cancelled. You can reinstate it from its page until its time."), "info")
    return redirect(url_for("walks.show", walk_id=walk_id))


@bp.post("/<uuid:walk_id>/reinstate")
def reinstate(walk_id: UUID):
    try:
        steps.reinstate_walk(current_user, walk_id)
    except Conflict as refused:  # its time passed while the page was open
        flash(str(refused), "error")
    else:
        flash(_("Walk reinstated: it is planned again."), "success")
    return redirect(url_for("walks.show", walk_id=walk_id))


@bp.post("/<uuid:walk_id>/observations")
def observe(walk_id: UUID):
    walk = walks.get_own_walk(current_user, walk_id)
    form = ObservationForm()
    if form.validate_on_submit():
        try:
            observations.add_observation(
                current_user,
                walk_id,
                category=form.category.data,
                waste_type=form.waste_type.data,
                said_by=form.said_by.data,
                text=form.text.data,
                observation_id=form.observation_id.data,
                customer_id=form.customer_id.data or None,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(DONE["observed"], "success")
            # Keep the category chosen: observations often come in runs of one kind.
            return redirect(url_for("walks.show", walk_id=walk_id, category=form.category.data))
    return render_walk(walk, form, 422)


@bp.route("/<uuid:walk_id>/complete", methods=["GET", "POST"])
def complete(walk_id: UUID):
    walk, moved_on = _moved_past(walk_id, "complete")
    if moved_on:
        return moved_on
    form = with_questions(CompleteWalkForm, {walk.kind.value: walk_answers.asked(walk)})()
    _customer_choices(form)
    if request.method == "GET":
        assert walk.started_at is not None  # a walk in progress has started
        form.started_at.data = local(walk.started_at, walk.timezone).replace(tzinfo=None)
        form.completed_at.data = local(utcnow(), walk.timezone).replace(
            tzinfo=None, second=0, microsecond=0
        )
        form.customer_ids.data = [c.id for c in walk.customers]
    saved = _save_record(form, walk, walks.complete_walk, DONE["completed"])
    return saved or (
        render_template("walks/complete.html", form=form, walk=walk),
        422 if form.errors else 200,
    )


def _save_record(form, walk, save, done: str):
    """A walk's record from its form, every message at once; stored by `save`, then back to
    the walk's page saying `done`. None while the form has something to fix."""
    record = walks.WalkRecord(
        **{name: form[name].data for name in walks.RECORD_FIELDS}, answers=answers_of(form)
    )
    if validate_all(form, lambda: walks.check_record(current_user, walk, record)):
        try:
            save(current_user, walk.uuid, record)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("walks.show", walk_id=walk.uuid))
    return None


def _too_late(walk):
    """Back to the walk's page, saying why, when the walk cannot be corrected (any more)."""
    if corrections.may_correct(current_user, walk, utcnow()):
        return None
    flash(corrections.why_not(walk), "info")
    return redirect(url_for("walks.show", walk_id=walk.uuid))


@bp.route("/<uuid:walk_id>/correct", methods=["GET", "POST"])
def correct(walk_id: UUID):
    walk = walks.get_own_walk(current_user, walk_id)
    if refused := _too_late(walk):
        return refused
    form_cls = with_questions(CorrectWalkForm, {walk.kind.value: walk.questions})
    form = form_cls(data=corrections.record_of(walk) if request.method == "GET" else None)
    _customer_choices(form)
    saved = _save_record(form, walk, corrections.correct_walk, DONE["corrected"])
    return saved or (
        render_template("walks/correct.html", form=form, walk=walk, observation=None),
        422 if form.errors else 200,
    )


@bp.route("/<uuid:walk_id>/observations/<uuid:observation_id>/correct", methods=["GET", "POST"])
def correct_observation(walk_id: UUID, observation_id: UUID):
    observation = corrections.get_own_observation(current_user, walk_id, observation_id)
    if refused := _too_late(observation.walk):
        return refused
    form = CorrectObservationForm(
        data=corrections.note_of(observation) if request.method == "GET" else None
    )
    form.offer_customers(customers.nameable(observation.walk))
    if form.validate_on_submit():
        said = {name: form[name].data for name in ("category", "waste_type", "said_by", "text")}
        said["customer_id"] = form.customer_id.data or None
        try:
            corrections.correct_observation(current_user, walk_id, observation_id, **said)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(DONE["corrected_observation"], "success")
            return redirect(url_for("walks.show", walk_id=walk_id))
    return render_template(
        "walks/correct.html", form=form, walk=observation.walk, observation=observation
    ), (422 if form.errors else 200)
