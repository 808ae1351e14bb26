"""The Coverage page: who may see it, what it shows, bad input, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gembawalk.extensions import db
from gembawalk.models import SaidBy
from gembawalk.timeutil import utcnow

from . import factories
from .conftest import count_queries, sign_in


@pytest.fixture
def org(app):
    top = factories.OrgUnitFactory(name="Council")
    north = factories.OrgUnitFactory(name="North", parent=top)
    nights = factories.OrgUnitFactory(name="Night <shift>", parent=north)
    south = factories.OrgUnitFactory(name="South", parent=top)
    director = factories.PersonFactory(
        roles=["director", "manager"], org_unit=north, display_name="Dee Director"
    )
    director.leads = [north]
    ana = factories.PersonFactory(org_unit=north, display_name="Ana North")
    sam = factories.PersonFactory(org_unit=south, display_name="Sam South")
    db.session.commit()
    return {"top": top, "north": north, "nights": nights, "south": south,
            "director": director, "ana": ana, "sam": sam}  # fmt: skip


def walk(manager, days_ago=2, said_by=SaidBy.WALKER):
    done = factories.done_walk(manager, utcnow() - timedelta(days=days_ago))
    factories.ObservationFactory(walk=done, said_by=said_by, made_at=done.completed_at)
    return done


def unvisited(page: str) -> str:
    """The list of units nobody walked (the chart's table below it names every unit)."""
    start = page.index('id="unvisited-heading"')
    return page[start : page.index('class="chart-figure"', start)]


def test_a_director_sees_the_unit_nobody_walked_the_hours_and_the_unheard_walks(client, org):
    quiet = walk(org["ana"])
    walk(org["sam"])  # another unit: not theirs
    sign_in(client, org["director"])
    response = client.get("/engagement/coverage")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Units nobody has walked" in page
    assert "Night &lt;shift&gt;" in unvisited(page)  # escaped
    assert '<span class="never">never</span>' in page
    assert 'class="heat-table"' in page
    assert "<caption>Walks done by day and the hour they started" in page
    assert "1 walks" in page or ": 1 walk" in page
    assert f"/walks/{quiet.uuid}" in page
    assert "Sam South" not in page
    assert 'aria-current="page" class="is-active">4 weeks' in page


def test_the_window_is_picked_and_a_bad_one_is_refused_with_the_reason(client, org):
    walk(org["ana"], days_ago=40)
    sign_in(client, org["director"])
    four = client.get("/engagement/coverage?weeks=4").get_data(as_text=True)
    eight = client.get("/engagement/coverage?weeks=8").get_data(as_text=True)
    assert "Last 4 weeks" in four
    assert "Last 8 weeks" in eight
    north_unwalked = '<th scope="row">North</th>'
    assert north_unwalked in unvisited(four)
    assert north_unwalked not in unvisited(eight)
    response = client.get("/engagement/coverage?weeks=5")
    assert response.status_code == 422
    assert "Choose 4, 8 or 12 weeks." in response.get_data(as_text=True)


def test_only_leaders_and_admins_see_coverage_and_only_their_units(client, org):
    sign_in(client, org["ana"])
    assert client.get("/engagement/coverage").status_code == 403
    client.post("/sign-out")
    sign_in(client, org["director"])
    assert client.get(f"/engagement/coverage?unit={org['south'].id}").status_code == 404
    assert client.get(f"/engagement/coverage?unit={org['nights'].id}").status_code == 200
    client.post("/sign-out")
    assert client.get("/engagement/coverage").status_code == 302


def test_the_tabs_link_to_coverage(client, org):
    sign_in(client, org["director"])
    page = client.get("/engagement/trends").get_data(as_text=True)
    assert f'href="/engagement/coverage?unit={org["north"].id}"' in page


def test_the_page_takes_a_fixed_number_of_queries(client, org):
    walk(org["ana"])
    sign_in(client, org["director"])

    def count():
        with count_queries() as statements:
            assert client.get("/engagement/coverage?weeks=12").status_code == 200
        return len(statements)

    before = count()
    for n in range(6):
        walk(org["ana"] if n % 2 else org["director"], days_ago=n + 1)
        factories.OrgUnitFactory(name=f"Team {n}", parent=org["north"])
    db.session.commit()
    assert count() == before
