"""Every `flask` command the app adds, each a thin wrapper over a service, registered here
and only here (create_app's register_commands adds this blueprint). See README.md,
"Command line"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Blueprint, current_app

from . import backup as backups
from .services import digest, notifications, scheduled
from .services.errors import DomainError
from .services.people import accounts as people

bp = Blueprint("cli", __name__, cli_group=None)


@bp.cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create an admin account (works on an empty database and on a running one)."""
    try:
        admin = people.bootstrap_admin(
            email=email, display_name=display_name, password=password, only_if_empty=False
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Admin {admin.email} created.")


@bp.cli.command("demo")
def demo() -> None:
    """Load the demo organisation into an empty database."""
    from .demo import load as demo_data

    try:
        summary = demo_data.load_demo()
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary.describe())


@bp.cli.command("demo-if-empty")
def demo_if_empty() -> None:
    """Load the demo only when nobody exists yet (what `make run` calls)."""
    if people.count_people() == 0:
        assert demo.callback is not None  # click keeps the decorated function here
        demo.callback()


@bp.cli.command("generate-walks")
def generate_walks() -> None:
    """Make the planned walks of every repeating series up to eight weeks ahead (for cron;
    running it twice, or twice at once, makes nothing twice)."""
    from .services.walks import series

    made = series.generate()
    click.echo(f"{made} walk{'s' if made != 1 else ''} planned.")


@bp.cli.command("rebuild-engagement")
def rebuild_engagement() -> None:
    """Sum every manager's days again from their walks and observations, in the
    organisation's time zone (after changing GEMBAWALK_TIMEZONE, or after loading walks
    with SQL rather than through the app)."""
    from .services.engagement import rollup

    made = rollup.rebuild()
    click.echo(f"{made} manager-day{'s' if made != 1 else ''} summed.")


@bp.cli.command("send-digests")
def send_digests() -> None:
    """Email each person their digest of this week, now (`run-scheduled` does so on Monday
    mornings). Once a week at most, however often and on however many hosts it runs."""
    config = current_app.config
    if config.get("MAIL_SERVER") and not config.get("GEMBAWALK_BASE_URL"):
        click.echo(f"GEMBAWALK_BASE_URL is not set: links point at {digest.base_url(config)}.")
    _report([scheduled.run_job(scheduled.job("digests"), config, due=False)])


@bp.cli.command("run-scheduled")
def run_scheduled() -> None:
    """Run every scheduled job whose time has come (walks ahead, overdue notices, Monday's
    digests, clean-up), each once per day or week across every host: run it from one timer
    line, every few minutes, on as many hosts as you like."""
    _report(scheduled.run_due(current_app.config))


def _report(outcomes: list[scheduled.Outcome]) -> None:
    for outcome in outcomes:
        click.echo(outcome.describe(), err=outcome.state == scheduled.State.FAILED)
        for problem in outcome.problems:
            click.echo(problem, err=True)
    if not all(outcome.ok for outcome in outcomes):
        raise click.exceptions.Exit(1)


@bp.cli.command("notify-overdue")
def notify_overdue() -> None:
    """Tell owners of follow-ups that went overdue (run it daily; each is told once)."""
    click.echo(f"Overdue follow-ups notified: {notifications.raise_overdue()}.")


@bp.cli.command("backup")
@click.argument("target", required=False, type=click.Path(path_type=Path))
def backup(target: Path | None) -> None:
    """Write a consistent copy of the SQLite database (default: instance/backups/)."""
    source = backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(current_app.instance_path) / "backups" / f"gembawalk-{stamp}.sqlite"
    pages = backups.backup_sqlite(source, target)
    click.echo(f"Backed up {source} to {target} ({pages} pages).")
