"""Expert reviewers: their assignments, answering them, declaring conflicts before any confidential
content, the rubric review, and everyone's organisation ties. Authorities and committee members use
the answer, declaration and ties routes too."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..bounds import db_int
from ..extensions import db
from ..models import Application, Assignment, Organisation
from ..models.reviews import AssignmentRole, AssignmentStatus, Recommendation, TieKind
from ..policy.disclosure import disclose_reviews
from ..rules import conflicts as conflict_rules
from ..rules import reviews as review_rules
from ..services import assignments, conflicts, reviews
from ..viewforms import flash_form_errors
from ..viewhelpers import load_or_404, me, refusals, require
from .blueprint import bp
from .forms import AnswerForm, DeclarationForm, DeclineForm, TieForm, review_form


def _mine(assignment_id):
    assignment = load_or_404(Assignment, assignment_id)
    if assignment.user_id != me().id:
        abort(403)
    return assignment


# Finished assignments pile up over the years; they come in pages, newest first.
FINISHED_PAGE = 25


def _my_assignments(statuses):
    return (select(Assignment).where(Assignment.user_id == me().id, Assignment.role == AssignmentRole.reviewer,
                                     Assignment.status.in_(statuses))
            # One query per relation, not one per row (288 queries at 100k files).
            .options(selectinload(Assignment.application).selectinload(Application.organisation)))


@bp.route("/", endpoint="assignments")
def assignments_list():
    to_do = db.session.scalars(_my_assignments([AssignmentStatus.proposed, AssignmentStatus.accepted])
                               .order_by(Assignment.due_date, Assignment.id)).all()
    before = request.args.get("before", type=db_int)
    finished_stmt = _my_assignments([AssignmentStatus.done, AssignmentStatus.declined])
    if before:
        finished_stmt = finished_stmt.where(Assignment.id < before)
    finished = db.session.scalars(finished_stmt.order_by(Assignment.id.desc()).limit(FINISHED_PAGE + 1)).all()
    more, finished = len(finished) > FINISHED_PAGE, finished[:FINISHED_PAGE]
    return render_template(
        "review/assignments.html", to_do=to_do, finished=finished,
        next_url=url_for(".assignments", before=finished[-1].id) + "#finished-heading" if more else None,
        first_url=url_for(".assignments") + "#finished-heading" if before else None)


@bp.route("/assignments/<int:assignment_id>", endpoint="assignment")
def assignment_page(assignment_id, status=200, form=None):
    """`form`: the review form, bound to what the reviewer typed when their post was refused."""
    assignment = _mine(assignment_id)
    application, user = assignment.application, me()
    cleared = policy.may(user, "application.view", application)
    rubric = reviews.rubric()
    return render_template(
        "review/assignment.html", a=assignment, application=application, cleared=cleared,
        declaration=conflict_rules.latest_declaration(user, application),
        may_review=policy.may(user, "review.submit", assignment), rubric=rubric,
        recommendations=Recommendation,
        others=disclose_reviews(policy.viewer_of(user, application), review_rules.visible_reviews(user, application))
        if cleared else [],
        form=form or review_form(rubric)), status


@bp.route("/assignments/<int:assignment_id>/accept", methods=["POST"])
def accept(assignment_id):
    assignment = _mine(assignment_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        with refusals() as outcome:
            assignments.accept_assignment(me(), assignment)
        if outcome.ok:
            flash(_("You accepted the assignment. Declare any conflict of interest before you read the file."),
                  "success")
    return redirect(form.next_or(url_for(".assignment", assignment_id=assignment_id)), code=303)


@bp.route("/assignments/<int:assignment_id>/decline", methods=["POST"])
def decline(assignment_id):
    assignment = _mine(assignment_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        with refusals() as outcome:
            assignments.decline_assignment(me(), assignment, form.reason.data or "")
        if outcome.ok:
            flash(_("You declined the assignment. The office will ask someone else."), "success")
    return redirect(form.next_or(url_for(".assignment", assignment_id=assignment_id)), code=303)


@bp.route("/files/<int:application_id>/declare", methods=["POST"])
def declare(application_id):
    application = load_or_404(Application, application_id)
    require("conflict.declare", application)
    form = DeclarationForm()
    has_conflict = form.has_conflict.data == "yes"
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        with refusals() as outcome:
            conflicts.declare_conflict(me(), application, has_conflict, form.details.data or "")
        if outcome.ok:
            flash(_("Your declaration is recorded.") if has_conflict else
                  _("You declared no conflict of interest. The file is open to you."), "success")
    return redirect(form.next_or(url_for(".assignments")), code=303)


@bp.route("/assignments/<int:assignment_id>/review", methods=["POST"])
def submit(assignment_id):
    assignment = _mine(assignment_id)
    require("review.submit", assignment)
    form = review_form(reviews.rubric())
    if not form.validate_on_submit():
        flash_form_errors(form)
        return assignment_page(assignment_id, status=422, form=form)
    with refusals() as outcome:
        reviews.submit_review(me(), assignment, form.scores(), form.recommendation.data or "",
                              form.comments_to_applicant.data or "", form.comments_to_committee.data or "")
    if not outcome.ok:
        return assignment_page(assignment_id, status=outcome.status, form=form)
    flash(_("Your review is submitted. You can now read the other reviews."), "success")
    return redirect(url_for(".assignment", assignment_id=assignment_id), code=303)


@bp.route("/ties", methods=["GET", "POST"])
def ties():
    require("tie.record")
    form, status = TieForm(), 200
    if form.is_submitted():
        status = 422
        organisation = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        if not form.validate():
            if form.since.errors or form.until.errors:
                flash(_("Check the kind and the dates."), "danger")
            flash_form_errors(form)
        elif organisation is None:
            flash(_("Choose the organisation."), "danger")
        else:
            with refusals() as outcome:
                conflicts.record_tie(me(), organisation, form.kind.data or "", form.since.data, form.until.data,
                                     form.details.data or "")
            if outcome.ok:
                flash(_("Your tie is recorded; files of that organisation will not be assigned to you."), "success")
                return redirect(url_for(".ties"), code=303)
            status = outcome.status
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("review/ties.html", ties=conflict_rules.ties_of(me()), organisations=organisations,
                           kinds=TieKind, form=form), status
