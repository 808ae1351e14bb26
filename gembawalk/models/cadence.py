"""Cadence: a manager's standard work, as targets per week or per month."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .vocabulary import CadencePeriod, stored_as_text


class CadenceTargets:
    """Columns shared by a person (their own setting) and an org unit (its default).

    A row has a cadence when `cadence_period` is set; the two counts then say how many
    customer visits and gemba walks each period asks for.
    """

    @declared_attr
    def cadence_period(cls) -> Mapped[CadencePeriod | None]:
        return mapped_column(stored_as_text(CadencePeriod, "cadence_period"))

    cadence_customer_visits: Mapped[int | None] = mapped_column(Integer)
    cadence_gemba_walks: Mapped[int | None] = mapped_column(Integer)
