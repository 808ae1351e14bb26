"""schemathesis fuzzes every operation of the OpenAPI document: no 5xx, and every answer
matches the document (status, content type, schema)."""

from __future__ import annotations

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
