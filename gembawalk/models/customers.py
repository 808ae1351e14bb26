"""The customer register: the end users of what each unit produces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..limits import TEXT
from ..timeutil import UTCDateTime, utcnow
from .people import OrgUnit
from .vocabulary import CustomerKind, stored_as_text


class Customer(Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TEXT["customer_name"]))
    kind: Mapped[CustomerKind] = mapped_column(
        stored_as_text(CustomerKind, "customer_kind"),
    )
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org_unit: Mapped[OrgUnit] = relationship()

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.name!r}>"
