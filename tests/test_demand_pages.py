"""Demand over HTTP: the API (against its OpenAPI document), the tally as plain forms, the
demand picture and demand type pages, a follow-up's aim, and the walks CSV's demand column."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Category, FollowUpStatus, Observation, WalkStatus
from gembawalk.services.demand import types as demand_types

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def region(app, unit):
    parent = factories.OrgUnitFactory(name="North region")
    unit.parent = parent
    db.session.commit()
    return parent


@pytest.fixture
def kinds(region, unit, admin):
    """A region type inherited by the depot, and two of the depot's own."""
    add = demand_types.add_type
    return {
        "next": add(admin, region.id, name="Asking what happens next", kind="failure"),
        "report": add(admin, unit.id, name="Report a repair", kind="value"),
        "chasing": add(admin, unit.id, name="Chasing a repair", kind="failure"),
    }


def _started(client) -> str:
    walk_id = str(uuid.uuid4())
    body = {"kind": "gemba_walk", "status": "in_progress", "planned_start": NOW.isoformat(),
            "started_at": NOW.isoformat(), "place": "Counter", "customer_ids": []}  # fmt: skip
    assert client.put(f"/api/v1/walks/{walk_id}", json=body).status_code == 201
    return walk_id


def _tally_body(walk_id, demand_type, **extra):
    return {"walk_id": walk_id, "category": demand_type.category.value, "said_by": "customer",
            "text": "", "demand_type_id": demand_type.id, **extra}  # fmt: skip


def test_demand_types_answer_the_managers_unit_and_those_above(manager_client, kinds, region):
    response = manager_client.get("/api/v1/demand-types")
    assert response.status_code == 200
    assert_documented(manager_client, response, "get", "/demand-types")
    found = response.get_json()["demand_types"]
    assert [t["name"] for t in found] == [
        "Asking what happens next",
        "Report a repair",
        "Chasing a repair",
    ]
    assert found[0] == {
        "id": kinds["next"].id,
        "name": "Asking what happens next",
        "kind": "failure",
        "category": "failure_demand",
        "unit": {"id": region.id, "name": "North region"},
    }


