"""Standard questions over HTTP: the page that edits a unit's questions, Complete walk asking
them, the walk page and the walks CSV showing the answers, and the API (against its OpenAPI
document): GET /questions, a walk's questions and answers, and a PUT answering them."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from gembawalk.extensions import db
from gembawalk.models import Walk, WalkStatus
from gembawalk.services.questions import rules

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def asked(admin, unit):
    def add(text, answer_type, **extra):
        new = rules.NewQuestion(walk_kind="gemba_walk", text=text, answer_type=answer_type, **extra)
        return rules.add_question(admin, unit.id, new)

    return {
        "board": add("Is the board up to date?", "yes_no", required=True),
        "mood": add("How did the team feel?", "choice", choices="Good\nMixed\nLow"),
    }


def _started(client) -> str:
    walk_id = str(uuid.uuid4())
    at = (NOW - timedelta(hours=1)).isoformat()
    body = {"kind": "gemba_walk", "status": "in_progress", "planned_start": at,
            "started_at": at, "place": "Yard", "customer_ids": []}  # fmt: skip
    assert client.put(f"/api/v1/walks/{walk_id}", json=body).status_code == 201
    return walk_id


def _complete_form(**answers) -> dict:
    start = NOW - timedelta(hours=1)
    return {"started_at": start.strftime("%Y-%m-%dT%H:%M"),
            "completed_at": (start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "customers_spoken_to": "0", **answers}  # fmt: skip


# --- the editing page -----------------------------------------------------------------------


def test_the_page_adds_a_question_and_lists_it(admin_client, unit):
    page = admin_client.get(f"/questions/{unit.id}")
    assert page.status_code == 200
    response = admin_client.post(f"/questions/{unit.id}", data={
        "action": "add", "walk_kind": "gemba_walk", "text": "What gets in the way?",
        "answer_type": "text", "required": "y"})  # fmt: skip
    assert response.status_code == 302
    page = admin_client.get(f"/questions/{unit.id}").get_data(as_text=True)
    assert "What gets in the way?" in page
    assert "Required." in page


def test_the_page_shows_every_error_at_once_and_keeps_what_was_typed(admin_client, unit):
    response = admin_client.post(f"/questions/{unit.id}", data={
        "action": "add", "walk_kind": "gemba_walk", "text": "Which shift?" + "x" * 300,
        "answer_type": "choice", "choices": "Only one"})  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The question can be at most 200 characters." in page
    assert "Give from 2 to 6 choices, one per line." in page
    assert "Only one</textarea>" in page
    assert rules.own_questions(factories.PersonFactory(roles=["admin"]), unit.id)[1] == []


def test_a_manager_who_does_not_lead_the_unit_may_not_edit_it(manager_client, unit):
    assert manager_client.get(f"/questions/{unit.id}").status_code == 403
    other = factories.OrgUnitFactory(name="Elsewhere")
    assert manager_client.get(f"/questions/{other.id}").status_code == 404


def test_the_leader_retires_and_moves_questions(client, unit, manager, asked):
    unit.leaders.append(manager)
    db.session.commit()
    sign_in(client, manager)
    post = {"action": "up", "question_id": asked["mood"].id}
    assert client.post(f"/questions/{unit.id}", data=post).status_code == 302
    post = {"action": "retire", "question_id": asked["board"].id}
    assert client.post(f"/questions/{unit.id}", data=post).status_code == 302
    assert [q.text for q in rules.for_walk(unit.id, asked["mood"].walk_kind)] == [
        "How did the team feel?"
    ]


# --- Complete, the walk page and the CSV ---------------------------------------------------


def test_complete_asks_the_questions_and_requires_the_required_ones(manager_client, asked):
    walk_id = _started(manager_client)
    page = manager_client.get(f"/walks/{walk_id}/complete").get_data(as_text=True)
    assert "Is the board up to date?" in page
    assert f'name="answer_{asked["mood"].id}" type="radio" value="Mixed"' in page
    mood = f"answer_{asked['mood'].id}"
    response = manager_client.post(
        f"/walks/{walk_id}/complete",
        data=_complete_form(**{mood: "Wonderful", "customers_spoken_to": "x"}),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Answer this question." in page  # the required one
    assert "Choose one of: Good, Mixed, Low." in page
    assert "Enter a number" in page  # the record's own errors, at the same time
    board = f"answer_{asked['board'].id}"
    response = manager_client.post(
        f"/walks/{walk_id}/complete", data=_complete_form(**{board: "yes", mood: "Low"})
    )
    assert response.status_code == 302
    page = manager_client.get(f"/walks/{walk_id}").get_data(as_text=True)
    assert "Is the board up to date?</dt><dd>Yes</dd>" in page
    assert "How did the team feel?</dt><dd>Low</dd>" in page


def test_the_walks_csv_has_the_answers(client, unit, manager, asked):
    walk = factories.done_walk(manager, NOW - timedelta(hours=1), kind=asked["board"].walk_kind)
    walk.questions_json = (
        f'[{{"id": {asked["board"].id}, "text": "Board?", '
        '"answer_type": "yes_no", "choices": [], "required": true}]'
    )
    walk.answers_json = f'{{"{asked["board"].id}": "no"}}'
    director = factories.PersonFactory(roles=["manager", "director"], org_unit=unit)
    director.leads.append(unit)
    db.session.commit()
    sign_in(client, director)
    text = client.get(f"/engagement/walks.csv?unit={unit.id}").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-1] == "answers"
    assert rows[1][-1] == "Board?: No"


# --- the API --------------------------------------------------------------------------------


def test_get_questions_answers_the_callers_by_kind(manager_client, asked):
    response = manager_client.get("/api/v1/questions")
    assert response.status_code == 200
    assert_documented(manager_client, response, "get", "/questions")
    found = response.get_json()["questions"]
    assert [q["text"] for q in found["gemba_walk"]] == [
        "Is the board up to date?", "How did the team feel?"
    ]  # fmt: skip
    assert found["customer_visit"] == []


def test_a_walk_put_answers_its_questions_or_is_refused_with_the_reason(manager_client, asked):
    walk_id = _started(manager_client)
    board, mood = str(asked["board"].id), str(asked["mood"].id)
    walks = manager_client.get("/api/v1/walks")
    assert_documented(manager_client, walks, "get", "/walks")
    (listed,) = walks.get_json()["walks"]
    assert [q["id"] for q in listed["questions"]] == [int(board), int(mood)]
    assert listed["answers"] == {}
    at = NOW - timedelta(minutes=30)
    done = {"status": "done", "completed_at": at.isoformat(), "customers_spoken_to": 0,
            "base_version": listed["version"]}  # fmt: skip
    refused = (
        ({mood: "Low"}, f"answer_{board}"),
        ({board: "maybe"}, f"answer_{board}"),
        ({board: True, "12345": "x"}, "answers"),
    )
    for answers, field in refused:
        response = manager_client.put(f"/api/v1/walks/{walk_id}", json={**done, "answers": answers})
        assert response.status_code == 422, answers
        assert field in response.get_json()["fields"]
        assert_documented(manager_client, response, "put", "/walks/{walk_id}")
    response = manager_client.put(
        f"/api/v1/walks/{walk_id}", json={**done, "answers": {board: True, mood: "Low"}}
    )
    assert response.status_code == 200, response.get_json()
    assert_documented(manager_client, response, "put", "/walks/{walk_id}")
    assert response.get_json()["answers"] == {board: "yes", mood: "Low"}
    walk = db.session.query(Walk).filter_by(uuid=uuid.UUID(walk_id)).one()
    assert walk.status == WalkStatus.DONE
