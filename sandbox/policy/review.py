"""Permission rules for the review stage (assignments, declarations, reviews, opinions, votes, the
decision and the applicant's acceptance). Called only from policy.may, which owns every decision."""
from sqlalchemy import select

from ..extensions import db
from ..labels import Role
from ..models import AgendaItem, Assignment, CommitteeMeeting
from ..models.reviews import AssignmentRole, AssignmentStatus
from ..rules.committee import latest_decision
from ..rules.conflicts import conflict_problems, declared_no_conflict
from ..rules.reviews import opinion_for
from ..states import ApplicationState as S

OPINION_STATES = frozenset({S.expert_review, S.exemption_check})


def _own_open_assignment(user, assignment):
    return assignment.user_id == user.id and assignment.status == AssignmentStatus.accepted


def _clear(user, application):
    return declared_no_conflict(user, application) and not conflict_problems(user, application)


def _may_submit_review(user, assignment):
    return (assignment.role == AssignmentRole.reviewer and Role.reviewer in user.role_set
            and _own_open_assignment(user, assignment) and S(assignment.application.state) == S.expert_review
            and assignment.review is None and _clear(user, assignment.application))


def _may_give_opinion(user, assignment):
    return (assignment.role == AssignmentRole.authority and Role.authority in user.role_set
            and _own_open_assignment(user, assignment) and S(assignment.application.state) in OPINION_STATES
            and opinion_for(assignment.exemption_request) is None and _clear(user, assignment.application))


def _may_vote(user, item):
    member = user.role_set & {Role.committee, Role.chair} and any(m.id == user.id for m in item.meeting.members)
    return bool(member) and item.decision is None and S(item.application.state) == S.committee \
        and _clear(user, item.application)


def _may_declare(user, application):
    """Only someone asked to judge the file declares on it: an assignee or a member of its meeting."""
    assigned = db.session.scalar(select(Assignment.id).where(
        Assignment.user_id == user.id, Assignment.application_id == application.id,
        Assignment.status != AssignmentStatus.declined).limit(1))
    if assigned is not None:
        return True
    return bool(user.role_set & {Role.committee, Role.chair}) and db.session.scalar(
        select(AgendaItem.id).join(CommitteeMeeting).where(
            AgendaItem.application_id == application.id, CommitteeMeeting.members.any(id=user.id)).limit(1)) is not None


def _may_accept_conditions(user, application):
    if Role.applicant not in user.role_set or application.organisation_id not in user.organisation_ids:
        return False
    decision = latest_decision(application)
    return S(application.state) == S.approved and decision is not None and decision.needs_acceptance


# The roles each act needs, before the file's state, assignments, declarations and duties are looked at.
ACTION_ROLES = {"review.submit": {Role.reviewer}, "opinion.give": {Role.authority},
                "vote.cast": {Role.committee, Role.chair}, "decision.record": {Role.chair},
                "conditions.accept": {Role.applicant}}


def roles_allow_review_action(user, action, obj=None):
    """Whether the roles (and, given the object, the person's place on it: their assignment, their meeting)
    would allow the act, so a refusal for the administrator role or for duties on the file is worth saying."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    needed = ACTION_ROLES.get(action)
    if needed is not None and not user.role_set & needed:
        return False
    if obj is None:
        return True
    if action == "vote.cast":
        return any(m.id == user.id for m in obj.meeting.members)
    if action in {"review.submit", "opinion.give", "assignment.answer"}:
        return obj.user_id == user.id
    return True


def may_review_action(user, action, obj):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if action == "assignment.answer":
        return obj.user_id == user.id and obj.status == AssignmentStatus.proposed
    if action == "conflict.declare":
        return _may_declare(user, obj)
    if action == "review.submit":
        return _may_submit_review(user, obj)
    if action == "opinion.give":
        return _may_give_opinion(user, obj)
    if action == "vote.cast":
        return _may_vote(user, obj)
    if action == "decision.record":
        # Separation of duties (what the chair did on this file) is policy.refusals, applied by policy.may.
        return Role.chair in user.role_set and S(obj.state) == S.committee
    if action == "conditions.accept":
        return _may_accept_conditions(user, obj)
    raise KeyError(action)
