"""Repeating walks through the pages: the Repeat choice on the plan form, changing one or
this and all later walks, ending a series, and `flask generate-walks`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Walk, WalkSeries
from gembawalk.services.walks import series as series_service
from gembawalk.timeutil import local_today


def _form(**extra) -> dict:
    day = local_today("Europe/London") + timedelta(days=1)
    return {
        "kind": "gemba_walk",
        "day": day.isoformat(),
        "at": "09:00",
        "planned_minutes": "60",
        "place": "Dock 4",
        "purpose": "Watch the morning pick",
        **extra,
    }


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_planning_a_weekly_walk_plans_the_weeks_ahead(manager_client):
    response = manager_client.post("/walks/new", data=_form(repeat="weekly"))
    assert response.status_code == 302
    assert _count(WalkSeries) == 1
    assert _count(Walk) == 8  # tomorrow and the seven weeks after it, within eight weeks
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Every " in page
    assert "at 09:00" in page
    upcoming = manager_client.get("/walks/").get_data(as_text=True)
    assert upcoming.count("Dock 4") == 8


def test_a_walk_that_does_not_repeat_makes_no_series(manager_client):
    assert manager_client.post("/walks/new", data=_form(repeat="")).status_code == 302
    assert (_count(WalkSeries), _count(Walk)) == (0, 1)


def test_an_end_date_before_the_start_keeps_what_was_typed(manager_client):
    day = local_today("Europe/London") + timedelta(days=1)
    response = manager_client.post(
        "/walks/new",
        data=_form(repeat="monthly_date", repeat_until=(day - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The series cannot end before its first walk." in page
    assert 'value="Dock 4"' in page
    assert '<option selected value="monthly_date">' in page
    assert (_count(WalkSeries), _count(Walk)) == (0, 0)


def test_a_nonexistent_local_time_is_refused_with_a_message(manager_client):
    spring_forward = date(2099, 3, 29)  # last Sunday of March 2099, in London
    response = manager_client.post(
        "/walks/new", data=_form(repeat="weekly", day=spring_forward.isoformat(), at="01:30")
    )
    assert response.status_code == 422
    assert "does not exist" in response.get_data(as_text=True)
    assert _count(Walk) == 0


def test_changing_this_and_later_through_the_form(manager_client):
    manager_client.post("/walks/new", data=_form(repeat="weekly"))
    walks = list(db.session.scalars(select(Walk).order_by(Walk.planned_start)))
    third = walks[2]
    edit = manager_client.get(f"/walks/{third.uuid}/edit").get_data(as_text=True)
    assert "This and all later walks" in edit
    response = manager_client.post(
        f"/walks/{third.uuid}/edit",
        data=_form(
            scope="later",
            repeat="weekly",
            day=third.local_start.date().isoformat(),
            at="11:00",
            place="Yard",
        ),
    )
    assert response.status_code == 302
    after = list(db.session.scalars(select(Walk).order_by(Walk.planned_start)))
    assert [w.place for w in after[:3]] == ["Dock 4", "Dock 4", "Yard"]
    assert {w.place for w in after[2:]} == {"Yard"}
    assert _count(WalkSeries) == 2


def test_changing_only_this_walk_through_the_form(manager_client):
    manager_client.post("/walks/new", data=_form(repeat="weekly"))
    second = list(db.session.scalars(select(Walk).order_by(Walk.planned_start)))[1]
    response = manager_client.post(
        f"/walks/{second.uuid}/edit",
        data=_form(scope="this", day=second.local_start.date().isoformat(), place="Office"),
    )
    assert response.status_code == 302
    assert sorted(w.place for w in db.session.scalars(select(Walk))).count("Office") == 1
    assert _count(WalkSeries) == 1


def test_ending_a_series_from_the_walk_page(manager_client):
    response = manager_client.post("/walks/new", data=_form(repeat="weekly"))
    walk = db.session.scalar(select(Walk).order_by(Walk.planned_start).limit(1))
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "End the series after today" in page
    response = manager_client.post(f"/walks/series/{walk.series.uuid}/end")
    assert response.status_code == 302
    assert _count(Walk) == 0  # every walk was after today
    assert series_service.generate() == 0


def test_generate_walks_command_is_idempotent(app, manager_client):
    manager_client.post("/walks/new", data=_form(repeat="weekly"))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["generate-walks"])
    second = runner.invoke(args=["generate-walks"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output == "0 walks planned.\n"
    assert _count(Walk) == 8


def test_the_demo_manager_has_repeating_walks_that_the_generator_carries_on(app):
    from gembawalk.demo.load import load_demo
    from gembawalk.models import Person

    load_demo()
    manager = db.session.scalar(select(Person).where(Person.email == "manager@example.org"))
    mine = list(db.session.scalars(select(WalkSeries).where(WalkSeries.manager_id == manager.id)))
    assert len(mine) == 3
    assert series_service.generate() > 0  # from the demo's two weeks to eight
    assert series_service.generate() == 0
