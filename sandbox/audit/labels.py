"""Readable names for audit actions other than the workflow's transitions, whose names are declared on their
Step (workflow.machine.DONE_LABELS; workflow.action_names joins the two). An unknown action shows as its
dotted name."""
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "application.created": _l("Application created"),
    "application.draft_saved": _l("Draft saved"),
    "agenda.item_added": _l("Added to a meeting agenda"),
    "assignment.created": _l("Reviewer assigned"),
    "assignment.accepted": _l("Assignment accepted"),
    "assignment.declined": _l("Assignment declined"),
    "conditions.accepted": _l("Conditions accepted"),
    "conflict.declared": _l("Conflict of interest declared"),
    "conflict.tie_recorded": _l("Tie recorded"),
    "document.uploaded": _l("Document uploaded"),
    "document.downloaded": _l("Document downloaded"),
    "document.removed": _l("Document removed"),
    "exemption_request.added": _l("Exemption requested"),
    "exemption_request.removed": _l("Exemption request removed"),
    "meeting.created": _l("Meeting created"),
    "opinion.given": _l("Opinion given"),
    "review.submitted": _l("Review submitted"),
    "vote.cast": _l("Vote cast"),
    "vote.changed": _l("Vote cast or changed"),
    "organisation.created": _l("Organisation created"),
    "organisation.joined": _l("Joined an organisation"),
    "organisation.dispute_filed": _l("Registration number disputed"),
    "organisation.dispute_resolved": _l("Registration number dispute resolved"),
    "organisation.dispute_evidence_downloaded": _l("Dispute evidence downloaded"),
    "user.registered": _l("Account registered"),
    "user.logged_in": _l("Logged in"),
    "user.logged_out": _l("Logged out"),
    "user.login_failed": _l("Failed login"),
    "user.password_changed": _l("Password changed"),
    "user.role_granted": _l("Role granted"),
    "user.role_revoked": _l("Role revoked"),
    "user.session_ended": _l("Session ended"),
    "user.session_expired": _l("Session expired"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.registration_requested": _l("Registration requested"),
    "user.registration_attempted": _l("Registration tried for an existing account"),
    "zone.created": _l("Zone created"),
    "audit.exported": _l("Audit log exported"),
    "audit.checkpointed": _l("Audit checkpoint signed"),
}


def action_label(action):
    return ACTION_LABELS.get(action, action)
