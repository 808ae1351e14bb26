"""Password hashing with argon2id (above OWASP ASVS minimums) and the password policy."""

from __future__ import annotations

import functools
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext

from ... import limits
from ..errors import Invalid

MIN_LENGTH = limits.PASSWORD_MIN
MAX_LENGTH = limits.PASSWORD_MAX
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# The hash of someone who has no password (made by an import: they sign in with single
# sign-on): not an argon2 hash, so no password ever verifies against it.
NO_PASSWORD = "!none"  # noqa: S105  (a hash nothing matches, not a password)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list (data/common_passwords.txt, made by data/common_passwords.py),
    lower case; read on first use, not at import."""
    text = resources.files("gembawalk").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def is_common(password: str) -> bool:
    folded = password.strip().lower()
    return folded in common_passwords() or "".join(folded.split()) in common_passwords()


def check_policy(password: str, field: str = "password") -> None:
    """ASVS V2.1: 12 to 128 characters, anything allowed (spaces, emoji), nothing common."""
    if len(password) < MIN_LENGTH:
        raise Invalid({field: gettext("Use at least %(num)d characters.", num=MIN_LENGTH)})
    if len(password) > MAX_LENGTH:
        raise Invalid({field: gettext("Use at most %(num)d characters.", num=MAX_LENGTH)})
    if len(set(password)) < 4 or is_common(password):
        raise Invalid(
            {field: gettext("That password is too common: attackers try it first. Choose another.")}
        )
