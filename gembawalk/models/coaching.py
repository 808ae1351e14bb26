"""Coaching: reviews of done walks, comment threads on walks and observations, notifications."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow
from .people import Person
from .vocabulary import Labelled, stored_as_text
from .walks import Observation, Walk


class Review(Model):
    """A coach has read a done walk. One row per walk: the unique walk id is what makes two
    coaches pressing "Mark reviewed" at once end with one review, on every database."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(
        ForeignKey("walks.id", ondelete="CASCADE"), unique=True, index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    walk: Mapped[Walk] = relationship()
    reviewer: Mapped[Person] = relationship()


class Comment(Model):
    """A comment on a walk, or on one of its observations. A reply names the comment that
    opened its thread (threads are one level deep: answers, not trees)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made on the device, so a reply written offline keeps its identity when it is sent.
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    observation_id: Mapped[int | None] = mapped_column(
        ForeignKey("observations.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    walk: Mapped[Walk] = relationship()
    observation: Mapped[Observation | None] = relationship()
    author: Mapped[Person] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", order_by="Comment.created_at"
    )


class NotificationKind(Labelled):
    COMMENT = "comment"
    REPLY = "reply"
    REVIEW = "review"
    FOLLOW_UP_ASSIGNED = "follow_up_assigned"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"


class Notification(Model):
    """Something for one person to see in the app. `key` names the event (a comment's id,
    a follow-up going overdue), so raising the same event twice notifies once."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("person_id", "key", name="uq_notifications_person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[NotificationKind] = mapped_column(
        stored_as_text(NotificationKind, "notification_kind")
    )
    key: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    actor: Mapped[Person | None] = relationship(foreign_keys=[actor_id])


__all__ = ["Comment", "Notification", "NotificationKind", "Review"]
