"""Cancelling a temporary permit needs a recorded hearing, like cancelling a trial (same guard, same reasons)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from sandbox.errors import GuardFailed
from sandbox.labels import Instrument, Role
from sandbox.models import AuditEvent
from sandbox.rules import trials as trial_rules
from sandbox.services import trials
from sandbox.services.workflow import available_triggers, fire
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import ApplicationFactory, StageClockFactory, UserFactory

HEARING_FIRST = "Record the hearing before cancelling: the operator must be heard first."


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.office])


def _permit(state=S.permit_active):
    return ApplicationFactory(instrument=Instrument.temporary_permit, state=state)


def _actions(db, application):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.application_id == application.id)).all()


def test_cancelling_an_active_permit_without_a_hearing_is_refused_with_the_reason(db, office):
    application = _permit()
    with pytest.raises(GuardFailed) as caught:
        fire(application, "cancel", office, reason="Conditions breached")
    assert caught.value.reasons == [HEARING_FIRST]
    assert application.state == S.permit_active and "application.cancelled" not in _actions(db, application)
    cancel = next(a for a in available_triggers(application, office) if a["trigger"] == "cancel")
    assert not cancel["enabled"] and cancel["reasons"] == [HEARING_FIRST]


def test_cancelling_an_active_permit_after_a_recorded_hearing_is_allowed(db, office):
    application = _permit()
    trials.record_hearing(office, application, date.today(), "Operator CEO, office", "Heard the operator.")
    fire(application, "cancel", office, reason="Conditions breached")
    assert application.state == S.cancelled
    actions = _actions(db, application)
    assert "trial.hearing_recorded" in actions and "application.cancelled" in actions


def test_an_approved_permit_needs_a_hearing_only_once_its_start_deadline_has_passed(db, office):
    application = _permit(S.approved)
    due = datetime.now(timezone.utc) + timedelta(days=10)
    StageClockFactory(application=application, stage=S.approved, started_at=due - timedelta(days=365),
                      due_at=due)
    assert trial_rules.hearing_problems(application) == []
    assert trial_rules.hearing_problems(application, now=due + timedelta(days=1)) == [HEARING_FIRST]


def test_the_file_page_shows_the_office_why_the_permit_cannot_be_cancelled_yet(db, office, client):
    application = _permit()
    login(client, office)
    page = client.get(f"/files/{application.id}").get_data(as_text=True)
    assert HEARING_FIRST in page and "/actions/cancel" not in page
    response = client.post(f"/files/{application.id}/actions/cancel", data={"reason": "Breached"},
                           follow_redirects=True)
    assert HEARING_FIRST in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state == S.permit_active


def test_the_office_records_the_permit_hearing_on_its_trial_page_and_then_cancels(db, office, client):
    application = _permit()
    login(client, office)
    assert application.display_title in client.get("/office/trials").get_data(as_text=True)
    page = client.get(f"/office/trials/{application.id}").get_data(as_text=True)
    assert "Record the hearing" in page
    response = client.post(f"/office/trials/{application.id}/hearings", data={
        "hearing-held_on": date.today().isoformat(), "hearing-attendees": "Operator CEO, office",
        "hearing-summary": "Heard the operator."})
    assert response.status_code == 303
    response = client.post(f"/files/{application.id}/actions/cancel", data={"reason": "Breached"})
    assert response.status_code == 303
    db.session.refresh(application)
    assert application.state == S.cancelled
