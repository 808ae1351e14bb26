"""Scheduled work runs once whatever the number of hosts: runs at the same moment (threads, and
separate `flask` processes as two hosts' timers would start), a crashed run retried, a failed
run taken over at once, and each job due at its time of the organisation's day or week."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from gembawalk import limits
from gembawalk.extensions import db
from gembawalk.models import (
    DeliveryStatus,
    DeviceSession,
    DigestDelivery,
    RunStatus,
    ScheduledRun,
)
from gembawalk.services import digest, scheduled
from gembawalk.services.scheduled import State

from .test_concurrency import _run_in_threads
from .test_digest import mail_app, smtp, week_of_things  # noqa: F401  (fixtures)

LONDON = ZoneInfo("Europe/London")
DIGESTS = scheduled.job("digests")


def this_monday(at: time) -> datetime:
    """This week's Monday at a local time: the digest of the week the test data is made in."""
    today = datetime.now(LONDON).date()
    return datetime.combine(today - timedelta(days=today.weekday()), at, LONDON).astimezone(UTC)


MONDAY_8 = this_monday(time(8, 0))


def recipients(inbox) -> Counter:
    return Counter(address for rcpt, _ in inbox.messages for address in rcpt)


def runs() -> dict[str, ScheduledRun]:
    db.session.expire_all()
    return {row.job: row for row in db.session.scalars(select(ScheduledRun))}


class Crash(BaseException):
    """The process dying: nothing in the app catches it, as nothing could catch a kill."""


def test_runs_at_the_same_moment_send_each_digest_once(mail_app, smtp):  # noqa: F811
    inbox, _ = smtp
    world = week_of_things()
    db.session.commit()
    outcomes: list[list[scheduled.Outcome]] = []

    def run(_index: int) -> None:
        outcomes.append(scheduled.run_due(mail_app.config, MONDAY_8))

    assert _run_in_threads(mail_app, run, threads=4) == []

    assert recipients(inbox) == {world.maya.email: 1, world.coach.email: 1, world.coach2.email: 1}
    for job in scheduled.JOBS:  # each job done by exactly one of the runs, the others did nothing
        states = Counter(o.state for ran in outcomes for o in ran if o.job == job.name)
        assert states[State.DONE] == 1, (job.name, states)
        assert states[State.ALREADY_DONE] + states[State.RUNNING_ELSEWHERE] == 3
    claimed = runs()
    assert set(claimed) == {job.name for job in scheduled.JOBS}
    assert all(row.status == RunStatus.DONE and row.attempts == 1 for row in claimed.values())
    assert claimed["digests"].period == digest.week_period("Europe/London", MONDAY_8)


def test_digests_sent_twice_at_once_without_a_claim_reach_each_person_once(mail_app, smtp):  # noqa: F811
    """The second guard: a run taken over while its holder still works (a slow, not a dead,
    host) repeats no digest, for each person's is marked before it is sent."""
    inbox, _ = smtp
    world = week_of_things()
    db.session.commit()
    results: list[digest.DigestRun] = []

    def send(_index: int) -> None:
        results.append(digest.send_all(mail_app.config, MONDAY_8))

    assert _run_in_threads(mail_app, send, threads=4) == []
    assert recipients(inbox) == {world.maya.email: 1, world.coach.email: 1, world.coach2.email: 1}
    assert sum(len(r.sent) for r in results) == 3
    assert all(not r.uncertain for r in results)
    statuses = db.session.scalars(select(DigestDelivery.status)).all()
    assert statuses == [DeliveryStatus.SENT] * 3


def crashing_after(sends: int, *, delivered: bool):
    """A mail connection that dies on send number `sends` + 1, after handing that message to
    the server (`delivered`) or before."""
    real_connect = digest._connect

    def connect(config):
        server = real_connect(config)
        count = {"sent": 0}
        send = server.send_message

        def send_message(message, *args, **kwargs):
            if count["sent"] == sends:
                if delivered:
                    send(message, *args, **kwargs)
                raise Crash
            count["sent"] += 1
            return send(message, *args, **kwargs)

        server.send_message = send_message  # type: ignore[method-assign]
        return server

    return connect


