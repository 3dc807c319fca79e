"""Canonical form and SHA-256 chaining of audit events. Standard library only:
auditors run this (through `python -m sandbox.audit.verify`) without the app installed."""
import hashlib
import json

GENESIS = "0" * 64

# The fields that enter an event's hash, in the order exports write them.
FIELDS = (
    "seq", "occurred_at", "actor_id", "actor_name", "actor_role", "ip", "action", "subject_type",
    "subject_id", "application_id", "zone_id", "from_state", "to_state", "data", "prev_hash",
)


# CSV exports are opened in spreadsheets, which run a cell starting with = + - @ TAB or CR as a formula
# (OWASP "CSV injection"; sandbox/spreadsheet.py has the same list). The export writes such a cell with a
# leading apostrophe, which spreadsheets read as "text", and so a cell that starts with an apostrophe
# too: the verifier then removes exactly one apostrophe from a cell starting with one of these and gets
# the stored text back, whatever it was.
CSV_INERT_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_inert(value):
    """A CSV cell's text as the export writes it (numbers and None are left alone)."""
    if isinstance(value, str) and value.startswith(CSV_INERT_STARTS):
        return "'" + value
    return value


def csv_restore(text):
    """The stored text of a cell csv_inert wrote; a lone apostrophe the writer never adds stays."""
    if text[:1] == "'" and text[1:2] and text[1:2] in CSV_INERT_STARTS:
        return text[1:]
    return text


def canonical(fields):
    """One byte string per event: sorted keys, no spaces, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(fields):
    return hashlib.sha256(canonical({k: fields[k] for k in FIELDS})).hexdigest()


def format_time(dt):
    """UTC time as written into the hash: microsecond ISO 8601 with Z."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ChainBroken(Exception):
    def __init__(self, seq, problem):
        super().__init__(f"audit chain broken at sequence {seq}: {problem}")
        self.seq = seq
        self.problem = problem


def verify_events(events, anchor_hash=GENESIS, first_seq=None):
    """Check an ordered iterable of event dicts (with `hash`). Returns (count, last_seq, head_hash).

    `anchor_hash` is the hash of the event before the first one (GENESIS for a full chain), so a
    contiguous slice can be verified too. Raises ChainBroken naming the first bad sequence number.
    """
    prev_hash = anchor_hash
    expected_seq = first_seq
    count = 0
    last_seq = None
    for event in events:
        seq = event["seq"]
        if expected_seq is not None and seq != expected_seq:
            raise ChainBroken(expected_seq, f"expected sequence {expected_seq}, found {seq} (missing or reordered)")
        if event["prev_hash"] != prev_hash:
            raise ChainBroken(seq, "previous-hash link does not match (an event was removed, inserted or reordered)")
        if event_hash(event) != event["hash"]:
            raise ChainBroken(seq, "content does not match its hash (the event was edited)")
        prev_hash = event["hash"]
        expected_seq = seq + 1
        last_seq = seq
        count += 1
    return count, last_seq, prev_hash


# Exports write these columns, in this order: every hashed field and the event's own hash.
COLUMNS = FIELDS + ("hash",)
# Fields that are integers or null; everything else is a string except `data` (a JSON object).
NULLABLE_INT_FIELDS = ("actor_id", "application_id", "zone_id")
CHECKPOINT_FIELDS = ("seq", "head_hash", "count", "created_at")


def checkpoint_message(checkpoint):
    """The bytes a checkpoint's Ed25519 signature covers."""
    return canonical({k: checkpoint[k] for k in CHECKPOINT_FIELDS})


def verify_links(items, anchor_hash=GENESIS, first_seq=None):
    """Like verify_events, for items already checked one by one: (seq, prev_hash, hash, intact)."""
    prev_hash = anchor_hash
    expected_seq = first_seq
    count = 0
    last_seq = None
    for seq, event_prev_hash, own_hash, intact in items:
        if expected_seq is not None and seq != expected_seq:
            raise ChainBroken(expected_seq,
                              f"expected sequence {expected_seq}, found {seq} (missing or reordered)")
        if event_prev_hash != prev_hash:
            raise ChainBroken(seq, "previous-hash link does not match "
                                   "(an event was removed, inserted or reordered)")
        if not intact:
            raise ChainBroken(seq, "content does not match its hash (the event was edited)")
        prev_hash = own_hash
        expected_seq = seq + 1
        last_seq = seq
        count += 1
    return count, last_seq, prev_hash


# A JSON Lines export writes each event as the canonical JSON of the event *with* its hash: keys sorted,
# so "hash" sits between "from_state" and "ip". Removing that one member gives back the hashed bytes.
_ENC = json.encoder.encode_basestring  # the string encoder json.dumps uses with ensure_ascii=False
_LINE = ('{"action":%s,"actor_id":%s,"actor_name":%s,"actor_role":%s,"application_id":%s,"data":%s,'
         '"from_state":%s,"hash":%s,"ip":%s,"occurred_at":%s,"prev_hash":%s,"seq":%s,"subject_id":%s,'
         '"subject_type":%s,"to_state":%s,"zone_id":%s}')
_HASH_MEMBER = ',"hash":"'


def _json_int(value):
    return "null" if value is None else int(value)


def canonical_line(row, data_text):
    """The canonical JSON (with hash) of an event given as a COLUMNS-ordered row of Python values, its
    `data` already as canonical JSON text. Equal to canonical({**event, "hash": ...}), only faster."""
    (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id, application_id,
     zone_id, from_state, to_state, _, prev_hash, own_hash) = row
    return _LINE % (_ENC(action), _json_int(actor_id), _ENC(actor_name), _ENC(actor_role),
                    _json_int(application_id), data_text, _ENC(from_state), _ENC(own_hash), _ENC(ip),
                    _ENC(occurred_at), _ENC(prev_hash), int(seq), _ENC(subject_id), _ENC(subject_type),
                    _ENC(to_state), _json_int(zone_id))


def check_canonical_line(line):
    """(seq, prev_hash, hash) when `line` is a canonical event line whose content matches its hash;
    None when the line has another layout or does not match (the caller then checks it the slow way)."""
    start = line.rfind(_HASH_MEMBER)
    end = start + len(_HASH_MEMBER) + 64
    if start < 0 or line[end:end + 7] != '","ip":':
        return None
    own_hash = line[start + len(_HASH_MEMBER):end]
    hashed = line[:start] + line[end + 1:]
    if hashed.rfind(',"ip":"') != start or hashlib.sha256(hashed.encode("utf-8")).hexdigest() != own_hash:
        return None
    # The bytes are genuine, so the last occurrences of these members are the top-level ones.
    at = hashed.rfind(',"prev_hash":"') + 14
    seq_at = hashed.rfind(',"seq":') + 7
    return int(hashed[seq_at:hashed.index(",", seq_at)]), hashed[at:at + 64], own_hash
