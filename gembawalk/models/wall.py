"""A unit's wall: the private link to its "you said, we did" page, and the frontline's
anonymous answers to "Fixed for us?" on what was done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow
from .vocabulary import FixedForUs, stored_as_text


class UnitWall(Model):
    """The secret in a unit's wall address; replaced to revoke the old one (like a calendar
    feed's). Made on first look, one per unit."""

    __tablename__ = "unit_walls"

    org_unit_id: Mapped[int] = mapped_column(
        ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WallAnswer(Model):
    """One device's answer to "Fixed for us?" on one done item. No person: the device is a
    random cookie, the address is kept only to count answers against the rate limit."""

    __tablename__ = "wall_answers"
    # Once per device and item, whatever two taps at once may try.
    __table_args__ = (
        UniqueConstraint("observation_id", "device"),
        Index("ix_wall_answers_address_answered_at", "address", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(
        ForeignKey("observations.id", ondelete="CASCADE"), index=True
    )
    device: Mapped[str] = mapped_column(String(64))
    answer: Mapped[FixedForUs] = mapped_column(stored_as_text(FixedForUs, "fixed_for_us"))
    address: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
