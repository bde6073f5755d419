"""`flask send-outbox`: deliver the emails that are due. Run it from cron every minute."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from booking.notifications.models import EmailStatus
from booking.notifications.sender import deliver_due, smtp_configured
from booking.notifications.services import count_by_status


@click.command("send-outbox")
@click.option("--limit", type=int, default=None, help="At most this many emails in this run.")
@with_appcontext
def send_outbox_command(limit: int | None) -> None:
    """Deliver queued emails that are due, with retries and backoff."""
    if not smtp_configured():
        waiting = count_by_status()[EmailStatus.QUEUED]
        click.echo(
            f"No SMTP server configured (MAIL_SERVER): {waiting} email(s) wait in the outbox. "
            "Staff can read them at /staff/outbox."
        )
        return
    report = deliver_due(limit)
    click.echo(f"sent {report.sent}, will retry {report.retrying}, failed {report.failed}")
    for line in report.errors:
        click.echo(f"  {line}", err=True)
