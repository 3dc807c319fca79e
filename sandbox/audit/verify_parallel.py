"""The offline verifier's strict scanner, standard library only: checks byte ranges of a file (in worker
processes for large files), then the seams between ranges, and returns a small summary, or None when
anything is unusual. It accepts only what the sequential reader accepts with the same result, so when it
says yes the answer is the same; when it says no, the sequential reader runs and names the problem."""
import binascii
import csv
import hashlib
import io
import itertools
import json
import os
import sys

try:
    from .chain import _HASH_MEMBER, COLUMNS, GENESIS
    from .verify_sequential import (DataCheck, HASHED_LINE, csv_id, csv_int, fast_csv_item, from_csv_row,
                                    slow_item)
except ImportError:  # run as a plain script (even with -I): the other files sit beside this one
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from chain import _HASH_MEMBER, COLUMNS, GENESIS  # type: ignore
    from verify_sequential import (DataCheck, HASHED_LINE, csv_id, csv_int, fast_csv_item,  # type: ignore
                                   from_csv_row, slow_item)

PARALLEL_MIN_BYTES = 20_000_000  # below this (about 40k-60k events) worker processes cost more than they save
_BLOCK = 1 << 22
_RANGES_PER_JOB = 4              # several ranges per worker: a busy core does not hold the others up
_MIN_RANGE = 1 << 22
_SENTINEL = "\x1eend of range\x1e"  # fed after a CSV range: it comes back as its own row only at a record start
_CSV_HEADER = ",".join(COLUMNS).encode("ascii")


class _Unusual(Exception):
    pass


def default_jobs():
    return os.cpu_count() or 1


def _blocks(handle, start, end):
    """The bytes of [start, end) in pieces of about _BLOCK that end just after a newline (but the last)."""
    handle.seek(start)
    position, rest = start, b""
    while position < end:
        data = handle.read(min(_BLOCK, end - position))
        if not data:
            break
        position += len(data)
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest += data
            continue
        yield rest + data[:cut] if rest else data[:cut]
        rest = data[cut:]
    if rest:
        yield rest


class _Chain:
    """Links and sequence numbers inside one range; the first event's link is left to the caller."""

    def __init__(self, filtered, watch_seq):
        self.filtered, self.watch_seq = filtered, watch_seq
        self.count, self.first_seq, self.first_prev = 0, None, None
        self.last_seq, self.last_hash, self.watch = None, None, None

    def add(self, items):
        if not items:
            return
        if self.count == 0:
            self.first_seq, self.first_prev = items[0][0], items[0][1]
        if self.filtered:
            self._add_filtered(items)
            return
        if self.count == 0:
            last_seq, last_hash = items[0][0] - 1, items[0][1]
        else:
            last_seq, last_hash = self.last_seq, self.last_hash
        for seq, prev_hash, own_hash in items:
            if seq != last_seq + 1 or prev_hash != last_hash:
                raise _Unusual
            last_seq, last_hash = seq, own_hash
        watch, first = self.watch_seq, last_seq - len(items) + 1
        if watch is not None and first <= watch <= last_seq:
            self.watch = (items[watch - first][2], self.count + watch - first + 1)
        self.count += len(items)
        self.last_seq, self.last_hash = last_seq, last_hash

    def _add_filtered(self, items):
        last_seq, last_hash, position, watch = self.last_seq, self.last_hash, self.count, self.watch_seq
        for seq, prev_hash, own_hash in items:
            if last_seq is not None and (seq <= last_seq or (seq == last_seq + 1 and prev_hash != last_hash)):
                raise _Unusual
            position += 1
            if seq == watch:
                self.watch = (own_hash, position)
            last_seq, last_hash = seq, own_hash
        self.count, self.last_seq, self.last_hash = position, last_seq, last_hash

    def summary(self):
        text = (lambda value: value.decode("utf-8") if isinstance(value, bytes) else value)
        return {"count": self.count, "first_seq": self.first_seq, "first_prev": text(self.first_prev),
                "last_seq": self.last_seq, "last_hash": text(self.last_hash),
                "watch": (text(self.watch[0]), self.watch[1]) if self.watch else None}


