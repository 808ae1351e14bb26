"""PUT /api/v1/comments/{id} and /api/v1/follow-ups/{id}: the one sync protocol (safe to
repeat, a stale edit kept as a conflict to resolve), everything out of scope is 404, and every
answer matches the OpenAPI document."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Comment, FollowUp, FollowUpStatus

from .coaching_world import build_world
from .conftest import sign_in
from .openapi_check import assert_documented


@pytest.fixture
def world(app):
    return build_world()


def signed_in(app, person):
    client = app.test_client()
    sign_in(client, person)
    return client


PATH_NAMES = {"comments": "comment_id", "follow-ups": "follow_up_id"}


def put(client, kind: str, record_id, body: dict):
    response = client.put(f"/api/v1/{kind}/{record_id}", json=body)
    assert_documented(client, response, "put", f"/{kind}/{{{PATH_NAMES[kind]}}}")
    return response


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def due(days: int = 5) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def test_a_comment_put_twice_is_created_once(app, world):
    client = signed_in(app, world.coach)
    comment_id = uuid.uuid4()
    body = {"walk_id": str(world.walk.uuid), "observation_id": str(world.obs.uuid), "body": "Hi"}
    first = put(client, "comments", comment_id, body)
    assert first.status_code == 201
    assert first.get_json()["uuid"] == str(comment_id)
    again = put(client, "comments", comment_id, body)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert rows(Comment) == 1
    different = put(client, "comments", comment_id, {**body, "body": "Other"})
    assert different.status_code == 422
    assert rows(Comment) == 1


def test_the_manager_answers_offline_and_a_stale_edit_is_a_conflict(app, world):
    coach = signed_in(app, world.coach)
    thread_id = uuid.uuid4()
    put(coach, "comments", thread_id, {"walk_id": str(world.walk.uuid), "body": "Why?"})
    maya = signed_in(app, world.maya)
    reply_id = uuid.uuid4()
    reply = put(
        maya,
        "comments",
        reply_id,
        {"walk_id": str(world.walk.uuid), "parent_id": str(thread_id), "body": "Because"},
    )
    assert reply.status_code == 201
    assert reply.get_json()["parent_id"] == str(thread_id)
    edit = {"body": "Because, I think", "base_version": 1}
    assert put(maya, "comments", reply_id, edit).get_json()["version"] == 2
    assert put(maya, "comments", reply_id, edit).status_code == 200  # a retry that landed
    stale = put(maya, "comments", reply_id, {"body": "Something else", "base_version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["body"] == "Because, I think"
    assert put(
        coach, "comments", reply_id, {"body": "Not mine", "base_version": 2}
    ).status_code == (403)


@pytest.mark.parametrize(
    "body",
    [
        {"body": ""},
        {"body": "x" * 2001},
        {"body": 12},
        {"body": "ok", "observation_id": "not-a-uuid"},
    ],
)
def test_bad_comments_are_422_with_a_reason(app, world, body):
    client = signed_in(app, world.coach)
    response = put(client, "comments", uuid.uuid4(), {"walk_id": str(world.walk.uuid), **body})
    assert response.status_code == 422
    assert response.get_json()["error"]
    assert rows(Comment) == 0


def test_follow_up_created_then_closed_offline_ends_closed_once(app, world):
    client = signed_in(app, world.maya)
    item_id = uuid.uuid4()
    create = {
        "walk_id": str(world.walk.uuid),
        "observation_id": str(world.obs.uuid),
        "action": "Ring back the same day",
        "owner_id": world.maya.id,
        "due_date": due(),
    }
    made = put(client, "follow-ups", item_id, create)
    assert made.status_code == 201
    assert put(client, "follow-ups", item_id, create).status_code == 200
    close = {"base_version": 1, "status": "closed", "closing_note": "We ring back by 5pm"}
    closed = put(client, "follow-ups", item_id, close)
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "closed"
    assert closed.get_json()["version"] == 2
    assert put(client, "follow-ups", item_id, close).status_code == 200  # sent again
    other = put(client, "follow-ups", item_id, {**close, "closing_note": "Another device"})
    assert other.status_code == 409
    assert other.get_json()["current"]["closing_note"] == "We ring back by 5pm"
    assert rows(FollowUp) == 1
    assert db.session.scalar(select(FollowUp)).status == FollowUpStatus.CLOSED


def test_follow_up_rules_hold_in_the_api(app, world):
    client = signed_in(app, world.maya)
    base = {"walk_id": str(world.walk.uuid), "action": "Do it", "owner_id": world.maya.id}
    past = put(client, "follow-ups", uuid.uuid4(), {**base, "due_date": due(-3)})
    assert past.status_code == 422
    assert "due_date" in past.get_json()["fields"]
    outside = put(client, "follow-ups", uuid.uuid4(), {**base, "due_date": due(), "owner_id": 0})
    assert outside.status_code == 422
    assert "owner_id" in outside.get_json()["fields"]
    assert rows(FollowUp) == 0


def test_edits_from_an_old_version_are_conflicts(app, world):
    client = signed_in(app, world.maya)
    item_id = uuid.uuid4()
    put(
        client,
        "follow-ups",
        item_id,
        {
            "walk_id": str(world.walk.uuid),
            "action": "A",
            "owner_id": world.maya.id,
            "due_date": due(),
        },
    )
    assert put(client, "follow-ups", item_id, {"base_version": 1, "action": "B"}).status_code == 200
    stale = put(client, "follow-ups", item_id, {"base_version": 1, "action": "C"})
    assert stale.status_code == 409
    assert stale.get_json()["version"] == 2


SEES = {"maya": 201, "sam": 404, "coach": 201, "coach2": 404, "director": 201, "admin": 201}


@pytest.mark.parametrize("who", SEES)
def test_the_api_follows_the_one_permission_rule(app, world, who):
    client = signed_in(app, world.people()[who])
    comment = put(client, "comments", uuid.uuid4(), {"walk_id": str(world.walk.uuid), "body": "x"})
    assert comment.status_code == SEES[who]
    item = put(
        client,
        "follow-ups",
        uuid.uuid4(),
        {
            "walk_id": str(world.walk.uuid),
            "action": "A",
            "owner_id": world.maya.id,
            "due_date": due(),
        },
    )
    assert item.status_code == SEES[who]


def test_anonymous_callers_get_401_json(client, world):
    response = client.put(f"/api/v1/comments/{uuid.uuid4()}", json={"body": "x"})
    assert response.status_code == 401
    assert response.is_json


def test_a_body_over_the_limit_is_413_json(app, world):
    client = signed_in(app, world.coach)
    response = client.put(
        f"/api/v1/comments/{uuid.uuid4()}",
        data=b'{"body": "' + b"x" * 100_000 + b'"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["status"] == 413
    assert rows(Comment) == 0


def test_a_stale_comment_edit_is_kept_for_its_author_to_resolve(app, world):
    maya = signed_in(app, world.maya)
    comment_id = uuid.uuid4()
    put(maya, "comments", comment_id, {"walk_id": str(world.walk.uuid), "body": "First"})
    put(maya, "comments", comment_id, {"body": "From the phone", "base_version": 1})
    stale = put(maya, "comments", comment_id, {"body": "From the laptop", "base_version": 1})
    assert stale.status_code == 409
    conflict = stale.get_json()["conflict"]
    assert conflict["base_version"] == 1
    page = maya.get("/sync/conflicts/").get_data(as_text=True)
    assert "From the laptop" in page
    assert "From the phone" in page
    assert "No conflicts" in signed_in(app, world.coach).get("/sync/conflicts/").get_data(
        as_text=True
    )
    assert maya.post(f"/sync/conflicts/{conflict['id']}/use-mine").status_code == 302
    comment = db.session.scalar(select(Comment).where(Comment.uuid == comment_id))
    assert (comment.body, comment.version) == ("From the laptop", 3)


def test_a_close_that_lost_the_race_is_kept_and_the_server_can_win(app, world):
    maya = signed_in(app, world.maya)
    item_id = uuid.uuid4()
    create = {
        "walk_id": str(world.walk.uuid),
        "action": "Ring back",
        "owner_id": world.maya.id,
        "due_date": due(),
    }
    put(maya, "follow-ups", item_id, create)
    put(maya, "follow-ups", item_id, {"base_version": 1, "action": "Ring back by noon"})
    late = {"base_version": 1, "status": "closed", "closing_note": "We rang back"}
    stale = put(maya, "follow-ups", item_id, late)
    assert stale.status_code == 409
    assert stale.get_json()["current"]["action"] == "Ring back by noon"
    page = maya.get("/sync/conflicts/").get_data(as_text=True)
    assert "Follow-up: Ring back by noon" in page
    assert "We rang back" in page
    maya.post(f"/sync/conflicts/{stale.get_json()['conflict']['id']}/keep-server")
    item = db.session.scalar(select(FollowUp).where(FollowUp.uuid == item_id))
    assert (item.status, item.version) == (FollowUpStatus.OPEN, 2)
    assert "No conflicts" in maya.get("/sync/conflicts/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [("due_date", 5), ("due_date", "soon"), ("owner_id", "3"), ("status", "done")],
)
def test_a_follow_up_field_of_the_wrong_kind_is_422_naming_it(app, world, field, value):
    client = signed_in(app, world.maya)
    item_id = uuid.uuid4()
    create = {
        "walk_id": str(world.walk.uuid),
        "action": "A",
        "owner_id": world.maya.id,
        "due_date": due(),
    }
    refused = put(client, "follow-ups", item_id, {**create, field: value})
    assert refused.status_code == 422
    assert field in refused.get_json()["fields"]
    put(client, "follow-ups", item_id, create)
    edit = put(client, "follow-ups", item_id, {"base_version": 1, field: value})
    assert edit.status_code == 422
    assert db.session.scalar(select(FollowUp)).version == 1
