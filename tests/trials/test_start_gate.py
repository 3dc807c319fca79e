"""The start gate: accepted conditions, insurance meeting the minimums past the planned end, zone capacity."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sandbox.errors import GuardFailed, ValidationFailed
from sandbox.models import AuditEvent
from sandbox.rules import trials as trial_rules
from sandbox.rules import trials as trial_rules
from sandbox.rules.trial_reports import schedule
from sandbox.services import trials
from sandbox.services.workflow import blocking_reasons, fire
from sandbox.states import ApplicationState as S

from ..factories_flow import insurance


def _refused_start(application):
    with pytest.raises(GuardFailed) as caught:
        trials.start_trial(application.created_by, application)
    return caught.value.reasons


def test_everything_in_order_starts_the_trial_with_its_report_schedule(cast):
    application = cast.insured()
    trial = trials.start_trial(application.created_by, application)
    assert application.state == S.trial_active
    assert trial.started_on == date.today() and trial.ends_on == application.period_end
    kinds = [(k.value, due) for k, due, _r in schedule(trial)]
    assert kinds[0] == ("initial", date.today() + timedelta(days=30))
    assert kinds[-1] == ("final", application.period_end)
    assert kinds[1][1] == date.today() + (application.period_end - date.today()) / 2


def test_conditions_not_accepted_alone_block_the_start(cast):
    application = cast.approved(accept=False)
    trials.record_insurance(application.created_by, application, insurance(application))
    assert _refused_start(application) == ["The approval's conditions have not been accepted yet."]
    assert application.state == S.approved


def test_missing_insurance_alone_blocks_the_start(cast):
    application = cast.approved()
    assert _refused_start(application) == ["No liability insurance certificate has been recorded yet."]


@pytest.mark.parametrize("cover, minimum", [("death", 150_000_000), ("injury", 30_000_000),
                                            ("disability", 150_000_000), ("property", 1_000_000_000)])
def test_each_cover_below_the_minimum_blocks_the_start(cast, cover, minimum):
    application = cast.approved()
    trials.record_insurance(application.created_by, application, insurance(application, **{f"cover_{cover}": minimum - 1}))
    reasons = _refused_start(application)
    assert len(reasons) == 1 and f"{minimum:,}" in reasons[0]


def test_insurance_ending_before_the_planned_end_blocks_the_start(cast):
    application = cast.approved()
    trials.record_insurance(application.created_by, application,
                            insurance(application, valid_until=application.period_end - timedelta(days=1)))
    assert "before the trial's planned end" in _refused_start(application)[0]


def test_insurance_not_yet_in_force_blocks_the_start(cast):
    application = cast.approved()
    trials.record_insurance(application.created_by, application,
                            insurance(application, valid_from=date.today() + timedelta(days=3)))
    assert "starts only on" in _refused_start(application)[0]


def test_full_zone_alone_blocks_the_start(cast, db):
    application = cast.insured()
    application.zone.capacity = 0
    db.session.commit()
    assert "at capacity" in _refused_start(application)[0]


def test_a_malformed_certificate_is_refused_and_nothing_is_saved(cast):
    application = cast.approved()
    with pytest.raises(ValidationFailed):
        trials.record_insurance(application.created_by, application, insurance(application, insurer="", cover_death="lots"))
    assert trial_rules.trial_of(application) is None


def test_the_file_page_button_explains_the_gate(cast):
    application = cast.approved()
    assert blocking_reasons(application, "start_trial") == ["No liability insurance certificate has been recorded yet."]


def test_late_start_is_flagged_and_cancelling_then_needs_a_hearing(cast):
    application = cast.approved()
    due = trial_rules.start_deadline(application)
    assert due == date.today() + timedelta(days=365)
    assert not trial_rules.start_deadline_passed(application)
    late = due + timedelta(days=1)
    assert trial_rules.start_deadline_passed(application, now=late)
    assert trial_rules.hearing_problems(application, now=late)
    assert trial_rules.hearing_problems(application) == []  # before the deadline no hearing is needed


def test_cancelling_a_running_trial_needs_a_recorded_hearing(cast):
    application = cast.running()
    with pytest.raises(GuardFailed) as caught:
        fire(application, "cancel", cast.office, reason="Repeated breaches")
    assert "hearing" in caught.value.reasons[0]
    trials.record_hearing(cast.office, application, date.today(), "Operator CEO, office", "Heard the operator.")
    fire(application, "cancel", cast.office, reason="Repeated breaches")
    assert application.state == S.cancelled
    from sandbox.extensions import db
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.application_id == application.id)).all()
    assert "trial.hearing_recorded" in actions and "application.cancelled" in actions
