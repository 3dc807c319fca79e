"""Trials: the plan, the start gate (accepted conditions, insurance, zone capacity), the start,
extension and law-amendment requests, hearings and the start deadline (DESIGN §1)."""
from datetime import date, datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Hearing, InsuranceCertificate, Trial
from ..models.trials import ExtensionRequest, AmendmentRequest
from ..workflow.guards import _add_months
from ..workflow.states import ApplicationState as S
from .transaction import atomic

# Smart City Act minimum liability cover, in KRW per accident.
MINIMUM_COVER = {"death": 150_000_000, "injury": 30_000_000, "disability": 150_000_000, "property": 1_000_000_000}
EXTENSION_LIMIT_MONTHS = 24      # one extension of up to 2 years (ICT and smart city alike)
REQUEST_LEAD_MONTHS = 2          # extension and amendment requests: at least 2 months before expiry
TRIAL_STAGES = (S.trial_active, S.suspended, S.extension_review, S.amendment_pending)
DEFAULT_KPIS = ["units operated", "km or flights", "users served", "operating hours", "incidents"]
DEFAULT_SAFETY_ITEMS = ["incidents and near misses", "remote-monitoring interventions", "safety-staff logs"]


def _today(now=None):
    if now is None:
        return datetime.now(timezone.utc).date()
    return now.date() if isinstance(now, datetime) else now


def trial_of(application):
    if application is None or application.id is None:
        return None
    return db.session.scalar(select(Trial).where(Trial.application_id == application.id))


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

def conditions_acceptance_problems(application):
    from .committee import conditions_acceptance_problems as decision_problems
    return decision_problems(application)


def planned_end(application):
    trial = trial_of(application)
    return (trial.ends_on if trial and trial.ends_on else None) or application.period_end


def certificate_problems(certificate, end, today):
    labels = {"death": _("per death"), "injury": _("per injury"), "disability": _("per disability"),
              "property": _("per property accident")}
    reasons = [_("Cover %(what)s is KRW %(cover)s; the minimum is KRW %(minimum)s.", what=labels[kind],
                 cover=f"{getattr(certificate, 'cover_' + kind):,}", minimum=f"{minimum:,}")
               for kind, minimum in MINIMUM_COVER.items() if getattr(certificate, "cover_" + kind) < minimum]
    if certificate.valid_from > today:
        reasons.append(_("The insurance starts only on %(day)s.", day=certificate.valid_from.isoformat()))
    if end is not None and certificate.valid_until < end:
        reasons.append(_("The insurance ends on %(until)s, before the trial's planned end on %(end)s.",
                         until=certificate.valid_until.isoformat(), end=end.isoformat()))
    return reasons


def insurance_problems(application, now=None):
    trial = trial_of(application)
    if trial is None or not trial.certificates:
        return [_("No liability insurance certificate has been recorded yet.")]
    certificate = trial.certificates[-1]
    return certificate_problems(certificate, planned_end(application), _today(now))


def capacity_problems(application):
    """A zone holds at most `capacity` concurrent trials; a new start waits for a free place."""
    from .zones import capacity_view
    zone = application.zone
    if zone is None:
        return []
    view = capacity_view(zone)
    if view["full"]:
        return [_("The zone %(zone)s is at capacity: %(used)d of %(capacity)d concurrent trials are running. "
                  "The trial can start when a place frees up or the office raises the zone's capacity.",
                  zone=zone.name, used=view["used"], capacity=view["capacity"])]
    return []


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
                                                                _today())})
    return certificate


def start_problems(application, now=None):
    """Every reason the start gate is closed, for the trial page (the workflow checks the same)."""
    return conditions_acceptance_problems(application) + insurance_problems(application, now) + \
        capacity_problems(application)


def start_trial(applicant, application, now=None):
    from ..workflow.service import fire
    now = now or datetime.now(timezone.utc)
    with atomic():
        trial = _ensure_trial(application, applicant)
        application = fire(application, "start_trial", applicant, now=now, via="trials.start_trial")
        trial.started_on = now.date()
        trial.ends_on = trial.ends_on or application.period_end
        db.session.flush()
    return trial


def started_on(trial):
    """The start date, as start_trial recorded it: the only way a trial starts (Step.owner), so the audit
    log is never asked (starts fired from the file page before that were backfilled by t15_door_facts)."""
    return trial.started_on if trial is not None else None


