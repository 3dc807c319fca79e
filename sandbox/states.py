"""Every state an application can be in, with its label and badge tone."""
from flask_babel import lazy_gettext as _l

from .labels import LabeledEnum


class ApplicationState(LabeledEnum):
    draft = "draft"
    submitted = "submitted"
    screening = "screening"
    supplement_requested = "supplement_requested"
    returned = "returned"
    expert_review = "expert_review"
    exemption_check = "exemption_check"
    committee = "committee"
    approved = "approved"
    rejected = "rejected"
    trial_active = "trial_active"
    suspended = "suspended"
    extension_review = "extension_review"
    amendment_pending = "amendment_pending"
    result_reporting = "result_reporting"
    evaluated = "evaluated"
    closed = "closed"
    permit_active = "permit_active"
    temporary_permit = "temporary_permit"
    permanent = "permanent"
    regulation_exists = "regulation_exists"
    no_regulation = "no_regulation"
    deemed_no_regulation = "deemed_no_regulation"
    withdrawn = "withdrawn"
    cancelled = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            "draft": _l("Draft"), "submitted": _l("Submitted"), "screening": _l("Screening"),
            "supplement_requested": _l("Supplement requested"), "returned": _l("Returned"),
            "expert_review": _l("Expert review"), "exemption_check": _l("Exemption check"),
            "committee": _l("Committee"), "approved": _l("Approved"), "rejected": _l("Rejected"),
            "trial_active": _l("Trial active"), "suspended": _l("Suspended"),
            "extension_review": _l("Extension review"), "amendment_pending": _l("Law amendment pending"),
            "result_reporting": _l("Result reporting"), "evaluated": _l("Evaluated"), "closed": _l("Closed"),
            "permit_active": _l("Permit active"), "temporary_permit": _l("Converted to temporary permit"),
            "permanent": _l("Permanent permit"), "regulation_exists": _l("Answered: regulation applies"),
            "no_regulation": _l("Answered: no regulation applies"),
            "deemed_no_regulation": _l("Deemed: no regulation applies"),
            "withdrawn": _l("Withdrawn"), "cancelled": _l("Cancelled"),
        }

    @classmethod
    def _tones(cls):
        return {
            "draft": "neutral", "submitted": "info", "screening": "info", "supplement_requested": "warning",
            "returned": "danger", "expert_review": "info", "exemption_check": "info", "committee": "info",
            "approved": "success", "rejected": "danger", "trial_active": "success", "suspended": "danger",
            "extension_review": "warning", "amendment_pending": "warning", "result_reporting": "info",
            "evaluated": "success", "closed": "neutral", "permit_active": "success",
            "temporary_permit": "success", "permanent": "success", "regulation_exists": "warning",
            "no_regulation": "success", "deemed_no_regulation": "success", "withdrawn": "neutral",
            "cancelled": "danger",
        }


# States after which nothing more happens to a file.
TERMINAL = frozenset({
    ApplicationState.returned, ApplicationState.rejected, ApplicationState.closed,
    ApplicationState.permanent, ApplicationState.temporary_permit, ApplicationState.regulation_exists,
    ApplicationState.no_regulation, ApplicationState.deemed_no_regulation,
    ApplicationState.withdrawn, ApplicationState.cancelled,
})

# States in which the applicant's file is confidential and under review by the office.
UNDER_REVIEW = frozenset({
    ApplicationState.submitted, ApplicationState.screening, ApplicationState.supplement_requested,
    ApplicationState.expert_review, ApplicationState.exemption_check, ApplicationState.committee,
})
