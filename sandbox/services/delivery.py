"""Sending the outbox by e-mail: deliver_pending() claims one due row at a time (so several senders never
send a notice twice), retries failures with exponential back-off, and lets the admin see and retry failures."""
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import or_, select, update

from .. import policy
from ..audit.record import record
from ..extensions import db
from ..models import EmailStatus, Notification
from ..transaction import atomic
from .notifications import _utcnow, absolute_url

# A claimed row is not picked up again for this long, so a crashed sender retries it later.
CLAIM_LEASE = timedelta(minutes=10)


def delivery_failures(limit=200):
    return db.session.scalars(
        select(Notification).where(or_(Notification.email_status == EmailStatus.failed,
                                       Notification.last_error != ""))
        .where(Notification.email_status != EmailStatus.sent)
        .order_by(Notification.id.desc()).limit(limit)).all()


def retry_delivery(admin, notification, now=None):
    """An admin sends a failed email again from the start of its back-off."""
    policy.ensure(admin, "notifications.admin")
    with atomic():
        notification.email_status = EmailStatus.pending
        notification.attempts = 0
        notification.next_attempt_at = now or _utcnow()
        record("notification.retry_requested", notification, actor=admin,
               data={"notification_id": notification.id, "last_error": notification.last_error})
    return notification


# ---- email delivery ----------------------------------------------------------------------------

@dataclass
class DeliveryReport:
    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    retrying: list = field(default_factory=list)
    skipped: int = 0
    unreachable: str = ""

    def summary(self):
        text = (f"email: {len(self.sent)} sent, {len(self.retrying)} to retry later, "
                f"{len(self.failed)} failed"
                f"{f', {self.skipped} skipped' if self.skipped else ''}")
        return text + (f" (mail server unreachable: {self.unreachable})" if self.unreachable else "")


def _is_due(now):
    return or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)


def _due_ids(now, limit):
    return db.session.scalars(
        select(Notification.id).where(Notification.email_status == EmailStatus.pending, _is_due(now))
        .order_by(Notification.id).limit(limit)).all()


def _claim(notification_id, now):
    """Take one row for sending; a concurrent sender's identical UPDATE then matches nothing."""
    with atomic():
        result = db.session.execute(
            update(Notification).where(Notification.id == notification_id,
                                       Notification.email_status == EmailStatus.pending, _is_due(now))
            .values(attempts=Notification.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
            .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return db.session.get(Notification, notification_id, populate_existing=True)


def _message(notification, config):
    message = EmailMessage()
    message["Subject"] = notification.subject
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = notification.user.email
    message["Message-ID"] = make_msgid(idstring=f"notice{notification.id}")
    body = notification.body
    if notification.link:
        body += "\n\n" + absolute_url(notification.link)
    message.set_content(body)
    return message


def _connect(config):
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config.get("MAIL_TIMEOUT", 10))
    if config.get("MAIL_USE_TLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def backoff(attempts, config):
    """Wait before the next try: base, 2×base, 4×base, ... minutes."""
    return timedelta(minutes=config.get("MAIL_RETRY_MINUTES", 5) * 2 ** max(0, attempts - 1))


def _finish(notification, now, config, error=None):
    with atomic():
        if error is None:
            notification.email_status = EmailStatus.sent
            notification.sent_at = now
            notification.next_attempt_at = None
            notification.last_error = ""
            return "sent"
        notification.last_error = f"{type(error).__name__}: {error}"[:1000]
        if notification.attempts >= config.get("MAIL_MAX_ATTEMPTS", 5):
            notification.email_status = EmailStatus.failed
            notification.next_attempt_at = None
            return "failed"
        notification.next_attempt_at = now + backoff(notification.attempts, config)
        return "retrying"


def _skip_all(ids):
    with atomic():
        db.session.execute(update(Notification).where(Notification.id.in_(ids))
                           .values(email_status=EmailStatus.skipped)
                           .execution_options(synchronize_session=False))


def deliver_pending(now=None, limit=200):
    """Send due emails over SMTP. Runs after commit (from tick or `flask notifications send`)."""
    now = now or _utcnow()
    config = current_app.config
    report = DeliveryReport()
    ids = _due_ids(now, limit)
    if ids and not config.get("MAIL_ENABLED", True):
        _skip_all(ids)
        report.skipped = len(ids)
        return report
    smtp = None
    try:
        for notification_id in ids:
            notification = _claim(notification_id, now)
            if notification is None:
                continue
            error = None
            try:
                smtp = smtp or _connect(config)
                smtp.send_message(_message(notification, config))
            except (smtplib.SMTPException, OSError) as exc:
                error = exc
            outcome = _finish(notification, now, config, error)
            getattr(report, outcome).append(notification.id)
            if error is not None and smtp is None:
                # Could not even connect: the rest of the batch stays queued for the next run.
                report.unreachable = str(error)
                break
            if error is not None:
                smtp = _close(smtp)
    finally:
        _close(smtp)
    return report


def _close(smtp):
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return None
