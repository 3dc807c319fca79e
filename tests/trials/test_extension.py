"""One extension, filed at least 2 months before expiry; a law-amendment request keeps the trial valid."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from sandbox.errors import GuardFailed
from sandbox.rules import trials as trial_rules
from sandbox.rules import trials as trial_rules
from sandbox.rules.dates import add_months
from sandbox.services import trials
from sandbox.services.workflow import blocking_reasons, fire
from sandbox.states import ApplicationState as S


def _at(day):
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


def test_extension_granted_moves_the_end_and_a_second_is_refused(cast):
    application = cast.running()
    end = trial_rules.effective_end(trial_rules.trial_of(application))
    trials.request_extension(application.created_by, application, 12, "More data needed")
    assert application.state == S.extension_review
    trials.decide_extension(cast.office, application, True, "Justified")
    assert application.state == S.trial_active
    assert trial_rules.effective_end(trial_rules.trial_of(application)) == add_months(end, 12)
    with pytest.raises(GuardFailed) as caught:
        trials.request_extension(application.created_by, application, 6, "Again")
    assert any("only one extension" in r for r in caught.value.reasons)


def test_a_refused_extension_keeps_the_end(cast):
    application = cast.running()
    end = trial_rules.effective_end(trial_rules.trial_of(application))
    trials.request_extension(application.created_by, application, 6, "More data needed")
    trials.decide_extension(cast.office, application, False, "Not justified")
    assert trial_rules.effective_end(trial_rules.trial_of(application)) == end


def test_extension_filed_too_late_is_refused(cast):
    application = cast.running()
    end = trial_rules.effective_end(trial_rules.trial_of(application))
    too_late = add_months(end, -2) + timedelta(days=1)
    with pytest.raises(GuardFailed) as caught:
        trials.request_extension(application.created_by, application, 6, "Late", now=_at(too_late))
    assert "at least 2 months" in caught.value.reasons[0]
    assert application.state == S.trial_active
    assert trial_rules.trial_of(application).extension_requests == []
    trials.request_extension(application.created_by, application, 6, "Just in time", now=_at(add_months(end, -2)))
    assert application.state == S.extension_review


def test_extension_beyond_the_limit_is_refused(cast):
    application = cast.running()
    with pytest.raises(GuardFailed) as caught:
        trials.request_extension(application.created_by, application, 25, "Long")
    assert "1 to 24 months" in caught.value.reasons[0]


def test_the_file_page_button_points_to_the_extension_form(cast):
    application = cast.running()
    assert "extension form" in blocking_reasons(application, "request_extension")[0]


def test_law_amendment_keeps_the_trial_deemed_valid_past_its_end(cast):
    application = cast.running()
    end = trial_rules.effective_end(trial_rules.trial_of(application))
    trials.request_law_amendment(application.created_by, application, "Road Traffic Act §49", "Proven safe")
    assert application.state == S.amendment_pending
    assert trial_rules.deemed_valid(application, now=end + timedelta(days=200))
    fire(application, "convert_to_temporary_permit", cast.office)
    assert application.state == S.temporary_permit


def test_law_amendment_filed_too_late_is_refused(cast):
    application = cast.running()
    end = trial_rules.effective_end(trial_rules.trial_of(application))
    with pytest.raises(GuardFailed):
        trials.request_law_amendment(application.created_by, application, "Act", "why", now=_at(end - timedelta(days=10)))
    assert not trial_rules.deemed_valid(application, now=end + timedelta(days=1))
