"""A cast for the review stage and a helper that walks one file through it with the real services."""
from datetime import date, timedelta

import pytest

from sandbox.labels import Role
from sandbox.services import assignments, committee, conflicts, reviews
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, UserFactory

GOOD_SCORES = {"innovativeness": 16, "public_benefit": 15, "safety_privacy": 20, "necessity_fit": 12,
               "operator_capability": 8, "zone_fit": 8}
CONDITION = {"kind": "geographic_limit", "parameters": {"area": "Sangam DMC"}, "text": "Only inside Sangam DMC."}


class Cast:
    def __init__(self):
        self.office = UserFactory(roles=[Role.office])
        self.reviewers = [UserFactory(roles=[Role.reviewer]) for _ in range(4)]
        self.authority = UserFactory(roles=[Role.authority], agency="경찰청")
        self.members = [UserFactory(roles=[Role.committee]) for _ in range(2)]
        self.chair = UserFactory(roles=[Role.committee, Role.chair])

    @property
    def committee(self):
        return [*self.members, self.chair]

    def in_review(self, **kwargs):
        application = ApplicationFactory(state=S.submitted, **kwargs)
        fire(application, "screen", self.office)
        fire(application, "accept", self.office)
        return application

    def review(self, application, reviewer, scores=GOOD_SCORES, recommendation="approve"):
        assignment = assignments.assign_reviewer(self.office, application, reviewer)
        assignments.accept_assignment(reviewer, assignment)
        conflicts.declare_conflict(reviewer, application, False)
        return reviews.submit_review(reviewer, assignment, scores, recommendation, "ok", "fine")

    def opinion(self, application, verdict="consent_with_conditions"):
        request = application.exemption_requests[0]
        assignment = assignments.assign_authority(self.office, request, self.authority)
        assignments.accept_assignment(self.authority, assignment)
        conflicts.declare_conflict(self.authority, application, False)
        return reviews.give_opinion(self.authority, assignment, verdict, "reasons", [CONDITION])

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

    def all_vote(self, item, choice="approve_with_conditions"):
        for member in self.committee:
            conflicts.declare_conflict(member, item.application, False)
            committee.cast_vote(member, item, choice)


@pytest.fixture
def cast(db):
    return Cast()
