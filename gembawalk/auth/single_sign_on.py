"""Single sign-on pages: /sign-in/oidc sends the browser to the OpenID provider, and
/sign-in/oidc/callback signs in the person its verified ID token names (see oidc.py), or
says plainly why not."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from ..calendar.views import base_url
from ..security import request_facts
from ..services import audit
from ..services.people import single_sign_on as sso
from . import oidc
from .session import start_session
from .views import safe_next

bp = Blueprint("sso", __name__)

# A way back longer than this would not fit the cookie that carries it: home instead.
NEXT_MAX = 1000


def _refusal(status: int, title: str, message: str, *, retry: bool = True):
    return render_template(
        "auth/sso_refused.html",
        title=title,
        message=message,
        retry=retry,
        password=sso.password_sign_in_open(),
    ), status


def _provider_down(error: oidc.ProviderUnavailable):
    current_app.logger.warning("single sign-on: the provider is unavailable: %s", error)
    return _refusal(
        503,
        gettext("Single sign-on is not answering"),
        gettext(
            "The sign-in service Gemba Walk uses did not answer, so nobody can sign in with it "
            "just now. Nothing you did caused this: try again in a few minutes."
        ),
    )


@bp.before_request
def configured():
    if not sso.single_sign_on_enabled():
        abort(404)


@bp.get("/sign-in/oidc")
def start():
    back = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(back)
    try:
        address, flow = oidc.authorization(base_url() + url_for("sso.callback"))
    except oidc.ProviderUnavailable as error:
        return _provider_down(error)
    response = redirect(address)
    oidc.keep_flow(response, {**flow, "next": back if len(back) <= NEXT_MAX else "/"})
    return response


@bp.get("/sign-in/oidc/callback")
def callback():
    flow = oidc.kept_flow()
    response = make_response(_finish(flow))
    oidc.forget_flow(response)
    return response


def _finish(flow: dict[str, str] | None):
    try:
        claims = oidc.verified_claims(flow)
    except oidc.ProviderUnavailable as error:
        return _provider_down(error)
    except oidc.SignInFailed as error:
        audit.record(audit.SIGN_IN_REFUSED, detail=f"single sign-on: {error}", **request_facts())
        return _refusal(
            400,
            gettext("That sign-in did not go through"),
            gettext(
                "Gemba Walk could not confirm that sign-in: it may have been used already, or "
                "taken too long. Start again."
            ),
        )
    try:
        person = sso.person_for_identity(claims)
    except sso.SignInRefused as refused:
        audit.record(
            audit.SIGN_IN_REFUSED,
            subject=refused.email,
            detail=f"single sign-on: {refused.reason}",
            **request_facts(),
        )
        title = gettext("You cannot sign in to Gemba Walk")
        return _refusal(403, title, str(refused), retry=False)
    assert flow is not None  # verified_claims refuses a return without one
    start_session(person)
    audit.record(audit.SIGN_IN, actor=person, subject=person.email, detail="single sign-on",
                 **request_facts())  # fmt: skip
    return redirect(safe_next(flow["next"]))
