"""The walk's page, drawn by the walks blueprint and again by coaching when a comment sent from
it needs correcting: the record, and around it its review, comment threads and follow-ups."""

from __future__ import annotations

import uuid

from flask import render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm

from ..models import Category, Walk, WalkStatus
from ..services import coaching
from ..services import customers as customer_register
from ..services.followups import lists as followups_lists
from ..services.walks import agenda, corrections, steps
from ..timeutil import utcnow
from .forms import ObservationForm


def render_walk(
    walk: Walk,
    form: ObservationForm | None = None,
    status: int = 200,
    comment_form: FlaskForm | None = None,
):
    """The walk's page: the owner records on it, others with access read it. `form` is an
    observation and `comment_form` a comment sent back with what is wrong in it."""
    form = form or ObservationForm(category=request.args.get("category"))
    if walk.manager_id == current_user.id:  # only the walker records on it
        form.offer_customers(customer_register.nameable(walk))
    return render_template(
        "walks/show.html",
        walk=walk,
        form=form,
        categories=list(Category),
        when=agenda.day_of(current_user),
        WalkStatus=WalkStatus,
        reinstatable=steps.may_reinstate(walk, utcnow()),
        correctable=corrections.may_correct(current_user, walk, utcnow()),
        history=corrections.shown_history(walk) if walk.status == WalkStatus.DONE else [],
        **_around(walk, comment_form),
    ), status


def _around(walk: Walk, comment_form: FlaskForm | None) -> dict:
    """What the page shows around the record: review, comments and follow-ups."""
    return {
        "mine": walk.manager_id == current_user.id,
        "review": coaching.review_of(walk),
        "may_review": coaching.may_mark_reviewed(current_user, walk),
        "conversation": coaching.conversation(walk),
        "follow_ups": followups_lists.for_walk(walk),
        "failed_comment": comment_form,
        # A fresh id per comment box, so a comment sent twice is stored once.
        "client_id": lambda: str(uuid.uuid4()),
    }
