"""Committee meetings, their agendas and votes, and the decision record with its typed conditions."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabeledEnum
from .base import UTCDateTime, enum_column, utcnow


class ConditionKind(LabeledEnum):
    geographic_limit = "geographic_limit"
    time_window = "time_window"
    unit_cap = "unit_cap"
    user_cap = "user_cap"
    accompanying_staff = "accompanying_staff"
    privacy = "privacy"
    insurance = "insurance"
    reporting = "reporting"

    @classmethod
    def _labels(cls):
        return {"geographic_limit": _l("Geographic limit"), "time_window": _l("Time window"),
                "unit_cap": _l("Cap on units"), "user_cap": _l("Cap on users"),
                "accompanying_staff": _l("Accompanying staff"), "privacy": _l("Privacy"),
                "insurance": _l("Insurance"), "reporting": _l("Reporting")}


class VoteChoice(LabeledEnum):
    approve = "approve"
    approve_with_conditions = "approve_with_conditions"
    reject = "reject"
    defer = "defer"
    recuse = "recuse"

    @classmethod
    def _labels(cls):
        return {"approve": _l("Approve"), "approve_with_conditions": _l("Approve with conditions"),
                "reject": _l("Reject"), "defer": _l("Defer"), "recuse": _l("Recuse")}


class DecisionOutcome(LabeledEnum):
    """Named after the workflow triggers that record them."""

    approve = "approve"
    approve_with_conditions = "approve_with_conditions"
    reject = "reject"
    defer = "defer"

    @classmethod
    def _labels(cls):
        return {"approve": _l("Approved"), "approve_with_conditions": _l("Approved with conditions"),
                "reject": _l("Rejected"), "defer": _l("Deferred to the next meeting")}

    @classmethod
    def _tones(cls):
        return {"approve": "success", "approve_with_conditions": "success", "reject": "danger", "defer": "warning"}


meeting_members = sa.Table(
    "meeting_members",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("committee_meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class CommitteeMeeting(db.Model):
    __tablename__ = "committee_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    meets_on: Mapped[object] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["User"]] = relationship(secondary=meeting_members, order_by="User.id")  # noqa: F821
    items: Mapped[list["AgendaItem"]] = relationship(back_populates="meeting", order_by="AgendaItem.id",
                                                     cascade="all, delete-orphan")


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "application_id", name="uq_agenda_items_meeting_app"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_meetings.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every vote, so two votes at once serialise on this row everywhere.
    vote_count: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="items")
    application: Mapped["Application"] = relationship()  # noqa: F821
    votes: Mapped[list["Vote"]] = relationship(back_populates="item", order_by="Vote.id",
                                               cascade="all, delete-orphan")
    decision: Mapped["Decision | None"] = relationship(back_populates="item", uselist=False)


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("item_id", "member_id", name="uq_votes_item_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, name="vote_choice"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    cast_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="votes")
    member: Mapped["User"] = relationship()  # noqa: F821


class Decision(db.Model):
    """The chair's record; `audit_seq`/`audit_hash` name the audit event of the same transaction."""
    # Trials whose sites clashed with this one in space and time when the decision was taken.
    clashes: Mapped[list] = mapped_column(sa.JSON, default=list)

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id"), nullable=True, unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome, name="decision_outcome"))
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    cited_review_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    cited_opinion_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    audit_seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    audit_hash: Mapped[str] = mapped_column(sa.String(64))
    accepted_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    application: Mapped["Application"] = relationship()  # noqa: F821
    item: Mapped[AgendaItem | None] = relationship(back_populates="decision")
    decided_by: Mapped["User"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821
    accepted_by: Mapped["User | None"] = relationship(foreign_keys=[accepted_by_id])  # noqa: F821
    conditions: Mapped[list["Condition"]] = relationship(back_populates="decision", order_by="Condition.id",
                                                         cascade="all, delete-orphan")

    @property
    def needs_acceptance(self):
        return self.outcome == DecisionOutcome.approve_with_conditions and self.accepted_at is None


class Condition(db.Model):
    __tablename__ = "conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConditionKind] = mapped_column(enum_column(ConditionKind, name="condition_kind"))
    parameters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    text: Mapped[str] = mapped_column(sa.Text)

    decision: Mapped[Decision] = relationship(back_populates="conditions")
