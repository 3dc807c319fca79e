"""Committee members: the files on the agenda."""
from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Application
from ..viewhelpers import require
from ..workflow import clocks
from ..workflow.states import ApplicationState

bp = Blueprint("committee", __name__, url_prefix="/committee")


@bp.before_request
@login_required
def _only_members():
    require("committee.queue")


@bp.route("/")
def agenda():
    apps = db.session.scalars(
        select(Application).where(Application.state == ApplicationState.committee)
        .options(selectinload(Application.clocks), selectinload(Application.zone),
                 selectinload(Application.organisation))
        .order_by(Application.submitted_at)).all()
    rows = [{"app": a, "clock": clocks.view(a.current_clock)} for a in apps]
    return render_template("committee/agenda.html", rows=rows)
