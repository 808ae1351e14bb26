"""Single sign-on with OpenID Connect, against a real provider on loopback (npm oidc-provider,
tests/oidc/provider.mjs): the round trip, each check it makes (state, code, nonce, signature),
who it signs in and who it refuses, the provider down, and PASSWORD_SIGN_IN=off."""

from __future__ import annotations

import base64
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from gembawalk.auth import oidc
from gembawalk.config import ConfigError, sso_settings
from gembawalk.extensions import db
from gembawalk.models import AuditEvent, Person
from gembawalk.services.people import single_sign_on as sso

from . import factories
from . import oidc_provider as op
from .conftest import sign_in

CALLBACK = "http://localhost/sign-in/oidc/callback"  # the test client's host


@pytest.fixture(scope="session")
def oidc_provider():
    provider = op.start(CALLBACK)
    yield provider
    provider.stop()


@pytest.fixture
def sso_app(app, oidc_provider):
    with op.configured(app, oidc_provider.issuer):
        yield app


@pytest.fixture
def maya(app, unit):
    return factories.PersonFactory(
        roles=["manager"], org_unit=unit, email="maya.manager@example.org"
    )


def events(kind: str) -> list[AuditEvent]:
    db.session.commit()  # see what the requests wrote
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))


def to_provider(client, next_path: str | None = None) -> str:
    response = client.get("/sign-in/oidc", query_string={"next": next_path} if next_path else {})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def round_trip(client, login: str, next_path: str | None = None) -> str:
    """Start at /sign-in/oidc and sign in at the provider as `login`: the callback address."""
    return op.sign_in_at_provider(to_provider(client, next_path), login, CALLBACK)


def signed_in_as(client) -> str | None:
    response = client.get("/api/v1/me")
    return response.get_json()["email"] if response.status_code == 200 else None


# The round trip


def test_the_provider_is_asked_for_a_code_with_pkce_state_and_nonce(client, sso_app, maya):
    where = to_provider(client)
    query = parse_qs(urlsplit(where).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0]
    assert query["nonce"][0]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["scope"][0].split() == ["openid", "email"]


def test_a_known_person_signs_in_and_returns_where_they_were_going(client, sso_app, maya):
    back = round_trip(client, "Maya.Manager@EXAMPLE.org", next_path="/walks/")
    response = client.get(back)
    assert response.status_code == 302
    assert response.headers["Location"] == "/walks/"
    assert signed_in_as(client) == "maya.manager@example.org"
    [signed] = events("sign_in")
    assert (signed.actor_id, signed.detail) == (maya.id, "single sign-on")


def test_the_way_back_goes_only_to_a_local_path(client, sso_app, maya):
    response = client.get(round_trip(client, maya.email, next_path="//evil.example/"))
    assert response.headers["Location"] == "/"


def test_a_single_sign_on_session_ends_on_sign_out_like_any_other(client, app, sso_app, maya):
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    client.get(round_trip(client, maya.email))
    with client.session_transaction() as session:
        assert "planted" not in session  # a fresh session, as a password sign-in makes
    copied = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    client.post("/sign-out")
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], copied)
    assert signed_in_as(client) is None


# What the return must prove


