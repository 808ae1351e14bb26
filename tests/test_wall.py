"""A unit's wall ("you said, we did"): who may hold its link, what it shows and never shows,
regenerating it, the once-per-device "Fixed for us?" and its rate limit, and the QR code
decoded back to the wall's address."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from gembawalk import limits
from gembawalk.extensions import db
from gembawalk.models import (
    Category,
    FixedForUs,
    FollowUpStatus,
    OrgUnit,
    Person,
    SaidBy,
    WalkStatus,
    WallAnswer,
    WallState,
)
from gembawalk.services import wall
from gembawalk.services.errors import Conflict, Invalid, NotFound, TooMany

from .conftest import sign_in
from .factories import (
    PASSWORD,
    FollowUpFactory,
    ObservationFactory,
    OrgUnitFactory,
    PersonFactory,
    WalkFactory,
)
from .openapi_check import assert_documented

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DEVICE = "d" * 32
OTHER_DEVICE = "e" * 32


@pytest.fixture
def org(app):
    """Region → (North depot → North yard), South depot; a leader of North, a manager in each."""
    region = OrgUnitFactory(name="Region")
    north = OrgUnitFactory(name="North depot", parent=region)
    yard = OrgUnitFactory(name="North yard", parent=north)
    south = OrgUnitFactory(name="South depot", parent=region)
    people = {
        "in_north": PersonFactory(org_unit=north, display_name="Nadia Northgate"),
        "in_yard": PersonFactory(org_unit=yard, display_name="Yusuf Yardley"),
        "in_south": PersonFactory(org_unit=south, display_name="Sam Southby"),
        "leader": PersonFactory(roles=["director", "manager"], org_unit=region),
        "director": PersonFactory(roles=["director", "manager"], org_unit=region),
        "coach": PersonFactory(roles=["coach"]),
        "admin": PersonFactory(roles=["admin"]),
    }
    people["leader"].leads = [north]
    people["director"].leads = [region]
    db.session.commit()
    return {"region": region, "north": north, "yard": yard, "south": south, **people}


def _raised(manager, text, *, category=Category.FRONTLINE_IDEA, said_by=SaidBy.FRONTLINE, ago=10):
    walk = WalkFactory(
        manager=manager,
        status=WalkStatus.DONE,
        planned_start=NOW - timedelta(days=ago, hours=1),
        completed_at=NOW - timedelta(days=ago),
    )
    return ObservationFactory(
        walk=walk, category=category, said_by=said_by, text=text, made_at=NOW - timedelta(days=ago)
    )


def _follow_up(observation, *, closed_note=None, closer=None):
    item = FollowUpFactory(walk=observation.walk, observation=observation, action="Act on it")
    if closed_note is not None:
        item.status, item.closing_note = FollowUpStatus.CLOSED, closed_note
        item.closed_at, item.closed_by = NOW - timedelta(days=1), closer or observation.walk.manager
    db.session.commit()
    return item


def _token(unit) -> str:
    return wall.wall_token(unit)


# --- who may hold the link -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "unit", "allowed"),
    [
        ("leader", "north", True),
        ("leader", "yard", True),  # below the unit they lead
        ("leader", "region", False),  # above it
        ("leader", "south", False),
        ("director", "south", True),
        ("admin", "south", True),
        ("in_north", "north", False),  # working in a unit is not leading it
        ("coach", "north", False),
    ],
)
def test_only_a_units_leaders_and_admins_get_its_wall_link(client, org, who, unit, allowed):
    sign_in(client, org[who])
    response = client.get(f"/api/v1/units/{org[unit].id}/wall")
    assert response.status_code == (200 if allowed else 404), response.get_data(as_text=True)
    assert_documented(client, response, "get", "/units/{unit_id}/wall")
    page = client.get(f"/walls/{org[unit].id}")
    assert page.status_code == (200 if allowed else 404)
    if allowed:
        links = response.get_json()
        token = _token(org[unit])
        assert links == {
            "url": f"http://localhost/wall/{token}",
            "poster_url": f"http://localhost/wall/{token}/poster",
        }
        assert links["url"] in page.get_data(as_text=True)
    listed = client.get("/walls/").get_data(as_text=True)
    assert (f'href="/walls/{org[unit].id}"' in listed) is allowed


def test_signed_out_the_api_answers_401_and_an_unknown_unit_404(client, org):
    response = client.get(f"/api/v1/units/{org['north'].id}/wall")
    assert response.status_code == 401
    assert_documented(client, response, "get", "/units/{unit_id}/wall")
    sign_in(client, org["admin"])
    response = client.get("/api/v1/units/999999/wall")
    assert response.status_code == 404
    assert_documented(client, response, "get", "/units/{unit_id}/wall")


# --- regenerating ----------------------------------------------------------------------------


def test_regenerating_kills_the_old_link_at_once(client, org):
    sign_in(client, org["leader"])
    old = client.get(f"/api/v1/units/{org['north'].id}/wall").get_json()
    for address in (old["url"], old["poster_url"], old["url"] + "/qr.svg"):
        assert client.get(address).status_code == 200
    response = client.post(f"/api/v1/units/{org['north'].id}/wall/regenerate")
    assert response.status_code == 200
    assert_documented(client, response, "post", "/units/{unit_id}/wall/regenerate")
    new = response.get_json()
    assert new["url"] != old["url"]
    assert new["poster_url"] != old["poster_url"]
    for address in (old["url"], old["poster_url"], old["url"] + "/qr.svg"):
        assert client.get(address).status_code == 404
    assert client.get(new["url"]).status_code == 200
    assert client.get(f"/api/v1/units/{org['north'].id}/wall").get_json() == new
    # The leaders' page makes a new one too.
    client.post(f"/walls/{org['north'].id}/regenerate")
    assert client.get(new["url"]).status_code == 404


def test_only_whoever_may_hold_the_link_can_regenerate_it(client, org):
    token = _token(org["north"])
    sign_in(client, org["in_north"])
    response = client.post(f"/api/v1/units/{org['north'].id}/wall/regenerate")
    assert response.status_code == 404
    assert_documented(client, response, "post", "/units/{unit_id}/wall/regenerate")
    assert client.post(f"/walls/{org['north'].id}/regenerate").status_code == 404
    assert client.get(f"/wall/{token}").status_code == 200


def test_regenerating_through_the_api_needs_the_csrf_token(client, org, csrf_on):
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    signed_in = client.post(
        "/api/v1/session",
        json={"email": org["leader"].email, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert signed_in.status_code == 200
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    refused = client.post(f"/api/v1/units/{org['north'].id}/wall/regenerate")
    assert refused.status_code == 400
    assert_documented(client, refused, "post", "/units/{unit_id}/wall/regenerate")
    done = client.post(
        f"/api/v1/units/{org['north'].id}/wall/regenerate", headers={"X-CSRFToken": token}
    )
    assert done.status_code == 200


@pytest.mark.parametrize("token", ["short", "x" * 43, "A" * 42 + "!"])
def test_unknown_or_malformed_tokens_all_answer_404(client, org, token):
    _token(org["north"])
    for suffix in ("", "/poster", "/qr.svg"):
        assert client.get(f"/wall/{token}{suffix}").status_code == 404


# --- what the wall shows -------------------------------------------------------------------


def test_the_wall_shows_the_frontline_below_the_unit_with_state_and_closing_note(app, org):
    open_one = _raised(org["in_north"], "The scanner battery dies by noon")
    in_hand = _raised(org["in_yard"], "Nowhere to dry wet gloves")
    _follow_up(in_hand)
    done = _raised(org["in_north"], "Pallet wrap runs out on Fridays", ago=89)
    _follow_up(done, closed_note="A standing order now arrives every Thursday")
    _raised(org["in_south"], "Another unit's idea")
    _raised(org["in_north"], "Too old to show", ago=91)
    _raised(org["in_north"], "Own note", category=Category.WASTE, said_by=SaidBy.WALKER)
    _raised(org["in_north"], "Praise", category=Category.GOOD_PRACTICE)
    _raised(org["in_north"], "Waiting on parts", category=Category.WASTE)  # frontline said it

    items = wall.wall_items(org["north"], now=NOW)
    by_text = {item.text: item for item in items}
    assert set(by_text) == {
        "The scanner battery dies by noon",
        "Nowhere to dry wet gloves",
        "Pallet wrap runs out on Fridays",
        "Waiting on parts",
    }
    assert by_text[open_one.text].state == WallState.OPEN
    assert by_text[in_hand.text].state == WallState.IN_HAND
    assert by_text[done.text].state == WallState.DONE
    assert by_text[done.text].closing_notes == ("A standing order now arrives every Thursday",)
    assert by_text[in_hand.text].closing_notes == ()
    # The yard's wall has only the yard's.
    assert [i.text for i in wall.wall_items(org["yard"], now=NOW)] == ["Nowhere to dry wet gloves"]


def test_one_open_follow_up_keeps_an_item_in_hand(app, org):
    raised = _raised(org["in_north"], "Two fixes needed")
    _follow_up(raised, closed_note="First half done")
    _follow_up(raised)
    (item,) = wall.wall_items(org["north"], now=NOW)
    assert item.state == WallState.IN_HAND
    assert item.closing_notes == ()


def test_the_page_names_nobody(client, org):
    raised = _raised(org["in_north"], "The scanner battery dies by noon")
    _follow_up(raised, closed_note="Spare batteries by the door", closer=org["leader"])
    token = _token(org["region"])
    page = client.get(f"/wall/{token}").get_data(as_text=True)
    assert "The scanner battery dies by noon" in page
    assert "Spare batteries by the door" in page
    assert "Done" in page
    _assert_names_nobody(page, token)


def _assert_names_nobody(html: str, token: str) -> None:
    for person in db.session.scalars(select(Person)):
        assert person.display_name not in html, person.display_name
        assert person.email not in html, person.email
        assert person.email.split("@")[0] not in html
    # No link but the wall's own and the app's files: so no person's page, id or address.
    for link in re.findall(r'(?:href|src|action)="([^"]*)"', html):
        assert link.startswith(("/static/", f"/wall/{token}")), link


def test_wall_pages_keep_their_address_private(client, org):
    token = _token(org["north"])
    for address in (f"/wall/{token}", f"/wall/{token}/poster", f"/wall/{token}/qr.svg", "/wall/x"):
        response = client.get(address)
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    page = client.get(f"/wall/{token}").get_data(as_text=True)
    assert '<meta name="referrer" content="no-referrer">' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page


def test_the_poster_prints_on_one_a4_sheet(client, app, org):
    token = _token(org["north"])
    page = client.get(f"/wall/{token}/poster").get_data(as_text=True)
    assert f'src="/wall/{token}/qr.svg"' in page
    assert f"http://localhost/wall/{token}" in page
    css = (Path(app.static_folder or "") / "css" / "wall.css").read_text()
    assert "@page { size: A4 portrait" in css
    assert "@media print" in css


# --- the QR code -----------------------------------------------------------------------------

PATH = re.compile(r'd="([^"]+)"')
STEP = re.compile(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?")


def _rasterise(svg: str, pixels: int = 10) -> Image.Image:
    """segno's SVG (one path of horizontal runs in module units) drawn back into pixels."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1)) // 8  # scale(8)
    image = Image.new("L", (size * pixels, size * pixels), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, first, second in STEP.findall(PATH.search(svg).group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            length = float(first)
            row = int(y)  # runs are drawn through the middle of their row (y + .5)
            draw.rectangle(
                [x * pixels, row * pixels, (x + length) * pixels - 1, (row + 1) * pixels - 1], 0
            )
            x += length
    return image


def test_the_qr_code_decodes_to_the_walls_address(client, org):
    sign_in(client, org["leader"])
    links = client.get(f"/api/v1/units/{org['north'].id}/wall").get_json()
    response = client.get(links["url"] + "/qr.svg")
    assert response.mimetype == "image/svg+xml"
    image = _rasterise(response.get_data(as_text=True))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")  # as a PNG on disk would hold it
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(buffer.getvalue())))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.text == links["url"]


