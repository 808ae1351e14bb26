"""Records removed on the server, by their device UUID: a phone that still holds one is told
it is gone (410), and the UUID is never used again."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow


class RemovedRecord(Model):
    __tablename__ = "removed_records"

    # The UUID itself is the key: one tombstone per id, whatever kind of record it named.
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))  # walk, observation, comment or follow-up
    # Whose record it was: only they are told why it went.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
