"""The coaching parts of a walk's page: its review, comment threads and follow-ups."""

from __future__ import annotations

import uuid

from flask_login import current_user

from ..models import Walk
from ..services import coaching
from ..services.followups import lists as followups_lists
from .forms import CommentForm, ReviewForm


def walk_extras(walk: Walk, comment_form: CommentForm | None = None) -> dict:
    """What the walk page shows around the record: review, comments and follow-ups."""
    return {
        "mine": walk.manager_id == current_user.id,
        "review": coaching.review_of(walk),
        "may_review": coaching.may_review(current_user, walk),
        "review_form": ReviewForm(),
        "conversation": coaching.conversation(walk),
        "follow_ups": followups_lists.for_walk(walk),
        "failed_comment": comment_form,
        # A fresh id per comment box, so a comment sent twice is stored once.
        "client_id": lambda: str(uuid.uuid4()),
    }
