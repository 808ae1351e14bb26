"""Coaches and devices acting at once: one review, one close, one comment, one notification."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import (
    Comment,
    FollowUp,
    FollowUpStatus,
    Notification,
    NotificationKind,
    Person,
    Review,
)
from gembawalk.services import coaching, notifications
from gembawalk.services.errors import Conflict
from gembawalk.services.followups import rules as followups

from .coaching_world import build_world
from .test_concurrency import THREADS, _run_in_threads


@pytest.fixture
def world(app):
    found = build_world()
    found.maya.coaches = [found.coach, found.coach2]  # two coaches for the same manager
    db.session.commit()
    return found


def mayas_follow_up(world, action: str, due_in_days: int) -> FollowUp:
    """A follow-up from Maya's walk that she owns herself."""
    item, _ = followups.create_follow_up(
        world.maya,
        world.walk.uuid,
        action=action,
        owner_id=world.maya.id,
        due_date=datetime.now(UTC).date() + timedelta(days=due_in_days),
    )
    return item


def rows(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_coaches_marking_reviewed_at_once_leave_one_review(app, world):
    coach_ids, walk_id = [world.coach.id, world.coach2.id], world.walk.uuid
    db.session.commit()
    made = []

    def mark(index: int) -> None:
        review, created = coaching.mark_reviewed(
            db.session.get(Person, coach_ids[index % 2]), walk_id
        )
        made.append((review.id, created))

    assert _run_in_threads(app, mark) == []
    assert rows(Review) == 1
    assert len({review_id for review_id, _ in made}) == 1
    assert sum(created for _, created in made) == 1
    assert rows(Notification, Notification.kind == NotificationKind.REVIEW) == 1


def test_a_follow_up_closed_on_two_devices_ends_in_one_state(app, world):
    item = mayas_follow_up(world, "Ring back the same day", due_in_days=3)
    maya_id, item_id = world.maya.id, item.uuid
    db.session.commit()
    closed, conflicts = [], []

    def close(index: int) -> None:
        note = "Phone: we ring back by 5pm" if index % 2 else "Laptop: a call-back list"
        try:
            found, _ = followups.close_follow_up(db.session.get(Person, maya_id), item_id, note)
            closed.append(found.closing_note)
        except Conflict:
            conflicts.append(note)

    assert _run_in_threads(app, close) == []
    final = db.session.scalar(select(FollowUp))
    assert final.status == FollowUpStatus.CLOSED
    assert final.version == 2  # closed once
    assert set(closed) == {final.closing_note}  # every success saw the one winner
    assert len(closed) + len(conflicts) == THREADS
    assert all(note != final.closing_note for note in conflicts)


def test_the_same_comment_sent_from_several_threads_is_stored_once(app, world):
    coach_id, walk_id, comment_id = world.coach.id, world.walk.uuid, uuid.uuid4()
    db.session.commit()

    def send(_index: int) -> None:
        coaching.add_comment(
            db.session.get(Person, coach_id), walk_id, "Same words", comment_id=comment_id
        )

    assert _run_in_threads(app, send) == []
    assert rows(Comment) == 1
    assert rows(Notification, Notification.kind == NotificationKind.COMMENT) == 1


def test_overdue_sweeps_running_at_once_notify_once(app, world):
    item = mayas_follow_up(world, "Late", due_in_days=1)
    item.due_date = date(2020, 1, 1)
    db.session.commit()
    assert _run_in_threads(app, lambda _index: notifications.raise_overdue()) == []
    assert rows(Notification, Notification.kind == NotificationKind.FOLLOW_UP_OVERDUE) == 1
