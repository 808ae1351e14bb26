"""The manager's walk pages, request by request, checked against the database."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Observation, Walk, WalkStatus
from gembawalk.timeutil import day_start_utc, local, local_today

from .conftest import count_queries, sign_in
from .factories import (
    CustomerFactory,
    ObservationFactory,
    OrgUnitFactory,
    PersonFactory,
    WalkFactory,
)


def tomorrow_local() -> str:
    return (local(datetime.now(UTC), "Europe/London") + timedelta(days=1)).strftime("%Y-%m-%d")


def plan_form(**overrides) -> dict:
    return {
        "walk_id": str(uuid.uuid4()),
        "kind": "customer_visit",
        "day": tomorrow_local(),
        "at": "09:30",
        "planned_minutes": "60",
        "place": "Northgate depot",
        "purpose": "Watch collections",
        "new_customer_kind": "external",
        "submit": "Plan walk",
        **overrides,
    }


def walk_count() -> int:
    return db.session.scalar(select(func.count(Walk.id)))


def test_today_greets_a_manager_with_nothing_planned(manager_client):
    page = manager_client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nothing planned for today" in html
    assert "Plan a walk" in html


def test_signed_out_visitors_are_sent_to_sign_in(client, manager):
    response = client.get("/walks/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/walks/")


def test_plan_a_walk_then_find_it_under_upcoming(manager_client, manager):
    customer = CustomerFactory(org_unit=manager.org_unit, name="Acme Haulage")
    response = manager_client.post("/walks/new", data=plan_form(customer_ids=[customer.id]))
    assert response.status_code == 302
    walk = db.session.scalar(select(Walk))
    assert response.headers["Location"] == f"/walks/{walk.uuid}"
    assert walk.customers == [customer]
    assert walk.manager_id == manager.id
    upcoming = manager_client.get("/walks/?show=upcoming").get_data(as_text=True)
    assert "Northgate depot" in upcoming
    assert "Acme Haulage" in upcoming


def test_a_plan_form_sent_twice_plans_one_walk(manager_client):
    form = plan_form()
    assert manager_client.post("/walks/new", data=form).status_code == 302
    assert manager_client.post("/walks/new", data=form).status_code == 302
    assert walk_count() == 1


def test_a_bad_plan_keeps_what_was_typed_and_says_what_is_wrong(manager_client):
    response = manager_client.post(
        "/walks/new",
        data=plan_form(
            day="2026-02-30", place="Loading bay <b>3</b>", purpose="See the night shift"
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="day-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="Loading bay &lt;b&gt;3&lt;/b&gt;"' in html  # kept, and escaped
    assert "See the night shift</textarea>" in html
    assert walk_count() == 0


def test_a_time_lost_to_the_clocks_going_forward_is_refused_next_to_the_time(manager_client):
    # The last Sunday of March 2027 (28th): 01:30 does not exist in London.
    response = manager_client.post("/walks/new", data=plan_form(day="2027-03-28", at="01:30"))
    assert response.status_code == 422
    error = re.search(r'id="at-error">([^<]+)<', response.get_data(as_text=True))
    assert error
    assert "does not exist" in error.group(1)
    assert walk_count() == 0


def test_a_customer_from_another_unit_is_refused(manager_client):
    foreign = CustomerFactory(org_unit=OrgUnitFactory(name="Licensing"))
    response = manager_client.post("/walks/new", data=plan_form(customer_ids=[foreign.id]))
    assert response.status_code == 422
    assert "Choose customers from your unit" in response.get_data(as_text=True)
    assert walk_count() == 0


def test_record_a_walk_from_today_in_two_taps(manager_client, manager):
    # Planned for today whatever the clock says (now + 30 min is tomorrow after 23:30).
    now = datetime.now(UTC)
    start = max(
        now - timedelta(minutes=1),
        day_start_utc(local_today("Europe/London", now), "Europe/London"),
    )
    walk = WalkFactory(manager=manager, planned_start=start, place="Counter B")
    today = manager_client.get("/").get_data(as_text=True)
    assert f'action="/walks/{walk.uuid}/start"' in today

    assert manager_client.post(f"/walks/{walk.uuid}/start").status_code == 302
    today = manager_client.get("/").get_data(as_text=True)
    # Tap one: a category chip on Today opens the capture form with that category chosen.
    chip = f"/walks/{walk.uuid}?category=failure_demand"
    assert f'href="{chip}"' in today
    capture = manager_client.get(chip).get_data(as_text=True)
    assert re.search(
        r'value="failure_demand"[^>]*checked|checked[^>]*value="failure_demand"', capture
    )
    # Tap two: "Add".
    response = manager_client.post(
        f"/walks/{walk.uuid}/observations",
        data={
            "observation_id": str(uuid.uuid4()),
            "category": "failure_demand",
            "said_by": "customer",
            "text": "Came back because the form was wrong",
            "waste_type": "",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Observation.text)) == "Came back because the form was wrong"


def test_an_observation_without_a_category_is_refused_and_the_text_kept(manager_client, manager):
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=datetime.now(UTC))
    response = manager_client.post(
        f"/walks/{walk.uuid}/observations", data={"text": "Forms copied twice", "said_by": "walker"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose a category first." in html
    assert "Forms copied twice</textarea>" in html
    assert db.session.scalar(select(func.count(Observation.id))) == 0


def test_complete_a_walk_and_find_it_under_done(manager_client, manager):
    started = datetime.now(UTC) - timedelta(minutes=40)
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=started)
    form = manager_client.get(f"/walks/{walk.uuid}/complete").get_data(as_text=True)
    assert 'name="started_at"' in form
    london = local(started, "Europe/London")
    response = manager_client.post(
        f"/walks/{walk.uuid}/complete",
        data={
            "started_at": london.strftime("%Y-%m-%dT%H:%M"),
            "completed_at": (london + timedelta(minutes=35)).strftime("%Y-%m-%dT%H:%M"),
            "customers_spoken_to": "2",
            "frontline_met": "Sam (counter)",
            "summary": "Thank you Sam: the queue moves faster with the new form.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(walk)
    assert walk.status == WalkStatus.DONE
    assert walk.customers_spoken_to == 2
    done = manager_client.get("/walks/?show=done").get_data(as_text=True)
    assert str(walk.uuid) in done
    record = manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert "Thank you Sam" in record


def test_completing_before_starting_keeps_the_form(manager_client, manager):
    started = datetime.now(UTC) - timedelta(minutes=40)
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=started)
    london = local(started, "Europe/London")
    response = manager_client.post(
        f"/walks/{walk.uuid}/complete",
        data={
            "started_at": london.strftime("%Y-%m-%dT%H:%M"),
            "completed_at": (london - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "customers_spoken_to": "2",
            "summary": "Kept summary",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "A walk cannot finish before it started." in html
    assert "Kept summary" in html
    db.session.refresh(walk)
    assert walk.status == WalkStatus.IN_PROGRESS


def test_edit_and_cancel_a_planned_walk(manager_client, manager):
    walk = WalkFactory(manager=manager, place="Old place")
    edit = manager_client.get(f"/walks/{walk.uuid}/edit").get_data(as_text=True)
    assert 'value="Old place"' in edit
    response = manager_client.post(
        f"/walks/{walk.uuid}/edit", data=plan_form(place="New place", walk_id="")
    )
    assert response.status_code == 302
    db.session.refresh(walk)
    assert walk.place == "New place"
    assert walk_count() == 1
    assert manager_client.post(f"/walks/{walk.uuid}/cancel").status_code == 302
    db.session.refresh(walk)
    assert walk.status == WalkStatus.CANCELLED
    # Start on a cancelled walk is not an error page: back to the walk, saying what happened.
    started = manager_client.post(f"/walks/{walk.uuid}/start", follow_redirects=True)
    assert started.status_code == 200
    assert "This walk was cancelled on" in started.get_data(as_text=True)


def test_missed_walks_are_listed_as_missed(manager_client, manager):
    WalkFactory(
        manager=manager,
        place="Forgotten visit",
        planned_start=datetime.now(UTC) - timedelta(days=3),
    )
    missed = manager_client.get("/walks/?show=missed").get_data(as_text=True)
    assert "Forgotten visit" in missed
    assert "Missed" in missed


def test_another_managers_walk_answers_404_everywhere(client, manager):
    other = PersonFactory(roles=["manager"], org_unit=manager.org_unit)
    walk = WalkFactory(manager=other, place="Not yours")
    sign_in(client, manager)
    for method, path in [
        ("get", ""),
        ("get", "/edit"),
        ("post", "/edit"),
        ("post", "/start"),
        ("post", "/cancel"),
        ("post", "/observations"),
        ("get", "/complete"),
    ]:
        response = getattr(client, method)(f"/walks/{walk.uuid}{path}")
        assert response.status_code == 404, (method, path)
        assert "Not yours" not in response.get_data(as_text=True)
    db.session.refresh(walk)
    assert walk.status == WalkStatus.PLANNED


def test_walk_pages_need_the_csrf_token(client, manager, csrf_on):
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', sign_in_page).group(1)
    client.post(
        "/sign-in",
        data={
            "email": manager.email,
            "password": "correct horse battery staple",
            "csrf_token": token,
        },
    )
    walk = WalkFactory(manager=manager)
    assert client.post("/walks/new", data=plan_form()).status_code == 400
    assert client.post(f"/walks/{walk.uuid}/start").status_code == 400
    assert walk_count() == 1
    db.session.refresh(walk)
    assert walk.status == WalkStatus.PLANNED


def test_user_text_is_escaped(manager_client, manager):
    walk = WalkFactory(
        manager=manager,
        status=WalkStatus.IN_PROGRESS,
        started_at=datetime.now(UTC),
        place='<script>alert("x")</script>',
    )
    html = manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_today_and_my_walks_run_the_same_queries_however_many_walks(manager_client, manager):
    def grow(n: int) -> None:
        now = datetime.now(UTC)
        customer = CustomerFactory(org_unit=manager.org_unit)
        for i in range(n):
            live = WalkFactory(
                manager=manager, status=WalkStatus.IN_PROGRESS, started_at=now, customers=[customer]
            )
            ObservationFactory(walk=live)
            done = WalkFactory(
                manager=manager,
                status=WalkStatus.DONE,
                started_at=now,
                completed_at=now - timedelta(hours=i),
                customers=[customer],
            )
            ObservationFactory(walk=done)
            WalkFactory(manager=manager, planned_start=now + timedelta(hours=i + 1))

    pages = ["/", "/walks/?show=upcoming", "/walks/?show=done", "/walks/?show=missed"]
    grow(1)
    few = {}
    for page in pages:
        with count_queries() as statements:
            assert manager_client.get(page).status_code == 200
        few[page] = len(statements)
    grow(8)
    for page in pages:
        with count_queries() as statements:
            assert manager_client.get(page).status_code == 200
        assert len(statements) == few[page], page
