"""The office assigns reviewers to a file and authorities to each requested exemption, one by one or
by a CSV upload checked in a dry run first."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Application, Assignment
from ..models.reviews import AssignmentRole
from ..rules import reviews as review_rules
from ..services import assignments
from ..states import ApplicationState
from ..viewhelpers import load_or_404, me, refusals, require
from .assignment_forms import AuthorityAssignForm, BulkAssignForm, ReviewerAssignForm
from .blueprint import bp
from .outcomes import page_status


def _page(application, status=200, reviewer_form=None, authority_form=None):
    existing = db.session.scalars(select(Assignment).where(Assignment.application_id == application.id)
                                  .order_by(Assignment.id)).all()
    authority_rows = [{"request": r, "candidates": assignments.authority_candidates(r),
                       "opinion": review_rules.opinion_for(r),
                       "assigned": [a for a in existing if a.exemption_request_id == r.id]}
                      for r in application.exemption_requests]
    return render_template(
        "office/assignments.html", application=application, state=ApplicationState(application.state),
        reviewers=[a for a in existing if a.role == AssignmentRole.reviewer],
        candidates=assignments.reviewer_candidates(application), max_load=assignments.max_load(),
        authority_rows=authority_rows, shortfall=review_rules.review_shortfall(application),
        default_due=assignments.default_due(), reviewer_form=reviewer_form or ReviewerAssignForm(formdata=None),
        authority_form=authority_form or AuthorityAssignForm(application, formdata=None)), status


@bp.route("/files/<int:application_id>/assignments")
def file_assignments(application_id):
    require("assignment.manage")
    return _page(load_or_404(Application, application_id))


@bp.route("/files/<int:application_id>/assignments/reviewer", methods=["POST"])
def assign_reviewer(application_id):
    require("assignment.manage")
    application = load_or_404(Application, application_id)
    form, outcome = ReviewerAssignForm(), None
    if form.validate_on_submit():
        reviewer = form.reviewer_id.row
        with refusals() as outcome:
            assignments.assign_reviewer(me(), application, reviewer, form.due.data)
        if outcome.ok:
            flash(_("%(name)s is asked to review the file.", name=reviewer.display_name), "success")
            return redirect(url_for(".file_assignments", application_id=application_id), code=303)
    return _page(application, page_status(form, outcome), reviewer_form=form)


@bp.route("/files/<int:application_id>/assignments/authority", methods=["POST"])
def assign_authority(application_id):
    require("assignment.manage")
    application = load_or_404(Application, application_id)
    form, outcome = AuthorityAssignForm(application), None
    if form.validate_on_submit():
        with refusals() as outcome:
            assignments.assign_authority(me(), form.exemption_request, form.authority, form.due.data)
        if outcome.ok:
            flash(_("%(name)s is asked for an opinion.", name=form.authority.display_name), "success")
            return redirect(url_for(".file_assignments", application_id=application_id), code=303)
    return _page(application, page_status(form, outcome), authority_form=form)


@bp.route("/assignments/bulk", methods=["GET", "POST"])
def bulk_assign():
    require("assignment.manage")
    form = BulkAssignForm()
    text, result, status = form.csv.data or "", None, 200
    if form.validate_on_submit():
        text = form.text()
        with refusals() as outcome:
            result = assignments.bulk_assign(me(), text, dry_run=form.action.data != "apply")
        if not outcome.ok:
            status = outcome.status
        elif result.applied:
            flash(_("%(n)d assignments made.", n=len(result.rows)), "success")
            return redirect(url_for(".bulk_assign"), code=303)
        elif not result.ok:
            status = 422
            flash(_("Nothing was assigned: fix the rows marked below and check again."), "danger")
    else:
        status = page_status(form)
    return render_template("office/bulk_assign.html", form=form, csv=text, result=result), status
