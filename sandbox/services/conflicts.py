"""Conflicts of interest: organisation ties people record about themselves, and per-file declarations.

A person is conflicted on a file when they belong to the applying organisation, hold a current tie
to it (employment, shareholding, advice, funding, competitor), or declared a conflict on the file."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..models import ConflictDeclaration, OrganisationTie
from ..models.reviews import TieKind
from .transaction import atomic


def latest_declaration(user, application):
    return db.session.scalars(
        select(ConflictDeclaration).where(ConflictDeclaration.user_id == user.id,
                                          ConflictDeclaration.application_id == application.id)
        .order_by(ConflictDeclaration.id.desc()).limit(1)).first()


def tie_problems(user, organisation_id, on=None):
    """Reasons `user` is tied to the organisation, in words the office can act on (empty: none)."""
    on = on or date.today()
    reasons = []
    if organisation_id in user.organisation_ids:
        reasons.append(_("%(name)s is a member of the applying organisation.", name=user.display_name))
    ties = db.session.scalars(select(OrganisationTie).where(OrganisationTie.user_id == user.id,
                                                            OrganisationTie.organisation_id == organisation_id)).all()
    for tie in ties:
        if tie.current_on(on):
            reasons.append(_("%(name)s has a tie to the applying organisation (%(kind)s).",
                             name=user.display_name, kind=TieKind(tie.kind).label))
    return reasons


def conflict_problems(user, application):
    """Every reason `user` may not see or judge `application` (ties and a declared conflict)."""
    reasons = tie_problems(user, application.organisation_id)
    declaration = latest_declaration(user, application)
    if declaration is not None and declaration.has_conflict:
        reasons.append(_("%(name)s declared a conflict of interest on this file.", name=user.display_name))
    return reasons


def declared_no_conflict(user, application):
    declaration = latest_declaration(user, application)
    return declaration is not None and not declaration.has_conflict


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


def ties_of(user):
    return db.session.scalars(select(OrganisationTie).where(OrganisationTie.user_id == user.id)
                              .order_by(OrganisationTie.id)).all()
