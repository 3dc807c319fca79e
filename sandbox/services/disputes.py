"""Disputes over an organisation's registration number: filed by a company that finds its number
taken, verified and resolved by the sandbox office. Every step is audited and both sides hear of it.

Resolving for the disputing company transfers the organisation record to it: the registration number
identifies one legal entity, and what was filed under that number belongs to that entity. The wrong
holder's memberships end (they lose access at once), the invitation code is replaced (codes they
shared stop working), and the organisation takes the name and kind the disputing company gave.
Applications filed under the number stay with the organisation, where the real company can see and
withdraw them; the audit trail keeps who filed them."""
from datetime import datetime, timezone

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..audit.record import record
from ..errors import StaleObject, ValidationFailed
from ..extensions import db
from ..labels import OrganisationKind, Role
from ..models import DisputeState, Membership, Organisation, OrganisationDispute, User
from ..models.organisations import new_invite_code
from ..transaction import atomic, lock_for_write
from .documents import ALLOWED_TYPES, path_for, store_upload
from .notifications import notify, site_path, users_with_role

RESOLUTIONS = (DisputeState.holder_confirmed, DisputeState.transferred)


def holder_of(registration_number):
    """The organisation registered under this number, if any."""
    return db.session.scalars(select(Organisation).where(
        Organisation.registration_number == (registration_number or "").strip())).first()


def open_disputes():
    return db.session.scalars(
        select(OrganisationDispute).where(OrganisationDispute.state == DisputeState.open)
        .order_by(OrganisationDispute.created_at, OrganisationDispute.id)).all()


def open_dispute_count():
    return db.session.scalar(select(func.count()).select_from(OrganisationDispute)
                             .where(OrganisationDispute.state == DisputeState.open))


def resolved_disputes(limit=20):
    return db.session.scalars(
        select(OrganisationDispute).where(OrganisationDispute.state != DisputeState.open)
        .order_by(OrganisationDispute.resolved_at.desc()).limit(limit)).all()


def disputes_filed_by(user):
    return db.session.scalars(select(OrganisationDispute).where(OrganisationDispute.filed_by_id == user.id)
                              .order_by(OrganisationDispute.created_at.desc())).all()


def _members(organisation):
    return db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                              .where(Membership.organisation_id == organisation.id).order_by(User.id)).all()


def _in_site_language():
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "ko"))


def file_dispute(user, registration_number, claimed_name, claimed_kind, statement="", evidence=None):
    """`user` says the organisation registered under `registration_number` is their company's."""
    policy.ensure(user, "organisation.dispute")
    number = (registration_number or "").strip()
    statement = (statement or "").strip()
    organisation = holder_of(number)
    if organisation is None:
        raise ValidationFailed(_("No organisation is registered under this number; you can register it "
                                 "yourself."))
    if organisation.id in user.organisation_ids:
        raise ValidationFailed(_("You are a member of the organisation registered under this number "
                                 "already."))
    if not statement and evidence is None:
        raise ValidationFailed(_("Give a statement, upload evidence, or both."))
    stored = store_upload(evidence) if evidence is not None else (None, None, None)
    already = _("You have an open dispute over this number already; the office will tell you its decision.")
    try:
        with atomic():
            if db.session.scalars(select(OrganisationDispute.id).where(
                    OrganisationDispute.organisation_id == organisation.id,
                    OrganisationDispute.filed_by_id == user.id,
                    OrganisationDispute.state == DisputeState.open)).first() is not None:
                raise ValidationFailed(already)
            dispute = OrganisationDispute(
                organisation=organisation, filed_by=user, registration_number=number,
                claimed_name=claimed_name.strip(), claimed_kind=OrganisationKind(claimed_kind),
                statement=statement, evidence_sha256=stored[0], evidence_size=stored[1],
                evidence_media_type=stored[2])
            db.session.add(dispute)
            db.session.flush()
            _tell_about_filing(dispute, organisation)
            record("organisation.dispute_filed", dispute, actor=user, data={
                "organisation_id": organisation.id, "registration_number": number,
                "claimed_name": dispute.claimed_name, "claimed_kind": str(dispute.claimed_kind),
                "evidence_sha256": stored[0], "statement_given": bool(statement)})
    except IntegrityError as exc:  # the same person filing twice at once: the open-dispute index decides
        raise ValidationFailed(already) from exc
    return dispute


def _tell_about_filing(dispute, organisation):
    number = dispute.registration_number
    mine = site_path("applicant.organisations")
    with _in_site_language():
        notify(_members(organisation), "organisation.dispute_filed",
               _("A dispute over the registration number of %(name)s", name=organisation.name),
               _("A company says registration number %(number)s is theirs and has asked the sandbox office "
                 "to verify who holds it. Nothing changes until the office decides; it may contact you for "
                 "evidence.", number=number), mine)
        notify([dispute.filed_by], "organisation.dispute_filed",
               _("Your dispute over registration number %(number)s was filed", number=number),
               _("The sandbox office will verify your evidence and tell you its decision."), mine)
        notify(users_with_role(Role.office), "organisation.dispute_filed",
               _("Organisation dispute: %(number)s", number=number),
               _("%(claimed)s disputes the registration of %(name)s under number %(number)s.",
                 claimed=dispute.claimed_name, name=organisation.name, number=number),
               site_path("office.dispute_show", dispute_id=dispute.id))


