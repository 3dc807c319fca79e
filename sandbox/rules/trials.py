"""Trials, read: the trial record and its dates, and the start gate's, extension's, amendment's,
hearing's and result's reasons (DESIGN §1). The verbs are in services/trials.py."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Hearing, Trial
from ..models.trials import ReportKind
from ..states import ApplicationState as S
from .committee import conditions_acceptance_problems
from .dates import add_months, as_date
from .zones import capacity_view

# Smart City Act minimum liability cover, in KRW per accident.
MINIMUM_COVER = {"death": 150_000_000, "injury": 30_000_000, "disability": 150_000_000, "property": 1_000_000_000}
EXTENSION_LIMIT_MONTHS = 24      # one extension of up to 2 years (ICT and smart city alike)
REQUEST_LEAD_MONTHS = 2          # extension and amendment requests: at least 2 months before expiry
TRIAL_STAGES = (S.trial_active, S.suspended, S.extension_review, S.amendment_pending)


def trial_of(application):
    if application is None or application.id is None:
        return None
    return db.session.scalar(select(Trial).where(Trial.application_id == application.id))


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
    return certificate_problems(certificate, planned_end(application), as_date(now))


def capacity_problems(application):
    """A zone holds at most `capacity` concurrent trials; a new start waits for a free place."""
    zone = application.zone
    if zone is None:
        return []
    view = capacity_view(zone)
    if view["full"]:
        return [_("The zone %(zone)s is at capacity: %(used)d of %(capacity)d concurrent trials are running. "
                  "The trial can start when a place frees up or the office raises the zone's capacity.",
                  zone=zone.name, used=view["used"], capacity=view["capacity"])]
    return []


def start_problems(application, now=None):
    """Every reason the start gate is closed, for the trial page (the workflow checks the same)."""
    return conditions_acceptance_problems(application) + insurance_problems(application, now) + \
        capacity_problems(application)


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
    return S(application.state) == S.approved and due is not None and as_date(now) > due


def extension_outcome(request):
    """True (granted), False (refused) or None (pending), as decide_extension recorded it (the only way an
    extension is decided; earlier decisions fired from the file page were backfilled by t15_door_facts)."""
    return request.granted


def effective_end(trial):
    end = trial.ends_on or trial.application.period_end
    if end is None:
        return None
    months = sum(r.months for r in trial.extension_requests if extension_outcome(r))
    return add_months(end, months) if months else end


def request_deadline(trial):
    end = effective_end(trial)
    return add_months(end, -REQUEST_LEAD_MONTHS) if end else None


def extension_problems(application, months=None, now=None, need_months=True):
    trial = trial_of(application)
    if trial is None:
        return [_("The trial has no record yet.")]
    reasons = []
    if any(extension_outcome(r) for r in trial.extension_requests):
        reasons.append(_("The trial has already been extended once; only one extension is allowed."))
    deadline = request_deadline(trial)
    if deadline is not None and as_date(now) > deadline:
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
    if deadline is not None and as_date(now) > deadline:
        reasons.append(_("A law-amendment request must be filed at least 2 months before the trial ends "
                         "(by %(day)s).", day=deadline.isoformat()))
    if need_law and not (law or "").strip():
        reasons.append(_("Name the law or article to amend, on the amendment form of the trial page."))
    return reasons


def deemed_valid(application, now=None):
    """A pending law-amendment request keeps the exemption in force past its end ("deemed extended")."""
    trial = trial_of(application)
    if trial is None:
        return False
    end = effective_end(trial)
    return S(application.state) == S.amendment_pending or (
        S(application.state) in TRIAL_STAGES and end is not None and as_date(now) <= end)


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


def result_report_problems(application):
    reasons = []
    if result_report(trial_of(application)) is None:
        reasons.append(_("No result report has been filed yet."))
    trial = trial_of(application)
    if trial is None or trial.evaluation is None:
        reasons.append(_("Fill in the evaluation form on the trial page; it records the evaluation."))
    return reasons


def result_report(trial):
    if trial is None:
        return None
    return next((r for r in trial.reports if r.kind == ReportKind.result), None)
