"""Auditors: search the audit log, export it (streamed), and see the chain's status. Read-only."""
import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from flask import Response, render_template, request, stream_with_context, url_for
from sqlalchemy import select

from ..audit import chain as chain_module
from ..audit.export import MEDIA_TYPES, chunks, iter_rows, record_export
from ..audit.integrity import chain_head, latest_checkpoint
from ..workflow.action_names import ACTION_LABELS, action_label
from ..bounds import db_bigint
from ..extensions import db
from ..models import AuditEvent, Zone
from ..states import ApplicationState
from ..viewhelpers import me, require
from .forms import AuditSearchForm
from .blueprint import bp

PAGE = 50




def _search_form():
    zones = db.session.scalars(select(Zone).order_by(Zone.code)).all()
    form = AuditSearchForm(request.args, zones=zones)
    return form, form.validate()


def _page(audit_filter, before):
    # Keyset pagination: `seq < before` on the primary key, newest first; never OFFSET, no total count.
    stmt = audit_filter.apply(select(AuditEvent)).order_by(AuditEvent.seq.desc()).limit(PAGE + 1)
    if before:
        stmt = stmt.where(AuditEvent.seq < before)
    events = db.session.scalars(stmt).all()
    return events[:PAGE], len(events) > PAGE


@bp.route("/")
def console():
    form, valid = _search_form()
    audit_filter = form.to_filter() if valid else None
    before = request.args.get("before", type=db_bigint)
    events, more = _page(audit_filter, before) if valid else ([], False)
    query = audit_filter.as_data() if valid else {}
    params = {k: v for k, v in request.args.items() if k != "before" and v}
    head_seq, head_hash = chain_head()
    return render_template(
        "auditor/console.html", form=form, events=events, action_label=action_label,
        action_labels=ACTION_LABELS,
        next_url=url_for(".console", **params, before=events[-1].seq) if more else None,
        newest_url=url_for(".console", **params) if before else None,
        export_csv=url_for(".export", fmt="csv", **params) if valid else None,
        export_jsonl=url_for(".export", fmt="jsonl", **params) if valid else None,
        filtered=bool(query), head_seq=head_seq, head_hash=head_hash, checkpoint=latest_checkpoint(),
    ), (200 if valid else 422)


@bp.route("/export.<any(csv, jsonl):fmt>")
def export(fmt):
    require("audit.export")
    form, valid = _search_form()
    if not valid:
        return console()
    audit_filter = form.to_filter()
    # Recorded and committed before the first byte leaves: an export that fails midway is still on record.
    seq = record_export(audit_filter, fmt, actor=me())
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    kind = "filtered" if audit_filter.as_data() else "full"
    filename = f"audit-{kind}-{stamp}-e{seq}.{fmt}"
    body = stream_with_context(chunks(fmt, iter_rows(audit_filter)))
    return Response(body, content_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


# The offline verifier: standard library only, so an auditor runs it on any machine with Python 3.
VERIFIER_FILES = ("chain.py", "verify.py", "verify_sequential.py", "verify_parallel.py")
VERIFIER_README = """Offline verifier for Sandbox audit exports (Python 3.11 or newer, standard library only).

    python verify.py EXPORT.csv                      # or EXPORT.jsonl: the whole chain from the first event
    python verify.py EXPORT.jsonl --anchor HASH      # a contiguous slice: HASH is the event before its first
    python verify.py EXPORT.csv --filtered           # a filtered export: each event's hash and the order
    python verify.py EXPORT.jsonl --checkpoint CHECKPOINT.json --public-key HEX

Exit status 0: the file verifies; 1: it does not (the message names the first bad sequence number).

In CSV exports a cell starting with = + - @ TAB CR or an apostrophe carries one more apostrophe in front,
so that spreadsheets show it as text instead of running it as a formula; the verifier removes it.
"""


@bp.route("/verifier.zip")
def verifier():
    """The verifier's own files, zipped: auditors need not trust or install the application to check it."""
    source = Path(chain_module.__file__).parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in VERIFIER_FILES:
            archive.write(source / name, f"sandbox-audit-verifier/{name}")
        archive.writestr("sandbox-audit-verifier/README.txt", VERIFIER_README)
    return Response(buffer.getvalue(), content_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="sandbox-audit-verifier.zip"'})


@bp.app_template_filter("audit_action")
def _audit_action_filter(action):
    """`{{ event.action | audit_action }}`: the readable name of an action, on any page."""
    return action_label(action)


@bp.app_template_filter("state_name")
def _state_name_filter(value):
    try:
        return ApplicationState(value).label if value else "—"
    except ValueError:
        return value
