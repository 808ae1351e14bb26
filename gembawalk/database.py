"""Engine settings that make SQLite safe under concurrent writers and PostgreSQL resilient."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing = ContextVar("gembawalk_writing", default=False)
# Every engine made in this process, for the fork hook below; weak, so tests' apps can go.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_fork_hook_registered = False


def read_first() -> None:
    """This request mostly only reads (a sync request sent again): its transactions start
    deferred, and the code that must write does so inside `writing()`."""
    g.gembawalk_read_first = True


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside take the write lock up front (BEGIN IMMEDIATE on SQLite)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def _deferred() -> bool:
    if _writing.get() or not has_request_context():
        return False
    return request.method in SAFE_METHODS or g.get("gembawalk_read_first", False)


def plain_rows(statement):
    """Run a query on the session's connection: plain rows, none of the ORM's per-row work,
    which costs more than the query itself when a board has thousands of rows."""
    return db.session.connection().execute(statement)


PARALLEL_SETUP_COST = 10_000  # PostgreSQL's default is 1,000 (engine_options says why)


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # isolation_level=None hands transaction control to our BEGIN listener below.
        return {"connect_args": {"timeout": 15, "isolation_level": None}}
    # JIT compiling a report's query takes seconds, far longer than running it (measured in
    # bench/engagement.py): page-sized queries are better off without it. Starting parallel
    # workers costs 15-20 ms a query (a page of 50 managers' sums: 2.5 ms of work, 21 ms with
    # two workers), about ten times what the default setup cost tells the planner: priced at
    # that, only scans large enough to repay them go parallel.
    return {
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"options": f"-c jit=off -c parallel_setup_cost={PARALLEL_SETUP_COST}"},
    }


def _configure_sqlite(engine: Engine) -> None:
    database = engine.url.database or ""

    @event.listens_for(engine, "do_connect")
    def _make_folder(_dialect, _record, _cargs, _params):
        # The instance folder holds the file; in production nothing else creates it (the
        # development key does, in a checkout), so the first connection does.
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred BEGIN that later writes cannot wait for the lock (the busy timeout does
        # not cover the upgrade), so anything that may write takes the write lock up front.
        # Page reads (safe methods), and requests that read first, stay deferred and never
        # block one another under WAL.
        if _deferred():
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _forget_pools_after_fork() -> None:
    # A forked child (a gunicorn --preload worker) inherits the parent's pooled connections:
    # two processes on one socket garble each other's answers. The child drops its copies
    # without closing them (closing would end the parent's sessions) and connects anew.
    for engine in list(_engines):
        engine.dispose(close=False)


def _dispose_in_forked_children(engines: list[Engine]) -> None:
    global _fork_hook_registered
    _engines.update(engines)
    if not _fork_hook_registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_forget_pools_after_fork)
        _fork_hook_registered = True


def init_database(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = engine_options(url)
    options.update(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        _dispose_in_forked_children(list(db.engines.values()))
        if url.startswith("sqlite"):
            _configure_sqlite(db.engine)