def resolve_dispute(officer, dispute, outcome, note, now=None):
    """The office's decision: keep the registered holder, or transfer the organisation to the filer."""
    outcome = DisputeState(outcome)
    if outcome not in RESOLUTIONS:
        raise ValidationFailed(_("Choose how the dispute is resolved."))
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Give the reason for the decision; both sides receive it."))
    with atomic():
        lock_for_write()  # SQLite: two officers deciding at once queue here; PostgreSQL: the row locks below
        dispute = _locked(OrganisationDispute, dispute.id)
        if not dispute.is_open:
            raise StaleObject(_("Another officer resolved this dispute first. Reload it to see the "
                                "decision."))
        policy.ensure(officer, "dispute.resolve", dispute)
        organisation = _locked(Organisation, dispute.organisation_id)
        members_before = _members(organisation)
        data = {"outcome": outcome.value, "note": note, "organisation_id": organisation.id,
                "registration_number": organisation.registration_number, "filed_by": dispute.filed_by.email}
        if outcome == DisputeState.transferred:
            data.update(_transfer(organisation, dispute, members_before))
        dispute.state = outcome
        dispute.resolution_note = note
        dispute.resolved_by = officer
        dispute.resolved_at = now or datetime.now(timezone.utc)
        _tell_about_resolution(dispute, organisation, members_before, outcome, note)
        record("organisation.dispute_resolved", dispute, actor=officer, data=data)
    return dispute


def _locked(model, object_id):
    return db.session.execute(select(model).where(model.id == object_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def _transfer(organisation, dispute, members_before):
    """The organisation becomes the filer's: the wrong holder's memberships end, the invitation code
    changes, and it takes the name the filer gave. Returns what changed, for the audit event."""
    removed = [m for m in organisation.memberships if m.user_id != dispute.filed_by_id]
    for membership in removed:
        organisation.memberships.remove(membership)
    if dispute.filed_by_id not in {m.user_id for m in organisation.memberships}:
        organisation.memberships.append(Membership(user=dispute.filed_by))
    previous = {"previous_name": organisation.name, "previous_kind": str(organisation.kind)}
    organisation.name = dispute.claimed_name
    organisation.kind = dispute.claimed_kind
    organisation.invite_code = new_invite_code()
    removed_ids = {m.user_id for m in removed}
    return {**previous, "name": organisation.name, "kind": str(organisation.kind),
            "members_removed": [u.email for u in members_before if u.id in removed_ids]}


def _tell_about_resolution(dispute, organisation, members_before, outcome, note):
    number = dispute.registration_number
    mine = site_path("applicant.organisations")
    others = [u for u in members_before if u.id != dispute.filed_by_id]
    with _in_site_language():
        if outcome == DisputeState.transferred:
            notify([dispute.filed_by], "organisation.dispute_resolved",
                   _("Dispute over %(number)s: the organisation is now yours", number=number),
                   _("The sandbox office verified that registration number %(number)s is your company's. "
                     "You are now a member of %(name)s; share its new invitation code with colleagues."
                     "\n\nReason: %(note)s", number=number, name=organisation.name, note=note), mine)
            notify(others, "organisation.dispute_resolved",
                   _("Dispute over %(number)s: the organisation was transferred", number=number),
                   _("The sandbox office verified that registration number %(number)s belongs to another "
                     "company. Your membership of the organisation registered under it has ended."
                     "\n\nReason: %(note)s", number=number, note=note), mine)
        else:
            notify([dispute.filed_by], "organisation.dispute_resolved",
                   _("Dispute over %(number)s: the registered holder keeps it", number=number),
                   _("The sandbox office verified the registration of number %(number)s and kept its holder."
                     "\n\nReason: %(note)s", number=number, note=note), mine)
            notify(others, "organisation.dispute_resolved",
                   _("Dispute over %(number)s resolved: your organisation keeps the number", number=number),
                   _("The sandbox office verified your organisation's registration and kept it."
                     "\n\nReason: %(note)s", note=note), mine)


def evidence_for_download(user, dispute):
    """Audit the access, then hand back (path, media type, download name); the caller streams it."""
    policy.ensure(user, "dispute.evidence", dispute)
    if dispute.evidence_sha256 is None:
        return None
    with atomic():
        record("organisation.dispute_evidence_downloaded", dispute, actor=user,
               data={"sha256": dispute.evidence_sha256})
    extension = ALLOWED_TYPES.get(dispute.evidence_media_type, "")
    name = f"dispute-{dispute.id}-evidence{extension}"
    return path_for(dispute.evidence_sha256), dispute.evidence_media_type, name
