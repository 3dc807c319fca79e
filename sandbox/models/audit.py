"""The audit trail: append-only, hash-chained events (DESIGN §5)."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_application_seq", "application_id", "seq"),
        sa.Index("ix_audit_events_actor_seq", "actor_id", "seq"),
        sa.Index("ix_audit_events_action_seq", "action", "seq"),
        sa.Index("ix_audit_events_occurred_at", "occurred_at"),
        # The console filters by one column and pages newest-first on seq: (column, seq) serves both.
        sa.Index("ix_audit_events_zone_seq", "zone_id", "seq"),
        sa.Index("ix_audit_events_to_state_seq", "to_state", "seq"),
    )

    # The sequence number is the key: gap-free, assigned under the chain-head lock.
    seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                     primary_key=True, autoincrement=False)
    occurred_at: Mapped[object] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(nullable=True)
    actor_name: Mapped[str] = mapped_column(sa.String(254), default="")
    actor_role: Mapped[str] = mapped_column(sa.String(100), default="")
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    action: Mapped[str] = mapped_column(sa.String(80))
    subject_type: Mapped[str] = mapped_column(sa.String(40), default="")
    subject_id: Mapped[str] = mapped_column(sa.String(40), default="")
    application_id: Mapped[int | None] = mapped_column(nullable=True)
    zone_id: Mapped[int | None] = mapped_column(nullable=True)
    from_state: Mapped[str] = mapped_column(sa.String(40), default="")
    to_state: Mapped[str] = mapped_column(sa.String(40), default="")
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class AuditHead(db.Model):
    """One row holding the chain's head; writers lock it to append in order."""

    __tablename__ = "audit_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), default=0)
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditCheckpoint(db.Model):
    """A signed statement of the chain head at a moment, for auditors to keep."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    head_hash: Mapped[str] = mapped_column(sa.String(64))
    count: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    created_at: Mapped[object] = mapped_column(UTCDateTime)
    public_key: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.String(128))
