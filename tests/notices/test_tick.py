"""tick(now): deemed outcomes, reminders at the right moments, escalation, idempotence. Time is
frozen by passing `now` explicitly."""
from datetime import date, timedelta

from sandbox.extensions import db
from sandbox.labels import Role
from sandbox.models import AuditEvent, Notification
from sandbox.services.ticking import tick
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, StageClockFactory, UserFactory
from .conftest import T0, notices, submitted_quick_confirmation


def test_quick_confirmation_is_deemed_answered_at_day_30_exactly(office):
    application = submitted_quick_confirmation()
    applicant = application.created_by

    tick(T0 + timedelta(days=30) - timedelta(seconds=1))
    db.session.refresh(application)
    assert application.state == S.submitted

    report = tick(T0 + timedelta(days=30))
    db.session.refresh(application)
    assert application.state == S.deemed_no_regulation
    assert any("deemed no regulation" in line for line in report.output())
    event = db.session.query(AuditEvent).filter_by(action="application.deemed_no_regulation").one()
    assert event.actor_name == "system" and event.actor_id is None
    letter = notices(applicant, "letter")[-1]
    assert "간주" in letter.subject and "Deemed" in letter.body


def test_tick_twice_writes_and_sends_nothing_twice(office, smtpd):
    submitted_quick_confirmation()
    moment = T0 + timedelta(days=31)
    tick(moment)
    rows, sent = len(notices()), len(smtpd.messages)
    assert rows and sent == rows

    second = tick(moment)
    assert len(notices()) == rows and len(smtpd.messages) == sent
    assert second.output()[0] == "nothing due"


def test_answered_quick_confirmation_is_not_deemed(office):
    application = submitted_quick_confirmation()
    fire(application, "answer_no_regulation", office, reason="규제 없음", now=T0 + timedelta(days=3))
    tick(T0 + timedelta(days=40))
    db.session.refresh(application)
    assert application.state == S.no_regulation


def _screening_clock(days=14):
    application = ApplicationFactory(state=S.screening)
    clock = StageClockFactory(application=application, stage=S.screening, started_at=T0, allowed_days=days,
                              due_at=T0 + timedelta(days=days))
    return application, clock


def test_reminders_go_out_7_days_before_on_the_day_and_3_days_after(office):
    _application, clock = _screening_clock(days=14)
    due = clock.due_at

    def reminders_after(moment):
        tick(moment)
        return [n.subject for n in notices(office, "reminder.%")]

    assert reminders_after(due - timedelta(days=8)) == []
    assert len(reminders_after(due - timedelta(days=7))) == 1
    assert "7" in notices(office, "reminder.%")[0].subject
    assert len(reminders_after(due - timedelta(days=1))) == 1
    assert len(reminders_after(due)) == 2
    assert len(reminders_after(due + timedelta(days=2))) == 2
    assert len(reminders_after(due + timedelta(days=3))) == 3
    assert len(reminders_after(due + timedelta(days=10))) == 3


def test_overdue_items_escalate_to_the_secretariat_once_a_day(office):
    _screening_clock(days=14)
    due = T0 + timedelta(days=14)
    for hours in (0, 6, 12):
        tick(due + timedelta(days=1, hours=hours))
    assert len(notices(office, "escalation.%")) == 1
    tick(due + timedelta(days=2))
    assert len(notices(office, "escalation.%")) == 2


def test_paused_clock_sends_no_reminder(office):
    _application, clock = _screening_clock(days=14)
    clock.paused_at = T0 + timedelta(days=1)
    db.session.commit()
    tick(clock.due_at + timedelta(days=5))
    assert notices(office, "reminder.%") == [] and notices(office, "escalation.%") == []


def test_supplement_request_reminds_the_applicant(office):
    application = ApplicationFactory(state=S.submitted)
    fire(application, "screen", office, now=T0)
    due = (T0 + timedelta(days=10)).date()
    fire(application, "request_supplement", office, reason="사업계획서를 보완하세요", due=due, now=T0)
    tick(T0 + timedelta(days=10))
    subjects = [n.subject for n in notices(application.created_by, "reminder.supplement")]
    assert len(subjects) == 1
    assert notices(office, "reminder.supplement") == []


def test_assignment_reminds_the_reviewer(office):
    from sandbox.services import assignments
    application = ApplicationFactory(state=S.submitted)
    fire(application, "screen", office)
    fire(application, "accept", office)
    reviewer = UserFactory(roles=[Role.reviewer])
    due = date.today() + timedelta(days=7)
    assignments.assign_reviewer(office, application, reviewer, due=due)
    from datetime import datetime, timezone
    tick(datetime.combine(due, datetime.min.time(), tzinfo=timezone.utc))
    assert len(notices(reviewer, "reminder.assignment")) == 1


def test_late_start_is_flagged_to_the_office_once(office):
    application = ApplicationFactory(state=S.approved)
    StageClockFactory(application=application, stage=S.approved, started_at=T0, allowed_days=365,
                      due_at=T0 + timedelta(days=365))
    for day in (366, 367):
        tick(T0 + timedelta(days=day))
    assert len(notices(office, "start_deadline")) == 1
    assert notices(office, "escalation.start_deadline") == []
    assert len(notices(application.created_by, "reminder.start_deadline")) == 1


def test_transitions_notify_applicant_members_and_office(office):
    colleague = UserFactory(roles=[Role.applicant])
    application = ApplicationFactory(members=[colleague])
    fire(application, "submit", application.created_by)
    assert len(notices(colleague, "transition")) == 1
    assert len(notices(application.created_by, "transition")) == 1
    office_notice = notices(office, "office.submit")
    assert len(office_notice) == 1 and office_notice[0].link == f"/files/{application.id}"


def test_failed_transition_leaves_no_notification(office):
    application = ApplicationFactory(title="")  # incomplete: submit's guard refuses
    from sandbox.errors import GuardFailed
    try:
        fire(application, "submit", application.created_by)
    except GuardFailed:
        pass
    assert db.session.query(Notification).count() == 0


def test_cli_prints_what_it_did(app, office):
    submitted_quick_confirmation()
    result = app.test_cli_runner().invoke(args=["tick", "--now", (T0 + timedelta(days=30)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "deemed no regulation" in result.output and "email:" in result.output
