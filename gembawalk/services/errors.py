"""Domain errors raised by the services; views and the API turn them into answers."""

from __future__ import annotations

import functools

from ..extensions import db


class DomainError(Exception):
    """Base of every rule the services refuse to break."""


class NotFound(DomainError):
    """The thing does not exist, or the acting person may not know that it does."""


class Forbidden(DomainError):
    """The acting person may see the thing but not do this to it."""


class Invalid(DomainError):
    """Input that breaks a rule; `errors` maps a field name (or "" for the whole) to a message."""

    def __init__(self, errors: dict[str, str] | str):
        # A message may be a lazy word (models/vocabulary.py): read now, in the reader's language.
        given = {"": errors} if isinstance(errors, str) else dict(errors)
        self.errors = {field: str(message) for field, message in given.items()}
        super().__init__("; ".join(self.errors.values()))


class Conflict(DomainError):
    """The thing changed since the caller last saw it, or the action no longer applies."""


class Gone(DomainError):
    """The thing was removed on the server, and its id is never used again."""


class TooMany(DomainError):
    """The caller asked too often in too short a time; the reason says what to wait for."""


def rolls_back(fn):
    """Undo whatever a refused operation had begun, so nothing half-written survives it."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise

    return wrapper
