"""POST /api/v1/sync: many records in one request, each applied in order through its own PUT's
rules and answered with exactly what that PUT answers; one refused never undoes or holds up
another; a batch sent again is stored once."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk import limits
from gembawalk.extensions import db
from gembawalk.models import Comment, EngagementDay, FollowUp, Observation, SyncConflict, Walk
from gembawalk.models.rollup import FACTS
from gembawalk.services.engagement import rollup
from gembawalk.services.sync import tombstones

from . import factories
from .coaching_world import build_world
from .conftest import sign_in
from .openapi_check import assert_documented

PATHS = {
    "walk": "walks",
    "observation": "observations",
    "comment": "comments",
    "follow_up": "follow-ups",
}


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def record(kind: str, body, record_id=None) -> dict:
    return {"type": kind, "uuid": str(record_id or uuid.uuid4()), "body": body}


def started_walk_body(**changes) -> dict:
    started = now_iso()
    return {
        "kind": "gemba_walk",
        "status": "in_progress",
        "planned_start": started,
        "started_at": started,
        "place": "Loading dock",
        **changes,
    }


def planned_walk_body(**changes) -> dict:
    tomorrow = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    return {
        "kind": "customer_visit",
        "status": "planned",
        "planned_start": tomorrow.isoformat(),
        "place": "Front desk",
        **changes,
    }


def observation_body(walk_id, **changes) -> dict:
    return {
        "walk_id": str(walk_id),
        "category": "failure_demand",
        "said_by": "customer",
        "text": "Called twice because the first answer was wrong",
        "made_at": now_iso(),
        **changes,
    }


def post_batch(client, records, **kwargs):
    response = client.post("/api/v1/sync", json={"records": records}, **kwargs)
    assert_documented(client, response, "post", "/sync")
    return response


def put_alone(client, item: dict):
    response = client.put(f"/api/v1/{PATHS[item['type']]}/{item['uuid']}", json=item["body"])
    return response.status_code, response.get_json()


def statuses(response) -> list[int]:
    return [result["status"] for result in response.get_json()["results"]]


def assert_each_answers_as_its_put(client, records, results, skip=()) -> None:
    """Each result is what the record's own PUT answers: sent again alone, a created record
    is a repeat (200, the same body) and anything else answers exactly the same (but for the
    records at `skip`, which a later record changed or no PUT can send)."""
    for n, (item, result) in enumerate(zip(records, results, strict=True)):
        assert result["uuid"] == item["uuid"]
        if n in skip:
            continue
        status, body = put_alone(client, item)
        expected = 200 if result["status"] == 201 else result["status"]
        assert (status, body) == (expected, result["body"]), item


# --- in order, each as its PUT --------------------------------------------------------------


def test_a_mixed_batch_is_applied_in_order_each_answered_as_its_put(manager, manager_client):
    walk_id, planned_id = uuid.uuid4(), uuid.uuid4()
    first_id, third_id = uuid.uuid4(), uuid.uuid4()
    records = [
        record("walk", started_walk_body(), walk_id),
        record("observation", observation_body(walk_id), first_id),
        record("observation", observation_body(walk_id, category="picnic")),
        record("observation", observation_body(walk_id, text="Waited for a signature"), third_id),
        record("observation", observation_body(walk_id), first_id),  # a repeat in the batch
        record("observation", observation_body(uuid.uuid4())),  # a walk the server never had
        record("walk", planned_walk_body(), planned_id),
        record("walk", planned_walk_body(place="Gate 2", base_version=1), planned_id),
        record("walk", planned_walk_body(place="Gate 3", base_version=1), planned_id),
        record("comment", {"walk_id": str(walk_id), "body": "Ask the night shift too"}),
        record(
            "follow_up",
            {
                "walk_id": str(walk_id),
                "observation_id": str(first_id),
                "action": "Check the first answer script",
                "owner_id": manager.id,
                "due_date": (datetime.now(UTC).date() + timedelta(days=3)).isoformat(),
            },
        ),
        record("observation", ["not", "an", "object"]),
    ]
    response = post_batch(manager_client, records)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["uuid"] for r in results] == [r["uuid"] for r in records]
    assert statuses(response) == [201, 201, 422, 201, 200, 422, 201, 200, 409, 201, 201, 422]
    assert "category" in results[2]["body"]["fields"]
    assert results[7]["body"]["version"] == 2
    assert results[7]["body"]["place"] == "Gate 2"
    assert results[8]["body"]["conflict"]["base_version"] == 1
    assert "body" in results[11]["body"]["fields"]

    assert rows(Walk) == 2
    assert rows(Observation) == 2
    assert rows(Comment) == 1
    assert rows(FollowUp) == 1
    assert rows(SyncConflict) == 1
    assert db.session.scalar(select(Walk.place).where(Walk.uuid == planned_id)) == "Gate 2"
    # The plan (6) was edited by the next record: sent alone again it names another walk. A
    # body that is not an object (11) is the whole request's 400 alone, one record's 422 here.
    assert_each_answers_as_its_put(manager_client, records, results, skip={6, 11})
    assert rows(Observation) == 2
    assert rows(SyncConflict) == 1


def test_a_batch_sent_again_is_stored_once_and_answered_from_the_database(manager_client):
    walk_id = uuid.uuid4()
    records = [record("walk", started_walk_body(), walk_id)] + [
        record("observation", observation_body(walk_id, text=f"Pallet {n} waited"))
        for n in range(30)
    ]
    first = post_batch(manager_client, records)
    assert statuses(first) == [201] * 31
    again = post_batch(manager_client, records)
    assert statuses(again) == [200] * 31
    assert [r["body"] for r in again.get_json()["results"]] == [
        r["body"] for r in first.get_json()["results"]
    ]
    assert rows(Walk) == 1
    assert rows(Observation) == 30


def test_the_same_batch_from_several_devices_at_once_is_stored_once(app, manager_client):
    walk_id = uuid.uuid4()
    records = [record("walk", started_walk_body(), walk_id)] + [
        record("observation", observation_body(walk_id, text=f"Box {n}")) for n in range(10)
    ]
    cookie = manager_client.get_cookie("session").value
    answers: list[list[int]] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        client = app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        answers.append(statuses(client.post("/api/v1/sync", json={"records": records})))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4
    for n in range(len(records)):
        assert sorted(answer[n] for answer in answers) == [200, 200, 200, 201]
    assert rows(Walk) == 1
    assert rows(Observation) == 10


def test_a_record_refused_does_not_hold_up_or_undo_the_others(manager_client):
    walk_id = uuid.uuid4()
    records = [
        record("walk", started_walk_body(), walk_id),
        record("observation", observation_body(walk_id, text="x" * 5000)),
        record("observation", observation_body(walk_id, made_at="2026-11-22T09:00:00")),
        record("observation", observation_body(walk_id)),
    ]
    response = post_batch(manager_client, records)
    assert statuses(response) == [201, 422, 422, 201]
    assert "text" in response.get_json()["results"][1]["body"]["fields"]
    assert rows(Walk) == 1
    assert rows(Observation) == 1


def test_removed_records_are_410_in_a_batch_as_alone(manager_client):
    walk_id = uuid.uuid4()
    post_batch(manager_client, [record("walk", started_walk_body(), walk_id)])
    walk = db.session.scalar(select(Walk).where(Walk.uuid == walk_id))
    tombstones.remove_walks([walk], "The series was ended.")
    db.session.commit()
    records = [
        record("walk", started_walk_body(), walk_id),
        record("observation", observation_body(walk_id)),
        record("walk", started_walk_body()),
    ]
    response = post_batch(manager_client, records)
    assert statuses(response) == [410, 410, 201]
    assert "The series was ended." in response.get_json()["results"][0]["body"]["error"]
    assert_each_answers_as_its_put(manager_client, records, response.get_json()["results"])


# --- who may send what ----------------------------------------------------------------------


def test_anonymous_gets_401_json_and_nothing_is_applied(client):
    response = client.post("/api/v1/sync", json={"records": [record("walk", started_walk_body())]})
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert rows(Walk) == 0


def test_each_record_follows_the_one_permission_rule(app):
    world = build_world()
    client = app.test_client()
    sign_in(client, world.coach)
    records = [
        record("walk", started_walk_body()),  # a coach records no walk
        record("comment", {"walk_id": str(world.walk.uuid), "body": "Well spotted"}),
        record("comment", {"walk_id": str(world.other_walk.uuid), "body": "Not my manager"}),
    ]
    response = post_batch(client, records)
    assert statuses(response) == [403, 201, 404]
    assert_each_answers_as_its_put(client, records, response.get_json()["results"])
    assert rows(Comment) == 1


def test_a_batch_needs_the_csrf_header_once(manager_client, csrf_on):
    records = [record("walk", started_walk_body())]
    refused = manager_client.post("/api/v1/sync", json={"records": records})
    assert refused.status_code == 400
    assert refused.is_json
    assert "CSRF" in refused.get_json()["error"]
    assert rows(Walk) == 0
    token = manager_client.get("/api/v1/csrf").get_json()["csrf_token"]
    response = post_batch(manager_client, records, headers={"X-CSRFToken": token})
    assert statuses(response) == [201]


# --- what cannot be read as a batch ---------------------------------------------------------


@pytest.mark.parametrize(
    ("envelope", "status"),
    [
        ({"records": {"type": "walk"}}, 400),
        ({"walks": []}, 400),
        ({"records": [{"type": "photo", "uuid": str(uuid.uuid4()), "body": {}}]}, 422),
        ({"records": [{"type": "walk", "body": {}}]}, 422),
        ({"records": [{"type": "walk", "uuid": "not-a-uuid", "body": {}}]}, 422),
        ({"records": ["walk"]}, 422),
    ],
)
def test_a_batch_that_cannot_be_read_is_refused_whole(manager_client, envelope, status):
    walk = record("walk", started_walk_body())
    if isinstance(envelope.get("records"), list):
        envelope = {"records": [walk, *envelope["records"]]}
    response = manager_client.post("/api/v1/sync", json=envelope)
    assert response.status_code == status
    assert_documented(manager_client, response, "post", "/sync")
    assert response.get_json()["error"]
    if status == 422:
        assert any(name.startswith("records[1]") for name in response.get_json()["fields"])
    assert rows(Walk) == 0


def test_a_body_that_is_not_json_is_400(manager_client):
    response = manager_client.post("/api/v1/sync", data="records", content_type="text/plain")
    assert response.status_code == 400
    assert response.is_json


def test_more_records_than_the_limit_is_413_and_nothing_is_applied(manager_client):
    walk_id = uuid.uuid4()
    records = [record("walk", started_walk_body(), walk_id)] + [
        record("observation", observation_body(walk_id))
        for _ in range(limits.SYNC_BATCH_MAX_RECORDS)
    ]
    response = post_batch(manager_client, records)
    assert response.status_code == 413
    assert str(limits.SYNC_BATCH_MAX_RECORDS) in response.get_json()["error"]
    assert rows(Walk) == 0
    assert statuses(post_batch(manager_client, records[: limits.SYNC_BATCH_MAX_RECORDS])) == (
        [201] * limits.SYNC_BATCH_MAX_RECORDS
    )


def test_a_body_over_the_byte_limit_is_413_before_it_is_read(app, manager_client):
    padding = "x" * limits.SYNC_BATCH_MAX_BYTES
    data = json.dumps({"records": [record("walk", started_walk_body(place=padding))]})
    read: list[bool] = []
    original = app.view_functions["api.batch.sync_batch"]
    app.view_functions["api.batch.sync_batch"] = lambda: read.append(True) or original()
    try:
        response = manager_client.post("/api/v1/sync", data=data, content_type="application/json")
    finally:
        app.view_functions["api.batch.sync_batch"] = original
    assert response.status_code == 413
    assert response.is_json
    assert_documented(manager_client, response, "post", "/sync")
    assert read == []
    assert rows(Walk) == 0


def test_a_comment_over_its_own_limit_is_that_records_413(app):
    world = build_world()
    client = app.test_client()
    sign_in(client, world.coach)
    walk_id = str(world.walk.uuid)
    records = [
        record("comment", {"walk_id": walk_id, "body": "x" * (limits.NOTE_BODY_MAX_BYTES + 1)}),
        record("comment", {"walk_id": walk_id, "body": "Short and kind"}),
    ]
    response = post_batch(client, records)
    assert statuses(response) == [413, 201]
    alone = client.put(f"/api/v1/comments/{records[0]['uuid']}", json=records[0]["body"])
    assert (alone.status_code, alone.get_json()) == (413, response.get_json()["results"][0]["body"])


def test_a_manager_cannot_write_another_managers_records_through_a_batch(app, manager_client):
    other = factories.PersonFactory(roles=["manager"])
    client = app.test_client()
    sign_in(client, other)
    walk_id = uuid.uuid4()
    assert statuses(post_batch(client, [record("walk", started_walk_body(), walk_id)])) == [201]
    records = [
        record("observation", observation_body(walk_id)),
        record("walk", {**started_walk_body(), "place": "Mine now"}, walk_id),
    ]
    response = post_batch(manager_client, records)
    assert statuses(response) == [422, 422]
    assert_each_answers_as_its_put(manager_client, records, response.get_json()["results"])
    assert db.session.scalar(select(Walk.place)) == "Loading dock"
    assert rows(Observation) == 0


def _days() -> list[tuple]:
    rows = db.session.scalars(select(EngagementDay).order_by(EngagementDay.day)).all()
    return [(row.manager_id, row.day, *(getattr(row, fact) for fact in FACTS)) for row in rows]


def test_the_engagement_days_are_summed_once_for_the_whole_batch(manager_client):
    walk_id = uuid.uuid4()
    ended = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    done = {
        "kind": "gemba_walk",
        "status": "done",
        "planned_start": (ended - timedelta(hours=1)).isoformat(),
        "started_at": (ended - timedelta(minutes=50)).isoformat(),
        "completed_at": ended.isoformat(),
        "customers_spoken_to": 0,
        "recorded_after": True,
        "place": "Returns desk",
    }
    records = [
        record("walk", done, walk_id),
        record("observation", observation_body(walk_id, category="value_demand")),
        record("observation", observation_body(walk_id, category="picnic")),  # refused
        record("observation", observation_body(walk_id, category="failure_demand")),
    ]
    assert statuses(post_batch(manager_client, records)) == [201, 201, 422, 201]
    db.session.rollback()
    summed = _days()
    assert summed, "the batch's walk and observations are in the days"
    rollup.rebuild()
    assert _days() == summed  # the same as summing every day again from the records


# --- what a batch reads once ----------------------------------------------------------------


def statements_during(fn) -> int:
    """How many SQL statements the app sends while fn runs."""
    from sqlalchemy import event

    sent = []

    def count(*_args) -> None:
        sent.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(sent)


def test_a_batch_reads_its_walks_and_observations_once_not_once_a_record(manager_client):
    walk_id = uuid.uuid4()
    post_batch(manager_client, [record("walk", started_walk_body(), walk_id)])
    records = [
        record("observation", observation_body(walk_id, text=f"Crate {n} waited"))
        for n in range(40)
    ]
    answers: dict[str, list[int]] = {}

    def send(name: str):
        return lambda: answers.setdefault(name, statuses(post_batch(manager_client, records)))

    first = statements_during(send("first"))
    replay = statements_during(send("replay"))
    assert answers == {"first": [201] * 40, "replay": [200] * 40}
    # New observations cost no statement of their own: their UUIDs, their walk and the
    # tombstones were read once for the whole batch, and they go in one INSERT together.
    assert first <= 30, first
    # A repeat is answered from what the batch read up front: no statement of its own.
    assert replay <= 30, replay
    assert rows(Observation) == 40
