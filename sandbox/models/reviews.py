"""Assignments of reviewers and authorities, conflicts of interest, expert reviews and authority opinions."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabeledEnum
from .base import UTCDateTime, enum_column, utcnow


class AssignmentRole(LabeledEnum):
    reviewer = "reviewer"
    authority = "authority"

    @classmethod
    def _labels(cls):
        return {"reviewer": _l("Expert reviewer"), "authority": _l("Competent authority")}


class AssignmentStatus(LabeledEnum):
    proposed = "proposed"
    accepted = "accepted"
    declined = "declined"
    done = "done"

    @classmethod
    def _labels(cls):
        return {"proposed": _l("Waiting for an answer"), "accepted": _l("Accepted"),
                "declined": _l("Declined"), "done": _l("Done")}

    @classmethod
    def _tones(cls):
        return {"proposed": "warning", "accepted": "info", "declined": "neutral", "done": "success"}


# An assignment still holds the assignee's time and access while it is in one of these.
ACTIVE_STATUSES = (AssignmentStatus.proposed, AssignmentStatus.accepted, AssignmentStatus.done)


class TieKind(LabeledEnum):
    employment = "employment"
    shareholding = "shareholding"
    advice = "advice"
    funding = "funding"
    competitor = "competitor"

    @classmethod
    def _labels(cls):
        return {"employment": _l("Employment"), "shareholding": _l("Shareholding"), "advice": _l("Advice"),
                "funding": _l("Funding"), "competitor": _l("Competitor")}


class Recommendation(LabeledEnum):
    approve = "approve"
    approve_with_conditions = "approve_with_conditions"
    reject = "reject"
    more_information = "more_information"

    @classmethod
    def _labels(cls):
        return {"approve": _l("Approve"), "approve_with_conditions": _l("Approve with conditions"),
                "reject": _l("Reject"), "more_information": _l("More information needed")}


class Verdict(LabeledEnum):
    consent = "consent"
    consent_with_conditions = "consent_with_conditions"
    object = "object"

    @classmethod
    def _labels(cls):
        return {"consent": _l("Consent"), "consent_with_conditions": _l("Consent with conditions"),
                "object": _l("Object")}

    @classmethod
    def _tones(cls):
        return {"consent": "success", "consent_with_conditions": "warning", "object": "danger"}


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (sa.Index("ix_assignments_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    exemption_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exemption_requests.id", ondelete="CASCADE"), nullable=True, index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    role: Mapped[AssignmentRole] = mapped_column(enum_column(AssignmentRole, name="assignment_role"))
    status: Mapped[AssignmentStatus] = mapped_column(enum_column(AssignmentStatus, name="assignment_status"),
                                                     default=AssignmentStatus.proposed)
    due_date: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    assigned_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)

    application: Mapped["Application"] = relationship()  # noqa: F821
    exemption_request: Mapped["ExemptionRequest | None"] = relationship()  # noqa: F821
    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    review: Mapped["Review | None"] = relationship(back_populates="assignment", uselist=False)

    @property
    def active(self):
        return self.status in ACTIVE_STATUSES


class ConflictDeclaration(db.Model):
    """What a person declared about one file; the latest declaration counts, and all are kept."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (sa.Index("ix_conflict_declarations_user_app", "user_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    has_conflict: Mapped[bool]
    details: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class OrganisationTie(db.Model):
    __tablename__ = "organisation_ties"
    __table_args__ = (sa.CheckConstraint("until IS NULL OR since IS NULL OR until >= since", name="tie_period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TieKind] = mapped_column(enum_column(TieKind, name="tie_kind"))
    since: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    until: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    details: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821

    def current_on(self, day):
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


class Review(db.Model):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    # {criterion key: points given}, and the rubric it was scored against (weights may change later).
    scores: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    rubric: Mapped[list] = mapped_column(sa.JSON, default=list)
    total: Mapped[int] = mapped_column(default=0)
    gate_passed: Mapped[bool] = mapped_column(default=True)
    recommendation: Mapped[Recommendation] = mapped_column(enum_column(Recommendation, name="recommendation"))
    comments_to_applicant: Mapped[str] = mapped_column(sa.Text, default="")
    comments_to_committee: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="review")


class Opinion(db.Model):
    """An authority's answer on one requested exemption; conditions are typed proposals."""

    __tablename__ = "opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    exemption_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exemption_requests.id", ondelete="CASCADE"), unique=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, name="verdict"))
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"kind": ConditionKind, "parameters": {...}, "text": "..."}]
    conditions: Mapped[list] = mapped_column(sa.JSON, default=list)
    given_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    exemption_request: Mapped["ExemptionRequest"] = relationship()  # noqa: F821
    authority: Mapped["User"] = relationship()  # noqa: F821
