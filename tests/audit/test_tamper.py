"""The offline verifier catches each kind of tampering an auditor worries about, in CSV and JSON Lines."""
import pytest

from sandbox.audit.chain import GENESIS
from sandbox.audit.verify import main as verify

FORMATS = ["csv", "jsonl"]


def _lines(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    return (lines[:1], lines[1:]) if path.suffix == ".csv" else ([], lines)


def _rewrite(path, header, body):
    path.write_text("".join(header + body), encoding="utf-8", newline="")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_untouched_export_verifies(some_events, export_file, fmt, capsys):
    assert verify([str(export_file(fmt))]) == 0
    assert "6 events verified" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edited_field_is_detected(some_events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _lines(path)
    body[2] = body[2].replace("test.happened", "test.harmless")
    _rewrite(path, header, body)
    assert verify([str(path)]) == 1
    assert "sequence 3" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_deleted_event_is_detected(some_events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _lines(path)
    del body[3]
    _rewrite(path, header, body)
    assert verify([str(path)]) == 1
    assert "sequence 4" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_inserted_event_is_detected(some_events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _lines(path)
    body.insert(2, body[1])  # a copy of a genuine event, hashes and all
    _rewrite(path, header, body)
    assert verify([str(path)]) == 1
    assert "sequence 3" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_swapped_events_are_detected(some_events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _lines(path)
    body[1], body[2] = body[2], body[1]
    _rewrite(path, header, body)
    assert verify([str(path)]) == 1
    assert "sequence 2" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_truncated_tail_is_detected_against_the_expected_head_or_count(some_events, export_file, fmt, db,
                                                                         capsys):
    from sandbox.audit.integrity import chain_head
    _, head = chain_head()
    path = export_file(fmt)
    header, body = _lines(path)
    _rewrite(path, header, body[:-2])
    assert verify([str(path)]) == 0, "a cut tail alone still looks like a valid, shorter chain"
    assert verify([str(path), "--head", head]) == 1
    assert verify([str(path), "--count", "6"]) == 1
    assert "events missing" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_contiguous_slice_verifies_from_its_anchor(some_events, export_file, fmt):
    path = export_file(fmt)
    header, body = _lines(path)
    anchor = body[1].split(",")[-1].strip() if fmt == "csv" else __import__("json").loads(body[1])["hash"]
    _rewrite(path, header, body[2:5])
    assert verify([str(path)]) == 1, "a slice is not a chain from the start"
    assert verify([str(path), "--anchor", anchor]) == 0
    assert verify([str(path), "--anchor", GENESIS]) == 1


def test_a_file_that_is_not_an_export_is_refused_with_status_2(tmp_path, capsys):
    path = tmp_path / "other.csv"
    path.write_text("name,age\nKim,40\n", encoding="utf-8")
    assert verify([str(path)]) == 2
    assert "not an audit export" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_text_survives_the_round_trip(db, export_file, fmt):
    from sandbox.audit.record import record
    from sandbox.transaction import atomic
    with atomic():
        record("test.awkward", actor_label='Kim, "the" officer\nline two',
               data={"reason": 'a,b "c"\r\n\t\\ 한글 \x01'})
        record("test.awkward", actor_label="plain", data={})
    assert verify([str(export_file(fmt))]) == 0
