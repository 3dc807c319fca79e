"""Streamed exports of the audit log (CSV and JSON Lines) in constant memory, and the event that
records each export. The rows come from export_rows; this module writes them, byte for byte as the
reference path (one row at a time through canonical_line and csv.writer) would."""
import csv
import io
import re

from ..services.transaction import atomic
from .chain import _LINE, COLUMNS, canonical_line, csv_inert
from .export_rows import Canonicaliser, EventRows, Memo, iso_time, iter_events, iter_rows, reference_row
from .record import record

# iter_rows and iter_events live in export_rows; callers know them from here.
__all__ = ["CSV_HEADER", "FORMATS", "MEDIA_TYPES", "EventRows", "batch_texts", "chunks", "csv_chunks",
           "export_to", "iter_events", "iter_rows", "jsonl_chunks", "record_export"]

FORMATS = ("csv", "jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
_DATA = COLUMNS.index("data")
CSV_HEADER = ",".join(COLUMNS) + "\n"


# Every column before `data` in one %-format: a fast path for rows whose text needs no CSV quoting,
# which is nearly all of them (`data` is JSON and always quoted). Other rows go through csv.writer.
_CSV_HEAD = ",".join(["%s"] * _DATA)
_CSV_SPECIAL = ('"', "\n", "\r")
# A column (after the first comma: `seq` leads, a number) that starts with what chain.csv_inert
# prefixes; such rows go through csv.writer and csv_inert. The hashes in the tail are hex.
_INERT_NEEDED = re.compile(r",[=+\-@'\t]")


def _blank(value):
    return "" if value is None else value


def _csv_line(row, fallback):
    (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id, application_id,
     zone_id, from_state, to_state, data, prev_hash, own_hash) = row
    head = _CSV_HEAD % (seq, occurred_at, _blank(actor_id), actor_name, actor_role, ip, action, subject_type,
                        subject_id, _blank(application_id), _blank(zone_id), from_state, to_state)
    tail = f"{prev_hash},{own_hash}"
    plain = head + tail
    if (plain.count(",") != _DATA or any(mark in plain for mark in _CSV_SPECIAL)
            or _INERT_NEEDED.search(plain)):
        return fallback(row)
    quoted = data.replace('"', '""')
    return f'{head},"{quoted}",{tail}\n'


def _csv_writer_line():
    buffer = io.StringIO()
    # csv.writer quotes a field holding any character of its line terminator: with "\r\n" a lone CR is
    # quoted too (with "\n" it was not, and such a row did not read back). Lines still end in "\n".
    writer = csv.writer(buffer, lineterminator="\r\n")

    def through_csv_module(row):
        writer.writerow([csv_inert(value) for value in row])
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line[:-2] + "\n"
    return through_csv_module


def csv_chunks(rows, chunk_rows=2000):
    """CSV text in chunks: a header, then one line per event with `data` as canonical JSON text."""
    if isinstance(rows, EventRows):
        yield CSV_HEADER
        yield from (text for _, _, text in batch_texts("csv", rows))
        return
    through_csv_module = _csv_writer_line()
    lines = [CSV_HEADER]
    for row in rows:
        lines.append(_csv_line(row, through_csv_module))
        if len(lines) >= chunk_rows:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


class _DataForms(Memo):
    """Stored `data` text -> its canonical text and, per output format, what the fast lines need of it.
    Most events share few shapes, so this is a dictionary look-up per row."""

    def __init__(self, make):
        self.canonical = Canonicaliser()
        super().__init__(lambda text: make(self.canonical(text)))


def _csv_data(canonical_text):
    return canonical_text.replace('"', '""')


def _csv_plain_chunk(batch, forms, through_csv_module):
    """The batch's lines, each built with _csv_line's own test: no comma, quote, LF or CR in the columns
    but data (the test runs on those columns alone, usually ASCII text: cheap). Other rows go through
    csv.writer, as there."""
    lines = []
    append, cache = lines.append, forms.cache
    for row in batch:
        (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id,
         application_id, zone_id, from_state, to_state, data, prev_hash, own_hash) = row
        quoted = cache.get(data) or forms(data)
        time = iso_time(occurred_at)
        head = (f"{seq},{time},{'' if actor_id is None else actor_id},{actor_name},{actor_role},{ip},"
                f"{action},{subject_type},{subject_id},{'' if application_id is None else application_id},"
                f"{'' if zone_id is None else zone_id},{from_state},{to_state}")
        tail = f"{prev_hash},{own_hash}"
        plain = head + tail
        if (plain.count(",") == _DATA and '"' not in plain and "\n" not in plain and "\r" not in plain
                and not _INERT_NEEDED.search(plain)):
            append(f'{head},"{quoted}",{tail}\n')
        else:
            append(_csv_line(reference_row(row, forms.canonical), through_csv_module))
    return "".join(lines)


def _csv_piece_chunk(batch, rows, forms, through_csv_module):
    """The batch's lines from database-built heads and tails, with _csv_line's test; the rows that fail
    are read again in full and written by the reference code."""
    lines, odd = [], []
    append, cache = lines.append, forms.cache
    for seq, head, data, tail in batch:
        quoted = cache.get(data) or forms(data)
        if head is not None and tail is not None:
            plain = head + tail
            if (plain.count(",") == _DATA and '"' not in plain and "\n" not in plain and "\r" not in plain
                    and not _INERT_NEEDED.search(plain)):
                append(f'{head},"{quoted}",{tail}\n')
                continue
        odd.append((len(lines), seq))
        append(None)
    _write_refused_rows(lines, odd, rows, forms, lambda row: _csv_line(row, through_csv_module))
    return "".join(lines)


def _write_refused_rows(lines, odd, rows, forms, reference_line):
    """The piece writers' rows that failed their test ((index in lines, seq) in `odd`): read again in
    full and written by the reference code into their places."""
    if odd:
        full = rows.reference([seq for _, seq in odd])
        for index, seq in odd:
            lines[index] = reference_line(reference_row(full[seq], forms.canonical))


def _jsonl_piece_chunk(batch, rows, forms):
    """The batch's lines from database-built heads and tails, used when between them they hold only the
    template's quotes, no backslash and no control character; the rows that fail are read again in full
    and written by canonical_line."""
    lines, odd = [], []
    append, cache, quotes = lines.append, forms.cache, _PLAIN_QUOTES
    for seq, head, data, tail in batch:
        data_text = cache.get(data) or forms(data)
        if head is not None and tail is not None:
            outside = (head + tail).encode("utf-8")
            if (outside.count(b'"') == quotes
                    and len(outside.translate(None, _JSON_ESCAPED)) == len(outside) - quotes):
                append(f"{head}{data_text}{tail}")
                continue
        odd.append((len(lines), seq))
        append(None)
    _write_refused_rows(lines, odd, rows, forms, lambda row: canonical_line(row, row[_DATA]))
    append("")
    return "\n".join(lines)


def jsonl_chunks(rows, chunk_rows=2000):
    """JSON Lines text in chunks: each line is the event dict (with its hash) as canonical JSON."""
    if isinstance(rows, EventRows):
        yield from (text for _, _, text in batch_texts("jsonl", rows))
        return
    lines = []
    for row in rows:
        lines.append(canonical_line(row, row[_DATA]))
        if len(lines) >= chunk_rows:
            lines.append("")
            yield "\n".join(lines)
            lines.clear()
    if lines:
        lines.append("")
    yield "\n".join(lines)


# canonical_line's template with every string member's quotes in the template: right for a row whose
# strings need no JSON escaping (no quote, backslash or control character), which is nearly every row.
_PLAIN_LINE = _LINE.replace(":%s", ':"%s"')
for _name in ("actor_id", "application_id", "data", "seq", "zone_id"):
    _PLAIN_LINE = _PLAIN_LINE.replace(f'"{_name}":"%s"', f'"{_name}":%s')
_PLAIN_QUOTES = _PLAIN_LINE.count('"')  # the quotes of the keys and of the string members' values
# The characters JSON escaping changes (quote, backslash, controls), as UTF-8 bytes: no byte of a multi-byte
# character is among them, so deleting them from a string's UTF-8 shortens it exactly when it has one.
_JSON_ESCAPED = bytes(range(0x20)) + b'"\\'


def _jsonl_plain_chunk(batch, forms):
    """The batch's lines. The plain template is used when the row's strings, JSON-escaped together, come
    out unchanged (so each one would) and its numbers are ints or null; otherwise canonical_line."""
    lines = []
    append, join, cache = lines.append, "".join, forms.cache
    for row in batch:
        (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id,
         application_id, zone_id, from_state, to_state, data, prev_hash, own_hash) = row
        data_text = cache.get(data) or forms(data)
        time = iso_time(occurred_at)
        try:  # UTF-8 bytes of the strings; deleting those JSON escapes leaves them as long if none
            strings = join((action, actor_name, actor_role, from_state, own_hash, ip, time, prev_hash,
                            subject_id, subject_type, to_state)).encode("utf-8")
        except (TypeError, UnicodeEncodeError):
            strings = None
        if (strings is not None and len(strings.translate(None, _JSON_ESCAPED)) == len(strings)
                and type(seq) is int
                and (actor_id is None or type(actor_id) is int)
                and (application_id is None or type(application_id) is int)
                and (zone_id is None or type(zone_id) is int)):
            # _PLAIN_LINE as an f-string (faster than %); keys in canonical (sorted) order.
            append(f'{{"action":"{action}","actor_id":{"null" if actor_id is None else actor_id},'
                   f'"actor_name":"{actor_name}","actor_role":"{actor_role}","application_id":'
                   f'{"null" if application_id is None else application_id},"data":{data_text},'
                   f'"from_state":"{from_state}","hash":"{own_hash}","ip":"{ip}","occurred_at":"{time}",'
                   f'"prev_hash":"{prev_hash}","seq":{seq},"subject_id":"{subject_id}",'
                   f'"subject_type":"{subject_type}","to_state":"{to_state}","zone_id":'
                   f'{"null" if zone_id is None else zone_id}}}')
        else:
            append(canonical_line(reference_row(row, forms.canonical), data_text))
    append("")
    return "\n".join(lines)


def batch_texts(fmt, rows):
    """(events, last seq, text) for each batch of an EventRows, oldest first, without the CSV header: the same
    bytes as the reference path, with less work per row. On PostgreSQL the database builds most of each
    line (piece batches); elsewhere the plain batches are formatted here."""
    forms = _DataForms(_csv_data if fmt == "csv" else str)
    pieces = rows.piece_batches(fmt)
    if fmt == "csv":
        through_csv_module = _csv_writer_line()
        if pieces is None:
            return (_told(batch, _csv_plain_chunk(batch, forms, through_csv_module)) for batch in rows.batches())
        return (_told(batch, _csv_piece_chunk(batch, rows, forms, through_csv_module)) for batch in pieces)
    if pieces is None:
        return (_told(batch, _jsonl_plain_chunk(batch, forms)) for batch in rows.batches())
    return (_told(batch, _jsonl_piece_chunk(batch, rows, forms)) for batch in pieces)


def _told(batch, text):
    return len(batch), (batch[-1][0] if batch else None), text


def chunks(fmt, rows):
    return csv_chunks(rows) if fmt == "csv" else jsonl_chunks(rows)


def record_export(filters, fmt, actor=None, destination="download"):
    """Write the audit.exported event and commit it before a single row leaves the building."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with atomic():
        event = record("audit.exported", actor=actor, data={"format": fmt, "filters": filters.as_data(),
                                                            "destination": destination})
        return event.seq


def export_to(stream, fmt, filters, progress=None, jobs=1):
    """Write every matching event to a text stream; returns the number written.

    `progress(n)` hears how far along the sequence numbers the export has moved, so a bar is right
    for filtered exports too. With `jobs` above one, a large export is formatted by that many processes
    where the platform and the database allow it (see export_processes); the bytes are the same."""
    if jobs > 1:
        from .export_processes import export_in_processes
        count = export_in_processes(stream, fmt, filters, jobs, progress)
        if count is not None:
            return count
    if fmt == "csv":
        stream.write(CSV_HEADER)
    count = reported_seq = 0
    for events, last_seq, text in batch_texts(fmt, EventRows(filters)):
        stream.write(text)
        count += events
        if progress is not None and last_seq is not None:
            progress(last_seq - reported_seq)
            reported_seq = last_seq
    return count