# --- "Fixed for us?" -------------------------------------------------------------------------


@pytest.fixture
def done_item(org):
    raised = _raised(org["in_north"], "The scanner battery dies by noon", ago=5)
    _follow_up(raised, closed_note="Spare batteries by the door")
    return raised


def _counts(observation) -> dict:
    (item,) = [
        i for i in wall.wall_items(observation.walk.manager.org_unit) if i.key == observation.uuid
    ]
    return item.counts


def test_a_device_answers_once(app, org, done_item):
    token = _token(org["north"])
    wall.answer(token, str(done_item.uuid), DEVICE, "yes", "203.0.113.5")
    with pytest.raises(Conflict):
        wall.answer(token, str(done_item.uuid), DEVICE, "not_yet", "203.0.113.5")
    wall.answer(token, str(done_item.uuid), OTHER_DEVICE, "not_yet", "203.0.113.5")
    assert _counts(done_item) == {FixedForUs.YES: 1, FixedForUs.NOT_YET: 1}


def test_only_done_items_on_this_wall_can_be_answered(app, org, done_item):
    in_hand = _raised(org["in_north"], "Still being fixed")
    _follow_up(in_hand)
    elsewhere = _raised(org["in_south"], "Another unit's", ago=3)
    _follow_up(elsewhere, closed_note="Done there")
    token = _token(org["north"])
    with pytest.raises(Conflict):
        wall.answer(token, str(in_hand.uuid), DEVICE, "yes", None)
    with pytest.raises(NotFound):
        wall.answer(token, str(elsewhere.uuid), DEVICE, "yes", None)
    with pytest.raises(NotFound):
        wall.answer(token, "not-a-uuid", DEVICE, "yes", None)
    with pytest.raises(Invalid):
        wall.answer(token, str(done_item.uuid), DEVICE, "maybe", None)
    with pytest.raises(Invalid):
        wall.answer(token, str(done_item.uuid), "short", "yes", None)
    with pytest.raises(NotFound):
        wall.answer("A" * 43, str(done_item.uuid), DEVICE, "yes", None)
    assert db.session.scalar(select(func.count()).select_from(WallAnswer)) == 0


