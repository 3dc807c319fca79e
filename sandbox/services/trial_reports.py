"""Trial reports checked against the decision's typed conditions, correction orders for breaches
(up to 6 months, extendable once by up to 3), and the result report due 30 days after the end."""
import re
from datetime import date, datetime, timedelta, timezone

from flask_babel import force_locale
from flask_babel import gettext as _

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import CorrectionOrder, TrialReport
from ..models.committee import ConditionKind
from ..models.trials import OrderStatus, ReportKind
from ..workflow.guards import _add_months
from ..workflow.states import ApplicationState as S
from .notifications import notify, organisation_members, site_path, users_with_role
from .transaction import atomic
from .trials import _ensure_trial, _today, effective_end, started_on, trial_of

ORDER_MAX_MONTHS = 6
ORDER_EXTENSION_MONTHS = 3
RESULT_REPORT_DAYS = 30
REPORTING_STATES = (S.trial_active, S.suspended, S.extension_review, S.amendment_pending, S.result_reporting)
KPI_FIELDS = ("units_operated", "distance_km", "flights", "users_served", "hours", "incidents")


def schedule(trial):
    """[(kind, due date, filed report or None)]: initial after 30 days, interim at half-way, final at the end."""
    start, end = started_on(trial), effective_end(trial) if trial else None
    if start is None or end is None:
        return []
    filed = {r.kind: r for r in trial.reports}
    dues = [(ReportKind.initial, start + timedelta(days=30)),
            (ReportKind.interim, start + (end - start) / 2),
            (ReportKind.final, end)]
    return [(kind, due, filed.get(kind)) for kind, due in dues]


def result_report(trial):
    if trial is None:
        return None
    return next((r for r in trial.reports if r.kind == ReportKind.result), None)


def result_report_due(application):
    """30 days after the trial ended (the result-reporting clock, started when the trial finishes)."""
    clocks = [c for c in application.clocks if c.stage == S.result_reporting and c.due_at is not None]
    if clocks:
        return clocks[-1].due_at.date()
    trial = trial_of(application)
    end = effective_end(trial) if trial else None
    return end + timedelta(days=RESULT_REPORT_DAYS) if end else None


# ---- condition checks ---------------------------------------------------------------------------

def _number(parameters):
    for value in (parameters or {}).values():
        match = re.search(r"\d+", str(value))
        if match:
            return int(match.group())
    return None


def _hours(text):
    """'07-22', '07:00-22:30' -> (420, 1350) minutes; None when unreadable."""
    match = re.match(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-~–]\s*(\d{1,2})(?::(\d{2}))?\s*$", text or "")
    if not match:
        return None
    h1, m1, h2, m2 = match.groups()
    return int(h1) * 60 + int(m1 or 0), int(h2) * 60 + int(m2 or 0)


def _window(parameters):
    for value in (parameters or {}).values():
        window = _hours(str(value))
        if window:
            return window
    return None


def _cap(limit, actual, what):
    if limit is None:
        return None, _("No cap given in the condition.")
    ok = actual <= limit
    return ok, _("%(what)s: %(actual)s of at most %(limit)s.", what=what, actual=actual, limit=limit)


def _check_one(condition, report, outside_incidents):
    kind, parameters = ConditionKind(condition.kind), condition.parameters
    if kind == ConditionKind.unit_cap:
        return _cap(_number(parameters), report.units_operated, _("Units operated"))
    if kind == ConditionKind.user_cap:
        return _cap(_number(parameters), report.users_served, _("Users served"))
    if kind == ConditionKind.time_window:
        allowed, actual = _window(parameters), _hours(report.operating_hours)
        if allowed is None:
            return None, _("No hours in the condition.")
        if actual is None:
            return False, _("Declare the operating hours as HH:MM-HH:MM.")
        ok = allowed[0] <= actual[0] and actual[1] <= allowed[1]
        return ok, _("Operated %(actual)s within %(allowed)s.", actual=report.operating_hours,
                     allowed="%02d:%02d-%02d:%02d" % (*divmod(allowed[0], 60), *divmod(allowed[1], 60)))
    if kind == ConditionKind.geographic_limit:
        ok = not report.outside_area and not outside_incidents
        return ok, _("Operated only inside the permitted area.") if ok else \
            _("Operation outside the permitted area was reported (%(n)d incident(s) outside the zone).",
              n=outside_incidents)
    if kind == ConditionKind.accompanying_staff:
        required = _number(parameters) or 1
        actual = report.staff_per_unit
        if actual is None:
            return False, _("Declare the safety staff per unit (at least %(n)d required).", n=required)
        return actual >= required, _("%(actual)d staff per unit, %(n)d required.", actual=actual, n=required)
    return None, _("Checked by the office, not automatically.")


def check_conditions(application, report):
    from .committee import latest_decision
    decision = latest_decision(application)
    trial = report.trial
    outside = sum(1 for i in trial.incidents if i.outside_zone
                  and report.period_from <= i.occurred_at.date() <= report.period_to)
    results = []
    for condition in (decision.conditions if decision else []):
        ok, detail = _check_one(condition, report, outside)
        results.append({"condition_id": condition.id, "kind": str(condition.kind), "text": condition.text,
                        "ok": ok, "detail": str(detail)})
    return results


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
    office = users_with_role(Role.secretariat)
    failed = [r["text"] for r in report.condition_results if r["ok"] is False]
    with force_locale("ko"):
        subject = _("Condition breach reported: %(file)s", file=application.reference or application.display_title)
        body = _("The %(kind)s shows a breach of: %(conditions)s", kind=ReportKind(report.kind).label,
                 conditions="; ".join(failed))
    notify(office, "trial.breach", subject, body, site_path("secretariat.trial_detail", application_id=application.id),
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
    today, breach = _today(now), (breach or "").strip()
    latest = _add_months(today, ORDER_MAX_MONTHS)
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
    latest = _add_months(order.deadline, ORDER_EXTENSION_MONTHS)
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
        order.closed_on = _today(now)
        record("trial.correction_closed", order, application=application, actor=office,
               data={"status": str(order.status)})
    return order


def open_orders(trial):
    return [o for o in (trial.orders if trial else []) if o.status == OrderStatus.open]
