"""Coaching and follow-up rules, without HTTP: the queue, reviews, comments, follow-ups."""

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
    Review,
    WalkStatus,
)
from gembawalk.services import coaching, notifications
from gembawalk.services.errors import Conflict, Forbidden, Invalid, NotFound
from gembawalk.services.followups import lists as followups_lists
from gembawalk.services.followups import rules as followups
from gembawalk.services.sync import comments as sync_comments

from .coaching_world import build_world, done_walk
from .factories import PersonFactory, WalkFactory


@pytest.fixture
def world(app):
    return build_world()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def inbox(person, kind=None) -> list[Notification]:
    query = select(Notification).where(Notification.person_id == person.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def tomorrow() -> date:
    return datetime.now(UTC).date() + timedelta(days=2)


# The review queue


def test_the_queue_holds_done_unreviewed_walks_of_my_managers_oldest_first(world):
    older = done_walk(world.maya, hours_ago=50, place="Older")
    WalkFactory(manager=world.maya, status=WalkStatus.PLANNED)  # not done: not waiting
    queue = coaching.review_queue(world.coach)
    assert [w.place for w in queue.walks] == ["Older", "Packing line"]
    assert queue.count == 2
    assert timedelta(hours=49) < queue.oldest_wait < timedelta(hours=51)
    assert older in queue.walks
    assert world.other_walk not in queue.walks


def test_a_reviewed_walk_leaves_the_queue_and_the_manager_is_told(world):
    review, made = coaching.mark_reviewed(world.coach, world.walk.uuid)
    assert made
    assert review.reviewer_id == world.coach.id
    assert coaching.review_queue(world.coach).count == 0
    assert coaching.waiting_count(world.coach) == 0
    [told] = inbox(world.maya, NotificationKind.REVIEW)
    assert "Cora Coach reviewed your walk" in told.text
    assert told.link == f"/walks/{world.walk.uuid}"


def test_marking_reviewed_twice_keeps_one_review_and_one_notification(world):
    first, _ = coaching.mark_reviewed(world.coach, world.walk.uuid)
    again, made = coaching.mark_reviewed(world.coach, world.walk.uuid)
    assert not made
    assert again.id == first.id
    assert count(Review) == 1
    assert len(inbox(world.maya)) == 1


def test_only_the_managers_own_coach_reviews(world):
    with pytest.raises(Forbidden):
        coaching.review_queue(world.director)
    with pytest.raises(Forbidden):  # a director sees the walk, but reviewing is a coach's part
        coaching.mark_reviewed(world.director, world.walk.uuid)
    with pytest.raises(NotFound):  # another manager's coach does not even see it
        coaching.mark_reviewed(world.coach2, world.walk.uuid)


def test_a_walk_not_done_cannot_be_reviewed(world):
    planned = WalkFactory(manager=world.maya)
    with pytest.raises(Conflict):
        coaching.mark_reviewed(world.coach, planned.uuid)


# Comments


def test_a_comment_on_an_observation_reaches_the_manager_and_a_reply_the_coach(world):
    comment, made = coaching.add_comment(
        world.coach, world.walk.uuid, "What did the driver say?", observation_id=world.obs.uuid
    )
    assert made
    assert comment.observation_id == world.obs.id
    [told] = inbox(world.maya, NotificationKind.COMMENT)
    assert told.link.endswith(f"#comment-{comment.uuid}")
    reply, _ = coaching.add_comment(
        world.maya, world.walk.uuid, "That the app shows no time", parent_id=comment.uuid
    )
    assert reply.parent_id == comment.id
    assert reply.observation_id == world.obs.id
    [answered] = inbox(world.coach, NotificationKind.REPLY)
    assert "Maya Manager replied" in answered.text
    assert inbox(world.maya, NotificationKind.REPLY) == []  # not told of her own reply
    talk = coaching.conversation(world.walk)
    [thread] = talk.on(world.obs)
    assert thread.comment == comment
    assert thread.replies == [reply]
    assert talk.count == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "is required"), ("   ", "is required"), ("x" * 2001, "the limit is 2000")],
)
def test_an_empty_or_too_long_comment_is_refused(world, body, message):
    with pytest.raises(Invalid) as refused:
        coaching.add_comment(world.coach, world.walk.uuid, body)
    assert message in refused.value.errors["body"]
    assert count(Comment) == 0


