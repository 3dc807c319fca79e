"""Competent authorities: quick confirmations to answer and, per requested exemption, an opinion
(consent, consent with conditions, objection) with typed conditions."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..errors import SandboxError
from ..extensions import db
from ..labels import Instrument
from ..models import Application, Assignment
from ..models.committee import ConditionKind
from ..models.reviews import AssignmentRole, Verdict
from ..rules import reviews as review_rules
from ..rules import conflicts as conflict_rules
from ..services import reviews
from ..states import ApplicationState
from ..viewhelpers import load_or_404, me, require
from ..workflow import clocks
from .blueprint import bp

CONDITION_ROWS = 3




@bp.route("/")
def queue():
    questions = db.session.scalars(
        select(Application).where(Application.instrument == Instrument.quick_confirmation,
                                  Application.state == ApplicationState.submitted)
        .options(selectinload(Application.clocks), selectinload(Application.zone))
        .order_by(Application.submitted_at)).all()
    rows = [{"app": a, "clock": clocks.view(a.current_clock)} for a in questions]
    mine = db.session.scalars(select(Assignment).where(Assignment.user_id == me().id,
                                                       Assignment.role == AssignmentRole.authority)
                              .order_by(Assignment.due_date, Assignment.id)).all()
    return render_template("authority/queue.html", rows=rows, assignments=mine)


def _conditions_from(form):
    return [{"kind": form.get(f"condition-{n}-kind", ""), "parameters": form.get(f"condition-{n}-parameters", ""),
             "text": form.get(f"condition-{n}-text", "")} for n in range(CONDITION_ROWS)]


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
def assignment(assignment_id):
    assignment = load_or_404(Assignment, assignment_id)
    user = me()
    if assignment.user_id != user.id:
        require("assignment.answer", assignment)
    status = 200
    if request.method == "POST":
        require("opinion.give", assignment)
        try:
            reviews.give_opinion(user, assignment, request.form.get("verdict", ""), request.form.get("reasons", ""),
                                 _conditions_from(request.form))
        except SandboxError as exc:
            db.session.rollback()
            for reason in exc.reasons or [exc.message]:
                flash(reason, "danger")
            status = 422
        else:
            flash(_("Your opinion is recorded."), "success")
            return redirect(url_for(".queue"), code=303)
    application = assignment.application
    return render_template(
        "authority/assignment.html", a=assignment, app=application,
        cleared=policy.may(user, "application.view", application),
        declaration=conflict_rules.latest_declaration(user, application),
        opinion=review_rules.opinion_for(assignment.exemption_request),
        may_give=policy.may(user, "opinion.give", assignment), verdicts=Verdict, kinds=ConditionKind,
        rows=range(CONDITION_ROWS), form=request.form), status
