"""Who may do what with a trial's records (called from policy.may for the trial.* and feedback.* actions)."""
from ..labels import Role
from .base import is_member, may_view_application, roles_of

TRIAL_ACTIONS = frozenset({"trial.view", "trial.operate", "trial.supervise", "feedback.moderate", "feedback.view",
                           "trial.office"})


def may_trial_action(user, action, obj=None):
    roles = roles_of(user)
    if action in {"feedback.moderate", "trial.office"}:
        return Role.office in roles
    if action == "trial.supervise":
        return Role.office in roles
    if action == "trial.operate":
        return Role.applicant in roles and obj is not None and is_member(user, obj)
    if action == "trial.view":
        return obj is not None and may_view_application(user, obj)
    if action == "feedback.view":
        # The operator, the office and the committee (members who may see the file) read citizen feedback.
        return obj is not None and may_view_application(user, obj) and bool(
            roles & {Role.applicant, Role.office, Role.committee, Role.chair, Role.auditor})
    return False
