"""The Conflicts page: the manager sees both versions and chooses; nothing is lost either way."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import ConflictResolution, SyncConflict, Walk

from . import factories
from .conftest import sign_in
from .test_api_sync import put_walk, walk_body


def _conflict(client) -> str:
    walk_id = str(uuid.uuid4())
    put_walk(client, walk_id, walk_body())
    put_walk(client, walk_id, walk_body(place="Phone's place", base_version=1))
    assert (
        put_walk(client, walk_id, walk_body(place="Laptop's place", base_version=1)).status_code
        == 409
    )
    return walk_id


def test_the_page_shows_both_versions(manager_client):
    _conflict(manager_client)
    page = manager_client.get("/sync/conflicts/").get_data(as_text=True)
    assert "Laptop&#39;s place" in page
    assert "Phone&#39;s place" in page


def test_use_mine_applies_the_devices_version(manager_client):
    _conflict(manager_client)
    conflict = db.session.scalar(select(SyncConflict))
    response = manager_client.post(f"/sync/conflicts/{conflict.id}/use-mine")
    assert response.status_code == 302
    walk = db.session.scalar(select(Walk))
    assert walk.place == "Laptop's place"
    assert walk.version == 3
    db.session.refresh(conflict)
    assert conflict.resolution == ConflictResolution.APPLIED_MINE
    assert "No conflicts" in manager_client.get("/sync/conflicts/").get_data(as_text=True)


def test_keep_the_servers_leaves_the_walk_alone(manager_client):
    _conflict(manager_client)
    conflict = db.session.scalar(select(SyncConflict))
    manager_client.post(f"/sync/conflicts/{conflict.id}/keep-server")
    assert db.session.scalar(select(Walk.place)) == "Phone's place"
    db.session.refresh(conflict)
    assert conflict.resolution == ConflictResolution.KEPT_SERVER


def test_someone_elses_conflict_is_not_found(client, manager, unit):
    sign_in(client, manager)
    _conflict(client)
    conflict_id = db.session.scalar(select(SyncConflict.id))
    client.post("/sign-out")
    sign_in(client, factories.PersonFactory(roles=["manager"], org_unit=unit))
    assert client.post(f"/sync/conflicts/{conflict_id}/use-mine").status_code == 404
    assert "No conflicts" in client.get("/sync/conflicts/").get_data(as_text=True)
    assert db.session.scalar(select(SyncConflict.resolved_at)) is None


def test_today_points_to_conflicts_waiting(manager_client):
    assert "your choice" not in manager_client.get("/").get_data(as_text=True)
    _conflict(manager_client)
    page = manager_client.get("/").get_data(as_text=True)
    assert "1 change from your devices needs your choice" in page
    assert 'href="/sync/conflicts/"' in page
