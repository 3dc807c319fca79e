"""`flask backup` / `flask restore`: a round trip keeps the audit chain and the documents intact."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _flask(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _create_schema(env):
    code = (
        "from sandbox import create_app\nfrom sandbox.extensions import db\n"
        "from sandbox.audit.ddl import install_append_only_triggers\napp=create_app()\n"
        "with app.app_context():\n  db.create_all()\n  install_append_only_triggers(db.session.connection())\n"
        "  db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)


def _round_trip(tmp_path, source_url, target_url):
    base = {**os.environ, "SECRET_KEY": "t", "RATELIMIT_ENABLED": "0"}
    source = {**base, "DATABASE_URL": source_url, "UPLOAD_DIR": str(tmp_path / "up1")}
    target = {**base, "DATABASE_URL": target_url, "UPLOAD_DIR": str(tmp_path / "up2")}
    _create_schema(source)
    assert _flask(source, "demo-data", "--scale", "40").returncode == 0
    done = _flask(source, "backup", "--out", str(tmp_path / "bk"))
    assert done.returncode == 0, done.stderr
    restored = _flask(target, "restore", "--from", str(tmp_path / "bk"))
    assert restored.returncode == 0, restored.stderr
    assert "match their hashes" in restored.stdout
    verified = _flask(target, "audit", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("OK"), verified.stdout + verified.stderr
    assert verified.stdout.split(",")[0] == _flask(source, "audit", "verify").stdout.split(",")[0]
    again = _flask(target, "restore", "--from", str(tmp_path / "bk"))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_sqlite_round_trip(tmp_path):
    _round_trip(tmp_path, f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}")


@pytest.mark.postgres
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump")
def test_postgresql_round_trip(tmp_path):
    names = [f"bk_{uuid.uuid4().hex[:8]}_{k}" for k in (1, 2)]
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    for name in names:
        subprocess.run(["createdb", *pg, name], check=True)
    try:
        urls = [f"postgresql+psycopg://postgres@127.0.0.1:5432/{n}" for n in names]
        _round_trip(tmp_path, *urls)
    finally:
        for name in names:
            subprocess.run(["dropdb", "--if-exists", *pg, name])
