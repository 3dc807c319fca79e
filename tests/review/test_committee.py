"""The committee: guards through fire(), quorum, separation of duties, the decision record, the
applicant's acceptance and the auditors' decision log."""
import csv
import io
import json

import pytest

from sandbox import policy
from sandbox.errors import GuardFailed, PermissionDenied, ValidationFailed
from sandbox.labels import Role
from sandbox.models import AuditEvent, Decision
from sandbox.rules import committee as committee_rules
from sandbox.rules.duties import separation_problems
from sandbox.rules.reviews import opinion_for
from sandbox.services import assignments, committee, conflicts
from sandbox.services.workflow import available_triggers, fire
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import MembershipFactory, UserFactory

from ..factories_flow import CONDITION


def test_close_review_needs_three_reviews_from_unconflicted_reviewers(cast):
    application = cast.in_review()
    for reviewer in cast.reviewers[:2]:
        cast.review(application, reviewer)
    with pytest.raises(GuardFailed) as excinfo:
        fire(application, "close_review", cast.office)
    assert "2 of 3" in excinfo.value.reasons[0]
    late = cast.reviewers[2]
    cast.review(application, late)
    conflicts.record_tie(late, application.organisation, "competitor")  # discovered after the review
    with pytest.raises(GuardFailed):
        fire(application, "close_review", cast.office)
    cast.review(application, cast.reviewers[3])
    fire(application, "close_review", cast.office)
    assert application.state == S.exemption_check


def test_to_committee_needs_an_opinion_on_every_requested_exemption(cast):
    application = cast.in_review()
    for reviewer in cast.reviewers[:3]:
        cast.review(application, reviewer)
    fire(application, "close_review", cast.office)
    with pytest.raises(GuardFailed) as excinfo:
        fire(application, "to_committee", cast.office, via="committee.add_to_agenda")
    assert "No authority opinion" in excinfo.value.reasons[0]
    cast.opinion(application)
    fire(application, "to_committee", cast.office, via="committee.add_to_agenda")
    assert application.state == S.committee


def test_opinions_need_reasons_or_conditions(cast):
    application = cast.in_review()
    request = application.exemption_requests[0]
    assignment = assignments.assign_authority(cast.office, request, cast.authority)
    assignments.accept_assignment(cast.authority, assignment)
    conflicts.declare_conflict(cast.authority, application, False)
    from sandbox.services import reviews
    with pytest.raises(ValidationFailed):
        reviews.give_opinion(cast.authority, assignment, "object", "")
    with pytest.raises(ValidationFailed):
        reviews.give_opinion(cast.authority, assignment, "consent_with_conditions", "", [])
    with pytest.raises(ValidationFailed):
        reviews.give_opinion(cast.authority, assignment, "consent_with_conditions", "",
                             [{"kind": "unit_cap", "parameters": "units 5", "text": "Five units"}])


def test_authority_suggested_by_agency(cast):
    application = cast.in_review()
    other = UserFactory(roles=[Role.authority], agency="국토교통부")
    rows = assignments.authority_candidates(application.exemption_requests[0])
    assert rows[0]["user"] == cast.authority and rows[0]["suggested"]
    assert next(r for r in rows if r["user"] == other)["suggested"] is False


def test_quorum_needs_a_majority_of_non_recused_members_and_at_least_three(cast, app):
    application, item = cast.on_agenda()
    for member in cast.committee:
        conflicts.declare_conflict(member, application, False)
    committee.cast_vote(cast.members[0], item, "approve")
    committee.cast_vote(cast.members[1], item, "approve")
    assert "2 of the 3 votes" in committee_rules.quorum_problems(application)[0]
    committee.cast_vote(cast.chair, item, "recuse", "I chaired the zone's board.")
    assert "Only 2 members" in committee_rules.quorum_problems(application)[0]
    committee.cast_vote(cast.chair, item, "approve")
    assert committee_rules.quorum_problems(application) == []
    app.config["COMMITTEE_QUORUM_MIN"] = 4
    try:
        assert committee_rules.quorum_problems(application)
    finally:
        del app.config["COMMITTEE_QUORUM_MIN"]


