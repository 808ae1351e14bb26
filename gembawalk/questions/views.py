"""The standard questions page. The view reads its form, calls one service, then renders or
redirects."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..forms import flash_outcome, show_errors, validate_all
from ..models import WalkKind
from ..services.errors import Invalid
from ..services.questions import rules
from ..timeutil import utcnow
from .forms import QuestionForm

bp = Blueprint("questions", __name__)


@bp.before_request
@login_required
def signed_in():
    return None


@bp.route("/questions/<int:unit_id>", methods=["GET", "POST"])
def edit(unit_id: int):
    unit, _ = rules.own_questions(current_user, unit_id)  # Not Found or Forbidden first
    form = QuestionForm()
    if request.method == "POST" and request.form.get("action", "add") != "add":
        _change(request.form.get("action"), request.form.get("question_id", type=int))
        return redirect(url_for("questions.edit", unit_id=unit_id))
    new = rules.NewQuestion(
        walk_kind=form.walk_kind.data,
        text=form.text.data,
        answer_type=form.answer_type.data,
        choices=form.choices.data,
        required=bool(form.required.data),
    )
    if validate_all(form, lambda: rules.check_question(current_user, unit_id, new)):
        try:
            rules.add_question(current_user, unit_id, new)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("Question added."), "success")
            return redirect(url_for("questions.edit", unit_id=unit_id))
    _, own = rules.own_questions(current_user, unit_id)
    kinds = [
        (kind, rules.for_walk(unit.parent_id, kind), [q for q in own if q.walk_kind == kind])
        for kind in WalkKind
    ]
    return render_template("questions/edit.html", unit=unit, kinds=kinds, form=form), (
        422 if form.errors else 200
    )


def _change(action: str | None, question_id: int | None) -> None:
    def change() -> None:
        if action in ("up", "down") and question_id:
            rules.move_question(current_user, question_id, by=-1 if action == "up" else 1)
        elif action == "retire" and question_id:
            rules.retire_question(current_user, question_id, utcnow())
        elif action == "restore" and question_id:
            rules.restore_question(current_user, question_id)
        else:
            raise Invalid(gettext("Choose what to change."))

    flash_outcome(change, gettext("Questions saved."))
