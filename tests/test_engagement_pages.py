"""Engagement pages, CSV exports and GET /api/v1/leaderboard: who may see what, and what it says."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import CustomerKind, OrgUnit, WalkKind
from gembawalk.services.engagement.periods import choose_period
from gembawalk.timeutil import utcnow

from . import factories
from .conftest import count_queries, sign_in
from .openapi_check import assert_documented


@pytest.fixture
def org(app):
    """A top unit with two teams; a director leads North; each team has two managers."""
    top = factories.OrgUnitFactory(name="Council")
    north = factories.OrgUnitFactory(name="North", parent=top)
    south = factories.OrgUnitFactory(name="South", parent=top)
    people = {
        "director": factories.PersonFactory(
            roles=["director", "manager"], org_unit=north, display_name="Dee Director"
        ),
        "ana": factories.PersonFactory(org_unit=north, display_name="Ana North"),
        "ben": factories.PersonFactory(org_unit=north, display_name="Ben North"),
        "sam": factories.PersonFactory(org_unit=south, display_name="Sam South"),
        "coach": factories.PersonFactory(roles=["coach"], display_name="Cora Coach"),
    }
    people["director"].leads = [north]
    people["coach"].coachees = [people["ana"]]
    db.session.commit()
    customer = factories.CustomerFactory(org_unit=north, kind=CustomerKind.EXTERNAL, name="Mrs Ali")
    return {"top": top, "north": north, "south": south, "customer": customer, **people}


def engage(manager, customer, days_ago: int = 2, **extra):
    done = utcnow() - timedelta(days=days_ago)
    return factories.done_walk(manager, done, customers=[customer], **extra)


def test_a_director_sees_their_unit_ranked(client, org):
    engage(org["ben"], org["customer"])
    sign_in(client, org["director"])
    page = client.get("/engagement/leaderboard").get_data(as_text=True)
    assert "North" in page
    assert page.index("Ben North") < page.index("Ana North")
    assert "Sam South" not in page  # another unit
    assert "never" in page


class _Board(HTMLParser):
    """The board's column headers, and each row's cells as (tag, data-label)."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self._part = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr" and self._part == "tbody":
            self.rows.append([])
        elif tag == "th" and self._part == "thead":
            self.headers.append("")
        elif tag in ("th", "td") and self._part == "tbody":
            self.rows[-1].append((tag, dict(attrs).get("data-label")))

    def handle_endtag(self, tag):
        if tag in ("thead", "tbody"):
            self._part = ""

    def handle_data(self, data):
        if self._part == "thead" and self.headers:
            self.headers[-1] = " ".join((self.headers[-1] + data).split())


def test_every_figure_on_the_board_is_labelled_as_its_column(client, org):
    """On a phone each row is drawn as a card, each cell showing its data-label in place of
    the column header: the two must say the same, cell for cell."""
    engage(org["ben"], org["customer"])
    sign_in(client, org["director"])
    board = _Board()
    board.feed(client.get("/engagement/leaderboard").get_data(as_text=True))
    assert board.headers[1:3] == ["Manager", "Cadence attainment"]
    assert len(board.headers) == 13
    assert len(board.rows) == 3
    for row in board.rows:
        assert [tag for tag, _ in row] == ["td", "th", *["td"] * 11]  # the name heads its row
        assert row[0][1] == "Rank"
        assert [label for _, label in row[2:]] == board.headers[2:]


def test_leaderboard_refuses_who_leads_nothing_and_hides_units_not_led(client, org):
    sign_in(client, org["ana"])
    assert client.get("/engagement/leaderboard").status_code == 403
    assert client.get("/api/v1/leaderboard").status_code == 403
    client.post("/sign-out")
    sign_in(client, org["director"])
    assert client.get(f"/engagement/leaderboard?unit={org['south'].id}").status_code == 404
    assert client.get(f"/engagement/leaderboard?unit={org['top'].id}").status_code == 404
    assert client.get("/engagement/leaderboard?unit=nonsense").status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, org):
    response = client.get("/engagement/leaderboard")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_an_admin_sees_the_whole_organisation(client, org):
    admin = factories.PersonFactory(roles=["admin"])
    sign_in(client, admin)
    page = client.get("/engagement/leaderboard").get_data(as_text=True)
    assert "Sam South" in page
    assert "Ana North" in page


def test_the_nav_offers_the_leaderboard_to_leaders_only(client, org):
    sign_in(client, org["director"])
    assert "Leaderboard" in client.get("/").get_data(as_text=True)
    client.post("/sign-out")
    sign_in(client, org["ana"])
    assert "Leaderboard" not in client.get("/").get_data(as_text=True)


def test_a_nonsense_period_is_refused_beside_its_field(client, org):
    sign_in(client, org["director"])
    response = client.get("/engagement/leaderboard?period=custom&first=2026-05-10&last=2026-05-01")
    assert response.status_code == 422
    assert "comes before its start" in response.get_data(as_text=True)
    assert 'value="2026-05-10"' in response.get_data(as_text=True)  # what was typed stays


