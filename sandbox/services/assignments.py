"""Assigning reviewers to files and authorities to requested exemptions: one code path for a single
assignment and for a bulk CSV (dry run first, then all rows or none)."""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import policy
from ..audit.record import record
from ..errors import PermissionDenied, ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import Application, Assignment, ExemptionRequest, ExemptionType, User, UserRole
from ..models.reviews import AssignmentRole, AssignmentStatus
from ..rules.conflicts import conflict_problems
from ..rules.duties import screeners
from ..states import ApplicationState as S
from ..transaction import atomic

ASSIGNABLE_STATES = frozenset({S.submitted, S.screening, S.supplement_requested, S.expert_review,
                               S.exemption_check})
OPEN_STATUSES = (AssignmentStatus.proposed, AssignmentStatus.accepted)


def max_load():
    return int(current_app.config.get("REVIEWER_MAX_LOAD", 5))


def default_due():
    return date.today() + timedelta(days=int(current_app.config.get("ASSIGNMENT_DUE_DAYS", 14)))


def open_load(user):
    """Files the person is still working on (proposed or accepted, not yet done)."""
    return db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.user_id == user.id, Assignment.status.in_(OPEN_STATUSES))) or 0


def active_assignment(user, application, exemption_request=None):
    stmt = select(Assignment).where(Assignment.user_id == user.id, Assignment.application_id == application.id,
                                    Assignment.status != AssignmentStatus.declined)
    if exemption_request is not None:
        stmt = stmt.where(Assignment.exemption_request_id == exemption_request.id)
    return db.session.scalars(stmt.order_by(Assignment.id)).first()


def assignment_problems(application, user, role, exemption_request=None, planned=0):
    """Why `user` may not take this assignment (empty: they may). `planned`: rows ahead in a batch."""
    role = AssignmentRole(role)
    needed = Role.reviewer if role == AssignmentRole.reviewer else Role.authority
    if needed not in user.role_set:
        return [_("%(name)s does not hold the role “%(role)s”.", name=user.display_name, role=needed.label)]
    reasons = []
    if S(application.state) not in ASSIGNABLE_STATES:
        reasons.append(_("The file is “%(state)s”; assignments are made during screening and review.",
                         state=S(application.state).label))
    if role == AssignmentRole.authority and exemption_request is None:
        reasons.append(_("Choose the requested exemption the authority should answer."))
    if active_assignment(user, application, exemption_request) is not None:
        reasons.append(_("%(name)s is already assigned to this.", name=user.display_name))
    if user.id in screeners(application):
        reasons.append(_("%(name)s screened this file and may not also review it.", name=user.display_name))
    if Role.admin in user.role_set:
        reasons.append(_("%(name)s is an administrator; administrators do not act on files.", name=user.display_name))
    reasons.extend(conflict_problems(user, application))
    if role == AssignmentRole.reviewer and open_load(user) + planned >= max_load():
        reasons.append(_("%(name)s already has %(load)d open reviews (the maximum is %(max)d).",
                         name=user.display_name, load=open_load(user) + planned, max=max_load()))
    return reasons


def _create(office, application, user, role, exemption_request, due):
    assignment = Assignment(application=application, user_id=user.id, role=AssignmentRole(role),
                            exemption_request=exemption_request, due_date=due or default_due(),
                            assigned_by_id=office.id, status=AssignmentStatus.proposed)
    db.session.add(assignment)
    db.session.flush()
    record("assignment.created", assignment, application=application, actor=office,
           data={"assignee": user.email, "role": str(role), "due": assignment.due_date,
                 "exemption": exemption_request.exemption_type.code if exemption_request else None})
    return assignment


def _assign(office, application, user, role, exemption_request=None, due=None):
    policy.ensure(office, "assignment.manage")
    with atomic():
        problems = assignment_problems(application, user, role, exemption_request)
        if problems:
            raise ValidationFailed(problems[0], problems)
        return _create(office, application, user, role, exemption_request, due)


def assign_reviewer(office, application, reviewer, due=None):
    return _assign(office, application, reviewer, AssignmentRole.reviewer, None, due)


def assign_authority(office, exemption_request, authority, due=None):
    return _assign(office, exemption_request.application, authority, AssignmentRole.authority,
                   exemption_request, due)


def set_agency(user, agency):
    """The agency an authority officer works for, used to suggest who answers which exemption."""
    with atomic():
        user.agency = (agency or "").strip() or None
        record("user.agency_set", user, actor=user, data={"agency": user.agency})


def _users_with(role):
    return db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == role, User.active.is_(True)).order_by(User.id)).all()


def reviewer_candidates(application):
    """Every reviewer with their open load and any reason they may not be assigned to this file."""
    return [{"user": u, "load": open_load(u), "problems": assignment_problems(application, u, AssignmentRole.reviewer)}
            for u in _users_with(Role.reviewer)]


