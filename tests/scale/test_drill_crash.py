"""kill -9 drill: during a surge of submissions (60 applicants, 1 MB PDFs, 6 clients, gunicorn -w 2 on
loopback) one worker is killed with SIGKILL, later the whole server (master and workers); gunicorn is
restarted on the same database and port and the clients retry what got no answer. Afterwards every
submission acknowledged before the crash is there, in state submitted, with its document whose file
has the right SHA-256; nothing is half-saved; the audit chain verifies.

Runs in its own scratch PostgreSQL database (created and dropped here), so it needs a PostgreSQL
server: it runs when DATABASE_URL points to PostgreSQL (as in CI's PostgreSQL pass). The same drill
from the command line: `.venv/bin/python bench/surge.py --drill` (the drill itself is bench/drill_crash.py)."""

import shutil
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not shutil.which("createdb"), reason="the kill -9 drill needs createdb on PATH"),
]


@pytest.fixture
def drill_modules():
    """(drill_crash, surge_check) from bench/, which imports its siblings by bare name."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import drill_crash
        import surge_check

        yield drill_crash, surge_check
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_kill_9_during_a_surge_loses_nothing_acknowledged(drill_modules, tmp_path):
    drill_crash, surge_check = drill_modules
    lines = []
    scratch = surge_check.Scratch(f"drill_{uuid.uuid4().hex[:8]}", tmp_path / "drill")
    try:
        result = drill_crash.drill(applicants_count=60, size_mb=1, concurrency=6, scratch=scratch,
                                   log=lines.append)
    finally:
        scratch.close()
    report = "\n".join(lines)
    assert not result["runner_alive"], report
    # The crashes happened in the middle of the surge, not before or after it.
    assert 0 < len(result["acked_before_crash"]) < 60, report
    assert not result["problems"], report
    # The clients retried through the crash: every applicant ended up submitted, with or without an answer.
    assert not result["never_submitted"], report
    assert not result["server_errors"], report
    counts = result["counts"]
    assert counts["submitted"] == 60, report
    assert counts["temp_files"] <= 3, report  # at most the uploads in flight when a process was killed
