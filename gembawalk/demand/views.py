"""Demand pages. Each view reads its form, calls one service, then renders or redirects."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..engagement.forms import BoardForm
from ..forms import flash_outcome
from ..models import DemandKind
from ..services.demand import fixes, tallies
from ..services.demand import picture as demand_picture
from ..services.demand import types as demand_types
from ..services.engagement.leaderboard import leads_a_unit, unit_choices
from ..services.engagement.periods import choose_period
from ..services.errors import Invalid
from ..services.people.org import TreeRow
from ..timeutil import utcnow

bp = Blueprint("demand", __name__)


@bp.before_request
@login_required
def signed_in():
    return None


@bp.post("/follow-ups/<uuid:follow_up_id>/demand-type")
def aim(follow_up_id: UUID):
    flash_outcome(
        lambda: fixes.aim(current_user, follow_up_id, request.form.get("demand_type_id")),
        _("Saved."),
    )
    return redirect(url_for("followups.show", follow_up_id=follow_up_id))


def _back(walk_id: UUID):
    return redirect(url_for("walks.show", walk_id=walk_id, _anchor="tally"))


@bp.post("/walks/<uuid:walk_id>/tally")
def tally(walk_id: UUID):
    try:
        heard = tallies.tally(
            current_user,
            walk_id,
            request.form.get("demand_type_id"),
            words=request.form.get("words", ""),
            observation_id=_client_id(request.form.get("client_id")),
        )
    except Invalid as error:
        for message in error.errors.values():
            flash(message, "error")
    else:
        what = heard.demand_type.name if heard.demand_type else _("demand")
        flash(_("Heard: %(demand)s.", demand=what), "success")
    return _back(walk_id)


def _client_id(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


@bp.post("/walks/<uuid:walk_id>/tally/undo")
def undo(walk_id: UUID):
    undone = tallies.undo_latest(current_user, walk_id, request.form.get("demand_type_id"))
    flash(_("Undone.") if undone else _("Nothing to undo."), "info")
    return _back(walk_id)


def _choices(actor) -> list[TreeRow]:
    rows = unit_choices(actor) if leads_a_unit(actor) else []
    if actor.org_unit is not None and actor.org_unit_id not in {r.unit.id for r in rows}:
        rows = [TreeRow(unit=actor.org_unit, depth=0), *rows]
    return rows


@bp.get("/demand")
def picture():
    form = BoardForm(request.args)
    if not form.period.raw_data:
        form.period.data = "4w"
    status = 200
    try:
        period = form.chosen("4w")
    except Invalid as error:
        form.period.errors = list(error.errors.values())
        period, status = choose_period("4w"), 422
    found = demand_picture.picture(current_user, form.unit_id, period)
    form.offer(_choices(current_user))
    form.unit.data = found.unit.id
    results = fixes.results_for_unit(found.unit.id, utcnow())
    return render_template("demand/picture.html", form=form, picture=found, fixes=results), status


@bp.route("/demand/types/<int:unit_id>", methods=["GET", "POST"])
def types(unit_id: int):
    if request.method == "POST":
        _change_types(unit_id)
        return redirect(url_for("demand.types", unit_id=unit_id))
    unit, found = demand_types.own_types(current_user, unit_id)
    inherited = demand_types.available(unit.parent_id)
    return render_template(
        "demand/types.html", unit=unit, types=found, inherited=inherited, kinds=list(DemandKind)
    )


def _change_types(unit_id: int) -> None:
    demand_types.own_types(current_user, unit_id)  # Not Found or Forbidden before anything
    action, type_id = request.form.get("action"), request.form.get("type_id", type=int)

    def change() -> None:
        if action == "add":
            demand_types.add_type(
                current_user, unit_id, name=request.form.get("name"), kind=request.form.get("kind")
            )
        elif action in ("up", "down") and type_id:
            demand_types.move_type(current_user, type_id, by=-1 if action == "up" else 1)
        elif action == "rename" and type_id:
            demand_types.rename_type(current_user, type_id, name=request.form.get("name"))
        elif action == "retire" and type_id:
            demand_types.retire_type(current_user, type_id, utcnow())
        elif action == "restore" and type_id:
            demand_types.restore_type(current_user, type_id)
        else:
            raise Invalid(_("Choose what to change."))

    flash_outcome(change, _("Demand types saved."))