def _strict_slow_item(item):
    """A (seq, prev_hash, hash, intact) from the slow path, only if it is a plain intact event."""
    seq, prev_hash, own_hash, intact = item
    if type(seq) is not int or type(prev_hash) is not str or type(own_hash) is not str or intact is not True:
        raise _Unusual
    return seq, prev_hash, own_hash


_B_HASH, _B_AFTER_HASH, _B_IP = _HASH_MEMBER.encode(), b'","ip":', b',"ip":"'
_B_PREV, _B_SEQ = b',"prev_hash":"', b',"seq":'
_sha256, _hexlify = hashlib.sha256, binascii.hexlify


def _jsonl_items(block):
    """(seq, prev_hash, hash) as bytes for each event line of a block; check_canonical_line on bytes."""
    block.decode("utf-8")  # the sequential reader reads text: a file that is not UTF-8 is refused there
    crlf = b"\r" in block
    if crlf and block.count(b"\r") != block.count(b"\r\n"):
        raise _Unusual  # a lone CR ends a line for the text reader: leave such files to it
    lines = block.split(b"\n")
    if not lines[-1]:
        lines.pop()
    items = []
    append = items.append
    for line in lines:
        if crlf and line[-1:] == b"\r":
            line = line[:-1]
        start = line.rfind(_B_HASH)
        end = start + 73
        if start >= 0 and line[end:end + 7] == _B_AFTER_HASH:
            own_hash = line[start + 9:end]
            hashed = line[:start] + line[end + 1:]
            if hashed.rfind(_B_IP) == start and _hexlify(_sha256(hashed).digest()) == own_hash:
                at = hashed.rfind(_B_PREV) + 14
                seq_at = hashed.rfind(_B_SEQ) + 7
                append((int(hashed[seq_at:hashed.index(b",", seq_at)]), hashed[at:at + 64], own_hash))
                continue
        text = line.decode("utf-8")
        if not text.strip():
            continue
        event = json.loads(text)
        if not isinstance(event, dict) or set(event) != set(COLUMNS):
            raise _Unusual
        seq, prev_hash, own_hash = _strict_slow_item(slow_item(event))
        append((seq, prev_hash.encode("utf-8"), own_hash.encode("utf-8")))
    return items


def _scan_jsonl(blocks, chain):
    for block in blocks:
        chain.add(_jsonl_items(block))


# HASHED_LINE with the quotes of every string member in the template: equal to it for strings that
# JSON escaping leaves alone, which the row's strings escaped together tell at once.
_HASHED_PLAIN = HASHED_LINE.replace(":%s", ':"%s"')
for _name in ("actor_id", "application_id", "data", "seq", "zone_id"):
    _HASHED_PLAIN = _HASHED_PLAIN.replace(f'"{_name}":"%s"', f'"{_name}":%s')


# What JSON escaping changes (quote, backslash, controls) as UTF-8 bytes: no byte of a multi-byte character
# is among them, so deleting them from a string's UTF-8 shortens it exactly when _ENC would change it.
_JSON_ESCAPED = bytes(range(0x20)) + b'"\\'


