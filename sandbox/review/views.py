"""Expert reviewers: their assignments, answering them, declaring conflicts before any confidential
content, the rubric review, and everyone's organisation ties. Authorities and committee members use
the answer, declaration and ties routes too."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..bounds import db_int, parse_date
from ..errors import SandboxError
from ..extensions import db
from ..models import Application, Assignment, Organisation
from ..models.reviews import AssignmentRole, AssignmentStatus, Recommendation, TieKind
from ..policy.disclosure import disclose_reviews
from ..rules import conflicts as conflict_rules
from ..rules import reviews as review_rules
from ..services import assignments, conflicts, reviews
from ..viewhelpers import load_or_404, me, require
from .blueprint import bp


def _flash_error(exc):
    db.session.rollback()
    for reason in exc.reasons or [exc.message]:
        flash(reason, "danger")


def _safe_next(default):
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


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
    assignment = _mine(assignment_id)
    application, user = assignment.application, me()
    cleared = policy.may(user, "application.view", application)
    return render_template(
        "review/assignment.html", a=assignment, app=application, cleared=cleared,
        declaration=conflict_rules.latest_declaration(user, application),
        may_review=policy.may(user, "review.submit", assignment), rubric=reviews.rubric(),
        recommendations=Recommendation,
        others=disclose_reviews(policy.viewer_of(user, application), review_rules.visible_reviews(user, application))
        if cleared else [],
        form=form or {}), status


@bp.route("/assignments/<int:assignment_id>/accept", methods=["POST"])
def accept(assignment_id):
    assignment = _mine(assignment_id)
    try:
        assignments.accept_assignment(me(), assignment)
    except SandboxError as exc:
        _flash_error(exc)
    else:
        flash(_("You accepted the assignment. Declare any conflict of interest before you read the file."), "success")
    return redirect(_safe_next(url_for(".assignment", assignment_id=assignment_id)), code=303)


@bp.route("/assignments/<int:assignment_id>/decline", methods=["POST"])
def decline(assignment_id):
    assignment = _mine(assignment_id)
    try:
        assignments.decline_assignment(me(), assignment, request.form.get("reason", ""))
    except SandboxError as exc:
        _flash_error(exc)
    else:
        flash(_("You declined the assignment. The office will ask someone else."), "success")
    return redirect(_safe_next(url_for(".assignment", assignment_id=assignment_id)), code=303)


@bp.route("/files/<int:application_id>/declare", methods=["POST"])
def declare(application_id):
    application = load_or_404(Application, application_id)
    require("conflict.declare", application)
    has_conflict = request.form.get("has_conflict") == "yes"
    try:
        conflicts.declare_conflict(me(), application, has_conflict, request.form.get("details", ""))
    except SandboxError as exc:
        _flash_error(exc)
    else:
        flash(_("Your declaration is recorded.") if has_conflict else
              _("You declared no conflict of interest. The file is open to you."), "success")
    return redirect(_safe_next(url_for(".assignments")), code=303)


@bp.route("/assignments/<int:assignment_id>/review", methods=["POST"])
def submit(assignment_id):
    assignment = _mine(assignment_id)
    require("review.submit", assignment)
    scores = {c["key"]: request.form.get(f"score-{c['key']}", "") for c in reviews.rubric()}
    try:
        reviews.submit_review(me(), assignment, scores, request.form.get("recommendation", ""),
                              request.form.get("comments_to_applicant", ""), request.form.get("comments_to_committee", ""))
    except SandboxError as exc:
        _flash_error(exc)
        return assignment_page(assignment_id, status=422, form=request.form)
    flash(_("Your review is submitted. You can now read the other reviews."), "success")
    return redirect(url_for(".assignment", assignment_id=assignment_id), code=303)


@bp.route("/ties", methods=["GET", "POST"])
def ties():
    require("tie.record")
    status = 200
    if request.method == "POST":
        organisation = db.session.get(Organisation, request.form.get("organisation_id", type=db_int) or 0)
        try:
            if organisation is None:
                raise SandboxError(_("Choose the organisation."))
            conflicts.record_tie(me(), organisation, request.form.get("kind", ""),
                                 _date(request.form.get("since")), _date(request.form.get("until")),
                                 request.form.get("details", ""))
        except (SandboxError, ValueError) as exc:
            _flash_error(exc if isinstance(exc, SandboxError) else SandboxError(_("Check the kind and the dates.")))
            status = 422
        else:
            flash(_("Your tie is recorded; files of that organisation will not be assigned to you."), "success")
            return redirect(url_for(".ties"), code=303)
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("review/ties.html", ties=conflict_rules.ties_of(me()), organisations=organisations,
                           kinds=TieKind, form=request.form), status


def _date(value):
    if not value:
        return None
    day = parse_date(value)
    if day is None:
        raise ValueError(value)
    return day
