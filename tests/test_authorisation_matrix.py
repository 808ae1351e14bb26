"""The authorisation matrix, walked from the URL map so that a new route cannot be forgotten:
every route × every role × another person's object gives the expected answer and changes
nothing; no GET changes anything; and nobody can assign fields the forms do not offer."""

from __future__ import annotations

import io
import uuid as uuid_lib
from datetime import date, time, timedelta

import pytest
from sqlalchemy import String, cast, literal, select, text

from gembawalk.extensions import db
from gembawalk.models import (
    AuditEvent,
    Notification,
    NotificationKind,
    Photo,
    RepeatRule,
    Role,
    Walk,
    WalkKind,
    WalkSeries,
)
from gembawalk.models.conflicts import SyncConflict
from gembawalk.services import coaching
from gembawalk.services.followups import rules as followups
from gembawalk.services.people import sessions
from gembawalk.storage import photo_store

from .coaching_world import build_world
from .conftest import sign_in

# Routes anyone may call: signing in, the first-run page, assets, the API's front door, and
# the calendar feed (its long random token is the credential; tests/test_calendar.py).
PUBLIC = {
    "static",
    "auth.sign_in",
    "auth.first_run",
    # Single sign-on's two halves are signing in (without it set up, they are 404).
    "sso.start",
    "sso.callback",
    "api.core.csrf_token",
    "api.core.sign_in",
    "api.openapi",
    "calendar.feed",
    # A unit's wall, its poster, QR code and "Fixed for us?": the token is the credential, and
    # they show nothing of a person (tests/test_wall.py).
    "wall.show",
    "wall.poster",
    "wall.qr",
    "wall.answer",
    # The installable app's manifest, service worker and offline shells: the same static page
    # for everyone, cached by the worker; the data comes from the API, which needs a session.
    "pwa.manifest",
    "pwa.service_worker",
    "pwa.shell",
    "pwa.outbox",
}
# Signed in, but never about one object: lists and forms for new things.
IGNORED_TABLES = {"audit_events"}  # refusals are logged: that is the one write expected
ROLES = ("maya", "coach", "director")
# Recording walks is a manager's: others are refused by role (403), which says nothing about
# whether a given walk exists.
MANAGERS_ONLY = {
    "walks.new",
    "walks.edit",
    "walks.start",
    "walks.cancel",
    "walks.reinstate",
    "walks.observe",
    "walks.complete",
    "walks.correct",
    "walks.correct_observation",
    "walks.end_series",
}  # none of whom may see Sam's walk


@pytest.fixture
def world(app):
    world = build_world()
    sam = world.sam
    follow_up, _ = followups.create_follow_up(
        sam,
        world.other_walk.uuid,
        action="Move the gate timer",
        owner_id=sam.id,
        due_date=date.today() + timedelta(days=7),
    )
    comment, _ = coaching.add_comment(world.coach2, world.other_walk.uuid, "Good catch on the gate")
    series = WalkSeries(
        manager_id=sam.id,
        rule=RepeatRule.WEEKLY,
        starts_on=date.today(),
        at=time(9, 0),
        timezone="Europe/London",
        kind=WalkKind.GEMBA_WALK,
    )
    db.session.add(series)
    notification = Notification(
        person_id=sam.id,
        actor_id=world.coach2.id,
        kind=NotificationKind.COMMENT,
        key=f"matrix-{uuid_lib.uuid4()}",
        text="A comment on your walk",
        link="/",
    )
    db.session.add(notification)
    photo = Photo(
        observation_id=world.other_obs.id,
        stored_name=uuid_lib.uuid4().hex,
        content_type="image/jpeg",
        width=1,
        height=1,
        size_bytes=1,
        received_sha256="0" * 64,
    )
    conflict = SyncConflict(
        person_id=sam.id,
        record_type="walk",
        record_uuid=world.other_walk.uuid,
        base_version=1,
        server_version=2,
        body="{}",
        body_sha256="0" * 64,
    )
    db.session.add_all([photo, conflict])
    db.session.commit()
    photo_store(app).put(photo.stored_name, io.BytesIO(b"\xff\xd8\xff\xd9"), "image/jpeg")
    world.others = {
        "walk_id": str(world.other_walk.uuid),
        "follow_up_id": str(follow_up.uuid),
        "series_id": str(series.uuid),
        "notification_id": notification.id,
        "observation_id": str(world.other_obs.uuid),
        "photo_id": str(photo.uuid),
        "conflict_id": conflict.id,
        "manager_id": sam.id,
        "comment_id": str(comment.uuid),
        "session_id": sessions.start(sam, remember=False, user_agent=None, address=None)[0].id,
        # Admin pages: any id at all, since non-admins are refused before the lookup.
        "person_id": sam.id,
        "unit_id": world.south.id,
        "customer_id": 1,
        "noun": "people",
    }
    return world


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def fill(rule, others) -> str:
    values = {name: others[name] for name in rule.arguments}
    _domain, path = rule.build(values, append_unknown=False)
    return path


