"""The API's refusals, and the services' messages behind them, in the reader's language: the
outbox shows them to people (README: Languages). The language is the person's own setting,
else the request's Accept-Language; the OpenAPI document stays English."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from flask_babel import force_locale, gettext

from gembawalk.extensions import db
from gembawalk.services import validation
from gembawalk.services.errors import Invalid

from .test_api_sync import observation_body, put_observation, started_walk, walk_body


def translated(language: str, message: str, **values) -> str:
    """The catalogue's words for `message` in `language` (not a copy typed here)."""
    with force_locale(language):
        return gettext(message, **values)


def test_an_invalid_body_is_refused_in_dutch_from_accept_language(manager_client):
    response = manager_client.put(
        f"/api/v1/walks/{uuid.uuid4()}",
        json=walk_body(planned_start="tomorrow morning"),
        headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"},
    )
    assert response.status_code == 422
    body = response.get_json()
    wanted = translated("nl", "Send an ISO 8601 date and time with its UTC offset.")
    assert wanted.startswith("Stuur ")
    assert body["fields"] == {"planned_start": wanted}
    assert wanted in body["error"]


def test_the_persons_own_setting_comes_before_the_browsers(manager_client, manager):
    manager.language = "nl"
    db.session.commit()
    response = manager_client.post(
        "/api/v1/sync", data="[1, 2", headers={"Content-Type": "application/json",
                                               "Accept-Language": "cy"}
    )  # fmt: skip
    assert response.status_code == 400
    assert response.get_json()["error"] == translated("nl", "The body is not valid JSON.")


def test_a_conflict_and_a_not_found_are_refused_in_welsh(manager_client):
    welsh = {"Accept-Language": "cy"}
    walk_id = started_walk(manager_client)
    note_id = str(uuid.uuid4())
    assert put_observation(manager_client, note_id, observation_body(walk_id)).status_code == 201
    refused = manager_client.delete(f"/api/v1/observations/{note_id}", headers=welsh)
    assert refused.status_code == 409
    wanted = translated("cy", "Only a tally is undone this way: correct other notes instead.")
    assert wanted.startswith("Dim ond ")
    assert refused.get_json() == {"error": wanted, "status": 409}

    missing = manager_client.get(f"/api/v1/walks/{uuid.uuid4()}/corrections", headers=welsh)
    assert missing.status_code == 404
    assert missing.get_json()["error"] == translated("cy", "We could not find that page")
    assert missing.get_json()["error"] != "We could not find that page"


def test_a_refusal_without_a_language_asked_is_english(manager_client):
    response = manager_client.post("/api/v1/sync", data="[1, 2", content_type="application/json")
    assert response.get_json()["error"] == "The body is not valid JSON."


def test_a_service_refuses_in_dutch_under_force_locale(app):
    with force_locale("nl"), pytest.raises(Invalid) as refused:
        validation.text("x" * 5000, "summary", "summary", label=gettext("The date"))
    message = refused.value.errors["summary"]
    assert message == "De datum is 5000 tekens lang; de grens is 4000."
    with force_locale("nl"), pytest.raises(Invalid) as refused:
        validation.day(date(1990, 1, 1), "day")
    assert refused.value.errors["day"] == "De datum moet tussen 2000 en 2100 liggen."


def test_the_openapi_document_stays_english(client):
    document = client.get("/api/v1/openapi.json", headers={"Accept-Language": "cy"}).get_json()
    assert document["paths"]["/csrf"]["get"]["summary"] == "A fresh CSRF token for this session"
