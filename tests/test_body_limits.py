"""Each endpoint's body limit holds before anything reads the body (the CSRF check included):
a body over it is 413 JSON, whatever the Content-Type and whether or not it carries a length."""

from __future__ import annotations

import uuid

import pytest

from gembawalk import limits
from gembawalk.services import photos

MiB = 1024 * 1024


def _token(client) -> str:
    return client.get("/api/v1/csrf").get_json()["csrf_token"]


@pytest.mark.parametrize(
    ("method", "path", "size"),
    [
        ("PUT", f"/api/v1/observations/{uuid.uuid4()}", 2 * MiB),
        ("PUT", f"/api/v1/walks/{uuid.uuid4()}", 1024 * 1024 + 1),
        ("POST", "/api/v1/sync/status", 14 * MiB),
        ("PUT", f"/api/v1/comments/{uuid.uuid4()}", 200 * 1024),
        ("PUT", f"/api/v1/follow-ups/{uuid.uuid4()}", limits.NOTE_BODY_MAX_BYTES + 1),
        ("POST", "/api/v1/session", 2 * MiB),
    ],
)
def test_a_json_body_over_its_limit_is_413_before_the_csrf_check(
    manager_client, csrf_on, method, path, size
):
    body = b'{"text": "' + b"x" * size + b'"}'
    response = manager_client.open(
        path,
        method=method,
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": _token(manager_client)},
    )
    assert response.status_code == 413, response.get_data(as_text=True)[:200]
    assert response.is_json


def test_a_photo_may_be_larger_than_json(manager_client, csrf_on):
    response = manager_client.put(
        f"/api/v1/observations/{uuid.uuid4()}/photos/{uuid.uuid4()}",
        data=b"\xff" * (2 * MiB),
        content_type="image/jpeg",
        headers={"X-CSRFToken": _token(manager_client)},
    )
    assert response.status_code != 413  # refused for what it is, not for its size
    response = manager_client.put(
        f"/api/v1/observations/{uuid.uuid4()}/photos/{uuid.uuid4()}",
        data=b"\xff" * (photos.MAX_BYTES + 1),
        content_type="image/jpeg",
        headers={"X-CSRFToken": _token(manager_client)},
    )
    assert response.status_code == 413


def test_a_form_over_the_page_limit_is_413(manager_client, csrf_on):
    response = manager_client.post(
        "/walks/new", data={"place": "x" * (2 * MiB), "csrf_token": "whatever"}
    )
    assert response.status_code == 413
