"""Files in a deep state, built THROUGH the real services and fire(): the invariants, the records each step
leaves (reviews, votes, decisions, trials, reports) and the audit rows are the ones a user's clicks leave.

`Cast` is the people a file meets on its way (office, reviewers, an authority, committee members and a chair);
`file_in(state)` walks a new file to `state`; the other helpers add one record of a kind to a file already
far enough along. tests/factories.py has the plain row factories these build on."""
from datetime import date, datetime, time, timedelta, timezone

from sandbox.extensions import db
from sandbox.labels import Role
from sandbox.rules import trials as trial_rules
from sandbox.services import (assignments, committee, conflicts, evaluation, incidents, reviews, trial_reports,
                              trials)
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from .factories import ApplicationFactory, UserFactory

GOOD_SCORES = {"innovativeness": 16, "public_benefit": 15, "safety_privacy": 20, "necessity_fit": 12,
               "operator_capability": 8, "zone_fit": 8}
CONDITION = {"kind": "geographic_limit", "parameters": {"area": "Sangam DMC"}, "text": "Only inside Sangam DMC."}
CONDITIONS = [
    {"kind": "geographic_limit", "parameters": {"area": "Sangam DMC"}, "text": "Only inside the zone."},
    {"kind": "unit_cap", "parameters": {"units": "5"}, "text": "At most 5 vehicles."},
    {"kind": "user_cap", "parameters": {"users": "1000"}, "text": "At most 1000 users."},
    {"kind": "time_window", "parameters": {"hours": "07-22"}, "text": "Operate 07:00-22:00."},
    {"kind": "accompanying_staff", "parameters": {"staff_per_vehicle": "1"}, "text": "One safety officer per vehicle."},
]
GOOD_REPORT = {"units_operated": 4, "distance_km": 120.5, "flights": 0, "users_served": 300, "hours": 80,
               "incidents": 0, "operating_hours": "08:00-21:00", "staff_per_unit": 1, "outside_area": False,
               "narrative": "As planned."}
EVALUATION_SCORES = {"safety": 90, "benefit": 80, "market": 70, "residents": 60}


def insurance(application, **changes):
    """A certificate meeting every minimum for the whole trial period."""
    return {"insurer": "Hanbit", "policy_number": "P-1", "cover_death": 150_000_000, "cover_injury": 30_000_000,
            "cover_disability": 150_000_000, "cover_property": 1_000_000_000,
            "valid_from": date.today() - timedelta(days=1),
            "valid_until": application.period_end + timedelta(days=30), **changes}


