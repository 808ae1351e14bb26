"""Fixtures: one app per database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
tables emptied after every test, and a small sign-in helper."""

from __future__ import annotations

import contextvars
import os
import re
import tempfile
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text

# Keep the development secret key and SQLite files of the checkout out of the tests.
os.environ["GEMBAWALK_INSTANCE"] = tempfile.mkdtemp(prefix="gembawalk-tests-")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("GEMBAWALK_ENV", None)

from gembawalk import create_app  # noqa: E402
from gembawalk.extensions import db, limiter  # noqa: E402
from gembawalk.translations.build_hook import compile_catalogues, stale_catalogues  # noqa: E402

from . import factories  # noqa: E402

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

# The compiled translations, as `make install` makes them, for a checkout whose .po files
# changed since (a merge, a pull) and that ran pytest directly (README: Languages).
if stale_catalogues():
    compile_catalogues()


def _postgres_url() -> str:
    url = TEST_DATABASE_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set")
    return _postgres_url()


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, database session and `g`, as in production.

    The test's own session commits first: that ends its transaction (SQLite would otherwise
    hold the write lock, or keep showing an old snapshot) and expires what it loaded, so the
    test reads what the request wrote."""

    def open(self, *args, **kwargs):
        if has_app_context():  # not so while following a redirect, already isolated
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database_url: str, **extra):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": None,
            **extra,
        }
    )
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def _app(database_url):
    app = make_test_app(database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(_app):
    """The app with an app context pushed; every table is emptied afterwards."""
    _app.config["WTF_CSRF_ENABLED"] = False
    _app.extensions.pop("gembawalk.has_people", None)
    limiter.reset()  # sign-in attempts counted in one test must not throttle the next
    with _app.app_context():
        yield _app
        _empty_tables()
    _app.extensions.pop("gembawalk.has_people", None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    """CSRF protection as in production, for the tests that prove it."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


VOCABULARY = re.compile(r'<script type="application/json" id="gw-vocabulary">.*?</script>', re.S)


def page_html(response) -> str:
    """A page's HTML without the offline vocabulary every page embeds (every word the offline
    app may show, templates/pwa/_vocabulary.html): what the page itself shows."""
    return VOCABULARY.sub("", response.get_data(as_text=True))


def sign_in(client, person, password: str = factories.PASSWORD):
    response = client.post("/sign-in", data={"email": person.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def unit(app):
    return factories.OrgUnitFactory(name="Northgate depot")


@pytest.fixture
def manager(app, unit):
    return factories.PersonFactory(roles=["manager"], org_unit=unit, display_name="Maya Manager")


@pytest.fixture
def admin(app):
    return factories.PersonFactory(roles=["admin"], display_name="Ada Admin")


@pytest.fixture
def manager_client(client, manager):
    sign_in(client, manager)
    return client


@pytest.fixture
def admin_client(client, admin):
    sign_in(client, admin)
    return client


@contextmanager
def count_queries():
    """The SQL statements run inside the block, transaction control left out: pages whose
    count grows with the data have an N+1 query."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
