"""`flask send-digests` and `flask notify-overdue`: for a scheduler such as cron."""

from __future__ import annotations

import smtplib

import click
from flask import current_app

from ..services import digest, notifications


def register(cli: click.Group) -> None:  # a blueprint's cli, typed by Flask as a Group
    cli.add_command(send_digests)
    cli.add_command(notify_overdue)


@click.command("send-digests")
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


@click.command("notify-overdue")
def notify_overdue() -> None:
    """Tell owners of follow-ups that went overdue (run it daily; each is told once)."""
    click.echo(f"Overdue follow-ups notified: {notifications.raise_overdue()}.")
