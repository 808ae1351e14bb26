"""Field checks shared by the services: each limit stated once, holding on every database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from .. import limits
from .errors import Invalid

T = TypeVar("T")

# Characters per text field, stated in gembawalk/limits.py (the columns are sized from it).
LIMITS = limits.TEXT

# The widest whole number a column holds (PostgreSQL BIGINT, SQLite INTEGER): ids and numbers
# past it are refused where they come in (JSON bodies, URLs, forms), never sent to a driver.
LARGEST_INTEGER = 2**63 - 1


def record_id(value: object) -> int:
    """An id sent in a form or a query string, as a column can hold it; anything else is a
    ValueError, which WTForms' coerce and request.args.get(type=) both treat as no value."""
    number = int(value)  # type: ignore[call-overload]  # a str from a form; TypeError is fine
    if not 0 < number <= LARGEST_INTEGER:
        raise ValueError(f"{value!r} is not an id")
    return number


# The days a person can mean. Outside them a calendar feed, a week's sums and UTC arithmetic
# overflow (year 9999), and nobody records a walk in 1970 or plans one a century ahead.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def day(value: date, field: str, label: str | None = None) -> date:
    """`value` when it lies within EARLIEST_DAY..LATEST_DAY; anything else is refused."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise Invalid(
            {
                field: _(
                    "%(label)s must be between %(first)d and %(last)d.",
                    label=label or _("The date"),
                    first=EARLIEST_DAY.year,
                    last=LATEST_DAY.year,
                )
            }
        )
    return value


def text(
    value: str | None, field: str, limit: str, *, required: bool = False, label: str | None = None
) -> str:
    """Strip a text value and hold it to its limit; refuse NUL bytes (PostgreSQL would)."""
    value = (value or "").strip()
    label = label or _("This")
    if "\x00" in value:
        raise Invalid(
            {field: _("%(label)s contains a character that cannot be stored.", label=label)}
        )
    if required and not value:
        raise Invalid({field: _("%(label)s is required.", label=label)})
    maximum = LIMITS[limit]
    if len(value) > maximum:
        raise Invalid(
            {
                field: _(
                    "%(label)s is %(length)d characters long; the limit is %(most)d.",
                    label=label,
                    length=len(value),
                    most=maximum,
                )
            }
        )
    return value


def choice(enum_cls, value, field: str, message: str):
    """The member of `enum_cls` that `value` names; anything else is refused with `message`."""
    try:
        return enum_cls(value)
    except ValueError as exc:
        raise Invalid({field: message}) from exc


def email(value: str | None, field: str = "email") -> str:
    value = text(value, field, "email", required=True, label=_("Email"))
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(
            {field: _("Enter a valid email address (%(problem)s).", problem=exc)}
        ) from exc


def count(value: int | None, field: str, *, maximum: int, label: str) -> int:
    if value is None:
        raise Invalid({field: _("%(label)s is required.", label=label)})
    if value < 0 or value > maximum:
        raise Invalid(
            {field: _("%(label)s must be between 0 and %(most)d.", label=label, most=maximum)}
        )
    return value


def passed(value: T | None) -> T:
    """What `Checks.run` returned, once `raise_any` has let the operation through."""
    assert value is not None  # raise_any refuses whatever a check refused
    return value


class Checks:
    """Every field an operation refuses, gathered so that a form shows them all at once (the
    field checks and the rules across fields together) instead of one per submit."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def run(self, check: Callable[[], T]) -> T | None:
        """The check's value, or None when it refused (its message kept)."""
        try:
            return check()
        except Invalid as error:
            for field, message in error.errors.items():
                self.errors.setdefault(field, message)
            return None

    def refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors)
