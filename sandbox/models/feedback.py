"""What the public sees and says: citizen feedback on a trial, and the redacted public summary."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabeledEnum
from .base import UTCDateTime, enum_column, utcnow


class Moderation(LabeledEnum):
    pending = "pending"
    published = "published"
    rejected = "rejected"

    @classmethod
    def _labels(cls):
        return {"pending": _l("Awaiting moderation"), "published": _l("Published"), "rejected": _l("Rejected")}

    @classmethod
    def _tones(cls):
        return {"pending": "warning", "published": "success", "rejected": "neutral"}


class Feedback(db.Model):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    location_geojson: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    # Confidential: seen by the office only, never on a public page.
    contact: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[Moderation] = mapped_column(enum_column(Moderation, name="moderation_status"),
                                               default=Moderation.pending, index=True)
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    moderated_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped["Application"] = relationship()  # noqa: F821


class PublicSummary(db.Model):
    """The only text about a file the public register shows; published once the office approves it."""

    __tablename__ = "public_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    summary_ko: Mapped[str] = mapped_column(sa.Text)
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    published_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    application: Mapped["Application"] = relationship()  # noqa: F821
