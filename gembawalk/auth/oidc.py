"""The OpenID Connect client (Authlib): the redirect to the provider, and its checked return.

What the return is checked against (`state`, `nonce`, the PKCE verifier, where to go next)
waits in a cookie of its own, signed, for one sign-in and ten minutes, not in the session:
a page that saves the session meanwhile (the service worker fetching the app shell as it
installs, on a first visit) would otherwise write over it. Before any claim is read, the ID
token's signature is checked against the keys the provider publishes, and its issuer,
audience, expiry and nonce against what was asked."""

from __future__ import annotations

import hmac
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

NAME = "oidc"
# The ID token's `email` and `email_verified` come with the email scope.
SCOPE = "openid email"
# A provider that does not answer in this time is down, as far as a person waiting can tell.
TIMEOUT_SECONDS = 10
# How long a person may take at the provider's sign-in page.
FLOW_SECONDS = 600


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered what no provider should."""


class SignInFailed(Exception):
    """The return from the provider proves no sign-in: a wrong or spent `state` or code, a
    token that does not verify, or the provider's own refusal."""


def client() -> FlaskOAuth2App:
    """The client for this app's settings: made on first use (the factory reads nothing from
    the network) and kept, with the discovery document and keys it fetches then."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    kept = current_app.extensions.get("gembawalk.oidc")
    if kept is None or kept[0] != settings:
        issuer, client_id, client_secret = settings
        made = FlaskOAuth2App(
            FlaskIntegration(NAME),
            name=NAME,
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=issuer + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": SCOPE,
                "code_challenge_method": "S256",
                "default_timeout": TIMEOUT_SECONDS,
            },
        )
        kept = current_app.extensions["gembawalk.oidc"] = (settings, made)
    return kept[1]


def _metadata(oauth: FlaskOAuth2App) -> dict[str, Any]:
    """The discovery document, read once; it must name the issuer configured (OpenID Connect
    Discovery 4.3), or tokens would be checked against an issuer nobody chose."""
    metadata = oauth.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != current_app.config["OIDC_ISSUER"]:
        oauth.server_metadata.pop("_loaded_at", None)  # read it again next time
        raise ProviderUnavailable(
            f"the discovery document names the issuer {metadata.get('issuer')!r}, "
            f"not {current_app.config['OIDC_ISSUER']!r}"
        )
    return metadata


# The sign-in under way, between the two halves


def flow_cookie() -> str:
    # __Host-: only over HTTPS, for this host and path alone (as the session cookie is).
    return "__Host-sign-in" if current_app.config["SESSION_COOKIE_SECURE"] else "sign-in"


def flow_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="gembawalk.oidc")


def keep_flow(response: Response, flow: dict[str, str]) -> None:
    response.set_cookie(
        flow_cookie(),
        flow_serializer().dumps(flow),
        max_age=FLOW_SECONDS,
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",  # sent on the provider's redirect back, a top-level GET
    )


def kept_flow() -> dict[str, str] | None:
    """The sign-in this browser started, unless it is older than FLOW_SECONDS or forged."""
    value = request.cookies.get(flow_cookie())
    if not value:
        return None
    try:
        flow = flow_serializer().loads(value, max_age=FLOW_SECONDS)
    except BadData:
        return None
    return flow if isinstance(flow, dict) else None


def forget_flow(response: Response) -> None:
    """One return per sign-in: the same return sent again finds nothing to match."""
    response.delete_cookie(
        flow_cookie(), path="/", secure=current_app.config["SESSION_COOKIE_SECURE"]
    )


# The two halves


def authorization(redirect_uri: str, **extra: str) -> tuple[str, dict[str, str]]:
    """Where to send the browser (the provider's sign-in, with a fresh state, nonce and PKCE
    challenge, and any `extra` parameters), and what its return must match, for keep_flow."""
    oauth = client()
    try:
        _metadata(oauth)
        asked = oauth.create_authorization_url(redirect_uri, **extra)
    except (requests.RequestException, RuntimeError) as error:
        raise ProviderUnavailable(str(error) or type(error).__name__) from error
    flow = {
        "state": asked["state"],
        "nonce": asked["nonce"],
        "code_verifier": asked["code_verifier"],
        "redirect_uri": redirect_uri,
    }
    return asked["url"], flow


def verified_claims(flow: dict[str, str] | None) -> dict[str, Any]:
    """The claims of the ID token this request's return leads to, once every check has
    passed: `state` is the one this browser was given, the code is exchanged (with the PKCE
    verifier) at the token endpoint, and the token's signature, issuer, audience, expiry and
    nonce hold."""
    args = request.args
    if flow is None:
        raise SignInFailed("no sign-in was started in this browser, or it took too long")
    if not hmac.compare_digest(flow["state"], args.get("state", "")):
        raise SignInFailed("the state is not the one this browser was given")
    if "error" in args:
        raise SignInFailed(f"the provider said {args['error']}: {args.get('error_description')}")
    # RFC 9207: a provider that names itself in the return must be the one asked.
    named = args.get("iss")
    if named is not None and named.rstrip("/") != current_app.config["OIDC_ISSUER"]:
        raise SignInFailed(f"the return names another issuer: {named!r}")
    oauth = client()
    try:
        metadata = _metadata(oauth)
        token = oauth.fetch_access_token(
            redirect_uri=flow["redirect_uri"],
            code=args.get("code", ""),
            code_verifier=flow["code_verifier"],
        )
        claims = oauth.parse_id_token(
            token,
            nonce=flow["nonce"],
            # Authlib checks the audience only through `azp`; OpenID Connect Core 3.1.3.7
            # wants this client among the token's audiences, whatever else it says.
            claims_options={
                "iss": {"essential": True, "values": [metadata["issuer"]]},
                "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
            },
        )
    except (AuthlibBaseError, JoseError) as error:
        raise SignInFailed(_described(error)) from error
    except (requests.RequestException, RuntimeError) as error:
        raise ProviderUnavailable(str(error) or type(error).__name__) from error
    if not claims:
        raise SignInFailed("the provider sent no ID token")
    return dict(claims)


def _described(error: Exception) -> str:
    if isinstance(error, AuthlibBaseError):
        return ": ".join(str(part) for part in (error.error, error.description) if part)
    return f"the ID token does not verify ({type(error).__name__}: {error})"
