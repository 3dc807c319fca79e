"""Competent authorities: quick confirmations to answer and exemptions to give an opinion on."""
from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..labels import Instrument
from ..models import Application
from ..viewhelpers import require
from ..workflow import clocks
from ..workflow.states import ApplicationState

bp = Blueprint("authority", __name__, url_prefix="/authority")


@bp.before_request
@login_required
def _only_authorities():
    require("authority.queue")


@bp.route("/")
def queue():
    questions = db.session.scalars(
        select(Application).where(Application.instrument == Instrument.quick_confirmation,
                                  Application.state == ApplicationState.submitted)
        .options(selectinload(Application.clocks), selectinload(Application.zone))
        .order_by(Application.submitted_at)).all()
    rows = [{"app": a, "clock": clocks.view(a.current_clock)} for a in questions]
    return render_template("authority/queue.html", rows=rows)
