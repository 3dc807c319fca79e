"""Disputes over who holds an organisation's registration number.

A registration number belongs to one legal entity, and the first person to register it holds the
organisation record. When a company finds its number already taken, it files a dispute with its
evidence instead of being shut out; the sandbox office verifies and resolves it."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabeledEnum, OrganisationKind
from .base import TimestampMixin, UTCDateTime, enum_column


class DisputeState(LabeledEnum):
    open = "open"
    holder_confirmed = "holder_confirmed"
    transferred = "transferred"

    @classmethod
    def _labels(cls):
        return {"open": _l("Open: the office is verifying"),
                "holder_confirmed": _l("Resolved: the registered holder keeps the number"),
                "transferred": _l("Resolved: the organisation was transferred to the disputing company")}

    @classmethod
    def _tones(cls):
        return {"open": "warning", "holder_confirmed": "neutral", "transferred": "success"}


_OPEN = sa.text("state = 'open'")


class OrganisationDispute(TimestampMixin, db.Model):
    __tablename__ = "organisation_disputes"
    __table_args__ = (
        # One open dispute per company's filer and organisation: a second one is refused, not duplicated.
        sa.Index("uq_organisation_disputes_open_per_filer", "organisation_id", "filed_by_id", unique=True,
                 postgresql_where=_OPEN, sqlite_where=_OPEN),
        sa.CheckConstraint("(state = 'open') = (resolved_at IS NULL)", name="resolved_when_closed"),
        sa.CheckConstraint("statement <> '' OR evidence_sha256 IS NOT NULL", name="statement_or_evidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 index=True)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # As filed: the number disputed and the company the filer says holds it.
    registration_number: Mapped[str] = mapped_column(sa.String(40))
    claimed_name: Mapped[str] = mapped_column(sa.String(200))
    claimed_kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    statement: Mapped[str] = mapped_column(sa.Text, default="")
    # The evidence file, stored like documents (under UPLOAD_DIR by its SHA-256).
    evidence_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    evidence_size: Mapped[int | None] = mapped_column(nullable=True)
    evidence_media_type: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)

    state: Mapped[DisputeState] = mapped_column(enum_column(DisputeState), default=DisputeState.open,
                                                index=True)
    resolution_note: Mapped[str] = mapped_column(sa.Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    resolved_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    filed_by: Mapped["User"] = relationship(foreign_keys=[filed_by_id])  # noqa: F821
    resolved_by: Mapped["User | None"] = relationship(foreign_keys=[resolved_by_id])  # noqa: F821

    @property
    def is_open(self):
        return self.state == DisputeState.open

    def __repr__(self):
        return f"<OrganisationDispute {self.id} {self.registration_number} {self.state}>"
