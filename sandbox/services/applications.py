"""Drafting an application: create, save a step, requested exemptions. State changes go through
services.workflow.fire; this module only edits a draft's content."""
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..audit.record import record
from ..errors import StaleObject, ValidationFailed
from ..extensions import db
from ..labels import Instrument
from ..models import Application, ExemptionRequest
from ..states import ApplicationState
from ..transaction import atomic, is_write_conflict

# The fields each step of the form may change (the view's form decides which are shown).
EDITABLE_FIELDS = frozenset({
    "zone_id", "category", "title", "summary", "innovation", "public_benefit", "regulations", "safety_plan",
    "user_protection", "insurance_plan", "financing", "question", "site_geojson", "period_start",
    "period_end", "units", "users_planned",
})


def create_application(user, organisation, instrument):
    if organisation.id not in user.organisation_ids:
        raise ValidationFailed(_("You are not a member of that organisation."))
    policy.ensure(user, "application.create")
    with atomic():
        application = Application(instrument=Instrument(instrument), organisation=organisation, created_by=user,
                                  state=ApplicationState.draft)
        db.session.add(application)
        db.session.flush()
        record("application.created", application, application=application, actor=user,
               to_state=ApplicationState.draft, data={"instrument": str(instrument)})
    return application


def save_draft(user, application, changes, step=None, expected_version=None):
    """Save one step of the form. Only changed fields are written and audited (as a diff).

    `expected_version` is the version the form was loaded at: when someone saved the draft since (another
    tab, a colleague), nothing is written and StaleObject is raised, so their save is not overwritten
    unseen. Saves racing each other meet the version column instead; the loser gets StaleObject too."""
    policy.ensure(user, "application.edit", application)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    try:
        with atomic():
            if expected_version is not None and application.version != int(expected_version):
                raise StaleObject(_draft_changed())
            diff = {}
            for field, value in changes.items():
                old = getattr(application, field)
                if old != value:
                    diff[field] = {"old": old, "new": value}
                    setattr(application, field, value)
            if diff:
                record("application.draft_saved", application, application=application, actor=user,
                       data={"step": step, "changed": sorted(diff)})
    except Exception as exc:
        if is_write_conflict(exc):
            raise StaleObject(_draft_changed()) from exc
        raise
    return bool(diff)


def _draft_changed():
    return _("Someone else saved this draft after you opened it, so your changes were not saved. What you "
             "entered is kept below: check it against the saved draft and save again to keep it.")


def add_exemption_request(user, application, exemption_type, legal_ground, justification, parameters=None):
    policy.ensure(user, "application.edit", application)
    if application.zone is not None and exemption_type not in application.zone.exemption_types:
        raise ValidationFailed(_("The zone %(zone)s does not offer the exemption “%(name)s”.",
                                 zone=application.zone.name, name=exemption_type.name))
    already = _("This exemption is already requested; edit or remove the existing request.")
    if any(r.exemption_type_id == exemption_type.id for r in application.exemption_requests):
        raise ValidationFailed(already)
    try:
        with atomic():
            request = ExemptionRequest(exemption_type=exemption_type, legal_ground=legal_ground,
                                       justification=justification.strip(),
                                       requested_parameters=parameters or {})
            application.exemption_requests.append(request)
            db.session.flush()
            record("exemption_request.added", request, application=application, actor=user,
                   data={"exemption": exemption_type.code, "legal_ground": str(legal_ground)})
    except IntegrityError as exc:  # another tab added it between the check above and this insert
        raise ValidationFailed(already) from exc
    return request


def remove_exemption_request(user, application, request):
    policy.ensure(user, "application.edit", application)
    if request.application_id != application.id:
        raise ValidationFailed(_("That exemption request belongs to another application."))
    with atomic():
        code = request.exemption_type.code
        application.exemption_requests.remove(request)
        record("exemption_request.removed", application, application=application, actor=user,
               data={"exemption": code})
