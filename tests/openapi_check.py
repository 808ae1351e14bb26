"""Check an API answer against the OpenAPI document, so the document cannot drift from the code.

    assert_documented(client, response, "put", "/walks/{uuid}")

validates the JSON body of `response` against the schema the document gives for that
operation and status code (a status the document does not list fails the test).
"""

from __future__ import annotations

import functools

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:gembawalk:openapi"


@functools.cache
def _registry(document_json: str) -> tuple[dict, Registry]:
    import json

    document = json.loads(document_json)
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    return document, Registry().with_resource(DOCUMENT_URI, resource)


def load_document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _resolve(document: dict, node: dict) -> tuple[dict, str]:
    """Follow a local $ref; return the node and its JSON pointer."""
    ref = node.get("$ref")
    if ref is None:
        return node, ""
    target: dict = document
    for part in ref.removeprefix("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target, ref.removeprefix("#")


def assert_documented(client, response, method: str, path: str) -> None:
    import json

    document, registry = _registry(json.dumps(load_document(client), sort_keys=True))
    operation = document["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], (
        f"{method.upper()} {path} answered {status}, which the OpenAPI document does not list"
    )
    answer, pointer = _resolve(document, operation["responses"][status])
    if not pointer:
        pointer = "/" + _pointer("paths", path, method.lower(), "responses", status)
    content = answer.get("content")
    if not content:
        assert not response.get_data(), f"{status} has a body the document does not describe"
        return
    assert response.is_json, f"{status} answered {response.content_type}, not JSON"
    schema_ref = f"{DOCUMENT_URI}#{pointer}/" + _pointer("content", "application/json", "schema")
    validator = Draft202012Validator({"$ref": schema_ref}, registry=registry)
    errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