def test_recusal_and_rejection_need_a_reason(cast):
    application, item = cast.on_agenda()
    conflicts.declare_conflict(cast.members[0], application, False)
    with pytest.raises(ValidationFailed):
        committee.cast_vote(cast.members[0], item, "recuse", " ")


def test_approve_without_quorum_is_refused_with_the_reason(cast):
    application, item = cast.on_agenda()
    with pytest.raises(GuardFailed) as excinfo:
        committee.record_decision(cast.chair, application, "approve", "Good file")
    assert "votes needed for quorum" in excinfo.value.reasons[0]
    assert application.state == S.committee
    assert not Decision.query.count()


def test_the_chair_records_the_decision_with_conditions_in_one_transaction(cast, db):
    application, item = cast.on_agenda()
    cast.all_vote(item)
    with pytest.raises(GuardFailed):
        committee.record_decision(cast.chair, application, "approve_with_conditions", "Good, with limits", [])
    decision = committee.record_decision(cast.chair, application, "approve_with_conditions", "Good, with limits",
                                         [CONDITION], cited_opinion_ids=[1])
    assert application.state == S.approved
    event = db.session.query(AuditEvent).filter_by(seq=decision.audit_seq).one()
    assert event.action == "application.approved_with_conditions" and event.hash == decision.audit_hash
    assert event.data["conditions"][0]["text"] == CONDITION["text"]
    assert [c.kind for c in decision.conditions] == ["geographic_limit"]
    with pytest.raises(PermissionDenied):
        committee.cast_vote(cast.members[0], item, "reject", "too late")


def test_a_failed_decision_leaves_nothing_behind(cast, db):
    application, item = cast.on_agenda()
    cast.all_vote(item)
    seq = db.session.query(AuditEvent).count()
    with pytest.raises(ValidationFailed):
        committee.record_decision(cast.chair, application, "approve", "Fine", [CONDITION])
    other, _ = cast.on_agenda()
    seq = db.session.query(AuditEvent).count()
    with pytest.raises(ValidationFailed):  # evidence from another file
        committee.record_decision(cast.chair, application, "approve", "Fine",
                                  cited_opinion_ids=[opinion_for(other.exemption_requests[0]).id])
    assert application.state == S.committee and db.session.query(AuditEvent).count() == seq


def test_the_same_person_may_not_screen_review_and_decide(cast):
    double = UserFactory(roles=[Role.office, Role.committee, Role.chair, Role.reviewer])
    application = cast.in_review()
    # the double-hatted officer screens a second file, then may not decide it
    from ..factories import ApplicationFactory
    other = ApplicationFactory(state=S.submitted)
    fire(other, "screen", double)
    assert "You screened this file, so you may not decide it." in \
        separation_problems(double, other, "approve")
    assert not policy.may(double, "application.approve", other)
    # a reviewer of a file may not screen it
    cast.review(application, cast.reviewers[0])
    reviewer_officer = cast.reviewers[0]
    from sandbox.extensions import db
    from sandbox.models import UserRole
    db.session.add(UserRole(user_id=reviewer_officer.id, role=Role.office))
    db.session.commit()
    assert separation_problems(reviewer_officer, application, "accept")
    # and whoever screened may not be assigned to review
    with pytest.raises(ValidationFailed) as excinfo:
        UserRole_ = UserRole(user_id=cast.office.id, role=Role.reviewer)
        db.session.add(UserRole_)
        db.session.commit()
        assignments.assign_reviewer(cast.office, application, cast.office)
    assert any("screened this file" in r for r in excinfo.value.reasons)


