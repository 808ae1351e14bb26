"""Faults and odd input: an unavailable database, Unicode, data surviving migrations."""

from __future__ import annotations

import json
import os
import select as select_fds
import signal
import time
import uuid

import pytest
from flask import has_request_context
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from gembawalk.database import PARALLEL_SETUP_COST
from gembawalk.extensions import db
from gembawalk.models import Observation, Walk, WalkStatus
from gembawalk.timeutil import utcnow

from .conftest import make_test_app, sign_in
from .factories import PASSWORD


@pytest.fixture(params=["sqlite", "postgresql"])
def unavailable_app(request, tmp_path):
    """An app whose database cannot be reached: a SQLite file in a folder that does not exist,
    or a PostgreSQL server on a port where nothing listens."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite'}"
    else:
        url = "postgresql+psycopg://postgres@127.0.0.1:9/none"
    app = make_test_app(
        url,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}
        if request.param == "postgresql"
        else {},
    )
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False  # errors go through the handlers, as in production
    return app


def test_pages_answer_503_with_retry_after_when_the_database_is_down(unavailable_app):
    client = unavailable_app.test_client()
    response = client.get("/sign-in")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "briefly unavailable" in html
    assert "Traceback" not in html
    assert "sqlite" not in html.lower()
    assert "psycopg" not in html.lower()


def test_the_api_answers_503_json_when_the_database_is_down(unavailable_app):
    client = unavailable_app.test_client()
    response = client.post("/api/v1/session", json={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["status"] == 503
    assert body["incident"]


def test_a_write_that_fails_midway_leaves_nothing(app, manager_client, manager, monkeypatch):
    """A lost connection at commit: the walk and its observation are stored together or not at
    all, and the client is told to retry."""
    from sqlalchemy.exc import OperationalError

    from gembawalk.services.walks import lifecycle as walk_service

    app.config["PROPAGATE_EXCEPTIONS"] = False
    original_commit = db.session.commit

    def failing_commit():
        if not has_request_context():
            return original_commit()
        db.session.flush()  # the rows reached the database inside the transaction...
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", failing_commit)
    app.testing = False
    try:
        response = manager_client.post(
            "/walks/new",
            data={
                "kind": "gemba_walk",
                "day": "2031-05-06",
                "at": "09:30",
                "place": "Half-written line",
                "purpose": "x",
            },
        )
    finally:
        app.testing = True
        monkeypatch.setattr(db.session, "commit", original_commit)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    db.session.rollback()
    assert db.session.scalar(select(Walk).where(Walk.place == "Half-written line")) is None
    assert walk_service  # imported so the route's service is the one patched


# Unicode (issue: reliability 6)

TEXTS = [
    "Customer said 👍🏽 then 🚚💨 — great",  # emoji with a skin-tone modifier, ZWJ-free
    "שלום, הלקוח חיכה עשרים דקות",  # right-to-left
    "مرحبا بالعالم 123",  # Arabic with digits
    "e\u0301te\u0301 cafe\u0301 – Zoë ñ",  # combining accents, not precomposed
    "👩‍👩‍👧‍👦 family ZWJ sequence",
    "日本語のテキストと中文",
]


@pytest.mark.parametrize("words", TEXTS)
def test_unicode_round_trips_through_a_page_and_the_database(manager_client, manager, words):
    from .factories import WalkFactory

    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=utcnow())
    response = manager_client.post(
        f"/walks/{walk.uuid}/observations",
        data={
            "observation_id": str(uuid.uuid4()),
            "category": "value_demand",
            "text": words,
            "said_by": "customer",
            "waste_type": "",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    db.session.expire_all()
    stored = db.session.scalar(select(Observation.text).where(Observation.walk_id == walk.id))
    assert stored == words  # byte for byte: not normalised, not mangled
    assert words in manager_client.get(f"/walks/{walk.uuid}").get_data(as_text=True)


def test_nul_bytes_and_over_long_text_are_refused_with_a_clear_message(manager_client, manager):
    from .factories import WalkFactory

    walk = WalkFactory(manager=manager, status=WalkStatus.IN_PROGRESS, started_at=utcnow())
    for bad in ("before\x00after", "x" * 200_000):
        response = manager_client.post(
            f"/walks/{walk.uuid}/observations",
            data={"category": "value_demand", "text": bad, "said_by": "walker", "waste_type": ""},
        )
        assert response.status_code == 422
        assert "Nothing has been saved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Observation).where(Observation.walk_id == walk.id)) is None


def test_sign_in_still_works_after_all_that(client, manager):
    sign_in(client, manager, PASSWORD)


# Backups (reliability 7)


def test_flask_backup_copies_a_live_sqlite_database_consistently(tmp_path):
    """Writers keep committing in another thread while the backup runs: the copy opens, passes
    its integrity check, and holds a prefix of what was written (whole rows only)."""
    import sqlite3
    import threading

    from gembawalk.backup import backup_sqlite

    source = tmp_path / "live.sqlite"
    setup = sqlite3.connect(source)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    setup.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 2000,)] * 3000)
    setup.commit()
    setup.close()
    stop = threading.Event()

    def write():
        conn = sqlite3.connect(source, timeout=30)
        while not stop.is_set():
            with conn:
                conn.execute("INSERT INTO notes (body) VALUES (?)", ("y" * 2000,))
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        pages = backup_sqlite(source, tmp_path / "copy.sqlite")
    finally:
        stop.set()
        writer.join()
    assert pages > 1000
    copy = sqlite3.connect(tmp_path / "copy.sqlite")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count, last = copy.execute("SELECT count(*), max(id) FROM notes").fetchone()
    assert count == last >= 3000  # no gaps: a consistent snapshot
    copy.close()


def test_the_backup_command_refuses_postgresql_and_an_existing_target(tmp_path):
    import click

    from gembawalk.backup import backup_sqlite, sqlite_path

    with pytest.raises(click.ClickException, match="pg_dump"):
        sqlite_path("postgresql+psycopg://u@h/db")
    (tmp_path / "a.sqlite").write_bytes(b"")
    (tmp_path / "b.sqlite").write_bytes(b"")
    with pytest.raises(click.ClickException, match="exists"):
        backup_sqlite(tmp_path / "a.sqlite", tmp_path / "b.sqlite")


def test_flask_backup_runs_from_the_command_line(tmp_path):
    from .factories import PersonFactory

    app = make_test_app(f"sqlite:///{tmp_path / 'app.sqlite'}")
    with app.app_context():
        db.create_all()
        PersonFactory(roles=["admin"], display_name="Backed Up")
        db.session.remove()
        db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "out.sqlite")])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    import sqlite3

    copy = sqlite3.connect(tmp_path / "out.sqlite")
    assert copy.execute("SELECT display_name FROM people").fetchone() == ("Backed Up",)
    copy.close()


def connection_facts(engine: Engine) -> dict:
    """Whether the pooled connection was first made in this process, and on PostgreSQL the
    server process it talks to."""
    with engine.connect() as conn:
        info = conn.connection.info
        info.setdefault("made_in", os.getpid())
        facts = {
            "made_in": info["made_in"],
            "people": conn.scalar(text("SELECT count(*) FROM people")),
        }
        if engine.dialect.name == "postgresql":
            facts["backend"] = conn.scalar(text("SELECT pg_backend_pid()"))
    return facts


def in_forked_child(engine: Engine, timeout: float = 30) -> dict:
    """`connection_facts` as a forked child (a gunicorn --preload worker) sees them."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: answer through the pipe and leave without running pytest on
        status = 1
        try:
            os.close(read_end)
            try:
                answer = connection_facts(engine)
                status = 0
            except BaseException as error:  # noqa: BLE001  (reported to the parent)
                answer = {"error": repr(error)}
            os.write(write_end, json.dumps(answer).encode())
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        deadline = time.monotonic() + timeout
        chunks = []
        while time.monotonic() < deadline:
            ready, _, _ = select_fds.select([read_end], [], [], deadline - time.monotonic())
            chunk = os.read(read_end, 65536) if ready else b""
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if os.waitpid(child, os.WNOHANG) == (0, 0):
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
    assert chunks, "the forked child did not answer"
    return json.loads(b"".join(chunks))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_a_forked_worker_makes_its_own_database_connections(app):
    """gunicorn --preload forks workers from a process that may already hold pooled
    connections; two processes on one connection would garble each other's answers."""
    engine = db.engine
    engine.dispose()  # earlier tests' connections out of the way: the pool holds just one
    before = connection_facts(engine)
    assert before["made_in"] == os.getpid()

    child = in_forked_child(engine)

    assert "error" not in child, child["error"]
    assert child["made_in"] != os.getpid()  # not the parent's pooled connection
    assert child["people"] == 0  # and it reaches the same database
    after = connection_facts(engine)
    assert after["made_in"] == os.getpid()  # the parent's connection is still its own
    if engine.dialect.name == "postgresql":
        assert child["backend"] != before["backend"]
        assert after["backend"] == before["backend"]  # and the child did not close it


def test_postgresql_connections_turn_jit_off_and_price_parallel_workers_at_their_cost(app):
    """Set on every connection the app makes (database.engine_options says why)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    with db.engine.connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar() == "off"
        setup = connection.execute(text("SHOW parallel_setup_cost")).scalar()
    assert float(setup) == PARALLEL_SETUP_COST > 1000