def test_anonymous_demand_calls_answer_401_json(client):
    for url in ("/api/v1/demand-types", "/api/v1/demand"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.is_json


def test_a_tally_is_put_by_uuid_and_a_mismatched_one_is_422(manager_client, kinds):
    walk_id = _started(manager_client)
    tally_id = uuid.uuid4()
    body = _tally_body(walk_id, kinds["chasing"])
    first = manager_client.put(f"/api/v1/observations/{tally_id}", json=body)
    assert first.status_code == 201, first.get_json()
    assert_documented(manager_client, first, "put", "/observations/{observation_id}")
    assert first.get_json()["demand_type_id"] == kinds["chasing"].id
    assert manager_client.put(f"/api/v1/observations/{tally_id}", json=body).status_code == 200
    wrong = manager_client.put(
        f"/api/v1/observations/{uuid.uuid4()}", json={**body, "category": "value_demand"}
    )
    assert wrong.status_code == 422
    assert_documented(manager_client, wrong, "put", "/observations/{observation_id}")
    assert "demand_type_id" in wrong.get_json()["fields"]
    other_unit = factories.OrgUnitFactory(name="Elsewhere")
    stranger = demand_types.add_type(
        factories.PersonFactory(roles=["admin"]), other_unit.id, name="Other", kind="failure"
    )
    foreign = manager_client.put(
        f"/api/v1/observations/{uuid.uuid4()}", json=_tally_body(walk_id, stranger)
    )
    assert foreign.status_code == 422
    bad = manager_client.put(
        f"/api/v1/observations/{uuid.uuid4()}", json={**body, "demand_type_id": "two"}
    )
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1


def test_undoing_a_tally_deletes_it_and_its_id_is_gone(manager_client, kinds):
    walk_id = _started(manager_client)
    tally_id = uuid.uuid4()
    body = _tally_body(walk_id, kinds["report"])
    assert manager_client.put(f"/api/v1/observations/{tally_id}", json=body).status_code == 201
    undone = manager_client.delete(f"/api/v1/observations/{tally_id}")
    assert undone.status_code == 204
    assert manager_client.delete(f"/api/v1/observations/{tally_id}").status_code == 204
    again = manager_client.put(f"/api/v1/observations/{tally_id}", json=body)
    assert again.status_code == 410
    assert_documented(manager_client, again, "put", "/observations/{observation_id}")
    missing = manager_client.delete(f"/api/v1/observations/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert_documented(manager_client, missing, "delete", "/observations/{observation_id}")


def test_the_tally_works_as_plain_forms_with_undo(manager_client, manager, kinds):
    walk = factories.WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    page = manager_client.get(f"/walks/{walk.uuid}")
    text = page.get_data(as_text=True)
    assert "Demand heard" in text
    assert "Chasing a repair" in text
    assert "Asking what happens next" in text
    url = f"/walks/{walk.uuid}/tally"
    for words in ("Third call this week", ""):
        response = manager_client.post(
            url, data={"demand_type_id": kinds["chasing"].id, "words": words}
        )
        assert response.status_code == 302
    notes = db.session.scalars(select(Observation).order_by(Observation.id)).all()
    assert [(o.category, o.text) for o in notes] == [
        (Category.FAILURE_DEMAND, "Third call this week"),
        (Category.FAILURE_DEMAND, ""),
    ]
    undone = manager_client.post(f"{url}/undo", data={"demand_type_id": kinds["chasing"].id})
    assert undone.status_code == 302
    left = db.session.scalars(select(Observation)).all()
    assert [o.text for o in left] == ["Third call this week"]
    refused = manager_client.post(url, data={"demand_type_id": "999999"}, follow_redirects=True)
    assert "not one of this walk" in refused.get_data(as_text=True)


def test_the_demand_api_and_page_show_the_picture(client, unit, kinds, manager):
    director = factories.PersonFactory(roles=["manager", "director"], org_unit=unit)
    director.leads.append(unit)
    db.session.commit()
    walk = factories.WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    for key, words in (("chasing", "Still no date for my boiler"), ("chasing", ""), ("report", "")):
        factories.ObservationFactory(walk=walk, category=kinds[key].category,
                                     demand_type=kinds[key], text=words, made_at=NOW)  # fmt: skip
    sign_in(client, director)
    response = client.get(f"/api/v1/demand?unit={unit.id}")
    assert response.status_code == 200
    assert_documented(client, response, "get", "/demand")
    body = response.get_json()
    assert (body["value"], body["failure"]) == (1, 2)
    assert body["failure_share"] == pytest.approx(2 / 3)
    counts = {t["name"]: (t["count"], t["weeks_present"]) for t in body["types"]}
    assert counts["Chasing a repair"] == (2, 1)
    page = client.get(f"/demand?unit={unit.id}")
    assert page.status_code == 200
    assert "Still no date for my boiler" in page.get_data(as_text=True)
    for bad in ("unit=abc", "from=yesterday"):
        refused = client.get(f"/api/v1/demand?{bad}")
        assert refused.status_code == 422
        assert_documented(client, refused, "get", "/demand")
    hidden = client.get(f"/api/v1/demand?unit={factories.OrgUnitFactory().id}")
    assert hidden.status_code == 404


def test_the_types_page_is_for_the_units_leader_or_an_admin(client, unit, manager, admin):
    sign_in(client, manager)
    assert client.get(f"/demand/types/{unit.id}").status_code == 403
    client.post("/sign-out")
    sign_in(client, admin)
    assert client.get(f"/demand/types/{unit.id}").status_code == 200
    added = client.post(
        f"/demand/types/{unit.id}",
        data={"action": "add", "name": "Chasing a repair", "kind": "failure"},
        follow_redirects=True,
    )
    assert "Chasing a repair" in added.get_data(as_text=True)
    [found] = demand_types.available(unit.id)
    client.post(f"/demand/types/{unit.id}", data={"action": "retire", "type_id": found.id})
    assert demand_types.available(unit.id) == []


def test_a_follow_up_names_the_demand_it_means_to_reduce(manager_client, manager, kinds):
    walk = factories.WalkFactory(manager=manager, status=WalkStatus.DONE, completed_at=NOW)
    item = factories.FollowUpFactory(walk=walk)
    page = manager_client.get(f"/follow-ups/{item.uuid}")
    assert "The demand it means to reduce" in page.get_data(as_text=True)
    manager_client.post(
        f"/follow-ups/{item.uuid}/demand-type", data={"demand_type_id": kinds["chasing"].id}
    )
    db.session.refresh(item)
    assert item.demand_type_id == kinds["chasing"].id
    answer = manager_client.put(
        f"/api/v1/follow-ups/{item.uuid}",
        json={"base_version": item.version, "demand_type_id": kinds["report"].id},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["demand_type_id"] == kinds["report"].id
    assert_documented(manager_client, answer, "put", "/follow-ups/{follow_up_id}")
    item.status, item.closed_at = FollowUpStatus.CLOSED, NOW - timedelta(weeks=5)
    db.session.commit()
    closed = manager_client.get(f"/follow-ups/{item.uuid}").get_data(as_text=True)
    assert "Too few to tell" in closed


def test_the_walks_csv_names_the_types_tallied_with_counts(client, unit, kinds, manager):
    director = factories.PersonFactory(roles=["manager", "director"], org_unit=unit)
    director.leads.append(unit)
    db.session.commit()
    walk = factories.done_walk(manager, NOW - timedelta(hours=1))
    for key in ("chasing", "chasing", "report"):
        factories.ObservationFactory(walk=walk, category=kinds[key].category,
                                     demand_type=kinds[key], text="", made_at=NOW)  # fmt: skip
    sign_in(client, director)
    response = client.get(f"/engagement/walks.csv?unit={unit.id}")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].endswith("demand types,answers")
    assert lines[1].endswith("Report a repair × 1; Chasing a repair × 2,")
