"""`flask tick` (cron, every few minutes) and `flask notifications send`."""
from datetime import datetime, timezone

import click

from ..services.delivery import deliver_pending
from ..services.ticking import tick


def _parse_now(value):
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@click.command("tick")
@click.option("--now", "now_text", default="", help="pretend it is this moment (ISO 8601, UTC if no offset)")
@click.option("--no-send", is_flag=True, help="queue notices but do not send email")
def tick_command(now_text, no_send):
    """Apply deemed outcomes, flag late starts, send due reminders and escalations, then email."""
    report = tick(_parse_now(now_text), deliver=not no_send)
    for line in report.output():
        click.echo(line)


@click.group("notifications")
def notifications_group():
    """Notification outbox."""


@notifications_group.command("send")
@click.option("--limit", default=200, show_default=True, help="most emails to send in this run")
def send_command(limit):
    """Send queued notification emails now (retries follow their back-off)."""
    click.echo(deliver_pending(limit=limit).summary())


def register_notice_commands(app):
    app.cli.add_command(tick_command)
    app.cli.add_command(notifications_group)
