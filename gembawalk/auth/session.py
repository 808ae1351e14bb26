"""Flask-Login wiring: cookies name a person and their current session token; sessions start
afresh at sign-in and end when idle too long or too old."""

from __future__ import annotations

import functools
import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import login_user, user_loaded_from_cookie

from ..errors import error_response, wants_json
from ..extensions import login_manager
from ..models import Person
from ..services.people import accounts as people

SIGNED_IN_AT, SEEN_AT, PASSWORD_AT = "signed_in_at", "seen_at", "password_at"


def start_session(person: Person, remember: bool = False) -> None:
    """A new session for a sign-in: nothing set before it (a planted session, an old CSRF
    token) carries over, and its clocks start now."""
    session.clear()
    remember = remember and current_app.config["GEMBAWALK_REMEMBER_DAYS"] > 0
    login_user(person, remember=remember)
    now = int(time.time())
    session[SIGNED_IN_AT] = session[SEEN_AT] = session[PASSWORD_AT] = now


def confirm_password_now() -> None:
    session[PASSWORD_AT] = int(time.time())


def recently_authenticated() -> bool:
    """The password was typed in this session within GEMBAWALK_REAUTH_MINUTES."""
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
            return error_response(401, "Confirm your password first.")
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
    user_loaded_from_cookie.connect(_restored_from_cookie, app)

    @login_manager.user_loader
    def load_user(cookie_id: str):
        return people.load_session_person(cookie_id)

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return error_response(401, "Sign in first.")
        if g.get("session_expired"):
            flash("Your session ended. Please sign in again.", "info")
        else:
            flash("Please sign in to continue.", "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
