"""Duties people performed on a file that no other record keeps: who screened it and who handled it for
the sandbox office. Reviews, opinions, declarations, ties and memberships live in their own tables; the
separation-of-duties rule (rules/duties.py) reads all of them, never the audit log."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..labels import LabeledEnum
from .base import UTCDateTime, enum_column, utcnow


class DutyKind(LabeledEnum):
    screened = "screened"   # started screening, accepted, returned, or asked for a supplement
    handled = "handled"     # closed the expert review or sent the file to the committee

    @classmethod
    def _labels(cls):
        return {"screened": _l("Screened the file"), "handled": _l("Handled the file for the office")}


class FileDuty(db.Model):
    """One row per person, file and kind of duty: the first time they did it."""

    __tablename__ = "file_duties"
    __table_args__ = (sa.UniqueConstraint("application_id", "user_id", "duty", name="uq_file_duties_app_user_duty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    duty: Mapped[DutyKind] = mapped_column(enum_column(DutyKind, name="duty_kind"))
    first_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