def refused_page(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_a_wrong_state_is_refused(client, sso_app, maya):
    back = round_trip(client, maya.email)
    state = parse_qs(urlsplit(back).query)["state"][0]
    page = refused_page(client.get(back.replace(state, "not-the-state")), 400)
    assert "did not go through" in page
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert "state" in refused.detail


def test_a_return_without_any_sign_in_started_is_refused(client, sso_app, maya):
    refused_page(client.get("/sign-in/oidc/callback?code=made-up&state=made-up"), 400)
    assert signed_in_as(client) is None


def test_a_replayed_return_is_refused(client, app, sso_app, maya):
    back = round_trip(client, maya.email)
    client.get(back)
    client.post("/sign-out")
    refused_page(client.get(back), 400)  # what it was checked against went with first use
    assert signed_in_as(client) is None
    stranger = app.test_client()
    refused_page(stranger.get(back), 400)  # and was never this browser's
    assert signed_in_as(stranger) is None


def test_a_replayed_code_is_refused_by_the_provider(client, app, sso_app, maya):
    used = round_trip(client, maya.email)
    client.get(used)
    code = parse_qs(urlsplit(used).query)["code"][0]
    attacker = app.test_client()
    state = parse_qs(urlsplit(to_provider(attacker)).query)["state"][0]
    # The attacker's own state, with someone's spent code: the state passes, the provider
    # refuses the code (spent, and issued for another PKCE challenge).
    response = attacker.get("/sign-in/oidc/callback", query_string={"code": code, "state": state})
    refused_page(response, 400)
    assert signed_in_as(attacker) is None
    assert any("invalid_grant" in e.detail for e in events("sign_in_refused"))


def kept_flow(client) -> dict:
    return oidc.flow_serializer().loads(client.get_cookie(oidc.flow_cookie()).value)


def keep_flow(client, flow: dict) -> None:
    client.set_cookie(oidc.flow_cookie(), oidc.flow_serializer().dumps(flow))


def test_a_wrong_nonce_is_refused(client, sso_app, maya):
    """This browser's own state and PKCE verifier, but the ID token carries a nonce other
    than the one it was given (as a token minted for another sign-in would)."""
    back = round_trip(client, maya.email)
    keep_flow(client, {**kept_flow(client), "nonce": "not-the-nonce-sent"})
    refused_page(client.get(back), 400)
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert "nonce" in refused.detail


def test_what_the_return_is_checked_against_cannot_be_forged(client, sso_app, maya):
    back = round_trip(client, maya.email)
    flow = kept_flow(client)
    client.set_cookie(oidc.flow_cookie(), oidc.flow_serializer().dumps(flow)[:-4] + "AAAA")
    refused_page(client.get(back), 400)
    assert signed_in_as(client) is None


def test_the_sign_in_under_way_is_kept_apart_from_the_session(client, sso_app, maya):
    """A page saved with the session while the person is at the provider (the service
    worker fetching the app shell as it installs) must not lose the sign-in."""
    back = round_trip(client, maya.email, next_path="/walks/")
    with client.session_transaction() as session:
        session.clear()  # as a response written over the session cookie would leave it
    response = client.get(back)
    assert response.headers["Location"] == "/walks/"
    assert signed_in_as(client) == maya.email
    assert client.get_cookie(oidc.flow_cookie()) is None  # one sign-in, one return


def _payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _header(token: str) -> dict:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


@pytest.mark.parametrize("same_kid", [True, False], ids=["same key id", "unknown key id"])
def test_an_id_token_signed_by_another_key_is_refused(client, sso_app, maya, monkeypatch, same_kid):
    """The provider's real token, its claims (nonce, issuer, audience, expiry) all right, but
    signed by a key the provider never published."""
    real_exchange = oidc.client().fetch_access_token

    def forged_exchange(**kwargs):
        token = real_exchange(**kwargs)
        kid = _header(token["id_token"])["kid"] if same_kid else "someone-elses-key"
        forger = RSAKey.generate_key(2048, parameters={"kid": kid})
        claims = _payload(token["id_token"])
        token["id_token"] = jwt.encode({"alg": "RS256", "kid": kid}, claims, forger)
        return token

    monkeypatch.setattr(oidc.client(), "fetch_access_token", forged_exchange)
    refused_page(client.get(round_trip(client, maya.email)), 400)
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert "does not verify" in refused.detail


def test_an_id_token_issued_to_another_app_is_refused(
    client, sso_app, oidc_provider, maya, monkeypatch
):
    """A real token from the same provider, for the same person, even carrying this browser's
    nonce, but issued to another app of the organisation: its audience is not Gemba Walk."""
    ours = to_provider(client)
    nonce = parse_qs(urlsplit(ours).query)["nonce"][0]
    other_token = op.token_for_another_app(oidc_provider, maya.email, CALLBACK, nonce=nonce)
    back = op.sign_in_at_provider(ours, maya.email, CALLBACK)
    real_exchange = oidc.client().fetch_access_token

    def exchange_answering_with_the_other_apps_token(**kwargs):
        real_exchange(**kwargs)
        return other_token

    monkeypatch.setattr(
        oidc.client(), "fetch_access_token", exchange_answering_with_the_other_apps_token
    )
    refused_page(client.get(back), 400)
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert "'aud'" in refused.detail


def test_an_expired_id_token_is_refused(client, sso_app, maya, monkeypatch):
    back = round_trip(client, maya.email)
    a_day_later = int(time.time()) + 24 * 3600  # the provider's ID tokens last an hour
    monkeypatch.setattr("joserfc._rfc7519.claims._generate_now", lambda: a_day_later)
    refused_page(client.get(back), 400)
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert "ExpiredTokenError" in refused.detail


def test_a_return_naming_another_issuer_is_refused(client, sso_app, maya):
    back = round_trip(client, maya.email)
    forged = re.sub(r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", back)
    refused_page(client.get(forged), 400)
    assert signed_in_as(client) is None


def test_a_sign_in_abandoned_at_the_provider_is_a_clear_page(client, sso_app, maya):
    state = parse_qs(urlsplit(to_provider(client)).query)["state"][0]
    response = client.get(
        "/sign-in/oidc/callback",
        query_string={"error": "access_denied", "error_description": "Aborted", "state": state},
    )
    assert "Start again" in refused_page(response, 400)


# Who it signs in


def people_count() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count(Person.id))) or 0


