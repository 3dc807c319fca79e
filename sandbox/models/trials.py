"""A living-lab trial after approval: its plan, insurance, reports, incidents and claims,
enforcement (correction orders, hearings), extension and law-amendment requests, and evaluation."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabeledEnum
from .base import UTCDateTime, enum_column, utcnow

MONEY = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class ReportKind(LabeledEnum):
    initial = "initial"
    interim = "interim"
    final = "final"
    result = "result"

    @classmethod
    def _labels(cls):
        return {"initial": _l("Initial report"), "interim": _l("Interim report"), "final": _l("Final report"),
                "result": _l("Result report")}


class Severity(LabeledEnum):
    minor = "minor"
    major = "major"
    critical = "critical"

    @classmethod
    def _labels(cls):
        return {"minor": _l("Minor"), "major": _l("Major"), "critical": _l("Critical")}

    @classmethod
    def _tones(cls):
        return {"minor": "info", "major": "warning", "critical": "danger"}


class ClaimOutcome(LabeledEnum):
    pending = "pending"
    paid = "paid"
    refused = "refused"

    @classmethod
    def _labels(cls):
        return {"pending": _l("Awaiting the operator"), "paid": _l("Paid"), "refused": _l("Refused in writing")}

    @classmethod
    def _tones(cls):
        return {"pending": "warning", "paid": "success", "refused": "neutral"}


class OrderStatus(LabeledEnum):
    open = "open"
    complied = "complied"
    escalated = "escalated"

    @classmethod
    def _labels(cls):
        return {"open": _l("Open"), "complied": _l("Complied with"), "escalated": _l("Escalated")}

    @classmethod
    def _tones(cls):
        return {"open": "warning", "complied": "success", "escalated": "danger"}


class EvaluationOutcome(LabeledEnum):
    scale_up = "scale_up"
    law_amended = "law_amended"
    temporary_permit = "temporary_permit"
    ended = "ended"

    @classmethod
    def _labels(cls):
        return {"scale_up": _l("Scale up to further zones"), "law_amended": _l("Law amended"),
                "temporary_permit": _l("Temporary permit"), "ended": _l("Ended")}


class Trial(db.Model):
    """One per approved trial-exemption file; the plan is fixed before the start and frozen after."""

    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    kpis: Mapped[list] = mapped_column(sa.JSON, default=list)
    safety_items: Mapped[list] = mapped_column(sa.JSON, default=list)
    started_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    # The approved end; extensions are added on top (rules.trials.effective_end).
    ends_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped["Application"] = relationship()  # noqa: F821
    certificates: Mapped[list["InsuranceCertificate"]] = relationship(
        back_populates="trial", order_by="InsuranceCertificate.id", cascade="all, delete-orphan")
    reports: Mapped[list["TrialReport"]] = relationship(back_populates="trial", order_by="TrialReport.id",
                                                        cascade="all, delete-orphan")
    incidents: Mapped[list["Incident"]] = relationship(back_populates="trial", order_by="Incident.id",
                                                       cascade="all, delete-orphan")
    orders: Mapped[list["CorrectionOrder"]] = relationship(back_populates="trial", order_by="CorrectionOrder.id",
                                                           cascade="all, delete-orphan")
    extension_requests: Mapped[list["ExtensionRequest"]] = relationship(
        back_populates="trial", order_by="ExtensionRequest.id", cascade="all, delete-orphan")
    amendment_requests: Mapped[list["AmendmentRequest"]] = relationship(
        back_populates="trial", order_by="AmendmentRequest.id", cascade="all, delete-orphan")
    evaluation: Mapped["Evaluation | None"] = relationship(back_populates="trial", uselist=False,
                                                          cascade="all, delete-orphan")


class InsuranceCertificate(db.Model):
    __tablename__ = "insurance_certificates"
    __table_args__ = (
        sa.CheckConstraint("valid_until > valid_from", name="validity_order"),
        sa.CheckConstraint("cover_death >= 0 AND cover_injury >= 0 AND cover_disability >= 0 "
                           "AND cover_property >= 0", name="cover_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id", ondelete="CASCADE"), index=True)
    insurer: Mapped[str] = mapped_column(sa.String(200))
    policy_number: Mapped[str] = mapped_column(sa.String(100))
    cover_death: Mapped[int] = mapped_column(MONEY)
    cover_injury: Mapped[int] = mapped_column(MONEY)
    cover_disability: Mapped[int] = mapped_column(MONEY)
    cover_property: Mapped[int] = mapped_column(MONEY)
    valid_from: Mapped[object] = mapped_column(sa.Date)
    valid_until: Mapped[object] = mapped_column(sa.Date)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), nullable=True)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    trial: Mapped[Trial] = relationship(back_populates="certificates")
    document: Mapped["Document | None"] = relationship()  # noqa: F821


class TrialReport(db.Model):
    __tablename__ = "trial_reports"
    __table_args__ = (sa.CheckConstraint("period_to >= period_from", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, name="report_kind"))
    period_from: Mapped[object] = mapped_column(sa.Date)
    period_to: Mapped[object] = mapped_column(sa.Date)
    due_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    units_operated: Mapped[int] = mapped_column(default=0)
    distance_km: Mapped[float] = mapped_column(sa.Float, default=0)
    flights: Mapped[int] = mapped_column(default=0)
    users_served: Mapped[int] = mapped_column(default=0)
    hours: Mapped[float] = mapped_column(sa.Float, default=0)
    incidents: Mapped[int] = mapped_column(default=0)
    # What the operator declares against the typed conditions.
    operating_hours: Mapped[str] = mapped_column(sa.String(20), default="")
    staff_per_unit: Mapped[int | None] = mapped_column(nullable=True)
    outside_area: Mapped[bool] = mapped_column(default=False)
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    condition_results: Mapped[list] = mapped_column(sa.JSON, default=list)
    breach: Mapped[bool] = mapped_column(default=False)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    filed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    trial: Mapped[Trial] = relationship(back_populates="reports")

    @property
    def late(self):
        return self.due_on is not None and self.filed_at.date() > self.due_on


class Incident(db.Model):
    __tablename__ = "incidents"
    __table_args__ = (sa.CheckConstraint("injuries >= 0 AND damage_krw >= 0", name="not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id", ondelete="CASCADE"), index=True)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, name="incident_severity"))
    occurred_at: Mapped[object] = mapped_column(UTCDateTime)
    location_geojson: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    outside_zone: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text)
    injuries: Mapped[int] = mapped_column(default=0)
    damage_krw: Mapped[int] = mapped_column(MONEY, default=0)
    response: Mapped[str] = mapped_column(sa.Text, default="")
    reported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reported_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    trial: Mapped[Trial] = relationship(back_populates="incidents")
    claims: Mapped[list["Claim"]] = relationship(back_populates="incident", order_by="Claim.id",
                                                 cascade="all, delete-orphan")


class Claim(db.Model):
    """A damage claim: the operator pays within 30 days or refuses in writing, and reports in 15."""

    __tablename__ = "claims"
    __table_args__ = (sa.CheckConstraint("amount_krw >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    claimant: Mapped[str] = mapped_column(sa.String(200))  # personal data: never public
    amount_krw: Mapped[int] = mapped_column(MONEY)
    filed_on: Mapped[object] = mapped_column(sa.Date)
    due_on: Mapped[object] = mapped_column(sa.Date)
    outcome: Mapped[ClaimOutcome] = mapped_column(enum_column(ClaimOutcome, name="claim_outcome"),
                                                  default=ClaimOutcome.pending)
    outcome_reason: Mapped[str] = mapped_column(sa.Text, default="")
    paid_krw: Mapped[int | None] = mapped_column(MONEY, nullable=True)
    decided_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    reported_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    incident: Mapped[Incident] = relationship(back_populates="claims")


class CorrectionOrder(db.Model):
    __tablename__ = "correction_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trial_reports.id"), nullable=True)
    breach: Mapped[str] = mapped_column(sa.Text)
    issued_on: Mapped[object] = mapped_column(sa.Date)
    deadline: Mapped[object] = mapped_column(sa.Date)
    extended_to: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus, name="order_status"),
                                                default=OrderStatus.open)
    closed_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    trial: Mapped[Trial] = relationship(back_populates="orders")
    report: Mapped[TrialReport | None] = relationship()

    @property
    def current_deadline(self):
        return self.extended_to or self.deadline


class Hearing(db.Model):
    """Held before a cancellation; tied to the file because an unstarted approval may be cancelled too."""

    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[object] = mapped_column(sa.Date)
    attendees: Mapped[str] = mapped_column(sa.Text)
    summary: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class ExtensionRequest(db.Model):
    __tablename__ = "extension_requests"
    __table_args__ = (sa.CheckConstraint("months > 0", name="months_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id", ondelete="CASCADE"), index=True)
    months: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    filed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # None while pending; True/False once the office decides (see rules.trials.extension_outcome).
    granted: Mapped[bool | None] = mapped_column(nullable=True)
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)

    trial: Mapped[Trial] = relationship(back_populates="extension_requests")


class AmendmentRequest(db.Model):
    __tablename__ = "amendment_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id", ondelete="CASCADE"), index=True)
    law: Mapped[str] = mapped_column(sa.String(300))
    reason: Mapped[str] = mapped_column(sa.Text)
    filed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    trial: Mapped[Trial] = relationship(back_populates="amendment_requests")


class Evaluation(db.Model):
    __tablename__ = "evaluations"
    __table_args__ = (sa.CheckConstraint(
        "score_safety BETWEEN 0 AND 100 AND score_benefit BETWEEN 0 AND 100 AND score_market BETWEEN 0 AND 100 "
        "AND score_residents BETWEEN 0 AND 100", name="scores_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id", ondelete="CASCADE"), unique=True)
    score_safety: Mapped[int]        # incidents and damage (100: none)
    score_benefit: Mapped[int]       # user benefit
    score_market: Mapped[int]        # market potential
    score_residents: Mapped[int]     # absence of conflict with residents
    incident_count: Mapped[int] = mapped_column(default=0)
    damage_krw: Mapped[int] = mapped_column(MONEY, default=0)
    feedback_count: Mapped[int] = mapped_column(default=0)
    weighted_score: Mapped[float] = mapped_column(sa.Float)
    outcome: Mapped[EvaluationOutcome] = mapped_column(enum_column(EvaluationOutcome, name="evaluation_outcome"))
    scale_up_zones: Mapped[list] = mapped_column(sa.JSON, default=list)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    evaluated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    evaluated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    trial: Mapped[Trial] = relationship(back_populates="evaluation")
