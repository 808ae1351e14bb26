"""Flask-Login wiring: cookies name a device's own session (services/people/sessions.py);
sessions start afresh at sign-in, end when idle too long or too old, and one device signing
out leaves the others signed in."""

from __future__ import annotations

import contextlib
import functools
import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from ..errors import error_response, wants_json
from ..extensions import login_manager
from ..main.views import OPEN_BLUEPRINTS
from ..models import DeviceSession, Person
from ..services.errors import NotFound
from ..services.people import sessions

SIGNED_IN_AT, SEEN_AT, PASSWORD_AT = "signed_in_at", "seen_at", "password_at"


def start_session(person: Person, remember: bool = False) -> None:
    """Sign `person` in on this device: a session of its own (a row in device_sessions), and
    nothing set before it (a planted session, an old CSRF token) carries over; its clocks
    start now. The page sign-in, the API's and single sign-on all come through here."""
    session.clear()
    remember = remember and current_app.config["GEMBAWALK_REMEMBER_DAYS"] > 0
    device, cookie_id = sessions.start(
        person,
        remember=remember,
        user_agent=request.headers.get("User-Agent"),
        address=request.remote_addr,
    )
    login_user(person, remember=remember)
    # The cookie (and the remember cookie, written from the same value) names this device's
    # session rather than the person alone: ending the session ends this device only.
    session["_user_id"] = cookie_id
    g.device_session = device
    now = int(time.time())
    session[SIGNED_IN_AT] = session[SEEN_AT] = session[PASSWORD_AT] = now


def this_device() -> DeviceSession | None:
    """The session of the device making this request, once the person is loaded."""
    return g.get("device_session") if current_user.is_authenticated else None


def end_this_session(facts: dict) -> None:
    """Sign out this device only: its session ends, the others carry on."""
    device = this_device()
    if device is not None:
        # Ended a moment ago from another device: signed out all the same.
        with contextlib.suppress(NotFound):
            sessions.end(current_user, device.id, facts=facts)
    logout_user()


def confirm_password_now() -> None:
    session[PASSWORD_AT] = int(time.time())


def provider_checked(auth_time: object) -> None:
    """After single sign-on, who the person is counts as confirmed from the moment the
    provider last checked it (the ID token's `auth_time`), not from this sign-in: a provider
    session of days ago signs in without anyone typing anything. No `auth_time`, no
    confirmation."""
    session.pop(PASSWORD_AT, None)
    if isinstance(auth_time, int) and not isinstance(auth_time, bool):
        session[PASSWORD_AT] = min(auth_time, int(time.time()))


def recently_authenticated() -> bool:
    """The password was typed in this session within GEMBAWALK_REAUTH_MINUTES (or the
    single sign-on provider checked who this is within them)."""
    typed = session.get(PASSWORD_AT)
    window = current_app.config["GEMBAWALK_REAUTH_MINUTES"] * 60
    return typed is not None and time.time() - typed <= window


def reauthenticated(view):
    """Changing who may do what needs the password typed recently, not just a live cookie."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if recently_authenticated():
            return view(*args, **kwargs)
        if wants_json():
            return error_response(401, gettext("Confirm your password first."))
        back = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
        return redirect(url_for("auth.confirm_password", next=back or None))

    return wrapper


def _expired(now: float) -> bool:
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if signed_in is None or seen is None:
        return True
    config = current_app.config
    return (
        now - seen > config["GEMBAWALK_SESSION_IDLE_MINUTES"] * 60
        or now - signed_in > config["GEMBAWALK_SESSION_MAX_HOURS"] * 3600
    )


def enforce_lifetimes() -> None:
    """End a session idle too long or older than the absolute limit. "Keep me signed in"
    (the remember cookie, with its own lifetime) may then start a new one."""
    if "_user_id" not in session:
        return
    now = time.time()
    if _expired(now):
        session.clear()
        g.pop("_login_user", None)
        g.session_expired = True
    elif now - session[SEEN_AT] > 60:
        session[SEEN_AT] = int(now)  # once a minute is precise enough, and spares the cookie


def note_activity() -> None:
    """Load who is signed in before the view runs (from the session, or from the remember
    cookie), and write the device's "last seen" at most once a minute. Public files (static,
    the installable app's worker and shell) are left alone: they are the same for everyone."""
    if request.endpoint == "static" or request.blueprint in OPEN_BLUEPRINTS:
        return
    device = this_device()
    if device is not None:
        sessions.touch(device, address=request.remote_addr)


def _restored_from_cookie(_app, user) -> None:
    # "Keep me signed in" restarts the session clocks, but not the password's: changing a
    # password or someone's roles still asks for it.
    now = int(time.time())
    session[SIGNED_IN_AT] = session[SEEN_AT] = now
    session.pop(PASSWORD_AT, None)


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = "basic"
    app.before_request(enforce_lifetimes)
    app.before_request(note_activity)
    user_loaded_from_cookie.connect(_restored_from_cookie, app)

    @login_manager.user_loader
    def load_user(cookie_id: str):
        device = sessions.resume(cookie_id)
        if device is None:
            # Ended on another device, by an admin, or run out: say so on the sign-in page.
            g.session_expired = True
            return None
        g.device_session = device
        return device.person

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return error_response(401, gettext("Sign in first."))
        if g.get("session_expired"):
            flash(gettext("Your session ended. Please sign in again."), "info")
        else:
            flash(gettext("Please sign in to continue."), "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
