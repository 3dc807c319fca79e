"""The one declaration of the workflow: for each instrument, every transition with who may fire
it and which guards must hold. Pages, buttons, diagrams, policy and tests all read it from here."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from transitions import Machine

from ..labels import Instrument, Role
from ..states import ApplicationState as S
from . import guards

SYSTEM = "system"


@dataclass(frozen=True)
class Owner:
    """The service verb that fires a trigger together with the records the trigger stands for (a trial's
    start date, an extension's outcome, the decision record). fire() refuses such a trigger unless that
    verb names itself (`via=`), so the file page's generic route cannot make the change without them;
    `page` tells the person where to do it instead."""
    verb: str
    page: object


@dataclass(frozen=True)
class Step:
    trigger: str
    source: tuple
    dest: S
    who: frozenset
    label: object
    guards: tuple = ()
    # Picks one destination among several declared for the same trigger (a supplement goes back
    # to the stage that asked for it); unlike guards, a routing miss is not the user's fault.
    route: object = None
    needs_reason: bool = False
    style: str = "primary"
    # The audit action the step records, in the past tense (`application.<past>`), and its readable name.
    past: str = ""
    done: object = None
    owner: Owner | None = None
    extra: dict = field(default_factory=dict)


APPLICANT = frozenset({Role.applicant})
OFFICE = frozenset({Role.office})
CHAIR = frozenset({Role.chair})
AUTHORITY_OR_OFFICE = frozenset({Role.authority, Role.office})
BY_SYSTEM = frozenset({SYSTEM})

REVIEW_STAGES = (S.screening, S.expert_review, S.exemption_check)
BEFORE_DECISION = (S.draft, S.submitted, S.screening, S.supplement_requested, S.expert_review,
                   S.exemption_check, S.committee)

AGENDA = Owner("committee.add_to_agenda",
               _l("Put the file on a meeting's agenda from the office's committee meetings page."))
DECISION = Owner("committee.record_decision",
                 _l("Record the decision on the file's agenda item in the committee pages, "
                    "which keep the decision record."))
TRIAL_START = Owner("trials.start_trial",
                    _l("Start the trial on the trial page, which checks the start gate and records the start."))
EXTENSION_REQUEST = Owner("trials.request_extension", _l("Request the extension on the trial page's form."))
EXTENSION_DECISION = Owner("trials.decide_extension",
                           _l("Decide the extension on the office's trial page, which records the outcome."))
AMENDMENT_REQUEST = Owner("trials.request_law_amendment",
                          _l("Request the law amendment on the trial page's form."))
EVALUATION = Owner("evaluation.record_evaluation",
                   _l("Record the evaluation with the form on the office's trial page."))
INCIDENT = Owner("incidents.report_incident", _l("A critical incident report suspends the trial by itself."))


def _returning_to(stage):
    def route(application):
        return application.supplement_from == stage
    route.__name__ = f"returning_to_{stage}"
    return route


def _review_steps(submit_guards):
    """The review path shared by trial exemptions and temporary permits."""
    steps = [
        Step("submit", (S.draft,), S.submitted, APPLICANT, _l("Submit"), submit_guards,
             past="submitted", done=_l("Submitted")),
        Step("screen", (S.submitted,), S.screening, OFFICE, _l("Start screening"),
             past="screening_started", done=_l("Screening started")),
        Step("accept", (S.screening,), S.expert_review, OFFICE, _l("Accept for expert review"),
             past="accepted", done=_l("Accepted for review")),
        Step("return_to_applicant", (S.screening,), S.returned, OFFICE, _l("Return to applicant"),
             needs_reason=True, style="danger", past="returned", done=_l("Returned to the applicant")),
        Step("request_supplement", REVIEW_STAGES, S.supplement_requested, OFFICE, _l("Request a supplement"),
             needs_reason=True, style="secondary", past="supplement_requested", done=_l("Supplement requested")),
    ]
    steps += [
        Step("answer_supplement", (S.supplement_requested,), stage, APPLICANT, _l("Send the supplement"),
             (guards.supplement_answered,), route=_returning_to(stage),
             past="supplement_answered", done=_l("Supplement answered"))
        for stage in REVIEW_STAGES
    ]
    steps += [
        Step("close_review", (S.expert_review,), S.exemption_check, OFFICE, _l("Close expert review"),
             (guards.enough_reviews,), past="review_closed", done=_l("Review closed")),
        Step("to_committee", (S.exemption_check,), S.committee, OFFICE, _l("Put on the committee agenda"),
             (guards.every_exemption_has_opinion,), past="sent_to_committee",
             done=_l("Sent to the committee"), owner=AGENDA),
        Step("approve", (S.committee,), S.approved, CHAIR, _l("Record approval"),
             (guards.decider_has_no_other_duty, guards.quorum), past="approved", done=_l("Approved"),
             owner=DECISION),
        Step("approve_with_conditions", (S.committee,), S.approved, CHAIR, _l("Record approval with conditions"),
             (guards.decider_has_no_other_duty, guards.quorum, guards.has_conditions),
             past="approved_with_conditions", done=_l("Approved with conditions"), owner=DECISION),
        Step("reject", (S.committee,), S.rejected, CHAIR, _l("Record rejection"),
             (guards.decider_has_no_other_duty, guards.quorum), needs_reason=True, style="danger",
             past="rejected", done=_l("Rejected"), owner=DECISION),
        Step("defer", (S.committee,), S.committee, CHAIR, _l("Defer to the next meeting"),
             (guards.decider_has_no_other_duty,), needs_reason=True, style="secondary",
             past="deferred", done=_l("Deferred"), owner=DECISION),
    ]
    return steps


REVIEW_SUBMIT_GUARDS = (guards.form_complete, guards.has_exemption_request, guards.exemptions_fit_zone,
                        guards.zone_offers_instrument, guards.category_allowed, guards.site_inside_zone,
                        guards.period_within_limit)

TRIAL_STEPS = _review_steps(REVIEW_SUBMIT_GUARDS) + [
    Step("start_trial", (S.approved,), S.trial_active, APPLICANT, _l("Start the trial"),
         (guards.conditions_accepted, guards.insurance_valid, guards.zone_has_capacity),
         past="trial_started", done=_l("Trial started"), owner=TRIAL_START),
    Step("suspend", (S.trial_active,), S.suspended, OFFICE, _l("Suspend the trial"), needs_reason=True,
         style="danger", past="suspended", done=_l("Suspended")),
    Step("suspend_for_incident", (S.trial_active,), S.suspended, BY_SYSTEM, _l("Suspended after a critical incident"),
         past="suspended_for_incident", done=_l("Suspended after a critical incident"), owner=INCIDENT),
    Step("resume", (S.suspended,), S.trial_active, OFFICE, _l("Resume the trial"),
         past="resumed", done=_l("Resumed")),
    Step("request_extension", (S.trial_active,), S.extension_review, APPLICANT, _l("Request an extension"),
         (guards.extension_allowed,), needs_reason=True, style="secondary",
         past="extension_requested", done=_l("Extension requested"), owner=EXTENSION_REQUEST),
    Step("grant_extension", (S.extension_review,), S.trial_active, OFFICE, _l("Grant the extension"),
         past="extension_granted", done=_l("Extension granted"), owner=EXTENSION_DECISION),
    Step("refuse_extension", (S.extension_review,), S.trial_active, OFFICE, _l("Refuse the extension"),
         needs_reason=True, style="danger",
         past="extension_refused", done=_l("Extension refused"), owner=EXTENSION_DECISION),
    Step("request_law_amendment", (S.trial_active,), S.amendment_pending, APPLICANT,
         _l("Request a law amendment"), (guards.amendment_window_open,), needs_reason=True, style="secondary",
         past="law_amendment_requested", done=_l("Law amendment requested"), owner=AMENDMENT_REQUEST),
    Step("make_permanent", (S.amendment_pending,), S.permanent, OFFICE, _l("Law amended: permanent permit"),
         past="made_permanent", done=_l("Made permanent")),
    Step("convert_to_temporary_permit", (S.amendment_pending,), S.temporary_permit, OFFICE,
         _l("Convert to a temporary permit"),
         past="converted_to_temporary_permit", done=_l("Converted to a temporary permit")),
    Step("finish", (S.trial_active,), S.result_reporting, frozenset({Role.applicant, Role.office}),
         _l("Finish the trial"), past="finished", done=_l("Trial finished")),
    Step("evaluate", (S.result_reporting,), S.evaluated, OFFICE, _l("Record the evaluation"),
         (guards.result_report_filed,), past="evaluated", done=_l("Evaluated"), owner=EVALUATION),
    Step("close", (S.evaluated,), S.closed, OFFICE, _l("Close the file"), past="closed", done=_l("Closed")),
    Step("withdraw", BEFORE_DECISION + (S.approved,), S.withdrawn, APPLICANT, _l("Withdraw"),
         needs_reason=True, style="danger", past="withdrawn", done=_l("Withdrawn")),
    Step("cancel", (S.approved, S.trial_active, S.suspended, S.extension_review, S.amendment_pending),
         S.cancelled, OFFICE, _l("Cancel after a hearing"), (guards.hearing_recorded,), needs_reason=True,
         style="danger", past="cancelled", done=_l("Cancelled")),
]

PERMIT_STEPS = _review_steps(REVIEW_SUBMIT_GUARDS) + [
    Step("activate_permit", (S.approved,), S.permit_active, APPLICANT, _l("Start operating under the permit"),
         (guards.conditions_accepted, guards.insurance_valid), past="permit_activated",
         done=_l("Permit activated")),
    Step("make_permanent", (S.permit_active,), S.permanent, OFFICE, _l("Law amended: permanent permit"),
         past="made_permanent", done=_l("Made permanent")),
    Step("withdraw", BEFORE_DECISION + (S.approved,), S.withdrawn, APPLICANT, _l("Withdraw"),
         needs_reason=True, style="danger", past="withdrawn", done=_l("Withdrawn")),
    # The operator is heard before a permit is taken away, as before a trial is (same guard).
    Step("cancel", (S.approved, S.permit_active), S.cancelled, OFFICE, _l("Cancel after a hearing"),
         (guards.hearing_recorded,), needs_reason=True, style="danger", past="cancelled",
         done=_l("Cancelled")),
]

QUICK_STEPS = [
    Step("submit", (S.draft,), S.submitted, APPLICANT, _l("Submit"), (guards.question_complete,),
         past="submitted", done=_l("Submitted")),
    Step("answer_regulation_exists", (S.submitted,), S.regulation_exists, AUTHORITY_OR_OFFICE,
         _l("Answer: a regulation applies"), needs_reason=True, style="secondary",
         past="answered_regulation_exists", done=_l("Answered: a regulation applies")),
    Step("answer_no_regulation", (S.submitted,), S.no_regulation, AUTHORITY_OR_OFFICE,
         _l("Answer: no regulation applies"), needs_reason=True,
         past="answered_no_regulation", done=_l("Answered: no regulation applies")),
    Step("deem_no_regulation", (S.submitted,), S.deemed_no_regulation, BY_SYSTEM,
         _l("Deemed: no regulation applies"), (guards.answer_period_elapsed,),
         past="deemed_no_regulation", done=_l("Deemed: no regulation applies (no answer in time)")),
    Step("withdraw", (S.draft, S.submitted), S.withdrawn, APPLICANT, _l("Withdraw"), needs_reason=True,
         style="danger", past="withdrawn", done=_l("Withdrawn")),
]

STEPS = {
    Instrument.trial_exemption: TRIAL_STEPS,
    Instrument.temporary_permit: PERMIT_STEPS,
    Instrument.quick_confirmation: QUICK_STEPS,
}


def _condition(step):
    """Routing first (cheap, silent), then every guard, collecting all reasons, not just the first."""
    def check(event):
        application = event.model
        if step.route is not None and not step.route(application):
            return False
        reasons = []
        for guard in step.guards:
            reasons.extend(guard(application, **event.kwargs.get("data", {})))
        event.kwargs.setdefault("reasons", []).extend(r for r in reasons if r not in event.kwargs["reasons"])
        return not reasons
    return check


def _states(steps):
    names = [S.draft]
    for step in steps:
        for state in (*step.source, step.dest):
            if state not in names:
                names.append(state)
    return [s.value for s in names]


def _build(steps):
    return Machine(
        model=None, states=_states(steps), initial=S.draft.value, auto_transitions=False,
        send_event=True, model_attribute="state",
        transitions=[{"trigger": s.trigger, "source": [x.value for x in s.source], "dest": s.dest.value,
                      "conditions": [_condition(s)]} for s in steps],
    )


# One shared machine per instrument (transitions FAQ: never one machine per ORM row).
MACHINES = {instrument: _build(steps) for instrument, steps in STEPS.items()}


def steps_for(instrument, trigger=None, source=None):
    """Declared steps, optionally only those for one trigger and/or leaving one state."""
    return [s for s in STEPS[Instrument(instrument)]
            if (trigger is None or s.trigger == trigger) and (source is None or S(source) in s.source)]


def triggers_from(instrument, state):
    """Triggers declared from `state`, in declaration order, without duplicates."""
    seen = []
    for step in steps_for(instrument, source=state):
        if step.trigger not in seen:
            seen.append(step.trigger)
    return seen


def who_may(instrument, trigger):
    roles = set()
    for step in steps_for(instrument, trigger=trigger):
        roles |= step.who
    return frozenset(roles)




def _per_trigger(attribute):
    """{trigger: value} of a Step attribute that must not differ between the steps of one trigger (across
    instruments too: the audit action and the owning service are the trigger's, not the instrument's)."""
    values = {}
    for steps in STEPS.values():
        for step in steps:
            value = getattr(step, attribute)
            if values.setdefault(step.trigger, value) != value:
                raise ValueError(f"{step.trigger}: its steps disagree on {attribute}")
    return values


# The audit action each trigger records, in the past tense (`application.submitted`).
PAST_TENSE = _per_trigger("past")
if not all(PAST_TENSE.values()):
    raise ValueError("every step names its audit action in the past tense")
# The readable name of each transition's audit action ("Trial started"); audit.labels names the others.
DONE_LABELS = {f"application.{past}": done for past, done in
               ((step.past, step.done) for steps in STEPS.values() for step in steps)}
if not all(DONE_LABELS.values()):
    raise ValueError("every step names its audit action readably (done=)")
OWNERS = {trigger: owner for trigger, owner in _per_trigger("owner").items() if owner is not None}


def owner_of(trigger):
    """The service verb that owns `trigger` (None: the generic route may fire it)."""
    return OWNERS.get(trigger)
