"""The capture pages of issue 14 as requests: start a walk now, record a past walk, cancel
with a confirmation and a way back, pages sent again for a walk already past that step, and
forms that show all their errors at once."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import EngagementDay, Walk, WalkKind, WalkStatus
from gembawalk.timeutil import local

from .conftest import page_html
from .factories import WalkFactory, done_walk
from .test_walk_pages import plan_form


def wall(instant: datetime) -> str:
    """A moment as the manager types it in a datetime-local field (London)."""
    return local(instant, "Europe/London").strftime("%Y-%m-%dT%H:%M")


def only_walk() -> Walk:
    return db.session.scalars(select(Walk)).one()


def flashed(response) -> str:
    return response.get_data(as_text=True)


# --- Start a walk now ----------------------------------------------------------------------


def test_start_one_now_is_a_link_on_today_that_starts_an_unplanned_walk(manager_client):
    today = manager_client.get("/").get_data(as_text=True)
    assert 'href="/walks/start-now"' in today
    assert manager_client.get("/walks/start-now").status_code == 200
    before = datetime.now(UTC)
    response = manager_client.post(
        "/walks/start-now",
        data={"walk_id": str(uuid.uuid4()), "kind": "gemba_walk", "place": "Goods in"},
    )
    assert response.status_code == 302
    walk = only_walk()
    assert walk.status == WalkStatus.IN_PROGRESS
    assert walk.unplanned
    assert walk.planned_start == walk.started_at >= before.replace(microsecond=0)
    page = page_html(manager_client.get(f"/walks/{walk.uuid}"))
    assert "Started without a plan" not in page  # in progress: the page says when it started
    assert "Started " in page


def test_today_starts_a_walk_now_in_one_tap_without_javascript(manager_client):
    """Today's Start a walk now is a form with one button per kind: the tap posts the kind
    chosen and nothing else (no place), and the walk is under way."""
    today = manager_client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/walks/start-now".*?</form>', today, re.S)
    assert form, "Today has no Start a walk now form"
    buttons = re.findall(r'<button type="submit" name="kind" value="(\w+)"[^>]*>([^<]+)<', form[0])
    assert buttons == [(kind.value, kind.label) for kind in WalkKind]
    walk_id = re.search(r'name="walk_id" type="hidden" value="([0-9a-f-]{36})"', form[0])
    assert walk_id, "the form carries no id of its own"
    response = manager_client.post(
        "/walks/start-now", data={"walk_id": walk_id[1], "kind": "customer_visit"}
    )
    assert response.status_code == 302
    walk = only_walk()
    assert (walk.status, walk.kind, walk.place, walk.unplanned) == (
        WalkStatus.IN_PROGRESS,
        WalkKind.CUSTOMER_VISIT,
        "",
        True,
    )
    assert str(walk.uuid) == walk_id[1]
    assert "Walk started. Add what you see." in flashed(manager_client.get(response.location))


def test_start_now_on_the_plan_form_ignores_the_suggested_time(manager_client):
    form = plan_form(at="23:30", submit=None, start_now="Start now")
    del form["submit"]
    assert manager_client.post("/walks/new", data=form).status_code == 302
    walk = only_walk()
    assert walk.unplanned
    assert walk.planned_start == walk.started_at


def test_the_api_says_a_walk_was_started_without_a_plan(manager_client, manager):
    walk = WalkFactory(
        manager=manager,
        status=WalkStatus.IN_PROGRESS,
        started_at=datetime.now(UTC),
        unplanned=True,
    )
    listed = manager_client.get("/api/v1/walks").get_json()["walks"]
    assert [(w["uuid"], w["unplanned"], w["recorded_after"]) for w in listed] == [
        (str(walk.uuid), True, False)
    ]


# --- Record a past walk --------------------------------------------------------------------


def past_form(**overrides) -> dict:
    started = datetime.now(UTC) - timedelta(days=1)
    return {
        "walk_id": str(uuid.uuid4()),
        "kind": "customer_visit",
        "place": "Northgate counter",
        "started_at": wall(started),
        "completed_at": wall(started + timedelta(minutes=50)),
        "customers_spoken_to": "3",
        "summary": "Recorded from my notebook",
        **overrides,
    }


def test_record_a_past_walk_from_my_walks(manager_client):
    assert 'href="/walks/record"' in manager_client.get("/walks/").get_data(as_text=True)
    assert 'href="/walks/record"' in manager_client.get("/").get_data(as_text=True)
    response = manager_client.post("/walks/record", data=past_form())
    assert response.status_code == 302
    walk = only_walk()
    assert walk.status == WalkStatus.DONE
    assert walk.recorded_after
    page = manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert "Recorded after the fact" in page
    assert "Recorded from my notebook" in page
    # Sent twice (a double tap): recorded once.
    manager_client.post("/walks/record", data=past_form(walk_id=str(walk.uuid)))
    assert db.session.scalars(select(Walk)).all() == [walk]


def test_a_past_walk_form_shows_every_error_at_once_and_keeps_what_was_typed(manager_client):
    later = datetime.now(UTC) + timedelta(hours=2)
    response = manager_client.post(
        "/walks/record",
        data=past_form(
            started_at=wall(later),
            completed_at=wall(later - timedelta(hours=1)),
            customers_spoken_to="",
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a number, 0 if none." in html  # the form's own field check
    assert "A walk cannot finish before it started." in html  # the rules across fields
    assert "Enter a time no later than now." in html
    assert "Recorded from my notebook" in html
    assert db.session.scalars(select(Walk)).all() == []


def test_the_device_sends_a_walk_recorded_after_the_fact(manager_client):
    started = datetime.now(UTC) - timedelta(days=2)
    walk_id = uuid.uuid4()
    body = {
        "kind": "gemba_walk",
        "status": "done",
        "planned_start": started.isoformat(),
        "started_at": started.isoformat(),
        "completed_at": (started + timedelta(minutes=30)).isoformat(),
        "customers_spoken_to": 0,
        "recorded_after": True,
    }
    token = manager_client.get("/api/v1/csrf").get_json()["csrf_token"]
    headers = {"X-CSRFToken": token}
    created = manager_client.put(f"/api/v1/walks/{walk_id}", json=body, headers=headers)
    assert created.status_code == 201
    assert created.get_json()["recorded_after"] is True
    assert created.get_json()["unplanned"] is True
    again = manager_client.put(f"/api/v1/walks/{walk_id}", json=body, headers=headers)
    assert again.status_code == 200
    planned = {
        **body,
        "status": "planned",
        "planned_start": (started + timedelta(days=5)).isoformat(),
    }
    refused = manager_client.put(f"/api/v1/walks/{uuid.uuid4()}", json=planned, headers=headers)
    assert refused.status_code == 422
    assert "recorded_after" in refused.get_json()["fields"]


# --- Cancel with a way back ----------------------------------------------------------------


def planned_days(manager) -> tuple[int, int]:
    """What the engagement days hold for the manager: (planned and open, cancelled)."""
    db.session.commit()
    sums = select(func.sum(EngagementDay.planned_open), func.sum(EngagementDay.planned_cancelled))
    return tuple(db.session.execute(sums.where(EngagementDay.manager_id == manager.id)).one())


def test_cancel_asks_first_and_a_cancelled_walk_can_be_reinstated(manager_client, manager):
    walk = WalkFactory(manager=manager, planned_start=datetime.now(UTC) + timedelta(days=2))
    page = manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert f'href="/walks/{walk.uuid}/cancel"' in page
    confirm = manager_client.get(f"/walks/{walk.uuid}/cancel")
    assert confirm.status_code == 200
    assert "Cancel this walk?" in confirm.get_data(as_text=True)
    db.session.refresh(walk)
    assert walk.status == WalkStatus.PLANNED  # asking changes nothing
    assert planned_days(manager) == (1, 0)

    cancelled = manager_client.post(f"/walks/{walk.uuid}/cancel", follow_redirects=True)
    assert "Reinstate" in cancelled.get_data(as_text=True)
    db.session.refresh(walk)
    assert walk.status == WalkStatus.CANCELLED
    assert planned_days(manager) == (0, 1)

    back = manager_client.post(f"/walks/{walk.uuid}/reinstate", follow_redirects=True)
    assert "planned again" in back.get_data(as_text=True)
    db.session.refresh(walk)
    assert walk.status == WalkStatus.PLANNED
    assert walk.cancelled_at is None
    assert planned_days(manager) == (1, 0)


def test_a_cancelled_walk_whose_time_has_passed_stays_cancelled(manager_client, manager):
    walk = WalkFactory(
        manager=manager,
        planned_start=datetime.now(UTC) - timedelta(hours=1),
        status=WalkStatus.CANCELLED,
        cancelled_at=datetime.now(UTC) - timedelta(hours=3),
    )
    assert "Reinstate" not in manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    response = manager_client.post(f"/walks/{walk.uuid}/reinstate", follow_redirects=True)
    assert response.status_code == 200
    assert "whose time has not passed" in response.get_data(as_text=True)
    db.session.refresh(walk)
    assert walk.status == WalkStatus.CANCELLED


# --- Back never dead-ends ------------------------------------------------------------------


def test_complete_again_goes_back_to_the_walk_saying_when_it_was_completed(manager_client, manager):
    walk = done_walk(manager, datetime(2026, 3, 10, 10, 42, tzinfo=UTC))
    for send in (manager_client.get, manager_client.post):
        response = send(f"/walks/{walk.uuid}/complete")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/walks/{walk.uuid}"
    page = manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert "This walk was completed on Tue 10 Mar at 10:42." in page


def test_start_and_cancel_again_go_back_to_the_walk(manager_client, manager):
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=datetime.now(UTC))
    for path in ("start", "cancel"):
        for send in (manager_client.get, manager_client.post):
            response = send(f"/walks/{walk.uuid}/{path}", follow_redirects=True)
            assert response.status_code == 200
            assert "This walk was started on" in response.get_data(as_text=True)
    db.session.refresh(walk)
    assert walk.status == WalkStatus.IN_PROGRESS


def test_complete_before_starting_goes_back_to_the_walk(manager_client, manager):
    walk = WalkFactory(manager=manager)
    response = manager_client.get(f"/walks/{walk.uuid}/complete", follow_redirects=True)
    assert "This walk has not been started yet." in response.get_data(as_text=True)


# --- All of a form's errors at once --------------------------------------------------------


def test_the_complete_form_shows_field_and_cross_field_errors_together(manager_client, manager):
    started = datetime.now(UTC) - timedelta(minutes=40)
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=started)
    response = manager_client.post(
        f"/walks/{walk.uuid}/complete",
        data={
            "started_at": wall(started),
            "completed_at": wall(started - timedelta(hours=1)),
            "customers_spoken_to": "",
            "summary": "Kept summary",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a number, 0 if none." in html
    assert "A walk cannot finish before it started." in html
    assert "Kept summary" in html
    future = manager_client.post(
        f"/walks/{walk.uuid}/complete",
        data={
            "started_at": wall(started),
            "completed_at": wall(started + timedelta(days=1)),
            "customers_spoken_to": "many",
        },
    ).get_data(as_text=True)
    assert "That time has not come yet." in future
    assert "Not a valid integer value." in future
    db.session.refresh(walk)
    assert walk.status == WalkStatus.IN_PROGRESS


def test_the_plan_form_shows_field_and_cross_field_errors_together(manager_client):
    response = manager_client.post("/walks/new", data=plan_form(day="2020-01-06", at=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a time." in html
    assert "Choose today or a later day." in html
    assert 'value="Northgate depot"' in html
    assert db.session.scalars(select(Walk)).all() == []
