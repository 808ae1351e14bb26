"""Error pages in the app's look (never a traceback), and JSON errors under /api/."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager
from .services.errors import Conflict, Forbidden, Gone, Invalid, NotFound, TooMany
from .storage import StoreUnavailable

MESSAGES = {
    400: (_l("Something in that request was not right"), _l("Please go back and try again.")),
    401: (_l("Please sign in"), _l("Sign in to continue.")),
    403: (_l("You may not open this page"), _l("Your account does not have access to it.")),
    404: (
        _l("We could not find that page"),
        _l("It may have moved, or it may not be yours to see."),
    ),
    405: (_l("That did not work"), _l("This page does not accept that kind of request.")),
    409: (_l("That no longer applies"), _l("It changed in the meantime. Reload and look again.")),
    410: (_l("That was removed"), _l("It no longer exists on the server.")),
    413: (_l("That was too large"), _l("Send something smaller.")),
    422: (_l("That could not be saved"), _l("Some of what was sent breaks a rule.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes, then try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you did caused this. Please try again in a moment."),
    ),
    503: (
        _l("Gemba Walk is briefly unavailable"),
        _l("Nothing was saved. Please try again in a moment."),
    ),
}
# OperationalError: cannot connect, connection lost, "database is locked"; the others: the pool
# gave up or the driver's link broke.
DatabaseUnavailable = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int,
    reason: str | None = None,
    incident: str | None = None,
    fields: dict[str, str] | None = None,
):
    title, detail = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    if wants_json():
        body = {"error": reason or title, "status": status}
        if incident:
            body["incident"] = incident
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    return render_template(
        "errors/error.html", status=status, title=title, detail=reason or detail, incident=incident
    ), status


def _audit(kind: str) -> None:
    """Log a refusal. Never lets the log's own trouble replace the answer being given."""
    from flask_login import current_user

    from .services import audit

    try:
        audit.record(
            kind,
            actor=current_user,
            method=request.method,
            path=request.path,
            address=request.remote_addr,
        )
    except Exception:  # noqa: BLE001  (the database may be what failed)
        db.session.rollback()
        current_app.logger.exception("could not write the audit log")


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        _audit("csrf_failed")
        if "referrer" in (error.description or "").lower():
            # Over HTTPS the Referer must name this site; the token itself may be fine.
            return error_response(
                400,
                _(
                    "The Referer header is missing or names another site: over HTTPS, send "
                    "requests from this site's pages with their Referer (browsers do)."
                ),
            )
        if wants_json():
            return error_response(
                400,
                _(
                    "The CSRF token is missing or expired: get a fresh one from GET /api/v1/csrf "
                    "and send it in the X-CSRFToken header."
                ),
            )
        return error_response(
            400, gettext("The form expired. Go back, reload the page and send it again.")
        )

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        # Someone asked for a thing that exists but is not theirs (or that never existed):
        # the log tells probing from typos. Unknown URLs (werkzeug's 404) are not logged.
        _audit("not_found")
        return error_response(404)

    @app.errorhandler(Forbidden)
    def forbidden(error: Forbidden):
        _audit("forbidden")
        return error_response(403, str(error))

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        return error_response(409, str(error))

    @app.errorhandler(TooMany)
    def too_many(error: TooMany):
        return error_response(429, str(error))

    @app.errorhandler(Gone)
    def gone(error: Gone):
        return error_response(410, str(error))

    @app.errorhandler(Invalid)
    def invalid(error: Invalid):
        fields = {name: message for name, message in error.errors.items() if name}
        return error_response(422, str(error), fields=fields or None)

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(error: StoreUnavailable):
        # The photo store is down or refused: nothing was kept (services/photos.py stores the
        # object before its row), and the phone's outbox sends the photo again later.
        db.session.rollback()
        incident = secrets.token_hex(6)
        app.logger.error("incident %s: photo store unavailable: %s", incident, error)
        response = make_response(
            error_response(
                503,
                _(
                    "The photo store cannot be reached just now; nothing was saved. "
                    "Try again in a moment."
                ),
                incident=incident,
            )
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        if error.code == 403:
            _audit("forbidden")
        return error_response(error.code or 500)

    @app.errorhandler(InternalServerError)
    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
            return http_error(error)
        original = getattr(error, "original_exception", None) or error
        try:
            db.session.rollback()
        except DatabaseUnavailable:  # the connection is gone; the pool will make a new one
            db.session.remove()
        incident = secrets.token_hex(6)
        app.logger.error(
            "incident %s on %s %s", incident, request.method, request.path, exc_info=original
        )
        if isinstance(original, DatabaseUnavailable):
            # Render as nobody: the page must not ask the database who is signed in.
            g._login_user = login_manager.anonymous_user()
            # The database is down, restarting or locked: nothing was written (the transaction
            # rolled back), and the client should simply try again shortly.
            response = make_response(error_response(503, incident=incident))
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return error_response(500, incident=incident)
