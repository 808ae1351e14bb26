"""The navigation: four places in the phone's bottom bar, every place on wide screens, and a
More page with the rest, whose badge keeps counts that would otherwise be hidden."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from gembawalk.services import coaching
from gembawalk.services.followups import rules as followups

from . import factories
from .conftest import count_queries, sign_in


def _labels(html: str, nav_class: str) -> list[str]:
    block = re.search(rf'<nav class="{nav_class}"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<span>([^<]+)</span>", block)


@pytest.mark.parametrize(
    ("roles", "bottom", "top"),
    [
        (
            ["manager"],
            ["Today", "Walks", "Follow-ups", "More"],
            ["Today", "Walks", "Plan", "Follow-ups", "Inbox", "More"],
        ),
        (["coach"], ["Review", "Follow-ups", "Inbox", "More"], None),
        (["admin"], ["Admin", "Follow-ups", "Inbox", "More"], None),
        (
            ["manager", "coach", "admin"],
            ["Today", "Walks", "Follow-ups", "More"],
            [
                "Today",
                "Walks",
                "Plan",
                "Review",
                "Follow-ups",
                "Inbox",
                "Leaderboard",
                "Admin",
                "More",
            ],
        ),
    ],
)
def test_the_phone_bar_holds_four_places_and_the_top_bar_all(app, client, roles, bottom, top):
    person = factories.PersonFactory(roles=roles)
    sign_in(client, person)
    html = client.get("/more").get_data(as_text=True)
    assert _labels(html, "bottomnav") == bottom
    if top:
        assert _labels(html, "topnav") == top


def test_more_lists_everything_else_and_its_badge_counts_what_waits_there(app, client, unit):
    coach = factories.PersonFactory(roles=["coach"], display_name="Cora Coach")
    maya = factories.PersonFactory(roles=["manager"], org_unit=unit, coaches=[coach])
    walk = factories.WalkFactory(manager=maya)
    coaching.add_comment(coach, walk.uuid, "What did the customer say first?")
    sign_in(client, maya)

    html = client.get("/").get_data(as_text=True)
    bottom = re.search(r'<nav class="bottomnav".*?</nav>', html, re.S).group(0)
    assert 'aria-label="More, 1 new"' in bottom

    more = client.get("/more").get_data(as_text=True)
    for place in ("Plan a walk", "Inbox", "Account", "Sign out"):
        assert place in more
    assert '1<span class="visually-hidden"> unread</span>' in more
    assert "Admin" not in more
    assert 'aria-current="page"' in re.search(r'<nav class="bottomnav".*?</nav>', more, re.S).group(
        0
    )


def test_more_needs_a_sign_in(client, app):
    factories.PersonFactory(roles=["manager"])
    response = client.get("/more")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# The navigation's counts (templating.py): asked for only by a page that draws the navigation,
# and then run once however often that page shows them.

COUNTS = {
    "unread notifications": re.compile(r"count\(notifications\.id\)", re.I),
    "reviews waiting": re.compile(r"count\(walks\.id\)", re.I),
}


def _runs(statements: list[str]) -> dict[str, int]:
    return {name: sum(bool(p.search(s)) for s in statements) for name, p in COUNTS.items()}


def _coach_with_something_waiting(unit):
    coach = factories.PersonFactory(roles=["coach", "manager"], org_unit=unit)
    maya = factories.PersonFactory(roles=["manager"], org_unit=unit, coaches=[coach])
    walk = factories.done_walk(maya, datetime.now(UTC) - timedelta(hours=2))
    followups.create_follow_up(
        maya, walk.uuid, action="Look at the gate", owner_id=coach.id,
        due_date=date.today() + timedelta(days=3),
    )  # fmt: skip
    return coach


def test_a_page_with_the_navigation_runs_each_count_once(app, client, unit):
    sign_in(client, _coach_with_something_waiting(unit))
    # More shows both counts in the page as well as in both navigation bars.
    with count_queries() as statements:
        more = client.get("/more").get_data(as_text=True)
    assert 'aria-label="Review, 1 waiting"' in more
    assert 'aria-label="Inbox, 1 unread"' in more
    assert _runs(statements) == {"unread notifications": 1, "reviews waiting": 1}


def test_a_response_without_the_navigation_runs_no_count(app, client, unit):
    sign_in(client, _coach_with_something_waiting(unit))
    for path in ("/app", "/api/v1/me", "/sw.js"):
        with count_queries() as statements:
            assert client.get(path).status_code == 200, path
        assert _runs(statements) == {"unread notifications": 0, "reviews waiting": 0}, path
