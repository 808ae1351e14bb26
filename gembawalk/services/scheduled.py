"""Scheduled work that runs once, whatever the number of hosts.

Every host may run `flask run-scheduled` from its timer; each job whose time has come claims
its period ("2026-12-07", "2026-W50") by inserting a row under a unique (job, period) key in a
transaction of its own. The first run to commit it does the work; a run at the same moment
sees the key taken and does nothing. A run that fails gives the period up at once; one that
crashes stops beating its heart, and after STALE_AFTER the next run takes the period over.
What a job does is itself safe to do twice (a walk or a notification per key, a digest marker
per person and week), so even a run taken over while still alive repeats nothing.
"""

from __future__ import annotations

import enum
import logging
import os
import smtplib
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from time import monotonic
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError

from .. import limits
from ..extensions import db
from ..models import DigestDelivery, RunStatus, ScheduledRun
from ..timeutil import utcnow
from . import digest, notifications
from .people import sessions
from .walks import series

log = logging.getLogger(__name__)

# A live digest run beats after each person; a run silent for this long has stopped, and its
# period is taken over by the next run (the other jobs take seconds, and repeat nothing).
STALE_AFTER = timedelta(minutes=10)
# The scheduler's own records (claims, digest markers) are kept this long, then cleaned up.
KEEP_RECORDS = timedelta(weeks=13)


class Every(enum.StrEnum):
    DAY = "day"
    WEEK = "week"  # from Monday, as the organisation's weeks run


class State(enum.StrEnum):
    DONE = "done"  # this run did the period's work
    ALREADY_DONE = "already done"
    RUNNING_ELSEWHERE = "running elsewhere"
    NOT_DUE = "not due"
    NOT_SET_UP = "not set up"  # e.g. digests with no mail server: not claimed, so sent later
    FAILED = "failed"


class JobFailed(Exception):
    """The job could not do its work (a mail server unreachable); the period is given up."""


@dataclass
class Outcome:
    job: str
    period: str
    state: State
    detail: str = ""
    problems: list[str] = field(default_factory=list)  # done, but not everything went

    @property
    def ok(self) -> bool:
        return self.state != State.FAILED and not self.problems

    def describe(self) -> str:
        said = f"{self.job} {self.period}: {self.state}"
        return f"{said}. {self.detail}" if self.detail else f"{said}."


@dataclass
class Claim:
    """This run's hold on a period: `attempts` tells it from a later run's takeover."""

    id: int
    attempts: int
    started: float = field(default_factory=monotonic)
    now: datetime = field(default_factory=utcnow)

    def clock(self) -> datetime:
        return self.now + timedelta(seconds=monotonic() - self.started)

    def beat(self) -> None:
        """Tell other runs this one is alive."""
        db.session.execute(_mine(self).values(heartbeat_at=self.clock()))
        db.session.commit()


@dataclass
class Run:
    """What a job is given: the settings, the moment the run started, its period, its claim."""

    config: Mapping
    now: datetime
    period: str
    claim: Claim


@dataclass(frozen=True)
class Job:
    name: str
    every: Every
    due_at: time  # the organisation's local time from which the period's run is due
    work: Callable[[Run], Outcome | str]
    # Why it cannot run with these settings (then it is not claimed), or None.
    not_set_up: Callable[[Mapping], str | None] = lambda _config: None


def _mine(claim: Claim):
    return update(ScheduledRun).where(
        ScheduledRun.id == claim.id, ScheduledRun.attempts == claim.attempts
    )


