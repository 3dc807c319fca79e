"""Trials: the plan, the start gate (accepted conditions, insurance, zone capacity), the start,
extension and law-amendment requests, hearings and the start deadline (DESIGN §1)."""
from datetime import date, datetime, timezone

from flask_babel import gettext as _

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Hearing, InsuranceCertificate, Trial
from ..models.trials import AmendmentRequest, ExtensionRequest
from ..rules.dates import add_months, as_date
from ..rules.trials import (MINIMUM_COVER, TRIAL_STAGES, certificate_problems, effective_end, planned_end,
                           trial_of)
from ..states import ApplicationState as S
from ..transaction import atomic
from .workflow import fire

DEFAULT_KPIS = ["units operated", "km or flights", "users served", "operating hours", "incidents"]
DEFAULT_SAFETY_ITEMS = ["incidents and near misses", "remote-monitoring interventions", "safety-staff logs"]


def _ensure_trial(application, actor):
    """The trial record with its default plan; created the first time anything is recorded for it."""
    trial = trial_of(application)
    if trial is None:
        trial = Trial(application=application, kpis=list(DEFAULT_KPIS), safety_items=list(DEFAULT_SAFETY_ITEMS),
                      ends_on=application.period_end)
        db.session.add(trial)
        db.session.flush()
        record("trial.plan_fixed", trial, application=application, actor=actor,
               data={"kpis": trial.kpis, "safety_items": trial.safety_items})
    return trial


def _lines(value):
    if isinstance(value, str):
        value = value.splitlines()
    return [v.strip() for v in value or [] if v and v.strip()]


def fix_plan(office, application, kpis, safety_items):
    """KPIs and safety data items, settled between approval and start; frozen once the trial runs."""
    policy.ensure(office, "trial.supervise", application)
    if S(application.state) != S.approved:
        raise ValidationFailed(_("The trial plan can change only before the trial starts."))
    kpis, safety_items = _lines(kpis), _lines(safety_items)
    if not kpis or not safety_items:
        raise ValidationFailed(_("List at least one KPI and one safety data item, one per line."))
    with atomic():
        trial = _ensure_trial(application, office)
        trial.kpis, trial.safety_items = kpis, safety_items
        record("trial.plan_changed", trial, application=application, actor=office,
               data={"kpis": kpis, "safety_items": safety_items})
    return trial


# ---- start gate ---------------------------------------------------------------------------------

def _money(data, key, problems, label):
    try:
        value = int(str(data.get(key) or "").replace(",", "").strip())
    except ValueError:
        problems.append(_("Give %(what)s as a whole number of won.", what=label))
        return None
    if value < 0:
        problems.append(_("%(what)s cannot be negative.", what=label))
    return value


def _certificate_fields(data):
    problems = []
    insurer, number = (data.get("insurer") or "").strip(), (data.get("policy_number") or "").strip()
    if not insurer:
        problems.append(_("Give the insurer."))
    if not number:
        problems.append(_("Give the policy number."))
    covers = {kind: _money(data, f"cover_{kind}", problems, _("the cover %(kind)s", kind=kind))
              for kind in MINIMUM_COVER}
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if not isinstance(valid_from, date) or not isinstance(valid_until, date):
        problems.append(_("Give the dates the policy is valid from and until."))
    elif valid_until <= valid_from:
        problems.append(_("The policy must end after it starts."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    return {"insurer": insurer, "policy_number": number, "valid_from": valid_from, "valid_until": valid_until,
            **{f"cover_{k}": v for k, v in covers.items()}}


def record_insurance(applicant, application, data, document=None):
    """Store a certificate (even one short of the minimums: the start gate then says what is missing)."""
    policy.ensure(applicant, "trial.operate", application)
    if S(application.state) not in (S.approved, *TRIAL_STAGES):
        raise ValidationFailed(_("Insurance is recorded once the trial is approved."))
    fields = _certificate_fields(data)
    with atomic():
        trial = _ensure_trial(application, applicant)
        certificate = InsuranceCertificate(trial=trial, recorded_by_id=applicant.id,
                                           document_id=document.id if document else None, **fields)
        db.session.add(certificate)
        db.session.flush()
        record("trial.insurance_recorded", certificate, application=application, actor=applicant,
               data={**fields, "problems": certificate_problems(certificate, planned_end(application),
                                                                as_date())})
    return certificate


def start_trial(applicant, application, now=None):
    now = now or datetime.now(timezone.utc)
    with atomic():
        trial = _ensure_trial(application, applicant)
        application = fire(application, "start_trial", applicant, now=now, via="trials.start_trial")
        trial.started_on = now.date()
        trial.ends_on = trial.ends_on or application.period_end
        db.session.flush()
    return trial


# ---- extension and law amendment ---------------------------------------------------------------

def _months(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give the extension in whole months.")) from None


def request_extension(applicant, application, months, reason, now=None):
    months, reason = _months(months), (reason or "").strip()
    with atomic():
        trial = _ensure_trial(application, applicant)
        request = ExtensionRequest(trial=trial, months=months, reason=reason, filed_by_id=applicant.id)
        db.session.add(request)
        fire(application, "request_extension", applicant, reason=reason, months=months, now=now,
             via="trials.request_extension")
        db.session.flush()
        record("trial.extension_request_filed", request, application=application, actor=applicant,
               data={"months": months, "new_end": add_months(effective_end(trial), months)})
    return request


def decide_extension(office, application, grant, reason=""):
    trial = trial_of(application)
    pending = [r for r in (trial.extension_requests if trial else []) if r.granted is None]
    if not pending:
        raise ValidationFailed(_("There is no extension request to decide."))
    with atomic():
        request = pending[-1]
        fire(application, "grant_extension" if grant else "refuse_extension", office, reason=reason,
             via="trials.decide_extension")
        request.granted, request.decided_at = bool(grant), datetime.now(timezone.utc)
        db.session.flush()
        record("trial.extension_decided", request, application=application, actor=office,
               data={"granted": bool(grant), "months": request.months, "ends_on": effective_end(trial)})
    return request


def request_law_amendment(applicant, application, law, reason, now=None):
    law, reason = (law or "").strip(), (reason or "").strip()
    with atomic():
        trial = _ensure_trial(application, applicant)
        request = AmendmentRequest(trial=trial, law=law[:300], reason=reason, filed_by_id=applicant.id)
        db.session.add(request)
        fire(application, "request_law_amendment", applicant, reason=reason, law=law, now=now,
             via="trials.request_law_amendment")
        db.session.flush()
        record("trial.amendment_request_filed", request, application=application, actor=applicant,
               data={"law": law})
    return request


# ---- hearings and cancellation ------------------------------------------------------------------

def record_hearing(office, application, held_on, attendees, summary):
    policy.ensure(office, "trial.supervise", application)
    attendees, summary = (attendees or "").strip(), (summary or "").strip()
    problems = []
    if not isinstance(held_on, date):
        problems.append(_("Give the date of the hearing."))
    if not attendees:
        problems.append(_("List who attended."))
    if not summary:
        problems.append(_("Summarise what was said."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        hearing = Hearing(application_id=application.id, held_on=held_on, attendees=attendees, summary=summary,
                          recorded_by_id=office.id)
        db.session.add(hearing)
        db.session.flush()
        record("trial.hearing_recorded", hearing, application=application, actor=office,
               data={"held_on": held_on, "attendees": attendees})
    return hearing


