"""What every API endpoint shares: reading a JSON body, refusing with a reason, no caching."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Response, abort, make_response, request

from ..errors import error_response
from ..models import Person


def refuse(status: int, reason: str, **extra: Any) -> NoReturn:
    """Stop here and answer `status` with a JSON error carrying `reason`."""
    abort(make_response(error_response(status, reason, **extra)))


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 400 that says what was wrong with it."""
    if not request.is_json:
        refuse(400, "Send a JSON object with Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        refuse(400, "The body is not a JSON object.")
    return body


def no_store(response: Response) -> Response:
    # API answers hold one person's data and tokens: no cache, shared or private, keeps them.
    response.headers["Cache-Control"] = "no-store"
    return response


def person_json(person: Person) -> dict[str, Any]:
    unit = person.org_unit
    return {
        "id": person.id,
        "name": person.display_name,
        "email": person.email,
        "roles": sorted(role.value for role in person.roles),
        "org_unit": {"id": unit.id, "name": unit.name} if unit else None,
        "timezone": person.timezone,
    }
