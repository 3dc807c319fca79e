"""Streamed exports of the audit log (CSV and JSON Lines) in constant memory, and the event that
records each export. Rows are read in keyset batches on `seq` (never OFFSET) as plain tuples:
building ORM objects would cost more than everything else together."""
import concurrent.futures
import csv
import io
import json

from sqlalchemy import Text, cast, literal_column, select

from ..extensions import db
from ..models import AuditEvent
from ..services.transaction import atomic
from .chain import _LINE, COLUMNS, canonical_line
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


def _raw_batches(filters, batch, session, after=None, columns=None, prefetch=False):
    """Lists of raw DBAPI tuples (by default in COLUMNS order, time and data as stored text; `seq` first
    in any case), oldest first, in keyset batches on `seq`. The DBAPI cursor's own tuples: no Row
    objects, no result processing (none applies to these columns). `after(rows)` runs once the consumer
    asks for the next batch.

    With `prefetch` (PostgreSQL: the server works while this process formats) the next batch is fetched
    by one helper thread while the consumer works on this one; the connection is only ever used by that
    thread meanwhile (see EventRows.reference), and it is left idle when the generator is closed."""
    connection = (session or db.session).connection()
    base = filters.apply(select(*(columns or _columns()))).order_by(AuditEvent.seq).limit(batch)

    def fetch(last_seq):
        stmt = base if last_seq is None else base.where(AuditEvent.seq > last_seq)
        result = connection.execute(stmt)  # Core, not ORM
        try:
            return result.cursor.fetchall() if result.cursor is not None else result.all()
        finally:
            result.close()

    if prefetch is False:
        last_seq = None
        while True:
            rows = fetch(last_seq)
            if rows:
                yield rows
                if after is not None:
                    after(rows)
            if len(rows) < batch:
                return
            last_seq = rows[-1][0]
    pending = prefetch.submit(fetch, None)
    try:
        while pending is not None:
            rows = pending.result()
            pending = prefetch.submit(fetch, rows[-1][0]) if len(rows) == batch else None
            if rows:
                yield rows
                if after is not None:
                    after(rows)
    finally:
        if pending is not None:
            concurrent.futures.wait([pending])


def _reference_rows(seqs, connection):
    """Full rows (as iter_rows reads them, before canonicalising) for these sequence numbers, by seq."""
    stmt = select(*_columns()).where(AuditEvent.seq.in_(seqs))
    return {row[0]: row for row in connection.execute(stmt).all()}