def test_an_unverified_email_signs_nobody_in(client, sso_app, maya):
    page = refused_page(client.get(round_trip(client, f"unverified:{maya.email}")), 403)
    assert "has not verified the email address maya.manager@example.org" in page
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert (refused.subject, refused.detail) == (maya.email, "single sign-on: unverified")


def test_an_unknown_person_is_refused_and_nobody_is_created(client, sso_app, maya):
    before = people_count()
    page = refused_page(client.get(round_trip(client, "stranger@example.org")), 403)
    assert "Nobody in Gemba Walk has the email address stranger@example.org" in page
    assert "Try again" not in page  # trying again changes nothing
    assert people_count() == before
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert (refused.subject, refused.detail) == ("stranger@example.org", "single sign-on: unknown")


def test_a_deactivated_person_is_refused(client, sso_app, maya):
    maya.active = False
    db.session.commit()
    page = refused_page(client.get(round_trip(client, maya.email)), 403)
    assert "switched off" in page
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert refused.detail == "single sign-on: inactive"


def test_who_an_identity_names(app, maya):
    verified = {"email": "MAYA.manager@example.org", "email_verified": True}
    assert sso.person_for_identity(verified) == maya
    # Entra ID sends no email_verified for work accounts; its xms_edov stands in only then.
    assert sso.person_for_identity({"email": maya.email, "xms_edov": True}) == maya
    refusals = {
        "no_email": {"email_verified": True},
        "unverified": {"email": maya.email, "email_verified": "true"},
        "unknown": {"email": "someone@example.org", "email_verified": True},
    }
    refusals["unverified_edov"] = {"email": maya.email, "email_verified": False, "xms_edov": True}
    for expected, claims in refusals.items():
        with pytest.raises(sso.SignInRefused) as refused:
            sso.person_for_identity(claims)
        assert refused.value.reason == expected.removesuffix("_edov")


# The provider down


def test_a_provider_that_does_not_answer_is_a_clear_page_not_an_error(client, app, maya):
    with op.configured(app, f"http://127.0.0.1:{op.free_port()}"):
        page = refused_page(client.get("/sign-in/oidc"), 503)
    assert "Single sign-on is not answering" in page
    assert "sign in with your password" in page  # the way in that is left


def test_a_provider_that_goes_down_mid_sign_in_is_a_clear_page(client, app, maya):
    provider = op.start(CALLBACK)
    try:
        with op.configured(app, provider.issuer):
            back = round_trip(client, maya.email)
            provider.stop()
            page = refused_page(client.get(back), 503)
    finally:
        provider.stop()
    assert "Single sign-on is not answering" in page
    assert signed_in_as(client) is None


def test_without_single_sign_on_its_pages_do_not_exist(client, app, maya):
    assert not app.config["OIDC_ISSUER"]
    assert client.get("/sign-in/oidc").status_code == 404
    assert client.get("/sign-in/oidc/callback").status_code == 404


# Password sign-in beside it, or off


def test_the_sign_in_page_offers_single_sign_on_beside_the_password(
    client, app, oidc_provider, maya
):
    with op.configured(app, oidc_provider.issuer, OIDC_LABEL="Sign in with Eastmere"):
        page = client.get("/sign-in?next=/walks/").get_data(as_text=True)
    assert re.search(r'href="/sign-in/oidc\?next=/walks/"[^>]*>Sign in with Eastmere<', page)
    assert 'name="password"' in page


