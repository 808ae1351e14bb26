"""Scheduled work that runs once, whatever the number of hosts: each run's claim on its period,
and each digest handed to the mail server, so that a second run, or a retry, does it again for
nobody."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timeutil import UTCDateTime, utcnow
from .vocabulary import stored_as_text


class RunStatus(enum.StrEnum):
    RUNNING = "running"  # claimed; the holder beats its heart while it works
    DONE = "done"  # the period's work is done: later runs of the period do nothing
    FAILED = "failed"  # stopped with an error: the next run takes the period over at once


class ScheduledRun(Model):
    """A job's claim on one period ("2026-12-07", "2026-W50"). The unique key is the lock:
    the first run to insert it does the work, any other run of the same period sees it and
    does nothing, unless its holder failed or fell silent (a crashed process)."""

    __tablename__ = "scheduled_runs"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_scheduled_runs_job_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[RunStatus] = mapped_column(stored_as_text(RunStatus, "run_status"))
    claimed_by: Mapped[str] = mapped_column(String(200))  # host and process id
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved on as the work goes; a claim whose heart stopped long ago is taken over.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    outcome: Mapped[str] = mapped_column(String(500), default="")


class DeliveryStatus(enum.StrEnum):
    SENDING = "sending"  # written before the mail server is asked; left so only by a crash
    SENT = "sent"  # the mail server took it
    FAILED = "failed"  # the mail server refused it: a later run may try again


class DigestDelivery(Model):
    """One person's digest for one week. Written before sending, so that no run, concurrent
    or retried, sends it again; a crash in the moment of sending leaves it SENDING, and it is
    reported rather than sent twice."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("person_id", "period", name="uq_digest_deliveries_person_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        stored_as_text(DeliveryStatus, "delivery_status")
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(String(300), default="")


__all__ = ["DeliveryStatus", "DigestDelivery", "RunStatus", "ScheduledRun"]