def _scan_csv(blocks, chain, sentinel):
    """fast_csv_item for every row, inlined, with one check of the row's strings instead of ten escapes;
    a row this does not take goes to fast_csv_item itself, then to the slow path."""
    # TextIOWrapper reads lines as the sequential reader's file object does (and faster than StringIO).
    lines = itertools.chain.from_iterable(io.TextIOWrapper(io.BytesIO(block), encoding="utf-8", newline="")
                                          for block in blocks)
    if sentinel:
        lines = itertools.chain(lines, [_SENTINEL + "\n"])
    data_ok = DataCheck()
    items, ended = [], False
    append, join, plain, sha256, id_json = items.append, "".join, _HASHED_PLAIN, hashlib.sha256, csv_id
    known = data_ok.known
    for values in csv.reader(lines):
        if ended:
            raise _Unusual
        if len(values) == 16:
            (seq, occurred_at, actor_id, actor_name, actor_role, ip, action, subject_type, subject_id,
             application_id, zone_id, from_state, to_state, data, prev_hash, own_hash) = values
            seq_text, actor, application, zone = csv_int(seq), id_json(actor_id), id_json(application_id), \
                id_json(zone_id)
            try:  # UTF-8 bytes; deleting what JSON escaping changes leaves them as long if there is none
                strings = join((action, actor_name, actor_role, from_state, ip, occurred_at, prev_hash, subject_id,
                                subject_type, to_state)).encode("utf-8")
            except UnicodeEncodeError:
                strings = b"\\"
            if (seq_text is not None and seq_text != "null" and actor is not None and application is not None
                    and zone is not None and (data in known or data_ok(data))
                    and len(strings.translate(None, _JSON_ESCAPED)) == len(strings)
                    and sha256((plain % (action, actor, actor_name, actor_role, application, data, from_state, ip,
                                         occurred_at, prev_hash, seq_text, subject_id, subject_type, to_state,
                                         zone)).encode("utf-8")).hexdigest() == own_hash):
                append((int(seq), prev_hash, own_hash))
                if len(items) >= 4096:
                    chain.add(items)
                    items.clear()
                continue
        checked = fast_csv_item(values, data_ok)
        if checked:
            append(checked)
        elif sentinel and values == [_SENTINEL]:
            ended = True
        else:
            append(_strict_slow_item(slow_item(from_csv_row(values, 0))))
    chain.add(items)
    if sentinel and not ended:
        raise _Unusual  # the range did not end at a record boundary


def _scan_range(task):
    """Worker: check one range. `task` is (path, fmt, start, end, last, filtered, watch_seq)."""
    path, fmt, start, end, last, filtered, watch_seq = task
    chain = _Chain(filtered, watch_seq)
    try:
        with open(path, "rb") as handle:
            blocks = _blocks(handle, start, end)
            if fmt == "jsonl":
                _scan_jsonl(blocks, chain)
            else:
                _scan_csv(blocks, chain, sentinel=not last)
    except Exception:  # noqa: BLE001 - anything at all: the sequential reader will say what it is
        return None
    return chain.summary()


def _next_line_start(handle, position):
    """The offset just after the first newline at or after `position`, or None."""
    handle.seek(position)
    while True:
        data = handle.read(1 << 16)
        if not data:
            return None
        newline = data.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(data)


def _even_quote_splits(handle, start, targets):
    """For each target offset, the first position after a newline at or beyond it where the number of
    `"` since `start` is even (csv.writer doubles quotes inside cells, so that is a record boundary; the
    scanner proves it). Plain reads in slices: constant memory, and no mapped pages in the RSS."""
    quotes, position = 0, start
    for target in targets:
        if target <= position:
            continue
        handle.seek(position)
        while position < target:
            data = handle.read(min(_BLOCK, target - position))
            if not data:
                return
            quotes += data.count(b'"')
            position += len(data)
        while True:
            line_end = _next_line_start(handle, position)
            if line_end is None:
                return
            handle.seek(position)
            quotes += handle.read(line_end - position).count(b'"')
            position = line_end
            if quotes % 2 == 0:
                yield position
                break


def _line_splits(handle, targets):
    """JSON Lines: every newline ends a record (canonical JSON holds none)."""
    position = 0
    for target in targets:
        position = _next_line_start(handle, max(target, position))
        if position is None:
            return
        yield position


