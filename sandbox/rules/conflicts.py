"""Conflicts of interest, read: organisation ties people record about themselves, and per-file declarations.

A person is conflicted on a file when they belong to the applying organisation, hold a current tie
to it (employment, shareholding, advice, funding, competitor), or declared a conflict on the file.
The declaring and recording verbs are in services/conflicts.py."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import ConflictDeclaration, OrganisationTie
from ..models.reviews import TieKind


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


def ties_of(user):
    return db.session.scalars(select(OrganisationTie).where(OrganisationTie.user_id == user.id)
                              .order_by(OrganisationTie.id)).all()
