"""Calendar feeds: parsed back with the icalendar library and checked against the database,
across a DST change (Europe/London) and where there is none (America/Phoenix); tokens that
are unknown or revoked answer the same 404."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Person, Walk
from gembawalk.services.walks import calendar_feed
from gembawalk.services.walks import lifecycle as walks
from gembawalk.services.walks import series as series_service

from . import factories


def _series(manager, zone: str, day: date) -> list[Walk]:
    manager.timezone = zone
    db.session.commit()
    now = datetime.combine(day - timedelta(days=1), time(12), tzinfo=UTC)
    plan = walks.WalkPlan(
        kind="customer_visit",
        day=day,
        at=time(9, 0),
        place="Northgate depot",
        purpose="Hear how collection works for them",
    )
    first = series_service.plan_series(manager, plan, repeat="weekly", now=now)
    return list(
        db.session.scalars(
            select(Walk).where(Walk.series_id == first.series_id).order_by(Walk.planned_start)
        )
    )


def _feed(client, person) -> Calendar:
    url = calendar_feed.feed_token(person)
    response = client.get(f"/calendar/{url}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def _events(cal: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


@pytest.mark.parametrize(
    ("zone", "first_day", "offsets"),
    [
        # Clocks go forward in London on 28 March 2027: GMT before, BST after.
        ("Europe/London", date(2099, 3, 3), None),
        ("America/Phoenix", date(2099, 3, 3), {timedelta(hours=-7)}),
    ],
)
def test_feed_events_match_the_walks_across_dst(client, manager, zone, first_day, offsets):
    occurrences = _series(manager, zone, first_day)
    cancelled = walks.cancel_walk(manager, occurrences[2].uuid)
    events = _events(_feed(client, manager))
    assert len(events) == len(occurrences) >= 8
    seen_offsets = set()
    for walk in db.session.scalars(select(Walk).where(Walk.manager_id == manager.id)):
        event = events[f"{walk.uuid}@gembawalk"]
        start = event.decoded("DTSTART")
        assert start == walk.planned_start  # the same instant
        assert start.tzinfo.key == zone  # in the walk's own zone, named by TZID
        assert event["DTSTART"].params["TZID"] == zone
        assert start.astimezone(ZoneInfo(zone)).time() == time(9, 0)
        assert event.decoded("DTEND") - start == timedelta(minutes=walk.planned_minutes)
        assert str(event["LOCATION"]) == "Northgate depot"
        assert "Hear how collection works for them" in str(event["DESCRIPTION"])
        assert str(event["URL"]).endswith(f"/walks/{walk.uuid}")
        assert str(event["URL"]) in str(event["DESCRIPTION"])
        assert int(event["SEQUENCE"]) == walk.version
        expected = "CANCELLED" if walk.id == cancelled.id else "CONFIRMED"
        assert str(event["STATUS"]) == expected
        seen_offsets.add(start.utcoffset())
    if offsets is None:  # London: both sides of the change are in the feed
        assert seen_offsets == {timedelta(0), timedelta(hours=1)}
    else:
        assert seen_offsets == offsets


def test_the_feed_carries_a_vtimezone_for_each_zone(client, manager):
    _series(manager, "Europe/London", date(2099, 3, 3))
    cal = _feed(client, manager)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_uids_are_stable_when_a_walk_changes(client, manager):
    occurrences = _series(manager, "Europe/London", date(2099, 3, 3))
    walk = occurrences[1]
    before = _events(_feed(client, manager))[f"{walk.uuid}@gembawalk"]
    walks.update_walk(
        manager,
        walk.uuid,
        walks.WalkPlan(kind="gemba_walk", day=date(2099, 3, 11), at=time(14, 0), place="Yard"),
    )
    after = _events(_feed(client, manager))[f"{walk.uuid}@gembawalk"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART").hour == 14


def test_the_feed_shows_only_the_owners_walks(client, manager):
    _series(manager, "Europe/London", date(2099, 3, 3))
    other = factories.PersonFactory(roles=["manager"], org_unit=manager.org_unit)
    factories.WalkFactory(manager=other)
    assert len(_events(_feed(client, other))) == 1


def test_unknown_and_revoked_tokens_answer_the_same_404(client, manager):
    old = calendar_feed.feed_token(manager)
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    new = calendar_feed.regenerate_token(manager)
    assert new != old
    revoked = client.get(f"/calendar/{old}.ics")
    unknown = client.get(f"/calendar/{'x' * 43}.ics")
    malformed = client.get("/calendar/short.ics")
    assert revoked.status_code == unknown.status_code == malformed.status_code == 404
    assert revoked.data == unknown.data == malformed.data
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_a_deactivated_persons_feed_is_gone(client, manager):
    token = calendar_feed.feed_token(manager)
    db.session.get(Person, manager.id).active = False
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_reactivating_someone_does_not_bring_back_their_old_feed_url(client, manager, admin):
    from gembawalk.services.people import accounts

    old = calendar_feed.feed_token(manager)
    accounts.set_active(admin, manager.id, False)
    accounts.set_active(admin, manager.id, True)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    new = calendar_feed.feed_token(db.session.get(Person, manager.id))
    assert new != old
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_the_account_page_shows_the_feed_url_and_regenerates_it(manager_client, manager):
    page = manager_client.get("/account").get_data(as_text=True)
    url = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', page).group(1)
    assert manager_client.get(url).status_code == 200
    response = manager_client.post("/calendar/regenerate")
    assert response.status_code == 302
    assert manager_client.get(url).status_code == 404
    page = manager_client.get("/account").get_data(as_text=True)
    assert url not in page


def test_the_feed_url_uses_the_configured_base_url(app, manager_client):
    app.config["GEMBAWALK_BASE_URL"] = "https://gemba.example.org"
    try:
        page = manager_client.get("/account").get_data(as_text=True)
    finally:
        app.config["GEMBAWALK_BASE_URL"] = ""
    assert 'value="https://gemba.example.org/calendar/' in page


def test_regenerating_needs_a_csrf_token(client, manager, csrf_on):
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', sign_in_page)
    client.post(
        "/sign-in",
        data={"email": manager.email, "password": factories.PASSWORD, "csrf_token": token[1]},
    )
    before = calendar_feed.feed_token(db.session.get(Person, manager.id))
    assert client.post("/calendar/regenerate").status_code == 400
    assert db.session.get(Person, manager.id).calendar_token == before


def test_add_to_calendar_gives_one_walk(manager_client, manager):
    walk = factories.WalkFactory(
        manager=manager,
        place="Loading bay",
        timezone="America/Phoenix",
        planned_start=datetime(2099, 7, 1, 16, 30, tzinfo=UTC),
    )
    page = manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert f"/calendar/walks/{walk.uuid}.ics" in page
    response = manager_client.get(f"/calendar/walks/{walk.uuid}.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    events = list(Calendar.from_ical(response.data).walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [f"{walk.uuid}@gembawalk"]
    assert events[0].decoded("DTSTART") == walk.planned_start
    assert str(events[0]["LOCATION"]) == "Loading bay"


def test_someone_elses_walk_cannot_be_downloaded(manager_client, manager):
    other = factories.PersonFactory(roles=["manager"], org_unit=manager.org_unit)
    walk = factories.WalkFactory(manager=other)
    assert manager_client.get(f"/calendar/walks/{walk.uuid}.ics").status_code == 404


def test_api_me_includes_the_calendar_feed_url(manager_client, manager):
    from .openapi_check import assert_documented

    response = manager_client.get("/api/v1/me")
    assert response.status_code == 200
    url = response.get_json()["calendar_feed_url"]
    assert url == f"http://localhost/calendar/{calendar_feed.feed_token(manager)}.ics"
    assert_documented(manager_client, response, "get", "/me")
    assert manager_client.get(url).status_code == 200


def test_the_feed_takes_the_same_queries_whatever_the_number_of_walks(client, manager):
    from .conftest import count_queries

    customer = factories.CustomerFactory(org_unit=manager.org_unit)
    for _ in range(3):
        factories.WalkFactory(manager=manager, customers=[customer])
    token = calendar_feed.feed_token(manager)
    client.get(f"/calendar/{token}.ics")  # warm up: the first request checks for a first run
    with count_queries() as few:
        client.get(f"/calendar/{token}.ics")
    for _ in range(20):
        factories.WalkFactory(manager=manager, customers=[customer])
    with count_queries() as many:
        response = client.get(f"/calendar/{token}.ics")
    assert len(Calendar.from_ical(response.data).walk("VEVENT")) == 23
    assert len(many) == len(few) <= 4


def test_an_unchanged_feed_answers_304(client, manager):
    factories.WalkFactory(manager=manager)
    url = f"/calendar/{calendar_feed.feed_token(manager)}.ics"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_the_first_feed_token_is_written_while_another_request_writes(app, manager):
    """A page view that reads, then makes the person's first token, while another request
    holds the write lock and commits: the token is written after it (on SQLite a read turned
    into a write answered "database is locked" at once, a 503 seen in CI)."""
    import threading

    person_id = manager.id
    db.session.commit()
    db.session.remove()
    holding, release = threading.Event(), threading.Event()
    engine = db.engine

    def other_request():
        with engine.connect() as connection, connection.begin():
            connection.execute(
                Person.__table__.update()
                .where(Person.id == person_id)
                .values(display_name="Maya M.")
            )
            holding.set()
            release.wait(5)

    with app.test_request_context("/account", method="GET"):
        person = db.session.get(Person, person_id)  # this request's read comes first
        assert person.calendar_token is None
        writer = threading.Thread(target=other_request)
        writer.start()
        assert holding.wait(5)
        threading.Timer(0.3, release.set).start()
        token = calendar_feed.feed_token(person)
        writer.join()
        assert calendar_feed.TOKEN_SHAPE.fullmatch(token)
        db.session.remove()
    assert db.session.get(Person, person_id).calendar_token == token
