"""The demo organisation: its shape, its accounts, the story its walks tell, and `flask demo`."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.demo import load as demo
from gembawalk.demo import texts as demo_texts
from gembawalk.demo.load import load_demo
from gembawalk.extensions import db
from gembawalk.models import (
    Category,
    Customer,
    CustomerKind,
    FollowUp,
    FollowUpStatus,
    Observation,
    OrgUnit,
    Person,
    PersonRole,
    Role,
    UnitQuestion,
    Walk,
    WalkKind,
    WalkStatus,
)
from gembawalk.services.engagement import coverage
from gembawalk.services.errors import Conflict
from gembawalk.services.people import accounts as people
from gembawalk.timeutil import day_start_utc, local, utcnow

from . import factories
from .conftest import page_html, sign_in

PASSWORD = "gemba-demo"
MANAGER_EMAILS = ["manager@example.org", *(f"manager{n}@example.org" for n in range(2, 13))]
DEMO_EMAILS = [
    "admin@example.org",
    "director@example.org",
    "director2@example.org",
    "coach@example.org",
    "coach2@example.org",
    *MANAGER_EMAILS,
]


@pytest.fixture
def now(app):
    return utcnow()


@pytest.fixture
def summary(app, now):
    return load_demo(now=now)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def totals() -> dict[str, int]:
    models = (OrgUnit, Person, Customer, Walk, Observation, FollowUp)
    return {model.__name__: count(model) for model in models}


def person(email: str) -> Person:
    return db.session.scalar(select(Person).where(Person.email == email))


def local_today(app, now):
    return local(now, app.config["GEMBAWALK_TIMEZONE"]).date()


def test_one_unit_is_one_nobody_visits(summary, now):
    director = person("director@example.org")
    found = coverage.coverage(director, None, 12, now=now)
    never = [row.unit.name for row in found.unvisited if row.never]
    assert never == [demo_texts.UNVISITED]
    assert found.walks_done > 0  # the rest of the organisation is walked
    assert found.unheard_count < found.observed_walks


def test_the_organisation_has_three_levels_and_the_roles_asked_for(summary):
    units = db.session.scalars(select(OrgUnit)).all()
    depths = Counter(1 + len(unit.ancestors()) for unit in units)
    assert depths[1] == 1
    assert 2 <= depths[2] <= 3
    assert 4 <= depths[3] <= 7  # six teams walked, and one nobody visits
    assert max(depths) == 3

    roles = Counter(db.session.scalars(select(PersonRole.role)))
    assert roles[Role.ADMIN] == 1
    assert roles[Role.DIRECTOR] == 2
    assert roles[Role.COACH] == 2
    assert roles[Role.MANAGER] == 14  # the 12 team managers and the 2 directors
    assert count(Person) == len(DEMO_EMAILS) == 17
    for email in MANAGER_EMAILS:
        manager = person(email)
        assert manager.has_role(Role.MANAGER), email
        assert manager.org_unit.parent.parent.parent is None, email  # a team, two levels down
    assert len({person(e).org_unit_id for e in MANAGER_EMAILS}) >= 4  # spread over the teams
    assert len({person(e).display_name for e in DEMO_EMAILS}) == 17

    assert summary.units == len(units)
    assert summary.levels == 3
    assert summary.people_by_role == {
        "manager": 14,
        "director": 2,
        "coach": 2,
        "admin": 1,
    }


def test_the_register_holds_thirty_customers_of_both_kinds(summary):
    customers = db.session.scalars(select(Customer)).all()
    kinds = Counter(c.kind for c in customers)
    assert len(customers) == 30
    assert kinds[CustomerKind.EXTERNAL] >= 15
    assert kinds[CustomerKind.INTERNAL] >= 5
    assert all(c.notes and c.org_unit_id for c in customers)
    assert {len(c.org_unit.ancestors()) for c in customers} >= {1, 2}  # divisions and teams
    assert summary.customers_by_kind == {"external": 22, "internal": 8}


def test_the_summary_matches_what_was_written(summary):
    assert summary.walks == count(Walk)
    assert summary.observations == count(Observation)
    assert summary.follow_ups == count(FollowUp)
    assert summary.observations > summary.walks > 500
    assert summary.follow_ups > 50


def test_director_leads_the_top_unit_and_coaches_have_their_managers(summary):
    director = person("director@example.org")
    assert [unit.parent_id for unit in director.leads] == [None]
    assert director.has_role(Role.DIRECTOR)
    assert director.has_role(Role.MANAGER)
    division = person("director2@example.org").leads
    assert len(division) == 1
    assert division[0].parent_id == director.leads[0].id

    coach, coach2 = person("coach@example.org"), person("coach2@example.org")
    assert person("manager@example.org") in coach.coachees
    assert len(coach.coachees) >= 3
    assert len(coach2.coachees) >= 3
    coached = {p.email for p in [*coach.coachees, *coach2.coachees]}
    assert set(MANAGER_EMAILS) <= coached


def test_every_demo_account_signs_in_with_the_demo_password(summary):
    # argon2 is slow on purpose: one account of each role signs in, and all share that hash.
    for email in ["admin@example.org", "director2@example.org", "coach@example.org"]:
        assert people.authenticate(email, PASSWORD) is not None, email
    assert len(set(db.session.scalars(select(Person.password_hash)))) == 1
    assert people.authenticate("manager@example.org", "not-the-password") is None
    text = summary.describe()
    assert PASSWORD in text
    assert all(email in text for email in DEMO_EMAILS)


def test_manager_signs_in_and_sees_a_walk_planned_for_today(app, client, summary, now):
    manager = person("manager@example.org")
    today = local_today(app, now)
    planned = db.session.scalars(
        select(Walk).where(Walk.manager_id == manager.id, Walk.status == WalkStatus.PLANNED)
    ).all()
    todays = [w for w in planned if w.local_start.date() == today]
    tomorrows = [w for w in planned if w.local_start.date() == today + timedelta(days=1)]
    assert todays
    assert tomorrows

    sign_in(client, manager, PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    page = page_html(response)
    assert "Nothing planned for today" not in page
    planned_today = page.split('id="today-heading"')[1].split("</section>")[0]
    assert any(str(walk.uuid) in planned_today for walk in todays)


def test_walks_span_half_a_year_up_to_now_and_two_weeks_ahead(summary, now):
    first, last = db.session.execute(
        select(func.min(Walk.planned_start), func.max(Walk.planned_start))
    ).one()
    assert now - timedelta(weeks=27) <= first <= now - timedelta(weeks=24)
    assert now + timedelta(days=7) < last <= now + timedelta(days=15)

    walks = db.session.scalars(select(Walk)).all()
    assert {w.version for w in walks} == {1}
    assert all(w.created_at <= w.updated_at <= now for w in walks)
    walkers = [*MANAGER_EMAILS, "director@example.org", "director2@example.org"]
    assert {w.manager_id for w in walks} == {person(e).id for e in walkers}
    for walk in walks:
        if walk.status == WalkStatus.DONE:
            assert walk.started_at <= walk.completed_at <= now
            assert walk.customers_spoken_to is not None
            assert walk.summary
        else:
            assert walk.started_at is None
            assert walk.completed_at is None
    assert any(w.planned_start > now for w in walks)


def test_cancelled_missed_late_and_nobody_there_walks_exist(app, summary, now):
    day_start = day_start_utc(local_today(app, now), app.config["GEMBAWALK_TIMEZONE"])
    walks = db.session.scalars(select(Walk)).all()
    cancelled = [w for w in walks if w.status == WalkStatus.CANCELLED]
    assert cancelled
    assert all(w.created_at <= w.cancelled_at <= min(w.planned_start, now) for w in cancelled)
    assert all(w.cancelled_at is None for w in walks if w.status != WalkStatus.CANCELLED)
    assert any(w.is_missed(day_start) for w in walks)
    done = [w for w in walks if w.status == WalkStatus.DONE]
    assert any(local(w.started_at, w.timezone).date() > w.local_start.date() for w in done)
    assert any(w.kind == WalkKind.CUSTOMER_VISIT and w.customers_spoken_to == 0 for w in done)
    assert summary.walks_by_status["missed"] == sum(w.is_missed(day_start) for w in walks)


def test_observations_are_made_during_their_walk(summary, now):
    observations = db.session.scalars(select(Observation)).all()
    # Notes, not tallies (one tap per demand heard: test_demo_has_demand_types_and_tallies).
    per_walk = Counter(o.walk_id for o in observations if o.demand_type_id is None)
    for observation in observations:
        walk = observation.walk
        assert walk.status == WalkStatus.DONE
        assert walk.started_at <= observation.made_at <= walk.completed_at
        assert observation.made_at <= observation.received_at <= now
        assert observation.author_id == walk.manager_id
        assert (observation.waste_type is not None) == (observation.category == Category.WASTE)
    assert set(per_walk.values()) <= set(range(2, 7))
    done = db.session.scalar(
        select(func.count()).select_from(Walk).where(Walk.status == WalkStatus.DONE)
    )
    assert len(per_walk) == done
    assert {o.category for o in observations} == set(Category)
    assert {o.said_by.value for o in observations} == {"customer", "frontline", "walker"}


def test_follow_ups_are_owned_and_some_are_closed_or_overdue(app, summary, now):
    today = local_today(app, now)
    follow_ups = db.session.scalars(select(FollowUp)).all()
    closed = [f for f in follow_ups if f.status == FollowUpStatus.CLOSED]
    open_ = [f for f in follow_ups if f.status == FollowUpStatus.OPEN]
    assert closed
    assert open_
    assert any(f.due_date < today for f in open_)  # overdue
    for item in closed:
        assert item.closing_note
        assert item.created_at < item.closed_at <= now
    for item in open_:
        assert item.closed_at is None
        assert not item.closing_note
    for item in follow_ups:
        assert item.owner.has_role(Role.MANAGER)
        assert item.created_by_id == item.walk.manager_id
        assert item.observation.walk_id == item.walk_id
        assert item.created_at >= item.walk.completed_at


def _engaged_weeks(app, now) -> dict[str, set[int]]:
    """Weeks (0 = this one, -1 = last) in which each manager had a customer engagement."""
    zone = app.config["GEMBAWALK_TIMEZONE"]
    today = local_today(app, now)
    monday = today - timedelta(days=today.weekday())
    weeks: dict[str, set[int]] = defaultdict(set)
    done = db.session.scalars(select(Walk).where(Walk.status == WalkStatus.DONE)).all()
    for walk in done:
        external = any(c.kind == CustomerKind.EXTERNAL for c in walk.customers)
        if external and walk.customers_spoken_to >= 1:
            weeks[walk.manager.email].add(
                (local(walk.completed_at, zone).date() - monday).days // 7
            )
    return weeks


def test_the_walks_tell_a_spread_of_habits(app, summary, now):
    weeks = _engaged_weeks(app, now)
    every_week = [e for e in MANAGER_EMAILS if set(range(-8, 0)) <= weeks[e]]
    never = [e for e in MANAGER_EMAILS if not weeks[e]]
    assert "manager@example.org" in every_week
    assert never
    # Drifting off: engaged often in the first half, seldom in the last eight weeks ...
    assert any(
        len(weeks[e] & set(range(-25, -12))) > 2 * len(weeks[e] & set(range(-8, 0)))
        for e in MANAGER_EMAILS
    )
    # ... and improving: the other way round.
    assert any(
        len(weeks[e] & set(range(-8, 0))) > 2 * len(weeks[e] & set(range(-25, -17)))
        for e in MANAGER_EMAILS
    )
    # Somebody visits only internal customers: customer visits done, none of them counting.
    visits = db.session.scalars(
        select(Walk).where(Walk.status == WalkStatus.DONE, Walk.kind == WalkKind.CUSTOMER_VISIT)
    ).all()
    visitors = {w.manager.email for w in visits if w.customers}
    assert any(e in visitors for e in never)


def test_the_demo_is_the_same_for_the_same_moment(app):
    moment = datetime(2026, 3, 18, 11, 5, tzinfo=UTC)

    def fingerprint():
        walks = db.session.scalars(select(Walk).order_by(Walk.uuid)).all()
        return [(w.uuid, w.manager.email, w.planned_start, w.status, w.summary) for w in walks]

    def empty():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())

    load_demo(now=moment)
    first = fingerprint()
    empty()
    load_demo(now=moment)
    assert fingerprint() == first


def test_a_second_run_is_refused_and_adds_nothing(summary):
    before = totals()
    with pytest.raises(Conflict):
        load_demo()
    assert totals() == before


def test_refused_when_anybody_exists_already(app):
    factories.PersonFactory(roles=["admin"])
    with pytest.raises(Conflict):
        load_demo()
    assert totals() == {**dict.fromkeys(totals(), 0), "Person": 1}


def test_a_failure_at_the_last_moment_leaves_nothing_behind(app, monkeypatch):
    def flush_then_fail(builder):
        db.session.flush()  # every row has reached the database, inside the transaction
        raise RuntimeError("the connection dropped")

    monkeypatch.setattr(demo._Builder, "summary", flush_then_fail)
    with pytest.raises(RuntimeError):
        demo.load_demo()
    assert set(totals().values()) == {0}


def test_flask_demo_prints_the_sign_ins_and_demo_if_empty_leaves_it_alone(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert PASSWORD in result.output
    assert all(email in result.output for email in DEMO_EMAILS)
    loaded = totals()
    assert loaded["Person"] == 17

    again = runner.invoke(args=["demo-if-empty"])
    assert again.exit_code == 0, again.output
    assert PASSWORD not in again.output
    assert totals() == loaded

    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0
    assert totals() == loaded


def test_demo_if_empty_loads_an_empty_database(app):
    result = app.test_cli_runner().invoke(args=["demo-if-empty"])
    assert result.exit_code == 0, result.output
    assert "manager@example.org" in result.output
    assert count(Person) == 17


def test_demo_has_demand_types_and_tallies(summary):
    from gembawalk.models import DemandType
    from gembawalk.services.demand import types as demand_types

    units = {t.org_unit.name for t in db.session.scalars(select(DemandType))}
    assert units == {"Waste & Fleet Operations", "Planning & Permits", "Customer Contact"}
    team = db.session.scalar(select(OrgUnit).where(OrgUnit.name == "Contact Centre"))
    assert "Chasing a repair" in {t.name for t in demand_types.available(team.id)}
    tallies = db.session.scalars(select(Observation).where(Observation.demand_type_id.is_not(None)))
    tallied = list(tallies)
    assert len(tallied) > 100
    assert all(o.category == o.demand_type.category for o in tallied)
    assert all(o.walk.kind == WalkKind.CUSTOMER_VISIT for o in tallied)
    assert db.session.scalar(
        select(func.count()).select_from(FollowUp).where(FollowUp.demand_type_id.is_not(None))
    )


def test_some_units_ask_standard_questions_and_their_done_walks_answer_them(summary):
    asking = {q.org_unit.name for q in db.session.scalars(select(UnitQuestion))}
    assert asking == {"Waste & Fleet Operations", "Customer Contact"}
    done = db.session.scalars(
        select(Walk).where(Walk.status == WalkStatus.DONE, Walk.questions_json.is_not(None))
    ).all()
    assert done
    for walk in done:
        if walk.questions:
            required = {str(q["id"]) for q in walk.questions if q["required"]}
            assert required <= set(walk.answers)
