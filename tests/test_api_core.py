"""The API's shared ground: signing in, CSRF tokens, who am I, JSON errors, the OpenAPI document."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from gembawalk import limits
from gembawalk.models import Category, FollowUpStatus, Role, SaidBy, WalkKind, WasteType

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented, load_document


def api_sign_in(client, person, password=factories.PASSWORD, token=None):
    headers = {"X-CSRFToken": token} if token else {}
    return client.post(
        "/api/v1/session", json={"email": person.email, "password": password}, headers=headers
    )


def test_anonymous_calls_get_401_json_never_a_redirect(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json() == {"error": "Sign in first.", "status": 401}
    assert_documented(client, response, "get", "/me")


def test_me_describes_the_signed_in_person(manager_client, manager):
    response = manager_client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == manager.id
    assert body["email"] == manager.email
    assert body["roles"] == ["manager"]
    assert body["org_unit"] == {"id": manager.org_unit.id, "name": "Northgate depot"}
    assert response.headers["Cache-Control"] == "no-store"
    assert_documented(manager_client, response, "get", "/me")


@pytest.mark.usefixtures("csrf_on")
def test_sign_in_needs_a_fresh_csrf_token_then_works(client, manager):
    refused = api_sign_in(client, manager)
    assert refused.status_code == 400
    assert "GET /api/v1/csrf" in refused.get_json()["error"]

    token_response = client.get("/api/v1/csrf")
    assert_documented(client, token_response, "get", "/csrf")
    token = token_response.get_json()["csrf_token"]
    response = api_sign_in(client, manager, token=token)
    assert response.status_code == 200
    assert response.get_json()["id"] == manager.id
    assert_documented(client, response, "post", "/session")
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.usefixtures("csrf_on")
def test_wrong_password_is_401_with_a_reason(client, manager):
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    response = api_sign_in(client, manager, password="not the password at all", token=token)
    assert response.status_code == 401
    assert "do not match" in response.get_json()["error"]
    assert_documented(client, response, "post", "/session")
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("not json", "text/plain"), ("[1, 2]", "application/json"), ("{", "application/json")],
)
def test_a_body_that_is_not_a_json_object_is_400(client, manager, body, content_type):
    response = client.post("/api/v1/session", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_sign_out_ends_this_devices_session_only(client, app, manager):
    """The offline app on a phone keeps syncing when the laptop signs out."""
    phone = app.test_client()
    assert api_sign_in(phone, manager).status_code == 200
    sign_in(client, manager)
    response = client.delete("/api/v1/session")
    assert response.status_code == 204
    assert response.headers["Clear-Site-Data"] == '"cache"'  # photos kept privately go
    assert_documented(client, response, "delete", "/session")
    assert client.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 200
    assert phone.delete("/api/v1/session").status_code == 204
    assert phone.get("/api/v1/me").status_code == 401


def test_inactive_people_cannot_use_the_api(client, manager):
    sign_in(client, manager)
    manager.active = False
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_paths_and_methods_answer_json(manager_client):
    missing = manager_client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.is_json
    wrong_method = manager_client.put("/api/v1/me", json={})
    assert wrong_method.status_code == 405
    assert wrong_method.is_json


def test_a_body_over_the_limit_is_413_json(app, client, manager):
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/api/v1/session", data=b"x" * 4096, content_type="application/json")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert response.get_json()["status"] == 413


def test_the_documents_words_and_limits_are_the_products(client):
    schemas = load_document(client)["components"]["schemas"]

    def prop(schema, name):
        return schemas[schema]["properties"][name]

    for schema in ("Observation", "ObservationInput"):
        assert prop(schema, "category")["enum"] == [c.value for c in Category]
        assert prop(schema, "waste_type")["enum"] == [None, *(w.value for w in WasteType)]
        assert prop(schema, "said_by")["enum"] == [s.value for s in SaidBy]
        assert prop(schema, "text")["maxLength"] == limits.TEXT["observation"]
    assert prop("Walk", "kind")["enum"] == [k.value for k in WalkKind]
    assert prop("WalkInput", "planned_minutes")["enum"] == list(limits.WALK_MINUTES)
    assert prop("WalkInput", "place")["maxLength"] == limits.TEXT["place"]
    assert prop("WalkInput", "customers_spoken_to")["maximum"] == limits.CUSTOMERS_SPOKEN_TO_MAX
    assert prop("Me", "roles")["items"]["enum"] == [r.value for r in Role]
    assert prop("FollowUpInput", "status")["enum"] == [s.value for s in FollowUpStatus]
    assert prop("CommentInput", "body")["maxLength"] == limits.TEXT["comment"]
    assert prop("Photo", "content_type")["enum"] == list(limits.PHOTO_TYPES)


def test_the_openapi_document_is_valid_and_lists_every_api_route(app, client):
    document = load_document(client)
    validate(document)
    assert document["openapi"] == "3.1.0"
    documented = {
        (path, method.upper()) for path, item in document["paths"].items() for method in item
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule.removeprefix("/api/v1")
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", f"{{{argument}}}")
            for converter in ("uuid", "int", "string", "path"):
                path = path.replace(f"<{converter}:{argument}>", f"{{{argument}}}")
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
