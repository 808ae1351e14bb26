"""Signing in, the CSRF token and who am I: what every API client needs first."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from ..auth.session import end_this_session, start_session
from ..auth.throttle import throttled
from ..calendar.views import feed_url
from ..models import Role
from ..security import forget_kept, request_facts
from ..services import audit
from ..services.people import accounts as people
from ..services.people import single_sign_on as sso
from .http import json_object, person_json, refuse
from .openapi import enum_of, text

bp = Blueprint("core", __name__)


@bp.get("/csrf")
def csrf_token():
    # Tied to this session and valid for an hour: clients fetch one before each batch of
    # writes and never keep it.
    return jsonify(
        csrf_token=generate_csrf(), expires_in=current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    )


@bp.get("/me")
@login_required
def me():
    return jsonify({**person_json(current_user), "calendar_feed_url": feed_url(current_user)})


@bp.post("/session")
@throttled
def sign_in():
    body = json_object()
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        refuse(400, _("Send email and password as strings."))
    person = people.authenticate(email, password)
    if person is None:
        audit.record(audit.SIGN_IN_FAILED, subject=people.email_key(email), **request_facts())
        refuse(401, _("That email and password do not match an active account."))
    if not sso.may_use_password(person):
        audit.record(
            audit.SIGN_IN_REFUSED, subject=person.email, detail="password sign-in is off",
            **request_facts(),
        )  # fmt: skip
        refuse(403, sso.USE_SINGLE_SIGN_ON)
    start_session(person)
    audit.record(audit.SIGN_IN, actor=person, subject=person.email, **request_facts())
    return jsonify(person_json(person))


@bp.delete("/session")
@login_required
def sign_out():
    end_this_session(request_facts())
    return forget_kept(make_response("", 204))


ME = {
    "type": "object",
    "required": ["id", "name", "email", "roles", "org_unit", "timezone"],
    "properties": {
        "id": {"type": "integer"},
        "name": text("display_name"),
        "email": text("email"),
        "roles": {"type": "array", "items": enum_of(Role)},
        "org_unit": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                },
            ]
        },
        "timezone": {"type": ["string", "null"], "description": "Own IANA zone, if set."},
        "calendar_feed_url": {
            "type": "string",
            "format": "uri",
            "description": "GET /me only: the person's private iCalendar feed of their walks, "
            "for Outlook, Google or Apple Calendar. Keep it secret; it changes when regenerated.",
        },
    },
}

SCHEMAS = {
    "Me": ME,
    "CsrfToken": {
        "type": "object",
        "required": ["csrf_token", "expires_in"],
        "properties": {
            "csrf_token": {"type": "string"},
            "expires_in": {"type": ["integer", "null"], "description": "Seconds."},
        },
    },
    "Credentials": {
        "type": "object",
        "required": ["email", "password"],
        "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
    },
}

PATHS = {
    "/csrf": {
        "get": {
            "summary": "A fresh CSRF token for this session",
            "description": "Send it as the X-CSRFToken header on every POST, PUT and DELETE. "
            "Fetch a new one before each batch of writes; never store it.",
            "security": [],
            "responses": {"200": {"$ref": "#/components/responses/CsrfToken"}},
        }
    },
    "/me": {
        "get": {
            "summary": "The signed-in person",
            "responses": {
                "200": {"$ref": "#/components/responses/Me"},
                "401": {"$ref": "#/components/responses/Error"},
            },
        }
    },
    "/session": {
        "post": {
            "summary": "Sign in (sets the session cookie): a session of this device's own",
            "description": "With PASSWORD_SIGN_IN=off only admins sign in here (403 for "
            "anyone else); everybody else signs in through single sign-on at /sign-in/oidc.",
            "security": [{"csrf": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Credentials"}}
                },
            },
            "responses": {
                "200": {"$ref": "#/components/responses/Me"},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "429": {"$ref": "#/components/responses/Error"},
            },
        },
        "delete": {
            "summary": "Sign out this device (the person's other sessions carry on)",
            "security": [{"session": [], "csrf": []}],
            "responses": {
                "204": {
                    "description": 'Signed out; `Clear-Site-Data: "cache"` tells the browser '
                    "to drop the photos it kept privately",
                    "headers": {"Clear-Site-Data": {"schema": {"type": "string"}}},
                },
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
            },
        },
    },
}

RESPONSES = {
    "Me": {
        "description": "The signed-in person",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}},
    },
    "CsrfToken": {
        "description": "A CSRF token",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CsrfToken"}}},
    },
}
