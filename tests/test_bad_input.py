"""Hostile text in every field of every form: a clear refusal, never a server error."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Customer, Observation, OrgUnit, Person, Walk, WalkStatus
from gembawalk.services.engagement.periods import parse_day
from gembawalk.services.errors import Invalid

from .conftest import sign_in
from .factories import PersonFactory, WalkFactory

NUL = "bad\x00byte"
LONG = "x" * 10_000


def _rows() -> dict[str, int]:
    return {
        m.__name__: db.session.scalar(select(func.count()).select_from(m))
        for m in (Walk, Observation, Customer, OrgUnit, Person)
    }


def _planned_and_live_walks(client, manager):
    """A planned walk and one in progress, and the manager signed in: every form has a target."""
    walk = WalkFactory(manager=manager)
    live = WalkFactory(
        manager=manager,
        status=WalkStatus.IN_PROGRESS,
        started_at=walk.planned_start.replace(year=2020),
    )
    sign_in(client, manager)
    return walk, live


@pytest.mark.parametrize("value", [NUL, LONG])
def test_manager_forms_refuse_nul_bytes_and_huge_text(client, manager, value):
    walk, live = _planned_and_live_walks(client, manager)
    before = _rows()
    tomorrow = (walk.planned_start + timedelta(days=1)).strftime("%Y-%m-%d")
    plan = {
        "kind": "gemba_walk",
        "day": tomorrow,
        "at": "09:30",
        "planned_minutes": "60",
        "place": "Dock",
        "purpose": "See",
        "new_customer_name": "",
        "new_customer_kind": "external",
    }
    finish = {
        "started_at": "2020-01-01T09:00",
        "completed_at": "2020-01-01T10:00",
        "customers_spoken_to": "1",
        "frontline_met": "Sam",
        "summary": "Fine",
    }
    forms = {  # a valid form each, then one field at a time made hostile
        "/walks/new": (plan, ["place", "purpose", "new_customer_name", "day", "at", "kind"]),
        f"/walks/{walk.uuid}/edit": (plan, ["place", "purpose", "new_customer_name"]),
        f"/walks/{live.uuid}/observations": (
            {"category": "waste", "waste_type": "waiting", "said_by": "walker", "text": "Ok"},
            ["text", "category", "said_by", "waste_type"],
        ),
        f"/walks/{live.uuid}/complete": (finish, ["frontline_met", "summary", "started_at"]),
        "/account/password": (
            {"current_password": "correct horse battery staple", "confirm": value},
            ["new_password"],
        ),
    }
    for path, (valid, fields) in forms.items():
        for name in fields:
            response = client.post(path, data={**valid, name: value})
            assert response.status_code in (400, 422, 200), (path, name, response.status_code)
            assert "Nothing has been saved" in response.get_data(as_text=True), (path, name)
    assert _rows() == before


@pytest.mark.parametrize("value", [NUL, LONG])
def test_admin_forms_refuse_nul_bytes_and_huge_text(client, admin, unit, value):
    person = PersonFactory(roles=["coach"])
    sign_in(client, admin)
    before = _rows()
    forms = {
        "/admin/people/new": ["email", "display_name", "password", "timezone"],
        f"/admin/people/{person.id}/edit": ["email", "display_name", "timezone"],
        "/admin/units/new": ["name"],
        f"/admin/units/{unit.id}/edit": ["name"],
        "/admin/customers/new": ["name", "notes", "kind"],
    }
    for path, fields in forms.items():
        for name in fields:
            data = {
                "email": "ok@example.org",
                "display_name": "Ok",
                "roles": "coach",
                "password": "a long enough password",
                "name": "Ok",
                "kind": "external",
                "org_unit_id": str(unit.id),
                name: value,
            }
            response = client.post(path, data=data)
            assert response.status_code in (200, 400, 422), (path, name, response.status_code)
    assert _rows() == before


def _plan(**change) -> dict:
    return {
        "kind": "gemba_walk",
        "status": "planned",
        "planned_start": "2030-01-10T09:00:00+00:00",
        "planned_minutes": 60,
        "place": "Dock",
        "purpose": "See",
        **change,
    }


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (_plan(timezone=5), 422, "IANA time zone"),
        (_plan(planned_start="0001-01-01T00:00:00+05:00"), 422, "between"),
        (_plan(planned_start="9999-12-31T23:59:59-05:00"), 422, "between"),
        (_plan(customer_ids=[2**70]), 400, "64 bits"),
        (_plan(planned_minutes=-(2**64)), 400, "64 bits"),
        ('{"place": "\\ud800"}', 400, "surrogate"),
        ("[" * 100_000 + "]" * 100_000, 400, "nested too deeply"),
        ("\xff\xfe{", 400, "not valid JSON"),
    ],
    ids=[
        "timezone-5",
        "year-1",
        "year-9999",
        "big-id",
        "big-negative",
        "surrogate",
        "deep",
        "bytes",
    ],
)
def test_malformed_api_bodies_get_a_reason_not_a_500(client, manager, body, status, says):
    sign_in(client, manager)
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.put(
        f"/api/v1/walks/{uuid.uuid4()}", data=data, content_type="application/json"
    )
    assert response.status_code == status, response.get_data(as_text=True)
    assert says in response.get_json()["error"] + str(response.get_json().get("fields"))
    assert _rows()["Walk"] == 0


def test_anonymous_sign_in_with_a_deep_body_is_400(client, manager):
    response = client.post(
        "/api/v1/session", data="[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["error"]


@pytest.mark.parametrize("target", ["/\r\nX-Injected: yes", "/walks\n", "/\t/evil"])
def test_control_characters_in_next_go_home(client, manager, target):
    response = client.post(
        "/sign-in",
        data={"email": manager.email, "password": "correct horse battery staple", "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "X-Injected" not in response.headers


FAR = "9999-12-31"


def test_dates_out_of_range_get_a_message_on_every_form_and_query(client, manager):
    walk, live = _planned_and_live_walks(client, manager)
    plan = {"kind": "gemba_walk", "day": FAR, "at": "23:30", "planned_minutes": "60",
            "place": "Dock", "purpose": "See", "new_customer_kind": "external"}  # fmt: skip
    pages = {
        "/walks/new": plan,
        f"/walks/{walk.uuid}/edit": plan,
        "/walks/new?repeat": {
            **plan,
            "day": "2030-01-07",
            "repeat": "weekly",
            "repeat_until": FAR,
        },  # fmt: skip
        f"/walks/{live.uuid}/complete": {
            "started_at": f"{FAR}T09:00",
            "completed_at": f"{FAR}T23:59",
            "customers_spoken_to": "1",
            "frontline_met": "Sam",
            "summary": "Fine",
        },  # fmt: skip
    }
    before = _rows()
    for path, form in pages.items():
        response = client.post(path.split("?")[0], data=form)
        assert response.status_code in (200, 422), (path, response.status_code)
        assert "between 2000 and 2100" in response.get_data(as_text=True), path
    assert _rows() == before
    for path in (
        f"/api/v1/walks?from={FAR}&to={FAR}",
        "/api/v1/walks?from=0001-01-01",
    ):
        response = client.get(path)
        assert response.status_code == 422, (path, response.status_code)
        assert "between 2000 and 2100" in str(response.get_json()["fields"])
    with pytest.raises(Invalid) as refused:  # the engagement pages' From
        parse_day(FAR, "first")
    assert "between 2000 and 2100" in refused.value.errors["first"]


def test_a_walk_stored_in_year_9998_does_not_break_the_calendar_feed(client, manager):
    from datetime import UTC, datetime

    from gembawalk.services.walks import calendar_feed

    WalkFactory(manager=manager, planned_start=datetime(9998, 12, 31, 23, 0, tzinfo=UTC))
    WalkFactory(
        manager=manager,
        planned_start=datetime(9998, 6, 1, 9, 0, tzinfo=UTC),
        status=WalkStatus.CANCELLED,
    )
    token = calendar_feed.feed_token(manager)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert b"BEGIN:VCALENDAR" in response.data


BIG = str(2**70)


def test_ids_over_64_bits_in_forms_and_query_strings_are_refused(client, manager, unit):
    _planned_and_live_walks(client, manager)
    plan = {"kind": "gemba_walk", "day": "2030-01-10", "at": "09:30", "planned_minutes": "60",
            "place": "Dock", "purpose": "See", "customer_ids": BIG}  # fmt: skip
    assert client.post("/walks/new", data=plan).status_code == 422
    client.post("/sign-out")
    sign_in(client, PersonFactory(roles=["admin", "director"]))
    person = {"email": "a@example.org", "display_name": "A", "roles": "coach",
              "password": "a long enough password x"}  # fmt: skip
    for path, data in [
        ("/admin/people/new", {**person, "org_unit_id": BIG}),
        ("/admin/people/new", {**person, "coach_ids": BIG}),
        ("/admin/units/new", {"name": "U", "parent_id": BIG}),
        ("/admin/customers/new", {"name": "C", "kind": "external", "org_unit_id": BIG}),
    ]:
        assert client.post(path, data=data).status_code == 422, (path, data)
    for path in (f"/admin/customers?unit={BIG}", f"/admin/units/new?parent={BIG}"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/api/v1/leaderboard?unit={BIG}").status_code == 422
    assert _rows()["Person"] == 2
