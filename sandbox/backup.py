"""Backup and restore: the database and the uploaded documents, in one directory.

SQLite: the online backup API (a consistent copy while the app keeps running). PostgreSQL:
`pg_dump -Fc` / `pg_restore`. Documents: a tar of UPLOAD_DIR. A restore goes into an EMPTY database
(no UPDATE or DELETE of audit rows is ever needed) and checks every document against its hash."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from .extensions import db
from .models import Document
from .services.documents import path_for

DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class BackupError(Exception):
    pass


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _pg_args(url):
    return ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]


def _pg_env(url):
    return {**os.environ, "PGPASSWORD": url.password or ""}


def backup(out):
    """Write database + documents + manifest into the new directory `out`."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    url = _url()
    backend = url.get_backend_name()
    target = out / DATABASE_FILES[backend]
    if backend == "sqlite":
        source = sqlite3.connect(url.database)
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
    else:
        _require("pg_dump")
        subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", *_pg_args(url), "-d", url.database, "-f", str(target)],
            env=_pg_env(url),
            check=True,
        )
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    with tarfile.open(out / "uploads.tar", "w") as tar:
        if upload_dir.exists():
            tar.add(upload_dir, arcname="uploads")
    manifest = {
        "created_at": datetime.now(timezone.utc).isoformat(),
        "backend": backend,
        "database": target.name,
        "sha256": _file_hash(target),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(source):
    """Restore a backup into the configured (empty) database and UPLOAD_DIR; returns (tables, documents)."""
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    url = _url()
    backend = url.get_backend_name()
    if manifest["backend"] != backend:
        raise BackupError(f"the backup is from {manifest['backend']}; the configured database is {backend}")
    dump = source / manifest["database"]
    if _file_hash(dump) != manifest["sha256"]:
        raise BackupError("the database file does not match the manifest's hash")
    db.session.remove()
    db.engine.dispose()
    if inspect(db.engine).get_table_names():
        raise BackupError("the target database is not empty; restore into an empty database")
    if backend == "sqlite":
        with sqlite3.connect(dump) as copy, sqlite3.connect(url.database) as target:
            copy.backup(target)
    else:
        _require("pg_restore")
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *_pg_args(url), "-d", url.database, str(dump)],
            env=_pg_env(url),
            check=True,
        )
    _restore_uploads(source / "uploads.tar")
    return len(inspect(db.engine).get_table_names()), check_documents()


def _restore_uploads(tar_path):
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    staging = upload_dir.parent / f".restore-{upload_dir.name}"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(tar_path) as tar:
        tar.extractall(staging, filter="data")
    unpacked = staging / "uploads"
    if unpacked.exists():
        for path in unpacked.rglob("*"):
            if path.is_file():
                dest = upload_dir / path.relative_to(unpacked)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), dest)
    shutil.rmtree(staging, ignore_errors=True)


def check_documents():
    """Every document row has its file, and the file's content matches the recorded hash."""
    problems, count = [], 0
    for sha256 in db.session.scalars(select(Document.sha256).distinct()):
        path = path_for(sha256)
        count += 1
        if not path.exists():
            problems.append(f"missing: {sha256}")
        elif _file_hash(path) != sha256:
            problems.append(f"content does not match: {sha256}")
    if problems:
        raise BackupError("; ".join(problems[:5]))
    return count


def _file_hash(path):
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _require(tool):
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (apt-get install postgresql-client)")
