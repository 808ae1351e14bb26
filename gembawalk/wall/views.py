"""The wall's pages. Anonymous: the page, the poster, the QR code, the "Fixed for us?" answer,
opened by the unit's token. Signed in: the walls a person may hold, and regenerating one."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import limits
from ..calendar.views import base_url
from ..models import FixedForUs, WallState
from ..services import wall
from .qr import qr_svg

bp = Blueprint("wall", __name__)

DEVICE_COOKIE = "gw_wall_device"
DEVICE_COOKIE_DAYS = 730


@bp.after_request
def keep_the_token_private(response: Response) -> Response:
    # The address is the secret: no search engine keeps it, no link out sends it as Referer,
    # no shared cache holds the page.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def wall_links(token: str) -> dict[str, str]:
    """The wall's and its poster's full addresses (what the API answers and the QR holds)."""
    return {
        "url": base_url() + url_for("wall.show", token=token),
        "poster_url": base_url() + url_for("wall.poster", token=token),
    }


def _device() -> str | None:
    value = request.cookies.get(DEVICE_COOKIE)
    return value if wall.is_device(value) else None


def _with_device(response: WerkzeugResponse, device: str) -> WerkzeugResponse:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path="/wall/",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/wall/<token>")
def show(token: str):
    unit = wall.unit_for_token(token)
    items = wall.wall_items(unit)
    device = _device() or wall.new_device()
    page = render_template(
        "wall/show.html",
        unit=unit,
        token=token,
        items=items,
        answered=wall.device_answers(device, items),
        WallState=WallState,
        FixedForUs=FixedForUs,
        days=limits.WALL_DAYS,
    )
    return _with_device(make_response(page), device)


@bp.get("/wall/<token>/poster")
def poster(token: str):
    unit = wall.unit_for_token(token)
    return render_template("wall/poster.html", unit=unit, token=token, links=wall_links(token))


@bp.get("/wall/<token>/qr.svg")
def qr(token: str):
    wall.unit_for_token(token)
    return Response(qr_svg(wall_links(token)["url"]), mimetype="image/svg+xml")


@bp.post("/wall/<token>/answers")
def answer(token: str):
    device = _device() or wall.new_device()
    given = wall.answer(
        token,
        request.form.get("item", ""),
        device,
        request.form.get("answer", ""),
        request.remote_addr,
    )
    flash(
        _(
            "Thank you: your answer (%(answer)s) is with the team's leaders.",
            answer=str(given.answer.label).lower(),
        ),
        "success",
    )
    response = redirect(url_for("wall.show", token=token) + "#answered")
    return _with_device(response, device)


@bp.get("/walls/")
@login_required
def index():
    return render_template("wall/index.html", units=wall.managed_units(current_user))


@bp.get("/walls/<int:unit_id>")
@login_required
def unit(unit_id: int):
    found = wall.managed_unit(current_user, unit_id)
    token = wall.wall_token(found)
    return render_template(
        "wall/unit.html",
        unit=found,
        token=token,
        links=wall_links(token),
        rows=wall.leader_items(current_user, unit_id),
        WallState=WallState,
        FixedForUs=FixedForUs,
        days=limits.WALL_DAYS,
    )


@bp.post("/walls/<int:unit_id>/regenerate")
@login_required
def regenerate(unit_id: int):
    wall.regenerate(current_user, unit_id)
    flash(
        _("New wall link made. The old link and its posters no longer work: print the new poster."),
        "success",
    )
    return redirect(url_for("wall.unit", unit_id=unit_id))
