"""Flask-Login wiring: cookies name a person and their current session token."""

from __future__ import annotations

from flask import Flask, flash, redirect, request, url_for

from ..errors import error_response, wants_json
from ..extensions import login_manager
from ..services import people


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(cookie_id: str):
        return people.load_session_person(cookie_id)

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return error_response(401, "Sign in first.")
        flash("Please sign in to continue.", "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
