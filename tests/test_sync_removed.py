"""A record removed on the server (a series changed "this and later", or ended) answers 410 with
its reason when a phone sends it again, and its UUID is never used for a new record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Comment, FollowUp, Observation, RemovedRecord, Walk, WalkStatus
from gembawalk.services import coaching
from gembawalk.services.followups import rules as followups
from gembawalk.services.people.accounts import zone_for
from gembawalk.services.sync import tombstones
from gembawalk.services.walks import lifecycle as walks
from gembawalk.services.walks import series as series_service
from gembawalk.timeutil import local

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented


def _weekly_series(manager):
    """A weekly series from tomorrow at 09:00 in the manager's zone: its first two walks."""
    now = datetime.now(UTC)
    first_day = local(now, zone_for(manager)).date() + timedelta(days=1)
    plan = walks.WalkPlan(kind="gemba_walk", day=first_day, at=time(9, 0), place="Dock 4")
    first = series_service.plan_series(manager, plan, repeat="weekly", now=now)
    later = db.session.scalar(
        select(Walk)
        .where(Walk.series_id == first.series_id, Walk.id != first.id)
        .order_by(Walk.planned_start)
    )
    return first, later


def _what_the_phone_holds(walk: Walk) -> dict:
    """The walk as the phone downloaded it, now started there: the body issue 15 sent."""
    return {
        "kind": walk.kind.value,
        "status": "in_progress",
        "planned_start": walk.planned_start.isoformat(),
        "planned_minutes": walk.planned_minutes,
        "timezone": walk.timezone,
        "place": walk.place,
        "purpose": walk.purpose,
        "customer_ids": [],
        "started_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "base_version": 1,
    }


def _walks_on(day_walk_start) -> int:
    return db.session.scalar(
        select(func.count(Walk.id)).where(Walk.planned_start == day_walk_start)
    )


def _put(client, kind: str, path_name: str, record_id, body: dict):
    response = client.put(f"/api/v1/{kind}/{record_id}", json=body)
    assert_documented(client, response, "put", f"/{kind}/{{{path_name}}}")
    return response


def test_a_walk_removed_by_changing_the_series_this_and_later_is_gone_not_a_duplicate(
    manager, manager_client
):
    first, later = _weekly_series(manager)
    later_id, later_start, held = later.uuid, later.planned_start, _what_the_phone_holds(later)
    plan = walks.WalkPlan(
        kind="gemba_walk",
        day=local(first.planned_start, first.timezone).date(),
        at=time(10, 0),
        place="Dock 5",
    )
    series_service.update_this_and_later(manager, first.uuid, plan, repeat="weekly")
    assert manager_client.get(f"/walks/{later_id}").status_code == 404

    response = _put(manager_client, "walks", "walk_id", later_id, held)

    assert response.status_code == 410
    assert "series was changed" in response.get_json()["error"]
    assert db.session.scalar(select(Walk).where(Walk.uuid == later_id)) is None
    assert _walks_on(later_start) == 0  # the new series' walk is at 10:00, not a second 09:00


def test_a_walk_removed_by_ending_the_series_is_gone_however_it_is_sent(manager, manager_client):
    first, later = _weekly_series(manager)
    later_id, held = later.uuid, _what_the_phone_holds(later)
    series_service.end_series(manager, first.series.uuid)
    walks_left = db.session.scalar(select(func.count(Walk.id)))

    as_an_edit = _put(manager_client, "walks", "walk_id", later_id, held)
    as_a_create = _put(
        manager_client,
        "walks",
        "walk_id",
        later_id,
        {**held, "status": "planned", "base_version": None},
    )

    assert (as_an_edit.status_code, as_a_create.status_code) == (410, 410)
    assert "series was ended" in as_an_edit.get_json()["error"]
    assert db.session.scalar(select(func.count(Walk.id))) == walks_left


def test_a_removed_uuid_is_never_reused_by_anyone(manager, client, unit):
    first, later = _weekly_series(manager)
    later_id, held = later.uuid, _what_the_phone_holds(later)
    series_service.end_series(manager, first.series.uuid)
    other = factories.PersonFactory(roles=["manager"], org_unit=unit)
    sign_in(client, other)

    response = _put(client, "walks", "walk_id", later_id, {**held, "base_version": None})

    assert response.status_code == 422  # as for any id someone else holds: nothing told
    assert db.session.scalar(select(Walk).where(Walk.uuid == later_id)) is None


def _removed_walk_with_one_of_each(manager) -> dict[str, uuid.UUID]:
    """A started walk of the manager's with an observation, a comment and a follow-up on it,
    all removed: the UUID of each, by its record type."""
    walk = factories.WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS)
    observation = factories.ObservationFactory(walk=walk, author=manager)
    db.session.commit()
    comment, _ = coaching.add_comment(manager, walk.uuid, "Note to self")
    item, _ = followups.create_follow_up(
        manager,
        walk.uuid,
        action="Ring back",
        owner_id=manager.id,
        due_date=local(datetime.now(UTC), zone_for(manager)).date() + timedelta(days=3),
        observation_id=observation.uuid,
    )
    ids = {
        "walk": walk.uuid,
        "observation": observation.uuid,
        "comment": comment.uuid,
        "follow-up": item.uuid,
    }
    tombstones.remove_walks([walk], "Removed on the server: a test says so.")
    db.session.commit()
    return ids


def test_removing_walks_keeps_a_tombstone_for_everything_on_them(app, manager):
    """Every kind a device writes by UUID goes with its walk, each leaving a tombstone."""
    ids = _removed_walk_with_one_of_each(manager)
    kept = dict(db.session.execute(select(RemovedRecord.record_type, RemovedRecord.uuid)).all())
    assert kept == ids
    for model in (Walk, Observation, Comment, FollowUp):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


@pytest.fixture
def removed(app, manager):
    return _removed_walk_with_one_of_each(manager)


@pytest.mark.parametrize(
    ("kind", "path_name", "key", "body"),
    [
        (
            "observations",
            "observation_id",
            "observation",
            {"text": "Edited offline", "base_version": 1},
        ),
        ("comments", "comment_id", "comment", {"body": "Edited offline", "base_version": 1}),
        (
            "follow-ups",
            "follow_up_id",
            "follow-up",
            {"status": "closed", "closing_note": "Done", "base_version": 1},
        ),
    ],
)
def test_a_removed_observation_comment_or_follow_up_is_gone(
    manager_client, removed, kind, path_name, key, body
):
    response = _put(manager_client, kind, path_name, removed[key], body)
    assert response.status_code == 410
    assert response.get_json()["error"] == "Removed on the server: a test says so."


@pytest.mark.parametrize(
    ("kind", "path_name", "body"),
    [
        (
            "observations",
            "observation_id",
            {"category": "waste", "waste_type": "waiting", "text": "x"},
        ),
        ("comments", "comment_id", {"body": "x"}),
        ("follow-ups", "follow_up_id", {"action": "x", "due_date": "2099-01-01"}),
    ],
)
def test_a_new_record_for_a_removed_walk_goes_with_it(
    manager_client, manager, removed, kind, path_name, body
):
    body = {**body, "walk_id": str(removed["walk"]), "owner_id": manager.id}
    response = _put(manager_client, kind, path_name, uuid.uuid4(), body)
    assert response.status_code == 410
    assert "The walk it was on is gone" in response.get_json()["error"]