def authority_candidates(exemption_request):
    """Authority officers, those whose agency runs this exemption first."""
    exemption = exemption_request.exemption_type
    agencies = {exemption.authority_ko, exemption.authority_en}
    rows = [{"user": u, "suggested": u.agency in agencies,
             "problems": assignment_problems(exemption_request.application, u, AssignmentRole.authority,
                                             exemption_request)}
            for u in _users_with(Role.authority)]
    return sorted(rows, key=lambda r: (not r["suggested"], bool(r["problems"]), r["user"].id))


def suggest_reviewer(application):
    """The least-loaded reviewer who may take the file and has not declined it, or None."""
    asked = set(db.session.scalars(select(Assignment.user_id).where(Assignment.application_id == application.id)))
    free = [c for c in reviewer_candidates(application) if not c["problems"] and c["user"].id not in asked]
    return min(free, key=lambda c: (c["load"], c["user"].id))["user"] if free else None


def _own(user, assignment):
    if assignment.user_id != user.id:
        raise PermissionDenied("assignment.answer")
    if assignment.status != AssignmentStatus.proposed:
        raise ValidationFailed(_("You have already answered this assignment."))
    policy.ensure(user, "assignment.answer", assignment)  # e.g. refused to the administrator role, saying so


def accept_assignment(user, assignment):
    _own(user, assignment)
    with atomic():
        assignment.status = AssignmentStatus.accepted
        assignment.answered_at = datetime.now(timezone.utc)
        record("assignment.accepted", assignment, application=assignment.application, actor=user)
    return assignment


def decline_assignment(user, assignment, reason):
    """Decline with a reason; returns the next suitable reviewer for the office (or None)."""
    _own(user, assignment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for declining."))
    with atomic():
        assignment.status = AssignmentStatus.declined
        assignment.decline_reason = reason
        assignment.answered_at = datetime.now(timezone.utc)
        record("assignment.declined", assignment, application=assignment.application, actor=user,
               data={"reason": reason})
    if assignment.role == AssignmentRole.reviewer:
        return suggest_reviewer(assignment.application)
    return None


@dataclass
class BulkResult:
    rows: list = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self):
        return bool(self.rows) and not any(r["problems"] for r in self.rows)


BULK_COLUMNS = ("file", "email", "role", "exemption", "due")


def _find_file(value):
    value = (value or "").strip()
    if value.isdigit():
        return db.session.get(Application, int(value))
    return db.session.scalar(select(Application).where(Application.reference == value)) if value else None


def _plan_row(number, raw, planned_loads):
    row = {"line": number, **{k: (raw.get(k) or "").strip() for k in BULK_COLUMNS}, "problems": [], "plan": None}
    application = _find_file(row["file"])
    user = db.session.scalar(select(User).where(func.lower(User.email) == row["email"].lower())) if row["email"] else None
    if application is None:
        row["problems"].append(_("No file “%(file)s”.", file=row["file"]))
    if user is None:
        row["problems"].append(_("No user “%(email)s”.", email=row["email"]))
    if row["role"] not in AssignmentRole.__members__:
        row["problems"].append(_("Role must be “reviewer” or “authority”."))
    due = None
    if row["due"]:
        try:
            due = date.fromisoformat(row["due"])
        except ValueError:
            row["problems"].append(_("“%(due)s” is not a date (YYYY-MM-DD).", due=row["due"]))
    if row["problems"]:
        return row
    exemption_request = None
    if row["role"] == AssignmentRole.authority:
        exemption_request = db.session.scalar(
            select(ExemptionRequest).join(ExemptionType).where(ExemptionRequest.application_id == application.id,
                                                               ExemptionType.code == row["exemption"]))
        if exemption_request is None:
            row["problems"].append(_("The file does not request the exemption “%(code)s”.", code=row["exemption"]))
            return row
    key = (user.id, application.id, exemption_request.id if exemption_request else None)
    if key in planned_loads["seen"]:
        row["problems"].append(_("The same assignment appears twice in the file."))
        return row
    planned_loads["seen"].add(key)
    planned = planned_loads.setdefault(user.id, 0)
    row["problems"] = assignment_problems(application, user, row["role"], exemption_request, planned=planned)
    if row["role"] == AssignmentRole.reviewer:
        planned_loads[user.id] = planned + 1
    row["plan"] = (application, user, row["role"], exemption_request, due)
    row["effect"] = _("Assign %(name)s to “%(file)s” as %(role)s", name=user.display_name,
                      file=application.display_title, role=AssignmentRole(row["role"]).label)
    return row


def bulk_assign(office, csv_text, dry_run=True):
    """Check every row; apply all of them (in one transaction) only when none has a problem."""
    policy.ensure(office, "assignment.manage")
    reader = csv.DictReader(io.StringIO((csv_text or "").lstrip("\ufeff")))
    missing = [c for c in ("file", "email", "role") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(_("The CSV needs the columns file, email, role (and exemption, due)."))
    planned = {"seen": set()}
    result = BulkResult(rows=[_plan_row(n, raw, planned) for n, raw in enumerate(reader, start=2)])
    if not result.rows:
        raise ValidationFailed(_("The CSV has no rows."))
    if dry_run or not result.ok:
        return result
    with atomic():
        for row in result.rows:
            _create(office, *row["plan"])
    result.applied = True
    return result
