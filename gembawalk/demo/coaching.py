"""Coaching in the demo: older walks reviewed, recent ones waiting in each coach's queue,
comment threads with the managers' answers, and the notifications they raised."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Comment,
    FollowUp,
    Notification,
    NotificationKind,
    Person,
    Review,
    Walk,
    WalkStatus,
    coach_assignments,
)
from ..services.notifications import written_for

QUEUE_DAYS = 10  # walks done more recently than this wait for review
COACH_COMMENTS = [
    "Good that you wrote it in their words. What did you do next?",
    "What would the customer say about this if you asked them why?",
    "Is this failure demand? What failed to happen for them first?",
    "Thank whoever showed you this, and ask what they would change.",
    "Where would you go to see the cause of this, rather than the effect?",
    "Nice catch. How often does this happen in a day?",
]
MANAGER_REPLIES = [
    "I asked: about five times a day on the late shift.",
    "We traced it back to the booking form; there is a follow-up for it now.",
    "Good point. I'll go back on Thursday and watch it again.",
    "They had raised it before. I thanked them and took it on.",
]


def add_coaching(now: datetime, rng: random.Random) -> dict[str, int]:
    """Reviews, comments and notifications for the demo organisation already in the session."""
    db.session.flush()
    made = {"reviews": 0, "comments": 0, "notifications": 0}
    coached = db.session.execute(
        select(coach_assignments.c.manager_id, coach_assignments.c.coach_id)
    ).all()
    coach_of = dict(coached)
    people = {p.id: p for p in db.session.scalars(select(Person))}
    walks = db.session.scalars(
        select(Walk)
        .where(Walk.status == WalkStatus.DONE, Walk.manager_id.in_(coach_of))
        .options(selectinload(Walk.observations))
        .order_by(Walk.completed_at)
    ).all()
    rows: list = []
    latest = {walk.manager_id: walk for walk in walks}  # each manager's last done walk

    def notify(person_id, kind, key, facts, link, actor_id, when) -> None:
        read = when if now - when > timedelta(days=3) else None
        text = written_for(people[person_id], kind, actor=people[actor_id].display_name, **facts)
        rows.append(
            Notification(
                person_id=person_id, actor_id=actor_id, kind=kind, key=key, text=text,
                link=link, created_at=when, read_at=read,
            )
        )  # fmt: skip
        made["notifications"] += 1

    for walk in walks:
        assert walk.completed_at is not None  # done walks only: every one has been completed
        coach = people[coach_of[walk.manager_id]]
        recent = now - walk.completed_at < timedelta(days=QUEUE_DAYS)
        link = f"/walks/{walk.uuid}"
        reviewed_at = min(now, walk.completed_at + timedelta(hours=rng.randint(6, 96)))
        settled = now - walk.completed_at > timedelta(days=3)
        if not recent or (settled and rng.random() < 0.3):
            rows.append(Review(walk_id=walk.id, reviewer_id=coach.id, reviewed_at=reviewed_at))
            made["reviews"] += 1
            if now - reviewed_at < timedelta(days=14):
                notify(
                    walk.manager_id, NotificationKind.REVIEW, f"review:{walk.uuid}",
                    {"walk": walk.place or walk.kind.label}, link, coach.id,
                    reviewed_at,
                )  # fmt: skip
        newest = latest[walk.manager_id] is walk  # a comment waits unread on it
        if not walk.observations or (not newest and rng.random() > (0.5 if recent else 0.25)):
            continue
        observation = rng.choice(walk.observations)
        asked_at = min(now, walk.completed_at + timedelta(hours=rng.randint(2, 48)))
        comment = Comment(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4), walk_id=walk.id,
            observation_id=observation.id, author_id=coach.id, body=rng.choice(COACH_COMMENTS),
            created_at=asked_at, updated_at=asked_at,
        )  # fmt: skip
        db.session.add(comment)
        db.session.flush()
        made["comments"] += 1
        if now - asked_at < timedelta(days=14):
            notify(
                walk.manager_id, NotificationKind.COMMENT, f"comment:{comment.uuid}",
                {"said": comment.body},
                f"{link}#comment-{comment.uuid}", coach.id, asked_at,
            )  # fmt: skip
        answered_at = asked_at + timedelta(hours=rng.randint(1, 30))
        if answered_at < now and not newest and rng.random() < 0.6:
            reply = Comment(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4), walk_id=walk.id,
                observation_id=observation.id, parent_id=comment.id, author_id=walk.manager_id,
                body=rng.choice(MANAGER_REPLIES), created_at=answered_at, updated_at=answered_at,
            )  # fmt: skip
            rows.append(reply)
            made["comments"] += 1
            if now - answered_at < timedelta(days=14):
                notify(
                    coach.id, NotificationKind.REPLY, f"comment:{reply.uuid}",
                    {"said": reply.body},
                    f"{link}#comment-{reply.uuid}", walk.manager_id, answered_at,
                )  # fmt: skip
    for item in db.session.scalars(
        select(FollowUp).where(FollowUp.owner_id != FollowUp.created_by_id)
    ):
        if now - item.created_at < timedelta(days=21):
            maker = people[item.created_by_id]
            notify(
                item.owner_id, NotificationKind.FOLLOW_UP_ASSIGNED,
                f"assigned:{item.uuid}:{item.owner_id}",
                {"due": item.due_date, "said": item.action}, f"/follow-ups/{item.uuid}", maker.id,
                item.created_at,
            )  # fmt: skip
    db.session.add_all(rows)
    db.session.flush()
    return made
