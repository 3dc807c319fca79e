"""Exports formatted by several processes (the command line's way for large exports) write exactly the
bytes of a one-process export, in order, report their progress, and fail loudly, never hanging, when a
helper fails. Spans are made tiny here so that a few dozen events give many turns."""
import io
import multiprocessing
import os
import signal
import json

import pytest
from flask import current_app

from sandbox import create_app
from sandbox.audit import export, export_processes, export_rows
from sandbox.audit.filters import AuditFilter
from sandbox.audit.record import SYSTEM, record
from sandbox.audit.verify import main as verify
from sandbox.config import TestingConfig
from sandbox.extensions import db as _db
from sandbox.transaction import atomic

AWKWARD = ['Kim, "the" officer', "line\nbreak", "back\\slash", "bell\x07", "한글 이름", "tab\there", "plain"]


@pytest.fixture
def shared_db(db, tmp_path, monkeypatch):
    """A database other processes can open, with awkward and plain events: PostgreSQL as the suite
    uses it; on SQLite a file (the suite's own database lives in this process's memory)."""
    monkeypatch.setattr(export_processes, "PARALLEL_MIN_EVENTS", 0)
    monkeypatch.setattr(export_processes, "FAST_BATCH", 4)
    monkeypatch.setattr(export_rows, "FAST_BATCH", 4)
    if db.engine.dialect.name == "postgresql":
        _write_events()
        yield db
        return
    settings = {name: getattr(TestingConfig, name) for name in dir(TestingConfig) if name.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.sqlite'}"})
    with app.app_context():
        _db.create_all()
        _write_events()
        yield _db
        _db.session.remove()
        _db.engine.dispose()


def _write_events():
    with atomic():
        for i, label in enumerate(AWKWARD * 3):
            record("test.awkward", actor=SYSTEM, actor_label=label, zone_id=(i % 3) or None,
                   data={"reason": label, "i": i})
        for i in range(20):
            record("test.plain", actor=SYSTEM, zone_id=2, data={"n": i, "note": "한글 ok"})


def _one_process(fmt, audit_filter):
    buffer = io.StringIO()
    count = export.export_to(buffer, fmt, audit_filter)
    return count, buffer.getvalue().encode("utf-8")


def _in_processes(path, fmt, audit_filter, jobs, progress=None):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        count = export_processes.export_in_processes(stream, fmt, audit_filter, jobs, progress)
    return count, path.read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("jobs", [2, 3])
def test_several_processes_write_the_bytes_of_one(shared_db, tmp_path, fmt, jobs):
    expected = _one_process(fmt, AuditFilter())
    assert expected[0] == len(AWKWARD) * 3 + 20
    path = tmp_path / f"export.{fmt}"
    assert _in_processes(path, fmt, AuditFilter(), jobs) == expected
    assert verify([str(path)]) == 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_filtered_export_in_processes_matches_and_verifies_as_a_filtered_file(shared_db, tmp_path, fmt):
    plain_only = AuditFilter(action="test.plain")
    path = tmp_path / f"filtered.{fmt}"
    count, written = _in_processes(path, fmt, plain_only, 2)
    assert (count, written) == _one_process(fmt, plain_only) and count == 20
    assert verify([str(path), "--filtered"]) == 0


def test_progress_reaches_the_last_matching_sequence_number(shared_db, tmp_path):
    steps = []
    count, _ = _in_processes(tmp_path / "e.csv", "csv", AuditFilter(action="test.awkward"), 2, steps.append)
    last_awkward = len(AWKWARD) * 3
    assert count == last_awkward and sum(steps) == last_awkward and all(step > 0 for step in steps)


def test_export_to_takes_one_process_for_a_stream_that_is_not_a_file(shared_db):
    buffer = io.StringIO()
    assert export_processes.export_in_processes(buffer, "csv", AuditFilter(), 2) is None
    assert buffer.getvalue() == ""
    assert export.export_to(buffer, "csv", AuditFilter(), jobs=2) == len(AWKWARD) * 3 + 20
    assert buffer.getvalue().encode("utf-8") == _one_process("csv", AuditFilter())[1]


def test_a_small_export_stays_in_one_process(shared_db, tmp_path, monkeypatch):
    monkeypatch.setattr(export_processes, "PARALLEL_MIN_EVENTS", 1000)
    with open(tmp_path / "small.csv", "w", newline="", encoding="utf-8") as stream:
        assert export_processes.export_in_processes(stream, "csv", AuditFilter(), 2) is None


def test_a_helper_that_fails_stops_the_export_with_an_error(shared_db, tmp_path, monkeypatch):
    real_batch_texts = export_processes.batch_texts

    def failing_on_the_third_span(fmt, rows):
        for number, told in enumerate(real_batch_texts(fmt, rows)):
            if number == 2 and rows.spans[0][0] > 0:  # every helper but the first, on its third span
                raise OSError("disk on fire")
            yield told
    monkeypatch.setattr(export_processes, "batch_texts", failing_on_the_third_span)
    with pytest.raises(RuntimeError, match="export process failed"):
        _in_processes(tmp_path / "broken.jsonl", "jsonl", AuditFilter(), 3)


def test_the_command_line_exports_in_processes_and_includes_its_own_event(shared_db, tmp_path):
    out = tmp_path / "cli.jsonl"
    result = current_app.test_cli_runner().invoke(
        args=["audit", "export", "--format", "jsonl", "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    total = len(AWKWARD) * 3 + 20 + 1
    assert f"{total} events written" in result.output
    assert verify([str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[-1])["action"] == "audit.exported"


def test_this_process_failing_ends_the_helpers(shared_db, tmp_path, monkeypatch):
    real_batch_texts = export_processes.batch_texts

    def failing_here(fmt, rows):
        for number, told in enumerate(real_batch_texts(fmt, rows)):
            if number == 1 and rows.spans[0][0] == 0:  # this process (it takes the first span), second span
                raise OSError("disk on fire")
            yield told
    monkeypatch.setattr(export_processes, "batch_texts", failing_here)
    with pytest.raises(OSError, match="disk on fire"):
        _in_processes(tmp_path / "broken.csv", "csv", AuditFilter(), 2)
    assert multiprocessing.active_children() == []


def test_a_helper_killed_outright_is_noticed_not_waited_for(shared_db, tmp_path, monkeypatch):
    real_batch_texts = export_processes.batch_texts

    def killed_in_a_helper(fmt, rows):
        for number, told in enumerate(real_batch_texts(fmt, rows)):
            if number == 1 and rows.spans[0][0] > 0:
                os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
            yield told
    monkeypatch.setattr(export_processes, "batch_texts", killed_in_a_helper)
    with pytest.raises(RuntimeError, match=r"exit code -9"):
        _in_processes(tmp_path / "killed.csv", "csv", AuditFilter(), 2)
    assert multiprocessing.active_children() == []
