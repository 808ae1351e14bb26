"""Coaching: the review queue, comment threads on walks and observations, marking reviewed."""

from __future__ import annotations

import uuid as uuid_lib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, func, select, update
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
from .notifications import notify, quote


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
        raise Forbidden("Only coaches review walks.")
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
        raise Forbidden("Only a coach of this manager marks their walks reviewed.")
    if walk.status != WalkStatus.DONE:
        raise Conflict("Only a done walk can be reviewed.")
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
        f"{actor.display_name} reviewed your walk: {walk.place or walk.kind.label}",
        walk_link(walk),
        actor_id=actor.id,
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


def _body(text: str | None) -> str:
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
        raise Invalid({"observation_id": "That observation is not on this walk."})
    return observation


def _thread_of(walk: Walk, parent_id: uuid_lib.UUID | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = db.session.scalar(
        select(Comment).where(Comment.uuid == parent_id, Comment.walk_id == walk.id)
    )
    if parent is None:
        raise Invalid({"parent_id": "That comment is not on this walk."})
    return parent.parent or parent  # answering a reply answers its thread


def get_comment(actor: Person, comment_id: uuid_lib.UUID) -> Comment:
    comment = db.session.scalar(
        select(Comment)
        .join(Walk, Comment.walk_id == Walk.id)
        .where(Comment.uuid == comment_id, access.visible_walks_clause(actor))
    )
    if comment is None:
        raise NotFound("No such comment.")
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
    about = quote(comment.body)
    anchor = f"comment-{comment.uuid}"
    if parent is None:
        notify(
            walk.manager_id,
            NotificationKind.COMMENT,
            f"comment:{comment.uuid}",
            f"{actor.display_name} commented on your walk: {about}",
            walk_link(walk, anchor),
            actor_id=actor.id,
        )
        return
    # Everyone in the thread hears of the answer, and the walk's manager always does.
    people = {parent.author_id, walk.manager_id, *(r.author_id for r in parent.replies)}
    for person_id in sorted(people - {actor.id}):
        notify(
            person_id,
            NotificationKind.REPLY,
            f"comment:{comment.uuid}",
            f"{actor.display_name} replied: {about}",
            walk_link(walk, anchor),
            actor_id=actor.id,
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
    Returns the comment and whether this call made it."""
    walk = access.get_visible_walk(actor, walk_id)
    text = _body(body)
    parent = _thread_of(walk, parent_id)
    observation = _observation_of(walk, observation_id) if parent is None else parent.observation
    if comment_id is not None:
        found = db.session.scalar(select(Comment).where(Comment.uuid == comment_id))
        if found is not None:
            if _same_comment(found, actor, walk, text, parent, observation):
                return found, False
            raise Invalid({"": "That comment id is already used for a different comment."})
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


@rolls_back
def edit_comment(
    actor: Person, comment_id: uuid_lib.UUID, body: str, base_version: int | None
) -> Comment:
    """Change one's own comment. The edit names the version it was made from; if the comment
    changed since, the edit is refused as a conflict rather than overwriting."""
    comment = get_comment(actor, comment_id)
    if comment.author_id != actor.id:
        raise Forbidden("Only the author changes a comment.")
    text = _body(body)
    if text == comment.body:
        return comment
    if base_version is None:
        raise Invalid({"base_version": "Say which version this edit was made from."})
    if base_version != comment.version:
        raise Conflict(
            f"The comment changed since (version {comment.version}, the edit was made from "
            f"{base_version})."
        )
    # Compare and set in one statement, so two edits from the same version cannot both win.
    result = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.version == base_version)
        .values(body=text, version=Comment.version + 1, updated_at=utcnow())
    )
    changed = cast(CursorResult, result).rowcount  # an UPDATE answers with a cursor
    if changed != 1:
        raise Conflict("The comment changed since this edit was made.")
    db.session.commit()
    db.session.refresh(comment)
    return comment


@rolls_back
def put_comment(
    actor: Person,
    comment_id: uuid_lib.UUID,
    *,
    body: str | None,
    walk_id: uuid_lib.UUID | None = None,
    observation_id: uuid_lib.UUID | None = None,
    parent_id: uuid_lib.UUID | None = None,
    base_version: int | None = None,
) -> tuple[Comment, bool]:
    """The API's create-or-edit by the device's id: a create (no base_version) made again is
    a repeat; an edit names the version it was made from. Returns the comment and whether
    this call created it."""
    existing = db.session.scalar(select(Comment).where(Comment.uuid == comment_id))
    if existing is None and base_version is not None:
        raise NotFound("No such comment.")
    if existing is None or base_version is None:
        if walk_id is None:
            raise Invalid({"walk_id": "Name the walk the comment is on."})
        return add_comment(
            actor,
            walk_id,
            body or "",
            observation_id=observation_id,
            parent_id=parent_id,
            comment_id=comment_id,
        )
    comment = get_comment(actor, comment_id)
    if comment.author_id == actor.id and _body(body) == comment.body:
        return comment, False  # the retry of an edit that already landed
    return edit_comment(actor, comment_id, body or "", base_version), False