@pytest.mark.parametrize("delivered", [True, False], ids=["after-handing-over", "before"])
def test_a_crashed_run_is_retried_and_sends_nobody_twice(mail_app, smtp, monkeypatch, delivered):  # noqa: F811
    inbox, _ = smtp
    week_of_things()
    db.session.commit()
    monkeypatch.setattr(digest, "_connect", crashing_after(1, delivered=delivered))
    with pytest.raises(Crash):
        scheduled.run_job(DIGESTS, mail_app.config, MONDAY_8)
    first = recipients(inbox)
    assert sum(first.values()) == 1 + delivered
    db.session.rollback()
    assert runs()["digests"].status == RunStatus.RUNNING  # its holder died holding it
    monkeypatch.undo()

    # Another host's timer a minute later: the claim is still fresh, so it waits its turn.
    soon = scheduled.run_job(DIGESTS, mail_app.config, MONDAY_8 + timedelta(minutes=1))
    assert soon.state == State.RUNNING_ELSEWHERE
    assert sum(recipients(inbox).values()) == sum(first.values())

    # Once the dead run has been silent long enough, the next run takes the week over.
    later = MONDAY_8 + scheduled.STALE_AFTER + timedelta(minutes=1)
    retry = scheduled.run_job(DIGESTS, mail_app.config, later)
    assert retry.state == State.DONE, retry.describe()
    after = recipients(inbox)
    assert max(after.values()) == 1  # nobody twice
    assert len(after) == 3 - (not delivered)  # the one perhaps sent is named, not sent again
    assert "Not sent again" in retry.detail
    assert "Already sent this week: 1." in retry.detail
    claim = runs()["digests"]
    assert (claim.status, claim.attempts) == (RunStatus.DONE, 2)
    again = scheduled.run_job(DIGESTS, mail_app.config, later + timedelta(hours=1))
    assert again.state == State.ALREADY_DONE
    assert recipients(inbox) == after


def test_a_run_that_stops_between_two_people_is_finished_by_the_retry(mail_app, smtp, monkeypatch):  # noqa: F811
    inbox, _ = smtp
    world = week_of_things()
    db.session.commit()

    def die(self) -> None:
        raise Crash

    monkeypatch.setattr(scheduled.Claim, "beat", die)  # dies right after the first is sent
    with pytest.raises(Crash):
        scheduled.run_job(DIGESTS, mail_app.config, MONDAY_8)
    assert sum(recipients(inbox).values()) == 1
    db.session.rollback()
    monkeypatch.undo()
    retry = scheduled.run_job(DIGESTS, mail_app.config, MONDAY_8 + timedelta(minutes=15))
    assert retry.state == State.DONE
    assert "Not sent again" not in retry.detail
    assert recipients(inbox) == {world.maya.email: 1, world.coach.email: 1, world.coach2.email: 1}


def test_a_failed_run_gives_the_week_up_at_once(mail_app, smtp):  # noqa: F811
    inbox, port = smtp
    world = week_of_things()
    db.session.commit()
    mail_app.config["MAIL_PORT"] = 1  # nothing listens there
    try:
        failed = scheduled.run_job(DIGESTS, mail_app.config, MONDAY_8)
    finally:
        mail_app.config["MAIL_PORT"] = port
    assert failed.state == State.FAILED
    assert "Could not send through 127.0.0.1:1" in failed.detail
    assert runs()["digests"].status == RunStatus.FAILED
    retry = scheduled.run_job(DIGESTS, mail_app.config, MONDAY_8 + timedelta(minutes=5))
    assert retry.state == State.DONE
    assert recipients(inbox) == {world.maya.email: 1, world.coach.email: 1, world.coach2.email: 1}


def test_each_job_is_due_at_its_time_of_the_organisations_day_or_week(mail_app, smtp):  # noqa: F811
    inbox, _ = smtp
    week_of_things()
    db.session.commit()
    early = this_monday(time(6, 59))
    states = {o.job: o.state for o in scheduled.run_due(mail_app.config, early)}
    assert states == {
        "walks-ahead": State.DONE,
        "overdue-notices": State.DONE,
        "digests": State.NOT_DUE,
        "clean-up": State.DONE,
    }
    assert inbox.messages == []
    states = {o.job: o.state for o in scheduled.run_due(mail_app.config, MONDAY_8)}
    assert states["digests"] == State.DONE
    assert states["walks-ahead"] == State.ALREADY_DONE
    # The next local day is a new period for the daily jobs, not for the weekly one.
    tuesday = this_monday(time(0, 1)) + timedelta(days=1)
    states = {o.job: o.state for o in scheduled.run_due(mail_app.config, tuesday)}
    assert states == {
        "walks-ahead": State.DONE,
        "overdue-notices": State.DONE,
        "digests": State.ALREADY_DONE,
        "clean-up": State.DONE,
    }
    assert len(inbox.messages) == 3


def test_periods_follow_the_organisations_zone():
    job = scheduled.job("walks-ahead")
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: already the next day.
    period, due = scheduled.period_of(
        job, "Europe/London", datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    )
    assert period == "2026-07-01"
    assert due == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    # Sunday 3 January 2027 still belongs to ISO week 53 of 2026; its digest was due Monday.
    period, due = scheduled.period_of(
        DIGESTS, "Europe/London", datetime(2027, 1, 3, 12, tzinfo=UTC)
    )
    assert period == "2026-W53"
    assert due == datetime(2026, 12, 28, 7, 0, tzinfo=UTC)


def test_with_no_mail_server_the_week_is_not_claimed(app, smtp):  # noqa: F811
    inbox, port = smtp
    world = week_of_things()
    db.session.commit()
    outcome = scheduled.run_job(DIGESTS, app.config, MONDAY_8)
    assert outcome.state == State.NOT_SET_UP
    assert "digests" not in runs()
    # Set up later in the week: that week's digests still go.
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}
    config = {**app.config, **settings}
    assert scheduled.run_job(DIGESTS, config, MONDAY_8 + timedelta(days=2)).state == State.DONE
    assert recipients(inbox)[world.maya.email] == 1