def test_my_engagement_tops_today(client, org):
    sign_in(client, org["ana"])
    page = client.get("/").get_data(as_text=True)
    assert "never" in page
    assert "My last 26 weeks" in page
    engage(org["ana"], org["customer"], days_ago=3)
    page = client.get("/").get_data(as_text=True)
    assert "days since my last customer engagement" in page


def test_the_leaderboard_csv_opens_in_excel(client, org):
    engage(org["ana"], org["customer"])
    org["ben"].display_name = "=HYPERLINK(evil)"
    db.session.commit()
    sign_in(client, org["director"])
    response = client.get("/engagement/leaderboard.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["rank", "manager", "email"]
    ana = next(r for r in rows if r[1] == "Ana North")
    assert ana[0] == "1"
    assert ana[8] == (utcnow() - timedelta(days=2)).date().isoformat()  # ISO date
    assert any(r[1] == "'=HYPERLINK(evil)" for r in rows)  # never a formula
    assert len(rows) == 4


def test_the_walks_csv_lists_the_walks_behind_the_board(client, org):
    engage(org["ana"], org["customer"])
    factories.WalkFactory(manager=org["ben"], planned_start=utcnow() - timedelta(days=3))
    factories.WalkFactory(manager=org["sam"], planned_start=utcnow() - timedelta(days=3))
    sign_in(client, org["director"])
    rows = list(
        csv.reader(io.StringIO(client.get("/engagement/walks.csv").get_data().decode("utf-8-sig")))
    )
    assert rows[0][0] == "manager"
    body = {(r[0], r[4], r[11]) for r in rows[1:]}
    assert body == {("Ana North", "Done", "yes"), ("Ben North", "Missed", "no")}


def test_trends_draw_charts_with_their_numbers(client, org):
    engage(org["ana"], org["customer"])
    engage(org["ana"], org["customer"], days_ago=9, kind=WalkKind.CUSTOMER_VISIT)
    sign_in(client, org["director"])
    page = client.get("/engagement/trends").get_data(as_text=True)
    assert page.count('role="img"') == 4
    assert "<title" in page
    assert "<desc" in page
    assert "<table>" in page
    assert "Ana North" in page
    assert "<script" not in page.split("</main>")[0]


def test_customers_not_seen_for_90_days(client, org):
    seen = org["customer"]
    factories.CustomerFactory(org_unit=org["north"], name="Mr Forgotten")
    lapsed = factories.CustomerFactory(org_unit=org["north"], name="Ms Lapsed")
    engage(org["ana"], seen, days_ago=5)
    engage(org["ben"], lapsed, days_ago=120)
    sign_in(client, org["director"])
    page = client.get("/engagement/customers").get_data(as_text=True)
    assert "Mr Forgotten" in page
    assert "Ana North" in page  # by whom
    page = client.get("/engagement/customers?not_seen=1").get_data(as_text=True)
    assert "Mr Forgotten" in page
    assert "Ms Lapsed" in page
    assert "Mrs Ali" not in page


def test_a_manager_page_follows_the_access_rule(client, org):
    walk = engage(org["ana"], org["customer"])
    sign_in(client, org["director"])
    page = client.get(f"/engagement/managers/{org['ana'].id}").get_data(as_text=True)
    assert f"/walks/{walk.uuid}" in page
    assert client.get(f"/engagement/managers/{org['sam'].id}").status_code == 404
    client.post("/sign-out")
    sign_in(client, org["coach"])
    assert client.get(f"/engagement/managers/{org['ana'].id}").status_code == 200
    assert client.get(f"/engagement/managers/{org['ben'].id}").status_code == 404
    client.post("/sign-out")
    sign_in(client, org["ben"])
    assert client.get(f"/engagement/managers/{org['ben'].id}").status_code == 200
    assert client.get(f"/engagement/managers/{org['ana'].id}").status_code == 404


def test_api_leaderboard_answers_as_documented(client, org):
    engage(org["ana"], org["customer"], days_ago=1)
    sign_in(client, org["director"])
    response = client.get("/api/v1/leaderboard")
    assert response.status_code == 200
    assert_documented(client, response, "get", "/leaderboard")
    body = response.get_json()
    period = choose_period("4w")
    assert body["unit"] == {"id": org["north"].id, "name": "North"}
    assert (body["from"], body["to"]) == (period.first.isoformat(), period.last.isoformat())
    first, *rest = body["rows"]
    assert first["manager"]["name"] == "Ana North"
    assert first["rank"] == 1
    assert first["customer_engagements"] == 1
    assert first["customer_contacts"] == 2
    assert first["days_since_last_customer_engagement"] in (0, 1, 2)
    assert first["cadence_attainment"] == 0.25
    assert first["failure_demand_share"] is None
    assert rest[-1]["days_since_last_customer_engagement"] is None


def test_api_leaderboard_takes_unit_and_dates(client, org):
    sign_in(client, org["director"])
    response = client.get(
        f"/api/v1/leaderboard?unit={org['north'].id}&from=2026-01-05&to=2026-01-11"
    )
    body = response.get_json()
    assert (body["from"], body["to"]) == ("2026-01-05", "2026-01-11")
    assert all(row["plan_adherence"] is None for row in body["rows"])
    for path, status in (
        (f"/api/v1/leaderboard?unit={org['south'].id}", 404),
        ("/api/v1/leaderboard?from=5 May", 422),
        ("/api/v1/leaderboard?from=2026-02-01&to=2026-01-01", 422),
        ("/api/v1/leaderboard?unit=x", 422),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert response.get_json()["error"]
        assert_documented(client, response, "get", "/leaderboard")
    client.post("/sign-out")
    response = client.get("/api/v1/leaderboard")
    assert response.status_code == 401
    assert_documented(client, response, "get", "/leaderboard")


def test_pages_take_a_fixed_number_of_queries(client, org):
    walk = engage(org["ana"], org["customer"])
    factories.ObservationFactory(walk=walk, made_at=walk.completed_at)
    sign_in(client, org["director"])
    pages = [
        "/engagement/leaderboard",
        "/engagement/trends",
        "/engagement/customers",
        "/api/v1/leaderboard",
        "/engagement/leaderboard.csv",
        f"/engagement/managers/{org['ana'].id}",
        "/",
    ]

    def counts():
        found = {}
        for path in pages:
            with count_queries() as statements:
                assert client.get(path).status_code == 200, path
            found[path] = len(statements)
        return found

    before = counts()
    for n in range(6):
        person = factories.PersonFactory(org_unit=org["north"], display_name=f"New {n}")
        customer = factories.CustomerFactory(org_unit=org["north"])
        for days in (1, 8, 15):
            walk = engage(person, customer, days_ago=days)
            factories.ObservationFactory(walk=walk, made_at=walk.completed_at)
        engage(org["director"], customer, days_ago=n + 1)
        engage(org["ana"], customer, days_ago=n + 1)
    assert counts() == before


def test_managers_who_left_stay_for_the_periods_they_worked(client, org):
    engage(org["ana"], org["customer"], days_ago=10)
    org["ana"].active = False  # left the organisation after that walk
    org["ben"].active = False  # left, with nothing done in the period
    db.session.commit()
    sign_in(client, org["director"])
    page = client.get("/engagement/leaderboard").get_data(as_text=True)
    assert "Ana North" in page
    assert "Left" in page
    assert "Ben North" not in page
    names = [r["manager"]["name"] for r in client.get("/api/v1/leaderboard").get_json()["rows"]]
    assert names == ["Ana North", "Dee Director"]


def test_a_manager_who_moved_unit_is_counted_where_they_are_now(client, org):
    engage(org["sam"], org["customer"], days_ago=10)
    org["sam"].org_unit = org["north"]
    db.session.commit()
    sign_in(client, org["director"])
    rows = client.get("/api/v1/leaderboard").get_json()["rows"]
    assert rows[0]["manager"]["name"] == "Sam South"
    assert rows[0]["customer_engagements"] == 1


def test_an_empty_unit_has_an_empty_board(client, org):
    empty = factories.OrgUnitFactory(name="Nobody yet", parent=org["north"])
    sign_in(client, org["director"])
    response = client.get(f"/engagement/leaderboard?unit={empty.id}")
    assert response.status_code == 200
    assert "No managers in Nobody yet" in response.get_data(as_text=True)
    body = client.get(f"/api/v1/leaderboard?unit={empty.id}").get_json()
    assert body["rows"] == []
    assert client.get(f"/engagement/trends?unit={empty.id}").status_code == 200
    assert client.get(f"/engagement/customers?unit={empty.id}").status_code == 200
    csv_text = client.get(f"/engagement/walks.csv?unit={empty.id}").get_data().decode("utf-8-sig")
    assert csv_text.count("\n") == 1  # the header alone


def test_a_future_period_says_so(client, org):
    sign_in(client, org["director"])
    page = client.get("/engagement/leaderboard?period=custom&first=2031-01-06&last=2031-01-12")
    assert page.status_code == 200
    assert "has not started yet" in page.get_data(as_text=True)


@pytest.mark.parametrize("name", ["Łódź Town Hall", "東京"])
def test_csv_exports_of_units_named_beyond_latin_1_download(client, org, name):
    for n, unit in enumerate(db.session.scalars(select(OrgUnit))):
        unit.name = f"{name} {n}"
    db.session.commit()
    sign_in(client, org["director"])
    for path in ("/engagement/leaderboard.csv", "/engagement/walks.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        disposition = response.headers["Content-Disposition"]
        disposition.encode("latin-1")  # a header must be; the full name goes in filename*
        assert 'filename="' in disposition
        assert quote(name.lower().replace(" ", "-")) in disposition.split("filename*=UTF-8''")[1]
