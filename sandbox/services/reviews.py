"""Expert reviews and authority opinions, and the checks the workflow and the policy ask of them:
how many valid reviews a file has, which exemptions still lack an opinion and who may see a file.
Separation of duties (one person may not screen, review and decide the same file) lives in duties.py."""
from datetime import datetime, timezone

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import AgendaItem, Assignment, CommitteeMeeting, Opinion, Review
from ..models.reviews import AssignmentRole, AssignmentStatus, Recommendation, Verdict
from .conditions import clean_conditions
from .conflicts import conflict_problems, declared_no_conflict
from .duties import separation_problems  # noqa: F401  (re-exported: the rule lives in duties.py)
from .transaction import atomic

# DESIGN §4. Override with the REVIEW_RUBRIC setting: [{"key", "weight", "gate"}]; gate is the share
# of the weight below which the review fails whatever the total.
DEFAULT_RUBRIC = [
    {"key": "innovativeness", "weight": 20},
    {"key": "public_benefit", "weight": 20},
    {"key": "safety_privacy", "weight": 25, "gate": 0.6},
    {"key": "necessity_fit", "weight": 15},
    {"key": "operator_capability", "weight": 10},
    {"key": "zone_fit", "weight": 10},
]
CRITERION_LABELS = {
    "innovativeness": _l("Innovativeness"), "public_benefit": _l("Public and user benefit"),
    "safety_privacy": _l("Safety and privacy controls"), "necessity_fit": _l("Necessity and fit of the exemption"),
    "operator_capability": _l("Operator capability and financing"),
    "zone_fit": _l("Zone fit and resident acceptance"),
}
APPROVING = (Recommendation.approve, Recommendation.approve_with_conditions)


def rubric():
    return [{**c, "label": CRITERION_LABELS.get(c["key"], c["key"])}
            for c in current_app.config.get("REVIEW_RUBRIC", DEFAULT_RUBRIC)]


def score(scores):
    """(total, gate_passed, problems) for {key: points} against the configured rubric."""
    total, gate_passed, problems = 0, True, []
    for criterion in rubric():
        raw = scores.get(criterion["key"])
        try:
            points = int(raw)
        except (TypeError, ValueError):
            problems.append(_("Score “%(name)s” (0–%(max)d).", name=criterion["label"], max=criterion["weight"]))
            continue
        if not 0 <= points <= criterion["weight"]:
            problems.append(_("“%(name)s” must be between 0 and %(max)d.", name=criterion["label"],
                              max=criterion["weight"]))
            continue
        total += points
        if criterion.get("gate") and points < criterion["gate"] * criterion["weight"]:
            gate_passed = False
    return total, gate_passed, problems


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
    if user.role_set & {Role.secretariat, Role.auditor, Role.committee, Role.chair}:
        return reviews
    if any(r.assignment.user_id == user.id for r in reviews):
        return reviews
    return []


def submit_review(user, assignment, scores, recommendation, comments_to_applicant="", comments_to_committee=""):
    policy.ensure(user, "review.submit", assignment)
    total, gate_passed, problems = score(scores or {})
    if recommendation not in Recommendation.__members__:
        problems.append(_("Choose a recommendation."))
    elif not gate_passed and Recommendation(recommendation) in APPROVING:
        problems.append(_("Safety and privacy controls scored below the gate: the review cannot recommend approval."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        review = Review(assignment=assignment, scores={k: int(v) for k, v in scores.items()},
                        rubric=[{k: c[k] for k in c if k != "label"} for c in rubric()], total=total,
                        gate_passed=gate_passed, recommendation=Recommendation(recommendation),
                        comments_to_applicant=(comments_to_applicant or "").strip(),
                        comments_to_committee=(comments_to_committee or "").strip(),
                        submitted_at=datetime.now(timezone.utc))
        db.session.add(review)
        assignment.status = AssignmentStatus.done
        db.session.flush()
        record("review.submitted", review, application=assignment.application, actor=user,
               data={"total": total, "gate_passed": gate_passed, "recommendation": recommendation})
    return review


def give_opinion(user, assignment, verdict, reasons="", conditions=()):
    policy.ensure(user, "opinion.give", assignment)
    reasons = (reasons or "").strip()
    conditions, problems = clean_conditions(conditions)
    if verdict not in Verdict.__members__:
        problems.append(_("Choose consent, consent with conditions, or objection."))
    elif verdict == Verdict.object and not reasons:
        problems.append(_("An objection needs its reasons."))
    elif verdict == Verdict.consent_with_conditions and not conditions:
        problems.append(_("Consent with conditions needs at least one condition."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        opinion = Opinion(exemption_request_id=assignment.exemption_request_id, authority_id=user.id,
                          verdict=Verdict(verdict), reasons=reasons,
                          conditions=conditions if verdict == Verdict.consent_with_conditions else [])
        db.session.add(opinion)
        assignment.status = AssignmentStatus.done
        db.session.flush()
        record("opinion.given", opinion, application=assignment.application, actor=user,
               data={"exemption": assignment.exemption_request.exemption_type.code, "verdict": verdict,
                     "conditions": opinion.conditions})
    return opinion
