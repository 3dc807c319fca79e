"""All models, imported here so Alembic's autogenerate sees every table."""
from .applications import Application, ExemptionRequest
from .audit import AuditCheckpoint, AuditEvent, AuditHead
from .clocks import StageClock
from .committee import AgendaItem, CommitteeMeeting, Condition, Decision, Vote, meeting_members
from .disputes import DisputeState, OrganisationDispute
from .documents import Document
from .duties import DutyKind, FileDuty
from .feedback import Feedback, PublicSummary
from .notifications import EmailStatus, Notification
from .organisations import Membership, Organisation
from .reviews import Assignment, ConflictDeclaration, Opinion, OrganisationTie, Review
from .sessions import UserSession
from .users import User, UserRole
from .trials import (AmendmentRequest, Claim, CorrectionOrder, Evaluation, ExtensionRequest, Hearing, Incident,
                     InsuranceCertificate, Trial, TrialReport)
from .zones import ExemptionType, Zone, zone_exemptions

__all__ = [
    "Application", "AuditCheckpoint", "AuditEvent", "AuditHead", "Document", "DutyKind", "ExemptionRequest",
    "ExemptionType", "FileDuty", "Membership", "Organisation", "StageClock", "User", "UserRole", "UserSession",
    "Zone",
    "zone_exemptions",
    "AgendaItem", "Assignment", "CommitteeMeeting", "Condition", "ConflictDeclaration", "Decision",
    "Opinion", "OrganisationTie", "Review", "Vote", "meeting_members",
    "EmailStatus", "Notification",
    "AmendmentRequest", "Claim", "CorrectionOrder", "Evaluation", "ExtensionRequest", "Feedback", "Hearing",
    "Incident", "InsuranceCertificate", "PublicSummary", "Trial", "TrialReport",
    "DisputeState", "OrganisationDispute",
]
