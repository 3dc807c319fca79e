"""Streamed exports of the audit log (CSV and JSON Lines) in constant memory, and the event that
records each export. The rows come from export_rows, the bytes from export_format (the one definition
of both formats), several processes from export_processes."""
from ..transaction import atomic
from .export_format import CSV_HEADER, FORMATS, MEDIA_TYPES, batch_texts, chunks, csv_chunks, jsonl_chunks
from .export_processes import export_in_processes
from .export_rows import EventRows, iter_events, iter_rows
from .record import record

# The formats and the readers live in export_format and export_rows; callers know them from here.
__all__ = ["CSV_HEADER", "FORMATS", "MEDIA_TYPES", "EventRows", "batch_texts", "chunks", "csv_chunks",
           "export_to", "iter_events", "iter_rows", "jsonl_chunks", "record_export"]


def record_export(filters, fmt, actor=None, destination="download"):
    """Write the audit.exported event and commit it before a single row leaves the building."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with atomic():
        event = record("audit.exported", actor=actor, data={"format": fmt, "filters": filters.as_data(),
                                                            "destination": destination})
        return event.seq


def export_to(stream, fmt, filters, progress=None, jobs=1):
    """Write every matching event to a text stream; returns the number written.

    `progress(n)` hears how far along the sequence numbers the export has moved, so a bar is right
    for filtered exports too. With `jobs` above one, a large export is formatted by that many processes
    where the platform and the database allow it (see export_processes); the bytes are the same."""
    if jobs > 1:
        count = export_in_processes(stream, fmt, filters, jobs, progress)
        if count is not None:
            return count
    if fmt == "csv":
        stream.write(CSV_HEADER)
    count = reported_seq = 0
    for events, last_seq, text in batch_texts(fmt, EventRows(filters)):
        stream.write(text)
        count += events
        if progress is not None and last_seq is not None:
            progress(last_seq - reported_seq)
            reported_seq = last_seq
    return count
