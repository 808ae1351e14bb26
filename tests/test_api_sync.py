"""The sync API: records made on a device arrive once, edits never overwrite silently."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Observation, SyncConflict, Walk, WalkStatus

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def walk_body(**changes) -> dict:
    body = {
        "kind": "gemba_walk",
        "status": "planned",
        "planned_start": _iso(TOMORROW),
        "place": "Loading dock",
        "purpose": "See how returns are handled",
        "customer_ids": [],
    }
    return {**body, **changes}


def put_walk(client, walk_id, body):
    return client.put(f"/api/v1/walks/{walk_id}", json=body)


def put_observation(client, observation_id, body):
    return client.put(f"/api/v1/observations/{observation_id}", json=body)


def started_walk(client) -> str:
    walk_id = str(uuid.uuid4())
    now = datetime.now(UTC).replace(microsecond=0)
    response = put_walk(
        client,
        walk_id,
        walk_body(status="in_progress", planned_start=_iso(now), started_at=_iso(now)),
    )
    assert response.status_code == 201, response.get_json()
    return walk_id


def observation_body(walk_id: str, **changes) -> dict:
    body = {
        "walk_id": walk_id,
        "category": "failure_demand",
        "said_by": "customer",
        "text": "Called twice because the first answer was wrong",
        "made_at": _iso(datetime.now(UTC).replace(microsecond=0)),
    }
    return {**body, **changes}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- walks ----------------------------------------------------------------------------------


def test_a_walk_is_created_once_and_the_repeat_answers_the_same(manager_client):
    walk_id = str(uuid.uuid4())
    first = put_walk(manager_client, walk_id, walk_body())
    assert first.status_code == 201
    assert_documented(manager_client, first, "put", "/walks/{walk_id}")
    assert first.get_json()["uuid"] == walk_id
    assert first.get_json()["version"] == 1

    again = put_walk(manager_client, walk_id, walk_body())
    assert again.status_code == 200
    assert_documented(manager_client, again, "put", "/walks/{walk_id}")
    assert again.get_json() == first.get_json()
    assert count(Walk) == 1


def test_the_same_uuid_with_a_different_body_on_create_is_422(manager_client):
    walk_id = str(uuid.uuid4())
    assert put_walk(manager_client, walk_id, walk_body()).status_code == 201
    response = put_walk(manager_client, walk_id, walk_body(place="Somewhere else"))
    assert response.status_code == 422
    assert_documented(manager_client, response, "put", "/walks/{walk_id}")
    assert "different walk" in response.get_json()["error"]
    assert db.session.scalar(select(Walk.place)) == "Loading dock"


def test_anonymous_gets_401_json_never_a_redirect(client):
    for response in (
        client.put(f"/api/v1/walks/{uuid.uuid4()}", json=walk_body()),
        client.get("/api/v1/walks"),
        client.get("/api/v1/customers"),
        client.post("/api/v1/sync/status", json={"uuids": []}),
    ):
        assert response.status_code == 401
        assert response.is_json
        assert response.get_json()["status"] == 401
    assert count(Walk) == 0


def test_writes_need_the_csrf_header(app, manager_client):
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in; the app fixture turns it off
    walk_id = str(uuid.uuid4())
    refused = put_walk(manager_client, walk_id, walk_body())
    assert refused.status_code == 400
    assert refused.is_json
    token = manager_client.get("/api/v1/csrf").get_json()["csrf_token"]
    response = manager_client.put(
        f"/api/v1/walks/{walk_id}", json=walk_body(), headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


def test_bad_fields_are_422_with_a_reason_per_field(manager_client):
    response = put_walk(
        manager_client, uuid.uuid4(), walk_body(planned_start="2026-11-22T09:00:00")
    )
    assert response.status_code == 422
    assert "planned_start" in response.get_json()["fields"]
    response = put_walk(manager_client, uuid.uuid4(), walk_body(kind="picnic"))
    assert response.status_code == 422
    assert "kind" in response.get_json()["fields"]
    assert_documented(manager_client, response, "put", "/walks/{walk_id}")
    # A device asks for the lengths the pages offer, no other (the offline form once took 600).
    response = put_walk(manager_client, uuid.uuid4(), walk_body(planned_minutes=600))
    assert response.status_code == 422
    assert "planned_minutes" in response.get_json()["fields"]
    assert count(Walk) == 0


def test_a_body_over_the_limit_is_413(manager_client):
    response = put_walk(manager_client, uuid.uuid4(), walk_body(summary="x" * 2_000_000))
    assert response.status_code == 413
    assert response.is_json
    assert_documented(manager_client, response, "put", "/walks/{walk_id}")


def test_someone_elses_walk_id_is_refused_and_left_alone(manager_client, unit):
    other = factories.WalkFactory(manager=factories.PersonFactory(org_unit=unit), place="Theirs")
    response = put_walk(manager_client, other.uuid, walk_body(base_version=1))
    assert response.status_code == 422
    db.session.refresh(other)
    assert other.place == "Theirs"


def test_an_edit_with_the_current_version_applies(manager_client):
    walk_id = str(uuid.uuid4())
    put_walk(manager_client, walk_id, walk_body())
    response = put_walk(manager_client, walk_id, walk_body(place="Yard", base_version=1))
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    assert response.get_json()["place"] == "Yard"
    again = put_walk(manager_client, walk_id, walk_body(place="Yard", base_version=1))
    assert again.status_code == 200  # a retry of an edit that landed
    assert again.get_json()["version"] == 2


def test_two_devices_edit_the_same_version_the_second_is_a_conflict_nothing_lost(
    manager_client, manager
):
    walk_id = str(uuid.uuid4())
    put_walk(manager_client, walk_id, walk_body())
    phone = put_walk(manager_client, walk_id, walk_body(place="Phone's place", base_version=1))
    assert phone.status_code == 200
    laptop = put_walk(manager_client, walk_id, walk_body(place="Laptop's place", base_version=1))
    assert laptop.status_code == 409
    assert_documented(manager_client, laptop, "put", "/walks/{walk_id}")
    body = laptop.get_json()
    assert body["uuid"] == walk_id
    assert body["version"] == 2
    assert body["current"]["place"] == "Phone's place"
    assert db.session.scalar(select(Walk.place)) == "Phone's place"
    conflict = db.session.scalar(select(SyncConflict))
    assert conflict.person_id == manager.id
    assert "Laptop's place" in conflict.body
    # The same stale edit again is the same conflict, not a second one.
    assert put_walk(manager_client, walk_id, walk_body(place="Laptop's place", base_version=1))
    assert count(SyncConflict) == 1


def test_create_then_edit_ends_with_the_edit(manager_client):
    walk_id = str(uuid.uuid4())
    put_walk(manager_client, walk_id, walk_body())
    put_walk(manager_client, walk_id, walk_body(purpose="Changed my mind", base_version=1))
    assert db.session.scalar(select(Walk.purpose)) == "Changed my mind"


def test_status_changes_follow_the_page_rules(manager_client):
    walk_id = str(uuid.uuid4())
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=50)
    put_walk(manager_client, walk_id, walk_body(planned_start=_iso(start)))
    started = put_walk(
        manager_client,
        walk_id,
        walk_body(
            planned_start=_iso(start), status="in_progress", started_at=_iso(start), base_version=1
        ),
    )
    assert started.status_code == 200
    assert started.get_json()["status"] == "in_progress"

    done_body = walk_body(
        planned_start=_iso(start),
        status="done",
        started_at=_iso(start),
        completed_at=_iso(start + timedelta(hours=2)),  # in the future: refused as on the page
        customers_spoken_to=2,
        summary="Good visit",
        base_version=2,
    )
    refused = put_walk(manager_client, walk_id, done_body)
    assert refused.status_code == 422
    assert "completed_at" in refused.get_json()["fields"]

    done_body["completed_at"] = _iso(start + timedelta(minutes=45))
    done = put_walk(manager_client, walk_id, done_body)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "done"
    assert done.get_json()["customers_spoken_to"] == 2

    back = put_walk(manager_client, walk_id, {**done_body, "status": "planned", "base_version": 3})
    assert back.status_code == 422
    assert db.session.scalar(select(Walk.status)) == WalkStatus.DONE


def test_a_walk_planned_started_and_done_offline_arrives_in_one_request(manager_client):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    body = walk_body(
        kind="customer_visit",
        planned_start=_iso(start),
        status="done",
        started_at=_iso(start),
        completed_at=_iso(start + timedelta(minutes=30)),
        customers_spoken_to=3,
    )
    walk_id = uuid.uuid4()
    assert put_walk(manager_client, walk_id, body).status_code == 201
    assert put_walk(manager_client, walk_id, body).status_code == 200
    walk = db.session.scalar(select(Walk))
    assert walk.status == WalkStatus.DONE
    assert walk.customers_spoken_to == 3


def test_customers_must_come_from_the_register_the_manager_may_use(manager_client, unit):
    mine = factories.CustomerFactory(org_unit=unit, name="Harbour cafe")
    theirs = factories.CustomerFactory(name="Elsewhere Ltd")
    listed = manager_client.get("/api/v1/customers")
    assert listed.get_json() == {
        "customers": [{"id": mine.id, "name": "Harbour cafe", "kind": "external"}]
    }
    assert_documented(manager_client, listed, "get", "/customers")
    refused = put_walk(manager_client, uuid.uuid4(), walk_body(customer_ids=[theirs.id]))
    assert refused.status_code == 422
    ok = put_walk(manager_client, uuid.uuid4(), walk_body(customer_ids=[mine.id]))
    assert ok.status_code == 201
    assert ok.get_json()["customer_ids"] == [mine.id]


# --- observations ---------------------------------------------------------------------------


def test_an_observation_is_created_once(manager_client):
    walk_id = started_walk(manager_client)
    observation_id = str(uuid.uuid4())
    body = observation_body(walk_id)
    first = put_observation(manager_client, observation_id, body)
    assert first.status_code == 201
    assert_documented(manager_client, first, "put", "/observations/{observation_id}")
    assert first.get_json()["uuid"] == observation_id
    again = put_observation(manager_client, observation_id, body)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count(Observation) == 1

    different = put_observation(manager_client, observation_id, {**body, "text": "Other"})
    assert different.status_code == 422
    assert count(Observation) == 1


def test_an_observation_needs_a_started_walk_of_ones_own(manager_client, unit):
    planned = str(uuid.uuid4())
    put_walk(manager_client, planned, walk_body())
    response = put_observation(manager_client, uuid.uuid4(), observation_body(planned))
    assert response.status_code == 422
    assert "Start the walk" in response.get_json()["error"]
    missing = put_observation(manager_client, uuid.uuid4(), observation_body(str(uuid.uuid4())))
    assert missing.status_code == 422
    assert "walk_id" in missing.get_json()["fields"]
    assert count(Observation) == 0


def test_observation_edits_and_conflicts(manager_client):
    walk_id = started_walk(manager_client)
    observation_id = str(uuid.uuid4())
    body = observation_body(walk_id)
    put_observation(manager_client, observation_id, body)
    edited = put_observation(
        manager_client,
        observation_id,
        {**body, "category": "waste", "waste_type": "waiting", "base_version": 1},
    )
    assert edited.status_code == 200
    assert edited.get_json()["version"] == 2
    assert edited.get_json()["waste_type"] == "waiting"
    stale_body = {**body, "text": "B", "base_version": 1}
    stale = put_observation(manager_client, observation_id, stale_body)
    assert stale.status_code == 409
    assert_documented(manager_client, stale, "put", "/observations/{observation_id}")
    assert db.session.scalar(select(Observation.category)).value == "waste"
    assert count(SyncConflict) == 1


# --- reading back ---------------------------------------------------------------------------


def test_walks_come_back_with_observations_for_the_range(manager_client, manager, unit):
    walk_id = started_walk(manager_client)
    observation_id = str(uuid.uuid4())
    put_observation(manager_client, observation_id, observation_body(walk_id))
    later = str(uuid.uuid4())
    put_walk(manager_client, later, walk_body(planned_start=_iso(TOMORROW + timedelta(days=60))))
    factories.WalkFactory(manager=factories.PersonFactory(org_unit=unit))  # not theirs

    response = manager_client.get("/api/v1/walks")
    assert response.status_code == 200
    assert_documented(manager_client, response, "get", "/walks")
    walks = response.get_json()["walks"]
    assert [w["uuid"] for w in walks] == [walk_id]
    assert walks[0]["observations"][0]["uuid"] == observation_id

    wide = manager_client.get(
        "/api/v1/walks",
        query_string={"from": "2000-01-01", "to": (TOMORROW + timedelta(days=90)).date()},
    )
    assert wide.status_code == 422  # more than 400 days
    ranged = manager_client.get(
        "/api/v1/walks",
        query_string={"from": TOMORROW.date().isoformat(), "to": "2099-01-01"},
    )
    assert ranged.status_code == 422
    bad = manager_client.get("/api/v1/walks", query_string={"from": "yesterday"})
    assert bad.status_code == 422
    assert_documented(manager_client, bad, "get", "/walks")


def test_sync_status_says_what_the_server_holds(manager_client, unit):
    walk_id = started_walk(manager_client)
    observation_id = str(uuid.uuid4())
    put_observation(manager_client, observation_id, observation_body(walk_id))
    theirs = factories.WalkFactory(manager=factories.PersonFactory(org_unit=unit))
    unknown = str(uuid.uuid4())
    response = manager_client.post(
        "/api/v1/sync/status", json={"uuids": [walk_id, observation_id, str(theirs.uuid), unknown]}
    )
    assert response.status_code == 200
    assert_documented(manager_client, response, "post", "/sync/status")
    body = response.get_json()
    assert sorted(body["held"], key=lambda h: h["type"]) == [
        {"uuid": observation_id, "type": "observation", "version": 1},
        {"uuid": walk_id, "type": "walk", "version": 1},
    ]
    assert sorted(body["missing"]) == sorted([str(theirs.uuid), unknown])
    too_many = manager_client.post("/api/v1/sync/status", json={"uuids": ["x"] * 501})
    assert too_many.status_code == 422


def test_a_coach_cannot_write_walks(client, unit):
    coach = factories.PersonFactory(roles=["coach"], org_unit=unit)
    sign_in(client, coach)
    response = put_walk(client, uuid.uuid4(), walk_body())
    assert response.status_code == 403
    assert response.is_json


# --- at once ----------------------------------------------------------------------------------

THREADS = 8


def _send_at_once(app, cookie: str, send) -> list[int]:
    statuses: list[int] = []
    barrier = threading.Barrier(THREADS)

    def runner() -> None:
        client = app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        statuses.append(send(client).status_code)

    threads = [threading.Thread(target=runner) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_the_same_walk_from_several_threads_at_once_is_one_row(app, manager_client):
    walk_id, cookie = str(uuid.uuid4()), manager_client.get_cookie("session").value
    statuses = _send_at_once(app, cookie, lambda c: put_walk(c, walk_id, walk_body()))
    assert statuses == [200] * (THREADS - 1) + [201]
    assert count(Walk) == 1


def test_the_same_observation_from_several_threads_at_once_is_one_row(app, manager_client):
    walk_id = started_walk(manager_client)
    observation_id, body = str(uuid.uuid4()), observation_body(walk_id)
    cookie = manager_client.get_cookie("session").value
    statuses = _send_at_once(app, cookie, lambda c: put_observation(c, observation_id, body))
    assert statuses == [200] * (THREADS - 1) + [201]
    assert count(Observation) == 1


def test_edits_of_one_version_from_several_threads_apply_once(app, manager_client):
    walk_id = str(uuid.uuid4())
    put_walk(manager_client, walk_id, walk_body())
    cookie = manager_client.get_cookie("session").value
    places = iter(f"Place {n}" for n in range(THREADS))
    lock = threading.Lock()

    def edit(client):
        with lock:
            place = next(places)
        return put_walk(client, walk_id, walk_body(place=place, base_version=1))

    statuses = _send_at_once(app, cookie, edit)
    assert statuses == [200] + [409] * (THREADS - 1)
    assert db.session.scalar(select(Walk.version)) == 2
    assert count(SyncConflict) == THREADS - 1


def test_times_from_a_device_clock_far_ahead_are_refused(manager_client):
    ahead = _iso(datetime.now(UTC) + timedelta(hours=3))
    response = put_walk(
        manager_client, uuid.uuid4(), walk_body(status="in_progress", started_at=ahead)
    )
    assert response.status_code == 422
    assert "started_at" in response.get_json()["fields"]
    walk_id = started_walk(manager_client)
    response = put_observation(
        manager_client, uuid.uuid4(), observation_body(walk_id, made_at=ahead)
    )
    assert response.status_code == 422
    assert "made_at" in response.get_json()["fields"]
    assert count(Observation) == 0
