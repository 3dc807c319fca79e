"""The sandbox office's work: the queue of files by state, zone, instrument and clock."""
from datetime import datetime, timezone

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..labels import Instrument
from ..models import Application, StageClock, Zone
from ..viewhelpers import require
from ..workflow import clocks
from ..workflow.states import ApplicationState

bp = Blueprint("secretariat", __name__, url_prefix="/office")


@bp.before_request
@login_required
def _only_office():
    require("secretariat.queue")


PAGE = 50
# Files with no running clock (paused, or a stage without a legal limit) come after every dated one.
NO_DEADLINE = datetime(9999, 1, 1, tzinfo=timezone.utc)


def _queue_statement(filters):
    """Files ordered by their running clock's due date (overdue first), then id: a keyset the database sorts."""
    running = aliased(StageClock)
    due = func.coalesce(running.due_at, NO_DEADLINE).label("due")
    stmt = (select(Application, due)
            .outerjoin(running, and_(running.application_id == Application.id, running.ended_at.is_(None),
                                     running.paused_at.is_(None)))
            .where(Application.state != ApplicationState.draft))
    if filters["state"] in ApplicationState.__members__:
        stmt = stmt.where(Application.state == ApplicationState(filters["state"]))
    if filters["zone"]:
        stmt = stmt.where(Application.zone_id == filters["zone"])
    if filters["instrument"] in Instrument.__members__:
        stmt = stmt.where(Application.instrument == Instrument(filters["instrument"]))
    return stmt, due


def _after(value):
    """The keyset cursor `<due ISO>|<id>` of the last row on the previous page, or None."""
    try:
        when, application_id = value.rsplit("|", 1)
        return datetime.fromisoformat(when), int(application_id)
    except (AttributeError, ValueError):
        return None


@bp.route("/")
def queue():
    filters = {"state": request.args.get("state", ""), "zone": request.args.get("zone", type=int),
               "instrument": request.args.get("instrument", "")}
    stmt, due = _queue_statement(filters)
    cursor = _after(request.args.get("after"))
    if cursor:
        stmt = stmt.where(or_(due > cursor[0], and_(due == cursor[0], Application.id > cursor[1])))
    found = db.session.execute(
        stmt.options(selectinload(Application.clocks), selectinload(Application.organisation),
                     selectinload(Application.zone))
        .order_by(due, Application.id).limit(PAGE + 1)).all()
    more, found = len(found) > PAGE, found[:PAGE]
    rows = [{"app": a, "state": ApplicationState(a.state), "clock": clocks.view(a.current_clock)} for a, _ in found]
    next_url = None
    if more:
        last_app, last_due = found[-1]
        last_due = last_due if last_due.tzinfo else last_due.replace(tzinfo=timezone.utc)
        next_url = url_for(".queue", **{k: v for k, v in filters.items() if v},
                           after=f"{last_due.isoformat()}|{last_app.id}")
    counts = dict(db.session.execute(
        select(Application.state, func.count()).where(Application.state != ApplicationState.draft)
        .group_by(Application.state)).all())
    zones = db.session.scalars(select(Zone).order_by(Zone.code)).all()
    return render_template("secretariat/queue.html", rows=rows, counts=counts, states=ApplicationState,
                           zones=zones, instruments=Instrument, filters=filters, next_url=next_url,
                           first_url=url_for(".queue", **{k: v for k, v in filters.items() if v}) if cursor else None)


# Routes registered on `bp` by their own modules (kept apart to stay small).
from . import assignments, meetings  # noqa: E402,F401
