"""Streamed exports of the audit log (CSV and JSON Lines) in constant memory, and the event that
records each export. Rows are read in keyset batches on `seq` (never OFFSET) as plain tuples:
building ORM objects would cost more than everything else together."""
import csv
import io
import json

from sqlalchemy import Text, cast, select

from ..extensions import db
from ..models import AuditEvent
from ..services.transaction import atomic
from .chain import COLUMNS, canonical_line
from .record import record

FORMATS = ("csv", "jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
BATCH = 5000
_DATA = COLUMNS.index("data")
_TIME = COLUMNS.index("occurred_at")
_CANONICAL_CACHE_LIMIT = 50_000
_canonical_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _columns():
    table = AuditEvent.__table__
    # Time and data come out as text: formatting them from Python objects is the slow part of an export.
    return [cast(table.c[name], Text) if name in ("occurred_at", "data") else table.c[name]
            for name in COLUMNS]


def _iso_time(text):
    """'2025-01-02 03:04:05.123456' (SQLite, PostgreSQL) -> chain.format_time's '...T...Z' form."""
    if len(text) == 26:
        return f"{text[:10]}T{text[11:]}Z"
    day, _, clock = text.partition(" ")
    clock = clock.split("+", 1)[0]  # a timestamptz would carry its offset; the stored value is UTC
    whole, _, fraction = clock.partition(".")
    return f"{day}T{whole}.{fraction[:6].ljust(6, '0')}Z"


class _Canonicaliser:
    """Stored JSON text -> canonical text, remembering recent answers (most events share few shapes)."""

    def __init__(self):
        self.cache = {}

    def __call__(self, text):
        known = self.cache.get(text)
        if known is None:
            if len(self.cache) >= _CANONICAL_CACHE_LIMIT:
                self.cache.clear()
            known = self.cache[text] = _canonical_json(json.loads(text) if text else {})
        return known


def iter_rows(filters, batch=BATCH, session=None):
    """Event rows (tuples in COLUMNS order, time and data as canonical text), oldest first."""
    session = session or db.session
    canonical = _Canonicaliser()
    base = filters.apply(select(*_columns())).order_by(AuditEvent.seq).limit(batch)
    last_seq = None
    while True:
        stmt = base if last_seq is None else base.where(AuditEvent.seq > last_seq)
        rows = session.connection().execute(stmt).all()  # Core, not ORM: plain tuples are enough
        for row in rows:
            row = list(row)
            row[_TIME] = _iso_time(row[_TIME])
            row[_DATA] = canonical(row[_DATA])
            yield row
        if len(rows) < batch:
            return
        last_seq = rows[-1][0]


def iter_events(filters, batch=BATCH, session=None):
    """Event dicts exactly as the chain hashes them (plus `hash`), oldest first."""
    for row in iter_rows(filters, batch, session):
        event = dict(zip(COLUMNS, row))
        event["data"] = json.loads(event["data"])
        yield event


# Every column before `data` in one %-format: a fast path for rows whose text needs no CSV quoting,
# which is nearly all of them (`data` is JSON and always quoted). Other rows go through csv.writer.
_CSV_HEAD = ",".join(["%s"] * _DATA)
_CSV_SPECIAL = ('"', "\n", "\r")


def _blank(value):
    return "" if value is None else value


def _csv_line(row, fallback):
    (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id, application_id,
     zone_id, from_state, to_state, data, prev_hash, own_hash) = row
    head = _CSV_HEAD % (seq, occurred_at, _blank(actor_id), actor_name, actor_role, ip, action, subject_type,
                        subject_id, _blank(application_id), _blank(zone_id), from_state, to_state)
    tail = f"{prev_hash},{own_hash}"
    plain = head + tail
    if plain.count(",") != _DATA or any(mark in plain for mark in _CSV_SPECIAL):
        return fallback(row)
    quoted = data.replace('"', '""')
    return f'{head},"{quoted}",{tail}\n'


def csv_chunks(rows, chunk_rows=2000):
    """CSV text in chunks: a header, then one line per event with `data` as canonical JSON text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def through_csv_module(row):
        writer.writerow(row)
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line

    lines = [",".join(COLUMNS) + "\n"]
    for row in rows:
        lines.append(_csv_line(row, through_csv_module))
        if len(lines) >= chunk_rows:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def jsonl_chunks(rows, chunk_rows=2000):
    """JSON Lines text in chunks: each line is the event dict (with its hash) as canonical JSON."""
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


def export_to(stream, fmt, filters, progress=None):
    """Write every matching event to a text stream; returns the number written.

    `progress(n)` hears how far along the sequence numbers the export has moved, so a bar is right
    for filtered exports too."""
    count = 0
    reported_seq = 0

    def counted(rows):
        nonlocal count, reported_seq
        for row in rows:
            count += 1
            if progress is not None and count % BATCH == 0:
                progress(row[0] - reported_seq)
                reported_seq = row[0]
            yield row

    for chunk in chunks(fmt, counted(iter_rows(filters))):
        stream.write(chunk)
    return count
