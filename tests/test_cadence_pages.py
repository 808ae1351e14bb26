"""Cadence in the pages: the admin sets a unit default and a person's own targets; a manager
sees their cadence on the account page and what is still due this week on Today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gembawalk.extensions import db
from gembawalk.models import CadencePeriod, OrgUnit, Person, WalkKind, WalkStatus
from gembawalk.services.cadence import due as cadence_due
from gembawalk.services.cadence import settings as cadence_settings
from gembawalk.services.cadence import targets as cadence
from gembawalk.services.errors import Forbidden, Invalid

from . import factories
from .conftest import sign_in

# Wednesday 10 March 2027, midday in London: the week runs Monday 8 to Sunday 14 March.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def _setting(**fields) -> cadence_settings.CadenceSetting:
    return cadence_settings.CadenceSetting(**{"own": True, "period": "week", **fields})


def test_an_admin_sets_a_unit_default_and_a_person_overrides_it(app, admin, manager, unit):
    cadence_settings.set_unit_cadence(
        admin, unit.id, _setting(customer_visits=2, gemba_walks=1, period="month")
    )
    target = cadence.target_for(manager)
    assert (target.customer_visits, target.gemba_walks, target.period) == (
        2,
        1,
        CadencePeriod.MONTH,
    )
    assert target.source_name == "Northgate depot"
    cadence_settings.set_person_cadence(
        admin, manager.id, _setting(customer_visits=3, gemba_walks=5)
    )
    assert cadence.target_for(manager).source == "person"
    cadence_settings.set_person_cadence(admin, manager.id, _setting(own=False))
    assert cadence.target_for(manager).source == "unit"
    assert db.session.get(Person, manager.id).cadence_customer_visits is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"customer_visits": -1, "gemba_walks": 3}, "customer_visits"),
        ({"customer_visits": 1, "gemba_walks": 51}, "gemba_walks"),
        ({"customer_visits": None, "gemba_walks": 3}, "customer_visits"),
        ({"customer_visits": 0, "gemba_walks": 0}, "customer_visits"),
        ({"customer_visits": 1, "gemba_walks": 1, "period": "fortnight"}, "period"),
    ],
)
def test_bad_cadence_settings_are_refused(app, admin, manager, fields, field):
    with pytest.raises(Invalid) as refused:
        cadence_settings.set_person_cadence(admin, manager.id, _setting(**fields))
    assert field in refused.value.errors
    assert db.session.get(Person, manager.id).cadence_period is None


def test_only_an_admin_sets_cadence(app, manager, unit):
    with pytest.raises(Forbidden):
        cadence_settings.set_unit_cadence(manager, unit.id, _setting(customer_visits=1))


def test_the_admin_cadence_pages_keep_what_was_typed(admin_client, manager, unit):
    page = admin_client.get(f"/admin/people/{manager.id}/edit").get_data(as_text=True)
    assert f"/admin/people/{manager.id}/cadence" in page
    form = admin_client.get(f"/admin/people/{manager.id}/cadence").get_data(as_text=True)
    assert "1 customer visit and 3 gemba walks a week" in form
    response = admin_client.post(
        f"/admin/people/{manager.id}/cadence",
        data={"mode": "own", "customer_visits": "0", "gemba_walks": "0", "period": "week"},
    )
    assert response.status_code == 422
    assert "Ask for at least one walk" in response.get_data(as_text=True)
    response = admin_client.post(
        f"/admin/people/{manager.id}/cadence",
        data={"mode": "own", "customer_visits": "2", "gemba_walks": "4", "period": "month"},
    )
    assert response.status_code == 302
    person = db.session.get(Person, manager.id)
    assert (person.cadence_customer_visits, person.cadence_gemba_walks) == (2, 4)
    response = admin_client.post(
        f"/admin/units/{unit.id}/cadence",
        data={"mode": "own", "customer_visits": "1", "gemba_walks": "2", "period": "week"},
    )
    assert response.status_code == 302
    assert db.session.get(OrgUnit, unit.id).cadence_gemba_walks == 2


def test_a_manager_cannot_open_the_admin_cadence_page(manager_client, manager):
    assert manager_client.get(f"/admin/people/{manager.id}/cadence").status_code == 403


def test_the_account_page_shows_the_managers_cadence(manager_client):
    page = manager_client.get("/account").get_data(as_text=True)
    assert "1 customer visit and 3 gemba walks a week" in page
    assert "the organisation&#39;s default" in page


def _done(manager, kind, completed, *, spoke=1, external=True):
    walk = factories.WalkFactory(
        manager=manager,
        kind=kind,
        status=WalkStatus.DONE,
        planned_start=completed - timedelta(hours=1),
        started_at=completed - timedelta(hours=1),
        completed_at=completed,
        customers_spoken_to=spoke,
    )
    if kind == WalkKind.CUSTOMER_VISIT:
        walk.customers = [
            factories.CustomerFactory(
                org_unit=manager.org_unit,
                kind="external" if external else "internal",
            )
        ]
        db.session.commit()
    return walk


def test_due_counts_engagements_and_walks_in_this_week(app, manager):
    monday = datetime(2027, 3, 8, 10, 0, tzinfo=UTC)
    _done(manager, WalkKind.GEMBA_WALK, monday)
    _done(manager, WalkKind.GEMBA_WALK, monday - timedelta(days=1))  # last week: not counted
    _done(manager, WalkKind.CUSTOMER_VISIT, monday, spoke=0)  # nobody met: not an engagement
    _done(manager, WalkKind.CUSTOMER_VISIT, monday, external=False)  # internal only
    factories.WalkFactory(
        manager=manager, kind=WalkKind.GEMBA_WALK, planned_start=NOW + timedelta(days=1)
    )
    factories.WalkFactory(  # next week: not this week's plan
        manager=manager, kind=WalkKind.CUSTOMER_VISIT, planned_start=NOW + timedelta(days=6)
    )
    due = cadence_due.due_now(manager, now=NOW)
    visits, walks = due.lines
    assert (visits.target, visits.done, visits.left, visits.planned) == (1, 0, 1, 0)
    assert (walks.target, walks.done, walks.left, walks.planned) == (3, 1, 2, 1)
    assert not due.met
    _done(manager, WalkKind.CUSTOMER_VISIT, monday + timedelta(days=1))
    assert cadence_due.due_now(manager, now=NOW).lines[0].left == 0


def test_today_says_what_is_still_due_this_week(client, manager):
    sign_in(client, manager)
    page = client.get("/").get_data(as_text=True)
    assert "1 customer visit still to do this week" in page
    assert "3 gemba walks still to do this week" in page
    assert "none planned yet" in page


def test_today_says_when_the_cadence_is_met(app, client, manager, admin):
    cadence_settings.set_person_cadence(
        admin, manager.id, _setting(customer_visits=0, gemba_walks=1, period="month")
    )
    _done(manager, WalkKind.GEMBA_WALK, datetime.now(UTC) - timedelta(minutes=5))
    sign_in(client, manager)
    page = client.get("/").get_data(as_text=True)
    assert "This month's cadence is met" in page
