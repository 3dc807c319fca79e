"""Verify an exported audit log offline, with nothing but Python's standard library.

    python -m sandbox.audit.verify FILE [--anchor HASH] [--filtered] [--head HASH] [--count N]
                                        [--checkpoint FILE.json [--public-key HEX]] [--jobs N]
    python sandbox/audit/verify.py FILE ...          (the same, from a copy of the four files: chain.py,
                                                      verify.py, verify_sequential.py, verify_parallel.py)

FILE is a CSV or JSON Lines export (detected from its first character). Exit status 0 when the file
verifies, 1 when it does not (the message names the first bad sequence number), 2 on bad usage.

How it is fast: a file is checked by a strict scanner (bytes, not text; large files split at record
boundaries into ranges checked by --jobs worker processes, the seams between ranges checked after;
verify_parallel.py). The scanner gives up on anything unusual (a tampered event, a line in another layout,
odd line endings), and then the whole file is checked again by the plain sequential reader
(verify_sequential.py), whose messages name exactly the first bad sequence number."""
import argparse
import json
import os
import sys

try:
    from .chain import GENESIS, ChainBroken, checkpoint_message, verify_links
    from .verify_parallel import PARALLEL_MIN_BYTES, default_jobs, scan_file
    from .verify_sequential import BadFile, Watch, read_items, verify_filtered
except ImportError:  # run as a plain script (even with -I): the other files sit beside this one
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from chain import GENESIS, ChainBroken, checkpoint_message, verify_links  # type: ignore
    from verify_parallel import PARALLEL_MIN_BYTES, default_jobs, scan_file  # type: ignore
    from verify_sequential import BadFile, Watch, read_items, verify_filtered  # type: ignore


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


class _Watched:
    """What Watch would have noted, from the scanner's answer."""

    def __init__(self, seq, watch):
        self.seq = seq
        self.hash, self.count_at = watch if watch else (None, None)


def verify_file(path, anchor=None, filtered=False, head=None, count=None, checkpoint=None, public_key=None,
                jobs=None, parallel_min_bytes=None):
    """Verify one export. Returns report lines; raises ChainBroken or BadFile.

    `jobs` worker processes (default: one per CPU; 1 = none) share files of at least
    `parallel_min_bytes` (default PARALLEL_MIN_BYTES)."""
    # The signature first: a forged checkpoint should be called forged, not "does not match".
    signature_note = check_signature(checkpoint, public_key) if checkpoint else None
    watch_seq = checkpoint["seq"] if checkpoint else None
    scanned = scan_file(path, anchor=anchor, filtered=filtered, watch_seq=watch_seq, jobs=jobs,
                        parallel_min_bytes=parallel_min_bytes)
    if scanned is not None:
        total, last_seq, last_hash, watched = scanned
        watch = _Watched(watch_seq, watched) if checkpoint else None
    else:
        total, last_seq, last_hash, watch = _verify_sequential(path, anchor, filtered, watch_seq)
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


def _verify_sequential(path, anchor, filtered, watch_seq):
    """The reference reader: text, one event after another; its errors name the first bad event."""
    with open(path, newline="", encoding="utf-8") as handle:
        events = read_items(handle)
        watch = Watch(events, watch_seq) if watch_seq is not None else None
        stream = watch or events
        if filtered:
            total, last_seq, last_hash = verify_filtered(stream)
        else:
            total, last_seq, last_hash = verify_links(stream, anchor_hash=anchor or GENESIS,
                                                      first_seq=None if anchor else 1)
    return total, last_seq, last_hash, watch


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
    parser.add_argument("--jobs", type=int, default=None,
                        help=f"worker processes for large files (default: one per CPU, here {default_jobs()}; "
                             "1 = check in this process only)")
    parser.add_argument("--parallel-min-bytes", type=int, default=PARALLEL_MIN_BYTES,
                        help="files smaller than this are checked in one process (default %(default)s)")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        checkpoint = None
        if args.checkpoint:
            with open(args.checkpoint, encoding="utf-8") as handle:
                checkpoint = json.load(handle)
        report = verify_file(args.file, anchor=args.anchor, filtered=args.filtered, head=args.head,
                             count=args.count, checkpoint=checkpoint, public_key=args.public_key,
                             jobs=args.jobs, parallel_min_bytes=args.parallel_min_bytes)
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
