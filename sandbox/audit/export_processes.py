"""Large exports formatted by several processes: what the command line (and the benchmark) uses, since
formatting, not the database, is what an export waits for. The console streams from its own request
instead: a web worker should not fork, nor take every core of a shared server for one download.

The sequence numbers are cut into spans one batch wide and dealt out in turn: process k (this one is
0, the others are forked helpers) formats spans k, k + jobs, k + 2·jobs, ... through the same batch code
as a one-process export (so the bytes are the same) and, once the span before has been written, writes
its span to the output file itself: all share the file's descriptor, and so its offset. Nothing is
copied between processes, and memory stays constant: each holds one span while it waits for its turn.

The spans end at the last matching event when the export starts (its own audit.exported included), so
an event recorded meanwhile is never half in. Helpers are forked before this process starts a thread,
and each opens connections of its own (SQLAlchemy's recipe for fork: engine.dispose(close=False))."""
import multiprocessing
import os
import signal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEvent
from .export_format import CSV_HEADER, batch_texts
from .export_rows import FAST_BATCH, EventRows

PARALLEL_MIN_EVENTS = 100_000  # sequence numbers spanned; below this a helper costs more than it saves
_KEPT_FROM_PARENT = []


def export_in_processes(stream, fmt, filters, jobs, progress=None):
    """export_to's work in `jobs` processes; the number of events written, or None (nothing written)
    when one process is the way: a small export, a stream that is not a UTF-8 file, a database in this
    process's memory, or a platform without fork."""
    engine = db.engine
    fd = _file_descriptor(stream)
    if fd is None or not _can_fork(engine):
        return None
    spans = _spans(filters)
    if not spans or spans[-1][1] - spans[0][0] < PARALLEL_MIN_EVENTS:
        return None
    jobs = min(jobs, len(spans))
    if fmt == "csv":
        stream.write(CSV_HEADER)
    stream.flush()  # the helpers write after it, through the same open file (so the same file offset)
    context = multiprocessing.get_context("fork")
    order = _WritingOrder(context, jobs)
    helpers, finished = [], False
    try:
        for turn in range(1, jobs):  # forked before this process starts a thread (PostgreSQL's prefetch)
            helper = context.Process(target=_helper, args=(fd, order, turn, engine, fmt, filters, spans),
                                     name=f"audit-export-{turn}", daemon=True)
            helper.start()
            helpers.append(helper)
        reported = _Progress(progress, spans)
        watch = _Watch(order, helpers, reported)
        _format_and_write(fd, order, 0, fmt, EventRows(filters, spans=spans[0::jobs]), len(spans), watch)
        watch.wait_for_turn(len(spans))  # every span written
        finished = True
        return sum(order.events)
    finally:
        for helper in helpers:
            if not finished:
                helper.terminate()
            helper.join()


def _format_and_write(fd, order, turn, fmt, rows, spans, waiting):
    """Spans turn, turn + jobs, ... (the spans of `rows`): each formatted, then written when its turn
    comes (`waiting.wait_for_turn`)."""
    jobs = len(order.events)
    for index, (events, _, text) in zip(range(turn, spans, jobs), batch_texts(fmt, rows)):
        data = text.encode("utf-8")
        waiting.wait_for_turn(index)
        _write_all(fd, data)
        order.events[turn] += events
        order.passed_on(index)


class _WritingOrder:
    """Whose turn it is to write: the index of the next span, shared by the processes, with a condition
    to wait on. ABORTED once a process fails, so the others stop instead of waiting for it."""

    ABORTED = -1

    def __init__(self, context, jobs):
        self.changed = context.Condition()
        self.next_span = context.RawValue("q", 0)
        self.events = context.RawArray("q", jobs)

    def wait_for_turn(self, index):
        with self.changed:
            self.changed.wait_for(lambda: self.next_span.value in (index, self.ABORTED))
            if self.next_span.value == self.ABORTED:
                raise RuntimeError("another export process failed")

    def passed_on(self, index):
        with self.changed:
            self.next_span.value = index + 1
            self.changed.notify_all()

    def abort(self):
        with self.changed:
            self.next_span.value = self.ABORTED
            self.changed.notify_all()


class _Watch:
    """The parent's way of waiting for its turn: it also moves the progress on as the others write, and
    notices a helper that died without a word (killed), which would otherwise keep everyone waiting."""

    def __init__(self, order, helpers, reported):
        self.order, self.helpers, self.reported = order, helpers, reported

    def wait_for_turn(self, index):
        order = self.order
        while True:
            with order.changed:
                now = order.next_span.value
                if now not in (index, order.ABORTED):
                    order.changed.wait(timeout=0.5)
                    now = order.next_span.value
            failed = [helper.exitcode for helper in self.helpers if helper.exitcode not in (None, 0)]
            if now == order.ABORTED or failed:
                order.abort()
                raise RuntimeError("an export process failed" + (f" (exit code {failed[0]})" if failed else ""))
            self.reported(now)
            if now == index:
                return


class _Progress:
    """Calls progress(n) with the sequence numbers covered since the last call, given spans written."""

    def __init__(self, progress, spans):
        self.progress, self.spans, self.seq = progress, spans, 0

    def __call__(self, written):
        if self.progress is not None and written:
            up_to = self.spans[written - 1][1]
            if up_to > self.seq:
                self.progress(up_to - self.seq)
                self.seq = up_to


def _file_descriptor(stream):
    """The descriptor of a UTF-8 text file (helpers write bytes to it), or None."""
    if (getattr(stream, "encoding", None) or "").lower().replace("-", "") != "utf8":
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and ValueError
        return None


def _can_fork(engine):
    in_memory = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
    return not in_memory and "fork" in multiprocessing.get_all_start_methods()


def _spans(filters):
    """(after, up to) ranges of sequence numbers, FAST_BATCH wide, over the matching events."""
    first, last = db.session.execute(
        filters.apply(select(func.min(AuditEvent.seq), func.max(AuditEvent.seq)))).one()
    if first is None:
        return []
    return [(after, min(after + FAST_BATCH, last)) for after in range(first - 1, last, FAST_BATCH)]


def _helper(fd, order, turn, engine, fmt, filters, spans):
    """A forked helper: its share of the spans, through connections of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent ends the helpers
    # The parent's pool stays referenced until os._exit ends this process: were it collected here, its
    # SQLite connections would be closed by a process that never opened them.
    _KEPT_FROM_PARENT.append(engine.pool)
    engine.dispose(close=False)
    try:
        with Session(engine) as session:
            rows = EventRows(filters, session=session, spans=spans[turn::len(order.events)])
            _format_and_write(fd, order, turn, fmt, rows, len(spans), order)
    except BaseException:
        order.abort()
        raise


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
