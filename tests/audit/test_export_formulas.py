"""Audit CSV exports are opened in spreadsheets too: a cell that would start a formula is written with a
leading apostrophe on every export path (row by row, batches, database-built pieces, processes), and the
offline verifier reads the stored text back, so the file still verifies."""
import csv
import io
import json

import pytest

from sandbox import spreadsheet
from sandbox.audit import export
from sandbox.audit.chain import CSV_INERT_STARTS, COLUMNS, csv_inert, csv_restore
from sandbox.audit.filters import AuditFilter
from sandbox.audit.record import SYSTEM, record
from sandbox.audit.verify import main as verify
from sandbox.transaction import atomic

from . import test_export_processes as processes
from .test_export_processes import shared_db  # noqa: F401 (the fixture)

# Failed logins record the address typed, and an e-mail address may start with = + or -.
LABELS = ["=cmd|'/Ccalc'!A0@x.kr", "+1@x.kr", "-2+3@x.kr", "@SUM(A1)", "\tTab", "\rCR", "'quoted",
          "''double", "'plain", "O'Brien", "plain", "=", "'", "-", "한글"]
ACTOR_NAME = COLUMNS.index("actor_name")


@pytest.fixture
def formula_events(db):
    with atomic():
        for i, label in enumerate(LABELS * 2):
            record("user.login_failed", actor=SYSTEM, actor_label=label, zone_id=(i % 3) or None,
                   data={"email": label, "i": i})
        for i in range(10):
            record("test.plain", actor=SYSTEM, data={"n": i})


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def test_formula_cells_are_inert_on_every_path_and_the_file_verifies(formula_events, tmp_path):
    reference = "".join(export.chunks("csv", iter(list(export.iter_rows(AuditFilter())))))
    assert "".join(export.chunks("csv", export.iter_rows(AuditFilter()))) == reference
    buffer = io.StringIO()
    export.export_to(buffer, "csv", AuditFilter())
    assert buffer.getvalue() == reference

    rows = list(csv.reader(io.StringIO(reference, newline="")))[1:]
    names = [row[ACTOR_NAME] for row in rows[:len(LABELS)]]
    for written, typed in zip(names, LABELS):
        if typed.startswith(("=", "+", "-", "@", "\t", "\r", "'")):
            assert written == "'" + typed
        else:
            assert written == typed
    assert all(not name.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for name in row)

    path = _write(tmp_path, "export.csv", reference)
    assert verify([path]) == 0
    assert verify([path, "--jobs", "2", "--parallel-min-bytes", "0"]) == 0


@pytest.fixture
def formula_labels(monkeypatch):
    """Makes shared_db (requested after this) write these labels as its awkward events."""
    monkeypatch.setattr(processes, "AWKWARD", LABELS)


def test_several_processes_write_the_same_inert_bytes(formula_labels, shared_db, tmp_path):  # noqa: F811
    expected = processes._one_process("csv", AuditFilter())
    path = tmp_path / "export.csv"
    assert processes._in_processes(path, "csv", AuditFilter(), 2) == expected
    assert b"'=cmd|" in expected[1]
    assert verify([str(path)]) == 0


def test_the_verifier_still_catches_an_edit_of_a_neutralised_cell(formula_events, tmp_path):
    text = "".join(export.chunks("csv", export.iter_rows(AuditFilter())))
    assert "'=cmd|" in text
    edited = text.replace("'=cmd|'/Ccalc'!A0@x.kr", "'=cmd|'/Cnotepad'!A0@x.kr", 1)
    path = _write(tmp_path, "edited.csv", edited)
    assert verify([path]) == 1
    assert verify([path, "--jobs", "2", "--parallel-min-bytes", "0"]) == 1


def test_json_lines_keep_the_text_as_stored(formula_events):
    lines = "".join(export.chunks("jsonl", export.iter_rows(AuditFilter()))).splitlines()
    assert [json.loads(line)["actor_name"] for line in lines[:len(LABELS)]] == LABELS


@pytest.mark.parametrize("text", LABELS + ["", "'x", "''", "'''=", "x=", "\t", "'\t"])
def test_restore_undoes_inert(text):
    assert csv_restore(csv_inert(text)) == text
    assert not csv_inert(text).startswith(spreadsheet.FORMULA_STARTS)


def test_the_audit_export_and_the_spreadsheet_writer_share_the_formula_list():
    assert CSV_INERT_STARTS == (*spreadsheet.FORMULA_STARTS, "'")