def _layout(path, jobs, min_bytes):
    """(fmt, start of the first event, size, number of ranges) of a file the scanner can take, else None."""
    size = os.path.getsize(path)
    if size == 0:
        return None
    with open(path, "rb") as handle:
        head = handle.readline()
    if head.startswith(b"{"):
        fmt, start = "jsonl", 0
    elif head.rstrip(b"\r\n") == _CSV_HEADER and head.endswith(b"\n") and head.count(b"\r") <= 1:
        fmt, start = "csv", len(head)
    else:
        return None
    pieces = 1 if jobs <= 1 or size < min_bytes else jobs * _RANGES_PER_JOB
    if pieces > 1:  # ranges of at least _MIN_RANGE, but one per worker however small the file
        pieces = min(pieces, max(jobs, (size - start) // _MIN_RANGE))
    return fmt, start, size, pieces


def _ranges(handle, fmt, start, size, pieces):
    """(start, end) byte ranges covering the events, each given as soon as its end is known (so workers
    start on the first ranges while the CSV quote count goes on)."""
    if pieces > 1 and size > start:
        targets = [start + (size - start) * i // pieces for i in range(1, pieces)]
        splits = _line_splits(handle, targets) if fmt == "jsonl" else _even_quote_splits(handle, start, targets)
        for split in splits:
            if start < split < size:
                yield start, split
                start = split
    yield start, size


def _plan(path, jobs, min_bytes):
    """(fmt, [(start, end), ...]) for the scanner, or None when the file is left to the sequential reader."""
    layout = _layout(path, jobs, min_bytes)
    if layout is None:
        return None
    with open(path, "rb") as handle:
        return layout[0], list(_ranges(handle, *layout))


def _run_ranges(path, layout, jobs, filtered, watch_seq):
    """Each range's summary (None for a range the scanner refused), or None when workers failed."""
    fmt, _, size, pieces = layout
    path = os.fspath(path)
    with open(path, "rb") as handle:
        tasks = ((path, fmt, start, end, end == size, filtered, watch_seq)
                 for start, end in _ranges(handle, *layout))
        if pieces == 1 or jobs <= 1:
            return [_scan_range(task) for task in tasks]
        try:
            # Here, not at the top: the offline verifier starts faster when it needs no pool.
            from concurrent.futures import ProcessPoolExecutor
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(_scan_range, task) for task in tasks]
                return [future.result() for future in futures]
        except Exception:  # noqa: BLE001 - no working multiprocessing here, or a worker died
            return None


def scan_file(path, anchor=None, filtered=False, watch_seq=None, jobs=None, parallel_min_bytes=None):
    """The fast check: (total, last_seq, last_hash, watch) as the sequential reader would find them,
    `watch` being (hash, position) of the event `watch_seq`; None when the file needs the sequential
    reader (it is broken, unusual, or not an export)."""
    jobs = default_jobs() if jobs is None else jobs
    layout = _layout(path, jobs, PARALLEL_MIN_BYTES if parallel_min_bytes is None else parallel_min_bytes)
    if layout is None:
        return None
    results = _run_ranges(path, layout, jobs, filtered, watch_seq)
    if results is None or any(result is None for result in results):
        return None
    total, watch = 0, None
    if filtered:
        last_seq, last_hash = None, None
    else:
        last_seq, last_hash = (None, anchor) if anchor else (0, GENESIS)
    for result in results:
        if not result["count"]:
            continue
        first_seq = result["first_seq"]
        if filtered:
            if last_seq is not None and (first_seq <= last_seq or
                                         (first_seq == last_seq + 1 and result["first_prev"] != last_hash)):
                return None
        elif (last_seq is not None and first_seq != last_seq + 1) or result["first_prev"] != last_hash:
            return None
        if result["watch"]:
            watch = (result["watch"][0], total + result["watch"][1])
        total += result["count"]
        last_seq, last_hash = result["last_seq"], result["last_hash"]
    if not total:
        last_seq, last_hash = None, (None if filtered else last_hash)
    return total, last_seq, last_hash, watch
