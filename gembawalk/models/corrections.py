"""Corrections of sent records: what a done walk or one of its observations said before the
walker corrected it, kept for good as the record's history."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow
from .people import Person


class Correction(Model):
    """One correction: who made it, when, the version it made, and each field's old and new
    value (as the API shows them). An observation's correction names the observation."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    # Kept by UUID, not by key: the history stays readable whatever becomes of the note.
    observation_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)  # the corrected record's version after it
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    changes_json: Mapped[str] = mapped_column("changes", Text)

    changed_by: Mapped[Person] = relationship()

    @property
    def changes(self) -> dict[str, list[Any]]:
        """{field: [old, new]}."""
        return json.loads(self.changes_json)
