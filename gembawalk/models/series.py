"""Repeating walks: a rule that plans ordinary walks ahead (leader standard work)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Time, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..limits import TEXT, WALK_MINUTES_DEFAULT
from ..timeutil import UTCDateTime, utcnow
from .customers import Customer
from .people import Person
from .vocabulary import RepeatRule, WalkKind, stored_as_text

series_customers = Table(
    "walk_series_customers",
    db.metadata,
    Column("series_id", ForeignKey("walk_series.id", ondelete="CASCADE"), primary_key=True),
    Column("customer_id", ForeignKey("customers.id"), primary_key=True),
)


class WalkSeries(Model):
    """What each occurrence copies: kind, place, purpose, customers, and the local time in an
    IANA zone, so a Tuesday 09:00 walk stays at 09:00 there across daylight-saving changes."""

    __tablename__ = "walk_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    rule: Mapped[RepeatRule] = mapped_column(stored_as_text(RepeatRule, "repeat_rule"))
    # The first occurrence: it fixes the weekday, the week parity and the day of the month.
    starts_on: Mapped[date] = mapped_column(Date)
    # The last day an occurrence may fall on; None repeats for good.
    ends_on: Mapped[date | None] = mapped_column(Date)
    at: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    kind: Mapped[WalkKind] = mapped_column(stored_as_text(WalkKind, "walk_kind"))
    place: Mapped[str] = mapped_column(String(TEXT["place"]), default="")
    purpose: Mapped[str] = mapped_column(String(TEXT["purpose"]), default="")
    planned_minutes: Mapped[int] = mapped_column(Integer, default=WALK_MINUTES_DEFAULT)
    # Occurrences exist up to this day: the generator looks only beyond it, so an occurrence
    # removed on purpose (a series cut short, then changed) is never made again.
    generated_through: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    manager: Mapped[Person] = relationship()
    customers: Mapped[list[Customer]] = relationship(
        secondary=series_customers, order_by="Customer.name"
    )

    def __repr__(self) -> str:
        return f"<WalkSeries {self.uuid} {self.rule} from {self.starts_on}>"
