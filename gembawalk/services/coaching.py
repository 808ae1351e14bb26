"""Coaching: the review queue, comment threads on walks and observations, marking reviewed."""

from __future__ import annotations

import uuid as uuid_lib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Comment,
    NotificationKind,
    Observation,
    Person,
    Review,
    Role,
    Walk,
    WalkStatus,
    coach_assignments,
)
from ..timeutil import utcnow
from . import access, validation
from .errors import Conflict, Forbidden, Invalid, NotFound, rolls_back
from .notifications import notify


@dataclass
class ReviewQueue:
    """Done walks of the coach's managers that nobody has reviewed yet, oldest first."""

    walks: list[Walk]
    count: int
    oldest_wait: timedelta | None


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class Conversation:
    """Every comment thread on one walk: on the walk itself, and per observation."""

    on_walk: list[Thread] = field(default_factory=list)
    by_observation: dict[int, list[Thread]] = field(default_factory=dict)

    def on(self, observation: Observation) -> list[Thread]:
        return self.by_observation.get(observation.id, [])

    @property
    def count(self) -> int:
        threads = [*self.on_walk, *(t for ts in self.by_observation.values() for t in ts)]
        return sum(1 + len(t.replies) for t in threads)


def _coached_ids(actor: Person):
    return select(coach_assignments.c.manager_id).where(coach_assignments.c.coach_id == actor.id)


def _unreviewed():
    return ~select(Review.id).where(Review.walk_id == Walk.id).exists()


def review_queue(actor: Person, now: datetime | None = None, limit: int = 100) -> ReviewQueue:
    if not actor.has_role(Role.COACH):
        raise Forbidden(_("Only coaches review walks."))
    waiting = (
        Walk.manager_id.in_(_coached_ids(actor)),
        Walk.status == WalkStatus.DONE,
        _unreviewed(),
    )
    count = db.session.scalar(select(func.count(Walk.id)).where(*waiting)) or 0
    walks = db.session.scalars(
        select(Walk)
        .where(*waiting)
        .options(selectinload(Walk.manager), selectinload(Walk.observations))
        .order_by(Walk.completed_at.asc())
        .limit(limit)
    ).all()
    oldest: timedelta | None = None
    if walks:
        assert walks[0].completed_at is not None  # only done walks wait for review
        oldest = (now or utcnow()) - walks[0].completed_at
    return ReviewQueue(walks=list(walks), count=count, oldest_wait=oldest)


def waiting_count(actor: Person) -> int:
    """How many walks wait for this coach (0 for anyone else): for the navigation's badge."""
    if not actor.has_role(Role.COACH):
        return 0
    return (
        db.session.scalar(
            select(func.count(Walk.id)).where(
                Walk.manager_id.in_(_coached_ids(actor)),
                Walk.status == WalkStatus.DONE,
                _unreviewed(),
            )
        )
        or 0
    )


def may_review(actor: Person, walk: Walk) -> bool:
    """Reviewing is a coach's part, for the managers assigned to them."""
    if not actor.has_role(Role.COACH) or walk.manager_id == actor.id:
        return False
    found = db.session.scalar(
        _coached_ids(actor).where(coach_assignments.c.manager_id == walk.manager_id)
    )
    return found is not None


def may_mark_reviewed(actor: Person, walk: Walk) -> bool:
    """What the walk page offers: its manager's coach, once the walk is done."""
    return walk.status == WalkStatus.DONE and may_review(actor, walk)


def review_of(walk: Walk) -> Review | None:
    return db.session.scalar(
        select(Review).where(Review.walk_id == walk.id).options(selectinload(Review.reviewer))
    )


def walk_link(walk: Walk, anchor: str = "") -> str:
    return f"/walks/{walk.uuid}" + (f"#{anchor}" if anchor else "")


@rolls_back
def mark_reviewed(
    actor: Person, walk_id: uuid_lib.UUID, now: datetime | None = None
) -> tuple[Review, bool]:
    """Mark a done walk reviewed. Pressing it twice, or two coaches at once, leaves one review:
    the first; the others get that one back. Returns the review and whether this call made it."""
    walk = access.get_visible_walk(actor, walk_id)
    if not may_review(actor, walk):
        raise Forbidden(_("Only a coach of this manager marks their walks reviewed."))
    if walk.status != WalkStatus.DONE:
        raise Conflict(_("Only a done walk can be reviewed."))
    existing = review_of(walk)
    if existing is not None:
        return existing, False
    review = Review(walk_id=walk.id, reviewer_id=actor.id, reviewed_at=now or utcnow())
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:
        # Another coach's review landed between our look and our insert: theirs stands.
        db.session.rollback()
        existing = review_of(walk)
        if existing is None:
            raise
        return existing, False
    notify(
        walk.manager_id,
        NotificationKind.REVIEW,
        f"review:{walk.uuid}",
        walk_link(walk),
        actor_id=actor.id,
        actor=actor.display_name,
        walk=walk.place or walk.kind.label,
    )
    db.session.commit()
    return review, True


