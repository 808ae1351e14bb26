"""What every API endpoint shares: reading a JSON body, refusing with a reason, no caching."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Response, abort, current_app, make_response, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

from ..errors import error_response
from ..models import Person
from ..security import KEPT_PRIVATELY
from ..services.validation import LARGEST_INTEGER


class UnreadableJSON(ValueError):
    """A body that parses as JSON but that nothing here could store or trust."""


def _checked_int(digits: str) -> int:
    number = int(digits)
    if abs(number) > LARGEST_INTEGER:
        raise UnreadableJSON(_("A number in the body is too large: whole numbers fit in 64 bits."))
    return number


def _refuse_lone_surrogates(value: Any) -> None:
    # Iterative, so a deep (but parseable) body cannot exhaust the stack here either.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise UnreadableJSON(
                    _("The body holds text that is not valid Unicode (a lone surrogate).")
                ) from None


class StrictJSONProvider(DefaultJSONProvider):
    """JSON bodies as the database can hold them: nesting, numbers and text are refused here,
    with a reason, before any endpoint sees them (ValueError, so get_json(silent=True) gives
    None)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_int", _checked_int)
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise UnreadableJSON(_("The body is nested too deeply.")) from None
        _refuse_lone_surrogates(value)
        return value


def refuse(status: int, reason: str, **extra: Any) -> NoReturn:
    """Stop here and answer `status` with a JSON error carrying `reason`."""
    abort(make_response(error_response(status, reason, **extra)))


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 400 that says what was wrong with it."""
    if not request.is_json:
        refuse(400, _("Send a JSON object with Content-Type: application/json."))
    try:
        body = current_app.json.loads(request.get_data(cache=True))
    except UnreadableJSON as error:
        refuse(400, str(error))
    except ValueError:  # not JSON at all, or not UTF-8
        refuse(400, _("The body is not valid JSON."))
    if not isinstance(body, dict):
        refuse(400, _("The body is not a JSON object."))
    return body


def no_store(response: Response) -> Response:
    # API answers hold one person's data and tokens: no cache, shared or private, keeps them
    # (a photo, which never changes, only in its viewer's own browser: keep_privately).
    if response.headers.get("Cache-Control") != KEPT_PRIVATELY:
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
