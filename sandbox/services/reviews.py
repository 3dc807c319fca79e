"""Expert reviews and authority opinions, and the checks the workflow and the policy ask of them:
how many valid reviews a file has, which exemptions still lack an opinion and who may see a file.
Separation of duties (one person may not screen, review and decide the same file) lives in duties.py."""
from datetime import datetime, timezone

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Opinion, Review
from ..models.reviews import AssignmentStatus, Recommendation, Verdict
from ..rules.conditions import clean_conditions
from ..transaction import atomic

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
