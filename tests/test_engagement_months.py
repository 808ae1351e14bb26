"""The monthly sums (services/engagement/rollup.py) give a board the same figures as the
days do: at the edges of months, in any time zone, for those who joined or left within a
month, in the month under way, and after walks are corrected or deleted."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from gembawalk.extensions import db
from gembawalk.models import (
    Category,
    CustomerKind,
    EngagementMonth,
    Observation,
    Walk,
    WalkKind,
    WalkStatus,
)
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement.periods import choose_period
from gembawalk.timeutil import to_utc

from . import factories

NOW = datetime(2026, 6, 20, 15, 0, tzinfo=UTC)  # a Saturday in the third month of a quarter
ZONES = ["Europe/London", "Pacific/Auckland", "America/Los_Angeles"]
# Periods whose ends fall on, beside and between months' edges, and the month under way.
PERIODS = [
    (date(2026, 4, 1), date(2026, 6, 30)),  # this quarter
    (date(2026, 1, 1), date(2026, 3, 31)),  # a quarter gone by
    (date(2026, 5, 1), date(2026, 5, 31)),  # one whole month
    (date(2026, 3, 31), date(2026, 6, 1)),  # whole months with a day either side
    (date(2026, 4, 15), date(2026, 6, 14)),  # one whole month between two part months
    (date(2026, 4, 2), date(2026, 4, 30)),  # no whole month
    (date(2026, 6, 1), date(2026, 7, 31)),  # the month under way and one to come
    (date(2026, 7, 1), date(2026, 9, 30)),  # the future
    (date(2025, 12, 1), date(2026, 6, 30)),  # across a new year
]


def edge_instants(zone: str) -> list[datetime]:
    """Instants around every month's first local midnight from December to July, and some
    in between: the ones a day or a month may be cut wrongly at."""
    found = []
    for month in range(12, 20):
        first = date(2025 + month // 13, (month - 1) % 12 + 1, 1)
        for minutes in (-90, -1, 0, 1, 90):
            found.append(to_utc(first, time(0), zone) + timedelta(minutes=minutes))
        found.append(to_utc(first + timedelta(days=13), time(11), zone))
    return found


def build(unit, zone: str, seed: int = 7):
    """Managers joining and leaving within months, walks of every status and observations at
    the months' edges."""
    rng = random.Random(seed)
    external = factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL)
    internal = factories.CustomerFactory(org_unit=unit, kind=CustomerKind.INTERNAL)
    spans = [
        (date(2025, 1, 1), None),
        (date(2026, 4, 1), None),  # joined on a month's first day
        (date(2026, 4, 2), None),  # joined the day after
        (date(2026, 5, 17), None),  # joined mid-month
        (date(2025, 1, 1), date(2026, 5, 31)),  # left on a month's last day
        (date(2025, 1, 1), date(2026, 5, 30)),  # left the day before
        (date(2026, 2, 10), date(2026, 6, 3)),  # joined and left within the span
        (date(2026, 6, 25), None),  # joins after today
    ]
    managers = []
    for n, (started, left) in enumerate(spans):
        person = factories.PersonFactory(
            roles=["manager"], org_unit=unit, display_name=f"Manager {n}", started_on=started
        )
        person.left_on = left
        managers.append(person)
    instants = edge_instants(zone)
    for person in managers:
        for instant in rng.sample(instants, 20):
            status = rng.choice([WalkStatus.DONE] * 3 + [WalkStatus.PLANNED, WalkStatus.CANCELLED])
            if instant > NOW and status is WalkStatus.DONE:
                status = WalkStatus.PLANNED
            kind = rng.choice([WalkKind.CUSTOMER_VISIT, WalkKind.GEMBA_WALK])
            customers = rng.choice([[external], [internal], []])
            if status is WalkStatus.DONE:
                walk = factories.done_walk(
                    person,
                    instant,
                    kind=kind,
                    customers=customers,
                    spoke=rng.choice([0, 1, 3]),
                    planned_start=instant - timedelta(hours=rng.choice([0, 1, 30])),
                    unplanned=rng.random() < 0.2,
                )
                for _ in range(rng.randint(0, 2)):
                    factories.ObservationFactory(
                        walk=walk,
                        made_at=instant - timedelta(minutes=rng.randint(0, 120)),
                        category=rng.choice(list(Category)),
                    )
            else:
                factories.WalkFactory(
                    manager=person,
                    kind=kind,
                    planned_start=instant,
                    status=status,
                    customers=customers,
                )
    db.session.commit()
    return managers