def _who() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def period_of(job: Job, zone: str, now: datetime) -> tuple[str, datetime]:
    """The period holding `now` in the organisation's zone, and when its run is due."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    if job.every == Every.DAY:
        return today.isoformat(), datetime.combine(today, job.due_at, tz)
    monday = today - timedelta(days=today.weekday())
    return digest.week_period(zone, now), datetime.combine(monday, job.due_at, tz)


def _held(job: str, period: str) -> ScheduledRun | None:
    return db.session.scalars(
        select(ScheduledRun).where(ScheduledRun.job == job, ScheduledRun.period == period)
    ).one_or_none()


def claim(job: str, period: str, now: datetime) -> Claim | ScheduledRun:
    """Claim the period for this run: a Claim, or the row of the run that holds it."""
    # Looked up first: most ticks find the period done, and a refused INSERT would write an
    # error into PostgreSQL's log each time. The unique key still settles a race.
    held = _held(job, period) or _insert_claim(job, period, now)
    if isinstance(held, Claim):
        return held
    if held.status == RunStatus.DONE:
        return held
    return _take_over(held, now)


def _insert_claim(job: str, period: str, now: datetime) -> Claim | ScheduledRun:
    row = ScheduledRun(
        job=job,
        period=period,
        status=RunStatus.RUNNING,
        claimed_by=_who(),
        claimed_at=now,
        heartbeat_at=now,
        attempts=1,
    )
    db.session.add(row)
    try:
        db.session.commit()
        return Claim(id=row.id, attempts=1, now=now)
    except IntegrityError:  # another run claimed it a moment ago
        db.session.rollback()
    held = _held(job, period)
    assert held is not None  # claims are only removed weeks after their period
    return held


def _take_over(held: ScheduledRun, now: datetime) -> Claim | ScheduledRun:
    """A failed run, or one silent for too long, gives the period to whoever asks first."""
    held_id, attempts, holder = held.id, held.attempts, held.claimed_by  # before commit expires
    job, period = held.job, held.period
    taken = db.session.execute(
        update(ScheduledRun)
        .where(
            ScheduledRun.id == held_id,
            ScheduledRun.attempts == attempts,
            (ScheduledRun.status == RunStatus.FAILED)
            | (ScheduledRun.heartbeat_at < now - STALE_AFTER),
            ScheduledRun.status != RunStatus.DONE,
        )
        .values(
            status=RunStatus.RUNNING,
            claimed_by=_who(),
            claimed_at=now,
            heartbeat_at=now,
            attempts=attempts + 1,
            outcome="",
        )
    )
    db.session.commit()
    if cast(CursorResult, taken).rowcount == 1:
        log.warning("%s %s: taken over from %s", job, period, holder)
        return Claim(id=held_id, attempts=attempts + 1, now=now)
    db.session.refresh(held)
    return held


def _finish(claim: Claim, status: RunStatus, outcome: str) -> None:
    db.session.rollback()  # whatever the work left half-done is not part of the record
    db.session.execute(
        _mine(claim).values(
            status=status,
            finished_at=claim.clock() if status == RunStatus.DONE else None,
            heartbeat_at=claim.clock(),
            outcome=outcome[:500],
        )
    )
    db.session.commit()


def run_job(job: Job, config: Mapping, now: datetime | None = None, due: bool = True) -> Outcome:
    """Run one job for the period holding `now`, once: `due=False` skips the time of day
    (a person asking for it now, e.g. `flask send-digests`)."""
    now = now or utcnow()
    period, due_from = period_of(job, config["GEMBAWALK_TIMEZONE"], now)
    reason = job.not_set_up(config)
    if reason:
        return Outcome(job.name, period, State.NOT_SET_UP, reason)
    if due and now < due_from:
        return Outcome(job.name, period, State.NOT_DUE, f"From {due_from:%a %H:%M}.")
    held = claim(job.name, period, now)
    if isinstance(held, ScheduledRun):
        state = State.ALREADY_DONE if held.status == RunStatus.DONE else State.RUNNING_ELSEWHERE
        when = held.finished_at or held.claimed_at
        found = Outcome(job.name, period, state, f"By {held.claimed_by} at {when:%H:%M} UTC.")
        db.session.commit()  # end the read: on SQLite it holds the write lock
        return found
    try:
        result = job.work(Run(config=config, now=now, period=period, claim=held))
    except JobFailed as error:
        _finish(held, RunStatus.FAILED, str(error))
        return Outcome(job.name, period, State.FAILED, str(error))
    except Exception as error:
        log.exception("%s %s failed", job.name, period)
        _finish(held, RunStatus.FAILED, repr(error))
        return Outcome(job.name, period, State.FAILED, repr(error))
    outcome = result if isinstance(result, Outcome) else Outcome(job.name, period, State.DONE)
    outcome.detail = outcome.detail or str(result)
    _finish(held, RunStatus.DONE, outcome.detail)
    return outcome


def run_due(config: Mapping, now: datetime | None = None) -> list[Outcome]:
    """Run every job whose period's time has come and that no run has done (`flask
    run-scheduled`). One job's failure does not stop the others."""
    now = now or utcnow()
    return [run_job(job, config, now) for job in JOBS]


# --- The jobs --------------------------------------------------------------------------------


def _walks_ahead(run: Run) -> str:
    made = series.generate(run.now)
    return f"{made} walk{'s' if made != 1 else ''} planned."


def _overdue_notices(run: Run) -> str:
    return f"Overdue follow-ups notified: {notifications.raise_overdue(run.now)}."


def _no_mail_server(config: Mapping) -> str | None:
    if config.get("MAIL_SERVER"):
        return None
    return "No mail server configured (set MAIL_SERVER): no digests sent."


def _digests(run: Run) -> Outcome:
    notifications.raise_overdue(run.now)
    config = run.config
    try:
        sent = digest.send_all(config, run.now, period=run.period, beat=run.claim.beat)
    except (OSError, smtplib.SMTPException) as error:
        raise JobFailed(
            f"Could not send through {config['MAIL_SERVER']}:{config['MAIL_PORT']}: {error}"
        ) from error
    problems = [f"Not sent to {email}: {reason}" for email, reason in sent.failed.items()]
    return Outcome("digests", run.period, State.DONE, sent.describe(), problems)


def _clean_up(run: Run) -> str:
    cutoff = run.now - KEEP_RECORDS
    runs = db.session.execute(
        delete(ScheduledRun).where(
            ScheduledRun.status == RunStatus.DONE, ScheduledRun.finished_at < cutoff
        )
    )
    markers = db.session.execute(delete(DigestDelivery).where(DigestDelivery.attempted_at < cutoff))
    db.session.commit()
    removed = cast(CursorResult, runs).rowcount, cast(CursorResult, markers).rowcount
    keep = timedelta(days=limits.SESSION_RECORDS_KEEP_DAYS)
    devices = sessions.clear_run_out(run.now, keep=keep)
    return (
        f"Removed {removed[0]} old run records, {removed[1]} digest markers and "
        f"{devices} device sessions that ran out."
    )


JOBS = (
    Job("walks-ahead", Every.DAY, time(0, 0), _walks_ahead),
    Job("overdue-notices", Every.DAY, time(0, 0), _overdue_notices),
    Job("digests", Every.WEEK, time(7, 0), _digests, not_set_up=_no_mail_server),
    Job("clean-up", Every.DAY, time(0, 0), _clean_up),
)


def job(name: str) -> Job:
    return next(found for found in JOBS if found.name == name)