def test_answers_are_rate_limited_by_address(app, org, done_item):
    others = [_raised(org["in_north"], f"Idea {n}", ago=4) for n in range(3)]
    for item in others:
        _follow_up(item, closed_note="Done")
    token = _token(org["north"])
    items = [done_item, *others]
    for item in items[:2]:
        wall.answer(
            token, str(item.uuid), DEVICE, "yes", "203.0.113.7", now=NOW, allowance="2 per minute"
        )
    with pytest.raises(TooMany):
        wall.answer(
            token,
            str(items[2].uuid),
            DEVICE,
            "yes",
            "203.0.113.7",
            now=NOW,
            allowance="2 per minute",
        )
    # Another address is still heard; and the same one a minute later.
    wall.answer(
        token, str(items[2].uuid), DEVICE, "yes", "203.0.113.8", now=NOW, allowance="2 per minute"
    )
    wall.answer(
        token, str(items[3].uuid), DEVICE, "yes", "203.0.113.7",
        now=NOW + timedelta(seconds=61), allowance="2 per minute",
    )  # fmt: skip


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_an_anonymous_visitor_answers_with_csrf_once_per_device(client, org, done_item, csrf_on):
    token = _token(org["north"])
    page = client.get(f"/wall/{token}")
    assert "gw_wall_device=" in page.headers["Set-Cookie"] or page.headers.getlist("Set-Cookie")
    html = page.get_data(as_text=True)
    assert "Fixed for us?" in html
    # Without the form's token: refused, nothing stored.
    refused = client.post(
        f"/wall/{token}/answers", data={"item": str(done_item.uuid), "answer": "yes"}
    )
    assert refused.status_code == 400
    sent = client.post(
        f"/wall/{token}/answers",
        data={"item": str(done_item.uuid), "answer": "yes", "csrf_token": _form_token(html)},
    )
    assert sent.status_code == 302
    after = client.get(f"/wall/{token}").get_data(as_text=True)
    assert "You answered: <strong>Yes</strong>" in after
    again = client.post(
        f"/wall/{token}/answers",
        data={"item": str(done_item.uuid), "answer": "not_yet", "csrf_token": _form_token(html)},
    )
    assert again.status_code == 409
    assert _counts(done_item) == {FixedForUs.YES: 1, FixedForUs.NOT_YET: 0}
    # The leaders see the count beside the follow-up.
    client.application.config["WTF_CSRF_ENABLED"] = False  # signing in is not what is tested
    sign_in(client, org["leader"])
    leaders = client.get(f"/walls/{org['north'].id}").get_data(as_text=True)
    assert "Spare batteries by the door" in leaders
    assert re.search(r"Yes: <strong>1</strong>.*Not yet: <strong>0</strong>", leaders)