def test_the_same_comment_sent_twice_is_stored_once_and_a_different_body_is_refused(world):
    comment_id = uuid.uuid4()
    coaching.add_comment(world.coach, world.walk.uuid, "Good walk", comment_id=comment_id)
    again, made = coaching.add_comment(
        world.coach, world.walk.uuid, "Good walk", comment_id=comment_id
    )
    assert not made
    assert again.uuid == comment_id
    with pytest.raises(Invalid):
        coaching.add_comment(world.coach, world.walk.uuid, "Other words", comment_id=comment_id)
    assert count(Comment) == 1
    assert len(inbox(world.maya)) == 1


def test_a_comment_cannot_point_at_an_observation_of_another_walk(world):
    with pytest.raises(Invalid):
        coaching.add_comment(
            world.admin, world.walk.uuid, "Hm", observation_id=world.other_obs.uuid
        )


def test_nobody_comments_on_a_walk_they_may_not_see(world):
    with pytest.raises(NotFound):
        coaching.add_comment(world.coach2, world.walk.uuid, "Hello")
    with pytest.raises(NotFound):
        coaching.add_comment(world.sam, world.walk.uuid, "Hello")


def test_an_edit_from_a_stale_version_is_kept_as_a_conflict(world):
    comment, _ = coaching.add_comment(world.coach, world.walk.uuid, "First words")
    better = {"body": "Better words", "base_version": 1}
    edited = sync_comments.put_comment(world.coach, comment.uuid, better)
    assert (edited.record.version, edited.conflict) == (2, None)
    stale = sync_comments.put_comment(world.coach, comment.uuid, {**better, "body": "Lost words"})
    assert stale.conflict is not None
    assert (stale.conflict.person_id, stale.conflict.record_type) == (world.coach.id, "comment")
    with pytest.raises(Forbidden):
        sync_comments.put_comment(world.maya, comment.uuid, {"body": "Not mine", "base_version": 2})
    assert db.session.get(Comment, comment.id).body == "Better words"


# Follow-ups


def make_follow_up(world, **overrides):
    fields = {
        "action": "Show the van's arrival time in the app",
        "owner_id": world.maya.id,
        "due_date": tomorrow(),
        "observation_id": world.obs.uuid,
        **overrides,
    }
    return followups.create_follow_up(world.maya, world.walk.uuid, **fields)[0]


def test_a_follow_up_from_an_observation_tells_its_owner(world):
    item = make_follow_up(world, owner_id=world.sam.id)
    assert item.observation_id == world.obs.id
    assert item.status == FollowUpStatus.OPEN
    [told] = inbox(world.sam, NotificationKind.FOLLOW_UP_ASSIGNED)
    assert "Maya Manager gave you a follow-up" in told.text
    # Sam may not see Maya's walk, but does see the follow-up handed to him.
    assert followups.get_follow_up(world.sam, item.uuid) == item
    with pytest.raises(NotFound):
        followups.get_follow_up(world.coach2, item.uuid)


def test_a_follow_up_due_in_the_past_or_owned_outside_the_organisation_is_refused(world):
    outsider = PersonFactory(roles=["manager"], org_unit=None)
    gone = PersonFactory(roles=["manager"], org_unit=world.north, active=False)
    with pytest.raises(Invalid) as refused:
        make_follow_up(world, due_date=date(2020, 1, 1), owner_id=outsider.id, action="")
    assert set(refused.value.errors) == {"due_date", "owner_id", "action"}
    for owner_id in (gone.id, 999_999, None):
        with pytest.raises(Invalid):
            make_follow_up(world, owner_id=owner_id)
    assert count(FollowUp) == 0