class Cast:
    """The staff a file meets, and the steps that walk a file through review, the committee and a trial."""

    def __init__(self):
        self.office = UserFactory(roles=[Role.office])
        self.reviewers = [UserFactory(roles=[Role.reviewer]) for _ in range(4)]
        self.authority = UserFactory(roles=[Role.authority], agency="경찰청")
        self.members = [UserFactory(roles=[Role.committee]) for _ in range(2)]
        self.chair = UserFactory(roles=[Role.committee, Role.chair])

    @property
    def committee(self):
        return [*self.members, self.chair]

    # ---- review ---------------------------------------------------------------------------------

    def in_review(self, **kwargs):
        """Screened and accepted for expert review (the submission itself is set, not clicked)."""
        application = ApplicationFactory(state=S.submitted, **kwargs)
        fire(application, "screen", self.office)
        fire(application, "accept", self.office)
        return application

    def assignment(self, application, reviewer, accept=True):
        assignment = assignments.assign_reviewer(self.office, application, reviewer)
        if accept:
            assignments.accept_assignment(reviewer, assignment)
        return assignment

    def review(self, application, reviewer, scores=GOOD_SCORES, recommendation="approve"):
        assignment = self.assignment(application, reviewer)
        conflicts.declare_conflict(reviewer, application, False)
        return reviews.submit_review(reviewer, assignment, scores, recommendation, "ok", "fine")

    def opinion(self, application, verdict="consent_with_conditions"):
        request = application.exemption_requests[0]
        assignment = assignments.assign_authority(self.office, request, self.authority)
        assignments.accept_assignment(self.authority, assignment)
        conflicts.declare_conflict(self.authority, application, False)
        return reviews.give_opinion(self.authority, assignment, verdict, "reasons", [CONDITION])

    # ---- committee ------------------------------------------------------------------------------

    def on_agenda(self, **kwargs):
        return self.to_agenda(self.in_review(**kwargs))

    def to_agenda(self, application, reviewers=None, opinion=True, extra_members=()):
        """Reviews, the opinion, closing the review and a meeting (the committee and `extra_members`)."""
        for reviewer in self.reviewers[:3] if reviewers is None else reviewers:
            self.review(application, reviewer)
        if opinion:
            self.opinion(application)
        fire(application, "close_review", self.office)
        meeting = committee.create_meeting(self.office, "1st meeting", date.today() + timedelta(days=7),
                                           [*self.committee, *extra_members])
        item = committee.add_to_agenda(self.office, meeting, application)
        return application, item

    def all_vote(self, item, choice="approve_with_conditions", reason=""):
        for member in self.committee:
            conflicts.declare_conflict(member, item.application, False)
            committee.cast_vote(member, item, choice, reason)

    def _agenda(self, start, kwargs):
        """On the agenda: `start` (a file in expert review) or a new file made from `kwargs`."""
        return self.to_agenda(start) if start is not None else self.on_agenda(**kwargs)

    def approved(self, conditions=CONDITIONS, accept=True, start=None, **kwargs):
        """Approved with typed conditions, which the applicant has accepted unless `accept=False`."""
        application, item = self._agenda(start, kwargs)
        self.all_vote(item)
        committee.record_decision(self.chair, application, "approve_with_conditions", "Approved on conditions.",
                                  conditions)
        if accept:
            committee.accept_conditions(application.created_by, application)
        return application

    def rejected(self, start=None, **kwargs):
        application, item = self._agenda(start, kwargs)
        self.all_vote(item, "reject", "The lidar failed the rain test.")
        committee.record_decision(self.chair, application, "reject", "The safety case is not made.")
        return application

    # ---- trial ----------------------------------------------------------------------------------

    def insured(self, **kwargs):
        application = self.approved(**kwargs)
        trials.record_insurance(application.created_by, application, insurance(application))
        return application

    def running(self, started=None, **kwargs):
        """A running trial; `started` (a date) backdates its start."""
        application = self.insured(**kwargs)
        now = datetime.combine(started, time(9), tzinfo=timezone.utc) if started else None
        trials.start_trial(application.created_by, application, now=now)
        return application

    def finished(self, **kwargs):
        application = self.running(**kwargs)
        fire(application, "finish", application.created_by)
        return application

    def evaluated(self, outcome="ended", **kwargs):
        application = self.finished(**kwargs)
        result_report(application)
        evaluation.record_evaluation(self.office, application, EVALUATION_SCORES, outcome)
        return application


# ---- the disclosure trail ---------------------------------------------------------------------------

DECLINE_REASON = "Away at a conference in Busan all month"
CONFLICT_DETAILS = "I advised the applicant on its sensor stack in 2024"
COMMITTEE_ONLY = "Between us: the founder had a failed venture before"
TO_APPLICANT = "The safety plan is concrete; please add night-time data."
OPINION_REASONS = "The police agency consents if a safety driver stays on board"
RECUSAL_REASON = "My brother-in-law sits on the applicant's board"
REJECT_REASON = "The lidar failed our agency's rain test twice"
SUPPLEMENT = "Please send the liability insurance quote."
DECISION_REASONS = "The trial is safe within the conditions set."


