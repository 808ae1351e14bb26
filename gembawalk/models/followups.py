"""Follow-ups: actions that come out of an observation or a walk, with an owner, a due date
and, once done, what was done ("you said, we did")."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..limits import TEXT
from ..timeutil import UTCDateTime, utcnow
from .demand import DemandType
from .people import Person
from .vocabulary import FollowUpStatus, stored_as_text
from .walks import Observation, Walk


class FollowUp(Model):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    observation_id: Mapped[int | None] = mapped_column(
        ForeignKey("observations.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(TEXT["action"]))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[FollowUpStatus] = mapped_column(
        stored_as_text(FollowUpStatus, "follow_up_status"), default=FollowUpStatus.OPEN
    )
    closing_note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The demand type the action means to reduce: did the fix work (services/demand/fixes.py).
    demand_type_id: Mapped[int | None] = mapped_column(ForeignKey("demand_types.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    walk: Mapped[Walk] = relationship()
    observation: Mapped[Observation | None] = relationship(back_populates="follow_ups")
    owner: Mapped[Person] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[Person] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[Person | None] = relationship(foreign_keys=[closed_by_id])
    demand_type: Mapped[DemandType | None] = relationship()
