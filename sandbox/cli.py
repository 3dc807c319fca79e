"""flask commands: demo-data (and, from later issues, tick and audit)."""
import click
from flask import current_app

from .audit.cli import audit_group
from .notices.cli import register_notice_commands


def register_commands(app):
    app.cli.add_command(demo_data)
    app.cli.add_command(catalogue)
    app.cli.add_command(audit_group)
    register_notice_commands(app)


@click.command("catalogue")
def catalogue():
    """Load the shipped zones and exemption types (adds what is missing)."""
    from .services.catalogue import load_catalogue
    types, zones = load_catalogue()
    click.echo(f"catalogue: {types} exemption types and {zones} zones added")


@click.command("demo-data")
def demo_data():
    """Create the catalogue, one demo account per role, two organisations and files in several states.

    Running it again changes nothing."""
    from .seed.demo import DEMO_PASSWORD, load_demo
    created = load_demo()
    click.echo("Demo data " + ("created." if created else "already present; nothing changed."))
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}) — DEMO ONLY, never use in production:")
    from .seed.demo import DEMO_USERS
    for email, name, roles in DEMO_USERS:
        click.echo(f"  {email:<28} {', '.join(roles)}")
    click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")
