"""Who may file, see and resolve a dispute over an organisation's registration number (called from
policy.may for the organisation.dispute and dispute.* actions)."""
from flask_babel import gettext as _

from ..labels import Role
from .base import roles_of

DISPUTE_ACTIONS = frozenset({"organisation.dispute", "dispute.queue", "dispute.view", "dispute.evidence",
                             "dispute.resolve"})


def resolve_problems(user, dispute):
    """Why `user` may not resolve `dispute` (empty: they may). The office decides; nobody decides a
    dispute they filed or one over an organisation they belong to."""
    problems = []
    if Role.office not in roles_of(user):
        problems.append(_("Only the sandbox office resolves disputes."))
    if not dispute.is_open:
        problems.append(_("This dispute is resolved already."))
    if dispute.filed_by_id == getattr(user, "id", None):
        problems.append(_("You filed this dispute; another officer must resolve it."))
    if dispute.organisation_id in getattr(user, "organisation_ids", ()):
        problems.append(_("You are a member of the disputed organisation; another officer must resolve it."))
    return problems


def may_dispute_action(user, action, dispute=None):
    roles = roles_of(user)
    if action == "organisation.dispute":
        return Role.applicant in roles
    if action == "dispute.queue":
        return Role.office in roles
    if action in {"dispute.view", "dispute.evidence"}:
        # The evidence is the filer's (often a registration certificate): the office and the filer see it,
        # the registered holder does not.
        return dispute is not None and (Role.office in roles
                                        or dispute.filed_by_id == getattr(user, "id", None))
    if action == "dispute.resolve":
        return dispute is not None and not resolve_problems(user, dispute)
    return False
