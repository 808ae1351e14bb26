"""Single sign-on: which active person an OpenID provider's verified identity names (nobody is
made by signing in), and who may still sign in with a password when single sign-on is the way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ...models import Person, Role
from ..errors import DomainError, Forbidden
from .accounts import email_key, find_by_email

# Why an identity the provider vouched for does not sign anyone in, as the page says it.
NO_EMAIL = "no_email"
UNVERIFIED = "unverified"
UNKNOWN = "unknown"
INACTIVE = "inactive"
REASONS = {
    NO_EMAIL: _l(
        "Your sign-in did not tell Gemba Walk your email address, so it cannot tell who "
        "you are. Ask your IT team to release the email claim to Gemba Walk."
    ),
    UNVERIFIED: _l(
        "Your sign-in service has not verified the email address %(email)s, so Gemba "
        "Walk will not sign you in with it."
    ),
    UNKNOWN: _l(
        "Nobody in Gemba Walk has the email address %(email)s. Ask your Gemba Walk admin to "
        "add you with that address."
    ),
    INACTIVE: _l(
        "The Gemba Walk account for %(email)s is switched off. Ask your Gemba Walk admin "
        "to switch it on again."
    ),
}
USE_SINGLE_SIGN_ON = _l("Password sign-in is off here: sign in with single sign-on.")
NOTHING_TO_CHANGE = _l(
    "Password sign-in is off here: you sign in with single sign-on, so Gemba Walk keeps no "
    "password of yours to change. Change it where you sign in to your organisation's services."
)


class SignInRefused(DomainError):
    """The provider signed someone in, but not anyone who may use Gemba Walk."""

    def __init__(self, reason: str, email: str | None = None):
        self.reason, self.email = reason, email
        super().__init__(str(REASONS[reason]) % {"email": email})


def email_verified(claims: Mapping[str, Any]) -> bool:
    """The provider says it checked the address: `email_verified` true (a JSON true, never
    "true"). Entra ID never sends that claim for work accounts; its optional `xms_edov` claim
    (the address's domain is verified by the tenant) stands in for it only when it is absent."""
    if "email_verified" in claims:
        return claims["email_verified"] is True
    return claims.get("xms_edov") is True


def person_for_identity(claims: Mapping[str, Any]) -> Person:
    """The active person whose email (compared as stored: case does not matter) the ID token's
    verified `email` claim holds; SignInRefused for anyone else."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise SignInRefused(NO_EMAIL)
    email = email_key(email)
    if not email_verified(claims):
        raise SignInRefused(UNVERIFIED, email)
    person = find_by_email(email)
    if person is None:
        raise SignInRefused(UNKNOWN, email)
    if not person.active:
        raise SignInRefused(INACTIVE, email)
    return person


def single_sign_on_enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def password_sign_in_open() -> bool:
    """Whether the sign-in page offers everybody the password form (PASSWORD_SIGN_IN)."""
    return bool(current_app.config.get("PASSWORD_SIGN_IN", True))


def may_use_password(person: Person) -> bool:
    """With PASSWORD_SIGN_IN=off only admins sign in with a password: when the provider is
    down, one of them can still get in."""
    return password_sign_in_open() or person.has_role(Role.ADMIN)


def require_password(person: Person) -> None:
    """Changing a password is for those who sign in with one: with PASSWORD_SIGN_IN=off,
    admins only (Forbidden for anyone else)."""
    if not may_use_password(person):
        raise Forbidden(NOTHING_TO_CHANGE)


# Confirming who one is through the provider: it must ask again whatever session it holds
# (OpenID Connect Core 3.1.2.1), and say when it did (`auth_time`, which max_age makes it send).
CONFIRM_AGAIN = {"prompt": "login", "max_age": "0"}
# Its clock and ours may differ by this much.
CLOCK_SKEW_SECONDS = 60
NOT_YOU = (
    "That sign-in was not yours: confirm who you are as the person signed in to Gemba Walk, "
    "or sign out first."
)
NOT_ASKED_AGAIN = (
    "Your sign-in service let you through without asking who you are again, so Gemba Walk "
    "cannot count it as a confirmation. Try again, or confirm with your password."
)


def checked_since(claims: Mapping[str, Any], asked_at: int) -> bool:
    """The provider says (`auth_time`) it checked who this is after the confirmation was asked
    for: a provider session from before does not count."""
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int) or isinstance(auth_time, bool):
        return False
    return auth_time >= asked_at - CLOCK_SKEW_SECONDS
