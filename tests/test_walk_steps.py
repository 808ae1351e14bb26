"""services/walks/steps.py without HTTP: the way back from a cancel, and the line a page sent
again is answered with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gembawalk.models import WalkStatus
from gembawalk.services.errors import Conflict
from gembawalk.services.walks import lifecycle as walks
from gembawalk.services.walks import steps

from .factories import WalkFactory, done_walk

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def test_reinstating_makes_a_cancelled_walk_planned_again(manager):
    walk = WalkFactory(manager=manager, planned_start=NOW + timedelta(hours=2))
    walks.cancel_walk(manager, walk.uuid, now=NOW)
    reinstated = steps.reinstate_walk(manager, walk.uuid, now=NOW + timedelta(hours=1))
    assert reinstated.status == WalkStatus.PLANNED
    assert reinstated.cancelled_at is None
    assert reinstated.version == 3
    # A second tap changes nothing.
    assert steps.reinstate_walk(manager, walk.uuid, now=NOW).version == 3


def test_a_walk_whose_time_has_passed_cannot_be_reinstated(manager):
    walk = WalkFactory(manager=manager, planned_start=NOW + timedelta(hours=2))
    walks.cancel_walk(manager, walk.uuid, now=NOW)
    with pytest.raises(Conflict):
        steps.reinstate_walk(manager, walk.uuid, now=NOW + timedelta(hours=3))
    assert not steps.may_reinstate(walk, NOW + timedelta(hours=3))
    assert steps.may_reinstate(walk, NOW)


def test_a_done_walk_cannot_be_reinstated(manager):
    walk = done_walk(manager, NOW - timedelta(hours=1))
    with pytest.raises(Conflict):
        steps.reinstate_walk(manager, walk.uuid, now=NOW - timedelta(days=2))


def test_each_step_says_what_happened_once_the_walk_is_past_it(manager):
    planned = WalkFactory(manager=manager, planned_start=NOW)
    assert steps.moved_past(planned, "start") is None
    assert steps.moved_past(planned, "cancel") is None
    assert steps.moved_past(planned, "complete") == "This walk has not been started yet."
    done = done_walk(manager, datetime(2026, 7, 1, 9, 42, tzinfo=UTC))  # 10:42 in London (BST)
    for step in ("start", "complete", "cancel"):
        assert steps.moved_past(done, step) == "This walk was completed on Wed 1 Jul at 10:42."
