"""The sandbox office's work: the queue of files by state, zone, instrument and clock."""
from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..labels import Instrument
from ..models import Application, Zone
from ..viewhelpers import require
from ..workflow import clocks
from ..workflow.states import ApplicationState

bp = Blueprint("secretariat", __name__, url_prefix="/office")


@bp.before_request
@login_required
def _only_office():
    require("secretariat.queue")


@bp.route("/")
def queue():
    state = request.args.get("state", "")
    zone_id = request.args.get("zone", type=int)
    instrument = request.args.get("instrument", "")
    stmt = select(Application).where(Application.state != ApplicationState.draft)
    if state in ApplicationState.__members__:
        stmt = stmt.where(Application.state == ApplicationState(state))
    if zone_id:
        stmt = stmt.where(Application.zone_id == zone_id)
    if instrument in Instrument.__members__:
        stmt = stmt.where(Application.instrument == Instrument(instrument))
    apps = db.session.scalars(
        stmt.options(selectinload(Application.clocks), selectinload(Application.organisation),
                     selectinload(Application.zone))
        .order_by(Application.submitted_at.asc()).limit(200)).all()
    rows = [{"app": a, "state": ApplicationState(a.state), "clock": clocks.view(a.current_clock)} for a in apps]
    # Overdue first, then the least time left.
    rows.sort(key=lambda r: (not (r["clock"] and r["clock"]["overdue"]),
                             r["clock"]["days_left"] if r["clock"] and r["clock"]["days_left"] is not None else 10**6))
    counts = dict(db.session.execute(
        select(Application.state, func.count()).where(Application.state != ApplicationState.draft)
        .group_by(Application.state)).all())
    zones = db.session.scalars(select(Zone).order_by(Zone.code)).all()
    return render_template("secretariat/queue.html", rows=rows, counts=counts, states=ApplicationState,
                           zones=zones, instruments=Instrument,
                           filters={"state": state, "zone": zone_id, "instrument": instrument})


# Routes registered on `bp` by their own modules (kept apart to stay small).
from . import assignments, meetings  # noqa: E402,F401
