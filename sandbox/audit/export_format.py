"""The one definition of an audit export's bytes (CSV and JSON Lines): the reference line of each format,
the fast batch writers that produce the same bytes with less work per row, and the SQL with which
PostgreSQL builds most of each line, generated from the same templates. Every export path writes through
this module: the console's stream, `flask audit export` in one process or several, and the benchmark.

A fast line is used only when a test on the row shows it equals the reference line; any other row is
written by the reference code (canonical_line, csv.writer with csv_inert), so the fast paths can never
write other bytes than the reference. Standard library and audit.chain only: it reads no database."""
import csv
import io
import json
import re

from .chain import _LINE, COLUMNS, NULLABLE_INT_FIELDS, canonical_line, csv_inert

FORMATS = ("csv", "jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
CSV_HEADER = ",".join(COLUMNS) + "\n"
_DATA = COLUMNS.index("data")
_TIME = COLUMNS.index("occurred_at")
_CANONICAL_CACHE_LIMIT = 50_000
_canonical_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def iso_time(text):
    """'2025-01-02 03:04:05.123456' (SQLite, PostgreSQL) -> chain.format_time's '...T...Z' form."""
    if len(text) == 26:
        return f"{text[:10]}T{text[11:]}Z"
    day, _, clock = text.partition(" ")
    clock = clock.split("+", 1)[0]  # a timestamptz would carry its offset; the stored value is UTC
    whole, _, fraction = clock.partition(".")
    return f"{day}T{whole}.{fraction[:6].ljust(6, '0')}Z"


class Memo:
    """text -> make(text), remembering recent answers (most events share few shapes), in bounded memory."""

    def __init__(self, make):
        self.make, self.cache = make, {}

    def __call__(self, text):
        known = self.cache.get(text)
        if known is None:
            if len(self.cache) >= _CANONICAL_CACHE_LIMIT:
                self.cache.clear()
            known = self.cache[text] = self.make(text)
        return known


class Canonicaliser(Memo):
    """Stored JSON text -> canonical text."""

    def __init__(self):
        super().__init__(lambda text: _canonical_json(json.loads(text) if text else {}))


def reference_row(row, canonical):
    """A row as read (time and data as stored text) -> the reference writers' row (chain's forms)."""
    row = list(row)
    row[_TIME] = iso_time(row[_TIME])
    row[_DATA] = canonical(row[_DATA])
    return row


class _DataForms(Memo):
    """Stored `data` text -> its canonical text and, per output format, what the fast lines need of it.
    Most events share few shapes, so this is a dictionary look-up per row."""

    def __init__(self, make):
        self.canonical = Canonicaliser()
        super().__init__(lambda text: make(self.canonical(text)))


# --- CSV -------------------------------------------------------------------------------------------------
# Every column before `data` in one %-format: a fast path for rows whose text needs no CSV quoting,
# which is nearly all of them (`data` is JSON and always quoted). Other rows go through csv.writer.
_CSV_HEAD = ",".join(["%s"] * _DATA)
# A column (after the first comma: `seq` leads, a number) that starts with what chain.csv_inert
# prefixes; such rows go through csv.writer and csv_inert. The hashes in the tail are hex.
_INERT_NEEDED = re.compile(r",[=+\-@'\t]")


def _csv_plain(plain):
    """True when the columns but `data` (head and tail joined) are written as they are: no comma of
    their own, no quote, LF or CR, no cell that csv_inert would prefix."""
    return (plain.count(",") == _DATA and '"' not in plain and "\n" not in plain and "\r" not in plain
            and not _INERT_NEEDED.search(plain))


def _blank(value):
    return "" if value is None else value


def _csv_line(row, reference):
    """One row in chain's forms -> its CSV line; `reference(row)` (csv.writer) where the fast one differs."""
    (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id, application_id,
     zone_id, from_state, to_state, data, prev_hash, own_hash) = row
    head = _CSV_HEAD % (seq, occurred_at, _blank(actor_id), actor_name, actor_role, ip, action, subject_type,
                        subject_id, _blank(application_id), _blank(zone_id), from_state, to_state)
    tail = f"{prev_hash},{own_hash}"
    if not _csv_plain(head + tail):
        return reference(row)
    quoted = data.replace('"', '""')
    return f'{head},"{quoted}",{tail}\n'


def _csv_writer_line():
    """The reference CSV writer: row -> line through csv.writer, every cell through csv_inert."""
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


def _csv_data(canonical_text):
    return canonical_text.replace('"', '""')


def _csv_plain_chunk(batch, forms, through_csv_module):
    """The batch's lines, each with _csv_line's head, tail and test (built inline: this loop is what an
    export spends its time on); other rows through the reference writer."""
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
        if _csv_plain(head + tail):
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
        if head is not None and tail is not None and _csv_plain(head + tail):
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


# --- JSON Lines ------------------------------------------------------------------------------------------
# canonical_line's template with every string member's quotes in the template: right for a row whose
# strings need no JSON escaping (no quote, backslash or control character), which is nearly every row.
_JSON_NUMBERS = ("actor_id", "application_id", "data", "seq", "zone_id")
_PLAIN_LINE = _LINE.replace(":%s", ':"%s"')
for _name in _JSON_NUMBERS:
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


# --- Lines built by PostgreSQL ---------------------------------------------------------------------------
# On PostgreSQL the server (another process, so another core) builds most of each line: the head and tail
# around `data`, strings concatenated as stored. The SQL is generated from the templates above; the piece
# writers test each result as the fast Python lines are tested, and a row that fails takes the reference
# path. CASE gives NULL, so the reference path, where to_char might not write what iso_time writes from
# the timestamp's text (another DateStyle, years outside 1000-9999).
_PG_TIME = """to_char(occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
_PG_GUARD = ("current_setting('DateStyle') LIKE 'ISO%%' AND occurred_at >= '1000-01-01' "
             "AND occurred_at < '10000-01-01'")


def _sql_literal(text):
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"  # %% : the statement goes through the DBAPI


def _sql_value(column, null):
    """A column as the Python line writes it: text, `null` standing for NULL (an int column)."""
    if column == "occurred_at":
        return _PG_TIME
    if column == "seq":
        return "seq::text"
    if column in NULLABLE_INT_FIELDS:
        return f"coalesce({column}::text, {_sql_literal(null)})"
    return column


def _sql_concat(literals, columns, null):
    """literals[0] || columns[0] || literals[1] || ... (empty literals left out)."""
    parts = []
    for index, literal in enumerate(literals):
        if literal:
            parts.append(_sql_literal(literal))
        if index < len(columns):
            parts.append(_sql_value(columns[index], null))
    return " || ".join(parts)


def _csv_sql():
    # _CSV_HEAD's columns joined by commas, then `data` (quoted in Python), then the tail's.
    head = _sql_concat([""] + [","] * (_DATA - 1), COLUMNS[:_DATA], null="")
    tail = _sql_concat([""] + [","] * (len(COLUMNS) - _DATA - 2), COLUMNS[_DATA + 1:], null="")
    return head, tail


def _jsonl_sql():
    # _PLAIN_LINE cut at each %s: the literals around the members' values, in its (sorted) key order.
    literals = _PLAIN_LINE.split("%s")
    keys = re.findall(r'"(\w+)":"?%s', _PLAIN_LINE)
    cut = keys.index("data")
    head = _sql_concat(literals[:cut + 1], keys[:cut], null="null")
    tail = _sql_concat(literals[cut + 1:], keys[cut + 1:], null="null")
    return head, tail


_PG_PIECES = {"csv": _csv_sql(), "jsonl": _jsonl_sql()}


def piece_sql(fmt):
    """(head, tail) SQL expressions for `fmt`'s line around `data`; NULL where the server's time text
    cannot be trusted to equal iso_time's."""
    return tuple(f"CASE WHEN {_PG_GUARD} THEN {piece} END" for piece in _PG_PIECES[fmt])


# --- Whole exports ---------------------------------------------------------------------------------------
def batch_texts(fmt, rows):
    """(events, last seq, text) for each batch of an EventRows, oldest first, without the CSV header: the same
    bytes as the reference path, with less work per row. On PostgreSQL the database builds most of each
    line (piece batches); elsewhere the plain batches are formatted here."""
    forms = _DataForms(_csv_data if fmt == "csv" else str)
    pieces = rows.piece_batches(piece_sql(fmt))
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


def _read_in_batches(rows):
    # An EventRows (export_rows, which builds on this module) reads batches; any other iterable of rows in
    # chain's forms is written one row at a time by the reference code.
    return hasattr(rows, "piece_batches")


def csv_chunks(rows, chunk_rows=2000):
    """CSV text in chunks: a header, then one line per event with `data` as canonical JSON text."""
    if _read_in_batches(rows):
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


def jsonl_chunks(rows, chunk_rows=2000):
    """JSON Lines text in chunks: each line is the event dict (with its hash) as canonical JSON."""
    if _read_in_batches(rows):
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


def chunks(fmt, rows):
    return csv_chunks(rows) if fmt == "csv" else jsonl_chunks(rows)
