"""Trial reports checked against the decision's typed conditions, correction orders for breaches
(up to 6 months, extendable once by up to 3), and the result report due 30 days after the end."""
from datetime import date, datetime, timezone

from flask_babel import force_locale
from flask_babel import gettext as _

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import CorrectionOrder, TrialReport
from ..models.trials import OrderStatus, ReportKind
from ..rules.dates import add_months, as_date
from ..rules.trial_reports import check_conditions, result_report_due, schedule
from ..rules.trials import trial_of
from ..states import ApplicationState as S
from ..transaction import atomic
from .notifications import notify, organisation_members, site_path, users_with_role
from .trials import _ensure_trial

ORDER_MAX_MONTHS = 6
ORDER_EXTENSION_MONTHS = 3


REPORTING_STATES = (S.trial_active, S.suspended, S.extension_review, S.amendment_pending, S.result_reporting)
KPI_FIELDS = ("units_operated", "distance_km", "flights", "users_served", "hours", "incidents")


# ---- condition checks ---------------------------------------------------------------------------

# ---- reports ------------------------------------------------------------------------------------

def _kpis(data):
    values, problems = {}, []
    for name in KPI_FIELDS:
        raw = data.get(name)
        try:
            value = float(raw) if name in ("distance_km", "hours") else int(raw or 0)
        except (TypeError, ValueError):
            problems.append(_("Give “%(field)s” as a number.", field=name.replace("_", " ")))
            continue
        if value < 0:
            problems.append(_("“%(field)s” cannot be negative.", field=name.replace("_", " ")))
        values[name] = value
    return values, problems


