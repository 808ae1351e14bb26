"""What a cell of a people file may say: an email address, roles, a time zone, in its words."""

from __future__ import annotations

import functools
import re

from flask_babel import gettext

from ...models import Role
from .. import validation
from ..errors import Invalid
from ..people import accounts
from . import table

ROLE_NAMES = ", ".join(role.value for role in Role)


def _quoted(value: str) -> str:
    return f"“{value[:60]}{'…' if len(value) > 60 else ''}”"


# A local part of plain ASCII (RFC 5322 dot-atom): what nearly every address in an HR export
# is. Such an address is checked as validation.email would, with its domain checked once per
# file rather than once per row: the domain's checks are most of the cost of 10,000 rows.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
LOCAL_MAX = 64  # RFC 5321


@functools.lru_cache(maxsize=1024)
def _domain(domain: str) -> str:
    return validation.email(f"x@{domain}").rpartition("@")[2]


def address(value: str) -> str:
    """validation.email's answer, sooner for a plain address."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    fits = len(value) <= validation.LIMITS["email"] and len(local) <= LOCAL_MAX
    if at and fits and _PLAIN_LOCAL.fullmatch(local):
        return f"{local.lower()}@{_domain(domain)}"
    return validation.email(value)


def email(value: str, coach: bool = False) -> str:
    try:
        return address(value)
    except Invalid:
        if not value:
            raise Invalid(gettext("no coach email") if coach else gettext("no email")) from None
        if coach:
            raise Invalid(
                gettext("malformed coach email %(value)s", value=_quoted(value))
            ) from None
        raise Invalid(gettext("malformed email %(value)s", value=_quoted(value))) from None


def roles(value: str) -> frozenset[Role]:
    found, unknown = set(), []
    for name in table.split(value):
        try:
            found.add(Role(name.lower()))
        except ValueError:
            unknown.append(name)
    if unknown:
        words = ", ".join(_quoted(name) for name in unknown)
        raise Invalid(
            gettext(
                "unknown role %(value)s (the roles are %(roles)s)", value=words, roles=ROLE_NAMES
            )
        )
    if not found:
        raise Invalid(gettext("no role: give at least one of %(roles)s", roles=ROLE_NAMES))
    return frozenset(found)


def zone(value: str) -> str | None:
    try:
        return accounts.timezone_name(value)
    except Invalid:
        raise Invalid(
            gettext(
                "unknown time zone %(value)s (use an IANA name such as Europe/Amsterdam)",
                value=_quoted(value),
            )
        ) from None
