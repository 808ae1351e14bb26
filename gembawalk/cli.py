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
from .services.imports import customers as customer_imports
from .services.imports import people as people_imports
from .services.imports.plan import ImportRefused
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


def _run_import(do_import, path: Path, *, as_email: str | None, **options) -> None:
    """The same for people and customers: every change listed, then what was done."""
    actor = None
    if as_email:
        actor = people.find_by_email(as_email)
        if actor is None or not actor.active:
            raise click.ClickException(f"No active person has the address {as_email}.")
    try:
        plan = do_import(actor, path.read_bytes(), source=path.name, **options)
    except ImportRefused as error:
        for line in error.lines():
            click.echo(line, err=True)
        raise click.ClickException(str(error)) from error
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    for change in plan.changes:
        click.echo(change.describe())
    for unit in plan.new_units:
        click.echo(f"new org unit {unit}")
    click.echo(plan.summary())
    if options["dry_run"] and not plan.nothing_to_do:
        click.echo("Dry run: nothing was written.")


_import_options = [
    click.argument(
        "path", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    ),
    click.option("--dry-run", is_flag=True, help="Show the changes without writing them."),
    click.option(
        "--deactivate-missing", is_flag=True, help="Deactivate those the file leaves out."
    ),
    click.option(
        "--as", "as_email", metavar="EMAIL",
        help="The admin the audit log names (default: the command line).",
    ),
]  # fmt: skip


def _with_import_options(command):
    for option in reversed(_import_options):
        command = option(command)
    return command


@bp.cli.command("import-people")
@_with_import_options
def import_people(path: Path, dry_run: bool, deactivate_missing: bool, as_email: str | None):
    """Add and update people from a CSV file (columns email, name, org_unit, roles, coach,
    leads, timezone, language): all of it, or nothing when a row is invalid. See README.md."""
    _run_import(
        people_imports.import_people, path, as_email=as_email, dry_run=dry_run,
        deactivate_missing=deactivate_missing,
    )  # fmt: skip


@bp.cli.command("import-customers")
@_with_import_options
def import_customers(path: Path, dry_run: bool, deactivate_missing: bool, as_email: str | None):
    """Add and update the customer register from a CSV file (columns name, kind, org_unit):
    all of it, or nothing when a row is invalid. See README.md."""
    _run_import(
        customer_imports.import_customers, path, as_email=as_email, dry_run=dry_run,
        deactivate_missing=deactivate_missing,
    )  # fmt: skip


@bp.cli.command("move-photos")
@click.option("--from", "source_url", help="the store to copy from (default: PHOTO_STORAGE_URL)")
@click.option(
    "--to", "target_url", required=True,
    help="file:///folder or s3://bucket/prefix[?endpoint=URL&profile=NAME&region=NAME]",
)  # fmt: skip
@click.option("--every", default=50, show_default=True, help="report progress every N photos")
def move_photos(source_url: str | None, target_url: str, every: int) -> None:
    """Copy every photo to another store, reading each copy back to check its size and
    SHA-256. Safe to run again: photos already copied are checked and left alone. The
    source is not changed: point PHOTO_STORAGE_URL at the target, then remove the source.
    Two buckets at different S3 services each name their own server and credentials profile
    in their URL (?endpoint=…&profile=…); one that names none uses S3_ENDPOINT_URL."""
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
