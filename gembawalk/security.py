"""HTTP hardening for every answer: security headers, a CSP nonce, proxies and trusted hosts."""

from __future__ import annotations

import re
import secrets
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response as BaseResponse

from .services.validation import LARGEST_INTEGER

# Scripts only from this site or carrying this request's nonce; no plugins, no <base>, never in
# a frame. blob:/data: images are the photos a phone has just taken, shown before they sync.
CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self'; "
    "img-src 'self' blob: data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "worker-src 'self'; "
    "manifest-src 'self'; "
    "form-action 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """This request's nonce, for the rare inline <script nonce="..."> a template needs."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _signed_in() -> bool:
    # Only look when a user was loaded already or the session names one: static files and
    # anonymous pages must not pay for a database query here.
    if "_login_user" in g:
        return bool(current_user.is_authenticated)
    return False


def request_facts() -> dict[str, str | None]:
    """Where a request came from, for the audit log."""
    return {"address": request.remote_addr, "method": request.method, "path": request.path}


def attachment(filename: str) -> str:
    """A Content-Disposition for a download named `filename`, whatever its letters: an ASCII
    `filename` for old clients and, when that lost something, RFC 5987 `filename*` in UTF-8
    (a header value must be Latin-1; "Łódź" or "東京" would otherwise be a 500)."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.") or "download"
    value = f'attachment; filename="{plain}"'
    if plain != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


# What one person's browser may keep, and nobody else's cache: for answers that never change
# under their address (a photo). Everything else signed in, and the rest of the API, is no-store.
KEPT_PRIVATELY = "private, max-age=31536000, immutable"


def keep_privately(response: Response) -> Response:
    response.headers["Cache-Control"] = KEPT_PRIVATELY
    return response


def forget_kept(response: BaseResponse) -> BaseResponse:
    """On sign-out: the browser drops what it kept privately (photos, for a year), so the next
    person at this device cannot call them up. Only the HTTP cache: the service worker's cache
    holds the app shell alone, and IndexedDB keeps the outbox's unsent records."""
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers older than frame-ancestors
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), microphone=(), payment=(), usb=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/") or _signed_in():
        # One person's data: neither the browser's cache nor a shared proxy may keep it.
        if headers.get("Cache-Control") != KEPT_PRIVATELY:
            headers["Cache-Control"] = "no-store"
        headers.add("Vary", "Cookie")
    return response


def refuse_untrusted_host() -> Response | None:
    """A Host outside TRUSTED_HOSTS gets a bare 400 before anything builds a link with it
    (password-reset style poisoning, cache poisoning)."""
    if isinstance(request.routing_exception, SecurityError):
        return Response("Unknown host.\n", status=400, mimetype="text/plain")
    return None


BODY_LIMITS = "gembawalk.body_limits"


def limit_body(bp: Blueprint, max_bytes: int) -> None:
    """Bodies sent to `bp` may be up to `max_bytes` (instead of MAX_CONTENT_LENGTH)."""

    def remember(state) -> None:
        name = f"{state.name_prefix}.{state.name}".lstrip(".")
        state.app.extensions.setdefault(BODY_LIMITS, {})[name] = max_bytes

    bp.record(remember)


def enforce_body_limit() -> None:
    """The first thing a request does: set its endpoint's limit and refuse a body declared
    larger (413) before the CSRF check or a view reads it. Werkzeug holds a body sent without
    a length to the same limit as it reads it."""
    limits = current_app.extensions.get(BODY_LIMITS, {})
    limit = next((limits[name] for name in request.blueprints if name in limits), None)
    if limit is not None:
        request.max_content_length = limit
    maximum = request.max_content_length
    if maximum is not None and (request.content_length or 0) > maximum:
        raise RequestEntityTooLarge()


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` that matches only ids a column can hold: a larger one is a 404 like any
    unknown id, not an overflow in the database driver."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("max", LARGEST_INTEGER)
        super().__init__(map, *args, **kwargs)


def init_security(app: Flask) -> None:
    """Before the blueprints (their routes are built with the converters set here) and before
    CSRF protection (whose check reads the body that enforce_body_limit must see first)."""
    from .api.http import StrictJSONProvider

    app.url_map.converters["int"] = BoundedIntegerConverter
    app.json = StrictJSONProvider(app)
    hops = app.config.get("GEMBAWALK_PROXY_HOPS", 0)
    if hops:
        # Behind `hops` reverse proxies: trust that many X-Forwarded-* entries, no more, so the
        # client address, scheme (HTTPS) and host are the real ones and cannot be forged.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # as Flask's docs wrap it
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    app.before_request(enforce_body_limit)
    app.before_request(refuse_untrusted_host)
    app.after_request(add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