def test_a_chair_who_screened_the_file_is_not_offered_the_decision(cast):
    chair_officer = UserFactory(roles=[Role.office, Role.chair, Role.committee])
    cast.office = chair_officer
    application, item = cast.on_agenda()
    cast.all_vote(item)
    # Offered disabled, with the reason in place of the button (issue 14: the machine says why).
    approve = next(a for a in available_triggers(application, chair_officer) if a["trigger"] == "approve")
    assert not approve["enabled"]
    assert approve["reasons"][0] == "You screened this file, so you may not decide it."
    with pytest.raises(PermissionDenied):
        committee.record_decision(chair_officer, application, "approve", "ok")


def test_applicant_sees_the_decision_and_accepts_the_conditions(cast, client, db):
    application, item = cast.on_agenda()
    cast.all_vote(item)
    committee.record_decision(cast.chair, application, "approve_with_conditions", "Approved within limits",
                              [CONDITION])
    assert committee_rules.conditions_acceptance_problems(application)
    member = MembershipFactory(organisation=application.organisation).user
    login(client, member)
    page = client.get(f"/files/{application.id}").get_data(as_text=True)
    assert "Approved within limits" in page and CONDITION["text"] in page
    response = client.post(f"/files/{application.id}/conditions/accept")
    assert response.status_code == 303
    decision = committee_rules.latest_decision(application)
    db.session.refresh(decision)
    assert decision.accepted_by_id == member.id
    assert committee_rules.conditions_acceptance_problems(application) == []
    assert client.post(f"/files/{application.id}/conditions/accept").status_code == 403


def test_auditors_export_the_decision_log_with_votes_and_audit_reference(cast, client, db):
    application, item = cast.on_agenda()
    cast.all_vote(item)
    decision = committee.record_decision(cast.chair, application, "approve_with_conditions", "Within limits",
                                         [CONDITION])
    auditor = UserFactory(roles=[Role.auditor])
    login(client, auditor)
    assert "Within limits" in client.get("/audit/decisions").get_data(as_text=True)
    response = client.get("/audit/decisions.csv?outcome=approve_with_conditions")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))
    assert len(rows) == 1
    assert rows[0]["audit_seq"] == str(decision.audit_seq) and rows[0]["audit_hash"] == decision.audit_hash
    assert cast.members[0].email in rows[0]["votes"]
    lines = client.get("/audit/decisions.jsonl").get_data(as_text=True).splitlines()
    record = json.loads(lines[0])
    assert record["conditions"][0]["kind"] == "geographic_limit" and len(record["votes"]) == 3
    assert client.get("/audit/decisions.csv?outcome=reject").get_data(as_text=True).count("\n") == 1
    assert db.session.query(AuditEvent).filter_by(action="decision_log.exported").count() == 3
    client.post("/auth/logout")
    login(client, cast.office)
    assert client.get("/audit/decisions.csv").status_code == 403


def test_the_whole_path_through_the_pages(cast, client, db):
    application, item = cast.on_agenda()
    for member in cast.committee:
        client.post("/auth/logout")
        login(client, member)
        client.post(f"/review/files/{application.id}/declare", data={"has_conflict": "no"})
        assert client.post(f"/committee/items/{item.id}/vote", data={"choice": "approve_with_conditions"}).status_code == 303
    page = client.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert CONDITION["text"] in page, "conditions are prefilled from the authority's proposal"
    response = client.post(f"/committee/items/{item.id}/decision", data={
        "outcome": "approve_with_conditions", "reasons": "",
        "conditions-0-kind": "geographic_limit", "conditions-0-text": "Sangam only", "conditions-0-parameters": "area=Sangam"})
    assert response.status_code == 422 and "Sangam only" in response.get_data(as_text=True)
    response = client.post(f"/committee/items/{item.id}/decision", data={
        "outcome": "approve_with_conditions", "reasons": "Fine",
        "conditions-0-kind": "geographic_limit", "conditions-0-text": "Sangam only", "conditions-0-parameters": "area=Sangam"})
    assert response.status_code == 303
    decision = committee_rules.latest_decision(application)
    assert decision.conditions[0].parameters == {"area": "Sangam"}
