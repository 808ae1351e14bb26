"""A photo sent while the photo store is failing stays in the phone's outbox (the server
answers 503 and keeps nothing) and is sent once the store is back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models.photos import Photo

from .offline import (
    a_photo,
    attempts_reach,
    go_offline,
    observe_in_shell,
    records,
    sync_now,
    wait_for_states,
)

pytestmark = pytest.mark.browser


def test_a_photo_the_store_cannot_take_waits_in_the_outbox(on_a_walk, app, tmp_path, monkeypatch):
    context, page, _, walk_path = on_a_walk
    go_offline(context, page, walk_path)
    observe_in_shell(page, "Waste", "Returns wait by the door", photo=a_photo())
    [photo] = [r for r in records(page) if r["type"] == "photo"]

    # The store fails for real: its folder cannot be made (a file stands where it should be).
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_URL", (blocked / "photos").as_uri())
    context.set_offline(False)
    attempts_reach(page, photo["uuid"], 1)
    [waiting] = [r for r in records(page) if r["uuid"] == photo["uuid"]]
    assert waiting["state"] != "sent"
    assert "503" in waiting["error"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Photo.id))) == 0
    db.session.rollback()  # let the server write again (SQLite: one writer at a time)

    # The store is back: the outbox sends the photo, and it is stored once.
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_URL", (tmp_path / "photos").as_uri())
    sync_now(page)
    wait_for_states(page, {photo["uuid"]: "sent"})
    db.session.rollback()
    [stored] = db.session.scalars(select(Photo)).all()
    assert str(stored.uuid) == photo["uuid"]
    assert (tmp_path / "photos" / stored.stored_name).is_file()
