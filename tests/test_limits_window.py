"""The one way allowances are counted from stored rows (password guesses, wall answers)."""

from __future__ import annotations

from datetime import timedelta

from gembawalk.extensions import db
from gembawalk.models import AuditEvent
from gembawalk.services.limits_window import spent_window, windows
from gembawalk.timeutil import utcnow


def test_windows_read_a_limit_setting():
    assert windows("5 per minute; 20 per hour") == [(5, 60), (20, 3600)]


def test_the_first_window_used_up_is_named(app):
    now = utcnow().replace(microsecond=0)
    ages = [10, 20, 30, 120, 130]  # seconds ago: three this minute, five this hour
    db.session.add_all(
        AuditEvent(kind="x", subject="a", at=now - timedelta(seconds=s)) for s in ages
    )
    db.session.add(AuditEvent(kind="x", subject="b", at=now))  # another's: not counted
    db.session.add(AuditEvent(kind="x", subject="a", at=now - timedelta(hours=2)))  # too old
    db.session.commit()
    mine = AuditEvent.subject == "a"

    def spent(setting):
        return spent_window(setting, AuditEvent.at, mine, now)

    assert spent("3 per minute; 10 per hour") == (3, 60)
    assert spent("4 per minute; 5 per hour") == (5, 3600)
    assert spent("4 per minute; 6 per hour") is None
