"""Competent authorities: quick confirmations to answer and, per requested exemption, an opinion
(consent, consent with conditions, objection) with typed conditions."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..extensions import db
from ..labels import Instrument
from ..models import Application, Assignment
from ..models.committee import ConditionKind
from ..models.reviews import AssignmentRole, Verdict
from ..rules import reviews as review_rules
from ..rules import conflicts as conflict_rules
from ..services import reviews
from ..states import ApplicationState
from ..viewforms import flash_form_errors
from ..viewhelpers import load_or_404, me, refusals, require
from ..workflow import clocks
from .blueprint import bp
from .forms import OpinionForm


@bp.route("/")
def queue():
    questions = db.session.scalars(
        select(Application).where(Application.instrument == Instrument.quick_confirmation,
                                  Application.state == ApplicationState.submitted)
        .options(selectinload(Application.clocks), selectinload(Application.zone))
        .order_by(Application.submitted_at)).all()
    rows = [{"application": a, "clock": clocks.view(a.current_clock)} for a in questions]
    mine = db.session.scalars(select(Assignment).where(Assignment.user_id == me().id,
                                                       Assignment.role == AssignmentRole.authority)
                              .order_by(Assignment.due_date, Assignment.id)).all()
    return render_template("authority/queue.html", rows=rows, assignments=mine)


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
def assignment(assignment_id):
    assignment = load_or_404(Assignment, assignment_id)
    user = me()
    if assignment.user_id != user.id:
        require("assignment.answer", assignment)
    form, status = OpinionForm(), 200
    if form.is_submitted():
        require("opinion.give", assignment)
        status = 422
        if not form.validate():
            flash_form_errors(form)
        else:
            with refusals() as outcome:
                reviews.give_opinion(user, assignment, form.verdict.data or "", form.reasons.data or "",
                                     form.condition_rows())
            if outcome.ok:
                flash(_("Your opinion is recorded."), "success")
                return redirect(url_for(".queue"), code=303)
            status = outcome.status
    application = assignment.application
    return render_template(
        "authority/assignment.html", a=assignment, application=application,
        cleared=policy.may(user, "application.view", application),
        declaration=conflict_rules.latest_declaration(user, application),
        opinion=review_rules.opinion_for(assignment.exemption_request),
        may_give=policy.may(user, "opinion.give", assignment), verdicts=Verdict, kinds=ConditionKind,
        form=form), status
