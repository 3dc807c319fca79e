"""The office schedules committee meetings and puts files that are ready on their agendas."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..bounds import db_int, int_list, parse_date
from ..errors import SandboxError
from ..extensions import db
from ..labels import Role
from ..models import Application, CommitteeMeeting, User, UserRole
from ..rules import committee as committee_rules
from ..services import committee
from ..states import ApplicationState
from ..viewhelpers import load_or_404, me, require
from .blueprint import bp


def _members():
    return db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role.in_((Role.committee, Role.chair))).distinct().order_by(User.id)).all()


@bp.route("/meetings", methods=["GET", "POST"])
def meetings():
    require("meeting.manage")
    status = 200
    if request.method == "POST":
        meets_on = parse_date(request.form.get("meets_on", ""))
        member_ids = set(int_list(request.form.getlist("members")))
        members = [u for u in _members() if u.id in member_ids]
        try:
            meeting = committee.create_meeting(me(), request.form.get("title", ""), meets_on, members)
        except SandboxError as exc:
            db.session.rollback()
            for reason in exc.reasons or [exc.message]:
                flash(reason, "danger")
            status = 422
        else:
            flash(_("Meeting “%(title)s” scheduled.", title=meeting.title), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id), code=303)
    listed = db.session.scalars(select(CommitteeMeeting).order_by(CommitteeMeeting.meets_on.desc())).all()
    return render_template("office/meetings.html", meetings=listed, members=_members(),
                           form=request.form), status


def _ready_files():
    files = db.session.scalars(select(Application).where(
        Application.state.in_((ApplicationState.exemption_check, ApplicationState.committee)))
        .order_by(Application.submitted_at)).all()
    return [a for a in files if committee_rules.open_item(a) is None]


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting(meeting_id):
    require("meeting.manage")
    meeting = load_or_404(CommitteeMeeting, meeting_id)
    status = 200
    if request.method == "POST":
        application = db.session.get(Application, request.form.get("application_id", type=db_int) or 0)
        try:
            if application is None:
                raise SandboxError(_("Choose a file."))
            committee.add_to_agenda(me(), meeting, application)
        except SandboxError as exc:
            db.session.rollback()
            for reason in exc.reasons or [exc.message]:
                flash(reason, "danger")
            status = 422
        else:
            flash(_("“%(file)s” is on the agenda.", file=application.display_title), "success")
            return redirect(url_for(".meeting", meeting_id=meeting_id), code=303)
    items = [{"item": i, "tally": committee_rules.tally(i), "state": ApplicationState(i.application.state)}
             for i in meeting.items]
    return render_template("office/meeting.html", meeting=meeting, items=items, ready=_ready_files()), status
