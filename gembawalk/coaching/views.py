"""Coaching pages: the review queue, and the comment and review actions on a walk's page."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..forms import show_errors
from ..services import access, coaching
from ..services.errors import Invalid
from ..walks.page import render_walk
from .forms import CommentForm, ReviewForm, uuid_or_none

bp = Blueprint("coaching", __name__, url_prefix="/coaching")


@bp.before_request
@login_required
def signed_in():
    """Every page here needs someone signed in; the services decide the rest."""


@bp.get("/")
def queue():
    return render_template("coaching/queue.html", queue=coaching.review_queue(current_user))


@bp.post("/walks/<uuid:walk_id>/reviewed")
def reviewed(walk_id: UUID):
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Reload the page and try again."), "error")
        return redirect(url_for("walks.show", walk_id=walk_id))
    review, made = coaching.mark_reviewed(current_user, walk_id)
    if made:
        flash(_("Marked reviewed. Thank you for helping them walk better."), "success")
    else:
        flash(_("Already reviewed by %(name)s.", name=review.reviewer.display_name), "info")
    return redirect(url_for("coaching.queue"))


@bp.post("/walks/<uuid:walk_id>/comments")
def comment(walk_id: UUID):
    walk = access.get_visible_walk(current_user, walk_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            made, _new = coaching.add_comment(
                current_user,
                walk_id,
                form.body.data,
                observation_id=uuid_or_none(form.observation_id.data),
                parent_id=uuid_or_none(form.parent_id.data),
                comment_id=form.comment_id.data,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("Comment sent."), "success")
            return redirect(url_for("walks.show", walk_id=walk_id, _anchor=f"comment-{made.uuid}"))
    return render_walk(walk, status=422, comment_form=form)
