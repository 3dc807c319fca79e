"""The offline verifier's reference reader: text, one event after another, standard library only. Its
errors name the first bad event; the strict scanner (verify_parallel) takes its rows through the same
per-row checks, so both agree on every row."""
import csv
import functools
import hashlib
import json
import os
import sys

try:
    from .chain import (_ENC, _LINE, COLUMNS, NULLABLE_INT_FIELDS, ChainBroken, check_canonical_line,
                        csv_restore, event_hash)
except ImportError:  # run as a plain script (even with -I): chain.py sits beside this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from chain import (_ENC, _LINE, COLUMNS, NULLABLE_INT_FIELDS, ChainBroken,  # type: ignore
                       check_canonical_line, csv_restore, event_hash)

csv.field_size_limit(sys.maxsize)


class BadFile(Exception):
    pass


def slow_item(event):
    return event["seq"], event["prev_hash"], event["hash"], event_hash(event) == event["hash"]


class DataCheck:
    """Remembers which `data` texts are one JSON object, so the fast path may embed them verbatim."""

    def __init__(self, limit=100_000):
        self.known, self.limit = set(), limit

    def __call__(self, text):
        if text in self.known:
            return True
        try:
            ok = isinstance(json.loads(text), dict)
        except ValueError:
            return False
        if ok:
            if len(self.known) >= self.limit:
                self.known.clear()
            self.known.add(text)
        return ok


def from_csv_row(values, line_no):
    if len(values) != len(COLUMNS):
        raise BadFile(f"line {line_no}: expected {len(COLUMNS)} columns, found {len(values)}")
    # A cell the export made inert for spreadsheets (chain.csv_inert) is read back as stored; rows with
    # one fail the fast path's hash and come here.
    event = dict(zip(COLUMNS, map(csv_restore, values)))
    try:
        event["seq"] = int(event["seq"])
        for name in NULLABLE_INT_FIELDS:
            event[name] = int(event[name]) if event[name] else None
        event["data"] = json.loads(event["data"])
    except ValueError as exc:
        raise BadFile(f"line {line_no}: {exc}") from None
    return event


HASHED_LINE = _LINE.replace('"hash":%s,', "")


def csv_int(text):
    """The canonical JSON of an integer column as written in the CSV, or None when unusual."""
    if not text:
        return "null"
    if text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return text
    return None


csv_id = functools.lru_cache(maxsize=1 << 16)(csv_int)  # ids repeat; sequence numbers do not


def fast_csv_item(values, data_ok):
    """Hash the canonical form rebuilt straight from the CSV text (the common, untampered case);
    None sends the row down the slow path, which parses it fully and says what is wrong."""
    if len(values) != len(COLUMNS):
        return None
    (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id, application_id,
     zone_id, from_state, to_state, data, prev_hash, own_hash) = values
    numbers = (csv_int(seq), csv_id(actor_id), csv_id(application_id), csv_id(zone_id))
    if None in numbers or numbers[0] == "null" or not data_ok(data):
        return None
    text = HASHED_LINE % (_ENC(action), numbers[1], _ENC(actor_name), _ENC(actor_role), numbers[2], data,
                           _ENC(from_state), _ENC(ip), _ENC(occurred_at), _ENC(prev_hash), numbers[0],
                           _ENC(subject_id), _ENC(subject_type), _ENC(to_state), numbers[3])
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != own_hash:
        return None
    return int(seq), prev_hash, own_hash


def read_csv(lines):
    """(seq, prev_hash, hash, intact) per event of a CSV export."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    if tuple(header) != COLUMNS:
        raise BadFile("the CSV header is not an audit export's: " + ",".join(header)[:200])
    data_ok = DataCheck()
    for line_no, values in enumerate(reader, start=2):
        checked = fast_csv_item(values, data_ok)
        yield (*checked, True) if checked else slow_item(from_csv_row(values, line_no))


def read_jsonl(lines):
    """(seq, prev_hash, hash, intact) per event of a JSON Lines export."""
    for line_no, line in enumerate(lines, start=1):
        checked = check_canonical_line(line.rstrip("\r\n"))
        if checked:
            yield (*checked, True)
            continue
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError as exc:
            raise BadFile(f"line {line_no}: {exc}") from None
        if not isinstance(event, dict) or set(event) != set(COLUMNS):
            raise BadFile(f"line {line_no}: not an audit event (fields differ)")
        yield slow_item(event)


def read_items(handle):
    """(seq, prev_hash, hash, intact) per event, from a CSV or JSON Lines file, whichever it is."""
    first = handle.read(1)
    handle.seek(0)
    return read_jsonl(handle) if first == "{" else read_csv(handle)


def verify_filtered(items):
    """A filtered export is not contiguous: check each event's own hash, the order, and the links
    between neighbours that happen to be consecutive. Returns (count, last_seq, last_hash)."""
    count, last_seq, last_hash = 0, None, None
    for seq, prev_hash, own_hash, intact in items:
        if last_seq is not None and seq <= last_seq:
            raise ChainBroken(seq, f"out of order after sequence {last_seq}")
        if last_seq is not None and seq == last_seq + 1 and prev_hash != last_hash:
            raise ChainBroken(seq, "previous-hash link does not match")
        if not intact:
            raise ChainBroken(seq, "content does not match its hash (the event was edited)")
        count, last_seq, last_hash = count + 1, seq, own_hash
    return count, last_seq, last_hash


class Watch:
    """Notes the hash at one sequence number as events stream past (for checkpoints)."""

    def __init__(self, events, seq):
        self.events, self.seq, self.hash, self.count_at = events, seq, None, None

    def __iter__(self):
        for position, item in enumerate(self.events, start=1):
            if item[0] == self.seq:
                self.hash, self.count_at = item[2], position
            yield item
