"""The OpenAPI 3.1 document, put together from what each API module says it serves, and the
schemas that state the product's words and limits in it (from models/vocabulary.py and
limits.py, never typed again here)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from .. import limits


def enum_of(words: type[enum.Enum], *, nullable: bool = False) -> dict[str, Any]:
    """One of the product's words (an enum of models/vocabulary.py), by its value."""
    return one_of((member.value for member in words), nullable=nullable)


def one_of(values: Iterable[Any], *, nullable: bool = False) -> dict[str, Any]:
    values = list(values)
    return {"enum": [None, *values] if nullable else values}


def text(limit: str, **extra: Any) -> dict[str, Any]:
    """A text field held to its length in limits.TEXT."""
    return {"type": "string", "maxLength": limits.TEXT[limit], **extra}


def count(most: int, *, nullable: bool = False) -> dict[str, Any]:
    """A whole number from 0 to `most`."""
    return {"type": ["integer", "null"] if nullable else "integer", "minimum": 0, "maximum": most}


ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {
        "error": {"type": "string", "description": "Why, in words a person can act on."},
        "status": {"type": "integer"},
        "incident": {"type": "string", "description": "Quote it to the admin (5xx only)."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Per field: what is wrong with it (422 only).",
        },
    },
}


def document(modules: tuple[ModuleType, ...], version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR}
    responses: dict[str, Any] = {
        "Error": {
            "description": "An error, with its reason",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    }
    for module in modules:
        for name, found in (
            ("PATHS", paths),
            ("SCHEMAS", schemas),
            ("RESPONSES", responses),
        ):
            for key, value in getattr(module, name, {}).items():
                if key in found and found[key] != value:
                    raise ValueError(f"{module.__name__} redefines {name} {key!r}")
                found[key] = value
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gemba Walk API",
            "version": version,
            "description": (
                "The JSON API behind the offline app. Sign in with POST /session (or the web "
                "sign-in page); the session cookie then authenticates every call. Writes carry "
                "a CSRF token from GET /csrf in the X-CSRFToken header. Anonymous calls get 401 "
                "JSON, never a redirect; every error is JSON with a reason."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"session": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
    }
