"""CSS and JS bundles: minified and versioned into static/gen/ (never committed)."""

from flask import Flask
from webassets import Bundle

from .extensions import assets

CSS = Bundle(
    "css/app.css",
    "css/offline.css",
    "css/calendar.css",
    "css/coaching.css",
    "css/engagement.css",
    "css/photos.css",
    "css/demand.css",
    "css/wall.css",
    filters="rcssmin",
    output="gen/app.%(version)s.css",
)
# The offline modules, each after the ones it names on its first lines ("Needs Gemba.store");
# tests/test_offline_scripts.py holds this order to those lines. First the pure rules, which
# node's test runner also loads (tests/js/), then the IndexedDB and DOM glue, start-up last.
OFFLINE_JS = (
    "js/gw-words.js",
    "js/gw-backoff.js",
    "js/gw-reply.js",
    "js/gw-outbox.js",
    "js/gw-schema.js",
    "js/gw-checks.js",
    "js/gw-store.js",
    "js/gw-sync.js",
    "js/gw-pull.js",
    "js/gw-capture.js",
    "js/gw-status.js",
    "js/gw-forms.js",
    "js/gw-submit.js",
    "js/gw-enhance.js",
    "js/gw-records.js",
    "js/gw-tally.js",
    "js/gw-walk.js",
    "js/gw-shell.js",
    "js/gw-boot.js",
)
JS = Bundle(
    "js/app.js", "js/calendar.js", *OFFLINE_JS, filters="rjsmin", output="gen/app.%(version)s.js"
)


def init_assets(app: Flask) -> None:
    # The version is in the file name, so no cache-busting query string is needed.
    app.config.setdefault("ASSETS_URL_EXPIRE", False)
    assets.init_app(app)
    if "css_all" not in assets:
        assets.register("css_all", CSS)
        assets.register("js_all", JS)
