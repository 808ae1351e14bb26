"""What is still due this week follows the figures' proration: only the days from joining
(people.started_on) to leaving (left_on) count, and the targets are prorated to them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gembawalk.extensions import db
from gembawalk.models import WalkKind, WalkStatus
from gembawalk.services.cadence import due as cadence_due

from . import factories
from .conftest import sign_in

# The week of Monday 8 to Sunday 14 March 2027; the default cadence is 1 visit and 3 walks.
MONDAY = date(2027, 3, 8)


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _walked(manager, day: date) -> None:
    completed = _at(day, 10)
    factories.WalkFactory(
        manager=manager,
        kind=WalkKind.GEMBA_WALK,
        status=WalkStatus.DONE,
        planned_start=completed - timedelta(hours=1),
        started_at=completed - timedelta(hours=1),
        completed_at=completed,
        customers_spoken_to=0,
    )


def _due(manager, started: date, today: date, left: date | None = None):
    manager.started_on, manager.left_on = started, left
    db.session.commit()
    due = cadence_due.due_now(manager, now=_at(today))
    return {line.kind: (round(line.target, 2), line.done, line.left) for line in due.lines}, due


def test_joined_on_monday_owes_the_whole_week(app, manager):
    lines, due = _due(manager, MONDAY, MONDAY + timedelta(days=2))
    assert lines == {WalkKind.CUSTOMER_VISIT: (1, 0, 1), WalkKind.GEMBA_WALK: (3, 0, 3)}
    assert due.measured


def test_joined_mid_week_owes_the_days_since_and_walks_before_joining_do_not_count(app, manager):
    friday = MONDAY + timedelta(days=4)
    _walked(manager, friday - timedelta(days=1))  # the day before joining: not measured
    lines, _ = _due(manager, friday, friday)
    # Three days of seven: 3 × 3/7 = 1.29 gemba walks, so two whole walks still to do.
    assert lines[WalkKind.GEMBA_WALK] == (1.29, 0, 2)
    assert lines[WalkKind.CUSTOMER_VISIT] == (0.43, 0, 1)
    _walked(manager, friday)
    lines, _ = _due(manager, friday, friday)
    assert lines[WalkKind.GEMBA_WALK] == (1.29, 1, 1)


def test_joined_on_sunday_owes_a_seventh(app, manager):
    sunday = MONDAY + timedelta(days=6)
    lines, _ = _due(manager, sunday, sunday)
    assert lines == {WalkKind.CUSTOMER_VISIT: (0.14, 0, 1), WalkKind.GEMBA_WALK: (0.43, 0, 1)}
    _walked(manager, sunday)
    lines, due = _due(manager, sunday, sunday)
    assert lines[WalkKind.GEMBA_WALK] == (0.43, 1, 0)


def test_left_mid_week_owes_the_days_before_leaving(app, manager):
    wednesday = MONDAY + timedelta(days=2)
    _walked(manager, wednesday + timedelta(days=1))  # after leaving: not measured
    lines, _ = _due(manager, date(2020, 1, 1), wednesday + timedelta(days=1), left=wednesday)
    assert lines[WalkKind.GEMBA_WALK] == (1.29, 0, 2)


def test_not_yet_joined_this_week_owes_nothing_and_today_says_nothing(app, client, manager):
    next_monday = MONDAY + timedelta(days=7)
    lines, due = _due(manager, next_monday, MONDAY + timedelta(days=3))
    assert not due.measured
    assert all(left == 0 for _, _, left in lines.values())
    manager.started_on = datetime.now(UTC).date() + timedelta(days=8)
    db.session.commit()
    sign_in(client, manager)
    page = client.get("/").get_data(as_text=True)
    assert "still to do this" not in page
    assert "cadence is met" not in page
