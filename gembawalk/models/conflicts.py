"""Edits sent from a device against an old version: kept for the manager to resolve."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow
from .people import Person
from .vocabulary import Labelled, stored_as_text


class ConflictResolution(Labelled):
    KEPT_SERVER = "kept_server"
    APPLIED_MINE = "applied_mine"


class SyncConflict(Model):
    __tablename__ = "sync_conflicts"
    # The same stale request sent again is the same conflict, not a second one.
    __table_args__ = (UniqueConstraint("record_uuid", "body_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    record_type: Mapped[str] = mapped_column(String(20))  # "walk" or "observation"
    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    base_version: Mapped[int] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)  # the version the edit ran into
    body: Mapped[str] = mapped_column(Text)  # the JSON the device sent, as sent
    body_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[ConflictResolution | None] = mapped_column(
        stored_as_text(ConflictResolution, "conflict_resolution")
    )

    person: Mapped[Person] = relationship()
