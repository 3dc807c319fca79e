"""Auditors: read the audit log (the Audit issue adds search, exports and verification)."""
from flask import Blueprint, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent
from ..viewhelpers import require

bp = Blueprint("auditor", __name__, url_prefix="/audit")
PAGE = 50


@bp.before_request
@login_required
def _only_auditors():
    require("auditor.console")


@bp.route("/")
def console():
    before = request.args.get("before", type=int)
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(PAGE + 1)
    if before:
        stmt = stmt.where(AuditEvent.seq < before)
    events = db.session.scalars(stmt).all()
    more = len(events) > PAGE
    events = events[:PAGE]
    next_url = url_for(".console", before=events[-1].seq) if more else None
    return render_template("auditor/console.html", events=events, next_url=next_url,
                           newest_url=url_for(".console") if before else None)
