"""Calendar pages: the private feed a calendar app subscribes to, one walk as an .ics file,
and regenerating the feed's secret."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_babel import force_locale, gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from ..i18n import language_of
from ..security import attachment
from ..services.errors import NotFound
from ..services.walks import calendar_feed
from ..services.walks import lifecycle as walks

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


def base_url() -> str:
    """Where links in calendar events point: GEMBAWALK_BASE_URL, else the host asked."""
    return current_app.config.get("GEMBAWALK_BASE_URL") or request.host_url.rstrip("/")


def feed_url(person) -> str:
    token = calendar_feed.feed_token(person)
    return base_url() + url_for("calendar.feed", token=token)


def _walk_link(walk) -> str:
    return base_url() + url_for("walks.show", walk_id=walk.uuid)


def _ics(body: bytes, filename: str | None = None) -> WerkzeugResponse:
    response = Response(body, mimetype="text/calendar")  # Werkzeug adds "; charset=utf-8"
    # The feed holds private notes: no shared cache may keep it.
    response.headers["Cache-Control"] = "private, max-age=300"
    if filename:
        response.headers["Content-Disposition"] = attachment(filename)
    # Calendar apps poll: an unchanged feed answers 304 without sending it again.
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/<token>.ics")
def feed(token: str):
    try:
        person = calendar_feed.person_for_token(token)
    except NotFound:
        return Response("Not found\n", status=404, mimetype="text/plain")
    # A calendar app asks, not the person: the feed speaks its owner's language.
    with force_locale(language_of(person)):
        name = gettext("Gemba walks: %(name)s", name=person.display_name)
        body = calendar_feed.calendar(calendar_feed.feed_walks(person), _walk_link, name)
    return _ics(body)


@bp.get("/walks/<uuid:walk_id>.ics")
@login_required
def walk_ics(walk_id: UUID):
    walk = walks.get_own_walk(current_user, walk_id)
    body = calendar_feed.calendar([walk], _walk_link, "Gemba Walk")
    return _ics(body, filename=f"walk-{walk.local_start:%Y-%m-%d}.ics")


@bp.post("/regenerate")
@login_required
def regenerate():
    calendar_feed.regenerate_token(current_user)
    flash(
        gettext("New calendar link made. The old one no longer works: subscribe again."),
        "success",
    )
    return redirect(url_for("auth.account") + "#calendar")
