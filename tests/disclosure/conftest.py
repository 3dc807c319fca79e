"""A file walked through screening, a supplement, expert review, opinions and the committee with the
real services, leaving behind every kind of confidential trace (names, e-mails, decline and recusal
reasons, committee-only comments, individual votes) that the disclosure rule must keep from applicants."""
from datetime import date, timedelta

import pytest

from sandbox.labels import Role
from sandbox.services import assignments, committee, conflicts, reviews
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, UserFactory
from ..factories_flow import GOOD_SCORES, Cast

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
    """The Cast of tests/review, plus a reviewer who declines and one who declares a conflict."""

    def __init__(self):
        super().__init__()
        self.decliner = UserFactory(roles=[Role.reviewer])
        self.conflicted = UserFactory(roles=[Role.reviewer])
        self.auditor = UserFactory(roles=[Role.auditor])
        from sandbox.extensions import db
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
        from sandbox.extensions import db
        db.session.commit()
        conflicts.declare_conflict(extra, application, False)
        committee.cast_vote(extra, item, "approve_with_conditions")
        self.members.append(extra)
        committee.record_decision(self.chair, application, "approve_with_conditions", DECISION_REASONS,
                                  [{"kind": "geographic_limit", "parameters": {"area": "Sangam DMC"},
                                    "text": "Only inside Sangam DMC."}])
        committee.accept_conditions(application.created_by, application)
        return application


@pytest.fixture
def trail(db):
    return Trail()
