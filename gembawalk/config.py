"""Settings read from the environment, with safe development defaults."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import limits
from .languages import LANGUAGES, SOURCE

PACKAGE_DIR = Path(__file__).resolve().parent
# The app's files beside its code: at the top of the repository in a checkout (an editable
# install included), inside the package in a wheel, where pyproject.toml maps them.
RESOURCES = ("templates", "static", "migrations")
DEFAULT_TIMEZONE = "Europe/London"
# Placeholder values that must never sign sessions in production.
UNSAFE_SECRET_KEYS = {"", "dev", "change-me", "changeme", "secret"}
# A random key of 32 or more characters has far more distinct ones than this.
MIN_SECRET_KEY_CHARACTERS = 10


class ConfigError(RuntimeError):
    """The environment does not describe a runnable application."""


@cache
def installed_from_wheel() -> bool:
    """True when the package carries its own templates: a wheel, not a checkout."""
    return (PACKAGE_DIR / "templates").is_dir()


def resource_dir(name: str) -> Path:
    """templates/, static/ or migrations/, wherever this copy of the app keeps them."""
    if name not in RESOURCES:
        raise ValueError(f"{name!r} is not one of the app's folders {RESOURCES}")
    return (PACKAGE_DIR if installed_from_wheel() else PACKAGE_DIR.parent) / name


def instance_path() -> Path:
    """GEMBAWALK_INSTANCE, else instance/ in a checkout, else Flask's place for an installed
    package (<virtual environment>/var/gembawalk-instance), never inside site-packages."""
    if installed_from_wheel():
        default = Path(sys.prefix) / "var" / "gembawalk-instance"
    else:
        default = PACKAGE_DIR.parent / "instance"
    return Path(os.environ.get("GEMBAWALK_INSTANCE") or default).resolve()


def _development_secret_key(folder: Path) -> str:
    """A key made once per checkout and kept in instance/, so sessions survive restarts."""
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"GEMBAWALK_TIMEZONE={name!r} is not an IANA time zone") from exc
    return name


def _language(code: str) -> str:
    if code not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise ConfigError(f"GEMBAWALK_LANGUAGE={code!r} is not one of the languages ({known})")
    return code


def database_url(env: dict[str, str], folder: Path) -> str:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{folder / 'gembawalk.sqlite'}"
    # Hosted PostgreSQL often hands out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def mail_settings(env: dict[str, str]) -> dict:
    """SMTP for the weekly digest; with no MAIL_SERVER nothing is sent."""
    port = env.get("MAIL_PORT", "").strip()
    if port and not port.isdigit():
        raise ConfigError(f"MAIL_PORT={port!r} is not a port number")
    return {
        "MAIL_SERVER": env.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": int(port) if port else 587,
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), default=True),
        "MAIL_FROM": env.get("MAIL_FROM", "").strip() or "Gemba Walk <gembawalk@localhost>",
    }


def photo_settings(env: dict[str, str], folder: Path) -> dict:
    """Where photos live (gembawalk/storage): PHOTO_STORAGE_URL, else the older
    GEMBAWALK_PHOTO_DIR, else instance/photos. Checked for shape here; nothing is opened."""
    from .storage import describe

    url = env.get("PHOTO_STORAGE_URL", "").strip()
    if not url:
        old = env.get("GEMBAWALK_PHOTO_DIR", "").strip()
        url = (Path(old).resolve() if old else folder / "photos").as_uri()
    try:
        describe(url)
    except ValueError as error:
        raise ConfigError(f"PHOTO_STORAGE_URL={error}") from error
    endpoint = env.get("S3_ENDPOINT_URL", "").strip() or env.get("AWS_ENDPOINT_URL_S3", "").strip()
    return {"PHOTO_STORAGE_URL": url, "PHOTO_S3_ENDPOINT_URL": endpoint}


def _whole_number(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{name}={value!r} is not a whole number")
    return int(value)


def security_settings(env: dict[str, str], production: bool) -> dict:
    """Cookies, sessions, proxies, hosts and sign-in throttling (see SECURITY.md)."""
    hosts = [h.strip() for h in env.get("GEMBAWALK_TRUSTED_HOSTS", "").split(",") if h.strip()]
    redis_url = env.get("REDIS_URL", "").strip()
    remember_days = _whole_number(env, "GEMBAWALK_REMEMBER_DAYS", 30)
    return {
        # __Host- cookies are refused by browsers unless Secure, Path=/ and without Domain:
        # nobody on a sibling subdomain or plain HTTP can plant or overwrite them.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "REMEMBER_COOKIE_NAME": "__Host-remember" if production else "remember_token",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=remember_days),
        "GEMBAWALK_REMEMBER_DAYS": remember_days,
        # Flask checks the Host header against these (empty: any host, for development).
        "TRUSTED_HOSTS": hosts or None,
        "GEMBAWALK_PROXY_HOPS": _whole_number(env, "GEMBAWALK_PROXY_HOPS", 0),
        "GEMBAWALK_SESSION_IDLE_MINUTES": _whole_number(env, "GEMBAWALK_SESSION_IDLE_MINUTES", 30),
        "GEMBAWALK_SESSION_MAX_HOURS": _whole_number(env, "GEMBAWALK_SESSION_MAX_HOURS", 12),
        "GEMBAWALK_REAUTH_MINUTES": _whole_number(env, "GEMBAWALK_REAUTH_MINUTES", 15),
        # Flask-Limiter holds no limit today (password guesses are counted in the database).
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "GEMBAWALK_SIGN_IN_LIMIT_ACCOUNT": env.get(
            "GEMBAWALK_SIGN_IN_LIMIT_ACCOUNT", "5 per minute; 20 per hour"
        ),
        "GEMBAWALK_SIGN_IN_LIMIT_ADDRESS": env.get(
            "GEMBAWALK_SIGN_IN_LIMIT_ADDRESS", "20 per minute; 100 per hour"
        ),
    }


DEFAULT_OIDC_LABEL = "Sign in with single sign-on"


def sso_settings(env: dict[str, str], production: bool) -> dict:
    """Single sign-on with an OpenID provider, and whether passwords still sign people in."""
    issuer = env.get("OIDC_ISSUER", "").strip().rstrip("/")
    client_id = env.get("OIDC_CLIENT_ID", "").strip()
    client_secret = env.get("OIDC_CLIENT_SECRET", "").strip()
    if issuer and not (client_id and client_secret):
        raise ConfigError("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too")
    if issuer and not issuer.startswith(("https://", "http://")):
        raise ConfigError(f"OIDC_ISSUER={issuer!r} is not an https:// address")
    if production and issuer.startswith("http://"):
        # The discovery document names the keys that prove every sign-in: never over plain HTTP.
        raise ConfigError(f"OIDC_ISSUER={issuer!r} must be an https:// address in production")
    mode = env.get("PASSWORD_SIGN_IN", "").strip().lower() or "on"
    if mode not in {"on", "off"}:
        raise ConfigError(f"PASSWORD_SIGN_IN={mode!r}: write on or off")
    if mode == "off" and not issuer:
        raise ConfigError("PASSWORD_SIGN_IN=off needs single sign-on: set OIDC_ISSUER")
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_LABEL": env.get("OIDC_LABEL", "").strip() or DEFAULT_OIDC_LABEL,
        # Off: only admins sign in with a password (so one can get in when the provider is down).
        "PASSWORD_SIGN_IN": mode == "on",
    }


def _check_production(env: dict[str, str], secret_key: str) -> None:
    """What production refuses to start without: a key no one can guess, and a known public
    address (links in calendar feeds otherwise carry whatever Host a client sent, and every
    Host is answered)."""
    key = secret_key.strip()
    if (
        key.lower() in UNSAFE_SECRET_KEYS
        or len(key) < 32
        or len(set(key)) < MIN_SECRET_KEY_CHARACTERS  # "a" * 32 is long, not random
    ):
        raise ConfigError(
            "SECRET_KEY must be set to a long random value in production, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    if (
        not env.get("GEMBAWALK_BASE_URL", "").strip()
        and not env.get("GEMBAWALK_TRUSTED_HOSTS", "").strip()
    ):
        raise ConfigError(
            "Set GEMBAWALK_BASE_URL (e.g. https://gemba.example.org) or GEMBAWALK_TRUSTED_HOSTS "
            "in production: without either, links would carry whatever Host a client sent"
        )


def from_environment(env: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    folder = instance_path()
    production = env.get("GEMBAWALK_ENV", "development") == "production"
    secret_key = env.get("SECRET_KEY", "")
    if production:
        _check_production(env, secret_key)
    if not secret_key:
        secret_key = _development_secret_key(folder)
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url(env, folder),
        "GEMBAWALK_TIMEZONE": _timezone(env.get("GEMBAWALK_TIMEZONE", DEFAULT_TIMEZONE)),
        # The language for those whose own setting and browser name none Gemba Walk speaks.
        "GEMBAWALK_LANGUAGE": _language(env.get("GEMBAWALK_LANGUAGE", SOURCE).strip()),
        # Links in calendar events, e.g. https://gemba.example.org; empty: the host asked.
        "GEMBAWALK_BASE_URL": env.get("GEMBAWALK_BASE_URL", "").strip().rstrip("/"),
        # Photos, comments and follow-ups set their own limits with security.limit_body.
        "MAX_CONTENT_LENGTH": limits.BODY_MAX_BYTES,
        "ASSETS_DEBUG": False,
        # Bundle versions live in a manifest, so production serves prebuilt files by name.
        "ASSETS_MANIFEST": f"file:{resource_dir('static') / 'gen' / 'manifest.txt'}",
        "ASSETS_CACHE": False,  # two small files: rebuilding beats a cache folder to manage
        "ASSETS_AUTO_BUILD": not production,
        **photo_settings(env, folder),
        **mail_settings(env),
        **security_settings(env, production),
        **sso_settings(env, production),
    }
