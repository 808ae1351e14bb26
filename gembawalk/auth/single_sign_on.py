"""Single sign-on pages: /sign-in/oidc sends the browser to the OpenID provider, and
/sign-in/oidc/callback signs in the person its verified ID token names (see oidc.py), or
says plainly why not."""

from __future__ import annotations

import time

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
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..calendar.views import base_url
from ..models import Person
from ..security import request_facts
from ..services import audit
from ..services.people import single_sign_on as sso
from . import oidc
from .session import provider_checked, start_session
from .views import safe_next

bp = Blueprint("sso", __name__)

# A way back longer than this would not fit the cookie that carries it: home instead.
NEXT_MAX = 1000
# Why a confirmation through the provider was refused, in the reader's language.
NOT_YOU = _l(
    "That sign-in was not yours: confirm who you are as the person signed in to Gemba Walk, "
    "or sign out first."
)
NOT_ASKED_AGAIN = _l(
    "Your sign-in service let you through without asking who you are again, so Gemba Walk "
    "cannot count it as a confirmation. Try again, or confirm with your password."
)


def _refusal(status: int, title: str, message: str, *, retry: bool = True, again: str = ""):
    return render_template(
        "auth/sso_refused.html",
        title=title,
        message=message,
        retry=retry,
        again=again or url_for("sso.start"),
        confirming=bool(again),
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
    # Confirming is for someone signed in: anyone else goes to sign in, as on every such page,
    # whether or not single sign-on is set up.
    if request.endpoint == "sso.confirm" and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not sso.single_sign_on_enabled():
        abort(404)
    return None


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


@bp.get("/sign-in/oidc/confirm")
@login_required
def confirm():
    """Confirm who one is through the provider, as /account/confirm does with a password:
    the provider must ask again (prompt=login, max_age=0)."""
    back = safe_next(request.args.get("next"))
    try:
        address, flow = oidc.authorization(
            base_url() + url_for("sso.callback"), **sso.CONFIRM_AGAIN
        )
    except oidc.ProviderUnavailable as error:
        return _provider_down(error)
    response = redirect(address)
    asked = {"confirm": str(current_user.id), "asked_at": str(int(time.time()))}
    oidc.keep_flow(response, {**flow, **asked, "next": back if len(back) <= NEXT_MAX else "/"})
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
    if "confirm" in flow:
        return _confirmed(flow, claims, person)
    start_session(person)
    provider_checked(claims.get("auth_time"))
    audit.record(audit.SIGN_IN, actor=person, subject=person.email, detail="single sign-on",
                 **request_facts())  # fmt: skip
    return redirect(safe_next(flow["next"]))


def _confirmed(flow: dict[str, str], claims: dict, person: Person):
    """The return of a confirmation: the person signed in here, checked again just now.
    A refusal is logged as a refused sign-in, not a failed password confirmation: no password
    was guessed, and none of anyone's allowance of guesses is used up."""
    if not current_user.is_authenticated or not (
        str(current_user.id) == flow["confirm"] == str(person.id)
    ):
        audit.record(
            audit.SIGN_IN_REFUSED, actor=current_user, subject=person.email,
            detail="single sign-on confirmation: another person", **request_facts(),
        )  # fmt: skip
        return _refusal(403, gettext("That was not you"), str(NOT_YOU), retry=False)
    if not sso.checked_since(claims, int(flow["asked_at"])):
        audit.record(
            audit.SIGN_IN_REFUSED, actor=current_user, subject=person.email,
            detail="single sign-on confirmation: not asked again", **request_facts(),
        )  # fmt: skip
        again = url_for("sso.confirm", next=flow["next"])
        title = gettext("That did not confirm who you are")
        return _refusal(400, title, str(NOT_ASKED_AGAIN), again=again)
    provider_checked(claims["auth_time"])
    audit.record(audit.PASSWORD_CONFIRMED, actor=current_user, detail="single sign-on",
                 **request_facts())  # fmt: skip
    return redirect(safe_next(flow["next"]))
