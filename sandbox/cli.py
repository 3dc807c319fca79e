"""The `flask` commands: demo-data, catalogue, backup, restore; audit (sandbox/audit/cli.py), tick and notifications
(sandbox/notices/cli.py) are registered from their own packages."""
import click
from flask import current_app

from .audit.cli import audit_group
from .notices.cli import register_notice_commands


# Each command imports the seed or backup module it runs inside its own body: the catalogue loader and the
# generator pull in the shipped data, numpy and shapely, which `flask run` and every worker would otherwise
# load at start-up for nothing.


def register_commands(app):
    app.cli.add_command(demo_data)
    app.cli.add_command(catalogue)
    app.cli.add_command(audit_group)
    app.cli.add_command(backup_command), app.cli.add_command(restore_command)
    register_notice_commands(app)


@click.command("catalogue")
def catalogue():
    """Load the shipped zones and exemption types (adds what is missing)."""
    from .seed.catalogue_loader import load_catalogue
    types, zones = load_catalogue()
    click.echo(f"catalogue: {types} exemption types and {zones} zones added")


@click.command("demo-data")
@click.option("--scale", type=click.IntRange(min=1), default=None,
              help="also generate this many files (e.g. 100000) for benchmarks (sandbox/seed/scale.py)")
def demo_data(scale):
    """Create the catalogue, one demo account per role, two organisations and files in several states.

    Running it again changes nothing."""
    from .seed.demo import DEMO_PASSWORD, load_demo
    created = load_demo()
    click.echo("Demo data " + ("created." if created else "already present; nothing changed."))
    if scale:
        _generate(scale)
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}) — DEMO ONLY, never use in production:")
    from .seed.demo import DEMO_USERS
    for email, name, roles in DEMO_USERS:
        click.echo(f"  {email:<28} {', '.join(roles)}")
    click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")


def _generate(n):
    from .seed.scale import build_scale, generated_count
    with click.progressbar(length=max(0, n - generated_count()), label=f"Generating {n:,} files") as bar:
        added = build_scale(n, progress=bar.update)
    click.echo(f"Generated files: {added:,} added ({generated_count():,} in all)."
               + ("" if added else " Nothing to add."))


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="new directory for the backup")
def backup_command(out):
    """Back up the database (SQLite online backup, or pg_dump -Fc) and the uploaded documents."""
    from .backup import BackupError, backup
    try:
        manifest = backup(out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {out} ({manifest['backend']}, {manifest['database']}).")


@click.command("restore")
@click.option("--from", "source", required=True, type=click.Path(exists=True, file_okay=False))
def restore_command(source):
    """Restore a backup into an EMPTY database and UPLOAD_DIR; every document is checked against its hash."""
    from .backup import BackupError, restore
    try:
        tables, documents = restore(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {tables} tables; {documents} document files match their hashes. "
               "Run `flask audit verify` to check the chain.")
