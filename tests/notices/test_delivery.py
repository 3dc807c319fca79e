"""Email delivery to a real local SMTP server; retries with back-off; failures visible to admins."""
from datetime import timedelta

from sandbox.extensions import db
from sandbox.labels import Role
from sandbox.models import AuditEvent, EmailStatus
from sandbox.services.delivery import deliver_pending
from sandbox.services.notifications import notify
from sandbox.transaction import atomic

from ..conftest import login
from ..factories import UserFactory
from .conftest import T0, free_port, notices


def _queue(user, subject="실증특례 승인 안내", body="승인되었습니다.\n\nApproved."):
    with atomic():
        notify([user], "test", subject, body, "/files/1")
    return notices(user)[-1]


def test_email_reaches_the_smtp_server_with_korean_subject_and_link(app, db, smtpd):
    user = UserFactory()
    _queue(user)
    report = deliver_pending(T0)
    assert len(report.sent) == 1
    envelope, message = smtpd.messages[0]
    assert envelope.rcpt_tos == [user.email]
    assert message["Subject"] == "실증특례 승인 안내"
    content = message.get_body().get_content()
    assert "승인되었습니다." in content and app.config["BASE_URL"] + "/files/1" in content
    assert notices(user)[0].email_status == EmailStatus.sent


def test_inactive_users_get_no_email(db, smtpd):
    user = UserFactory(active=False)
    _queue(user)
    deliver_pending(T0)
    assert smtpd.messages == [] and notices(user)[0].email_status == EmailStatus.skipped


def test_failures_are_retried_with_back_off_then_given_up(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_ENABLED", True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    user = UserFactory()
    notice = _queue(user)
    now = T0
    waits = []
    for attempt in range(1, 6):
        report = deliver_pending(now)
        db.session.refresh(notice)
        assert notice.attempts == attempt and "ConnectionRefusedError" in notice.last_error
        assert report.unreachable
        if attempt < 5:
            assert notice.email_status == EmailStatus.pending
            waits.append(notice.next_attempt_at - now)
            assert deliver_pending(now + waits[-1] - timedelta(seconds=1)).sent == []  # too early: untouched
            db.session.refresh(notice)
            assert notice.attempts == attempt
            now = notice.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert notice.email_status == EmailStatus.failed and notice.next_attempt_at is None


def test_admins_see_failures_and_can_send_again(app, client, db, smtpd):
    user = UserFactory()
    notice = _queue(user, subject="보완 요청")
    with atomic():
        notice.email_status = EmailStatus.failed
        notice.attempts = 5
        notice.last_error = "SMTPRecipientsRefused: mailbox full"
    admin = UserFactory(roles=[Role.admin])
    login(client, admin)
    page = client.get("/notices/admin/failures").get_data(as_text=True)
    assert user.email in page and "mailbox full" in page
    response = client.post(f"/notices/admin/failures/{notice.id}/retry")
    assert response.status_code == 303
    db.session.refresh(notice)
    assert notice.email_status == EmailStatus.pending and notice.attempts == 0
    assert db.session.query(AuditEvent).filter_by(action="notification.retry_requested").count() == 1
    deliver_pending()
    assert smtpd.messages[0][1]["Subject"] == "보완 요청"


def test_only_admins_see_failures(client, db):
    for role in (Role.office, Role.applicant, Role.auditor):
        user = UserFactory(roles=[role])
        login(client, user)
        assert client.get("/notices/admin/failures").status_code == 403
        client.post("/auth/logout")
