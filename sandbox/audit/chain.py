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