class Trail(Cast):
    """A Cast that leaves every kind of confidential trace the disclosure rule must keep from applicants: a
    reviewer who declines, one who declares a conflict, committee-only comments, a recusal, changed votes."""

    def __init__(self):
        super().__init__()
        self.decliner = UserFactory(roles=[Role.reviewer])
        self.conflicted = UserFactory(roles=[Role.reviewer])
        self.auditor = UserFactory(roles=[Role.auditor])
        for user in self.staff:  # names no applicant's Faker name can contain or equal
            user.name = f"직원{user.id}호"
        db.session.commit()

    @property
    def staff(self):
        return [self.office, *self.reviewers[:3], self.decliner, self.conflicted, self.authority, *self.committee]

    def secrets(self):
        """Everything an applicant must never read: every staff member's name and e-mail, the reasons and
        comments meant for the office or the committee."""
        people = [p for u in self.staff for p in (u.email, u.name)]
        return people + [DECLINE_REASON, CONFLICT_DETAILS, COMMITTEE_ONLY, OPINION_REASONS, RECUSAL_REASON,
                         REJECT_REASON]

    def screened_with_supplement(self):
        application = ApplicationFactory(state=S.submitted)
        fire(application, "screen", self.office)
        fire(application, "accept", self.office)
        fire(application, "request_supplement", self.office, reason=SUPPLEMENT,
             due=date.today() + timedelta(days=14))
        fire(application, "answer_supplement", application.created_by, answer="Quote attached.")
        return application

    def reviewed(self):
        application = self.screened_with_supplement()
        declined = assignments.assign_reviewer(self.office, application, self.decliner)
        assignments.decline_assignment(self.decliner, declined, DECLINE_REASON)
        tied = assignments.assign_reviewer(self.office, application, self.conflicted)
        assignments.accept_assignment(self.conflicted, tied)
        conflicts.declare_conflict(self.conflicted, application, True, CONFLICT_DETAILS)
        for reviewer in self.reviewers[:3]:
            assignment = assignments.assign_reviewer(self.office, application, reviewer)
            assignments.accept_assignment(reviewer, assignment)
            conflicts.declare_conflict(reviewer, application, False)
            reviews.submit_review(reviewer, assignment, GOOD_SCORES, "approve", TO_APPLICANT, COMMITTEE_ONLY)
        request = application.exemption_requests[0]
        assignment = assignments.assign_authority(self.office, request, self.authority)
        assignments.accept_assignment(self.authority, assignment)
        conflicts.declare_conflict(self.authority, application, False)
        reviews.give_opinion(self.authority, assignment, "consent", OPINION_REASONS)
        fire(application, "close_review", self.office)
        return application

    def deliberating(self):
        """On the agenda: one member recused, one rejected (and changed the vote), the chair approved."""
        application = self.reviewed()
        meeting = committee.create_meeting(self.office, "3rd meeting", date.today() + timedelta(days=7),
                                           self.committee)
        item = committee.add_to_agenda(self.office, meeting, application)
        first, second = self.members
        for member in self.committee:
            conflicts.declare_conflict(member, application, False)
        committee.cast_vote(first, item, "recuse", RECUSAL_REASON)
        committee.cast_vote(second, item, "defer", "Wait for the rain test")
        committee.cast_vote(second, item, "reject", REJECT_REASON)
        committee.cast_vote(self.chair, item, "approve")
        assert application.state == S.committee
        return application, item

    def decided(self):
        application, item = self.deliberating()
        # Quorum needs three eligible votes: a fourth member joins the meeting for the decision.
        extra = UserFactory(roles=[Role.committee])
        item.meeting.members.append(extra)
        db.session.commit()
        conflicts.declare_conflict(extra, application, False)
        committee.cast_vote(extra, item, "approve_with_conditions")
        self.members.append(extra)
        committee.record_decision(self.chair, application, "approve_with_conditions", DECISION_REASONS,
                                  [{"kind": "geographic_limit", "parameters": {"area": "Sangam DMC"},
                                    "text": "Only inside Sangam DMC."}])
        committee.accept_conditions(application.created_by, application)
        return application


# ---- records added to a file already far enough along ----------------------------------------------

def report(application, kind="initial", **changes):
    """A scheduled report on a running trial (`changes` override GOOD_REPORT)."""
    start = trial_rules.trial_of(application).started_on
    return trial_reports.file_report(application.created_by, application, kind,
                                     {**GOOD_REPORT, "period_from": start, "period_to": start + timedelta(days=30),
                                      **changes})


def result_report(application, now=None):
    """The result report of a finished trial."""
    start = trial_rules.trial_of(application).started_on
    return trial_reports.file_result_report(application.created_by, application,
                                            {**GOOD_REPORT, "period_from": start, "period_to": start,
                                             "narrative": "It worked."}, now=now)


