"""The verifier's parallel path (byte ranges checked by worker processes, seams checked after): the same
answers and the same messages as the sequential reader, wherever the tampering sits."""
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.audit import verify as verifier
from sandbox.audit import verify_parallel
from sandbox.audit.filters import AuditFilter
from sandbox.audit.verify import main as verify

from .conftest import write_events
from .test_checkpoint_and_offline import signed, signing_key  # noqa: F401 - fixtures

FORMATS = ["csv", "jsonl"]
EVENTS = 24
PARALLEL = ["--jobs", "2", "--parallel-min-bytes", "0"]  # force worker processes on a small file
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def events(db):
    return write_events(EVENTS)


def _split(path):
    raw = path.read_bytes()
    lines = raw.splitlines(keepends=True)
    return (lines[:1], lines[1:]) if path.suffix == ".csv" else ([], lines)


def _write(path, header, body):
    path.write_bytes(b"".join(header + body))


def _seams(path):
    """Byte offsets where a range other than the first starts."""
    plan = verify_parallel._plan(str(path), 2, 0)
    return [start for start, _ in plan[1][1:]] if plan else []


def _offset(header, body, index):
    return len(b"".join(header + body[:index]))


def _run(path, extra, capsys):
    status = verify([str(path), *extra])
    captured = capsys.readouterr()
    return status, captured.err


