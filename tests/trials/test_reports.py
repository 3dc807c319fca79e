"""Reports are checked against the typed conditions; a breach reaches the office, which can order a
correction (at most 6 months, extendable once by at most 3)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from sandbox.errors import ValidationFailed
from sandbox.models import Notification
from sandbox.models.trials import OrderStatus
from sandbox.rules import trials as trial_rules
from sandbox.rules.dates import add_months
from sandbox.services import incidents, trial_reports, trials

from ..factories_flow import GOOD_REPORT


def _file(cast, application, kind="initial", **changes):
    start = trial_rules.trial_of(application).started_on
    return trial_reports.file_report(application.created_by, application, kind,
                                     {**GOOD_REPORT, "period_from": start, "period_to": start + timedelta(days=30),
                                      **changes})


def _failed(report):
    return sorted(r["kind"] for r in report.condition_results if r["ok"] is False)


def test_a_report_within_the_conditions_is_no_breach(cast, db):
    application = cast.running()
    report = _file(cast, application)
    assert not report.breach and _failed(report) == []
    assert db.session.scalars(select(Notification).where(Notification.kind == "trial.breach")).all() == []


@pytest.mark.parametrize("changes, breached", [
    ({"units_operated": 6}, ["unit_cap"]),
    ({"users_served": 1001}, ["user_cap"]),
    ({"operating_hours": "06:30-21:00"}, ["time_window"]),
    ({"operating_hours": ""}, ["time_window"]),
    ({"staff_per_unit": 0}, ["accompanying_staff"]),
    ({"outside_area": True}, ["geographic_limit"]),
])
def test_each_condition_is_checked_and_a_breach_reaches_the_office(cast, db, changes, breached):
    application = cast.running()
    report = _file(cast, application, **changes)
    assert report.breach and _failed(report) == breached
    notices = db.session.scalars(select(Notification).where(Notification.kind == "trial.breach")).all()
    assert {n.user_id for n in notices} == {cast.office.id}


def test_an_incident_outside_the_zone_breaches_the_geographic_limit(cast):
    application = cast.running()
    incidents.report_incident(application.created_by, application, {
        "severity": "minor", "occurred_at": datetime.now(timezone.utc), "description": "Took a detour",
        "location": {"type": "Point", "coordinates": [126.95, 37.55]}})
    trial = trial_rules.trial_of(application)
    assert trial.incidents[0].outside_zone
    report = _file(cast, application)
    assert _failed(report) == ["geographic_limit"]


def test_a_scheduled_report_is_filed_once(cast):
    application = cast.running()
    _file(cast, application)
    with pytest.raises(ValidationFailed):
        _file(cast, application)


def test_correction_order_runs_at_most_six_months(cast):
    application = cast.running()
    report = _file(cast, application, units_operated=9)
    with pytest.raises(ValidationFailed) as caught:
        trial_reports.issue_correction_order(cast.office, application, "Too many units",
                                             add_months(date.today(), 6) + timedelta(days=1), report)
    assert "6 months" in caught.value.message
    order = trial_reports.issue_correction_order(cast.office, application, "Too many units",
                                                 add_months(date.today(), 6), report)
    assert order.status == OrderStatus.open and order.report_id == report.id


def test_correction_order_extends_once_by_at_most_three_months(cast):
    application = cast.running()
    order = trial_reports.issue_correction_order(cast.office, application, "Staff missing",
                                                 date.today() + timedelta(days=30))
    with pytest.raises(ValidationFailed):
        trial_reports.extend_correction_order(cast.office, order, add_months(order.deadline, 3) + timedelta(days=1))
    trial_reports.extend_correction_order(cast.office, order, add_months(order.deadline, 3))
    with pytest.raises(ValidationFailed) as caught:
        trial_reports.extend_correction_order(cast.office, order, add_months(order.deadline, 3))
    assert "only once" in caught.value.message
    trial_reports.close_correction_order(cast.office, order, complied=True)
    assert order.status == OrderStatus.complied


def test_only_the_office_issues_correction_orders(cast):
    from sandbox.errors import PermissionDenied
    application = cast.running()
    with pytest.raises(PermissionDenied):
        trial_reports.issue_correction_order(application.created_by, application, "x", date.today() + timedelta(days=5))
