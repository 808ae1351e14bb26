"""Commands for a shell: `flask demo` and `flask create-admin`, thin wrappers over services."""

from __future__ import annotations

import click
from flask import Blueprint

from . import backup
from .notifications import commands as notification_commands
from .services.errors import DomainError
from .services.people import accounts as people

bp = Blueprint("cli", __name__, cli_group=None)
notification_commands.register(bp.cli)
backup.register(bp.cli)


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
