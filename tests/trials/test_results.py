"""Result report due within 30 days of the end; the evaluation records the outcome."""
from datetime import date, datetime, timedelta, timezone

import pytest

from sandbox.errors import GuardFailed, ValidationFailed
from sandbox.models.trials import EvaluationOutcome
from sandbox.rules import trial_reports as report_rules
from sandbox.rules import trials as trial_rules
from sandbox.services import evaluation, feedback, trial_reports, trials
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ZoneFactory
from ..factories_flow import GOOD_REPORT


def _finished(cast):
    application = cast.running()
    fire(application, "finish", application.created_by)
    return application


def _result(application, now=None):
    start = trial_rules.trial_of(application).started_on
    return trial_reports.file_result_report(application.created_by, application,
                                            {**GOOD_REPORT, "period_from": start, "period_to": start,
                                             "narrative": "It worked."}, now=now)


def test_result_report_is_due_thirty_days_after_the_end_and_late_after(cast):
    application = _finished(cast)
    due = report_rules.result_report_due(application)
    assert due == date.today() + timedelta(days=30)
    report = _result(application, now=datetime.now(timezone.utc) + timedelta(days=31))
    assert report.due_on == due and report.late


def test_result_report_in_time_is_not_late(cast):
    application = _finished(cast)
    assert not _result(application).late


def test_evaluation_needs_the_result_report(cast):
    application = _finished(cast)
    with pytest.raises(GuardFailed) as caught:
        evaluation.record_evaluation(cast.office, application, {"safety": 90, "benefit": 80, "market": 70,
                                                                "residents": 60}, "ended")
    assert "No result report has been filed yet." in caught.value.reasons
    assert application.state == S.result_reporting and trial_rules.trial_of(application).evaluation is None


SCORES = {"safety": 90, "benefit": 80, "market": 70, "residents": 60}


@pytest.mark.parametrize("outcome", ["law_amended", "temporary_permit", "ended"])
def test_evaluation_records_each_outcome(cast, outcome):
    application = _finished(cast)
    _result(application)
    record = evaluation.record_evaluation(cast.office, application, SCORES, outcome)
    assert application.state == S.evaluated and record.outcome == EvaluationOutcome(outcome)
    assert record.weighted_score == evaluation.weighted(SCORES)
    fire(application, "close", cast.office)
    assert application.state == S.closed


def test_scale_up_lists_the_zones_and_refuses_unknown_ones(cast):
    application = _finished(cast)
    _result(application)
    other = ZoneFactory(code="YANGJAE-AI")
    with pytest.raises(ValidationFailed):
        evaluation.record_evaluation(cast.office, application, SCORES, "scale_up", [])
    with pytest.raises(ValidationFailed):
        evaluation.record_evaluation(cast.office, application, SCORES, "scale_up", ["NOWHERE"])
    record = evaluation.record_evaluation(cast.office, application, SCORES, "scale_up", [other.code])
    assert record.scale_up_zones == ["YANGJAE-AI"]


def test_evaluation_counts_incidents_and_published_feedback(cast):
    application = cast.running()
    feedback.save_public_summary(cast.office, application, "요약", "Summary")
    shown = feedback.leave_feedback(application, "Nice")
    feedback.leave_feedback(application, "Not moderated yet")
    feedback.moderate_feedback(cast.office, shown, True)
    fire(application, "finish", application.created_by)
    _result(application)
    record = evaluation.record_evaluation(cast.office, application, SCORES, "ended")
    assert record.feedback_count == 1 and record.incident_count == 0