@pytest.fixture
def password_off(app, sso_app):
    app.config["PASSWORD_SIGN_IN"] = False
    yield
    app.config["PASSWORD_SIGN_IN"] = True


def test_password_off_hides_the_form_but_for_an_admins_link(client, password_off, maya):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/sign-in/oidc"' in page
    assert 'name="password"' not in page
    assert 'href="/sign-in?password=admin"' in page
    assert 'name="password"' in client.get("/sign-in?password=admin").get_data(as_text=True)


def test_password_off_refuses_everyone_but_admins(client, app, password_off, maya, admin):
    response = client.post("/sign-in", data={"email": maya.email, "password": factories.PASSWORD})
    assert response.status_code == 200
    assert str(sso.USE_SINGLE_SIGN_ON) in response.get_data(as_text=True)
    assert signed_in_as(client) is None
    [refused] = events("sign_in_refused")
    assert (refused.subject, refused.detail) == (maya.email, "password sign-in is off")
    sign_in(client, admin)  # the way in when the provider is down
    assert signed_in_as(client) == admin.email


def test_password_off_holds_for_the_api_too(client, password_off, maya, admin):
    response = client.post(
        "/api/v1/session", json={"email": maya.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 403
    assert response.get_json()["error"] == sso.USE_SINGLE_SIGN_ON
    assert signed_in_as(client) is None
    response = client.post(
        "/api/v1/session", json={"email": admin.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 200


def test_password_off_still_says_a_wrong_password_is_wrong(client, password_off, maya):
    response = client.post("/sign-in", data={"email": maya.email, "password": "not it at all"})
    assert "do not match an active account" in response.get_data(as_text=True)
    assert events("sign_in_failed")


def test_the_offline_app_signs_in_through_single_sign_on_when_it_is_on(
    client, app, oidc_provider, maya
):
    def sign_in_address() -> str:
        page = client.get("/sign-in").get_data(as_text=True)
        found = re.search(r'id="gw-vocabulary">(.*?)</script>', page)
        assert found
        return json.loads(found.group(1))["sign_in"]

    assert sign_in_address() == "/sign-in"
    with op.configured(app, oidc_provider.issuer):
        assert sign_in_address() == "/sign-in/oidc"


# Settings


def test_settings_are_read_and_checked():
    settings = sso_settings(
        {"OIDC_ISSUER": "https://login.example.org/realms/staff/", "OIDC_CLIENT_ID": "gw",
         "OIDC_CLIENT_SECRET": "s3cret", "PASSWORD_SIGN_IN": "off"},
        production=True,
    )  # fmt: skip
    assert settings["OIDC_ISSUER"] == "https://login.example.org/realms/staff"
    assert settings["OIDC_LABEL"] == "Sign in with single sign-on"
    assert settings["PASSWORD_SIGN_IN"] is False
    assert sso_settings({}, production=True)["PASSWORD_SIGN_IN"] is True
    wrong = [
        ({"OIDC_ISSUER": "https://login.example.org"}, "OIDC_CLIENT_ID"),
        ({"PASSWORD_SIGN_IN": "off"}, "needs single sign-on"),
        ({"PASSWORD_SIGN_IN": "maybe"}, "on or off"),
        ({"OIDC_ISSUER": "login.example.org", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"},
         "https"),
        ({"OIDC_ISSUER": "http://login.example.org", "OIDC_CLIENT_ID": "a",
          "OIDC_CLIENT_SECRET": "b"}, "production"),
    ]  # fmt: skip
    for env, message in wrong:
        with pytest.raises(ConfigError, match=message):
            sso_settings(env, production=True)


def test_password_off_takes_change_password_away_from_all_but_admins(
    client, password_off, maya, admin
):
    client.get(round_trip(client, maya.email))
    assert "/account/password" not in client.get("/account").get_data(as_text=True)
    for response in (
        client.get("/account/password"),
        client.post("/account/password", data={"current_password": factories.PASSWORD}),
    ):
        # Refused outright, not sent to confirm a password the person cannot use.
        page = refused_page(response, 403)
        assert "keeps no password of yours to change" in page
    client.post("/sign-out")
    sign_in(client, admin)
    assert "/account/password" in client.get("/account").get_data(as_text=True)
    assert client.get("/account/password").status_code == 200


def test_with_password_sign_in_on_everyone_may_change_theirs(client, sso_app, maya):
    sign_in(client, maya)
    assert "/account/password" in client.get("/account").get_data(as_text=True)
    assert client.get("/account/password").status_code == 200


# Single sign-on and confirming who one is (changing a password, people or roles)


def later(monkeypatch, app, minutes_past_the_window: int = 1) -> None:
    """The session's clock moved on past the confirmation window (not past the idle limit)."""
    from types import SimpleNamespace

    from gembawalk.auth import session as session_module

    ahead = (app.config["GEMBAWALK_REAUTH_MINUTES"] + minutes_past_the_window) * 60
    real = time.time
    monkeypatch.setattr(session_module, "time", SimpleNamespace(time=lambda: real() + ahead))


def test_a_sign_in_that_does_not_say_when_the_provider_checked_confirms_nothing(
    client, sso_app, maya
):
    # The provider may have let Maya through on a session of days ago: nobody typed anything.
    client.get(round_trip(client, maya.email))
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/confirm?next=")


def test_a_provider_check_just_now_confirms_until_the_window_closes(
    client, app, oidc_provider, maya, monkeypatch
):
    with op.configured(app, oidc_provider.issuer, OIDC_CLIENT_ID=op.AUTH_TIME_CLIENT_ID):
        client.get(round_trip(client, maya.email))  # the provider's login page, just now
        assert client.get("/account/password").status_code == 200
        later(monkeypatch, app)  # an old provider check counts no more
        assert client.get("/account/password").headers["Location"].startswith("/account/confirm")


def test_confirming_through_the_provider_makes_it_ask_again(client, sso_app, maya):
    client.get(round_trip(client, maya.email))
    page = client.get("/account/confirm?next=/account/password").get_data(as_text=True)
    assert 'href="/sign-in/oidc/confirm?next=/account/password"' in page
    where = client.get("/sign-in/oidc/confirm?next=/account/password").headers["Location"]
    query = parse_qs(urlsplit(where).query)
    assert (query["prompt"], query["max_age"]) == (["login"], ["0"])
    back = op.sign_in_at_provider(where, maya.email, CALLBACK)
    response = client.get(back)
    assert response.headers["Location"] == "/account/password"
    assert client.get("/account/password").status_code == 200
    assert signed_in_as(client) == maya.email
    [confirmed] = events("password_confirmed")
    assert (confirmed.actor_id, confirmed.detail) == (maya.id, "single sign-on")


def test_a_confirmation_by_someone_else_at_the_provider_is_refused(client, sso_app, maya, admin):
    client.get(round_trip(client, maya.email))
    where = client.get("/sign-in/oidc/confirm?next=/account/password").headers["Location"]
    page = refused_page(client.get(op.sign_in_at_provider(where, admin.email, CALLBACK)), 403)
    assert sso.NOT_YOU in page
    assert signed_in_as(client) == maya.email  # still Maya, still unconfirmed
    assert client.get("/account/password").status_code == 302
    # Not a password guess: nobody's allowance of guesses is used up.
    assert events("password_confirm_failed") == []
    [refused] = events("sign_in_refused")
    assert (refused.actor_id, refused.subject) == (maya.id, admin.email)


def test_a_confirmation_counts_only_a_check_made_after_it_was_asked_for():
    asked = int(time.time())
    assert sso.checked_since({"auth_time": asked + 2}, asked)
    assert sso.checked_since({"auth_time": asked - sso.CLOCK_SKEW_SECONDS}, asked)
    assert not sso.checked_since({"auth_time": asked - sso.CLOCK_SKEW_SECONDS - 1}, asked)
    assert not sso.checked_since({}, asked)
    assert not sso.checked_since({"auth_time": str(asked)}, asked)
    assert not sso.checked_since({"auth_time": True}, asked)


def test_with_password_sign_in_off_an_admin_confirms_through_the_provider(
    client, password_off, admin
):
    client.get(round_trip(client, admin.email))
    page = client.get("/account/confirm").get_data(as_text=True)
    assert "Confirm with single sign-on" in page
    assert 'name="password"' in page  # an admin keeps the password, for when it is down
