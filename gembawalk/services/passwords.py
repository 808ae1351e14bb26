"""Password hashing with argon2id (above OWASP ASVS minimums) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 128
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_policy(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid({field: f"Use at least {MIN_LENGTH} characters."})
    if len(password) > MAX_LENGTH:
        raise Invalid({field: f"Use at most {MAX_LENGTH} characters."})
    if len(set(password)) < 4:
        raise Invalid({field: "Choose a password that is harder to guess."})
