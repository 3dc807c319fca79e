"""Reviews and opinions, read: which reviews count, what is still missing, who may see a file's content.
Submitting a review or an opinion is in services/reviews.py."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..labels import Role
from ..models import AgendaItem, Assignment, CommitteeMeeting, Opinion
from ..models.reviews import AssignmentRole, AssignmentStatus
from .conflicts import conflict_problems, declared_no_conflict


def _reviewer_assignments(application):
    return db.session.scalars(select(Assignment).where(Assignment.application_id == application.id,
                                                       Assignment.role == AssignmentRole.reviewer)
                              .order_by(Assignment.id)).all()


def valid_reviews(application):
    """Submitted reviews from reviewers who are not conflicted on the file."""
    return [a.review for a in _reviewer_assignments(application)
            if a.review is not None and not conflict_problems(a.user, application)]


def review_shortfall(application):
    required = int(current_app.config.get("REQUIRED_REVIEWS", 3))
    have = len(valid_reviews(application))
    if have >= required:
        return []
    return [_("%(have)d of %(required)d expert reviews from reviewers without a conflict are in.",
              have=have, required=required)]


def opinion_for(exemption_request):
    return db.session.scalar(select(Opinion).where(Opinion.exemption_request_id == exemption_request.id))


def exemptions_without_opinion(application):
    return [_("No authority opinion on “%(name)s” yet.", name=r.exemption_type.name)
            for r in application.exemption_requests if opinion_for(r) is None]


def _on_agenda_for(user, application):
    return db.session.scalar(
        select(AgendaItem.id).join(CommitteeMeeting).where(
            AgendaItem.application_id == application.id,
            CommitteeMeeting.members.any(id=user.id)).limit(1)) is not None


def _holds_assignment(user, application):
    return db.session.scalar(select(Assignment.id).where(
        Assignment.user_id == user.id, Assignment.application_id == application.id,
        Assignment.status.in_((AssignmentStatus.accepted, AssignmentStatus.done))).limit(1)) is not None


def has_unconflicted_assignment(user, application):
    """Reviewers, authorities and committee members see a file's content only when it is theirs to
    judge, nothing ties them to the applicant, and they have declared no conflict on it."""
    roles = user.role_set
    if not roles & {Role.reviewer, Role.authority, Role.committee, Role.chair}:
        return False
    if conflict_problems(user, application) or not declared_no_conflict(user, application):
        return False
    return _holds_assignment(user, application) or (
        bool(roles & {Role.committee, Role.chair}) and _on_agenda_for(user, application))


def visible_reviews(user, application):
    """Staff and committee see every review; a reviewer only after submitting their own."""
    reviews = [a.review for a in _reviewer_assignments(application) if a.review is not None]
    if user.role_set & {Role.office, Role.auditor, Role.committee, Role.chair}:
        return reviews
    if any(r.assignment.user_id == user.id for r in reviews):
        return reviews
    return []
