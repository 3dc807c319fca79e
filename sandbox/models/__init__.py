"""All models, imported here so Alembic's autogenerate sees every table."""
from .applications import Application, ExemptionRequest
from .audit import AuditCheckpoint, AuditEvent, AuditHead
from .clocks import StageClock
from .documents import Document
from .organisations import Membership, Organisation
from .users import User, UserRole
from .zones import ExemptionType, Zone, zone_exemptions

__all__ = [
    "Application", "AuditCheckpoint", "AuditEvent", "AuditHead", "Document", "ExemptionRequest",
    "ExemptionType", "Membership", "Organisation", "StageClock", "User", "UserRole", "Zone",
    "zone_exemptions",
]
