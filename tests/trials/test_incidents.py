"""Incidents and claims: a critical incident suspends the trial at once through the workflow;
a claim runs a 30-day pay-or-refuse clock."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from sandbox.errors import ValidationFailed
from sandbox.models import AuditEvent
from sandbox.models.trials import ClaimOutcome
from sandbox.rules import trials as trial_rules
from sandbox.services import incidents, trials
from sandbox.services.workflow import available_triggers, fire
from sandbox.states import ApplicationState as S


def _incident(application, severity="minor", **changes):
    return incidents.report_incident(application.created_by, application, {
        "severity": severity, "occurred_at": datetime.now(timezone.utc), "description": "Bumped a kerb",
        "injuries": 0, "damage_krw": 100_000, **changes})


def test_a_critical_incident_suspends_the_trial_through_the_workflow(cast, db):
    application = cast.running()
    incident = _incident(application, "critical", injuries=1)
    assert application.state == S.suspended
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.application_id == application.id, AuditEvent.action == "application.suspended_for_incident")).one()
    assert event.actor_role == "system" and event.from_state == "trial_active" and event.to_state == "suspended"
    assert event.data["incident_id"] == incident.id
    # The office resumes it from the file page's workflow actions.
    assert "resume" in [a["trigger"] for a in available_triggers(application, cast.office)]
    fire(application, "resume", cast.office)
    assert application.state == S.trial_active


def test_minor_and_major_incidents_do_not_suspend(cast):
    application = cast.running()
    _incident(application, "minor")
    _incident(application, "major")
    assert application.state == S.trial_active


def test_nobody_can_press_the_system_suspension(cast):
    application = cast.running()
    assert "suspend_for_incident" not in [a["trigger"] for a in available_triggers(application, cast.office)]


def test_an_incident_needs_a_description_and_keeps_nothing_on_error(cast):
    application = cast.running()
    with pytest.raises(ValidationFailed):
        _incident(application, "critical", description="  ")
    assert application.state == S.trial_active and trial_rules.trial_of(application).incidents == []


def test_claim_runs_a_thirty_day_clock(cast):
    application = cast.running()
    incident = _incident(application)
    received = date.today() - timedelta(days=10)
    claim = incidents.record_claim(application.created_by, incident, "Claimant", 500_000, received)
    assert claim.due_on == received + timedelta(days=30)
    clock = incidents.claim_clock(claim)
    assert clock["days_left"] == 20 and not clock["overdue"]
    assert incidents.claim_clock(claim, today=received + timedelta(days=31))["overdue"]


def test_a_refusal_must_be_in_writing(cast):
    application = cast.running()
    claim = incidents.record_claim(application.created_by, _incident(application), "Claimant", 500_000, date.today())
    with pytest.raises(ValidationFailed) as caught:
        incidents.answer_claim(application.created_by, claim, "refused", "")
    assert "in writing" in caught.value.message
    incidents.answer_claim(application.created_by, claim, "refused", "The damage predates the trial.")
    assert claim.outcome == ClaimOutcome.refused and claim.reported_on == date.today()
    assert not incidents.claim_late(claim)


def test_a_claim_paid_after_thirty_days_is_late(cast):
    application = cast.running()
    received = date.today() - timedelta(days=40)
    claim = incidents.record_claim(application.created_by, _incident(application), "Claimant", 500_000, received)
    incidents.answer_claim(application.created_by, claim, "paid", paid_krw=500_000)
    assert claim.outcome == ClaimOutcome.paid and incidents.claim_late(claim)


def test_the_claimant_name_stays_out_of_the_audit_log(cast, db):
    application = cast.running()
    incidents.record_claim(application.created_by, _incident(application), "홍길동 Secret Claimant", 1, date.today())
    datas = db.session.scalars(select(AuditEvent.data).where(AuditEvent.action == "trial.claim_recorded")).all()
    assert datas and "Secret Claimant" not in str(datas)