def test_an_address_sending_many_answers_is_told_to_wait(client, org):
    """Each answer without the device cookie comes from a "new device": the address limit
    is what stops one phone clearing its cookies to answer again and again."""
    amount = int(limits.WALL_ANSWER_LIMITS.split()[0])
    items = []
    for n in range(amount + 1):
        raised = _raised(org["in_north"], f"Idea {n}", ago=2)
        _follow_up(raised, closed_note="Done")
        items.append(raised)
    token = _token(org["north"])
    for item in items[:amount]:
        client.delete_cookie("gw_wall_device", path="/wall/")
        response = client.post(
            f"/wall/{token}/answers",
            data={"item": str(item.uuid), "answer": "yes"},
            environ_base={"REMOTE_ADDR": "198.51.100.4"},
        )
        assert response.status_code == 302
    response = client.post(
        f"/wall/{token}/answers",
        data={"item": str(items[-1].uuid), "answer": "yes"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert response.status_code == 429
    assert "Too many answers" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WallAnswer)) == amount


# --- the demo --------------------------------------------------------------------------------


def test_every_demo_wall_and_poster_names_nobody(client, app):
    from gembawalk.demo.load import load_demo

    load_demo()
    units = list(db.session.scalars(select(OrgUnit)))
    answered = db.session.scalar(select(func.count()).select_from(WallAnswer))
    assert answered > 0, "the demo's walls have answers"
    shown = 0
    for unit in units:
        token = _token(unit)
        page = client.get(f"/wall/{token}").get_data(as_text=True)
        poster = client.get(f"/wall/{token}/poster").get_data(as_text=True)
        _assert_names_nobody(page, token)
        _assert_names_nobody(poster, token)
        shown += page.count('class="card wall-item"')
    assert shown > 0


def test_the_wall_and_the_leaders_page_cost_the_same_queries_for_more_items(client, org):
    from .conftest import count_queries

    token = _token(org["north"])
    sign_in(client, org["leader"])

    def costs() -> tuple[int, int]:
        with count_queries() as wall_page:
            client.get(f"/wall/{token}")
        with count_queries() as leaders_page:
            client.get(f"/walls/{org['north'].id}")
        return len(wall_page), len(leaders_page)

    raised = _raised(org["in_north"], "First")
    _follow_up(raised, closed_note="Done")
    few = costs()
    for n in range(5):
        more = _raised(org["in_yard"], f"More {n}")
        _follow_up(more, closed_note="Done too")
        _follow_up(more, closed_note="And this")
    assert costs() == few