def test_clean_up_removes_the_schedulers_old_records_only(app, manager):
    now = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    old, recent = now - timedelta(weeks=14), now - timedelta(weeks=2)
    for when, period in ((old, "2026-08-31"), (recent, "2026-11-23")):
        db.session.add(
            ScheduledRun(
                job="walks-ahead", period=period, status=RunStatus.DONE, claimed_by="a:1",
                claimed_at=when, heartbeat_at=when, finished_at=when, outcome="",
            )
        )  # fmt: skip
        db.session.add(
            DigestDelivery(
                person_id=manager.id, period=period, status=DeliveryStatus.SENT, attempted_at=when
            )
        )
    db.session.commit()
    outcome = scheduled.run_job(scheduled.job("clean-up"), app.config, now)
    assert outcome.detail == (
        "Removed 1 old run records, 1 digest markers and 0 device sessions that ran out."
    )
    assert db.session.scalar(select(func.count()).select_from(DigestDelivery)) == 1
    assert set(runs()) == {"walks-ahead", "clean-up"}


def test_clean_up_removes_device_sessions_that_ran_out_a_while_ago(app, manager, admin):
    now = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    keep = timedelta(days=limits.SESSION_RECORDS_KEEP_DAYS)

    def started(person, *, ago: timedelta, remember: bool = False) -> int:
        # Stored as is: sessions.start would clear the person's sessions that ran out.
        device = DeviceSession(
            person_id=person.id, secret_hash=secrets.token_hex(32), remember=remember,
            created_at=now - ago, last_seen_at=now - ago,
        )  # fmt: skip
        db.session.add(device)
        db.session.commit()
        return device.id

    ran_out_long_ago = started(manager, ago=keep + timedelta(days=1))
    someone_elses = started(admin, ago=keep + timedelta(days=1))  # the clean-up is everyone's
    ran_out_lately = started(manager, ago=keep - timedelta(days=1))
    # Kept signed in, not seen for longer than `keep`, but still within its remembered days.
    remembered = started(manager, ago=keep + timedelta(days=1), remember=True)
    live = started(manager, ago=timedelta(minutes=5))
    outcome = scheduled.run_job(scheduled.job("clean-up"), app.config, now)
    assert outcome.detail.endswith("and 2 device sessions that ran out.")
    left = set(db.session.scalars(select(DeviceSession.id)))
    assert left == {ran_out_lately, remembered, live}
    assert not {ran_out_long_ago, someone_elses} & left


def test_run_scheduled_says_what_ran_and_a_second_run_does_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["run-scheduled"])
    assert first.exit_code == 0, first.output
    said = states_said(first.output)
    assert said == {
        "walks-ahead": "done",
        "overdue-notices": "done",
        "digests": "not set up",
        "clean-up": "done",
    }
    assert "No mail server configured" in first.output
    second = runner.invoke(args=["run-scheduled"])
    assert second.exit_code == 0, second.output
    assert states_said(second.output) == {**said, "walks-ahead": "already done",
        "overdue-notices": "already done", "clean-up": "already done"}  # fmt: skip


def states_said(output: str) -> dict[str, str]:
    """{job: state} from lines such as "walks-ahead 2026-12-07: already done. By …"."""
    found = {}
    for line in output.splitlines():
        head, _, rest = line.partition(": ")
        if rest:
            found[head.split()[0]] = rest.split(".")[0]
    return found


FLASK = str(Path(sys.executable).with_name("flask"))


def test_two_hosts_timers_at_the_same_moment_send_each_digest_once(mail_app, smtp):  # noqa: F811
    """Separate processes, as two hosts would run them, on the same database."""
    inbox, port = smtp
    world = week_of_things()
    db.session.commit()
    env = {
        **os.environ,
        "DATABASE_URL": mail_app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_USE_TLS": "false",
        "GEMBAWALK_BASE_URL": "https://walks.example.org",
    }
    said = {}
    for command in ("send-digests", "run-scheduled"):
        hosts = [
            subprocess.Popen(  # noqa: S603 - our own flask, fixed arguments
                [FLASK, "--app", "gembawalk", command],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [host.communicate(timeout=120)[0] for host in hosts]
        assert [host.returncode for host in hosts] == [0, 0], outputs
        said[command] = [states_said(output) for output in outputs]
    # One host sent the week's digests, the other did nothing; run-scheduled then found the
    # week done, and each daily job was done by one host of the two.
    assert sorted(s["digests"] for s in said["send-digests"]) in (
        ["already done", "done"],
        ["done", "running elsewhere"],
    )
    assert [s["digests"] for s in said["run-scheduled"]] == ["already done"] * 2
    for job in ("walks-ahead", "overdue-notices", "clean-up"):
        assert sorted(s[job] for s in said["run-scheduled"]) in (
            ["already done", "done"],
            ["done", "running elsewhere"],
        )
    assert recipients(inbox) == {world.maya.email: 1, world.coach.email: 1, world.coach2.email: 1}
