"""Every filter of the audit console and its streamed exports is checked before a query runs or a byte
leaves: an impossible date or an oversized number gets the console with its error, never a 500 or a
200 that breaks off mid-stream."""
from datetime import date

import pytest
from sqlalchemy import select

from sandbox.audit.filters import AuditFilter
from sandbox.models import AuditEvent

from .test_console import file_history  # noqa: F401 (the fixture)


def _exports(db):
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.exported"))


@pytest.mark.parametrize("query, message", [
    ("date_to=9999-12-31", "Enter a date from 1900-01-01 to 9899-12-31."),
    ("date_from=0001-01-01", "Enter a date from 1900-01-01 to 9899-12-31."),
    ("application=99999999999999999999999", "Number must be between 1 and 2147483647."),
    ("zone=99999999999999999999999", "Not a valid choice"),
])
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv", "/audit/export.jsonl"])
def test_out_of_range_filters_get_the_console_with_the_error(client, login_as, file_history, db,  # noqa: F811
                                                             url, query, message):
    login_as("auditor")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers
    assert _exports(db) is None


def test_the_widest_allowed_dates_export_everything(client, login_as, file_history, db):  # noqa: F811
    login_as("auditor")
    before = db.session.query(AuditEvent).count()
    response = client.get("/audit/export.jsonl?date_from=1900-01-01&date_to=9899-12-31")
    # Every event, the export's own record included (it is committed before the first byte).
    assert response.status_code == 200 and len(response.get_data(as_text=True).splitlines()) == before + 1


def test_the_last_representable_day_bounds_nothing(db, file_history):  # noqa: F811
    # The CLI's --to takes any date; the day after date.max does not exist.
    events = db.session.scalars(AuditFilter(date_to=date.max).apply(select(AuditEvent))).all()
    assert len(events) == 4


@pytest.mark.parametrize("query, message", [
    ("actor=kim%07", "Remove the control characters"),
    ("action=application.%07", "Remove the control characters"),
    ("actor=" + "k" * 255, "Field cannot be longer than 254 characters."),
    ("action=" + "a" * 81, "Field cannot be longer than 80 characters."),
])
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv"])
def test_text_filters_the_columns_cannot_hold_are_refused_up_front(client, login_as, file_history, db,  # noqa: F811
                                                                   url, query, message):
    login_as("auditor")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _exports(db) is None


@pytest.mark.parametrize("query", ["actor=kim%00", "action=application.%00"])
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv"])
def test_a_nul_in_a_filter_is_refused_whole_before_any_query(client, login_as, file_history, db,  # noqa: F811
                                                             url, query):
    # PostgreSQL cannot compare text holding NUL: every request carrying one is refused (sandbox/bounds.py).
    login_as("auditor")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400 and "Content-Disposition" not in response.headers
    assert _exports(db) is None
