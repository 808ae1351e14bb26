"""Follow-up pages: My follow-ups, adding one from a walk, closing one, closure rates."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..coaching.forms import uuid_or_none
from ..forms import options, show_errors
from ..services import access
from ..services.errors import Conflict, Invalid
from ..services.followups import lists as followups_lists
from ..services.followups import rules as followups
from .forms import CloseForm, FollowUpForm

bp = Blueprint("followups", __name__, url_prefix="/follow-ups")


@bp.before_request
@login_required
def signed_in():
    """Every page here needs someone signed in; the services decide the rest."""


@bp.get("/")
def index():
    mine = followups_lists.my_follow_ups(current_user, request.args.get("show", "open"))
    return render_template("followups/index.html", mine=mine)


@bp.route("/new", methods=["GET", "POST"])
def new():
    walk_id = uuid_or_none(request.args.get("walk"))
    observation_id = uuid_or_none(request.args.get("observation"))
    walk = access.get_visible_walk(current_user, walk_id) if walk_id else None
    if walk is None:
        return redirect(url_for("followups.index"))
    observation = next((o for o in walk.observations if o.uuid == observation_id), None)
    form = FollowUpForm()
    form.owner_id.choices = options(
        (p.id, _owner_label(p.display_name, mine=p.id == current_user.id))
        for p in followups.owner_choices()
    )
    if request.method == "GET":
        form.owner_id.data = walk.manager_id
        form.due_date.data = followups.today_for(current_user) + timedelta(days=7)
    if form.validate_on_submit():
        try:
            item, _ = followups.create_follow_up(
                current_user,
                walk.uuid,
                action=form.action.data,
                owner_id=form.owner_id.data,
                due_date=form.due_date.data,
                observation_id=observation.uuid if observation else None,
                follow_up_id=form.follow_up_id.data,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("Follow-up added."), "success")
            return redirect(
                url_for("walks.show", walk_id=walk.uuid, _anchor=f"follow-up-{item.uuid}")
            )
    return render_template(
        "followups/new.html", form=form, walk=walk, observation=observation
    ), 422 if form.errors else 200


def _owner_label(name: str, mine: bool) -> str:
    return gettext("%(name)s (me)", name=name) if mine else name


@bp.get("/<uuid:follow_up_id>")
def show(follow_up_id: UUID):
    return _render_item(follow_up_id, CloseForm())


def _render_item(follow_up_id: UUID, form: CloseForm, status: int = 200):
    item = followups.get_follow_up(current_user, follow_up_id)
    return render_template(
        "followups/show.html",
        item=item,
        form=form,
        today=followups.today_for(current_user),
        may_close=followups.may_close(current_user, item),
        walk_visible=access.can_see_person(current_user, item.walk.manager_id),
    ), status


@bp.post("/<uuid:follow_up_id>/close")
def close(follow_up_id: UUID):
    form = CloseForm()
    if form.validate_on_submit():
        try:
            _, closed = followups.close_follow_up(
                current_user, follow_up_id, form.closing_note.data
            )
        except Invalid as error:
            show_errors(form, error)
        except Conflict as error:
            flash(str(error), "error")
            return redirect(url_for("followups.show", follow_up_id=follow_up_id))
        else:
            said = gettext("Closed. You said, we did.") if closed else gettext("Already closed.")
            flash(said, "success")
            return redirect(url_for("followups.show", follow_up_id=follow_up_id))
    return _render_item(follow_up_id, form, 422)


@bp.get("/rates")
def rates():
    rows, since = followups_lists.closure_rates(current_user)
    weeks = followups_lists.RATE_PERIOD.days // 7
    return render_template("followups/rates.html", rows=rows, since=since, weeks=weeks)
