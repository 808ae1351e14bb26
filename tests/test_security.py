"""Security promises of SECURITY.md: headers, cookies, sessions, throttling and the audit log."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from sqlalchemy import select

from gembawalk import create_app
from gembawalk.auth.session import PASSWORD_AT, SEEN_AT, SIGNED_IN_AT
from gembawalk.config import ConfigError
from gembawalk.extensions import db
from gembawalk.models import AuditEvent, DeviceSession, Person
from gembawalk.services import audit

from .conftest import IsolatedClient, make_test_app, sign_in
from .factories import PASSWORD, PersonFactory

LONG_KEY = "kQ9v-3xT_pL7mZ2wR8sY4nB6cF1hJ5gD0aE"  # long and varied, as a real key is


def events(kind: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return list(db.session.scalars(query))


@pytest.fixture
def production_app(app, monkeypatch):
    """The same database, with the settings production reads from its environment."""
    monkeypatch.setenv("GEMBAWALK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)
    monkeypatch.setenv("GEMBAWALK_TRUSTED_HOSTS", "gemba.example.org")
    monkeypatch.setenv("GEMBAWALK_PROXY_HOPS", "1")
    production = make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        ASSETS_AUTO_BUILD=True,
    )
    yield production
    with production.app_context():
        db.session.remove()
        db.engine.dispose()


class ClientAt(IsolatedClient):
    """A test client whose requests go to one base URL (scheme and host)."""

    base_url = "https://gemba.example.org"

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", self.base_url)
        return super().open(*args, **kwargs)


def client_at(app, base_url: str):
    client = ClientAt(app, app.response_class, use_cookies=True)
    client.base_url = base_url
    return client


def https_client(production_app):
    return client_at(production_app, "https://gemba.example.org")


# Headers (ASVS V14.4)


def test_pages_carry_a_strict_content_security_policy(client, manager):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert re.search(r"'nonce-[\w-]{16,}'", directives["script-src"])
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["worker-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: meaningless


def test_each_answer_has_its_own_nonce(client, manager):
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert first != second


def test_templates_have_no_inline_script_style_or_event_handler():
    """Inline code would need 'unsafe-inline'; the only exception is the email digest. A JSON
    data block (<script type="application/json">, the offline scripts' vocabulary) is never
    run, so the policy has nothing to allow."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if path.name == "digest.html":
            continue  # an email: no CSP applies, and mail clients need inline styles
        text = path.read_text()
        code = r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)(?![^>]*type=\"application/json\")"
        for pattern in (code, r"\sstyle=", r"\son[a-z]+="):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(root)}: {pattern}")
    assert offenders == []


def test_signed_in_pages_and_the_api_are_never_cached(manager_client):
    assert manager_client.get("/").headers["Cache-Control"] == "no-store"
    assert manager_client.get("/walks/").headers["Cache-Control"] == "no-store"
    assert manager_client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/icons/icon.svg")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"


def test_https_answers_carry_hsts(production_app):
    response = https_client(production_app).get("/sign-in")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


# Cookies (ASVS V3.4)


