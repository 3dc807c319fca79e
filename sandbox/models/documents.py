"""Uploaded files: stored outside static/ under their content hash."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import DocumentKind
from .base import UTCDateTime, enum_column, utcnow


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (sa.CheckConstraint("size >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(sa.String(100))
    confidential: Mapped[bool] = mapped_column(default=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped["Application"] = relationship(back_populates="documents")  # noqa: F821
    uploaded_by: Mapped["User"] = relationship()  # noqa: F821
