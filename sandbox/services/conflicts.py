"""Conflicts of interest: organisation ties people record about themselves, and per-file declarations.

A person is conflicted on a file when they belong to the applying organisation, hold a current tie
to it (employment, shareholding, advice, funding, competitor), or declared a conflict on the file."""

from flask_babel import gettext as _

from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..models import ConflictDeclaration, OrganisationTie
from ..models.reviews import TieKind
from ..rules.conflicts import latest_declaration, tie_problems
from ..transaction import atomic


def declare_conflict(user, application, has_conflict, details=""):
    """Record a declaration. A declared conflict stands: it cannot be taken back by a later 'none'."""
    details = (details or "").strip()
    if has_conflict and not details:
        raise ValidationFailed(_("Describe the conflict so the office can reassign the file."))
    previous = latest_declaration(user, application)
    if previous is not None and previous.has_conflict and not has_conflict:
        raise ValidationFailed(_("You already declared a conflict on this file; ask the office if it was a mistake."))
    if not has_conflict and tie_problems(user, application.organisation_id):
        raise ValidationFailed(_("Your recorded ties to the applying organisation are a conflict; declare it."))
    with atomic():
        declaration = ConflictDeclaration(user_id=user.id, application_id=application.id,
                                          has_conflict=bool(has_conflict), details=details)
        db.session.add(declaration)
        db.session.flush()
        record("conflict.declared", declaration, application=application, actor=user,
               data={"has_conflict": bool(has_conflict), "details": details})
    return declaration


def record_tie(user, organisation, kind, since=None, until=None, details=""):
    if since and until and until < since:
        raise ValidationFailed(_("The tie must end after it starts."))
    with atomic():
        tie = OrganisationTie(user_id=user.id, organisation_id=organisation.id, kind=TieKind(kind),
                              since=since, until=until, details=(details or "").strip())
        db.session.add(tie)
        db.session.flush()
        record("conflict.tie_recorded", tie, actor=user,
               data={"organisation_id": organisation.id, "kind": str(kind), "since": since, "until": until})
    return tie


