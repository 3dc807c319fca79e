"""The notification outbox: one row per recipient, written in the same transaction as the event
that causes it, shown in the in-app notification centre and delivered by email after commit."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabeledEnum
from .base import UTCDateTime, enum_column, utcnow


class EmailStatus(LabeledEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"

    @classmethod
    def _labels(cls):
        return {"pending": _l("Waiting to be sent"), "sent": _l("Sent"), "failed": _l("Failed"),
                "skipped": _l("Not sent by email")}

    @classmethod
    def _tones(cls):
        return {"pending": "info", "sent": "success", "failed": "danger", "skipped": "neutral"}


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        sa.Index("ix_notifications_email_due", "email_status", "next_attempt_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(60))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # A path inside the site ("/files/3"); emails prefix it with BASE_URL.
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=True, index=True)
    # The audit event that caused it, when there is one (a decision letter is rendered from it).
    audit_seq: Mapped[int | None] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                                  nullable=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)

    email_status: Mapped[EmailStatus] = mapped_column(enum_column(EmailStatus, name="email_status"),
                                                      default=EmailStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    # Makes `tick` idempotent: a reminder or escalation is written once per key, even by two ticks at once.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True, nullable=True)

    user: Mapped["User"] = relationship()  # noqa: F821
    application: Mapped["Application | None"] = relationship()  # noqa: F821

    @property
    def unread(self):
        return self.read_at is None
