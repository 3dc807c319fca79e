"""Verify an exported audit log offline, with nothing but Python's standard library.

    python -m sandbox.audit.verify FILE [--anchor HASH] [--filtered] [--head HASH] [--count N]
                                        [--checkpoint FILE.json [--public-key HEX]]
    python sandbox/audit/verify.py FILE ...          (the same, from a copy of the two files)

FILE is a CSV or JSON Lines export (detected from its first character). Exit status 0 when the file
verifies, 1 when it does not (the message names the first bad sequence number), 2 on bad usage."""
import argparse
import csv
import hashlib
import json
import os
import sys

try:
    from .chain import (_ENC, _LINE, COLUMNS, GENESIS, NULLABLE_INT_FIELDS, ChainBroken, check_canonical_line,
                        checkpoint_message, event_hash, verify_links)
except ImportError:  # run as a plain script (even with -I): chain.py sits beside this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from chain import (_ENC, _LINE, COLUMNS, GENESIS, NULLABLE_INT_FIELDS, ChainBroken,  # type: ignore
                       check_canonical_line, checkpoint_message, event_hash, verify_links)

csv.field_size_limit(sys.maxsize)


class BadFile(Exception):
    pass


def _slow_item(event):
    return event["seq"], event["prev_hash"], event["hash"], event_hash(event) == event["hash"]


class _DataCheck:
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


def _from_csv_row(values, line_no):
    if len(values) != len(COLUMNS):
        raise BadFile(f"line {line_no}: expected {len(COLUMNS)} columns, found {len(values)}")
    event = dict(zip(COLUMNS, values))
    try:
        event["seq"] = int(event["seq"])
        for name in NULLABLE_INT_FIELDS:
            event[name] = int(event[name]) if event[name] else None
        event["data"] = json.loads(event["data"])
    except ValueError as exc:
        raise BadFile(f"line {line_no}: {exc}") from None
    return event


_DATA = COLUMNS.index("data")
_HASHED_LINE = _LINE.replace('"hash":%s,', "")


def _csv_int(text):
    """The canonical JSON of an integer column as written in the CSV, or None when unusual."""
    if not text:
        return "null"
    if text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return text
    return None


def _fast_csv_item(values, data_ok):
    """Hash the canonical form rebuilt straight from the CSV text (the common, untampered case);
    None sends the row down the slow path, which parses it fully and says what is wrong."""
    if len(values) != len(COLUMNS):
        return None
    (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id, application_id,
     zone_id, from_state, to_state, data, prev_hash, own_hash) = values
    numbers = (_csv_int(seq), _csv_int(actor_id), _csv_int(application_id), _csv_int(zone_id))
    if None in numbers or numbers[0] == "null" or not data_ok(data):
        return None
    text = _HASHED_LINE % (_ENC(action), numbers[1], _ENC(actor_name), _ENC(actor_role), numbers[2], data,
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
    data_ok = _DataCheck()
    for line_no, values in enumerate(reader, start=2):
        checked = _fast_csv_item(values, data_ok)
        yield (*checked, True) if checked else _slow_item(_from_csv_row(values, line_no))


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
        yield _slow_item(event)


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


def check_signature(checkpoint, public_key):
    """Returns a sentence for the report; raises ChainBroken when the signature is wrong."""
    if not public_key:
        return "signature NOT checked (no --public-key given)"
    if public_key.lower() != str(checkpoint.get("public_key", "")).lower():
        raise ChainBroken(checkpoint["seq"], "the checkpoint was signed with a different key")
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return ("signature NOT checked: the 'cryptography' package is not installed; the chain was checked "
                "against the checkpoint's sequence and head hash only")
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(checkpoint["signature"]), checkpoint_message(checkpoint))
    except (InvalidSignature, ValueError):
        raise ChainBroken(checkpoint["seq"], "the checkpoint's signature is not valid") from None
    return "signature valid"


def check_checkpoint(watch, checkpoint, last_seq, full_chain):
    if last_seq is None or last_seq < checkpoint["seq"]:
        raise ChainBroken(checkpoint["seq"], f"the export ends at {last_seq} but the checkpoint covers "
                                             f"{checkpoint['seq']} events (the tail was cut off)")
    if watch.hash is None:
        raise ChainBroken(checkpoint["seq"], "the checkpoint's event is not in the export")
    if watch.hash != checkpoint["head_hash"]:
        raise ChainBroken(checkpoint["seq"], "the hash differs from the signed checkpoint's head hash")
    if full_chain and watch.count_at != checkpoint["count"]:
        raise ChainBroken(checkpoint["seq"], f"{watch.count_at} events up to the checkpoint, "
                                             f"it says {checkpoint['count']}")


def verify_file(path, anchor=None, filtered=False, head=None, count=None, checkpoint=None, public_key=None):
    """Verify one export. Returns report lines; raises ChainBroken or BadFile."""
    # The signature first: a forged checkpoint should be called forged, not "does not match".
    signature_note = check_signature(checkpoint, public_key) if checkpoint else None
    with open(path, newline="", encoding="utf-8") as handle:
        events = read_items(handle)
        watch = Watch(events, checkpoint["seq"]) if checkpoint else None
        stream = watch or events
        if filtered:
            total, last_seq, last_hash = verify_filtered(stream)
        else:
            total, last_seq, last_hash = verify_links(stream, anchor_hash=anchor or GENESIS,
                                                      first_seq=None if anchor else 1)
    report = [f"{total} events verified" + (f", up to sequence {last_seq}" if total else ""),
              f"head hash {last_hash or (anchor or GENESIS)}"]
    if count is not None and total != count:
        raise ChainBroken(last_seq, f"{total} events in the file, {count} expected (events missing)")
    if head is not None and (last_hash or anchor or GENESIS) != head:
        raise ChainBroken(last_seq, "the last hash is not the expected head (the tail was cut off or added)")
    if checkpoint:
        check_checkpoint(watch, checkpoint, last_seq, full_chain=not (anchor or filtered))
        report.append(f"matches checkpoint at sequence {checkpoint['seq']}; {signature_note}")
    return report


def _parser():
    parser = argparse.ArgumentParser(prog="python -m sandbox.audit.verify",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="a CSV or JSON Lines audit export")
    parser.add_argument("--anchor",
                        help="hash of the event just before the file's first (for a contiguous slice)")
    parser.add_argument("--filtered", action="store_true",
                        help="a filtered export: check each event's hash and order, not the whole chain")
    parser.add_argument("--head", help="the hash the last event must have")
    parser.add_argument("--count", type=int, help="the number of events the file must hold")
    parser.add_argument("--checkpoint", help="a checkpoint JSON file from `flask audit checkpoint`")
    parser.add_argument("--public-key", help="the audit signing public key (hex), to check the checkpoint")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        checkpoint = None
        if args.checkpoint:
            with open(args.checkpoint, encoding="utf-8") as handle:
                checkpoint = json.load(handle)
        report = verify_file(args.file, anchor=args.anchor, filtered=args.filtered, head=args.head,
                             count=args.count, checkpoint=checkpoint, public_key=args.public_key)
    except ChainBroken as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except (BadFile, OSError, ValueError, KeyError) as exc:
        print(f"FAILED: cannot read the file: {exc}", file=sys.stderr)
        return 2
    print("OK: " + "; ".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