def incident(application, severity="minor", **changes):
    return incidents.report_incident(application.created_by, application, {
        "severity": severity, "occurred_at": datetime.now(timezone.utc), "description": "Bumped a kerb",
        "injuries": 0, "damage_krw": 100_000, **changes})


def claim(application, received=None, amount=500_000):
    """A damage claim against a new minor incident of a running trial."""
    return incidents.record_claim(application.created_by, incident(application), "Claimant", amount,
                                  received or date.today())


def correction_order(office, application, breach="Too many units", days=30, filed=None):
    return trial_reports.issue_correction_order(office, application, breach, date.today() + timedelta(days=days),
                                                filed)


def hearing(office, application):
    return trials.record_hearing(office, application, date.today(), "Operator CEO, office", "Heard the operator.")


# ---- a file in a given state ----------------------------------------------------------------------

def _submitted(cast, **kwargs):
    application = ApplicationFactory(**kwargs)
    return fire(application, "submit", application.created_by)


def _screening(cast, **kwargs):
    return fire(_submitted(cast, **kwargs), "screen", cast.office)


def _expert_review(cast, **kwargs):
    return fire(_screening(cast, **kwargs), "accept", cast.office)


def _reviewed(cast, **kwargs):
    application = _expert_review(cast, **kwargs)
    for reviewer in cast.reviewers[:3]:
        cast.review(application, reviewer)
    cast.opinion(application)
    return application


def _committee(cast, **kwargs):
    application, _item = cast.to_agenda(_expert_review(cast, **kwargs))
    return application


def _with_trigger(before, trigger, by="office", **fire_data):
    def build(cast, **kwargs):
        application = before(cast, **kwargs)
        actor = cast.office if by == "office" else application.created_by
        return fire(application, trigger, actor, **fire_data)
    return build


def _cancelled(cast, **kwargs):
    application = cast.running(start=_expert_review(cast, **kwargs))
    hearing(cast.office, application)
    return fire(application, "cancel", cast.office, reason="Repeated breaches after the hearing.")


def _through(method, then=None, **fire_data):
    """Cast.<method> started from a file submitted for real; then the office fires `then`, if given."""
    def build(cast, **kwargs):
        application = getattr(cast, method)(start=_expert_review(cast, **kwargs))
        return fire(application, then, cast.office, **fire_data) if then else application
    return build


STATE_BUILDERS = {
    S.draft: lambda cast, **kwargs: ApplicationFactory(**kwargs),
    S.submitted: _submitted,
    S.screening: _screening,
    S.returned: _with_trigger(_screening, "return_to_applicant", reason="Out of the sandbox's scope."),
    S.supplement_requested: _with_trigger(_expert_review, "request_supplement",
                                          reason="Please send the liability insurance quote.",
                                          due=date.today() + timedelta(days=14)),
    S.expert_review: _expert_review,
    S.exemption_check: lambda cast, **kwargs: fire(_reviewed(cast, **kwargs), "close_review", cast.office),
    S.committee: _committee,
    S.approved: _through("approved"),
    S.rejected: _through("rejected"),
    S.trial_active: _through("running"),
    S.suspended: _through("running", "suspend", reason="Sensor fault under investigation."),
    S.result_reporting: _through("finished"),
    S.evaluated: _through("evaluated"),
    S.closed: _through("evaluated", "close"),
    S.withdrawn: _with_trigger(_submitted, "withdraw", by="applicant", reason="We found another route."),
    S.cancelled: _cancelled,
}


def file_in(state, cast=None, **kwargs):
    """A trial-exemption file walked to `state` by `cast` (a new Cast if none) from a real submission;
    `kwargs` go to ApplicationFactory. Every step is a real service call, so each leaves its audit row.
    (tests/workflow/test_transitions.row_in SETS a state instead, for the whole transition table.)"""
    cast = cast or Cast()
    application = STATE_BUILDERS[S(state)](cast, **kwargs)
    db.session.refresh(application)
    assert application.state == S(state), f"built {application.state}, wanted {state}"
    return application
