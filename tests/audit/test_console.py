"""The auditor's console and downloads: who may see them, what the filters find, and that every
download is itself on record before it starts."""
import csv
import io
import json
import subprocess
import sys
import zipfile

import pytest

from sandbox.audit.record import record
from sandbox.audit.verify import main as verify
from sandbox.models import AuditEvent
from sandbox.transaction import atomic
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory
from .conftest import write_events


@pytest.fixture
def file_history(db, make_user):
    """Two files in two zones, with a few state changes by two officers."""
    kim = make_user("secretariat", email="kim.officer@city.kr")
    lee = make_user("secretariat", email="lee.officer@city.kr")
    first, second = ApplicationFactory(state=S.submitted), ApplicationFactory(state=S.submitted)
    with atomic():
        record("application.submitted", first, application=first, from_state=S.draft, to_state=S.submitted,
               actor=kim)
        record("application.screening_started", first, application=first, from_state=S.submitted,
               to_state=S.screening, actor=kim, data={"reason": "complete"})
        record("application.submitted", second, application=second, from_state=S.draft, to_state=S.submitted,
               actor=lee)
        record("document.downloaded", second, application=second, actor=lee)
    return first, second


@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv", "/audit/export.jsonl", "/audit/verifier.zip"])
@pytest.mark.parametrize("role", ["applicant", "secretariat", "admin", "reviewer"])
def test_only_auditors_get_in(client, login_as, url, role):
    login_as(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_console_shows_the_newest_events_and_the_chain_status(client, login_as, file_history):
    login_as("auditor")
    page = client.get("/audit/").get_data(as_text=True)
    assert "kim.officer@city.kr" in page and "lee.officer@city.kr" in page
    rows = page.split("<tbody>", 1)[1]
    assert rows.index("document.downloaded") < rows.index("application.screening_started")
    assert f"/files/{file_history[0].id}" in page
    assert "No checkpoint has been signed yet." in page


@pytest.mark.parametrize("query, expected", [
    ("actor=KIM.officer", ["application.submitted", "application.screening_started"]),
    ("action=application.submitted", ["application.submitted", "application.submitted"]),
    ("action=application.",
     ["application.submitted", "application.screening_started", "application.submitted"]),
    ("state=screening", ["application.screening_started"]),
])
def test_filters_find_what_an_auditor_asks_for(client, login_as, file_history, query, expected):
    login_as("auditor")
    body = client.get(f"/audit/export.jsonl?{query}").get_data(as_text=True)
    assert [json.loads(line)["action"] for line in body.splitlines()] == expected  # oldest first


def test_filter_by_application_and_zone(client, login_as, file_history):
    first, second = file_history
    login_as("auditor")
    by_file = client.get(f"/audit/export.jsonl?application={second.id}").get_data(as_text=True).splitlines()
    by_zone = client.get(f"/audit/export.jsonl?zone={first.zone_id}").get_data(as_text=True).splitlines()
    assert {json.loads(line)["application_id"] for line in by_file} == {second.id}
    assert len(by_zone) == 2 and {json.loads(line)["zone_id"] for line in by_zone} == {first.zone_id}


def test_a_bad_date_is_explained_not_crashed_on(client, login_as, file_history):
    login_as("auditor")
    response = client.get("/audit/?date_from=2025-13-45&actor=kim")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please correct the following errors" in page and 'value="kim"' in page
    assert client.get("/audit/export.csv?date_from=2025-05-02&date_to=2025-05-01").status_code == 422


def test_date_range_includes_the_last_day(client, login_as, file_history):
    login_as("auditor")
    today = file_history[0].created_at.date().isoformat()
    body = client.get(f"/audit/export.jsonl?date_from={today}&date_to={today}").get_data(as_text=True)
    assert len(body.splitlines()) >= 4
    assert client.get("/audit/export.jsonl?date_to=2000-01-01").get_data(as_text=True) == ""


def test_keyset_pages_walk_the_whole_log_newest_first(client, login_as, db):
    write_events(120)
    login_as("auditor")
    seen, url = [], "/audit/?action=test.happened"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [int(cell) for cell in __import__("re").findall(r"<tr>\s*<td>(\d+)</td>", page)]
        next_link = __import__("re").search(r'href="([^"]+)" rel="next"', page)
        url = next_link.group(1).replace("&amp;", "&") if next_link else None
    assert seen == list(range(120, 0, -1))


def test_csv_download_streams_every_match_and_verifies(client, login_as, file_history, tmp_path):
    login_as("auditor")
    response = client.get("/audit/export.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-full-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    # The export's own event was committed before streaming, so it is the last row of the download.
    assert rows[-1]["action"] == "audit.exported"
    assert json.loads(rows[1]["data"]) == {"reason": "complete"}
    path = tmp_path / "full.csv"
    path.write_text(response.get_data(as_text=True), encoding="utf-8", newline="")
    assert verify([str(path)]) == 0


def test_every_download_is_recorded_with_its_filters(client, login_as, file_history, db):
    auditor = login_as("auditor")
    client.get("/audit/export.jsonl?action=application.&actor=kim").get_data()
    event = db.session.query(AuditEvent).filter_by(action="audit.exported").one()
    assert event.actor_id == auditor.id
    assert event.data["format"] == "jsonl"
    assert event.data["filters"] == {"action": "application.", "actor": "kim"}


def test_a_filtered_download_verifies_event_by_event(client, login_as, file_history, tmp_path):
    login_as("auditor")
    path = tmp_path / "slice.jsonl"
    path.write_text(client.get("/audit/export.jsonl?actor=lee").get_data(as_text=True), encoding="utf-8")
    assert verify([str(path), "--filtered"]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[0])
    edited["ip"] = "10.0.0.1"
    path.write_text("\n".join([json.dumps(edited)] + lines[1:]) + "\n", encoding="utf-8")
    assert verify([str(path), "--filtered"]) == 1


def test_the_offline_verifier_comes_from_the_console_and_checks_a_download_alone(client, login_as, file_history,
                                                                                tmp_path):
    """What an auditor does: download an export and the verifier, and run it on another computer (here: an
    isolated Python in an empty folder, without this application)."""
    login_as("auditor")
    assert "/audit/verifier.zip" in client.get("/audit/").get_data(as_text=True)
    export = tmp_path / "audit.jsonl"
    export.write_bytes(client.get("/audit/export.jsonl").data)
    with zipfile.ZipFile(io.BytesIO(client.get("/audit/verifier.zip").data)) as archive:
        archive.extractall(tmp_path / "elsewhere")
    tools = tmp_path / "elsewhere" / "sandbox-audit-verifier"
    assert "python verify.py" in (tools / "README.txt").read_text()
    ok = subprocess.run([sys.executable, "-I", str(tools / "verify.py"), str(export)], cwd=tmp_path,
                        capture_output=True, text=True, timeout=60)
    # The file's four events, the auditor's log-in and the download itself.
    assert ok.returncode == 0 and "OK: 6 events verified" in ok.stdout
    export.write_text(export.read_text().replace("kim.officer", "kim.0fficer", 1))
    broken = subprocess.run([sys.executable, "-I", str(tools / "verify.py"), str(export)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1 and "the event was edited" in broken.stderr
