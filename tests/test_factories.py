"""The factories build what they say: each row factory a saved row tied to the right people and file, and
file_in(state) a file in that state whose page shows the history a user would have left getting there."""
import pytest
from sqlalchemy import select

from sandbox.models import AuditEvent
from sandbox.models.reviews import AssignmentRole
from sandbox.states import ApplicationState as S

from . import factories as f
from .conftest import login
from .factories_flow import STATE_BUILDERS, claim, correction_order, file_in, incident, report

# The steps a file takes to each state, in order: the trail its page must show.
TRAILS = {
    S.draft: [],
    S.submitted: ["draft→submitted"],
    S.screening: ["draft→submitted", "submitted→screening"],
    S.returned: ["submitted→screening", "screening→returned"],
    S.supplement_requested: ["screening→expert_review", "expert_review→supplement_requested"],
    S.expert_review: ["draft→submitted", "submitted→screening", "screening→expert_review"],
    S.exemption_check: ["screening→expert_review", "expert_review→exemption_check"],
    S.committee: ["expert_review→exemption_check", "exemption_check→committee"],
    S.approved: ["exemption_check→committee", "committee→approved"],
    S.rejected: ["exemption_check→committee", "committee→rejected"],
    S.trial_active: ["draft→submitted", "committee→approved", "approved→trial_active"],
    S.suspended: ["approved→trial_active", "trial_active→suspended"],
    S.result_reporting: ["approved→trial_active", "trial_active→result_reporting"],
    S.evaluated: ["trial_active→result_reporting", "result_reporting→evaluated"],
    S.closed: ["result_reporting→evaluated", "evaluated→closed"],
    S.withdrawn: ["draft→submitted", "submitted→withdrawn"],
    S.cancelled: ["approved→trial_active", "trial_active→cancelled"],
}


def _transitions(application):
    rows = f.db.session.execute(select(AuditEvent.from_state, AuditEvent.to_state)
                                .where(AuditEvent.application_id == application.id, AuditEvent.to_state.isnot(None))
                                .order_by(AuditEvent.seq)).all()
    return [f"{a}→{b}" for a, b in rows if a != b]


def test_every_state_has_a_builder_and_a_trail():
    assert set(STATE_BUILDERS) == set(TRAILS)


@pytest.mark.parametrize("state", list(TRAILS), ids=str)
def test_a_file_in_each_state_got_there_through_the_services(client, cast, state):
    application = file_in(state, cast)
    assert application.state == state
    steps = _transitions(application)
    # The audit trail holds the expected steps, in order, and ends in the state the file is in.
    positions = [steps.index(step) for step in TRAILS[state]]
    assert positions == sorted(positions)
    assert not steps or steps[-1].endswith(f"→{state}")
    if state == S.draft:
        return
    login(client, cast.office)
    page = client.get(f"/files/{application.id}?history=all").get_data(as_text=True)
    assert str(state.label) in page
    for step in TRAILS[state]:
        before, after = (S(s) for s in step.split("→"))
        assert f"{before.label} → {after.label}" in page, step


def test_file_in_uses_the_given_cast_and_application_fields(cast):
    application = file_in(S.committee, cast, title="Drone delivery over the Han")
    assert application.title == "Drone delivery over the Han"
    item = f.db.session.scalars(select(f.AgendaItem)).one()
    assert item.application_id == application.id
    assert {m.id for m in item.meeting.members} == {m.id for m in cast.committee}


def test_trial_records_are_made_through_the_services(cast):
    application = file_in(S.trial_active, cast)
    filed = report(application, units_operated=9)  # more vehicles than the unit cap allows
    assert filed.breach
    order = correction_order(cast.office, application, filed=filed)
    assert order.report_id == filed.id
    money = claim(application)
    assert money.incident.trial.application_id == application.id
    assert incident(application).severity.value == "minor"
    actions = f.db.session.scalars(select(AuditEvent.action).where(AuditEvent.application_id == application.id))
    assert {"trial.report_filed", "trial.correction_ordered", "trial.claim_recorded",
            "trial.incident_reported"} <= set(actions)


def test_review_row_factories(db):
    assignment = f.AssignmentFactory()
    assert assignment.application.state == S.expert_review and assignment.role == AssignmentRole.reviewer
    authority = f.AssignmentFactory(authority=True)
    assert authority.exemption_request.application_id == authority.application_id
    assert authority.user.agency == "경찰청"
    declaration = f.ConflictDeclarationFactory(has_conflict=True, details="Advised them")
    assert declaration.id and declaration.has_conflict
    tie = f.OrganisationTieFactory()
    assert tie.organisation.id and tie.user_id


def test_committee_row_factories(db):
    vote = f.VoteFactory()
    meeting = vote.item.meeting
    assert len(meeting.members) == 3 and vote.member in meeting.members
    assert vote.item.application.state == S.committee and meeting.items == [vote.item]


def test_public_notice_and_dispute_row_factories(db):
    feedback = f.FeedbackFactory()
    assert feedback.status.value == "pending" and feedback.application.state == S.trial_active
    summary = f.PublicSummaryFactory()
    assert summary.published_at is not None
    notice = f.NotificationFactory()
    assert notice.read_at is None and notice.user.id
    dispute = f.OrganisationDisputeFactory()
    assert dispute.state.value == "open" and dispute.registration_number == dispute.organisation.registration_number