def start_deadline(application):
    """The approved stage's clock is the start deadline; past it the approval may be cancelled."""
    clocks = [c for c in application.clocks if c.stage == S.approved and c.due_at is not None]
    return clocks[-1].due_at.date() if clocks else None


def start_deadline_passed(application, now=None):
    due = start_deadline(application)
    return S(application.state) == S.approved and due is not None and _today(now) > due


# ---- extension and law amendment ---------------------------------------------------------------

def extension_outcome(request):
    """True (granted), False (refused) or None (pending), as decide_extension recorded it (the only way an
    extension is decided; earlier decisions fired from the file page were backfilled by t15_door_facts)."""
    return request.granted


def effective_end(trial):
    end = trial.ends_on or trial.application.period_end
    if end is None:
        return None
    months = sum(r.months for r in trial.extension_requests if extension_outcome(r))
    return _add_months(end, months) if months else end


def request_deadline(trial):
    end = effective_end(trial)
    return _add_months(end, -REQUEST_LEAD_MONTHS) if end else None


def extension_problems(application, months=None, now=None, need_months=True):
    trial = trial_of(application)
    if trial is None:
        return [_("The trial has no record yet.")]
    reasons = []
    if any(extension_outcome(r) for r in trial.extension_requests):
        reasons.append(_("The trial has already been extended once; only one extension is allowed."))
    deadline = request_deadline(trial)
    if deadline is not None and _today(now) > deadline:
        reasons.append(_("Extension requests must be filed at least 2 months before the trial ends "
                         "(by %(day)s).", day=deadline.isoformat()))
    if need_months:
        if months is None:
            reasons.append(_("Say how many months you need, on the extension form of the trial page."))
        elif not 1 <= int(months) <= EXTENSION_LIMIT_MONTHS:
            reasons.append(_("An extension may be 1 to %(n)d months.", n=EXTENSION_LIMIT_MONTHS))
    return reasons


def amendment_problems(application, law=None, now=None, need_law=True):
    trial = trial_of(application)
    if trial is None:
        return [_("The trial has no record yet.")]
    reasons = []
    deadline = request_deadline(trial)
    if deadline is not None and _today(now) > deadline:
        reasons.append(_("A law-amendment request must be filed at least 2 months before the trial ends "
                         "(by %(day)s).", day=deadline.isoformat()))
    if need_law and not (law or "").strip():
        reasons.append(_("Name the law or article to amend, on the amendment form of the trial page."))
    return reasons


def _months(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give the extension in whole months.")) from None


def request_extension(applicant, application, months, reason, now=None):
    from ..workflow.service import fire
    months, reason = _months(months), (reason or "").strip()
    with atomic():
        trial = _ensure_trial(application, applicant)
        request = ExtensionRequest(trial=trial, months=months, reason=reason, filed_by_id=applicant.id)
        db.session.add(request)
        fire(application, "request_extension", applicant, reason=reason, months=months, now=now,
             via="trials.request_extension")
        db.session.flush()
        record("trial.extension_request_filed", request, application=application, actor=applicant,
               data={"months": months, "new_end": _add_months(effective_end(trial), months)})
    return request


def decide_extension(office, application, grant, reason=""):
    from ..workflow.service import fire
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
    from ..workflow.service import fire
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


def deemed_valid(application, now=None):
    """A pending law-amendment request keeps the exemption in force past its end ("deemed extended")."""
    trial = trial_of(application)
    if trial is None:
        return False
    end = effective_end(trial)
    return S(application.state) == S.amendment_pending or (
        S(application.state) in TRIAL_STAGES and end is not None and _today(now) <= end)


# ---- hearings and cancellation ------------------------------------------------------------------

def hearings(application):
    return db.session.scalars(select(Hearing).where(Hearing.application_id == application.id)
                              .order_by(Hearing.id)).all()


# Cancelling takes away what the operator runs under, a trial or a temporary permit: they are heard first.
HEARING_STAGES = (*TRIAL_STAGES, S.permit_active)


def hearing_problems(application, now=None):
    needs = S(application.state) in HEARING_STAGES or start_deadline_passed(application, now)
    if needs and not hearings(application):
        return [_("Record the hearing before cancelling: the operator must be heard first.")]
    return []


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


def result_report_problems(application):
    from .trial_reports import result_report
    reasons = []
    if result_report(trial_of(application)) is None:
        reasons.append(_("No result report has been filed yet."))
    trial = trial_of(application)
    if trial is None or trial.evaluation is None:
        reasons.append(_("Fill in the evaluation form on the trial page; it records the evaluation."))
    return reasons
