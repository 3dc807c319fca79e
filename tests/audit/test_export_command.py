"""`flask audit export`: the file it writes verifies, the export is itself on record, standard output
works for pipes, and an export that fails midway leaves no file behind."""
import json

import pytest
from sqlalchemy import select

from sandbox.audit import export
from sandbox.audit.verify import main as verify
from sandbox.models import AuditEvent

from .conftest import write_events


def _recorded_exports(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.exported")).all()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_filtered_export_to_a_file_verifies_and_is_on_record(runner, db, tmp_path, fmt):
    write_events(5, action="test.kept")
    write_events(3, action="other.left_out")
    out = tmp_path / f"kept.{fmt}"
    result = runner.invoke(args=["audit", "export", "--format", fmt, "--out", str(out), "--action", "test."])
    assert result.exit_code == 0, result.output
    assert "5 events written to" in result.output
    assert verify([str(out), "--filtered"]) == 0
    assert not out.with_name(out.name + ".part").exists()
    recorded, = _recorded_exports(db)
    assert recorded.data == {"format": fmt, "filters": {"action": "test."}, "destination": f"cli:{out}"}


def test_standard_output_carries_the_whole_log_for_a_pipe(runner, db):
    write_events(4)
    result = runner.invoke(args=["audit", "export", "--format", "jsonl", "--out", "-"])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [event["seq"] for event in events] == [1, 2, 3, 4, 5]
    assert events[-1]["action"] == "audit.exported"


def test_an_export_that_fails_midway_leaves_no_file(runner, db, tmp_path, monkeypatch):
    write_events(12)
    real_batch_texts = export.batch_texts

    def disk_full_after_one_batch(fmt, rows):  # the first batch is written, then the disk is full
        texts = real_batch_texts(fmt, rows)
        yield next(texts)
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(export, "batch_texts", disk_full_after_one_batch)
    out = tmp_path / "broken.csv"
    result = runner.invoke(args=["audit", "export", "--format", "csv", "--out", str(out)])
    assert result.exit_code != 0 and isinstance(result.exception, OSError)
    assert list(tmp_path.iterdir()) == []
    assert len(_recorded_exports(db)) == 1  # the attempt stays on record
