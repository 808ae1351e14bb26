"""Settings, the SQLite engine, and the error pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from gembawalk import create_app
from gembawalk.config import ConfigError, database_url, from_environment
from gembawalk.extensions import db

from .conftest import make_test_app


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("GEMBAWALK_ENV", "production")
    for value in ("", "dev", "change-me"):
        monkeypatch.setenv("SECRET_KEY", value)
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            create_app()


def test_development_keeps_one_generated_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("GEMBAWALK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first, second = from_environment()["SECRET_KEY"], from_environment()["SECRET_KEY"]
    assert first == second
    assert len(first) >= 64
    assert (tmp_path / "secret_key").read_text() == first


def test_an_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("GEMBAWALK_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ConfigError, match="IANA"):
        from_environment()


def test_database_urls(tmp_path):
    assert database_url({}, tmp_path) == f"sqlite:///{tmp_path / 'gembawalk.sqlite'}"
    assert database_url({"DATABASE_URL": "postgres://u@h/db"}, tmp_path) == (
        "postgresql+psycopg://u@h/db"
    )


def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_not_found_is_a_page_in_the_apps_look(manager_client):
    response = manager_client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We could not find that page" in html
    assert 'class="bottomnav"' in html


def test_a_server_error_shows_an_incident_id_and_no_traceback(app, manager_client, monkeypatch):
    from gembawalk.services.walks import agenda

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals /srv/app.py")

    monkeypatch.setattr(agenda, "my_walks", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = manager_client.get("/walks/")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "incident" in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def test_every_command_the_readme_lists_is_registered(tmp_path):
    # The table under README.md's "Command line": each name a shell can run.
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    table = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    listed = {name.split()[0] for name in re.findall(r"^\| `([^`]+)`", table, re.M)}
    app = make_test_app(f"sqlite:///{tmp_path / 'app.sqlite'}")
    result = app.test_cli_runner().invoke(args=["--help"])
    shown = set(re.findall(r"^  ([a-z][a-z-]*) ", result.output, re.M))
    assert listed == {
        "db", "create-admin", "demo", "demo-if-empty", "send-digests", "notify-overdue",
        "assets", "generate-walks", "backup", "rebuild-engagement", "run-scheduled",
        "move-photos", "import-people", "import-customers",
    }  # fmt: skip
    # db and assets come from Flask-Migrate and Flask-Assets; the rest are the app's own.
    assert listed - {"db", "assets"} <= shown
