"""Trial reports, read: the reporting schedule, the result report's due date, open correction orders and
how a report measures up to the approval's conditions. Filing reports and orders is in
services/trial_reports.py."""
import re
from datetime import timedelta

from flask_babel import gettext as _

from ..models.committee import ConditionKind
from ..models.trials import OrderStatus, ReportKind
from ..states import ApplicationState as S
from .committee import latest_decision
from .trials import effective_end, started_on, trial_of

RESULT_REPORT_DAYS = 30


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


def result_report_due(application):
    """30 days after the trial ended (the result-reporting clock, started when the trial finishes)."""
    clocks = [c for c in application.clocks if c.stage == S.result_reporting and c.due_at is not None]
    if clocks:
        return clocks[-1].due_at.date()
    trial = trial_of(application)
    end = effective_end(trial) if trial else None
    return end + timedelta(days=RESULT_REPORT_DAYS) if end else None


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


def open_orders(trial):
    return [o for o in (trial.orders if trial else []) if o.status == OrderStatus.open]