def call(client, method: str, path: str, others=None):
    if path.startswith("/api/"):
        body = {}
        if others is not None and method == "PUT":
            # A well-formed body, so that the answer is about the object, not the shape.
            body = {
                "walk_id": others["walk_id"],
                "body": "Mine now",
                "action": "Mine now",
                "owner_id": 1,
                "due_date": (date.today() + timedelta(days=3)).isoformat(),
                "base_version": 1,
                "status": "closed",
                "closing_note": "Done",
            }
        return client.open(path, method=method, json=body)
    return client.open(path, method=method, data={})


# A session's "last seen" (and the address it was seen from) is written by any request, once
# a minute at most: a note of the device's activity, not a change to anything.
IGNORED_COLUMNS = {"device_sessions": {"last_seen_at", "address"}}


def snapshot() -> dict[str, list]:
    """Every row of every table (the audit log aside), to prove nothing changed."""
    db.session.expire_all()
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in IGNORED_TABLES:
            continue
        ignored = IGNORED_COLUMNS.get(table.name, set())
        columns = [c for c in table.columns if c.name not in ignored]
        rows[table.name] = sorted(
            (tuple(map(str, row)) for row in db.session.execute(select(*columns))), key=str
        )
    db.session.commit()
    return rows


# Offline sync PUTs name records by the device's own UUID: a new UUID creates, so a UUID that is
# someone else's must be refused (422 "already taken", 403 for a non-manager, 415 for a photo
# that is no image), and the snapshot proves nothing of theirs changed. Guessing a UUID (122
# random bits) is not a way in.
CLIENT_ID_PUTS = {
    "api.walks.put_walk",
    "api.observations.put_observation",
    "api.photos.put_photo",
    "api.comments_api.put_comment",
    "api.followups_api.put_follow_up",
}


def expected(rule, method: str) -> set[int]:
    if rule.rule.startswith("/admin/"):
        return {403}
    if rule.endpoint in CLIENT_ID_PUTS:
        return {403, 404, 409, 415, 422}
    if rule.arguments:
        return {404}
    return set()  # lists and new-thing forms: only "no 5xx" and "nothing of Sam's changed"


def test_another_persons_objects_answer_404_to_every_role_on_every_route(app, world):
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        sign_in(clients[role], getattr(world, role))
        clients[role].get("/account")  # makes the calendar feed token (the one lazy write)
    before = snapshot()
    failures = []
    for role in ROLES:
        client = clients[role]
        for rule, method in routes(app):
            if rule.endpoint in ("auth.sign_out", "api.core.sign_out"):
                continue  # would end this role's session; tested in test_security.py
            want = expected(rule, method)
            if not want and (method != "GET" or rule.arguments):
                continue  # state-changing calls on one's own things: the feature tests
            if not getattr(world, role).has_role(Role.MANAGER) and rule.endpoint in MANAGERS_ONLY:
                want = {403}  # refused for the role, before any object is looked at
            response = call(client, method, fill(rule, world.others), world.others)
            if response.status_code >= 500 or (want and response.status_code not in want):
                failures.append((role, method, rule.rule, response.status_code))
    assert failures == [], "\n".join(map(str, failures))
    assert snapshot() == before


def test_anonymous_callers_reach_nothing(app, world):
    before = snapshot()
    client = app.test_client()
    failures = []
    for rule, method in routes(app):
        response = call(client, method, fill(rule, world.others))
        if rule.rule.startswith("/api/"):
            ok = response.status_code == 401 and response.is_json
        else:
            ok = response.status_code == 302 and "/sign-in" in response.headers["Location"]
        if not ok:
            failures.append((method, rule.rule, response.status_code))
    assert failures == []
    assert snapshot() == before


def test_no_get_changes_anything_for_any_role(app, world):
    """ASVS V13.1 / issue item 5: GET is safe. Every GET route, as every person, on their own
    things and on others'."""
    mine = dict(world.others)
    own = {
        "maya": {**mine, "walk_id": str(world.walk.uuid)},
        "admin": mine,
        "sam": mine,
        "coach2": mine,
        "director": {**mine, "walk_id": str(world.walk.uuid)},
    }
    # The documented exceptions: the first look at one's calendar feed URL (/account,
    # /api/v1/me) makes its token, once; so does the first look at a unit's wall link (for
    # its leaders and admins). Load them first; from then on no GET writes.
    clients = {}
    for name in own:
        clients[name] = client = app.test_client()
        sign_in(client, getattr(world, name))
        client.get("/account")
        client.get(f"/walls/{world.south.id}")
    before = snapshot()
    for name, others in own.items():
        client = clients[name]
        for rule, method in routes(app):
            if method != "GET" or rule.endpoint == "calendar.feed":
                continue
            response = call(client, "GET", fill(rule, others))
            assert response.status_code < 500, (name, rule.rule)
    assert snapshot() == before


