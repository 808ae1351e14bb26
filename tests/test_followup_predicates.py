"""The follow-up rules pages ask (services/followups/predicates.py): each answers as the
product says, and the SQL form of "overdue" picks exactly the items the Python form does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import FollowUp, FollowUpStatus, WalkStatus
from gembawalk.services.followups.predicates import (
    is_overdue,
    may_add_follow_up,
    overdue_clause,
    sees_closure_rates,
)
from gembawalk.services.walks.lifecycle import has_started

from . import factories

TODAY = date(2026, 11, 18)


def test_overdue_means_open_and_due_before_today_in_python_and_in_sql(manager):
    walk = factories.WalkFactory(manager=manager, status=WalkStatus.DONE)
    cases = {
        "yesterday, open": (TODAY - timedelta(days=1), FollowUpStatus.OPEN, True),
        "today, open": (TODAY, FollowUpStatus.OPEN, False),
        "tomorrow, open": (TODAY + timedelta(days=1), FollowUpStatus.OPEN, False),
        "last week, closed": (TODAY - timedelta(days=7), FollowUpStatus.CLOSED, False),
    }
    items = {
        name: factories.FollowUpFactory(walk=walk, due_date=due, status=status)
        for name, (due, status, _) in cases.items()
    }

    assert {name: is_overdue(item, TODAY) for name, item in items.items()} == {
        name: expected for name, (_, _, expected) in cases.items()
    }
    found = set(db.session.scalars(select(FollowUp.id).where(overdue_clause(TODAY))))
    assert found == {items["yesterday, open"].id}


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (WalkStatus.PLANNED, False),
        (WalkStatus.IN_PROGRESS, True),
        (WalkStatus.DONE, True),
        (WalkStatus.CANCELLED, False),
    ],
)
def test_follow_ups_are_added_only_to_started_walks(manager, status, allowed):
    walk = factories.WalkFactory(manager=manager, status=status)
    assert has_started(walk) is allowed  # the same rule as for observations
    assert may_add_follow_up(manager, walk) is allowed


@pytest.mark.parametrize(
    ("roles", "sees"),
    [
        (("manager",), False),
        (("coach",), False),
        (("director",), True),
        (("admin",), True),
        (("manager", "director"), True),
    ],
)
def test_closure_rates_are_for_directors_and_admins(app, roles, sees):
    assert sees_closure_rates(factories.PersonFactory(roles=roles)) is sees
