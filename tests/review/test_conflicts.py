"""Conflicts of interest: ties to the applicant organisation and declared conflicts close the file."""
import pytest

from sandbox import policy
from sandbox.errors import PermissionDenied, ValidationFailed
from sandbox.labels import Role
from sandbox.models import AuditEvent
from sandbox.rules import committee as committee_rules
from sandbox.services import assignments, committee, conflicts

from ..conftest import login
from ..factories import UserFactory
from ..factories_flow import GOOD_SCORES


def test_a_tie_to_the_applicant_organisation_blocks_assignment(cast):
    application = cast.in_review()
    reviewer = cast.reviewers[0]
    conflicts.record_tie(reviewer, application.organisation, "advice")
    with pytest.raises(ValidationFailed) as excinfo:
        assignments.assign_reviewer(cast.office, application, reviewer)
    assert any("tie to the applying organisation" in r for r in excinfo.value.reasons)
    candidate = next(c for c in assignments.reviewer_candidates(application) if c["user"].id == reviewer.id)
    assert candidate["problems"], "the assignment page flags the tie"


def test_a_tie_recorded_after_assignment_closes_the_file(cast, client, db):
    application = cast.in_review()
    reviewer = cast.reviewers[0]
    assignment = assignments.assign_reviewer(cast.office, application, reviewer)
    assignments.accept_assignment(reviewer, assignment)
    conflicts.declare_conflict(reviewer, application, False)
    assert policy.may(reviewer, "application.view", application)
    conflicts.record_tie(reviewer, application.organisation, "shareholding")
    assert not policy.may(reviewer, "application.view", application)
    login(client, reviewer)
    assert client.get(f"/files/{application.id}").status_code == 403


def test_an_expired_tie_is_no_conflict(cast):
    from datetime import date
    application = cast.in_review()
    reviewer = cast.reviewers[0]
    conflicts.record_tie(reviewer, application.organisation, "employment", date(2015, 1, 1), date(2018, 12, 31))
    assert assignments.assign_reviewer(cast.office, application, reviewer)


def test_confidential_content_is_shown_only_after_declaring_no_conflict(cast, client, db):
    application = cast.in_review(financing="SECRET-FINANCING-PLAN")
    reviewer = cast.reviewers[0]
    assignment = assignments.assign_reviewer(cast.office, application, reviewer)
    login(client, reviewer)
    client.post(f"/review/assignments/{assignment.id}/accept")
    page = client.get(f"/review/assignments/{assignment.id}").get_data(as_text=True)
    assert "Conflict of interest declaration" in page
    assert client.get(f"/files/{application.id}").status_code == 403
    client.post(f"/review/files/{application.id}/declare", data={"has_conflict": "no"})
    assert "SECRET-FINANCING-PLAN" in client.get(f"/files/{application.id}").get_data(as_text=True)
    events = db.session.query(AuditEvent).filter_by(action="conflict.declared").all()
    assert events[-1].data["has_conflict"] is False, "a 'no conflict' declaration is recorded too"


def test_a_declared_conflict_hides_the_file_and_cannot_be_taken_back(cast, client, db):
    application = cast.in_review(financing="SECRET-FINANCING-PLAN")
    reviewer = cast.reviewers[0]
    assignment = assignments.assign_reviewer(cast.office, application, reviewer)
    assignments.accept_assignment(reviewer, assignment)
    conflicts.declare_conflict(reviewer, application, True, "I advised them last year.")
    login(client, reviewer)
    assert client.get(f"/files/{application.id}").status_code == 403
    page = client.get(f"/review/assignments/{assignment.id}").get_data(as_text=True)
    assert "SECRET-FINANCING-PLAN" not in page
    with pytest.raises(ValidationFailed):
        conflicts.declare_conflict(reviewer, application, False)
    with pytest.raises(PermissionDenied):
        from sandbox.services import reviews
        reviews.submit_review(reviewer, assignment, GOOD_SCORES, "approve")


def test_a_declared_conflict_blocks_voting_and_counts_as_recusal(cast):
    application, item = cast.on_agenda()
    conflicted = cast.members[0]
    conflicts.declare_conflict(conflicted, application, True, "My brother works there.")
    with pytest.raises(PermissionDenied):
        committee.cast_vote(conflicted, item, "approve")
    assert conflicted.id in committee_rules.tally(item)["conflicted"]
    assert not policy.may(conflicted, "application.view", application)


def test_a_member_of_the_applying_organisation_is_conflicted(cast):
    application = cast.in_review()
    reviewer = UserFactory(roles=[Role.reviewer, Role.applicant])
    from sandbox.models import Membership
    from sandbox.extensions import db
    db.session.add(Membership(user=reviewer, organisation=application.organisation))
    db.session.commit()
    with pytest.raises(ValidationFailed):
        assignments.assign_reviewer(cast.office, application, reviewer)
