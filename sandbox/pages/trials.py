"""What the trial pages show, as plain values: the applicant's and the office's pages show the same trial."""
from ..rules import trial_reports as report_rules
from ..rules import trials as trial_rules
from ..services import feedback as feedback_service
from ..services import incidents
from ..states import ApplicationState as S

def trial_context(application):
    """Everything the trial pages show, as plain values."""
    trial = trial_rules.trial_of(application)
    state = S(application.state)
    return {
        "application": application, "state": state, "trial": trial,
        "started_on": trial_rules.started_on(trial), "ends_on": trial_rules.effective_end(trial) if trial else application.period_end,
        "request_deadline": trial_rules.request_deadline(trial) if trial else None,
        "start_problems": trial_rules.start_problems(application) if state == S.approved else [],
        "start_deadline": trial_rules.start_deadline(application),
        "schedule": report_rules.schedule(trial), "result_report": trial_rules.result_report(trial),
        "result_due": report_rules.result_report_due(application) if state == S.result_reporting else None,
        "claims": incidents.claims_of(trial), "claim_clock": incidents.claim_clock,
        "orders": trial.orders if trial else [], "deemed_valid": trial_rules.deemed_valid(application),
        "extension_reasons": trial_rules.extension_problems(application, need_months=False)
        if state == S.trial_active else [],
        "amendment_reasons": trial_rules.amendment_problems(application, need_law=False)
        if state == S.trial_active else [],
        "extension_outcome": trial_rules.extension_outcome, "feedback": feedback_service.team_feedback(application),
        "minimum_cover": trial_rules.MINIMUM_COVER, "states": S,
    }