def test_refusals_are_in_the_audit_log(app, world):
    client = app.test_client()
    sign_in(client, world.maya)
    client.get(f"/walks/{world.other_walk.uuid}")
    client.get("/admin/people")
    kinds = list(db.session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)))
    assert kinds[-2:] == ["not_found", "forbidden"]


# Mass assignment (ASVS V5.1.2): fields a form does not offer are ignored


def test_a_manager_cannot_assign_their_role_unit_or_manager(app, world):
    client = app.test_client()
    sign_in(client, world.maya)
    extra = {
        "role": "admin",
        "roles": "admin",
        "owner_id": world.sam.id,
        "org_unit_id": world.south.id,
        "manager_id": world.sam.id,
        "active": "y",
    }
    client.get("/account")  # the calendar token, made once
    before = snapshot()
    client.post("/walks/new", data={**extra})  # refused as incomplete: nothing stored
    client.post(
        f"/walks/{world.walk.uuid}/observations",
        data={"category": "value_demand", "text": "Seen at the gate", **extra},
    )
    db.session.expire_all()
    maya = world.maya
    db.session.refresh(maya)
    assert {r.value for r in maya.roles} == {"manager"}
    assert maya.org_unit_id == world.north.id
    walk = db.session.get(Walk, world.walk.id)
    assert walk.manager_id == maya.id
    after = snapshot()
    for table in ("people", "person_roles", "coach_assignments", "unit_leaders", "walks"):
        assert after[table] == before[table], table


def test_the_api_ignores_owner_and_manager_fields_it_does_not_take(app, world):
    client = app.test_client()
    sign_in(client, world.maya)
    comment_id = uuid_lib.uuid4()
    response = client.put(
        f"/api/v1/comments/{comment_id}",
        json={
            "walk_id": str(world.walk.uuid),
            "body": "From the API",
            "author_id": world.sam.id,
            "manager_id": world.sam.id,
            "role": "admin",
        },
    )
    assert response.status_code in (201, 422)
    if response.status_code == 201:
        row = db.session.execute(
            text("SELECT author_id FROM comments WHERE uuid = :u"),
            {"u": comment_id.hex if db.engine.dialect.name == "sqlite" else comment_id},
        ).scalar()
        assert row == world.maya.id


# Stored XSS (ASVS V5.3.3): what people typed comes back as text, never as markup

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>javascript:alert(3)'
NOT_TEXT = {"uuid", "timezone", "email", "password_hash", "session_token", "calendar_token",
            "link", "key", "kind", "actor_email", "address", "method", "path"}  # fmt: skip


def test_script_attribute_and_javascript_payloads_in_every_text_field_come_back_inert(app, world):
    from markupsafe import escape

    filled = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            plain = type(column.type) in (String, db.Text) or column.type.__class__.__name__ in (
                "String",
                "Text",
            )
            if not plain or column.name in NOT_TEXT:
                continue
            if column.type.length and column.type.length < len(PAYLOAD):
                continue
            value = PAYLOAD
            if (table.name, column.name) == ("org_units", "name"):
                # Unit names are unique under a parent: each keeps the payload, then its id.
                value = literal(PAYLOAD) + cast(table.c.id, String)
            db.session.execute(table.update().values({column.name: value}))
            filled.append(f"{table.name}.{column.name}")
    db.session.commit()
    assert len(filled) >= 15, filled
    own = {**world.others, "walk_id": str(world.walk.uuid)}
    checked = 0
    for name in ("maya", "coach", "director", "admin", "sam"):
        client = app.test_client()
        sign_in(client, getattr(world, name))
        for rule, method in routes(app):
            if method != "GET" or rule.rule.startswith("/api/") or rule.endpoint == "static":
                continue
            response = client.get(fill(rule, own))
            if response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
            assert "<script>alert" not in html, (name, rule.rule)
            assert "<img src=x" not in html, (name, rule.rule)
            assert 'href="javascript:' not in html.lower(), (name, rule.rule)
            checked += str(escape(PAYLOAD))[:30] in html
    assert checked >= 10  # the payload was really shown, escaped, on many pages
