"""`flask db upgrade` builds the whole schema on an empty database, and agrees with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from gembawalk.extensions import db

from .conftest import TEST_DATABASE_URL, _postgres_url, make_test_app

SCHEMA = "gw_migrations"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An app on a database with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield make_test_app(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
        return
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set")
    admin = create_engine(_postgres_url())
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    yield make_test_app(
        _postgres_url(),
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={SCHEMA}"}},
    )
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()


def test_upgrade_builds_what_the_models_describe(empty_database):
    with empty_database.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"people", "org_units", "customers", "walks", "observations", "follow_ups"} <= tables
        db.engine.dispose()


def test_downgrade_to_base_removes_everything(empty_database):
    with empty_database.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
