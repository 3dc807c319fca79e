"""The review, authority, committee and file-page forms: bad input gets a clear message, the page comes
back with what was typed, and nothing is saved."""
from html import escape

from sqlalchemy import func, select

from sandbox.models import Assignment, AuditEvent, Review, Vote
from sandbox.rules import conflicts as conflict_rules
from sandbox.rules.reviews import opinion_for
from sandbox.services import assignments, conflicts

from ..conftest import login
from ..factories_flow import GOOD_SCORES


def _events(db):
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def _ready(cast, application, reviewer):
    assignment = assignments.assign_reviewer(cast.office, application, reviewer)
    assignments.accept_assignment(reviewer, assignment)
    conflicts.declare_conflict(reviewer, application, False)
    return assignment


def _authority_ready(cast, application):
    assignment = assignments.assign_authority(cast.office, application.exemption_requests[0], cast.authority)
    assignments.accept_assignment(cast.authority, assignment)
    conflicts.declare_conflict(cast.authority, application, False)
    return assignment


def test_a_score_that_is_no_number_is_said_and_the_review_kept(cast, client, db):
    assignment = _ready(cast, cast.in_review(), cast.reviewers[0])
    login(client, cast.reviewers[0])
    before = _events(db)
    data = {f"score-{k}": v for k, v in GOOD_SCORES.items()}
    response = client.post(f"/review/assignments/{assignment.id}/review", data={
        **data, "score-innovativeness": "lots", "recommendation": "approve", "comments_to_committee": "KEEP-ME"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a whole number from 0 to" in page
    assert 'value="lots"' in page and "KEEP-ME" in page
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0 and _events(db) == before


def test_a_tie_with_an_impossible_date_is_refused_and_kept(cast, client, db):
    application = cast.in_review()
    reviewer = cast.reviewers[0]
    login(client, reviewer)
    response = client.post("/review/ties", data={
        "organisation_id": application.organisation.id, "kind": "advice", "since": "2026-02-30",
        "details": "KEEP-THESE-DETAILS"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Check the kind and the dates." in page
    assert "KEEP-THESE-DETAILS" in page and 'value="2026-02-30"' in page
    assert conflict_rules.ties_of(reviewer) == []


def test_a_decline_returns_only_to_a_page_of_this_site(cast, client, db):
    application = cast.in_review()
    assignment = assignments.assign_reviewer(cast.office, application, cast.reviewers[0])
    login(client, cast.reviewers[0])
    response = client.post(f"/review/assignments/{assignment.id}/decline",
                           data={"reason": "Travelling", "next": "//evil.example/x"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/review/assignments/{assignment.id}")


def test_an_opinion_refused_by_the_service_keeps_what_was_typed(cast, client, db):
    application = cast.in_review()
    assignment = _authority_ready(cast, application)
    login(client, cast.authority)
    before = _events(db)
    response = client.post(f"/authority/assignments/{assignment.id}", data={
        "verdict": "consent_with_conditions", "reasons": "KEEP-THE-REASONS", "condition-1-text": "HALF-A-ROW"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "KEEP-THE-REASONS" in page and 'value="HALF-A-ROW"' in page
    assert opinion_for(application.exemption_requests[0]) is None and _events(db) == before


def test_an_opinion_with_rows_beyond_the_cap_builds_none_of_them(cast, client, db):
    application = cast.in_review()
    assignment = _authority_ready(cast, application)
    login(client, cast.authority)
    response = client.post(f"/authority/assignments/{assignment.id}", data={
        "verdict": "consent_with_conditions", "reasons": "KEEP", "condition-7-kind": "geographic_limit",
        "condition-7-text": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert escape("At most 3 rows are accepted") in page or "At most 3 rows are accepted" in page
    assert 'name="condition-7-text"' not in page and 'name="condition-2-text"' in page
    assert opinion_for(application.exemption_requests[0]) is None


def test_a_refused_vote_keeps_the_reason(cast, client, db):
    application, item = cast.on_agenda()
    member = cast.members[0]
    conflicts.declare_conflict(member, application, False)
    login(client, member)
    response = client.post(f"/committee/items/{item.id}/vote", data={"choice": "maybe", "reason": "KEEP-MY-REASON"})
    assert response.status_code == 422
    assert "KEEP-MY-REASON" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_due_date_that_is_no_date_is_said_and_nothing_fires(cast, client, db):
    application = cast.in_review()
    login(client, cast.office)
    before, state = _events(db), application.state
    response = client.post(f"/files/{application.id}/actions/request_supplement?version={application.version}",
                           data={"reason": "Missing map", "due": "2026-13-40"}, follow_redirects=True)
    assert "The due date is not a valid date." in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state == state and _events(db) == before
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