def test_production_cookies_are_host_prefixed_secure_httponly_lax(production_app, manager):
    client = https_client(production_app)
    response = client.post(
        "/sign-in", data={"email": manager.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    by_name = {c.split("=", 1)[0]: c for c in cookies}
    assert set(by_name) == {"__Host-session", "__Host-remember"}
    for cookie in by_name.values():
        assert "; Secure" in cookie
        assert "; HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "; Path=/" in cookie
        assert "Domain=" not in cookie
    assert client.get("/").status_code == 200


def test_development_cookies_are_httponly_and_lax(client, manager):
    response = sign_in(client, manager)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


# Settings (ASVS V14.1)


@pytest.mark.parametrize("key", ["", "dev", "change-me", "secret", "short-but-not-default"])
def test_production_refuses_a_missing_default_or_short_secret_key(monkeypatch, key):
    monkeypatch.setenv("GEMBAWALK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("key", ["a" * 32, "ab" * 40, "0123" * 16, "password" * 5])
def test_production_refuses_a_secret_key_with_too_little_variety(monkeypatch, key):
    monkeypatch.setenv("GEMBAWALK_ENV", "production")
    monkeypatch.setenv("GEMBAWALK_TRUSTED_HOSTS", "gemba.example.org")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_needs_a_base_url_or_trusted_hosts(monkeypatch):
    """Without either, the Host header would end up in calendar_feed_url and any Host would
    be answered."""
    monkeypatch.setenv("GEMBAWALK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)
    monkeypatch.delenv("GEMBAWALK_TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("GEMBAWALK_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="GEMBAWALK_BASE_URL"):
        create_app()
    monkeypatch.setenv("GEMBAWALK_BASE_URL", "https://gemba.example.org")
    assert create_app().config["GEMBAWALK_BASE_URL"] == "https://gemba.example.org"
    monkeypatch.delenv("GEMBAWALK_BASE_URL")
    monkeypatch.setenv("GEMBAWALK_TRUSTED_HOSTS", "gemba.example.org")
    assert create_app().config["TRUSTED_HOSTS"] == ["gemba.example.org"]


def test_a_missing_referer_over_https_is_named_as_the_reason(production_app, manager):
    production_app.config["WTF_CSRF_ENABLED"] = True
    client = https_client(production_app)
    body = {"email": manager.email, "password": PASSWORD}
    db.session.commit()  # and read nothing more: SQLite lets the other app write
    with production_app.app_context():
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        refused = client.post("/api/v1/session", json=body, headers={"X-CSRFToken": token})
        assert refused.status_code == 400
        assert "Referer" in refused.get_json()["error"]
        assert "token" not in refused.get_json()["error"]
        foreign = client.post(
            "/api/v1/session",
            json=body,
            headers={"X-CSRFToken": token, "Referer": "https://evil.example/"},
        )
        assert "Referer" in foreign.get_json()["error"]
        signed_in = client.post(
            "/api/v1/session",
            json=body,
            headers={"X-CSRFToken": token, "Referer": "https://gemba.example.org/"},
        )
        assert signed_in.status_code == 200


def test_only_trusted_hosts_are_answered(production_app):
    assert https_client(production_app).get("/sign-in").status_code in (200, 302)
    evil = client_at(production_app, "https://evil.example")
    assert evil.get("/sign-in").status_code == 400


def test_proxy_headers_are_trusted_for_the_configured_hops_only(production_app, manager):
    client = client_at(production_app, "http://gemba.example.org")
    response = client.post(
        "/sign-in",
        data={"email": manager.email, "password": "wrong password here"},
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200
    (failure,) = events("sign_in_failed")
    assert failure.address == "203.0.113.9"  # the one hop we trust, not what a client wrote
    assert "Strict-Transport-Security" in response.headers  # HTTPS as the proxy said


def test_a_sessions_address_is_the_clients_as_the_proxy_setup_says(production_app, manager):
    client = client_at(production_app, "https://gemba.example.org")
    client.post(
        "/sign-in",
        data={"email": manager.email, "password": PASSWORD},
        headers={
            "X-Forwarded-For": "6.6.6.6, 203.0.113.9",
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
        },
    )
    db.session.expire_all()
    [row] = db.session.scalars(select(DeviceSession)).all()
    assert (row.person_id, row.browser) == (manager.id, "Firefox 133")
    assert row.address == "203.0.113.9"  # the one hop trusted, not what the client wrote


# Sessions (ASVS V3.2, V3.3, V3.7)


def test_sign_in_starts_a_new_session(client, app, manager):
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("session").value
    sign_in(client, manager)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[SIGNED_IN_AT]
        assert session[SEEN_AT]
        assert session[PASSWORD_AT]
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert replay.get("/").status_code == 302  # the cookie from before is not signed in


def replayed(app, cookie: str, path: str = "/"):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get(path)


def test_sign_out_revokes_a_captured_cookie_on_pages_and_api(client, app, manager):
    sign_in(client, manager)
    captured = client.get_cookie("session").value
    client.post("/sign-out")
    assert replayed(app, captured).status_code == 302
    assert replayed(app, captured, "/api/v1/me").status_code == 401
    assert [e.kind for e in events()] == ["sign_in", "sign_out"]


def test_changing_the_password_revokes_every_other_session(client, app, manager):
    sign_in(client, manager)
    captured = client.get_cookie("session").value
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another long passphrase",
            "confirm": "another long passphrase",
        },
    )
    assert response.status_code == 302
    assert replayed(app, captured, "/api/v1/me").status_code == 401
    assert client.get("/").status_code == 200  # this device carries on
    assert events("password_changed")


def test_an_admins_end_sessions_revokes_every_session(app, admin_client, manager):
    their = app.test_client()
    sign_in(their, manager)
    captured = their.get_cookie("session").value
    page = admin_client.get(f"/admin/people/{manager.id}/edit").get_data(as_text=True)
    assert f"/admin/people/{manager.id}/end-sessions" in page
    response = admin_client.post(f"/admin/people/{manager.id}/end-sessions")
    assert response.status_code == 302
    assert their.get("/").status_code == 302
    assert replayed(app, captured, "/api/v1/me").status_code == 401
    (ended,) = events("sessions_ended")
    assert ended.subject == manager.email
    sign_in(their, manager)  # not deactivated: they may come back


def test_deactivation_revokes_a_captured_cookie(app, admin_client, manager):
    their = app.test_client()
    sign_in(their, manager)
    captured = their.get_cookie("session").value
    admin_client.post(f"/admin/people/{manager.id}/deactivate")
    assert replayed(app, captured).status_code == 302
    assert events("person_deactivated")


def test_a_session_idle_too_long_ends(manager_client, app):
    idle = app.config["GEMBAWALK_SESSION_IDLE_MINUTES"] * 60
    with manager_client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - idle - 5
    response = manager_client.get("/walks/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert manager_client.get("/api/v1/me").status_code == 401


def test_activity_keeps_a_session_alive_until_its_absolute_limit(manager_client, app):
    idle = app.config["GEMBAWALK_SESSION_IDLE_MINUTES"] * 60
    with manager_client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - idle + 60
    assert manager_client.get("/walks/").status_code == 200
    with manager_client.session_transaction() as session:
        assert time.time() - session[SEEN_AT] < 5  # the idle clock restarted
        session[SIGNED_IN_AT] = (
            int(time.time()) - app.config["GEMBAWALK_SESSION_MAX_HOURS"] * 3600 - 5
        )
    assert manager_client.get("/walks/").status_code == 302


def test_keep_me_signed_in_outlives_the_idle_limit_but_not_revocation(client, app, manager):
    client.post("/sign-in", data={"email": manager.email, "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    idle = app.config["GEMBAWALK_SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - idle - 5
    assert client.get("/walks/").status_code == 200  # restored from the remember cookie
    with client.session_transaction() as session:
        assert PASSWORD_AT not in session  # ...but not as if the password had been typed
    remember = client.get_cookie("remember_token").value
    client.post("/sign-out")
    other = app.test_client()
    other.set_cookie("remember_token", remember)
    assert other.get("/walks/").status_code == 302


def test_changing_roles_needs_the_password_typed_recently(admin_client, app, manager):
    with admin_client.session_transaction() as session:
        session[PASSWORD_AT] = int(time.time()) - app.config["GEMBAWALK_REAUTH_MINUTES"] * 60 - 5
    edit = f"/admin/people/{manager.id}/edit"
    response = admin_client.get(edit)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/confirm?next=")
    response = admin_client.post(f"/admin/people/{manager.id}/deactivate")
    assert response.status_code == 302
    assert "/account/confirm" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Person, manager.id).active is True

    refused = admin_client.post("/account/confirm", data={"password": "not it", "next": edit})
    assert "That is not your password." in refused.get_data(as_text=True)
    confirmed = admin_client.post("/account/confirm", data={"password": PASSWORD, "next": edit})
    assert confirmed.headers["Location"] == edit
    assert admin_client.get(edit).status_code == 200
    kinds = [e.kind for e in events()]
    assert "password_confirm_failed" in kinds
    assert "password_confirmed" in kinds


def test_changing_the_password_needs_it_typed_recently(manager_client, app):
    with manager_client.session_transaction() as session:
        session.pop(PASSWORD_AT)
    response = manager_client.get("/account/password")
    assert response.headers["Location"].startswith("/account/confirm")


# Throttling (ASVS V2.2.1)


def fail(client, email: str, address: str = "198.51.100.7"):
    return client.post(
        "/sign-in",
        data={"email": email, "password": "definitely wrong"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_sign_in_is_throttled_per_account_and_each_refusal_logged(client, manager):
    for _ in range(5):
        assert fail(client, manager.email).status_code == 200
    refused = fail(client, manager.email)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    # From another address the account is still locked: the attacker may rotate addresses.
    assert fail(client, manager.email, "192.0.2.55").status_code == 429
    # Even the right password waits: otherwise guessing could simply continue.
    right = client.post(
        "/sign-in",
        data={"email": manager.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.56"},
    )
    assert right.status_code == 429
    throttled = events("sign_in_throttled")
    assert len(throttled) == 3
    assert throttled[0].subject == manager.email
    assert len(events("sign_in_failed")) == 5


def test_sign_in_is_throttled_per_address(client, app, manager):
    app.config["GEMBAWALK_SIGN_IN_LIMIT_ADDRESS"] = "3 per minute"
    try:
        for n in range(3):
            assert fail(client, f"someone{n}@example.org").status_code == 200
        assert fail(client, "someone-else@example.org").status_code == 429
        assert fail(client, "someone-else@example.org", "192.0.2.80").status_code == 200
    finally:
        app.config["GEMBAWALK_SIGN_IN_LIMIT_ADDRESS"] = "20 per minute; 100 per hour"


def test_successful_sign_ins_do_not_use_up_the_allowance(client, manager):
    for _ in range(8):
        sign_in(client, manager)
        client.post("/sign-out")
    assert fail(client, manager.email).status_code == 200


def test_the_api_sign_in_is_throttled_too(client, manager):
    for _ in range(5):
        response = client.post(
            "/api/v1/session", json={"email": manager.email, "password": "wrong again!"}
        )
        assert response.status_code == 401
    response = client.post(
        "/api/v1/session", json={"email": manager.email, "password": "wrong again!"}
    )
    assert response.status_code == 429
    assert response.is_json
    assert response.get_json()["error"]


def api_sign_in(client, email: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        "/api/v1/session",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_count_per_account_across_the_page_the_api_and_every_worker(
    client, app, manager, database_url
):
    """Five wrong page sign-ins lock the API too, and the reverse; a second app on the same
    database (another gunicorn worker, no Redis) sees the same count."""
    for _ in range(3):
        assert fail(client, manager.email).status_code == 200
    for _ in range(2):
        assert api_sign_in(client, manager.email, "wrong again!").status_code == 401
    assert api_sign_in(client, manager.email, PASSWORD, "192.0.2.9").status_code == 429
    email = manager.email.upper()
    db.session.commit()  # and read nothing more: SQLite lets the other worker write
    other_worker = make_test_app(database_url).test_client()
    with other_worker.application.app_context():
        refused = other_worker.post("/sign-in", data={"email": email, "password": PASSWORD})
        db.engine.dispose()
    assert refused.status_code == 429
    assert len(events("sign_in_failed")) == 5


def test_account_confirm_shares_the_allowance_and_is_limited(client, manager):
    sign_in(client, manager)
    for _ in range(5):
        response = client.post("/account/confirm", data={"password": "not my password"})
        assert response.status_code == 200
    assert client.post("/account/confirm", data={"password": PASSWORD}).status_code == 429
    assert len(events("password_confirm_failed")) == 5
    # A stolen cookie's guesses count against the account: its sign-in is locked too.
    assert api_sign_in(client, manager.email, PASSWORD, "192.0.2.10").status_code == 429


def test_failures_on_the_address_are_shared_by_page_and_api(client, app, manager):
    app.config["GEMBAWALK_SIGN_IN_LIMIT_ADDRESS"] = "3 per minute"
    try:
        assert fail(client, "a@example.org").status_code == 200
        assert api_sign_in(client, "b@example.org", "wrong again!").status_code == 401
        assert fail(client, "c@example.org").status_code == 200
        assert api_sign_in(client, manager.email, PASSWORD).status_code == 429
    finally:
        app.config["GEMBAWALK_SIGN_IN_LIMIT_ADDRESS"] = "20 per minute; 100 per hour"


@pytest.mark.parametrize("typed", ["  MANAGER@Example.ORG ", "manager@xn--exmple-cua.org"])
def test_sign_in_normalises_the_email_as_account_creation_does(client, typed):
    PersonFactory(
        roles=["manager"], email=typed.strip().lower().replace("xn--exmple-cua", "exämple")
    )
    response = client.post("/sign-in", data={"email": typed, "password": PASSWORD})
    assert response.status_code == 302


TYPED = "Tr0ub4dor&3-typed-secret"


def test_a_typed_password_is_never_rendered_back_into_a_page(admin_client, admin, unit):
    """Every form with a password, sent with a mistake in another field or in the password
    itself: the page says what is wrong and holds none of what was typed."""
    from wtforms import PasswordField

    from gembawalk.admin import forms as admin_forms
    from gembawalk.auth import forms as auth_forms

    found = 0
    for module in (admin_forms, auth_forms):  # no password field may be made to show its value
        for form in vars(module).values():
            for field in vars(form).values() if isinstance(form, type) else ():
                if getattr(field, "field_class", None) is PasswordField:
                    assert field.kwargs.get("widget") is None, form
                    found += 1
    assert found >= 5
    person = {"display_name": "New", "roles": "coach", "org_unit_id": str(unit.id)}
    attempts = [
        ("/admin/people/new", {**person, "email": "not an address", "password": TYPED}),
        ("/admin/people/new", {**person, "email": admin.email, "password": TYPED}),
        ("/admin/people/new", {**person, "email": "n@example.org", "password": TYPED * 9}),
        ("/admin/people/new", {**person, "email": "n@example.org", "password": "password1234"}),
        ("/account/password", {"current_password": TYPED, "new_password": TYPED, "confirm": "x"}),
        ("/account/confirm", {"password": TYPED}),
    ]
    for path, data in attempts:
        page = admin_client.post(path, data=data).get_data(as_text=True)
        assert data["password" if "password" in data else "new_password"] not in page, path
        assert TYPED[:12] not in page, path
    admin_client.post("/sign-out")
    page = admin_client.post("/sign-in", data={"email": admin.email, "password": TYPED})
    assert TYPED not in page.get_data(as_text=True)


# The audit log (ASVS V7.1, V7.2)


def test_the_audit_log_records_sign_ins_failures_and_refusals(client, manager, admin):
    fail(client, "nobody@example.org")
    sign_in(client, manager)
    client.get("/admin/people")  # 403: a manager is no admin
    kinds = [e.kind for e in events()]
    assert kinds == ["sign_in_failed", "sign_in", "forbidden"]
    failed, signed_in, forbidden = events()
    assert failed.subject == "nobody@example.org"
    assert failed.address == "198.51.100.7"
    assert signed_in.actor_id == manager.id
    assert forbidden.path == "/admin/people"
    assert forbidden.actor_email == manager.email


def test_csrf_failures_are_logged(client, manager, csrf_on):
    client.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    (event,) = events("csrf_failed")
    assert event.path == "/sign-in"


def test_an_anonymous_flood_writes_a_bounded_number_of_rows(client, manager, csrf_on):
    """30 anonymous bad-CSRF PUTs from one address: the first ten are logged, then one row
    says that more were left out; another address is still heard, and sign-in failures (the
    throttle counts them) are never left out."""
    for _ in range(30):
        client.put(
            f"/api/v1/walks/{uuid.uuid4()}", json={}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
        )
    assert len(events("csrf_failed")) == audit.ANONYMOUS_PER_MINUTE
    (note,) = events("audit_suppressed")
    assert note.address == "203.0.113.9"
    client.put(
        f"/api/v1/walks/{uuid.uuid4()}", json={}, environ_base={"REMOTE_ADDR": "203.0.113.10"}
    )
    assert len(events("csrf_failed")) == audit.ANONYMOUS_PER_MINUTE + 1
    app_csrf_off = client.application.config
    app_csrf_off["WTF_CSRF_ENABLED"] = False
    fail(client, manager.email, "203.0.113.9")
    assert len(events("sign_in_failed")) == 1


def test_role_changes_are_logged_with_the_new_access(admin_client, admin, manager, unit):
    from .test_admin import person_form

    admin_client.post(
        f"/admin/people/{manager.id}/edit",
        data=person_form(
            email=manager.email,
            display_name=manager.display_name,
            roles=["manager", "coach"],
            org_unit_id=unit.id,
        ),
    )
    (changed,) = events("person_changed")
    assert changed.actor_id == admin.id
    assert changed.subject == manager.email
    assert "roles: coach, manager" in changed.detail


def test_every_admin_change_is_logged_with_names_not_ids(app, admin, manager, unit):
    from gembawalk.services import customers
    from gembawalk.services.cadence import settings as cadence
    from gembawalk.services.people import accounts, org

    coach = PersonFactory(roles=["coach"], display_name="Cora Coach")
    depot = org.create_unit(admin, name="Harbour depot", parent_id=unit.id)
    org.update_unit(admin, depot.id, name="Harbour yard", parent_id=None)
    client = customers.create_customer(admin, name="Mrs Ali", kind="external", org_unit_id=depot.id)
    customers.update_customer(
        admin, client.id, name="Mrs Ali", kind="internal", org_unit_id=unit.id, active=False
    )
    cadence.set_unit_cadence(admin, depot.id, cadence.CadenceSetting(True, 2, 4, "week"))
    cadence.set_person_cadence(admin, manager.id, cadence.CadenceSetting(True, 1, 1, "month"))
    accounts.update_person(
        admin, manager.id, email=manager.email, display_name=manager.display_name,
        roles=["manager", "director"], org_unit_id=depot.id, coach_ids=[coach.id],
        leads_unit_ids=[unit.id], timezone=None,
    )  # fmt: skip
    logged = {(e.kind, e.subject): e.detail for e in events()}
    assert logged[("unit_created", "Harbour depot")] == "below: Northgate depot"
    assert logged[("unit_changed", "Harbour yard")] == (
        "name: Harbour depot → Harbour yard; below: Northgate depot → (top)"
    )
    assert logged[("customer_created", "Mrs Ali")] == (
        "kind: external; org unit: Harbour yard; active: yes"
    )
    assert logged[("customer_changed", "Mrs Ali")] == (
        "kind: external → internal; org unit: Harbour yard → Northgate depot; active: yes → no"
    )
    assert (
        "2 customer visits and 4 gemba walks a week" in logged[("cadence_changed", "Harbour yard")]
    )
    assert logged[("cadence_changed", manager.email)]
    changed = logged[("person_changed", manager.email)]
    assert "org unit: Harbour yard" in changed
    assert "coaches: Cora Coach" in changed
    assert "leads units: Northgate depot" in changed
    assert not any(str(n) in changed for n in (depot.id, coach.id, unit.id))
    assert all(e.actor_id == admin.id for e in events() if e.kind != "sign_in")


def test_admins_read_and_export_the_log_and_the_export_is_logged(admin_client, app):
    fail(app.test_client(), "=cmd|' /C calc'!A0@example.org")
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200
    assert "sign in failed" in page.get_data(as_text=True)
    csv = admin_client.get("/admin/audit.csv")
    assert csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    text = csv.get_data(as_text=True)
    assert text.splitlines()[0].startswith("id,at,kind")
    assert ",'=cmd" in text  # a spreadsheet would run it as a formula otherwise
    assert events("export")


def test_only_admins_see_the_audit_log(manager_client):
    assert manager_client.get("/admin/audit").status_code == 403
    assert manager_client.get("/admin/audit.csv").status_code == 403


def test_nul_bytes_and_long_input_are_still_logged(client, manager):
    fail(client, "a\x00b" + "x" * 400)
    (event,) = events("sign_in_failed")
    assert "\x00" not in event.subject
    assert len(event.subject) <= 254


def test_the_audit_service_has_no_way_to_change_or_remove_events():
    from gembawalk.services import audit

    names = {name for name in dir(audit) if callable(getattr(audit, name))}
    assert not any(word in name for name in names for word in ("delete", "update", "remove"))


def test_sign_ups_of_new_people_are_logged(admin_client, unit):
    from .test_admin import person_form

    admin_client.post(
        "/admin/people/new",
        data={
            **person_form(
                email="new@example.org",
                display_name="New Person",
                roles=["manager"],
                org_unit_id=unit.id,
            ),
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    (created,) = events("person_created")
    assert created.subject == "new@example.org"


def test_a_person_made_by_the_factory_is_not_an_event(app):
    PersonFactory(roles=["admin"])
    assert events() == []


# Passwords (ASVS V2.1)


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password2024!",
        "qwertyuiop123",
        "123456789012",
        "iloveyou1234",
        "Liverpool2023",
        "aaaaaaaaaaaa",
        "correct horse battery staple",
        "WELCOME12345",
    ],
)
def test_common_and_breached_style_passwords_are_refused(password):
    from gembawalk.services.errors import Invalid
    from gembawalk.services.people import passwords

    with pytest.raises(Invalid, match="too common"):
        passwords.check_policy(password)


@pytest.mark.parametrize(
    "password",
    [
        "a long enough password",
        "tram stops at the depot",
        "x" * 3 + "ünïcødé 🚶 walk",
        "z" * 120 + "abc",
    ],
)
def test_long_uncommon_passwords_of_any_characters_are_accepted(password):
    from gembawalk.services.people import passwords

    passwords.check_policy(password)


def test_the_shipped_list_holds_thousands_of_long_entries():
    from gembawalk.services.people import passwords

    common = passwords.common_passwords()
    assert len(common) > 5000
    assert all(len(p) >= 12 for p in common)


def test_a_common_password_is_refused_on_the_change_password_form(manager_client):
    response = manager_client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Password2024!",
            "confirm": "Password2024!",
        },
    )
    assert "too common" in response.get_data(as_text=True)


def test_keep_me_signed_in_can_be_turned_off(client, app, manager):
    app.config["GEMBAWALK_REMEMBER_DAYS"] = 0
    try:
        client.post(
            "/sign-in", data={"email": manager.email, "password": PASSWORD, "remember": "y"}
        )
        assert client.get_cookie("remember_token") is None
    finally:
        app.config["GEMBAWALK_REMEMBER_DAYS"] = 30


def test_exports_are_in_the_audit_log(client, unit):
    director = PersonFactory(roles=["director", "manager"], org_unit=unit)
    director.leads = [unit]
    db.session.commit()
    sign_in(client, director)
    response = client.get("/engagement/walks.csv")
    assert response.status_code == 200
    (export,) = events("export")
    assert export.actor_id == director.id
    assert "walks" in export.subject
