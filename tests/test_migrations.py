"""`flask db upgrade` builds the whole schema on an empty database, and agrees with the models."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from gembawalk.extensions import db
from gembawalk.models import Person
from gembawalk.services.engagement import figures as engagement
from gembawalk.services.engagement.periods import choose_period

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


# SQLite's reflection leaves out indexes on expressions (with this warning): the one on org unit
# names is checked by name below, and on PostgreSQL by the comparison itself.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index "
    "uq_org_units_parent_lower_name:sqlalchemy.exc.SAWarning"
)
def test_upgrade_builds_what_the_models_describe(empty_database):
    with empty_database.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
            assert "uq_org_units_parent_lower_name" in index_names(conn)
        tables = set(inspect(db.engine).get_table_names())
        assert {"people", "org_units", "customers", "walks", "observations", "follow_ups"} <= tables
        db.engine.dispose()


def index_names(conn) -> set[str]:
    if conn.dialect.name == "sqlite":
        return set(
            conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'")).scalars()
        )
    return set(conn.execute(text("SELECT indexname FROM pg_indexes")).scalars())


def test_units_of_one_name_under_one_parent_are_told_apart_by_the_upgrade(empty_database):
    """Made by a race before the unique index: each keeps its id, all but the first a number."""
    with empty_database.app_context():
        upgrade(revision="e7c1a9b4d2f0")
        units = [
            (1, None, "Depot"), (2, None, "depot"), (3, None, "Depot (2)"), (4, 1, "Bay"),
            (5, 1, "BAY"), (6, 2, "Bay"), (7, None, "Yard"),
        ]  # fmt: skip
        with db.engine.begin() as conn:
            for unit_id, parent, name in units:
                conn.execute(
                    text(
                        "INSERT INTO org_units (id, parent_id, name, created_at)"
                        " VALUES (:id, :parent, :name, '2026-01-05 09:00:00')"
                    ),
                    {"id": unit_id, "parent": parent, "name": name},
                )
        upgrade()
        with db.engine.connect() as conn:
            names = dict(conn.execute(text("SELECT id, name FROM org_units")).all())
            assert names == {
                1: "Depot", 2: "depot (3)", 3: "Depot (2)", 4: "Bay", 5: "BAY (2)", 6: "Bay",
                7: "Yard",
            }  # fmt: skip
        db.engine.dispose()


def test_downgrade_to_base_removes_everything(empty_database):
    with empty_database.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


FIRST_REVISION = "e6d76e64251e"


def test_every_revision_downgrades_and_upgrades_again(empty_database):
    from alembic.script import ScriptDirectory

    with empty_database.app_context():
        config = empty_database.extensions["migrate"].migrate.get_config()
        revisions = [
            r.revision for r in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
        ]
        for revision in revisions:
            upgrade(revision=revision)
            downgrade(revision="-1")
            upgrade(revision=revision)
        db.engine.dispose()


FIRST_REVISION_ROWS = [
    "INSERT INTO org_units (id, name, created_at) VALUES (1, 'Depot ✓', :now)",
    "INSERT INTO people (id, email, display_name, password_hash, active, session_token,"
    " org_unit_id, created_at) VALUES (1, 'm@example.org', 'Zoë שלום', 'x', true, 'tok', 1, :now)",
    "INSERT INTO person_roles (person_id, role) VALUES (1, 'manager')",
    "INSERT INTO walks (id, uuid, manager_id, kind, purpose, place, planned_start, timezone,"
    " planned_minutes, status, frontline_met, summary, version, created_at, updated_at)"
    " VALUES (1, :uuid, 1, 'gemba_walk', 'Why 🚶', 'Gate', :now, 'Europe/London', 60,"
    " 'planned', '', '', 1, :now, :now)",
]


def test_data_survives_an_upgrade_from_the_first_revision_to_the_last(empty_database):
    with empty_database.app_context():
        upgrade(revision=FIRST_REVISION)
        walk_uuid, now = "0f2b1e4c-5d7a-4f3e-9c1b-2a3d4e5f6a7b", "2026-01-05 09:00:00+00:00"
        if db.engine.dialect.name == "sqlite":  # as the app writes them there
            walk_uuid, now = walk_uuid.replace("-", ""), "2026-01-05 09:00:00.000000"
        with db.engine.begin() as conn:
            for statement in FIRST_REVISION_ROWS:
                conn.execute(text(statement), {"uuid": walk_uuid, "now": now})
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT display_name FROM people")).scalar() == "Zoë שלום"
            assert conn.execute(text("SELECT name FROM org_units")).scalar() == "Depot ✓"
            assert conn.execute(text("SELECT purpose FROM walks")).scalar() == "Why 🚶"
            assert conn.execute(text("SELECT role FROM person_roles")).scalar() == "manager"
            # Everyone already there is measured from the day their account was made.
            started = conn.execute(text("SELECT started_on FROM people")).scalar()
            assert str(started) == "2026-01-05"
        # The engagement days came later: the first read sums the walks already there.
        period = choose_period(
            first=date(2026, 1, 1), last=date(2026, 1, 31), now=datetime(2026, 6, 1, tzinfo=UTC)
        )
        figures = engagement.figures_for([db.session.get(Person, 1)], period)[1]
        assert figures.planned_missed == 1
        db.session.remove()
        db.engine.dispose()


def test_sessions_of_before_a_session_per_device_carry_on(empty_database):
    """Nobody is signed out by the upgrade: a cookie of before ("<id>:<token>") names the one
    session the person's token becomes; a deactivated person's token becomes none."""
    from gembawalk.services.people import sessions

    with empty_database.app_context():
        upgrade(revision="d8a2f4c6b1e7")
        now = "2026-01-05 09:00:00.000000"
        with db.engine.begin() as conn:
            for pid, active in ((1, True), (2, False)):
                conn.execute(
                    text(
                        "INSERT INTO people (id, email, display_name, password_hash, active,"
                        " session_token, created_at) VALUES (:id, :email, 'P', 'x', :active,"
                        " :token, :now)"
                    ),
                    {"id": pid, "email": f"p{pid}@example.org", "active": active,
                     "token": f"token-{pid}", "now": now},
                )  # fmt: skip
        upgrade()
        assert "session_token" not in {c["name"] for c in inspect(db.engine).get_columns("people")}
        kept = sessions.resume("1:token-1")
        assert kept is not None
        assert (kept.person_id, kept.remember) == (1, True)
        assert sessions.resume("2:token-2") is None
        assert sessions.resume("1:token-2") is None
        db.session.remove()
        downgrade(revision="d8a2f4c6b1e7")
        with db.engine.connect() as conn:
            query = text("SELECT session_token FROM people ORDER BY id")
            tokens = list(conn.execute(query).scalars())
        assert len(tokens) == 2
        assert all(tokens)
        assert "token-1" not in tokens
        db.engine.dispose()


# Person 1, as the schema since `started_on` holds people.
ONE_PERSON = (
    "INSERT INTO people (id, email, display_name, password_hash, active, created_at, started_on)"
    " VALUES (1, 'p@example.org', 'P', 'x', true, '2026-01-05 09:00:00', '2026-01-01')"
)


def test_days_summed_before_the_months_are_summed_into_months(empty_database):
    """Upgrading where days were summed sums their months from them, with no rebuild."""
    from gembawalk.models import EngagementMonth
    from gembawalk.models.rollup import FACTS

    with empty_database.app_context():
        upgrade(revision="e7c1a9b4d2f0")
        names = ", ".join(FACTS)
        marks = ", ".join(":e" if name == "customer_engagements" else "1" for name in FACTS)
        with db.engine.begin() as conn:
            conn.execute(text(ONE_PERSON))
            for day, engaged in (("2026-01-31", 1), ("2026-02-01", 0), ("2026-02-27", 2)):
                conn.execute(
                    text(
                        f"INSERT INTO engagement_days (manager_id, day, {names}) VALUES (1, :day,"  # noqa: S608
                        f" {marks})"
                    ),
                    {"day": day, "e": engaged},
                )
        upgrade()
        months = {
            row.month: (row.done, row.customer_engagements, row.last_engaged_on)
            for row in db.session.query(EngagementMonth)
        }
        assert months == {
            date(2026, 1, 1): (1, 1, date(2026, 1, 31)),
            date(2026, 2, 1): (2, 2, date(2026, 2, 27)),
        }
        db.session.remove()
        db.engine.dispose()


def test_unknown_devices_are_stored_blank_and_named_when_read(empty_database):
    """The English words stored for an unknown browser or system (and for a session of before a
    session per device) become "", which the sessions page names in the reader's language; the
    downgrade stores the words again."""
    stored = [
        (1, "Chrome 131", "Android 14"),
        (2, "Unknown browser", "Unknown system"),
        (3, "python-requests 2", "Unknown system"),
        (4, "Signed in before the upgrade", ""),
    ]
    with empty_database.app_context():
        upgrade(revision="d8a4f6b1c7e3")
        with db.engine.begin() as conn:
            conn.execute(text(ONE_PERSON))
            for session_id, browser, system in stored:
                conn.execute(
                    text(
                        "INSERT INTO device_sessions (id, person_id, secret_hash, remember,"
                        " created_at, last_seen_at, browser, system) VALUES (:id, 1, :hash,"
                        " false, '2026-01-05 09:00:00', '2026-01-05 09:00:00', :browser, :system)"
                    ),
                    {"id": session_id, "hash": f"{session_id:064}", "browser": browser,
                     "system": system},
                )  # fmt: skip
        query = text("SELECT id, browser, system FROM device_sessions ORDER BY id")
        upgrade()
        with db.engine.connect() as conn:
            assert [tuple(row) for row in conn.execute(query)] == [
                (1, "Chrome 131", "Android 14"),
                (2, "", ""),
                (3, "python-requests 2", ""),
                (4, "", ""),
            ]
        downgrade(revision="d8a4f6b1c7e3")
        with db.engine.connect() as conn:
            assert [tuple(row) for row in conn.execute(query)] == [
                (1, "Chrome 131", "Android 14"),
                (2, "Unknown browser", "Unknown system"),
                (3, "python-requests 2", "Unknown system"),
                (4, "Unknown browser", "Unknown system"),
            ]
        db.engine.dispose()
