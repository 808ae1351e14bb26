"""Password guessing: the page sign-in, POST /api/v1/session and /account/confirm share one
allowance per account and per address (services/people/guesses.py counts it from the audit
log, so every worker sees the same count); a refusal is 429 with Retry-After, and logged."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import current_app, make_response, request
from flask_babel import gettext

from ..errors import error_response
from ..security import request_facts
from ..services import audit
from ..services.people import accounts, guesses


def typed_email() -> str:
    """The email a sign-in names, as the account it would find (see accounts.email_key)."""
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    return accounts.email_key(email) if isinstance(email, str) else ""


def throttled(view=None, *, account: Callable[[], str] = typed_email):
    """Refuse a POST to `view` once the account (`account()`) or the address has failed too
    often; the view records its own failures in the audit log, which is what is counted."""
    if view is None:
        return functools.partial(throttled, account=account)

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if request.method == "POST":
            name = account()
            breach = guesses.over_limit(
                account=name,
                address=request.remote_addr,
                account_limits=current_app.config["GEMBAWALK_SIGN_IN_LIMIT_ACCOUNT"],
                address_limits=current_app.config["GEMBAWALK_SIGN_IN_LIMIT_ADDRESS"],
            )
            if breach is not None:
                audit.record(
                    audit.SIGN_IN_THROTTLED, subject=name or None, detail=str(breach),
                    **request_facts(),
                )  # fmt: skip
                response = make_response(
                    error_response(429, gettext("Too many failed attempts: wait, then try again."))
                )
                response.headers["Retry-After"] = str(breach.seconds)
                return response
        return view(*args, **kwargs)

    return guarded
