"""The installable app: the manifest, the service worker from the site root, and the app shell.

The shell is one page with no user data and no CSRF token in it, so the service worker may keep
it: offline, every navigation is answered with it and its JavaScript draws the page from what
IndexedDB holds. Nothing the worker caches ever depends on who is signed in.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..extensions import assets
from ..languages import SOURCE
from ..services.walks import corrections
from ..walks.forms import (
    CompleteWalkForm,
    CorrectObservationForm,
    CorrectWalkForm,
    ObservationForm,
    PastWalkForm,
    PlanWalkForm,
    StartNowForm,
)
from .vocabulary import offline_vocabulary

bp = Blueprint("pwa", __name__)

ICONS = {
    "192": "icons/icon-192.png",
    "512": "icons/icon-512.png",
    "maskable": "icons/icon-maskable-512.png",
}
THEME_COLOUR = "#0f5c4d"
# The most walks one GET /app/history draws: a device asks again at its next pull for the rest.
HISTORIES_AT_ONCE = 20
CATALOGUES = Path(__file__).resolve().parents[1] / "translations"


def _no_cache(response: Response) -> Response:
    # Always asked again (a 304 when unchanged): a new release reaches installed apps.
    response.headers["Cache-Control"] = "no-cache"
    return response


def bundle_urls() -> list[str]:
    """The versioned CSS and JS bundle URLs, as the pages link them."""
    return [url for name in ("css_all", "js_all") for url in assets[name].urls()]


def worker_source() -> Path:
    """static/sw.js of this app (a checkout's, or the one its wheel carries)."""
    assert current_app.static_folder is not None  # create_app sets it
    return Path(current_app.static_folder) / "sw.js"


@cache
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def release() -> str:
    """The app version: the bundle versions, the worker's own source, the shell and the words
    and limits it carries.

    A new bundle (or a new worker, or a new word) gives a new cache name, so a deploy never
    mixes files.
    `PWA_RELEASE` is an extra label a deploy (or a test) may set to force a new worker.
    """
    digest = hashlib.sha256()
    assert current_app.template_folder is not None  # create_app keeps Flask's "templates"
    # The same for every reader: the words in the source language, and the catalogues. (The
    # language a person reads is not a release: the worker fetches the shell again, sw.js.)
    with force_locale(SOURCE):
        words = json.dumps(offline_vocabulary(), sort_keys=True)
    for part in (
        *bundle_urls(),
        _file_digest(worker_source()),
        _file_digest(Path(current_app.template_folder) / "pwa" / "shell.html"),
        words,
        *(_file_digest(path) for path in sorted(CATALOGUES.glob("*/LC_MESSAGES/messages.po"))),
        str(current_app.config.get("PWA_RELEASE", "")),
    ):
        digest.update(part.encode())
    return digest.hexdigest()[:12]


def precache_urls() -> list[str]:
    """What the worker stores on install: the shell and everything it needs to draw."""
    return [
        url_for("pwa.shell"),
        *bundle_urls(),
        url_for("static", filename="icons/icon.svg"),
        url_for("static", filename="icons/sprite.svg"),
        *(url_for("static", filename=path) for path in ICONS.values()),
        url_for("pwa.manifest"),
    ]


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "id": "/",
        "name": "Gemba Walk",
        "short_name": "Gemba Walk",
        "description": "Plan and record customer visits and gemba walks, with or without signal.",
        "start_url": url_for("main.home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": "#f5f6f4",
        "icons": [
            {
                "src": url_for("static", filename=ICONS["192"]),
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": url_for("static", filename=ICONS["512"]),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": url_for("static", filename=ICONS["maskable"]),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = current_app.response_class(
        json.dumps(body, indent=2), mimetype="application/manifest+json"
    )
    return _no_cache(response)


@bp.get("/sw.js")
def service_worker():
    """static/sw.js with this release's name and precache list put in front of it."""
    config = {"release": release(), "shell": url_for("pwa.shell"), "precache": precache_urls()}
    source = f"self.GEMBA_SW = {json.dumps(config)};\n" + worker_source().read_text()
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return _no_cache(response)


def shell_forms() -> dict[str, FlaskForm]:
    """The capture forms as the server's pages render them, blank, without a CSRF token, and
    with one customer option the device copies for each customer it holds."""
    blank: dict = {"formdata": None, "meta": {"csrf": False}}
    plan, complete = PlanWalkForm(**blank), CompleteWalkForm(**blank)
    observation, start_now = ObservationForm(**blank), StartNowForm(**blank)
    # The option's id is a placeholder the device overwrites; it must still read as an id.
    correct, correct_note = CorrectWalkForm(**blank), CorrectObservationForm(**blank)
    past = PastWalkForm(**blank)
    for form in (plan, complete, correct, past):
        form.customer_ids.choices = [(1, "")]
    # The device makes each record's id: the shell, the same for everyone, holds none.
    for field in (plan.walk_id, start_now.walk_id, observation.observation_id, past.walk_id):
        field.process_data("")
    return {
        "plan": plan,
        "observation": observation,
        "complete": complete,
        "start_now": start_now,
        "correct": correct,
        "correct_observation": correct_note,
        "record_past": past,
    }


@bp.get("/app")
def shell():
    """The app shell. Public and the same for everyone: it holds no data and no token."""
    page = render_template("pwa/shell.html", release=release(), forms=shell_forms())
    return _no_cache(Response(page))


@bp.get("/outbox")
def outbox():
    """The outbox is drawn from IndexedDB on the device: the page is the shell itself."""
    return shell()


@bp.get("/app/history")
@login_required
def walk_histories():
    """The "Corrected" block of walks' pages, as each page draws it (walks/_history.html), for
    the device to keep and show offline: `?walk=<uuid>&walk=…` → `{"history": {uuid: html}}`,
    walks the reader may not see left out. Signed out, it goes to sign in like every page
    (the device's fetch follows no redirect); the worker never caches it."""
    asked = []
    for value in request.args.getlist("walk")[:HISTORIES_AT_ONCE]:
        try:
            asked.append(uuid.UUID(value))
        except ValueError:
            continue
    found = corrections.shown_histories(current_user, asked)
    drawn = {
        str(walk_id): render_template("walks/_history.html", history=history)
        for walk_id, history in found.items()
    }
    return jsonify({"history": drawn})
