"""Engine settings that make SQLite safe under concurrent writers and PostgreSQL resilient."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing = ContextVar("gembawalk_writing", default=False)


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


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # isolation_level=None hands transaction control to our BEGIN listener below.
        return {"connect_args": {"timeout": 15, "isolation_level": None}}
    # JIT compiling a report's query takes seconds, far longer than running it (measured in
    # bench/engagement.py): page-sized queries are better off without it.
    return {
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"options": "-c jit=off"},
    }


def _configure_sqlite(engine: Engine) -> None:
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


def init_database(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = engine_options(url)
    options.update(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    if url.startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine)
