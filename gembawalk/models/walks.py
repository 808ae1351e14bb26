"""Walks and the observations made on them (follow-ups that come out of those: followups.py)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..limits import TEXT, WALK_MINUTES_DEFAULT
from ..timeutil import UTCDateTime, local, utcnow
from .customers import Customer
from .demand import DemandType
from .people import Person
from .vocabulary import (
    Category,
    SaidBy,
    WalkKind,
    WalkStatus,
    WasteType,
    stored_as_text,
)

if TYPE_CHECKING:
    from .followups import FollowUp
    from .photos import Photo
    from .series import WalkSeries


walk_customers = Table(
    "walk_customers",
    db.metadata,
    Column("walk_id", ForeignKey("walks.id", ondelete="CASCADE"), primary_key=True),
    Column("customer_id", ForeignKey("customers.id"), primary_key=True),
)


class Walk(Model):
    __tablename__ = "walks"
    # One walk per day of a series, whoever makes it: the generator may run twice at once.
    __table_args__ = (UniqueConstraint("series_id", "occurrence_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made on the device, so a walk planned offline keeps its identity when it is sent.
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[WalkKind] = mapped_column(stored_as_text(WalkKind, "walk_kind"))
    purpose: Mapped[str] = mapped_column(String(TEXT["purpose"]), default="")
    place: Mapped[str] = mapped_column(String(TEXT["place"]), default="")
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The IANA zone the walk was planned in: its wall-clock time is what the manager meant.
    timezone: Mapped[str] = mapped_column(String(64))
    planned_minutes: Mapped[int] = mapped_column(Integer, default=WALK_MINUTES_DEFAULT)
    status: Mapped[WalkStatus] = mapped_column(
        stored_as_text(WalkStatus, "walk_status"), default=WalkStatus.PLANNED, index=True
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frontline_met: Mapped[str] = mapped_column(String(TEXT["frontline_met"]), default="")
    customers_spoken_to: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The standard questions the walk was asked (a JSON list, taken from its unit's when it
    # starts, or when it is recorded: services/questions/answers.py), null until then; and its
    # answers, a JSON object of text by question id. Later edits to the unit's questions
    # never touch either.
    questions_json: Mapped[str | None] = mapped_column(Text)
    answers_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Started without a plan ("Start a walk now") or recorded after the fact: its planned
    # start is its start, and on time and plan adherence leave it out.
    # The database defaults too, for walks loaded with SQL (bench, imports).
    unplanned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A done walk entered later from memory, not recorded as it happened.
    recorded_after: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A walk made by a repeating series, and the day the rule gave it (kept when the walk
    # alone is moved, so the generator never makes that day's walk again).
    series_id: Mapped[int | None] = mapped_column(ForeignKey("walk_series.id"), index=True)
    occurrence_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    manager: Mapped[Person] = relationship()
    series: Mapped[WalkSeries | None] = relationship()
    customers: Mapped[list[Customer]] = relationship(
        secondary=walk_customers, order_by="Customer.name"
    )
    observations: Mapped[list[Observation]] = relationship(
        back_populates="walk", order_by="Observation.made_at", cascade="all, delete-orphan"
    )

    @property
    def questions(self) -> list[dict]:
        return list(json.loads(self.questions_json)) if self.questions_json else []

    @property
    def answers(self) -> dict[str, str]:
        return dict(json.loads(self.answers_json or "{}"))

    @property
    def local_start(self) -> datetime:
        return local(self.planned_start, self.timezone)

    def is_missed(self, day_start: datetime) -> bool:
        """Planned, and its day passed before today began (`day_start`, as UTC) without it
        being done: derived, never stored (services.agenda.missed_clause is the SQL twin)."""
        return self.status == WalkStatus.PLANNED and self.planned_start < day_start

    def __repr__(self) -> str:
        return f"<Walk {self.uuid} {self.kind} {self.status}>"


class Observation(Model):
    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    category: Mapped[Category] = mapped_column(stored_as_text(Category, "category"))
    waste_type: Mapped[WasteType | None] = mapped_column(stored_as_text(WasteType, "waste_type"))
    said_by: Mapped[SaidBy] = mapped_column(
        stored_as_text(SaidBy, "said_by"), default=SaidBy.WALKER
    )
    text: Mapped[str] = mapped_column(Text)
    # A tally: the demand type heard (its kind decides the category, services/demand/types.py).
    demand_type_id: Mapped[int | None] = mapped_column(ForeignKey("demand_types.id"), index=True)
    # The register customer who said it, for a "what matters" in their own words (the
    # customer's page gathers them): services/sync/observations.py checks who may be named.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    # When the note was made on the device, which may be long before the server heard of it.
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    walk: Mapped[Walk] = relationship(back_populates="observations")
    author: Mapped[Person] = relationship()
    demand_type: Mapped[DemandType | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="observation", order_by="FollowUp.due_date"
    )
    if TYPE_CHECKING:  # made at run time by Photo.observation's backref; named here for mypy
        photos: Mapped[list[Photo]]
