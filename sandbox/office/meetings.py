"""The office schedules committee meetings and puts files that are ready on their agendas."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..labels import Role
from ..models import Application, CommitteeMeeting, User, UserRole
from ..rules import committee as committee_rules
from ..services import committee
from ..states import ApplicationState
from ..viewhelpers import load_or_404, me, refusals, require
from .assignment_forms import AgendaItemForm, MeetingForm
from .blueprint import bp
from .outcomes import page_status


def _members():
    return db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role.in_((Role.committee, Role.chair))).distinct().order_by(User.id)).all()


@bp.route("/meetings", methods=["GET", "POST"])
def meetings():
    require("meeting.manage")
    members = _members()
    form, outcome = MeetingForm(members), None
    if form.validate_on_submit():
        with refusals() as outcome:
            meeting = committee.create_meeting(me(), form.title.data or "", form.meets_on.data,
                                               form.chosen_members())
        if outcome.ok:
            flash(_("Meeting “%(title)s” scheduled.", title=meeting.title), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id), code=303)
    listed = db.session.scalars(select(CommitteeMeeting).order_by(CommitteeMeeting.meets_on.desc())).all()
    return render_template("office/meetings.html", meetings=listed, members=members,
                           form=form), page_status(form, outcome)


def _ready_files():
    files = db.session.scalars(select(Application).where(
        Application.state.in_((ApplicationState.exemption_check, ApplicationState.committee)))
        .order_by(Application.submitted_at)).all()
    return [a for a in files if committee_rules.open_item(a) is None]


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting(meeting_id):
    require("meeting.manage")
    meeting = load_or_404(CommitteeMeeting, meeting_id)
    form, outcome = AgendaItemForm(), None
    if form.validate_on_submit():
        application = form.application_id.row
        with refusals() as outcome:
            committee.add_to_agenda(me(), meeting, application)
        if outcome.ok:
            flash(_("“%(file)s” is on the agenda.", file=application.display_title), "success")
            return redirect(url_for(".meeting", meeting_id=meeting_id), code=303)
    items = [{"item": i, "tally": committee_rules.tally(i), "state": ApplicationState(i.application.state)}
             for i in meeting.items]
    return render_template("office/meeting.html", meeting=meeting, items=items, ready=_ready_files(),
                           form=form), page_status(form, outcome)
