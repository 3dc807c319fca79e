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
from .chain import _ENC, _LINE, COLUMNS, canonical_line
from .record import record

FORMATS = ("csv", "jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
BATCH = 5000
FAST_BATCH = 5000  # rows per keyset query on the batch path (a few MB: peak RSS stays that of the imports)
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


def _raw_batches(filters, batch, session, after=None):
    """Lists of raw DBAPI tuples in COLUMNS order (time and data as stored text), oldest first, in keyset
    batches on `seq`. The DBAPI cursor's own tuples: no Row
    objects, no result processing (none applies to these columns). `after(rows)` runs once the consumer
    asks for the next batch."""
    session = session or db.session
    base = filters.apply(select(*_columns())).order_by(AuditEvent.seq).limit(batch)
    last_seq = None
    while True:
        stmt = base if last_seq is None else base.where(AuditEvent.seq > last_seq)
        result = session.connection().execute(stmt)  # Core, not ORM
        try:
            rows = result.cursor.fetchall() if result.cursor is not None else result.all()
        finally:
            result.close()
        if rows:
            yield rows
            if after is not None:
                after(rows)
        if len(rows) < batch:
            return
        last_seq = rows[-1][0]


class EventRows:
    """Event rows (lists in COLUMNS order, time and data as canonical text), oldest first.

    Iterating gives one row at a time; `csv_chunks` and `jsonl_chunks` take the batch path instead, which
    writes the same bytes with less work per row. Nothing is read before iteration starts (the console
    streams it inside the request context). `after_batch(rows)` hears of each batch once it is written."""

    after_batch = None

    def __init__(self, filters, batch=BATCH, session=None):
        self.filters, self.batch, self.session = filters, batch, session

    def __iter__(self):
        canonical = _Canonicaliser()
        for rows in _raw_batches(self.filters, self.batch, self.session):
            for row in rows:
                yield _reference_row(row, canonical)

    def batches(self):
        """Raw tuples in COLUMNS order (time and data as stored text)."""
        return _raw_batches(self.filters, max(self.batch, FAST_BATCH), self.session, after=self.after_batch)


def _reference_row(row, canonical):
    row = list(row)
    row[_TIME] = _iso_time(row[_TIME])
    row[_DATA] = canonical(row[_DATA])
    return row


def iter_rows(filters, batch=BATCH, session=None):
    """Event rows (lists in COLUMNS order, time and data as canonical text), oldest first."""
    return EventRows(filters, batch, session)


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


def _csv_writer_line():
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def through_csv_module(row):
        writer.writerow(row)
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line
    return through_csv_module


def csv_chunks(rows, chunk_rows=2000):
    """CSV text in chunks: a header, then one line per event with `data` as canonical JSON text."""
    if isinstance(rows, EventRows):
        yield from _csv_batch_chunks(rows)
        return
    through_csv_module = _csv_writer_line()
    lines = [",".join(COLUMNS) + "\n"]
    for row in rows:
        lines.append(_csv_line(row, through_csv_module))
        if len(lines) >= chunk_rows:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


class _DataForms:
    """Stored `data` text -> its canonical text and, per output format, what the fast lines need of it.
    Most events share few shapes, so this is a dictionary look-up per row."""

    def __init__(self, make):
        self.canonical, self.make, self.cache = _Canonicaliser(), make, {}

    def __call__(self, text):
        known = self.cache.get(text)
        if known is None:
            if len(self.cache) >= _CANONICAL_CACHE_LIMIT:
                self.cache.clear()
            known = self.cache[text] = self.make(self.canonical(text))
        return known


def _csv_data(canonical_text):
    quoted = canonical_text.replace('"', '""')
    # What the cell adds to a line's counts of commas, quotes, LF and CR (canonical JSON has no raw LF/CR).
    return quoted, quoted.count(","), quoted.count('"') + 2, quoted.count("\n") + 1, quoted.count("\r")


def _csv_batch_chunks(rows):
    """One chunk per batch. A line is built in one f-string; it is the fast line of `_csv_line` exactly
    when no column but `data` holds a quote, LF or CR and they hold 13 commas between them, which the
    counts over the whole line tell (the data cell's own share being known). Others go through csv.writer."""
    through_csv_module = _csv_writer_line()
    forms = _DataForms(_csv_data)
    cache = forms.cache
    yield ",".join(COLUMNS) + "\n"
    for batch in rows.batches():
        lines = []
        append = lines.append
        for row in batch:
            (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id,
             application_id, zone_id, from_state, to_state, data, prev_hash, own_hash) = row
            quoted, commas, quotes, newlines, returns = cache.get(data) or forms(data)
            if len(occurred_at) == 26:
                time = f"{occurred_at[:10]}T{occurred_at[11:]}Z"
            else:
                time = _iso_time(occurred_at)
            line = (f"{seq},{time},{'' if actor_id is None else actor_id},{actor_name},{actor_role},{ip},"
                    f"{action},{subject_type},{subject_id},{'' if application_id is None else application_id},"
                    f"{'' if zone_id is None else zone_id},{from_state},{to_state},\"{quoted}\",{prev_hash},"
                    f"{own_hash}\n")
            if (line.count(",") != commas + 15 or line.count('"') != quotes or line.count("\n") != newlines
                    or line.count("\r") != returns):
                line = _csv_line(_reference_row(row, forms.canonical), through_csv_module)
            append(line)
        yield "".join(lines)


def jsonl_chunks(rows, chunk_rows=2000):
    """JSON Lines text in chunks: each line is the event dict (with its hash) as canonical JSON."""
    if isinstance(rows, EventRows):
        yield from _jsonl_batch_chunks(rows)
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


def _jsonl_batch_chunks(rows):
    """One chunk per batch. The plain template is used when the row's strings, JSON-escaped together,
    come out unchanged (so each one would) and its numbers are ints or null; otherwise canonical_line."""
    forms = _DataForms(lambda text: text)
    encode, plain_line, join, cache = _ENC, _PLAIN_LINE, "".join, forms.cache
    for batch in rows.batches():
        lines = []
        append = lines.append
        for row in batch:
            (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id,
             application_id, zone_id, from_state, to_state, data, prev_hash, own_hash) = row
            data_text = cache.get(data) or forms(data)
            time = (f"{occurred_at[:10]}T{occurred_at[11:]}Z" if len(occurred_at) == 26
                    else _iso_time(occurred_at))
            try:
                strings = join((action, actor_name, actor_role, from_state, own_hash, ip, time, prev_hash,
                                subject_id, subject_type, to_state))
            except TypeError:
                strings = None
            if (strings is not None and len(encode(strings)) == len(strings) + 2 and type(seq) is int
                    and (actor_id is None or type(actor_id) is int)
                    and (application_id is None or type(application_id) is int)
                    and (zone_id is None or type(zone_id) is int)):
                append(plain_line % (action, "null" if actor_id is None else actor_id, actor_name, actor_role,
                                     "null" if application_id is None else application_id, data_text,
                                     from_state, own_hash, ip, time, prev_hash, seq, subject_id, subject_type,
                                     to_state, "null" if zone_id is None else zone_id))
            else:
                append(canonical_line(_reference_row(row, forms.canonical), data_text))
        append("")
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

    def written(batch):
        nonlocal count, reported_seq
        count += len(batch)
        if progress is not None:
            progress(batch[-1][0] - reported_seq)
            reported_seq = batch[-1][0]

    rows = EventRows(filters)
    rows.after_batch = written
    for chunk in chunks(fmt, rows):
        stream.write(chunk)
    return count