def figures(managers, zone: str, first: date, last: date, monkeypatch, months: bool):
    period = choose_period(first=first, last=last, zone=zone, now=NOW)
    with monkeypatch.context() as patch:
        if not months:  # every figure from the days alone, as before the months were kept
            patch.setattr(engagement, "_whole_months", lambda _period: None)
        found = engagement.figures_for(managers, period)
    return {
        manager_id: {k: v for k, v in asdict(row).items() if k != "manager"}
        for manager_id, row in found.items()
    }


def assert_months_agree(managers, zone: str, monkeypatch) -> None:
    for first, last in PERIODS:
        by_months = figures(managers, zone, first, last, monkeypatch, months=True)
        by_days = figures(managers, zone, first, last, monkeypatch, months=False)
        assert by_months == by_days, (zone, first, last)


@pytest.mark.parametrize("zone", ZONES)
def test_months_give_the_figures_the_days_give(app, unit, zone, monkeypatch):
    app.config["GEMBAWALK_TIMEZONE"] = zone
    managers = build(unit, zone)
    assert_months_agree(managers, zone, monkeypatch)
    engaged = figures(managers, zone, *PERIODS[0], monkeypatch, months=True)
    assert sum(row["customer_engagements"] for row in engaged.values())  # not all empty
    assert sum(row["planned_missed"] for row in engaged.values())


def test_months_agree_after_corrections_and_deletions(app, unit, monkeypatch):
    zone = "Europe/London"
    app.config["GEMBAWALK_TIMEZONE"] = zone
    managers = build(unit, zone, seed=11)
    assert_months_agree(managers, zone, monkeypatch)  # the months are summed
    walks = db.session.query(Walk).order_by(Walk.id).all()
    done = [walk for walk in walks if walk.status is WalkStatus.DONE]
    # Moved across a month's edge, to another manager, cancelled, deleted.
    done[0].completed_at = to_utc(date(2026, 5, 1), time(0, 30), zone)
    done[0].started_at = done[0].completed_at - timedelta(minutes=20)
    done[1].manager = managers[3]
    done[2].status, done[2].completed_at = WalkStatus.CANCELLED, None
    db.session.delete(done[3])
    planned = [walk for walk in walks if walk.status is WalkStatus.PLANNED]
    planned[0].planned_start = to_utc(date(2026, 6, 1), time(0, 10), zone)
    note = db.session.query(Observation).order_by(Observation.id).first()
    assert note is not None
    note.made_at = to_utc(date(2026, 3, 31), time(23, 59), zone)
    db.session.commit()
    assert_months_agree(managers, zone, monkeypatch)
    # Leaving and joining moved: the months now cover other days of theirs.
    managers[0].left_on = date(2026, 5, 15)
    managers[1].started_on = date(2026, 3, 20)
    db.session.commit()
    assert_months_agree(managers, zone, monkeypatch)


def test_a_board_over_whole_months_reads_their_sums(app, unit, monkeypatch):
    """The months are what a quarter is summed from (a month row says 40: the board says 40)."""
    zone = "Europe/London"
    app.config["GEMBAWALK_TIMEZONE"] = zone
    manager = build(unit, zone)[0]
    db.session.execute(
        update(EngagementMonth)
        .where(EngagementMonth.manager_id == manager.id)
        .values(customer_engagements=40)
    )
    db.session.commit()
    found = figures([manager], zone, date(2026, 4, 1), date(2026, 4, 30), monkeypatch, True)
    assert found[manager.id]["customer_engagements"] == 40
