"""The audit log: an append-only record of who signed in, was refused, or changed access."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow


class AuditEvent(Model):
    """One event. Rows are only ever inserted: no code path updates or deletes them."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # Who acted (None: nobody signed in), and their email as it was then.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    # Whom or what it concerned: the email typed at sign-in, the person changed, the export.
    subject: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(45))
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.kind} {self.subject!r}>"
