"""Sign-in throttling: failed attempts counted per account and per address; refusals logged.

Only failures count (a correct password never uses up the allowance). Counts live in Redis when
REDIS_URL is set, so every gunicorn worker shares them; otherwise in this process's memory."""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..limits import TEXT
from ..services import audit


def _typed_email() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    if not isinstance(email, str):
        return ""
    return email.strip().lower()[: TEXT["email"]]


def _account_key() -> str:
    return "account:" + _typed_email()


def _failed(response) -> bool:
    # A web sign-in that worked redirects; an API one answers 200.
    return response.status_code not in (200, 302) or (
        response.status_code == 200 and not request.path.startswith("/api/")
    )


def _log_refusal(limit) -> None:
    audit.record(
        audit.SIGN_IN_THROTTLED,
        subject=_typed_email() or None,
        detail=f"limit {limit.limit} per {limit.key.split(':', 1)[0] or 'address'}",
        address=get_remote_address(),
        method=request.method,
        path=request.path,
    )


def throttled(view):
    """Wrap a sign-in view in both limits (POST only)."""
    per_address = limiter.limit(
        lambda: current_app.config["GEMBAWALK_SIGN_IN_LIMIT_ADDRESS"],
        key_func=lambda: "address:" + get_remote_address(),
        methods=["POST"],
        deduct_when=_failed,
        on_breach=_log_refusal,
        scope="sign-in-address",
    )
    per_account = limiter.limit(
        lambda: current_app.config["GEMBAWALK_SIGN_IN_LIMIT_ACCOUNT"],
        key_func=_account_key,
        methods=["POST"],
        deduct_when=_failed,
        on_breach=_log_refusal,
        scope="sign-in-account",
    )
    return per_address(per_account(view))
