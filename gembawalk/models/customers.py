"""The customer register: the end users of what each unit produces."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from .people import OrgUnit


class CustomerKind(enum.StrEnum):
    # Only contact with external customers counts as customer engagement (seed 004).
    EXTERNAL = "external"
    INTERNAL = "internal"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[CustomerKind] = mapped_column(
        db.Enum(
            CustomerKind,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
            create_constraint=True,
            name="customer_kind",
        ),
    )
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org_unit: Mapped[OrgUnit] = relationship()

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.name!r}>"
