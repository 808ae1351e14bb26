"""Correcting a sent record through the pages and the API (issue 14, point 6): the walker
corrects within 14 days, a stale correction is kept as a conflict, and everyone who may see
the walk reads its history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Correction, CustomerKind, SyncConflict, Walk
from gembawalk.timeutil import local

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented

FORM_TIME = "%Y-%m-%dT%H:%M"


@pytest.fixture
def external(unit):
    return factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL, name="Mr Okafor")


@pytest.fixture
def done(manager, external) -> Walk:
    """A customer visit done an hour ago, with one note."""
    finished = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    walk = factories.done_walk(
        manager, finished, customers=[external], summary="Returns wait a day.", place="Depot"
    )
    factories.ObservationFactory(
        walk=walk, category="what_matters", said_by="walker", text="Being told when"
    )
    db.session.commit()
    return walk


@pytest.fixture
def long_done(manager) -> Walk:
    """A walk that finished fifteen days ago: past correcting."""
    finished = datetime.now(UTC) - timedelta(days=15)
    walk = factories.done_walk(manager, finished, summary="Old news")
    factories.ObservationFactory(walk=walk, category="what_matters", text="Long ago")
    db.session.commit()
    return walk


@pytest.fixture
def coach(manager):
    coach = factories.PersonFactory(roles=["coach"], display_name="Cora Coach")
    manager.coaches = [coach]
    db.session.commit()
    return coach


def record_form(walk: Walk, **changes) -> dict:
    form = {
        "started_at": local(walk.started_at, walk.timezone).strftime(FORM_TIME),
        "completed_at": local(walk.completed_at, walk.timezone).strftime(FORM_TIME),
        "customers_spoken_to": str(walk.customers_spoken_to),
        "customer_ids": [str(c.id) for c in walk.customers],
        "frontline_met": walk.frontline_met,
        "summary": walk.summary,
    }
    return {**form, **changes}


def corrections_kept() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Correction))


# --- the pages ----------------------------------------------------------------------------


def test_the_walker_corrects_a_done_walk_and_the_page_shows_its_history(manager_client, done):
    page = manager_client.get(f"/walks/{done.uuid}").get_data(as_text=True)
    assert f'href="/walks/{done.uuid}/correct"' in page
    assert "Corrected" not in page
    form = manager_client.get(f"/walks/{done.uuid}/correct")
    assert form.status_code == 200
    assert "Returns wait a day." in form.get_data(as_text=True)  # what it says now, to change

    sent = manager_client.post(
        f"/walks/{done.uuid}/correct",
        data=record_form(done, summary="Returns wait two days.", customers_spoken_to="3"),
    )
    assert sent.status_code == 302
    page = manager_client.get(f"/walks/{done.uuid}").get_data(as_text=True)
    assert "Corrected" in page
    assert "Maya Manager" in page
    assert "<del>Returns wait a day.</del> → <ins>Returns wait two days.</ins>" in page
    assert "<dt>Customers spoken to</dt><dd><del>2</del> → <ins>3</ins>" in page
    assert corrections_kept() == 1


def test_a_correction_shows_every_error_at_once_and_keeps_what_was_typed(manager_client, done):
    started = local(done.started_at, done.timezone)
    sent = manager_client.post(
        f"/walks/{done.uuid}/correct",
        data=record_form(
            done,
            customers_spoken_to="",
            completed_at=(started - timedelta(minutes=5)).strftime(FORM_TIME),
            summary="Typed, not lost",
        ),
    )
    assert sent.status_code == 422
    page = sent.get_data(as_text=True)
    assert "Enter a number, 0 if none." in page
    assert "A walk cannot finish before it started." in page
    assert "Typed, not lost" in page
    # Nothing at all sent (no browser does): every field's message, never an error page.
    empty = manager_client.post(f"/walks/{done.uuid}/correct", data={})
    assert empty.status_code == 422
    assert "Enter when the walk started." in empty.get_data(as_text=True)
    assert corrections_kept() == 0


def test_the_walker_corrects_an_observation(manager_client, done):
    [note] = done.observations
    url = f"/walks/{done.uuid}/observations/{note.uuid}/correct"
    assert f'href="{url}"' in manager_client.get(f"/walks/{done.uuid}").get_data(as_text=True)
    assert "Being told when" in manager_client.get(url).get_data(as_text=True)
    refused = manager_client.post(url, data={"category": "waste", "said_by": "walker", "text": ""})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Choose which waste this is." in page
    assert "Write what you saw or heard." in page
    sent = manager_client.post(
        url,
        data={"category": "waste", "waste_type": "waiting", "said_by": "customer", "text": "Wait"},
    )
    assert sent.status_code == 302
    page = manager_client.get(f"/walks/{done.uuid}").get_data(as_text=True)
    assert "<dt>Category</dt><dd><del>What matters</del> → <ins>Waste</ins>" in page
    assert "<dt>Note</dt><dd><del>Being told when</del> → <ins>Wait</ins>" in page


def test_others_read_the_history_but_only_the_walker_corrects(client, done, coach, unit):
    factories.PersonFactory(roles=["manager"], org_unit=unit, email="other@example.org")
    sign_in(client, done.manager)
    client.post(f"/walks/{done.uuid}/correct", data=record_form(done, summary="Fixed"))
    client.post("/sign-out")

    sign_in(client, coach)
    page = client.get(f"/walks/{done.uuid}").get_data(as_text=True)
    assert "Corrected" in page
    assert "<ins>Fixed</ins>" in page
    assert f"/walks/{done.uuid}/correct" not in page
    assert client.get(f"/walks/{done.uuid}/correct").status_code == 403
    client.post("/sign-out")

    other = db.session.scalar(select(factories.Person).where(factories.Person.email.like("other%")))
    sign_in(client, other)
    assert client.get(f"/walks/{done.uuid}/correct").status_code == 404
    assert client.post(f"/walks/{done.uuid}/correct", data=record_form(done)).status_code == 404
    assert corrections_kept() == 1


def test_after_fourteen_days_the_walk_is_no_longer_corrected(manager_client, long_done):
    page = manager_client.get(f"/walks/{long_done.uuid}").get_data(as_text=True)
    assert f"/walks/{long_done.uuid}/correct" not in page
    [note] = long_done.observations
    for url in (
        f"/walks/{long_done.uuid}/correct",
        f"/walks/{long_done.uuid}/observations/{note.uuid}/correct",
    ):
        response = manager_client.post(url, data=record_form(long_done, summary="Too late"))
        assert response.status_code == 302
        followed = manager_client.get(response.location).get_data(as_text=True)
        assert "corrected for 14 days after it finished" in followed
    assert corrections_kept() == 0


# --- the API ------------------------------------------------------------------------------


def put_walk(client, walk_id, body):
    return client.put(f"/api/v1/walks/{walk_id}", json=body)


def test_the_api_corrects_a_done_walk_and_answers_its_history(manager_client, done):
    response = put_walk(
        manager_client,
        done.uuid,
        {"status": "done", "base_version": 1, "summary": "Corrected", "customers_spoken_to": 5},
    )
    assert response.status_code == 200, response.get_json()
    assert_documented(manager_client, response, "put", "/walks/{walk_id}")
    assert (response.get_json()["version"], response.get_json()["summary"]) == (2, "Corrected")
    again = put_walk(manager_client, done.uuid, {"base_version": 1, "summary": "Corrected"})
    assert again.status_code == 200  # the same correction sent again: nothing new kept

    history = manager_client.get(f"/api/v1/walks/{done.uuid}/history")
    assert history.status_code == 200
    assert_documented(manager_client, history, "get", "/walks/{walk_id}/history")
    [version] = history.get_json()["versions"]
    assert version["version"] == 2
    assert version["changed_by"] == {"id": done.manager_id, "name": "Maya Manager"}
    assert version["changes"] == {
        "customers_spoken_to": [2, 5],
        "summary": ["Returns wait a day.", "Corrected"],
    }
    assert "observation" not in version


def test_the_api_corrects_an_observation_into_the_walks_history(manager_client, done):
    [note] = done.observations
    response = manager_client.put(
        f"/api/v1/observations/{note.uuid}",
        json={"base_version": 1, "text": "Being told when, and why", "said_by": "customer"},
    )
    assert response.status_code == 200, response.get_json()
    assert_documented(manager_client, response, "put", "/observations/{observation_id}")
    moved = manager_client.put(
        f"/api/v1/observations/{note.uuid}",
        json={"base_version": 2, "made_at": datetime.now(UTC).isoformat()},
    )
    assert moved.status_code == 422
    assert "made_at" in moved.get_json()["fields"]
    [version] = manager_client.get(f"/api/v1/walks/{done.uuid}/history").get_json()["versions"]
    assert version["observation"] == str(note.uuid)
    assert version["changes"] == {
        "said_by": ["walker", "customer"],
        "text": ["Being told when", "Being told when, and why"],
    }


def test_a_stale_correction_is_kept_as_a_conflict(manager_client, done):
    first = put_walk(manager_client, done.uuid, {"base_version": 1, "summary": "First"})
    assert first.status_code == 200
    stale = put_walk(manager_client, done.uuid, {"base_version": 1, "summary": "Second"})
    assert stale.status_code == 409
    assert_documented(manager_client, stale, "put", "/walks/{walk_id}")
    assert stale.get_json()["current"]["summary"] == "First"
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SyncConflict)) == 1
    assert corrections_kept() == 1


def test_after_fourteen_days_the_api_refuses_a_correction_with_422(manager_client, long_done):
    response = put_walk(manager_client, long_done.uuid, {"base_version": 1, "summary": "Late"})
    assert response.status_code == 422
    assert_documented(manager_client, response, "put", "/walks/{walk_id}")
    assert "corrected for 14 days after it finished" in response.get_json()["error"]
    [note] = long_done.observations
    response = manager_client.put(
        f"/api/v1/observations/{note.uuid}", json={"base_version": 1, "text": "Late"}
    )
    assert response.status_code == 422
    assert corrections_kept() == 0


def test_the_history_is_for_those_who_may_see_the_walk(client, done, coach, unit):
    other = factories.PersonFactory(roles=["manager"], org_unit=unit)
    url = f"/api/v1/walks/{done.uuid}/history"
    assert client.get(url).status_code == 401
    sign_in(client, coach)
    assert client.get(url).get_json() == {"versions": []}
    client.post("/sign-out")
    sign_in(client, other)
    refused = client.get(url)
    assert refused.status_code == 404
    assert_documented(client, refused, "get", "/walks/{walk_id}/history")
    assert client.get(f"/api/v1/walks/{uuid.uuid4()}/history").status_code == 404
    # Someone else's walk is not theirs to correct either: its id is simply taken.
    assert put_walk(client, done.uuid, {"base_version": 1, "summary": "Mine?"}).status_code == 422
    assert corrections_kept() == 0
