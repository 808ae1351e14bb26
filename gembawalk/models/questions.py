"""Standard questions: the short, ordered list a unit asks on each kind of walk, inherited by
the units below; retired rather than deleted. A walk keeps the questions it was asked (a
snapshot on the walk, models/walks.py), so changing them never rewrites an answer."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..limits import TEXT
from ..timeutil import UTCDateTime, utcnow
from .people import OrgUnit
from .vocabulary import AnswerType, WalkKind, stored_as_text


class UnitQuestion(Model):
    __tablename__ = "unit_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    walk_kind: Mapped[WalkKind] = mapped_column(stored_as_text(WalkKind, "question_walk_kind"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(TEXT["question"]))
    answer_type: Mapped[AnswerType] = mapped_column(stored_as_text(AnswerType, "answer_type"))
    # The choices of a "one of a few" question, a JSON list of strings ([] for the others).
    choices_json: Mapped[str] = mapped_column(Text, default="[]")
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org_unit: Mapped[OrgUnit] = relationship()

    @property
    def choices(self) -> list[str]:
        return list(json.loads(self.choices_json or "[]"))

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def asked(self) -> dict:
        """The question as a walk keeps it, and as the API and the device read it."""
        return {
            "id": self.id,
            "text": self.text,
            "answer_type": self.answer_type.value,
            "choices": self.choices,
            "required": self.required,
        }

    def __repr__(self) -> str:
        return f"<UnitQuestion {self.id} {self.walk_kind.value} {self.text!r}>"
