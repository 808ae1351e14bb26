"""The demo gives coaches a queue to work through, and managers feedback and follow-ups."""

from __future__ import annotations

from sqlalchemy import func, select

from gembawalk.demo.load import load_demo
from gembawalk.extensions import db
from gembawalk.models import Comment
from gembawalk.services import coaching, notifications
from gembawalk.services.followups import lists as followups_lists
from gembawalk.services.people import accounts as people


def test_the_demo_has_a_review_queue_comments_and_follow_ups_in_every_state(app):
    load_demo()
    coach = people.find_by_email("coach@example.org")
    queue = coaching.review_queue(coach)
    assert 0 < queue.count < 40  # recent walks wait; older ones were reviewed
    assert queue.oldest_wait.days <= 10
    assert db.session.scalar(select(func.count(Comment.id))) > 20
    manager = people.find_by_email("manager@example.org")
    assert notifications.unread_count(manager) >= 1
    counts = followups_lists.my_follow_ups(manager).counts
    assert counts["open"] > counts["overdue"] > 0
    assert counts["closed"] > 0
