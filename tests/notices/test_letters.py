"""Decision letters: Korean and English templates, rendered into the email and a PDF with Korean text."""
import subprocess

import pytest

from sandbox.extensions import db
from sandbox.models import AuditEvent
from sandbox.services import committee

from ..conftest import login
from ..factories import UserFactory
from ..factories_flow import Cast
from .conftest import notices

REASONS = "안전요원 배치 계획이 부족하여 보행자 보호 대책을 확인할 수 없습니다"


@pytest.fixture
def rejected(db):
    cast = Cast()
    application, item = cast.on_agenda()
    from sandbox.services import conflicts
    for member in cast.committee:
        conflicts.declare_conflict(member, application, False)
        committee.cast_vote(member, item, "reject", "안전 대책 부족")
    committee.record_decision(cast.chair, application, "reject", REASONS)
    event = db.session.query(AuditEvent).filter_by(action="application.rejected").one()
    return application, event


def _pdf_text(data, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_rejection_letter_pdf_contains_the_reasons_in_korean(client, rejected, tmp_path):
    application, event = rejected
    login(client, application.created_by)
    response = client.get(f"/files/{application.id}/letters/{event.seq}.pdf?lang=ko")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(_pdf_text(response.data, tmp_path).split())
    assert "실증특례 불승인 통지" in text
    assert REASONS in text
    downloads = db.session.query(AuditEvent).filter_by(action="letter.downloaded").all()
    assert len(downloads) == 1 and downloads[0].data["event_seq"] == event.seq


def test_english_letter(client, rejected, tmp_path):
    application, event = rejected
    login(client, application.created_by)
    text = _pdf_text(client.get(f"/files/{application.id}/letters/{event.seq}.pdf?lang=en").data, tmp_path)
    assert "Notice of rejection" in text


def test_the_email_carries_the_letter_in_both_languages(rejected):
    application, event = rejected
    letter = [n for n in notices(application.created_by, "letter") if n.audit_seq == event.seq][0]
    assert "불승인" in letter.subject
    assert REASONS in letter.body and "Notice of rejection" in letter.body


def test_outsiders_cannot_download_a_letter(client, rejected):
    application, event = rejected
    login(client, UserFactory())
    assert client.get(f"/files/{application.id}/letters/{event.seq}.pdf").status_code == 403
    assert db.session.query(AuditEvent).filter_by(action="letter.downloaded").count() == 0


def test_events_without_a_letter_are_not_found(client, rejected):
    application, _event = rejected
    login(client, application.created_by)
    submitted = db.session.query(AuditEvent).filter_by(action="application.submitted").first()
    seq = submitted.seq if submitted else 999999
    assert client.get(f"/files/{application.id}/letters/{seq}.pdf").status_code == 404