# On PostgreSQL the server (another process, so another core) builds most of each line: the head and tail
# around `data`, strings concatenated as stored. Python checks each result (see the piece writers) and
# takes the reference path for a row that fails; CASE gives NULL, so the reference path, where to_char
# might not write what _iso_time writes from the timestamp's text (another DateStyle, years outside
# 1000-9999).
_PG_TIME = """to_char(occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
_PG_GUARD = ("current_setting('DateStyle') LIKE 'ISO%%' AND occurred_at >= '1000-01-01' "
             "AND occurred_at < '10000-01-01'")
_PG_PIECES = {
    "csv": ("seq::text || ',' || " + _PG_TIME + " || ',' || coalesce(actor_id::text, '') || ',' || actor_name "
            "|| ',' || actor_role || ',' || ip || ',' || action || ',' || subject_type || ',' || subject_id "
            "|| ',' || coalesce(application_id::text, '') || ',' || coalesce(zone_id::text, '') || ',' "
            "|| from_state || ',' || to_state",
            "prev_hash || ',' || hash"),
    "jsonl": ("""'{"action":"' || action || '","actor_id":' || coalesce(actor_id::text, 'null') """
              """|| ',"actor_name":"' || actor_name || '","actor_role":"' || actor_role """
              """|| '","application_id":' || coalesce(application_id::text, 'null') || ',"data":'""",
              """',"from_state":"' || from_state || '","hash":"' || hash || '","ip":"' || ip """
              """|| '","occurred_at":"' || """ + _PG_TIME + """ || '","prev_hash":"' || prev_hash """
              """|| '","seq":' || seq::text || ',"subject_id":"' || subject_id || '","subject_type":"' """
              """|| subject_type || '","to_state":"' || to_state || '","zone_id":' """
              """|| coalesce(zone_id::text, 'null') || '}'"""),
}


def _piece_columns(fmt):
    head, tail = _PG_PIECES[fmt]
    return [AuditEvent.seq, literal_column(f"CASE WHEN {_PG_GUARD} THEN {head} END"),
            cast(AuditEvent.__table__.c.data, Text), literal_column(f"CASE WHEN {_PG_GUARD} THEN {tail} END")]


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

    def piece_batches(self, fmt):
        """(seq, head, data, tail) tuples, head and tail built by the database, the next batch fetched
        while this one is written; None where the database does not build them (SQLite: building strings
        there costs this process more than it saves)."""
        if (self.session or db.session).get_bind().dialect.name != "postgresql":
            return None
        return self._prefetched(_piece_columns(fmt))

    def _prefetched(self, columns):
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as self._helper:
            yield from _raw_batches(self.filters, max(self.batch, FAST_BATCH), self.session,
                                    after=self.after_batch, columns=columns, prefetch=self._helper)

    def reference(self, seqs):
        """Full rows by seq, read through the helper thread (after the fetch it may be running)."""
        connection = (self.session or db.session).connection()
        return self._helper.submit(_reference_rows, seqs, connection).result()


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
    return canonical_text.replace('"', '""')


def _csv_batch_chunks(rows):
    """One chunk per batch, each line built with _csv_line's own test: no comma, quote, LF or CR in the
    columns but data (the test runs on those columns alone, usually ASCII text: cheap). Other rows go
    through csv.writer, as there."""
    through_csv_module = _csv_writer_line()
    forms = _DataForms(_csv_data)
    cache = forms.cache
    yield ",".join(COLUMNS) + "\n"
    pieces = rows.piece_batches("csv")
    if pieces is not None:
        for batch in pieces:
            yield _csv_piece_chunk(batch, rows, forms, through_csv_module)
        return
    for batch in rows.batches():
        lines = []
        append = lines.append
        for row in batch:
            (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id,
             application_id, zone_id, from_state, to_state, data, prev_hash, own_hash) = row
            quoted = cache.get(data) or forms(data)
            if len(occurred_at) == 26:
                time = f"{occurred_at[:10]}T{occurred_at[11:]}Z"
            else:
                time = _iso_time(occurred_at)
            head = (f"{seq},{time},{'' if actor_id is None else actor_id},{actor_name},{actor_role},{ip},"
                    f"{action},{subject_type},{subject_id},{'' if application_id is None else application_id},"
                    f"{'' if zone_id is None else zone_id},{from_state},{to_state}")
            tail = f"{prev_hash},{own_hash}"
            plain = head + tail
            if plain.count(",") == _DATA and '"' not in plain and "\n" not in plain and "\r" not in plain:
                append(f'{head},"{quoted}",{tail}\n')
            else:
                append(_csv_line(_reference_row(row, forms.canonical), through_csv_module))
        yield "".join(lines)


def _csv_piece_chunk(batch, rows, forms, through_csv_module):
    """The batch's lines from database-built heads and tails, with _csv_line's test; the rows that fail
    are read again in full and written by the reference code."""
    lines, odd = [], []
    append, cache = lines.append, forms.cache
    for seq, head, data, tail in batch:
        quoted = cache.get(data) or forms(data)
        if head is not None and tail is not None:
            plain = head + tail
            if plain.count(",") == _DATA and '"' not in plain and "\n" not in plain and "\r" not in plain:
                append(f'{head},"{quoted}",{tail}\n')
                continue
        odd.append((len(lines), seq))
        append(None)
    if odd:
        full = rows.reference([seq for _, seq in odd])
        for index, seq in odd:
            lines[index] = _csv_line(_reference_row(full[seq], forms.canonical), through_csv_module)
    return "".join(lines)


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
    if odd:
        full = rows.reference([seq for _, seq in odd])
        for index, seq in odd:
            row = _reference_row(full[seq], forms.canonical)
            lines[index] = canonical_line(row, row[_DATA])
    append("")
    return "\n".join(lines)


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
_PLAIN_QUOTES = _PLAIN_LINE.count('"')  # the quotes of the keys and of the string members' values
# The characters JSON escaping changes (quote, backslash, controls), as UTF-8 bytes: no byte of a multi-byte
# character is among them, so deleting them from a string's UTF-8 shortens it exactly when it has one.
_JSON_ESCAPED = bytes(range(0x20)) + b'"\\'


def _jsonl_batch_chunks(rows):
    """One chunk per batch. The plain template is used when the row's strings, JSON-escaped together,
    come out unchanged (so each one would) and its numbers are ints or null; otherwise canonical_line."""
    forms = _DataForms(lambda text: text)
    pieces = rows.piece_batches("jsonl")
    if pieces is not None:
        for batch in pieces:
            yield _jsonl_piece_chunk(batch, rows, forms)
        return
    join, cache = "".join, forms.cache
    for batch in rows.batches():
        lines = []
        append = lines.append
        for row in batch:
            (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id,
             application_id, zone_id, from_state, to_state, data, prev_hash, own_hash) = row
            data_text = cache.get(data) or forms(data)
            time = (f"{occurred_at[:10]}T{occurred_at[11:]}Z" if len(occurred_at) == 26
                    else _iso_time(occurred_at))
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