def _report_fields(trial, kind, data):
    values, problems = _kpis(data)
    period_from, period_to = data.get("period_from"), data.get("period_to")
    if not isinstance(period_from, date) or not isinstance(period_to, date):
        problems.append(_("Give the period the report covers."))
    elif period_to < period_from:
        problems.append(_("The period must end after it starts."))
    if any(r.kind == kind for r in trial.reports):
        problems.append(_("The %(kind)s has already been filed.", kind=ReportKind(kind).label))
    staff = data.get("staff_per_unit")
    if staff not in (None, ""):
        try:
            staff = int(staff)
        except (TypeError, ValueError):
            problems.append(_("Give the staff per unit as a whole number."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    return {**values, "period_from": period_from, "period_to": period_to,
            "operating_hours": (data.get("operating_hours") or "").strip()[:20],
            "staff_per_unit": None if staff in (None, "") else staff,
            "outside_area": bool(data.get("outside_area")), "narrative": (data.get("narrative") or "").strip()}


def _flag_breach(application, report):
    office = users_with_role(Role.office)
    failed = [r["text"] for r in report.condition_results if r["ok"] is False]
    with force_locale("ko"):
        subject = _("Condition breach reported: %(file)s", file=application.reference or application.display_title)
        body = _("The %(kind)s shows a breach of: %(conditions)s", kind=ReportKind(report.kind).label,
                 conditions="; ".join(failed))
    notify(office, "trial.breach", subject, body, site_path("office.trial_detail", application_id=application.id),
           application)


def file_report(applicant, application, kind, data, now=None):
    """A scheduled report; checked against the conditions, a breach goes to the office at once."""
    policy.ensure(applicant, "trial.operate", application)
    if kind not in (ReportKind.initial, ReportKind.interim, ReportKind.final):
        raise ValidationFailed(_("Choose which scheduled report this is."))
    if S(application.state) not in REPORTING_STATES:
        raise ValidationFailed(_("Reports are filed while the trial runs."))
    trial = trial_of(application)
    fields = _report_fields(trial, kind, data)
    due = next((d for k, d, _r in schedule(trial) if k == kind), None)
    with atomic():
        report = TrialReport(trial=trial, kind=ReportKind(kind), due_on=due, filed_by_id=applicant.id,
                             filed_at=now or datetime.now(timezone.utc), **fields)
        db.session.add(report)
        db.session.flush()
        report.condition_results = check_conditions(application, report)
        report.breach = any(r["ok"] is False for r in report.condition_results)
        record("trial.report_filed", report, application=application, actor=applicant,
               data={"kind": kind, **{k: fields[k] for k in KPI_FIELDS}, "breach": report.breach,
                     "late": report.late})
        if report.breach:
            _flag_breach(application, report)
    return report


def file_result_report(applicant, application, data, now=None):
    policy.ensure(applicant, "trial.operate", application)
    if S(application.state) != S.result_reporting:
        raise ValidationFailed(_("The result report is filed after the trial has finished."))
    trial = _ensure_trial(application, applicant)
    if not (data.get("narrative") or "").strip():
        raise ValidationFailed(_("Describe the results, what worked and what should change in the law."))
    fields = _report_fields(trial, ReportKind.result, data)
    with atomic():
        report = TrialReport(trial=trial, kind=ReportKind.result, due_on=result_report_due(application),
                             filed_by_id=applicant.id, filed_at=now or datetime.now(timezone.utc), **fields)
        db.session.add(report)
        db.session.flush()
        report.condition_results = check_conditions(application, report)
        report.breach = any(r["ok"] is False for r in report.condition_results)
        record("trial.result_report_filed", report, application=application, actor=applicant,
               data={**{k: fields[k] for k in KPI_FIELDS}, "late": report.late, "due_on": report.due_on})
    return report


# ---- correction orders --------------------------------------------------------------------------

def issue_correction_order(office, application, breach, deadline, report=None, now=None):
    policy.ensure(office, "trial.supervise", application)
    today, breach = as_date(now), (breach or "").strip()
    latest = add_months(today, ORDER_MAX_MONTHS)
    problems = []
    if not breach:
        problems.append(_("Describe the breach to correct."))
    if not isinstance(deadline, date) or deadline <= today:
        problems.append(_("Give a deadline after today."))
    elif deadline > latest:
        problems.append(_("A correction order may run at most 6 months (until %(day)s).", day=latest.isoformat()))
    if S(application.state) not in REPORTING_STATES[:-1]:
        problems.append(_("Correction orders apply to running trials."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        order = CorrectionOrder(trial=trial_of(application), report=report, breach=breach, issued_on=today,
                                deadline=deadline, issued_by_id=office.id)
        db.session.add(order)
        db.session.flush()
        record("trial.correction_ordered", order, application=application, actor=office,
               data={"breach": breach, "deadline": deadline, "report_id": report.id if report else None})
        notify(organisation_members(application), "trial.correction_order",
               _("Correction order for %(file)s", file=application.reference or application.display_title),
               _("Correct by %(day)s: %(breach)s", day=deadline.isoformat(), breach=breach),
               site_path("applicant.trial", application_id=application.id), application)
    return order


def extend_correction_order(office, order, new_deadline):
    application = order.trial.application
    policy.ensure(office, "trial.supervise", application)
    latest = add_months(order.deadline, ORDER_EXTENSION_MONTHS)
    if order.extended_to is not None:
        raise ValidationFailed(_("A correction order may be extended only once."))
    if order.status != OrderStatus.open:
        raise ValidationFailed(_("Only an open correction order can be extended."))
    if not isinstance(new_deadline, date) or new_deadline <= order.deadline:
        raise ValidationFailed(_("The new deadline must be after the current one."))
    if new_deadline > latest:
        raise ValidationFailed(_("An extension may add at most 3 months (until %(day)s).", day=latest.isoformat()))
    with atomic():
        order.extended_to = new_deadline
        record("trial.correction_extended", order, application=application, actor=office,
               data={"deadline": order.deadline, "extended_to": new_deadline})
    return order


def close_correction_order(office, order, complied, now=None):
    application = order.trial.application
    policy.ensure(office, "trial.supervise", application)
    if order.status != OrderStatus.open:
        raise ValidationFailed(_("This correction order is already closed."))
    with atomic():
        order.status = OrderStatus.complied if complied else OrderStatus.escalated
        order.closed_on = as_date(now)
        record("trial.correction_closed", order, application=application, actor=office,
               data={"status": str(order.status)})
    return order


