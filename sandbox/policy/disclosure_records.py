"""The disclosure rule for the records behind the events: reviews, votes, opinions and assignments.
Imported through sandbox.policy.disclosure, which holds the event rule (the audiences and labels are in
policy/audience.py)."""
from dataclasses import dataclass

from flask_babel import gettext as _

from ..models.committee import DecisionOutcome
from ..rules.committee import latest_decision
from .audience import NEUTRAL_LABELS, Audience


@dataclass(frozen=True)
class ShownReview:
    id: int
    reviewer: str
    own: bool
    total: int | None = None
    gate_passed: bool = True
    recommendation: object = None
    comments_to_applicant: str = ""
    comments_to_committee: str = ""


@dataclass(frozen=True)
class ShownVote:
    member: str
    choice: object
    reason: str


@dataclass(frozen=True)
class ShownOpinion:
    id: int
    authority: str
    verdict: object
    reasons: str
    conditions: list


@dataclass(frozen=True)
class ShownAssignment:
    person: str
    status: object
    decline_reason: str


def _decided(application):
    decision = latest_decision(application)
    return decision is not None and decision.outcome != DecisionOutcome.defer


def disclose_review(viewer, review, number=None):
    """A review as `viewer` may see it, or None. `number` names the reviewer where their name is hidden."""
    audience, label = viewer.audience, _("Reviewer %(n)s", n=number) if number else _("A reviewer")
    own = viewer.user_id is not None and review.assignment.user_id == viewer.user_id
    if own or audience in (Audience.auditor, Audience.office, Audience.committee):
        return ShownReview(review.id, review.assignment.user.display_name, own, review.total, review.gate_passed,
                           review.recommendation, review.comments_to_applicant, review.comments_to_committee)
    if audience == Audience.reviewer:
        # Fellow reviewers read each other's judgement, not who wrote it or what was meant for the committee.
        return ShownReview(review.id, label, False, review.total, review.gate_passed, review.recommendation,
                           review.comments_to_applicant)
    if audience == Audience.applicant and review.comments_to_applicant and _decided(review.assignment.application):
        # Deliberation is confidential until the decision; then the comments written for the applicant.
        return ShownReview(review.id, label, False, comments_to_applicant=review.comments_to_applicant)
    return None


def disclose_reviews(viewer, reviews):
    """The reviews `viewer` may see, numbered in submission order (the numbers do not say who)."""
    ordered = sorted(reviews, key=lambda r: r.id)
    return [shown for shown in (disclose_review(viewer, r, n) for n, r in enumerate(ordered, 1)) if shown]


def disclose_votes(viewer, votes):
    return [shown for shown in (disclose_vote(viewer, v) for v in votes) if shown is not None]


def disclose_vote(viewer, vote):
    """Individual votes stay with the committee and the auditors."""
    if viewer.audience in (Audience.committee, Audience.auditor) or vote.member_id == viewer.user_id:
        return ShownVote(vote.member.display_name, vote.choice, vote.reason)
    return None


def disclose_opinion(viewer, opinion):
    """Opinions are advice to the committee: not for the applicant; fellow judges read them unsigned."""
    if opinion is None or viewer.audience == Audience.applicant:
        return None
    if viewer.audience in (Audience.office, Audience.committee, Audience.auditor) \
            or opinion.authority_id == viewer.user_id:
        return ShownOpinion(opinion.id, opinion.authority.display_name, opinion.verdict, opinion.reasons,
                            opinion.conditions)
    return ShownOpinion(opinion.id, str(NEUTRAL_LABELS["authority"]), opinion.verdict, opinion.reasons,
                        opinion.conditions)


def disclose_assignment(viewer, assignment):
    """Decline reasons stay with the office, the auditors and the person who declined."""
    own = assignment.user_id == viewer.user_id
    if own or viewer.audience in (Audience.office, Audience.auditor):
        return ShownAssignment(assignment.user.display_name, assignment.status, assignment.decline_reason)
    if viewer.audience == Audience.committee:
        return ShownAssignment(assignment.user.display_name, assignment.status, "")
    return None
