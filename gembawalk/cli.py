"""Every `flask` command the app adds, each a thin wrapper over a service, registered here
and only here (create_app's register_commands adds this blueprint). See README.md,
"Command line"."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Blueprint, current_app

from . import backup as backups
from .services import digest, notifications
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
    """Email each person their weekly digest (run it on Monday mornings)."""
    config = current_app.config
    notifications.raise_overdue()
    if not config.get("MAIL_SERVER"):
        click.echo("No mail server configured (set MAIL_SERVER): no digests sent.")
        return
    if not config.get("GEMBAWALK_BASE_URL"):
        click.echo(f"GEMBAWALK_BASE_URL is not set: links point at {digest.base_url(config)}.")
    try:
        run = digest.send_all(config)
    except (OSError, smtplib.SMTPException) as error:
        raise click.ClickException(
            f"Could not send through {config['MAIL_SERVER']}:{config['MAIL_PORT']}: {error}"
        ) from error
    click.echo(f"Digests sent: {len(run.sent)}; nothing to say to {run.skipped}.")
    for email, reason in run.failed.items():
        click.echo(f"Not sent to {email}: {reason}", err=True)
    if run.failed:
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


@bp.cli.command("move-photos")
@click.option("--from", "source_url", help="the store to copy from (default: PHOTO_STORAGE_URL)")
@click.option("--to", "target_url", required=True, help="file:///folder or s3://bucket/prefix")
@click.option("--every", default=50, show_default=True, help="report progress every N photos")
def move_photos(source_url: str | None, target_url: str, every: int) -> None:
    """Copy every photo to another store, reading each copy back to check its size and
    SHA-256. Safe to run again: photos already copied are checked and left alone. The
    source is not changed: point PHOTO_STORAGE_URL at the target, then remove the source."""
    from .services import photos
    from .storage import StoreUnavailable, open_store, photo_store
    from .storage.move import move_photos as move

    endpoint = current_app.config.get("PHOTO_S3_ENDPOINT_URL") or None
    try:
        source = open_store(source_url, endpoint) if source_url else photo_store()
        target = open_store(target_url, endpoint)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    total, every_photo = photos.every_photo()
    plural = "s" if total != 1 else ""
    click.echo(f"Copying {total} photo{plural} from {source.url} to {target.url}")

    def progress(report, photo, outcome) -> None:
        if outcome not in ("copied", "already there"):
            click.echo(f"  {photo.name}: {outcome}", err=True)
        if report.done % max(every, 1) == 0 or report.done == report.total:
            click.echo(f"  {report.summary()}")

    try:
        report = move(source, target, every_photo, total, progress)
    except (StoreUnavailable, ValueError) as error:
        raise click.ClickException(f"{error} (run it again: what was copied stays)") from error
    click.echo(f"Done. {report.summary()}")
    if report.problems:
        click.echo(f"{len(report.problems)} photo(s) not copied: see above.", err=True)
        raise click.exceptions.Exit(1)
