"""Every permission decision: may(user, action, obj) and ensure(). Flask-Login only authenticates.

Actions are dotted names shared with workflow triggers and audit actions (`application.submit`,
`document.download`, `admin.roles`)."""
from flask_babel import gettext as _

from ..errors import PermissionDenied
from ..labels import Role
from ..rules.duties import separation_problems
from ..states import ApplicationState as S
from ..workflow.machine import who_may
from .base import is_member, may_view_application, roles_of
# The disclosure rule is asked through policy too (policy.viewer_of, policy.disclose_events).
from .disclosure import Audience, disclose_event, disclose_events, viewer_of  # noqa: F401
from .disputes import DISPUTE_ACTIONS, may_dispute_action
from .review import may_review_action, roles_allow_review_action
from .trials import may_trial_action

STAFF = frozenset({Role.office, Role.reviewer, Role.authority, Role.committee, Role.chair,
                   Role.auditor, Role.admin})

# Actions decided by role alone.
ROLE_ACTIONS = {
    "admin.users": {Role.admin},
    "admin.roles": {Role.admin},
    "auditor.console": {Role.auditor},
    "audit.export": {Role.auditor},
    "office.queue": {Role.office},
    "zone.manage": {Role.office},
    "review.queue": {Role.reviewer},
    "authority.queue": {Role.authority},
    "committee.queue": {Role.committee, Role.chair},
    "application.create": {Role.applicant},
    "applicant.portal": {Role.applicant},
    "organisation.create": {Role.applicant},
    "organisation.join": {Role.applicant},
    "workflow.diagram": {Role.applicant, *STAFF},
    "assignment.manage": {Role.office},
    "clashes.view": {Role.office, Role.committee, Role.chair},
    "meeting.manage": {Role.office},
    "decision_log.export": {Role.auditor},
    "tie.record": {Role.reviewer, Role.authority, Role.committee, Role.chair},
    "notifications.admin": {Role.admin},
    "dashboard.view": {Role.office, Role.committee, Role.chair, Role.auditor},
}

# Decided per object in policy/review.py (assignments, votes, decisions, conditions).
REVIEW_ACTIONS = frozenset({"assignment.answer", "conflict.declare", "review.submit", "opinion.give", "vote.cast",
                            "decision.record", "conditions.accept"})

# Decided per object in policy/trials.py (trial records, citizen feedback).
TRIAL_ACTIONS = frozenset({"trial.view", "trial.operate", "trial.supervise", "trial.office", "feedback.moderate",
                           "feedback.view"})

# Acts on files (DESIGN §2): the administrator role excludes them all, whatever other roles it comes with,
# so whoever manages accounts never also judges or moves a file. Every `application.<trigger>` is one too.
# Declaring a conflict is not: it only ever closes a file to the person who declares it.
FILE_ACTS = frozenset({"application.create", "application.edit", "document.upload", "document.delete",
                       "assignment.manage", "meeting.manage", "trial.operate", "trial.supervise", "trial.office",
                       "feedback.moderate", *(REVIEW_ACTIONS - {"conflict.declare"})})
FILE_READS = frozenset({"application.view", "application.timeline"})
# The acts separation of duties judges (rules/duties.py); workflow triggers name their own.
DUTY_ACTS = {"vote.cast": "vote", "decision.record": "decide"}


def admin_refusal():
    return _("You hold the administrator role: administrators manage accounts and do not act on files.")


EDITABLE_STATES = {S.draft}
DOCUMENT_STATES = {S.supplement_requested, S.approved, S.trial_active, S.suspended, S.extension_review,
                   S.amendment_pending, S.result_reporting}


def _may_fire(user, application, trigger):
    roles = roles_of(user)
    allowed = who_may(application.instrument, trigger) & roles
    if not allowed:
        return False
    if allowed == {Role.applicant}:
        return is_member(user, application)
    return True


def _trigger(action):
    """The workflow trigger an `application.<trigger>` action fires (None for any other action)."""
    if action.startswith("application.") and action not in FILE_ACTS | FILE_READS:
        return action.split(".", 1)[1]
    return None


def _roles_allow(user, action, obj):
    """Whether the roles (and, for a trigger, membership or the meeting) would allow the act at all."""
    trigger = _trigger(action)
    if trigger is not None:
        return obj is not None and _may_fire(user, obj, trigger)
    if action in REVIEW_ACTIONS:
        return roles_allow_review_action(user, action, obj)
    return True


def refusals(user, action, obj=None):
    """Why `user` may not do `action` although their roles would let them: they hold the administrator role
    (administrators manage accounts and never act on files), or what they did on this file keeps them from
    it (separation of duties, rules/duties.py). Empty when nothing of the sort stands in the way; pages
    show these reasons in place of the action, and ensure() puts them in the refusal."""
    roles = roles_of(user)
    trigger = _trigger(action)
    if not roles or (action not in FILE_ACTS and trigger is None) or not _roles_allow(user, action, obj):
        return []
    reasons = [admin_refusal()] if Role.admin in roles else []
    act = DUTY_ACTS.get(action) or trigger
    application = getattr(obj, "application", obj)
    if act is not None and application is not None:
        reasons += separation_problems(user, application, act)
    return reasons


def may(user, action, obj=None):
    """True when `user` may do `action` (on `obj`, when the action concerns one)."""
    return _may_by_rules(user, action, obj) and not refusals(user, action, obj)


def _may_by_rules(user, action, obj=None):
    roles = roles_of(user)
    if action in ROLE_ACTIONS:
        return bool(roles & ROLE_ACTIONS[action])
    if action == "application.view":
        return may_view_application(user, obj)
    if action in {"application.edit", "document.delete"}:
        application = obj
        return (Role.applicant in roles and is_member(user, application)
                and application.state in EDITABLE_STATES)
    if action == "document.upload":
        # A supplement, and after approval the insurance certificate and trial records, come with documents;
        # the application itself is fixed once submitted.
        application = obj
        return (Role.applicant in roles and is_member(user, application)
                and application.state in EDITABLE_STATES | DOCUMENT_STATES)
    if action == "document.download":
        return may_view_application(user, obj.application)
    if action == "application.timeline":
        return may_view_application(user, obj)
    if action in REVIEW_ACTIONS:
        return may_review_action(user, action, obj)
    if action in TRIAL_ACTIONS:
        return may_trial_action(user, action, obj)
    if action in DISPUTE_ACTIONS:
        return may_dispute_action(user, action, obj)
    if action.startswith("application."):
        return _may_fire(user, obj, action.split(".", 1)[1])
    raise KeyError(f"unknown action {action!r}")


def ensure(user, action, obj=None):
    if not may(user, action, obj):
        reasons = refusals(user, action, obj)
        raise PermissionDenied(reasons[0] if reasons else action, reasons)
