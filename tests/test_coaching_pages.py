"""Coaching, follow-up and notification pages, request by request, and who may see what."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Comment, FollowUp, FollowUpStatus, Notification, Review, WalkStatus
from gembawalk.services import coaching
from gembawalk.services.followups import rules as followups

from .coaching_world import build_world
from .conftest import count_queries, page_html, sign_in


@pytest.fixture
def world(app):
    return build_world()


def as_(client, person):
    client.post("/sign-out")
    sign_in(client, person)
    return client


def html(response) -> str:
    return page_html(response)


def in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


# Who sees what: one rule for every page


SEES = {
    # person: (Maya's walk in North, Sam's walk in South)
    "maya": (200, 404),
    "sam": (404, 200),
    "coach": (200, 404),
    "coach2": (404, 200),
    "director": (200, 404),
    "admin": (200, 200),
}


@pytest.mark.parametrize("who", SEES)
def test_each_role_sees_exactly_the_walks_the_rule_allows(app, world, who):
    client = app.test_client()
    sign_in(client, world.people()[who])
    expected = SEES[who]
    for walk, status in zip((world.walk, world.other_walk), expected, strict=True):
        assert client.get(f"/walks/{walk.uuid}").status_code == status, (who, walk.place)
        comment = client.post(f"/coaching/walks/{walk.uuid}/comments", data={"body": "Hi"})
        assert comment.status_code == (302 if status == 200 else 404)
        new = client.get(f"/follow-ups/new?walk={walk.uuid}")
        assert new.status_code == status


@pytest.mark.parametrize("who", SEES)
def test_a_follow_up_is_seen_by_those_who_see_its_walk_and_by_its_owner(app, world, who):
    item, _ = followups.create_follow_up(
        world.maya, world.walk.uuid, action="Act", owner_id=world.sam.id,
        due_date=datetime.now(UTC).date() + timedelta(days=3),
    )  # fmt: skip
    client = app.test_client()
    sign_in(client, world.people()[who])
    expected = 200 if who == "sam" else SEES[who][0]  # Sam owns it
    assert client.get(f"/follow-ups/{item.uuid}").status_code == expected
    closing = client.post(f"/follow-ups/{item.uuid}/close", data={"closing_note": "Done"})
    may_close = who in ("maya", "sam")  # the maker and the owner
    assert closing.status_code == (302 if may_close else 403 if expected == 200 else 404)
    if who == "sam":  # he may not see Maya's walk: no link to it
        assert f"/walks/{world.walk.uuid}" not in html(client.get(f"/follow-ups/{item.uuid}"))


def test_someone_elses_walk_is_read_only(app, world):
    client = app.test_client()
    sign_in(client, world.director)
    page = html(client.get(f"/walks/{world.walk.uuid}"))
    assert "Maya Manager’s walk" in page
    assert "I rang twice" in page
    assert "Add an observation" not in page
    assert "Mark reviewed" not in page
    assert client.post(f"/walks/{world.walk.uuid}/start").status_code in (403, 404)


def test_the_coach_reviews_from_the_queue(app, world):
    client = app.test_client()
    sign_in(client, world.coach)
    queue = html(client.get("/coaching/"))
    assert "<strong>1</strong> walk waiting" in queue
    assert "3 hours" in queue
    assert f"/walks/{world.walk.uuid}" in queue
    assert str(world.other_walk.uuid) not in queue
    page = html(client.get(f"/walks/{world.walk.uuid}"))
    assert "never about blaming people" in page
    response = client.post(f"/coaching/walks/{world.walk.uuid}/reviewed")
    assert response.status_code == 302
    assert response.headers["Location"] == "/coaching/"
    assert db.session.scalar(select(func.count(Review.id))) == 1
    assert "Nothing waiting" in html(client.get("/coaching/"))
    assert "Reviewed" in html(client.get(f"/walks/{world.walk.uuid}"))


def test_a_coach_starts_at_the_review_queue(app, world):
    client = app.test_client()
    sign_in(client, world.coach)
    assert client.get("/").headers["Location"] == "/coaching/"


def test_the_queue_is_for_coaches(app, world):
    client = app.test_client()
    sign_in(client, world.maya)
    assert client.get("/coaching/").status_code == 403


@pytest.mark.parametrize(("body", "message"), [("  ", "Write your comment"), ("z" * 2001, "2000")])
def test_a_refused_comment_keeps_its_text_and_says_why(app, world, body, message):
    client = app.test_client()
    sign_in(client, world.coach)
    comment_id = str(uuid.uuid4())
    response = client.post(
        f"/coaching/walks/{world.walk.uuid}/comments",
        data={"body": body, "observation_id": str(world.obs.uuid), "comment_id": comment_id},
    )
    assert response.status_code == 422
    page = html(response)
    assert message in page
    assert body.strip() in page
    assert comment_id in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_comment_and_its_reply_show_in_one_thread(app, world):
    client = app.test_client()
    sign_in(client, world.coach)
    response = client.post(
        f"/coaching/walks/{world.walk.uuid}/comments",
        data={"body": "What did they say next?", "observation_id": str(world.obs.uuid)},
    )
    assert response.status_code == 302
    comment = db.session.scalar(select(Comment))
    assert response.headers["Location"].endswith(f"#comment-{comment.uuid}")
    as_(client, world.maya)
    assert (
        client.post(
            f"/coaching/walks/{world.walk.uuid}/comments",
            data={"body": "That nobody rang back", "parent_id": str(comment.uuid)},
        ).status_code
        == 302
    )
    page = html(client.get(f"/walks/{world.walk.uuid}"))
    assert page.index("What did they say next?") < page.index("That nobody rang back")


def test_the_walk_page_runs_the_same_queries_however_many_comments(app, world):
    def queries() -> int:
        client = app.test_client()
        sign_in(client, world.coach)
        with count_queries() as statements:
            assert client.get(f"/walks/{world.walk.uuid}").status_code == 200
        return len(statements)

    coaching.add_comment(world.coach, world.walk.uuid, "One", observation_id=world.obs.uuid)
    before = queries()
    for n in range(5):
        first, _ = coaching.add_comment(world.coach, world.walk.uuid, f"More {n}")
        coaching.add_comment(world.maya, world.walk.uuid, "Answer", parent_id=first.uuid)
    followups.create_follow_up(
        world.maya, world.walk.uuid, action="Act", owner_id=world.sam.id,
        due_date=datetime.now(UTC).date() + timedelta(days=3), observation_id=world.obs.uuid,
    )  # fmt: skip
    assert queries() == before


# Follow-ups


def test_a_follow_up_made_from_an_observation_and_closed_shows_on_it(app, world):
    client = app.test_client()
    sign_in(client, world.maya)
    form = f"/follow-ups/new?walk={world.walk.uuid}&observation={world.obs.uuid}"
    assert "I rang twice" in html(client.get(form))
    response = client.post(
        form,
        data={
            "follow_up_id": str(uuid.uuid4()),
            "action": "Ring back every missed call the same day",
            "owner_id": str(world.maya.id),
            "due_date": in_days(7),
        },
    )
    assert response.status_code == 302
    item = db.session.scalar(select(FollowUp))
    assert item.observation_id == world.obs.id
    assert "Ring back every missed call" in html(client.get("/follow-ups/"))
    closed = client.post(
        f"/follow-ups/{item.uuid}/close", data={"closing_note": "We ring back by 5pm now"}
    )
    assert closed.status_code == 302
    page = html(client.get(f"/walks/{world.walk.uuid}"))
    assert "You said, we did:" in page
    assert "We ring back by 5pm now" in page
    assert "We ring back by 5pm now" in html(client.get("/follow-ups/?show=closed"))


def test_a_follow_up_due_in_the_past_or_owned_outside_keeps_what_was_typed(app, world):
    client = app.test_client()
    sign_in(client, world.maya)
    response = client.post(
        f"/follow-ups/new?walk={world.walk.uuid}",
        data={"action": "Fix the gate sign", "owner_id": "999999", "due_date": in_days(-2)},
    )
    assert response.status_code == 422
    page = html(response)
    assert "Fix the gate sign" in page
    assert "cannot be past" in page
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


@pytest.mark.parametrize(("note", "message"), [("", "Say what was done"), ("n" * 2001, "2000")])
def test_a_refused_closing_note_keeps_its_text(app, world, note, message):
    item, _ = followups.create_follow_up(
        world.maya, world.walk.uuid, action="Act", owner_id=world.maya.id,
        due_date=datetime.now(UTC).date() + timedelta(days=3),
    )  # fmt: skip
    client = app.test_client()
    sign_in(client, world.maya)
    response = client.post(f"/follow-ups/{item.uuid}/close", data={"closing_note": note})
    assert response.status_code == 422
    assert message in html(response)
    assert note in html(response)
    assert db.session.get(FollowUp, item.id).status == FollowUpStatus.OPEN


def test_closure_rates_are_for_directors(app, world):
    client = app.test_client()
    sign_in(client, world.director)
    page = html(client.get("/follow-ups/rates"))
    assert "North" in page
    assert "South" not in page
    as_(client, world.maya)
    assert client.get("/follow-ups/rates").status_code == 403


# Notifications


def test_the_unread_badge_counts_and_opening_marks_read(app, world):
    coaching.add_comment(world.coach, world.walk.uuid, "Nice one")
    client = app.test_client()
    sign_in(client, world.maya)
    assert 'aria-label="Inbox, 1 unread"' in html(client.get("/"))
    notification = db.session.scalar(select(Notification))
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/walks/{world.walk.uuid}#comment-")
    assert db.session.get(Notification, notification.id).read_at is not None
    assert "nav-badge" not in html(client.get("/notifications/"))


def test_nobody_opens_anothers_notification(app, world):
    coaching.add_comment(world.coach, world.walk.uuid, "For Maya")
    notification = db.session.scalar(select(Notification))
    client = app.test_client()
    sign_in(client, world.sam)
    assert client.post(f"/notifications/{notification.id}/open").status_code == 404
    assert db.session.get(Notification, notification.id).read_at is None


def test_every_state_change_needs_the_csrf_token(app, world, csrf_on):
    client = app.test_client()
    page = html(client.get("/sign-in"))
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/sign-in",
        data={"email": world.coach.email, "password": "correct horse battery staple",
              "csrf_token": token},
    )  # fmt: skip
    assert client.get("/coaching/").status_code == 200  # signed in
    for url, data in [
        (f"/coaching/walks/{world.walk.uuid}/comments", {"body": "x"}),
        (f"/coaching/walks/{world.walk.uuid}/reviewed", {}),
        ("/notifications/read", {}),
    ]:
        assert client.post(url, data=data).status_code == 400
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert db.session.scalar(select(func.count(Review.id))) == 0


# Pages ask the rules (services/followups/predicates.py) rather than restating them


def test_the_walk_page_offers_follow_ups_only_once_the_walk_has_started(app, world):
    client = as_(app.test_client(), world.maya)
    done = html(client.get(f"/walks/{world.walk.uuid}"))
    assert "Follow-up for the walk" in done
    assert f"/follow-ups/new?walk={world.walk.uuid}&amp;observation={world.obs.uuid}" in done
    world.walk.status = WalkStatus.PLANNED
    db.session.commit()
    planned = html(client.get(f"/walks/{world.walk.uuid}"))
    assert "/follow-ups/new" not in planned


OVERDUE_MARK = re.compile(r"is-overdue|badge-overdue")


def test_an_overdue_follow_up_is_marked_on_every_page_that_lists_it(app, world):
    item, _ = followups.create_follow_up(
        world.maya, world.walk.uuid, action="Mend the gate", owner_id=world.maya.id,
        due_date=datetime.now(UTC).date() + timedelta(days=1),
    )  # fmt: skip
    client = as_(app.test_client(), world.maya)
    for path in (f"/walks/{world.walk.uuid}", "/follow-ups/", f"/follow-ups/{item.uuid}"):
        assert not OVERDUE_MARK.search(html(client.get(path))), path
    item.due_date = datetime.now(UTC).date() - timedelta(days=2)
    db.session.commit()
    for path in (f"/walks/{world.walk.uuid}", "/follow-ups/", f"/follow-ups/{item.uuid}"):
        assert OVERDUE_MARK.search(html(client.get(path))), path


@pytest.mark.parametrize(
    ("who", "sees"), [("maya", False), ("coach", False), ("director", True), ("admin", True)]
)
def test_closure_rates_are_offered_to_directors_and_admins(app, world, who, sees):
    client = as_(app.test_client(), world.people()[who])
    for path in ("/follow-ups/", "/more"):
        assert ("/follow-ups/rates" in html(client.get(path))) is sees, path