def _both(path, capsys, *extra):
    """Status and message with --jobs 2 (forced) and with --jobs 1; they must agree exactly."""
    parallel = _run(path, [*PARALLEL, *extra], capsys)
    sequential = _run(path, ["--jobs", "1", *extra], capsys)
    assert parallel == sequential
    return parallel


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_untouched_export_verifies_in_ranges_without_falling_back(events, export_file, fmt, capsys):
    path = export_file(fmt)
    assert len(_seams(path)) >= 1, "the test file must really be split"
    scanned = verifier.scan_file(str(path), jobs=2, parallel_min_bytes=0)
    assert scanned is not None, "an intact export is accepted by the ranges, not by the fallback"
    total, last_seq, last_hash, _ = scanned
    assert (total, last_seq) == (EVENTS, EVENTS)
    assert verify([str(path), *PARALLEL]) == 0
    assert f"{EVENTS} events verified" in capsys.readouterr().out
    assert verifier._verify_sequential(str(path), None, False, None)[:3] == (total, last_seq, last_hash)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edited_field_is_named_in_every_position_including_the_seams(events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _split(path)
    hit_seam = False
    for index in range(EVENTS):
        edited = list(body)
        edited[index] = edited[index].replace(b"test.happened", b"test.harmless")  # same length: seams stay
        _write(path, header, edited)
        hit_seam |= _offset(header, edited, index) in _seams(path)
        status, err = _both(path, capsys)
        assert status == 1 and f"sequence {index + 1}:" in err and "edited" in err
    assert hit_seam


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_deleted_event_is_named_in_every_position(events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _split(path)
    hit_seam = False
    for index in range(1, EVENTS - 1):
        _write(path, header, body[:index] + body[index + 1:])
        hit_seam |= _offset(header, body[:index], index) in _seams(path)
        status, err = _both(path, capsys)
        assert status == 1 and f"sequence {index + 1}:" in err
    assert hit_seam


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_inserted_event_is_named_in_every_position(events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _split(path)
    hit_seam = False
    for index in range(1, EVENTS):
        tampered = body[:index] + [body[index - 1]] + body[index:]  # a genuine event, hashes and all, again
        _write(path, header, tampered)
        hit_seam |= _offset(header, tampered, index) in _seams(path)
        status, err = _both(path, capsys)
        assert status == 1 and f"sequence {index + 1}:" in err
    assert hit_seam


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_swapped_events_are_named_in_every_position(events, export_file, fmt, capsys):
    path = export_file(fmt)
    header, body = _split(path)
    hit_seam = False
    for index in range(EVENTS - 1):
        swapped = list(body)
        swapped[index], swapped[index + 1] = swapped[index + 1], swapped[index]
        _write(path, header, swapped)
        seams = _seams(path)
        hit_seam |= _offset(header, swapped, index) in seams or _offset(header, swapped, index + 1) in seams
        status, err = _both(path, capsys)
        assert status == 1 and f"sequence {index + 1}:" in err
    assert hit_seam


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_truncated_tail_is_caught_by_head_and_count(events, export_file, fmt, db, capsys):
    from sandbox.audit.integrity import chain_head
    _, head = chain_head()
    path = export_file(fmt)
    header, body = _split(path)
    _write(path, header, body[:-3])
    assert _both(path, capsys)[0] == 0
    status, err = _both(path, capsys, "--head", head)
    assert status == 1 and f"sequence {EVENTS - 3}:" in err
    status, err = _both(path, capsys, "--count", str(EVENTS))
    assert status == 1 and "events missing" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_slice_verifies_from_its_anchor_in_ranges(events, export_file, fmt, capsys):
    import json
    path = export_file(fmt)
    header, body = _split(path)
    anchor_line = body[4].decode()
    anchor = anchor_line.rsplit(",", 1)[-1].strip() if fmt == "csv" else json.loads(anchor_line)["hash"]
    _write(path, header, body[5:20])
    assert verifier.scan_file(str(path), anchor=anchor, jobs=2, parallel_min_bytes=0)[:2] == (15, 20)
    assert _both(path, capsys, "--anchor", anchor)[0] == 0
    assert _both(path, capsys)[0] == 1
    status, err = _both(path, capsys, "--anchor", "0" * 64)
    assert status == 1 and "sequence 6:" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filtered_export_verifies_in_ranges_and_an_edit_is_named(db, export_file, fmt, capsys):
    for _ in range(6):
        write_events(3, action="test.kept")
        write_events(2, action="test.other")
    path = export_file(fmt, AuditFilter(action="test.kept"))
    assert verifier.scan_file(str(path), filtered=True, jobs=2, parallel_min_bytes=0)[0] == 18
    assert _both(path, capsys, "--filtered")[0] == 0
    assert _both(path, capsys)[0] == 1, "a filtered export is not a whole chain"
    header, body = _split(path)
    body[12] = body[12].replace(b"test.kept", b"test.kopt")
    _write(path, header, body)
    status, err = _both(path, capsys, "--filtered")
    assert status == 1 and "edited" in err


def test_csv_with_newlines_inside_cells_near_the_seams_verifies_in_ranges(db, export_file, capsys):
    from sandbox.audit.record import record
    from sandbox.transaction import atomic
    with atomic():
        for i in range(EVENTS):
            record("test.awkward", actor_label=f'Kim "{i}",\n' + "a line\n" * 12 + "end",
                   data={"reason": 'a,b "c"\r\n\t 한글', "i": i})
    path = export_file("csv")
    raw = path.read_bytes()
    start = raw.index(b"\n") + 1
    middle = start + (len(raw) - start) // 2
    newline = raw.index(b"\n", middle)
    assert raw[start:newline].count(b'"') % 2 == 1, "the first newline after the middle is inside a cell"
    seams = _seams(path)
    assert seams and all(raw[start:seam].count(b'"') % 2 == 0 for seam in seams)
    assert verifier.scan_file(str(path), jobs=2, parallel_min_bytes=0) is not None
    assert verify([str(path), *PARALLEL]) == 0
    header, body = [raw[:start]], [raw[start:seams[0]], raw[seams[0]:]]
    body[1] = body[1].replace(b"a line", b"b line", 1)  # the first event of the second range
    _write(path, header, body)
    status, err = _both(path, capsys)
    second = raw[start:seams[0]].count(b"\n" + b"end") + 1
    assert status == 1 and f"sequence {second}:" in err


def test_a_range_ending_inside_a_quoted_cell_is_refused_and_the_file_still_verifies(db, export_file, capsys):
    """The split points are only a guess: a range must end at a record boundary (proved by a sentinel
    row), else the file goes to the sequential reader."""
    from sandbox.audit.record import record
    from sandbox.transaction import atomic
    with atomic():
        for i in range(6):
            record("test.awkward", actor_label="two\nlines", data={"i": i})
    path = export_file("csv")
    raw = path.read_bytes()
    start = raw.index(b"\n") + 1
    inside = raw.index(b"two\n", start) + 4  # just after a newline inside a quoted cell
    task = (str(path), "csv", start, inside, False, False, None)
    assert verify_parallel._scan_range(task) is None
    task = (str(path), "csv", start, len(raw), True, False, None)
    assert verify_parallel._scan_range(task)["count"] == 6


def test_checkpoints_work_in_ranges(signed, export_file, capsys):
    checkpoint, public_key = signed
    write_events(EVENTS)  # the checkpoint's event sits somewhere before the end
    path = export_file("jsonl")
    status = verify([str(path), *PARALLEL, "--checkpoint", str(checkpoint), "--public-key", public_key])
    assert status == 0, capsys.readouterr().err
    assert "matches checkpoint at sequence 5" in capsys.readouterr().out
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:4]))
    status, err = _both(path, capsys, "--checkpoint", str(checkpoint), "--public-key", public_key)
    assert status == 1 and "tail was cut off" in err


def test_crlf_line_endings_and_blank_lines_are_read_as_before(events, export_file, capsys):
    path = export_file("jsonl")
    text = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(text[:len(text) // 2] + b"\r\n  \r\n" + text[len(text) // 2:].lstrip(b"\r\n"))
    status, _ = _both(path, capsys)
    assert status == verifier.main([str(path), "--jobs", "1"])


def test_the_copied_script_verifies_in_worker_processes(events, export_file, tmp_path):
    tools = tmp_path / "auditor-tools"
    tools.mkdir()
    for name in ("verify.py", "chain.py", "verify_sequential.py", "verify_parallel.py"):
        (tools / name).write_bytes((ROOT / "sandbox" / "audit" / name).read_bytes())
    for fmt in FORMATS:
        path = export_file(fmt)
        result = subprocess.run([sys.executable, "-I", str(tools / "verify.py"), str(path), *PARALLEL],
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert f"{EVENTS} events verified" in result.stdout