def test_my_follow_ups_open_overdue_and_closed(world):
    due_soon = make_follow_up(world)
    late = make_follow_up(world, action="Late one")
    late.due_date = date.today() - timedelta(days=3)  # made long ago, now overdue
    db.session.commit()
    done = make_follow_up(world, action="Done one")
    followups.close_follow_up(world.maya, done.uuid, "Drivers now text a time window")
    mine = followups_lists.my_follow_ups(world.maya, "open")
    assert mine.counts == {"open": 2, "overdue": 1, "closed": 1}
    assert [i.action for i in mine.items] == ["Late one", due_soon.action]
    overdue = followups_lists.my_follow_ups(world.maya, "overdue")
    assert [i.action for i in overdue.items] == ["Late one"]
    closed = followups_lists.my_follow_ups(world.maya, "closed")
    assert [i.action for i in closed.items] == ["Done one"]
    assert notifications.raise_overdue() == 1
    assert notifications.raise_overdue() == 0  # told once
    [told] = inbox(world.maya, NotificationKind.FOLLOW_UP_OVERDUE)
    assert "Late one" in told.text


def test_closing_says_what_was_done_and_shows_on_the_observation(world):
    item = make_follow_up(world)
    closed, made = followups.close_follow_up(world.maya, item.uuid, "We text a time window now")
    assert made
    assert closed.status == FollowUpStatus.CLOSED
    assert closed.version == 2
    assert closed.closed_by_id == world.maya.id
    [shown] = followups_lists.for_walk(world.walk).on(world.obs)
    assert shown.closing_note == "We text a time window now"


@pytest.mark.parametrize("note", ["", "y" * 2001])
def test_an_empty_or_too_long_closing_note_is_refused(world, note):
    item = make_follow_up(world)
    with pytest.raises(Invalid):
        followups.close_follow_up(world.maya, item.uuid, note)
    assert db.session.get(FollowUp, item.id).status == FollowUpStatus.OPEN


def test_closing_again_with_the_same_note_is_a_repeat_and_with_another_a_conflict(world):
    item = make_follow_up(world)
    followups.close_follow_up(world.maya, item.uuid, "Done this way")
    again, made = followups.close_follow_up(world.maya, item.uuid, "Done this way")
    assert not made
    assert again.version == 2
    with pytest.raises(Conflict, match="Already closed by Maya Manager"):
        followups.close_follow_up(world.maya, item.uuid, "Done another way")


def test_only_the_owner_or_maker_closes(world):
    item = make_follow_up(world)
    with pytest.raises(Forbidden):
        followups.close_follow_up(world.director, item.uuid, "Not mine to close")


def test_closure_rates_per_unit_for_a_director_cover_the_units_they_lead(world):
    make_follow_up(world)
    closing = make_follow_up(world, action="Second")
    followups.close_follow_up(world.maya, closing.uuid, "Done")
    followups.create_follow_up(
        world.sam, world.other_walk.uuid, action="South's", owner_id=world.sam.id,
        due_date=tomorrow(),
    )  # fmt: skip
    rows, _ = followups_lists.closure_rates(world.director)
    assert [(r.unit.name, r.total, r.closed, r.rate) for r in rows] == [("North", 2, 1, 0.5)]
    everyone = {r.unit.name: r.total for r in followups_lists.closure_rates(world.admin)[0]}
    assert everyone == {"Council": 3, "North": 2, "South": 1}  # a parent sums its teams
    with pytest.raises(Forbidden):
        followups_lists.closure_rates(world.maya)


@pytest.mark.parametrize(
    ("status", "offered"),
    [(WalkStatus.PLANNED, False), (WalkStatus.IN_PROGRESS, False), (WalkStatus.DONE, True)],
)
def test_the_walk_page_offers_a_review_to_the_coach_once_the_walk_is_done(world, status, offered):
    world.walk.status = status
    db.session.commit()
    assert coaching.may_mark_reviewed(world.coach, world.walk) is offered
    assert coaching.may_mark_reviewed(world.director, world.walk) is False
