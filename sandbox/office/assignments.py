"""The office assigns reviewers to a file and authorities to each requested exemption, one by one or
by a CSV upload checked in a dry run first."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..bounds import db_int, parse_date
from ..errors import SandboxError
from ..extensions import db
from ..models import Application, Assignment, ExemptionRequest, User
from ..models.reviews import AssignmentRole
from ..rules import reviews as review_rules
from ..services import assignments
from ..states import ApplicationState
from ..viewhelpers import load_or_404, me, require
from .blueprint import bp


def _due(value):
    if not value:
        return None
    due = parse_date(value)
    if due is None:
        raise SandboxError(_("The due date is not a valid date."))
    return due


def _page(application, status=200, form=None):
    existing = db.session.scalars(select(Assignment).where(Assignment.application_id == application.id)
                                  .order_by(Assignment.id)).all()
    authority_rows = [{"request": r, "candidates": assignments.authority_candidates(r),
                       "opinion": review_rules.opinion_for(r),
                       "assigned": [a for a in existing if a.exemption_request_id == r.id]}
                      for r in application.exemption_requests]
    return render_template(
        "office/assignments.html", app=application, state=ApplicationState(application.state),
        reviewers=[a for a in existing if a.role == AssignmentRole.reviewer],
        candidates=assignments.reviewer_candidates(application), max_load=assignments.max_load(),
        authority_rows=authority_rows, shortfall=review_rules.review_shortfall(application),
        default_due=assignments.default_due(), form=form or {}), status


@bp.route("/files/<int:application_id>/assignments")
def file_assignments(application_id):
    require("assignment.manage")
    return _page(load_or_404(Application, application_id))


@bp.route("/files/<int:application_id>/assignments/reviewer", methods=["POST"])
def assign_reviewer(application_id):
    require("assignment.manage")
    application = load_or_404(Application, application_id)
    reviewer = db.session.get(User, request.form.get("reviewer_id", type=db_int) or 0)
    try:
        if reviewer is None:
            raise SandboxError(_("Choose a reviewer."))
        assignments.assign_reviewer(me(), application, reviewer, _due(request.form.get("due")))
    except SandboxError as exc:
        db.session.rollback()
        for reason in exc.reasons or [exc.message]:
            flash(reason, "danger")
        return _page(application, 422, request.form)
    flash(_("%(name)s is asked to review the file.", name=reviewer.display_name), "success")
    return redirect(url_for(".file_assignments", application_id=application_id), code=303)


@bp.route("/files/<int:application_id>/assignments/authority", methods=["POST"])
def assign_authority(application_id):
    require("assignment.manage")
    application = load_or_404(Application, application_id)
    exemption_request = db.session.get(ExemptionRequest, request.form.get("exemption_request_id", type=db_int) or 0)
    authority = db.session.get(User, request.form.get("authority_id", type=db_int) or 0)
    try:
        if exemption_request is None or exemption_request.application_id != application.id or authority is None:
            raise SandboxError(_("Choose the exemption and the authority officer."))
        assignments.assign_authority(me(), exemption_request, authority, _due(request.form.get("due")))
    except SandboxError as exc:
        db.session.rollback()
        for reason in exc.reasons or [exc.message]:
            flash(reason, "danger")
        return _page(application, 422, request.form)
    flash(_("%(name)s is asked for an opinion.", name=authority.display_name), "success")
    return redirect(url_for(".file_assignments", application_id=application_id), code=303)


@bp.route("/assignments/bulk", methods=["GET", "POST"])
def bulk_assign():
    require("assignment.manage")
    text = request.form.get("csv", "")
    upload = request.files.get("csv_file")
    if upload and upload.filename:
        text = upload.read().decode("utf-8-sig", errors="replace")
    result, status = None, 200
    if request.method == "POST":
        apply = request.form.get("action") == "apply"
        try:
            result = assignments.bulk_assign(me(), text, dry_run=not apply)
        except SandboxError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            status = 422
        else:
            if result.applied:
                flash(_("%(n)d assignments made.", n=len(result.rows)), "success")
                return redirect(url_for(".bulk_assign"), code=303)
            if not result.ok:
                status = 422
                flash(_("Nothing was assigned: fix the rows marked below and check again."), "danger")
    return render_template("office/bulk_assign.html", csv=text, result=result), status
