"""The walk loop's rules, tested without HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk import limits
from gembawalk.extensions import db
from gembawalk.models import Customer, Observation, Walk, WalkStatus
from gembawalk.services.errors import Conflict, Forbidden, Invalid, NotFound
from gembawalk.services.walks import agenda
from gembawalk.services.walks import lifecycle as walks
from gembawalk.services.walks.observations import add_observation

from .factories import CustomerFactory, OrgUnitFactory, PersonFactory, WalkFactory

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # a Tuesday, London on GMT


def plan(**overrides) -> walks.WalkPlan:
    fields = {
        "kind": "customer_visit",
        "day": date(2026, 3, 12),
        "at": time(9, 30),
        "place": "Northgate depot",
        "purpose": "Watch collections",
        "planned_minutes": 60,
    }
    return walks.WalkPlan(**{**fields, **overrides})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def record(**overrides) -> walks.WalkRecord:
    fields = {
        "started_at": datetime(2026, 3, 10, 9, 0),
        "completed_at": datetime(2026, 3, 10, 9, 50),
        "customers_spoken_to": 3,
        "summary": "Customers wait at the counter for paperwork.",
    }
    return walks.WalkRecord(**{**fields, **overrides})


def test_planned_start_is_stored_in_utc_with_the_zone_it_was_planned_in(manager):
    walk = walks.plan_walk(manager, plan(day=date(2026, 4, 2), at=time(9, 30)), now=NOW)
    assert walk.timezone == "Europe/London"
    # 09:30 British Summer Time is 08:30 UTC.
    assert walk.planned_start == datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
    assert walk.local_start.strftime("%H:%M") == "09:30"
    assert walk.status == WalkStatus.PLANNED


def test_a_person_zone_wins_over_the_organisation_zone(app, unit):
    person = PersonFactory(roles=["manager"], org_unit=unit, timezone="America/Phoenix")
    walk = walks.plan_walk(person, plan(day=date(2026, 3, 12), at=time(9, 0)), now=NOW)
    assert walk.timezone == "America/Phoenix"
    assert walk.planned_start == datetime(2026, 3, 12, 16, 0, tzinfo=UTC)


def test_a_local_time_skipped_by_the_clocks_going_forward_is_refused(manager):
    # 29 March 2026: London goes from 01:00 straight to 02:00.
    with pytest.raises(Invalid) as refused:
        walks.plan_walk(manager, plan(day=date(2026, 3, 29), at=time(1, 30)), now=NOW)
    assert "does not exist" in refused.value.errors["at"]
    assert count(Walk) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"day": None}, "day"),
        ({"at": None}, "at"),
        ({"day": date(2026, 3, 9)}, "day"),  # yesterday
        ({"kind": "coffee"}, "kind"),
        ({"planned_minutes": 2}, "planned_minutes"),
        ({"planned_minutes": 50}, "planned_minutes"),  # not a length the forms offer
        ({"planned_minutes": 600}, "planned_minutes"),  # the offline form's old maximum
        ({"planned_minutes": None}, "planned_minutes"),
        ({"place": "x" * 201}, "place"),
        ({"purpose": "bad\x00byte"}, "purpose"),
    ],
)
def test_bad_plans_are_refused_on_the_field_and_store_nothing(manager, overrides, field):
    with pytest.raises(Invalid) as refused:
        walks.plan_walk(manager, plan(**overrides), now=NOW)
    assert field in refused.value.errors
    assert count(Walk) == 0


def test_every_length_the_forms_offer_is_accepted(manager):
    for minutes in limits.WALK_MINUTES:
        walk = walks.plan_walk(manager, plan(planned_minutes=minutes), now=NOW)
        assert walk.planned_minutes == minutes


def test_a_walk_planned_under_the_older_wider_rule_keeps_its_length_when_changed(manager):
    walk = WalkFactory(manager=manager, planned_minutes=300, planned_start=NOW + timedelta(days=2))
    walks.update_walk(manager, walk.uuid, plan(place="Southgate", planned_minutes=300), now=NOW)
    assert (walk.place, walk.planned_minutes) == ("Southgate", 300)
    with pytest.raises(Invalid):
        walks.update_walk(manager, walk.uuid, plan(planned_minutes=301), now=NOW)


def test_customers_come_from_the_own_unit_and_the_units_above(app):
    top = OrgUnitFactory(name="Permits")
    team = OrgUnitFactory(name="Air permits", parent=top)
    other = OrgUnitFactory(name="Licensing")
    person = PersonFactory(roles=["manager"], org_unit=team)
    own, shared = CustomerFactory(org_unit=team), CustomerFactory(org_unit=top)
    foreign = CustomerFactory(org_unit=other)

    walk = walks.plan_walk(person, plan(customer_ids=[own.id, shared.id]), now=NOW)
    assert {c.id for c in walk.customers} == {own.id, shared.id}

    with pytest.raises(Invalid) as refused:
        walks.plan_walk(person, plan(customer_ids=[own.id, foreign.id]), now=NOW)
    assert "customer_ids" in refused.value.errors
    assert count(Walk) == 1


def test_a_new_customer_is_added_to_the_register_on_the_spot(manager):
    walk = walks.plan_walk(
        manager, plan(new_customer_name="Acme Haulage", new_customer_kind="external"), now=NOW
    )
    customer = db.session.scalar(select(Customer).where(Customer.name == "Acme Haulage"))
    assert customer.org_unit_id == manager.org_unit_id
    assert walk.customers == [customer]


def test_a_refused_plan_does_not_leave_the_new_customer_behind(manager):
    with pytest.raises(Invalid):
        walks.plan_walk(manager, plan(new_customer_name="Acme Haulage", place="x" * 300), now=NOW)
    assert count(Customer) == 0


def test_only_managers_plan_walks(app, unit):
    coach = PersonFactory(roles=["coach"], org_unit=unit)
    with pytest.raises(Forbidden):
        walks.plan_walk(coach, plan(), now=NOW)


def test_the_same_walk_id_sent_twice_plans_one_walk(manager):
    walk_id = uuid.uuid4()
    first = walks.plan_walk(manager, plan(), walk_id=walk_id, now=NOW)
    again = walks.plan_walk(manager, plan(), walk_id=walk_id, now=NOW)
    assert first.id == again.id
    assert count(Walk) == 1


def test_the_walk_loop_start_observe_complete(manager):
    walk = walks.plan_walk(manager, plan(day=date(2026, 3, 10), at=time(9, 0)), now=NOW)
    walks.start_walk(manager, walk.uuid, now=NOW)
    assert walk.status == WalkStatus.IN_PROGRESS
    assert walk.started_at == NOW
    add_observation(
        manager,
        walk.uuid,
        category="failure_demand",
        said_by="customer",
        text="Second call: the letter did not say what to bring",
    )
    add_observation(
        manager,
        walk.uuid,
        category="waste",
        waste_type="waiting",
        text="Queue at the counter while forms are copied",
    )
    done = walks.complete_walk(manager, walk.uuid, record(), now=NOW)
    assert done.status == WalkStatus.DONE
    assert done.started_at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert done.completed_at == datetime(2026, 3, 10, 9, 50, tzinfo=UTC)
    assert done.customers_spoken_to == 3
    assert [o.category.value for o in done.observations] == ["failure_demand", "waste"]
    assert done.version == 3  # planned, started, completed


def test_waste_needs_its_type_and_other_categories_drop_it(manager):
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    with pytest.raises(Invalid) as refused:
        add_observation(manager, walk.uuid, category="waste", text="Forms copied twice")
    assert "waste_type" in refused.value.errors
    note = add_observation(
        manager, walk.uuid, category="good_practice", waste_type="defects", text="Team huddle at 8"
    )
    assert note.waste_type is None


def test_observations_need_a_started_walk_and_text(manager):
    planned = WalkFactory(manager=manager)
    with pytest.raises(Conflict):
        add_observation(manager, planned.uuid, category="what_matters", text="Speed")
    live = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    with pytest.raises(Invalid) as refused:
        add_observation(manager, live.uuid, category="what_matters", text="   ")
    assert "text" in refused.value.errors
    with pytest.raises(Invalid):
        add_observation(manager, live.uuid, category="what_matters", text="x" * 2001)
    assert count(Observation) == 0


def test_an_observation_sent_twice_is_stored_once(manager):
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    obs_id = uuid.uuid4()
    for _ in range(2):
        add_observation(
            manager, walk.uuid, category="what_matters", text="Being told", observation_id=obs_id
        )
    assert count(Observation) == 1


def test_a_walk_cannot_finish_before_it_started_or_in_the_future(manager):
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    with pytest.raises(Invalid) as refused:
        walks.complete_walk(
            manager, walk.uuid, record(completed_at=datetime(2026, 3, 10, 8, 0)), now=NOW
        )
    assert "before it started" in refused.value.errors["completed_at"]
    with pytest.raises(Invalid) as refused:
        walks.complete_walk(
            manager, walk.uuid, record(completed_at=datetime(2026, 3, 10, 12, 0)), now=NOW
        )
    assert "completed_at" in refused.value.errors
    with pytest.raises(Invalid):
        walks.complete_walk(manager, walk.uuid, record(customers_spoken_to=-1), now=NOW)
    db.session.refresh(walk)
    assert walk.status == WalkStatus.IN_PROGRESS
    assert walk.completed_at is None


def test_completing_twice_counts_once(manager):
    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    walks.complete_walk(manager, walk.uuid, record(), now=NOW)
    again = walks.complete_walk(manager, walk.uuid, record(customers_spoken_to=9), now=NOW)
    assert again.customers_spoken_to == 3
    assert again.version == 2


def test_only_a_planned_walk_is_changed_or_cancelled(manager):
    walk = walks.plan_walk(manager, plan(), now=NOW)
    walks.update_walk(manager, walk.uuid, plan(place="Southgate"), now=NOW)
    assert walk.place == "Southgate"
    assert walk.version == 2
    walks.cancel_walk(manager, walk.uuid, now=NOW)
    assert walk.status == WalkStatus.CANCELLED
    assert walk.cancelled_at == NOW
    with pytest.raises(Conflict):
        walks.update_walk(manager, walk.uuid, plan(place="Eastgate"), now=NOW)
    with pytest.raises(Conflict):
        walks.start_walk(manager, walk.uuid, now=NOW)


def test_another_managers_walk_does_not_exist_for_you(app, unit):
    mine = PersonFactory(roles=["manager"], org_unit=unit)
    theirs = WalkFactory(manager=PersonFactory(roles=["manager"], org_unit=unit))
    for action in (
        lambda: walks.get_own_walk(mine, theirs.uuid),
        lambda: walks.start_walk(mine, theirs.uuid),
        lambda: walks.cancel_walk(mine, theirs.uuid),
        lambda: add_observation(mine, theirs.uuid, category="waste", text="x"),
    ):
        with pytest.raises(NotFound):
            action()
    assert theirs.status == WalkStatus.PLANNED


def test_today_and_my_walks_sort_walks_by_local_day(manager):
    def at(day, hour, **kw):
        return WalkFactory(
            manager=manager, planned_start=datetime(2026, 3, day, hour, tzinfo=UTC), **kw
        )

    earlier_today = at(10, 7)
    later_today = at(10, 15)
    tomorrow = at(11, 9)
    yesterday = at(9, 9)
    live = at(10, 8, status=WalkStatus.IN_PROGRESS, started_at=NOW)
    done = at(8, 9, status=WalkStatus.DONE, started_at=NOW, completed_at=NOW)
    cancelled = at(12, 9, status=WalkStatus.CANCELLED, cancelled_at=NOW)
    other_manager = WalkFactory(planned_start=datetime(2026, 3, 10, 12, tzinfo=UTC))

    today = agenda.today_view(manager, now=NOW)
    assert today.in_progress == [live]
    assert today.planned_today == [earlier_today, later_today]
    assert today.coming_up == [tomorrow]
    assert other_manager not in today.planned_today
    assert today.done_today == [done]  # planned for the 8th, done today
    assert agenda.today_view(manager, now=NOW - timedelta(days=2)).done_today == []

    def listed(show, **kw):
        return agenda.my_walks(manager, show=show, now=NOW, **kw).walks

    assert listed("missed") == [yesterday]
    assert listed("upcoming") == [earlier_today, live, later_today, tomorrow]
    assert listed("done") == [done]
    assert listed("cancelled") == [cancelled]
    assert agenda.my_walks(manager, now=NOW).counts == {
        "upcoming": 4,
        "done": 1,
        "missed": 1,
        "cancelled": 1,
    }
    assert not yesterday.is_missed(agenda.day_of(manager, NOW - timedelta(days=1)).day_start)
    assert yesterday.is_missed(agenda.day_of(manager, NOW).day_start)


def test_long_lists_come_a_page_at_a_time_newest_first(manager):
    for days_ago in range(1, 6):
        when = NOW - timedelta(days=days_ago)
        WalkFactory(
            manager=manager,
            planned_start=when,
            status=WalkStatus.DONE,
            started_at=when,
            completed_at=when,
            place=f"{days_ago} days ago",
        )
    page = agenda.my_walks(manager, show="done", limit=2, now=NOW)
    assert [w.place for w in page.walks] == ["1 days ago", "2 days ago"]
    assert page.has_more
    assert not agenda.my_walks(manager, show="done", limit=5, now=NOW).has_more


def test_a_walk_late_on_sunday_evening_in_phoenix_is_still_today_there(app, unit):
    person = PersonFactory(roles=["manager"], org_unit=unit, timezone="America/Phoenix")
    # 22:00 in Phoenix on Sunday 15 March is 05:00 UTC on Monday.
    walk = WalkFactory(
        manager=person,
        timezone="America/Phoenix",
        planned_start=datetime(2026, 3, 16, 5, 0, tzinfo=UTC),
    )
    sunday_evening = datetime(2026, 3, 16, 3, 0, tzinfo=UTC)
    assert agenda.today_view(person, now=sunday_evening).planned_today == [walk]
    later = sunday_evening + timedelta(hours=3)
    assert agenda.my_walks(person, show="missed", now=later).walks == []
    next_day = sunday_evening + timedelta(hours=22)
    assert agenda.my_walks(person, show="missed", now=next_day).walks == [walk]
