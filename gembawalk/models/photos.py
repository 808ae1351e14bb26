"""Photos taken during a walk, each held by one observation and stored as a file on disk."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow
from .walks import Observation


class Photo(Model):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made on the device, so that a photo sent twice is stored once.
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    observation_id: Mapped[int] = mapped_column(
        ForeignKey("observations.id", ondelete="CASCADE"), index=True
    )
    # A random name made by the server: nothing the client sent reaches the file system.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    # SHA-256 of the bytes as received: tells a repeat from a different photo under one id.
    received_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    observation: Mapped[Observation] = relationship(
        # Loaded with the observations in one more query, never one per observation.
        backref=backref(
            "photos", order_by="Photo.id", cascade="all, delete-orphan", lazy="selectin"
        )
    )

    @property
    def version(self) -> int:
        return 1  # a photo never changes: a new picture is a new photo
