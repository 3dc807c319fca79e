"""The batch path of the exports (plain rows formatted in one step, the rest through the reference code)
writes exactly the bytes of the row-by-row reference path, awkward text included."""
import io

import pytest

from sandbox.audit import export, export_rows
from sandbox.audit.filters import AuditFilter
from sandbox.audit.record import SYSTEM, record
from sandbox.audit.verify import main as verify
from sandbox.transaction import atomic

AWKWARD = ['Kim, "the" officer', "line\nbreak", "back\\slash", "bell\x07", "del\x7f",
           "한글 이름", "tab\there", "plain", ""]


@pytest.fixture
def awkward_events(db):
    with atomic():
        for i, label in enumerate(AWKWARD * 3):
            record("test.awkward" if i % 4 else "test,odd\"action", actor=SYSTEM, actor_label=label or None,
                   zone_id=(i % 5) or None, data={"reason": label, "i": i, "nested": {"b": [1, "x"], "a": None}})
        for i in range(30):
            record("test.plain", actor=SYSTEM, zone_id=2, data={"n": i, "note": "한글 ok"})


def _reference_text(fmt):
    """The per-row path: chunks() over a plain iterator of the reference rows."""
    return "".join(export.chunks(fmt, iter(list(export.iter_rows(AuditFilter())))))


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_batch_path_writes_the_reference_bytes(awkward_events, fmt):
    batch_text = "".join(export.chunks(fmt, export.iter_rows(AuditFilter())))
    assert batch_text == _reference_text(fmt)
    buffer = io.StringIO()
    assert export.export_to(buffer, fmt, AuditFilter()) == len(AWKWARD) * 3 + 30
    assert buffer.getvalue() == batch_text


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_lone_carriage_return_is_kept_and_reads_back(db, fmt, tmp_path):
    with atomic():
        record("test.cr", actor=SYSTEM, actor_label="carriage\rreturn", data={"r": "a\rb"})
    text = "".join(export.chunks(fmt, export.iter_rows(AuditFilter())))
    assert text == _reference_text(fmt)
    if fmt == "csv":
        assert ',"carriage\rreturn",' in text  # quoted, so a reader does not take the CR for a line end
    path = tmp_path / f"cr.{fmt}"
    path.write_text(text, encoding="utf-8", newline="")
    assert verify([str(path)]) == 0
    assert verify([str(path), "--jobs", "2", "--parallel-min-bytes", "0"]) == 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_batch_path_exports_verify_with_small_batches_and_filters(awkward_events, fmt, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setattr(export_rows, "FAST_BATCH", 7)
    rows = export.EventRows(AuditFilter(), batch=7)
    text = "".join(export.chunks(fmt, rows))
    assert text == _reference_text(fmt)
    path = tmp_path / f"e.{fmt}"
    path.write_text(text, encoding="utf-8", newline="")
    assert verify([str(path)]) == 0
    assert verify([str(path), "--jobs", "2", "--parallel-min-bytes", "0"]) == 0
    filtered = "".join(export.chunks(fmt, export.EventRows(AuditFilter(action="test.awkward"), batch=7)))
    path.write_text(filtered, encoding="utf-8", newline="")
    assert verify([str(path), "--filtered", "--jobs", "2", "--parallel-min-bytes", "0"]) == 0


def test_progress_follows_the_sequence_numbers(awkward_events, monkeypatch):
    monkeypatch.setattr(export_rows, "FAST_BATCH", 10)
    monkeypatch.setattr(export_rows, "BATCH", 10)
    steps = []
    count = export.export_to(io.StringIO(), "csv", AuditFilter(action="test.plain"), progress=steps.append)
    assert count == 30 and sum(steps) == max(export.iter_rows(AuditFilter()), key=lambda r: r[0])[0]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_stopped_midway_leaves_the_session_usable(awkward_events, fmt, db, monkeypatch):
    # The console's download may be cancelled: on PostgreSQL a helper thread may be fetching then.
    monkeypatch.setattr(export_rows, "FAST_BATCH", 7)
    stream = export.chunks(fmt, export.EventRows(AuditFilter(), batch=7))
    next(stream)
    next(stream)
    stream.close()
    from sandbox.models import AuditEvent
    assert db.session.query(AuditEvent).count() == len(AWKWARD) * 3 + 30
