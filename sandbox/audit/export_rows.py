"""Reading the audit table for exports, in constant memory. Rows are read in keyset batches on `seq`
(never OFFSET) as plain tuples: building ORM objects would cost more than everything else together. On
PostgreSQL the server also builds most of each line, and the next batch is fetched by a helper thread
while this one is written (export_format does the writing)."""
import concurrent.futures
import json

from sqlalchemy import Text, cast, literal_column, select

from ..extensions import db
from ..models import AuditEvent
from .chain import COLUMNS
from .export_format import Canonicaliser, reference_row

BATCH = 5000
FAST_BATCH = 5000  # rows per keyset query on the batch path (a few MB: peak RSS stays that of the imports)
_END = object()


def _columns():
    table = AuditEvent.__table__
    # Time and data come out as text: formatting them from Python objects is the slow part of an export.
    return [cast(table.c[name], Text) if name in ("occurred_at", "data") else table.c[name]
            for name in COLUMNS]


def _raw_batches(filters, batch, session, columns=None, prefetch=None, spans=None):
    """Lists of raw DBAPI tuples (by default in COLUMNS order, time and data as stored text; `seq` first
    in any case), oldest first: keyset batches of `batch` rows on `seq`, or with `spans` (ranges of
    sequence numbers, (after, up to), each at most `batch` wide) one list per span, empty ones included.
    The DBAPI cursor's own tuples: no Row objects, no result processing (none applies to these columns).

    With a `prefetch` executor (PostgreSQL: the server works while this process formats) the next batch
    is fetched by its one thread while the consumer works on this one; the connection is only ever used
    by that thread meanwhile (see EventRows.reference), and it is left idle when the generator is closed."""
    connection = (session or db.session).connection()
    ordered = filters.apply(select(*(columns or _columns()))).order_by(AuditEvent.seq)

    def rows_of(stmt):
        result = connection.execute(stmt)  # Core, not ORM
        try:
            return result.cursor.fetchall() if result.cursor is not None else result.all()
        finally:
            result.close()

    if spans is None:
        limited = ordered.limit(batch)

        def fetch(last_seq):
            return rows_of(limited if last_seq is None else limited.where(AuditEvent.seq > last_seq))

        def following(last_seq, rows):
            return rows[-1][0] if len(rows) == batch else _END
        key = None
    else:
        spans = list(spans)

        def fetch(index):
            after, up_to = spans[index]
            return rows_of(ordered.where(AuditEvent.seq > after, AuditEvent.seq <= up_to))

        def following(index, rows):
            return index + 1 if index + 1 < len(spans) else _END
        key = 0 if spans else _END

    if prefetch is None:
        while key is not _END:
            rows = fetch(key)
            key = following(key, rows)
            if rows or spans is not None:
                yield rows
        return
    pending = prefetch.submit(fetch, key) if key is not _END else None
    try:
        while pending is not None:
            rows = pending.result()
            key = following(key, rows)
            pending = prefetch.submit(fetch, key) if key is not _END else None
            if rows or spans is not None:
                yield rows
    finally:
        if pending is not None:
            concurrent.futures.wait([pending])


def _reference_rows(seqs, connection):
    """Full rows (as iter_rows reads them, before canonicalising) for these sequence numbers, by seq."""
    stmt = select(*_columns()).where(AuditEvent.seq.in_(seqs))
    return {row[0]: row for row in connection.execute(stmt).all()}


def _piece_columns(pieces):
    head, tail = pieces
    return [AuditEvent.seq, literal_column(head), cast(AuditEvent.__table__.c.data, Text),
            literal_column(tail)]


class EventRows:
    """Event rows (lists in COLUMNS order, time and data as canonical text), oldest first.

    Iterating gives one row at a time; `export_format.batch_texts` takes the batch path instead, which writes
    the same bytes with less work per row. Nothing is read before iteration starts (the console streams
    it inside the request context). With `spans` (see _raw_batches) the batch path gives one batch per
    span: how the export processes share an export out."""

    def __init__(self, filters, batch=BATCH, session=None, spans=None):
        self.filters, self.batch, self.session, self.spans = filters, batch, session, spans

    def __iter__(self):
        canonical = Canonicaliser()
        for rows in _raw_batches(self.filters, self.batch, self.session, spans=self.spans):
            for row in rows:
                yield reference_row(row, canonical)

    def batches(self):
        """Raw tuples in COLUMNS order (time and data as stored text)."""
        return _raw_batches(self.filters, max(self.batch, FAST_BATCH), self.session, spans=self.spans)

    def piece_batches(self, pieces):
        """(seq, head, data, tail) tuples, head and tail built by the database from `pieces` (SQL from
        export_format.piece_sql), the next batch fetched while this one is written; None where the
        database does not build them (SQLite: building strings there costs this process more than it
        saves)."""
        if (self.session or db.session).get_bind().dialect.name != "postgresql":
            return None
        return self._prefetched(_piece_columns(pieces))

    def _prefetched(self, columns):
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as self._helper:
            yield from _raw_batches(self.filters, max(self.batch, FAST_BATCH), self.session, columns=columns,
                                    prefetch=self._helper, spans=self.spans)

    def reference(self, seqs):
        """Full rows by seq, read through the helper thread (after the fetch it may be running)."""
        connection = (self.session or db.session).connection()
        return self._helper.submit(_reference_rows, seqs, connection).result()


def iter_rows(filters, batch=BATCH, session=None):
    """Event rows (lists in COLUMNS order, time and data as canonical text), oldest first."""
    return EventRows(filters, batch, session)


def iter_events(filters, batch=BATCH, session=None):
    """Event dicts exactly as the chain hashes them (plus `hash`), oldest first."""
    for row in iter_rows(filters, batch, session):
        event = dict(zip(COLUMNS, row))
        event["data"] = json.loads(event["data"])
        yield event
