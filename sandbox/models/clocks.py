"""Legal clocks: one per stage of a file, paused while the applicant owes a supplement."""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import ApplicationState
from .base import UTCDateTime, enum_column


class StageClock(db.Model):
    __tablename__ = "stage_clocks"
    __table_args__ = (
        sa.Index("ix_stage_clocks_open_due", "ended_at", "due_at"),
        # The office queue walks running dated clocks in due order (sandbox/office/queue.py).
        sa.Index("ix_stage_clocks_running_due", "due_at", "application_id",
                 postgresql_where=sa.text("ended_at IS NULL AND paused_at IS NULL AND due_at IS NOT NULL"),
                 sqlite_where=sa.text("ended_at IS NULL AND paused_at IS NULL AND due_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    stage: Mapped[ApplicationState] = mapped_column(enum_column(ApplicationState, name="clock_stage"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Allowed calendar days, not counting pauses; None: no legal limit for this stage.
    allowed_days: Mapped[int | None] = mapped_column(nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pause_reason: Mapped[str] = mapped_column(sa.Text, default="")
    paused_seconds: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    application: Mapped["Application"] = relationship(back_populates="clocks")  # noqa: F821

    @property
    def paused(self):
        return self.paused_at is not None

    def days_used(self, now=None):
        now = now or datetime.now(timezone.utc)
        end = self.ended_at or self.paused_at or now
        seconds = (end - self.started_at).total_seconds() - self.paused_seconds
        return max(0, int(seconds // 86400))

    @property
    def due_date(self):
        return self.due_at.date() if self.due_at else None

    def days_left(self, today=None):
        if self.due_at is None:
            return None
        today = today or date.today()
        return (self.due_at.date() - today).days

    def overdue(self, now=None):
        now = now or datetime.now(timezone.utc)
        return self.due_at is not None and self.ended_at is None and not self.paused and now > self.due_at
