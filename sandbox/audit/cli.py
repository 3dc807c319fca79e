"""`flask audit ...`: export, verify, checkpoint and keygen."""
import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent
from .chain import ChainBroken
from .export import export_to, record_export
from .filters import AuditFilter
from .integrity import chain_head, create_checkpoint, generate_signing_key, verify_database
from .verify_parallel import default_jobs


def _filter_options(command):
    options = [
        click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
                     help="first day (UTC), inclusive"),
        click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="last day (UTC), inclusive"),
        click.option("--actor", default="", help="part of the actor's e-mail or name"),
        click.option("--action", default="",
                     help="an action, or a prefix ending in '.' (e.g. 'application.')"),
        click.option("--application", "application_id", type=int, help="application id"),
        click.option("--zone", "zone_id", type=int, help="zone id"),
        click.option("--state", default="", help="state the file moved to"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group("audit")
def audit_group():
    """The audit trail: export, verify and sign checkpoints."""


@audit_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="file to write ('-' for standard output)")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="processes formatting a large export (default: one per CPU)")
@_filter_options
def export_command(fmt, out, jobs, date_from, date_to, **filters):
    """Stream matching events to a file (every hashed field and the hash; verifiable offline)."""
    jobs = jobs or default_jobs()
    audit_filter = AuditFilter(date_from=date_from.date() if date_from else None,
                               date_to=date_to.date() if date_to else None, **filters)
    record_export(audit_filter, fmt, destination="cli:" + out)
    if out == "-":
        _export(sys.stdout, fmt, audit_filter, jobs, show_bar=False)
        return
    # Written beside the target and renamed when complete: an export stopped midway (Ctrl-C, a full disk)
    # leaves no file that would pass for a shorter, valid log.
    partial = Path(out).with_name(Path(out).name + ".part")
    try:
        with open(partial, "w", newline="", encoding="utf-8") as stream:
            count = _export(stream, fmt, audit_filter, jobs, show_bar=sys.stderr.isatty())
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"{count} events written to {out}", err=True)


def _export(stream, fmt, audit_filter, jobs, show_bar):
    if not show_bar:
        return export_to(stream, fmt, audit_filter, jobs=jobs)
    last_seq = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    with click.progressbar(length=last_seq, label="Exporting", file=sys.stderr) as bar:
        return export_to(stream, fmt, audit_filter, progress=bar.update, jobs=jobs)


@audit_group.command("verify")
def verify_command():
    """Check the whole chain in the database; exit 1 naming the first bad sequence number."""
    try:
        if sys.stderr.isatty():
            with click.progressbar(length=chain_head()[0], label="Verifying", file=sys.stderr) as bar:
                count, last_seq, head = verify_database(progress=bar.update)
        else:
            count, last_seq, head = verify_database()
    except ChainBroken as exc:
        click.echo(f"FAILED: {exc}", err=True)
        sys.exit(1)
    click.echo(f"OK: {count} events, sequence 1..{last_seq or 0}, head {head}")


def _key_path():
    return current_app.config["AUDIT_SIGNING_KEY"]


@audit_group.command("keygen")
def keygen_command():
    """Create the Ed25519 signing key at AUDIT_SIGNING_KEY if missing (never overwrites).

    Prints the public key auditors keep."""
    public_key, created = generate_signing_key(_key_path())
    click.echo(("Created " if created else "Kept the existing ") + f"signing key {_key_path()}")
    click.echo(f"Public key (give this to auditors): {public_key}")


@audit_group.command("checkpoint")
@click.option("--out", type=click.Path(dir_okay=False), help="also write the checkpoint JSON to this file")
def checkpoint_command(out):
    """Sign the chain's current head (seq, hash, count, time), store it and print the JSON auditors keep."""
    if not Path(_key_path()).exists():
        click.echo(f"No signing key at {_key_path()}; run `flask audit keygen` first.", err=True)
        sys.exit(2)
    document = json.dumps(create_checkpoint(_key_path()), indent=2)
    if out:
        Path(out).write_text(document + "\n", encoding="utf-8")
    click.echo(document)