def conversation(walk: Walk) -> Conversation:
    """Every comment on the walk in one query, arranged into threads."""
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.walk_id == walk.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    threads: dict[int, Thread] = {}
    found = Conversation()
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.id] = Thread(comment)
            if comment.observation_id is None:
                found.on_walk.append(threads[comment.id])
            else:
                found.by_observation.setdefault(comment.observation_id, []).append(
                    threads[comment.id]
                )
        else:
            replies[comment.parent_id].append(comment)
    for parent_id, answers in replies.items():
        if parent_id in threads:
            threads[parent_id].replies = answers
    return found


def comment_text(text: str | None) -> str:
    """A comment's words as they are stored: stripped, required, within their limit."""
    return validation.text(text, "body", "comment", required=True, label="The comment")


def _observation_of(walk: Walk, observation_id: uuid_lib.UUID | None) -> Observation | None:
    if observation_id is None:
        return None
    observation = db.session.scalar(
        select(Observation).where(
            Observation.uuid == observation_id, Observation.walk_id == walk.id
        )
    )
    if observation is None:
        raise Invalid({"observation_id": _("That observation is not on this walk.")})
    return observation


def _thread_of(walk: Walk, parent_id: uuid_lib.UUID | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = db.session.scalar(
        select(Comment).where(Comment.uuid == parent_id, Comment.walk_id == walk.id)
    )
    if parent is None:
        raise Invalid({"parent_id": _("That comment is not on this walk.")})
    return parent.parent or parent  # answering a reply answers its thread


def get_comment(actor: Person, comment_id: uuid_lib.UUID) -> Comment:
    comment = db.session.scalar(
        select(Comment)
        .join(Walk, Comment.walk_id == Walk.id)
        .where(Comment.uuid == comment_id, access.visible_walks_clause(actor))
    )
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def _same_comment(found: Comment, actor: Person, walk: Walk, body: str, parent, observation):
    return (
        found.author_id == actor.id
        and found.walk_id == walk.id
        and found.body == body
        and found.parent_id == (parent.id if parent else None)
        and found.observation_id == (observation.id if observation else None)
    )


def _notify_about(comment: Comment, walk: Walk, actor: Person, parent: Comment | None) -> None:
    anchor = f"comment-{comment.uuid}"
    if parent is None:
        notify(
            walk.manager_id,
            NotificationKind.COMMENT,
            f"comment:{comment.uuid}",
            walk_link(walk, anchor),
            actor_id=actor.id,
            actor=actor.display_name,
            said=comment.body,
        )
        return
    # Everyone in the thread hears of the answer, and the walk's manager always does.
    people = {parent.author_id, walk.manager_id, *(r.author_id for r in parent.replies)}
    for person_id in sorted(people - {actor.id}):
        notify(
            person_id,
            NotificationKind.REPLY,
            f"comment:{comment.uuid}",
            walk_link(walk, anchor),
            actor_id=actor.id,
            actor=actor.display_name,
            said=comment.body,
        )


@rolls_back
def add_comment(
    actor: Person,
    walk_id: uuid_lib.UUID,
    body: str,
    *,
    observation_id: uuid_lib.UUID | None = None,
    parent_id: uuid_lib.UUID | None = None,
    comment_id: uuid_lib.UUID | None = None,
) -> tuple[Comment, bool]:
    """Comment on a walk or one of its observations, or answer a thread. The same comment id
    sent again with the same words adds nothing; with other words it is refused.
    Returns the comment and whether this call made it. (A device's comments and their edits
    go through the sync protocol: services/sync/comments.py.)"""
    walk = access.get_visible_walk(actor, walk_id)
    text = comment_text(body)
    parent = _thread_of(walk, parent_id)
    observation = _observation_of(walk, observation_id) if parent is None else parent.observation
    if comment_id is not None:
        found = db.session.scalar(select(Comment).where(Comment.uuid == comment_id))
        if found is not None:
            if _same_comment(found, actor, walk, text, parent, observation):
                return found, False
            raise Invalid({"": _("That comment id is already used for a different comment.")})
    comment = Comment(
        uuid=comment_id or uuid_lib.uuid4(),
        walk_id=walk.id,
        observation_id=observation.id if observation else None,
        parent_id=parent.id if parent else None,
        author_id=actor.id,
        body=text,
    )
    db.session.add(comment)
    try:
        db.session.flush()
    except IntegrityError:
        # The same id sent twice at once: the first stands; a repeat of it is not an error.
        db.session.rollback()
        found = db.session.scalar(select(Comment).where(Comment.uuid == comment.uuid))
        if found is not None and _same_comment(found, actor, walk, text, parent, observation):
            return found, False
        raise
    _notify_about(comment, walk, actor, parent)
    db.session.commit()
    return comment, True
