"""The review side of the shared file page: the decision with its reasons and conditions, the
applicant's acceptance of the conditions, and links to each role's review work on the file."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import Application, Assignment, Review
from ..policy.disclosure import Audience, disclose_reviews
from ..rules import reviews as review_rules
from ..rules import committee as committee_rules
from ..rules.conditions import format_parameters
from ..services import committee
from ..viewhelpers import load_or_404, me, refusals, require
from .blueprint import bp
from .forms import ConfirmForm


@bp.app_template_global()
def review_panel(application):
    """What the file page shows about review and decision, for the current user."""
    user = me()
    decision = committee_rules.latest_decision(application) if application.id else None
    return {
        "decision": decision,
        "format_parameters": format_parameters,
        "can_accept": policy.may(user, "conditions.accept", application),
        "manage_url": url_for("office.file_assignments", application_id=application.id)
        if policy.may(user, "assignment.manage") else None,
        "reviews": _shown_reviews(user, application),
    }


def _shown_reviews(user, application):
    """The file page's reviews: all of them for the office and the auditors; for the applicant, once the
    decision is recorded, the comments written to them, with the reviewers unnamed (the disclosure rule)."""
    viewer = policy.viewer_of(user, application)
    if viewer.audience not in (Audience.office, Audience.auditor, Audience.applicant) or not application.id:
        return []
    if viewer.audience == Audience.applicant:
        # Only the reviews that counted: one from a reviewer later found conflicted is not addressed to them.
        return disclose_reviews(viewer, review_rules.valid_reviews(application))
    submitted = db.session.scalars(select(Review).join(Assignment).where(Assignment.application_id == application.id)
                                   .order_by(Review.id)).all()
    return disclose_reviews(viewer, submitted)


@bp.route("/<int:application_id>/conditions/accept", methods=["POST"])
def accept_conditions(application_id):
    application = load_or_404(Application, application_id)
    require("conditions.accept", application)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with refusals() as outcome:
        committee.accept_conditions(me(), application)
    if outcome.ok:
        flash(_("You accepted the conditions. You can start the trial once the other start requirements are met."),
              "success")
    return redirect(url_for(".show", application_id=application_id), code=303)
