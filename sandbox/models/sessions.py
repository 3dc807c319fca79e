"""Login sessions kept on the server, so a session can be ended: the browser's signed cookie carries only a
random token whose digest names one of these rows, and every request checks the row."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class UserSession(db.Model):
    __tablename__ = "user_sessions"
    __table_args__ = (sa.Index("ix_user_sessions_user_open", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # SHA-256 of the token in the cookie: a copy of this table cannot be replayed as cookies.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most once a minute (SESSION_TOUCH_SECONDS), so a page view is not a write.
    last_seen_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    # logout, ended, password_changed, role_revoked, deactivated, idle, lifetime
    end_reason: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)

    user: Mapped["User"] = relationship()  # noqa: F821

    @property
    def is_open(self):
        return self.revoked_at is None
