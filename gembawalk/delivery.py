"""How responses travel on a weak signal: compressed (brotli, else gzip), and static files
cached by the browser for as long as their name says they are the same file."""

from __future__ import annotations

from flask import Flask, Response, request

from .extensions import compress

# The bundles in static/gen/ carry a hash of their content in their name: a new version is a
# new address, so the browser may keep each one for a year without asking again.
VERSIONED = "gen/"
A_YEAR = 365 * 24 * 3600
# Other static files (icons, the sprite) keep their name when they change: an hour at most.
AN_HOUR = 3600


def init_delivery(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Static files are streamed from disk; brotli is what every current browser accepts.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    compress.init_app(app)
    app.after_request(cache_static_files)


def cache_static_files(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    if filename.startswith(VERSIONED):
        response.cache_control.public = True
        response.cache_control.max_age = A_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = AN_HOUR
    response.cache_control.no_cache = None
    return response
