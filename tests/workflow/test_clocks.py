"""Stage clocks: started on entry, paused while a supplement is owed, resumed (due date pushed back) on reply."""
from datetime import date, datetime, timedelta, timezone

from sandbox.labels import Role
from sandbox.workflow import clocks
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, UserFactory

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)


def test_clock_pauses_for_a_supplement_and_resumes_with_the_due_date_pushed_back(db):
    application = ApplicationFactory()
    office = UserFactory(roles=[Role.office])
    fire(application, "submit", application.created_by, now=T0)
    fire(application, "screen", office, now=T0 + timedelta(days=1))
    screening = application.current_clock
    assert screening.stage == S.screening and screening.due_at == T0 + timedelta(days=15)

    fire(application, "request_supplement", office, reason="Add the insurance design.", due=date(2026, 5, 19),
         now=T0 + timedelta(days=5))
    assert screening.paused and screening.pause_reason == "Add the insurance design."
    supplement = application.current_clock
    assert supplement.stage == S.supplement_requested and supplement.due_at.date() == date(2026, 5, 19)
    assert application.supplement_request == "Add the insurance design."

    fire(application, "answer_supplement", application.created_by, answer="Attached.",
         now=T0 + timedelta(days=12))
    assert application.state == S.screening
    assert supplement.ended_at == T0 + timedelta(days=12)
    assert not screening.paused
    assert screening.due_at == T0 + timedelta(days=15 + 7)  # the 7 paused days do not count
    assert screening.days_used(now=T0 + timedelta(days=12)) == 4


def test_clock_view_reports_overdue(db):
    application = ApplicationFactory()
    fire(application, "submit", application.created_by, now=datetime.now(timezone.utc) - timedelta(days=10))
    view = clocks.view(application.current_clock)
    assert view["overdue"] and view["days_left"] < 0 and not view["paused"]


def test_quick_confirmation_clock_is_thirty_days(db):
    from ..factories import QuickConfirmationFactory
    application = QuickConfirmationFactory()
    fire(application, "submit", application.created_by, now=T0)
    assert application.current_clock.due_at == T0 + timedelta(days=30)


def test_leaving_a_stage_ends_its_clock_and_records_a_breach(db):
    application = ApplicationFactory()
    office = UserFactory(roles=[Role.office])
    fire(application, "submit", application.created_by, now=T0)
    submitted = application.current_clock
    fire(application, "screen", office, now=T0 + timedelta(days=9))
    assert submitted.ended_at == T0 + timedelta(days=9)
    assert submitted.breached_at == T0 + timedelta(days=7)
