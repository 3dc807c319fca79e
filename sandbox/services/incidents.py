"""Incidents and damage claims. A critical incident suspends the trial at once, through the workflow;
a claim runs a 30-day pay-or-refuse clock and its outcome is reported within 15 days."""
from datetime import date, datetime, timedelta, timezone

from flask_babel import force_locale
from flask_babel import gettext as _
from shapely.geometry import shape

from .. import policy, sites
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import Claim, Incident
from ..models.trials import ClaimOutcome, Severity
from ..rules.dates import as_date
from ..rules.trials import TRIAL_STAGES
from ..states import ApplicationState as S
from ..transaction import atomic
from ..workflow.machine import SYSTEM
from .notifications import notify, site_path, users_with_role
from .trials import _ensure_trial
from .workflow import fire

CLAIM_DAYS = 30
CLAIM_REPORT_DAYS = 15


def _int(value, label, problems):
    try:
        number = int(str(value or 0).replace(",", "").strip() or 0)
    except ValueError:
        problems.append(_("Give %(what)s as a whole number.", what=label))
        return 0
    if number < 0:
        problems.append(_("%(what)s cannot be negative.", what=label))
    return number


def _location(raw, zone, problems):
    """(geojson or None, outside the zone?)"""
    if raw in (None, "", {}):
        return None, False
    try:
        geojson = sites.parse_geojson(raw)
    except sites.GeometryError as exc:
        problems.append(str(exc))
        return None, False
    outside = bool(zone and zone.boundary_geojson and not shape(zone.boundary_geojson).covers(shape(geojson)))
    return geojson, outside


def _incident_fields(application, data):
    problems = []
    severity = data.get("severity")
    if severity not in Severity.__members__:
        problems.append(_("Choose the severity."))
    occurred_at = data.get("occurred_at")
    if not isinstance(occurred_at, datetime):
        problems.append(_("Give when the incident happened."))
    elif occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=timezone.utc)
    description = (data.get("description") or "").strip()
    if not description:
        problems.append(_("Describe what happened."))
    location, outside = _location(data.get("location"), application.zone, problems)
    injuries = _int(data.get("injuries"), _("the number of injured people"), problems)
    damage = _int(data.get("damage_krw"), _("the damage in won"), problems)
    if problems:
        raise ValidationFailed(problems[0], problems)
    return {"severity": Severity(severity), "occurred_at": occurred_at, "description": description,
            "location_geojson": location, "outside_zone": outside, "injuries": injuries, "damage_krw": damage,
            "response": (data.get("response") or "").strip()}


def _tell_office(application, incident):
    with force_locale("ko"):
        subject = _("%(severity)s incident in %(file)s", severity=incident.severity.label,
                    file=application.reference or application.display_title)
        body = incident.description + ("\n" + _("The incident happened outside the zone.") if incident.outside_zone
                                       else "")
    notify(users_with_role(Role.office), "trial.incident", subject, body,
           site_path("office.trial_detail", application_id=application.id), application)


def report_incident(operator, application, data):
    policy.ensure(operator, "trial.operate", application)
    if S(application.state) not in TRIAL_STAGES:
        raise ValidationFailed(_("Incidents are reported while the trial runs."))
    fields = _incident_fields(application, data)
    with atomic():
        trial = _ensure_trial(application, operator)
        incident = Incident(trial=trial, reported_by_id=operator.id, **fields)
        db.session.add(incident)
        db.session.flush()
        record("trial.incident_reported", incident, application=application, actor=operator,
               data={k: v for k, v in fields.items() if k != "description"})
        _tell_office(application, incident)
        if incident.severity == Severity.critical and S(application.state) == S.trial_active:
            fire(application, "suspend_for_incident", SYSTEM,
                 reason=_("Critical incident #%(id)d: %(text)s", id=incident.id, text=incident.description[:200]),
                 incident_id=incident.id, via="incidents.report_incident")
    return incident


def record_claim(operator, incident, claimant, amount, filed_on):
    application = incident.trial.application
    policy.ensure(operator, "trial.operate", application)
    problems = []
    claimant = (claimant or "").strip()
    if not claimant:
        problems.append(_("Give the claimant's name."))
    amount = _int(amount, _("the amount claimed"), problems)
    if not isinstance(filed_on, date):
        problems.append(_("Give the date the claim was received."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        claim = Claim(incident=incident, claimant=claimant[:200], amount_krw=amount, filed_on=filed_on,
                      due_on=filed_on + timedelta(days=CLAIM_DAYS), recorded_by_id=operator.id)
        db.session.add(claim)
        db.session.flush()
        # The claimant's name is personal data: the audit keeps the amount and dates only.
        record("trial.claim_recorded", claim, application=application, actor=operator,
               data={"incident_id": incident.id, "amount_krw": amount, "filed_on": filed_on, "due_on": claim.due_on})
    return claim


def answer_claim(operator, claim, outcome, reason="", paid_krw=None, decided_on=None, now=None):
    """Pay or refuse in writing; answering here is also the report of the outcome to the office."""
    application = claim.incident.trial.application
    policy.ensure(operator, "trial.operate", application)
    today = as_date(now)
    decided_on = decided_on or today
    reason = (reason or "").strip()
    problems = []
    if claim.outcome != ClaimOutcome.pending:
        problems.append(_("This claim has already been answered."))
    if outcome not in (ClaimOutcome.paid, ClaimOutcome.refused):
        problems.append(_("Choose whether the claim was paid or refused."))
    if outcome == ClaimOutcome.refused and not reason:
        problems.append(_("A refusal must be given in writing: state the reasons."))
    paid = _int(paid_krw, _("the amount paid"), problems) if outcome == ClaimOutcome.paid else None
    if decided_on > today or decided_on < claim.filed_on:
        problems.append(_("The decision date must lie between the claim and today."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        claim.outcome, claim.outcome_reason, claim.paid_krw = ClaimOutcome(outcome), reason, paid
        claim.decided_on, claim.reported_on = decided_on, today
        record("trial.claim_answered", claim, application=application, actor=operator,
               data={"outcome": outcome, "paid_krw": paid, "decided_on": decided_on, "late": claim_late(claim),
                     "reported_late": (today - decided_on).days > CLAIM_REPORT_DAYS})
    return claim


def claim_late(claim, today=None):
    """Answered after the 30 days, or still unanswered past them."""
    if claim.decided_on is not None:
        return claim.decided_on > claim.due_on
    return (today or date.today()) > claim.due_on


def claim_clock(claim, today=None):
    """The 30-day clock in the shape ui.clock() renders."""
    today = today or date.today()
    end = claim.decided_on or today
    return {"label": _("Pay or refuse"), "days_used": (end - claim.filed_on).days,
            "days_left": None if claim.decided_on else (claim.due_on - today).days, "due_date": claim.due_on,
            "paused": False, "pause_reason": "", "overdue": claim_late(claim, today)}


def claims_of(trial):
    return [c for i in (trial.incidents if trial else []) for c in i.claims]
