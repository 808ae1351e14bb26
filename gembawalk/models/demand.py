"""Demand types: the demands a unit's customers bring, each value or failure, kept per org
unit and inherited by the units below; retired rather than deleted, so tallies keep their type."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..limits import TEXT
from ..timeutil import UTCDateTime, utcnow
from .people import OrgUnit
from .vocabulary import DEMAND_CATEGORY, Category, DemandKind, stored_as_text


class DemandType(Model):
    __tablename__ = "demand_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(TEXT["demand_type"]))
    kind: Mapped[DemandKind] = mapped_column(stored_as_text(DemandKind, "demand_kind"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org_unit: Mapped[OrgUnit] = relationship()

    @property
    def category(self) -> Category:
        return DEMAND_CATEGORY[self.kind]

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def __repr__(self) -> str:
        return f"<DemandType {self.id} {self.name!r} {self.kind.value}>"
