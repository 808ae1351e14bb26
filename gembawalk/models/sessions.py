"""Sessions: one row for each signed-in device, so that signing out ends that device only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..limits import TEXT
from ..timeutil import UTCDateTime, utcnow
from .people import Person


class DeviceSession(Model):
    """A device's sign-in. The cookie carries a random secret; only its SHA-256 is kept here,
    so a copy of the table signs nobody in. Ending the session deletes the row."""

    __tablename__ = "device_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Keep me signed in": the session outlives the idle and absolute limits, up to
    # GEMBAWALK_REMEMBER_DAYS after it was made.
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most once a minute (sessions.TOUCH_EVERY), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Product names ("Chrome 131", "Android 14"), "" where the User-Agent named none: words
    # for them are the reader's (services/people/devices.label), not stored.
    browser: Mapped[str] = mapped_column(String(TEXT["device_part"]), default="")
    system: Mapped[str] = mapped_column(String(TEXT["device_part"]), default="")
    # The client's address when last seen (the proxy's X-Forwarded-For, as far as trusted).
    address: Mapped[str | None] = mapped_column(String(TEXT["address"]))

    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<DeviceSession {self.id} of person {self.person_id}>"
