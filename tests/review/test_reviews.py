"""Expert reviews: the rubric gate, who sees whose review, and bulk assignment all-or-nothing."""
import pytest

from sandbox.errors import ValidationFailed
from sandbox.models import Assignment, AuditEvent
from sandbox.rules import reviews as review_rules
from sandbox.services import assignments, conflicts, reviews

from ..conftest import login
from ..factories_flow import GOOD_SCORES


def _ready(cast, application, reviewer):
    assignment = assignments.assign_reviewer(cast.office, application, reviewer)
    assignments.accept_assignment(reviewer, assignment)
    conflicts.declare_conflict(reviewer, application, False)
    return assignment


def test_safety_below_the_gate_fails_the_review_whatever_the_total(cast):
    application = cast.in_review()
    assignment = _ready(cast, application, cast.reviewers[0])
    weak_safety = {**GOOD_SCORES, "safety_privacy": 14, "innovativeness": 20, "public_benefit": 20}  # 14 < 15
    with pytest.raises(ValidationFailed) as excinfo:
        reviews.submit_review(cast.reviewers[0], assignment, weak_safety, "approve")
    assert "below the gate" in excinfo.value.message
    review = reviews.submit_review(cast.reviewers[0], assignment, weak_safety, "reject")
    assert review.total == 82 and review.gate_passed is False


def test_scores_outside_the_weights_are_refused(cast):
    application = cast.in_review()
    assignment = _ready(cast, application, cast.reviewers[0])
    with pytest.raises(ValidationFailed):
        reviews.submit_review(cast.reviewers[0], assignment, {**GOOD_SCORES, "zone_fit": 11}, "approve")


def test_rubric_weights_come_from_the_setting(cast, app):
    app.config["REVIEW_RUBRIC"] = [{"key": "safety_privacy", "weight": 50, "gate": 0.5},
                                   {"key": "innovativeness", "weight": 50}]
    try:
        assert reviews.score({"safety_privacy": 24, "innovativeness": 50}) == (74, False, [])
        assert reviews.score({"safety_privacy": 25, "innovativeness": 0}) == (25, True, [])
    finally:
        del app.config["REVIEW_RUBRIC"]


def test_reviewers_see_other_reviews_only_after_submitting_their_own(cast, client):
    application = cast.in_review()
    first = cast.review(application, cast.reviewers[0])
    second = _ready(cast, application, cast.reviewers[1])
    assert review_rules.visible_reviews(cast.reviewers[1], application) == []
    login(client, cast.reviewers[1])
    page = client.get(f"/review/assignments/{second.id}").get_data(as_text=True)
    assert first.comments_to_committee not in page or "appear here after you submit" in page
    assert "appear here after you submit" in page
    data = {f"score-{k}": v for k, v in GOOD_SCORES.items()}
    response = client.post(f"/review/assignments/{second.id}/review",
                           data={**data, "recommendation": "approve_with_conditions", "comments_to_committee": "ok2"})
    assert response.status_code == 303
    assert len(review_rules.visible_reviews(cast.reviewers[1], application)) == 2


def test_a_failed_review_form_keeps_what_was_typed(cast, client):
    application = cast.in_review()
    assignment = _ready(cast, application, cast.reviewers[0])
    login(client, cast.reviewers[0])
    response = client.post(f"/review/assignments/{assignment.id}/review",
                           data={"score-innovativeness": "19", "recommendation": "approve",
                                 "comments_to_applicant": "KEEP-THIS-TEXT"})
    assert response.status_code == 422
    assert "KEEP-THIS-TEXT" in response.get_data(as_text=True)


def test_decline_suggests_the_next_least_loaded_reviewer(cast):
    application = cast.in_review()
    assignment = assignments.assign_reviewer(cast.office, application, cast.reviewers[0])
    other = cast.in_review()
    assignments.assign_reviewer(cast.office, other, cast.reviewers[1])
    suggestion = assignments.decline_assignment(cast.reviewers[0], assignment, "Travelling")
    assert suggestion not in (cast.reviewers[0], cast.reviewers[1])
    assert suggestion in cast.reviewers


def test_reviewer_load_respects_the_maximum(cast, app):
    app.config["REVIEWER_MAX_LOAD"] = 1
    try:
        assignments.assign_reviewer(cast.office, cast.in_review(), cast.reviewers[0])
        with pytest.raises(ValidationFailed) as excinfo:
            assignments.assign_reviewer(cast.office, cast.in_review(), cast.reviewers[0])
        assert "maximum is 1" in excinfo.value.message
    finally:
        del app.config["REVIEWER_MAX_LOAD"]


def _csv(rows):
    return "file,email,role,exemption,due\n" + "\n".join(",".join(r) for r in rows)


def test_bulk_assign_dry_run_then_applies_all_rows(cast, db):
    application = cast.in_review()
    code = application.exemption_requests[0].exemption_type.code
    text = _csv([(str(application.id), r.email, "reviewer", "", "2030-01-31") for r in cast.reviewers[:3]]
                + [(str(application.id), cast.authority.email, "authority", code, "")])
    before = db.session.query(AuditEvent).count()
    result = assignments.bulk_assign(cast.office, text, dry_run=True)
    assert result.ok and not result.applied and len(result.rows) == 4
    assert db.session.query(Assignment).count() == 0
    assert db.session.query(AuditEvent).count() == before
    result = assignments.bulk_assign(cast.office, text, dry_run=False)
    assert result.applied
    assert db.session.query(Assignment).count() == 4


def test_bulk_assign_applies_nothing_when_one_row_is_wrong(cast, db, client):
    application = cast.in_review()
    conflicts.record_tie(cast.reviewers[2], application.organisation, "funding")
    text = _csv([(str(application.id), r.email, "reviewer", "", "") for r in cast.reviewers[:3]]
                + [("SBX-NOPE", "nobody@example.kr", "reviewer", "", "31/01/2030")])
    result = assignments.bulk_assign(cast.office, text, dry_run=False)
    assert not result.applied and not result.ok
    assert [bool(r["problems"]) for r in result.rows] == [False, False, True, True]
    assert db.session.query(Assignment).count() == 0
    login(client, cast.office)
    response = client.post("/office/assignments/bulk", data={"csv": text, "action": "apply"})
    assert response.status_code == 422
    assert "Nothing was assigned" in response.get_data(as_text=True)
    assert db.session.query(Assignment).count() == 0


def test_bulk_assign_counts_load_within_the_batch(cast, app):
    app.config["REVIEWER_MAX_LOAD"] = 1
    try:
        a, b = cast.in_review(), cast.in_review()
        text = _csv([(str(a.id), cast.reviewers[0].email, "reviewer", "", ""),
                     (str(b.id), cast.reviewers[0].email, "reviewer", "", "")])
        result = assignments.bulk_assign(cast.office, text)
        assert [bool(r["problems"]) for r in result.rows] == [False, True]
    finally:
        del app.config["REVIEWER_MAX_LOAD"]
