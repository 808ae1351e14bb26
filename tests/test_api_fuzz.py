"""schemathesis fuzzes every operation of the OpenAPI document: no 5xx, and every answer
matches the document (status, content type, schema)."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from .conftest import sign_in

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

EXAMPLES = 25


def test_every_operation_survives_fuzzing_and_answers_as_documented(app, client, manager):
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    from gembawalk.extensions import db

    schemathesis.experimental.OPEN_API_3_1.enable()  # the document is OpenAPI 3.1
    document = client.get("/api/v1/openapi.json").get_json()
    schema = schemathesis.from_dict(document, app=app, base_url="/api/v1")
    sign_in(client, manager)
    cookie = f"session={client.get_cookie('session').value}"
    db.session.commit()
    failures, calls = [], []
    checks = (
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    )
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "PUT" and "/photos/" in operation.path:
            continue  # an image body schemathesis cannot make; tests/test_api_photos.py covers it

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            if case.method == "DELETE" and case.path == "/session":
                return  # signing out would end the run's session; test_security.py covers it
            response = case.call(headers={"Cookie": cookie})
            calls.append((case.method, case.path, response.status_code))
            try:
                case.validate_response(response, checks=checks)
            except AssertionError as error:  # schemathesis' CheckFailed, listing what failed
                failures.append(f"{case.method} {case.path} -> {response.status_code}: {error}")

        fuzz()
    assert failures == [], "\n".join(sorted(set(failures))[:20])
    assert len({(method, path) for method, path, _ in calls}) >= 5  # all but DELETE /session
    assert len(calls) >= 5 * 5


# --- Hostile shapes on every endpoint ---------------------------------------------------------
# schemathesis draws bodies that match the document; an attacker sends what does not. These
# are the shapes that once answered 500 (issue 15, point 6): each must get 400, 404 or 422.

DEEP = 100_000
TOO_BIG = 2**64 + 1


def _hostile_bodies():
    from hypothesis import strategies as st

    value = st.one_of(
        st.integers(min_value=2**63, max_value=2**80),
        st.integers(min_value=-(2**80), max_value=-(2**63) - 1),
        st.text(max_size=5).map(lambda text: text + "\ud800"),
        st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "9999-12-31"]),
        st.integers(),
        st.booleans(),
        st.floats(allow_nan=False),
        st.lists(st.integers(min_value=2**63, max_value=2**70), min_size=1, max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
    names = st.sampled_from(
        ["timezone", "planned_start", "started_at", "completed_at", "customer_ids", "owner_id",
         "uuids", "email", "password", "text", "status", "base_version", "due_date", "place",
         "kind", "planned_minutes", "action", "body"]
    )  # fmt: skip
    objects = st.dictionaries(names, value, min_size=1, max_size=4)
    nested = st.sampled_from(["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP])
    return st.one_of(objects.map(json.dumps), nested)


def _paths(document) -> list[tuple[str, str]]:
    """(method, path) of every operation, ids filled in: a random UUID or a 65-bit number."""
    calls = []
    for template, operations in document["paths"].items():
        path = re.sub(
            r"\{(\w+)\}",
            lambda m: str(TOO_BIG) if m.group(1) == "id" else str(uuid.uuid4()),
            template,
        )
        calls.extend((method.upper(), path) for method in operations if method != "parameters")
    return calls


def _hostile_sender(client, method: str, path: str, seen: list):
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(body=_hostile_bodies())
    def send(body):
        response = client.open(
            "/api/v1" + path, method=method, data=body, content_type="application/json"
        )
        seen.append((method, path, response.status_code))
        assert response.status_code in (400, 401, 404, 409, 413, 415, 422, 429), (method, path)
        assert response.get_json()["error"], (method, path)

    return send


def test_hostile_json_bodies_get_a_reason_on_every_endpoint(app, client, manager):
    document = client.get("/api/v1/openapi.json").get_json()
    sign_in(client, manager)
    calls = [(m, p) for m, p in _paths(document) if m in ("PUT", "POST") and p != "/session"]
    calls.append(("POST", "/session"))  # last: signing in as nobody ends the manager's session
    seen = []
    for method, path in calls:
        _hostile_sender(client, method, path, seen)()
    assert {path for _, path, _ in seen} >= {"/session", "/sync/status"}


def test_ids_over_64_bits_are_404_on_every_route(app, client, admin):
    """Every `<int:...>` in the URL map, as an admin (who may open the most), every method."""
    sign_in(client, admin)
    from werkzeug.routing import IntegerConverter

    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    assert len(rules) >= 4
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(\w+:)?{name}>", str(TOO_BIG), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 404, (method, url, response.status_code)
