"""48 people download one confidential document at the same moment: every download is served and every
one is audited, in one gap-free hash chain (issue 14: on SQLite 32 of 48 failed with
'UNIQUE constraint failed: audit_events.seq')."""
import hashlib
import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from sandbox.audit.integrity import verify_database
from sandbox.extensions import db
from sandbox.labels import DocumentKind
from sandbox.models import AuditEvent
from sandbox.services import documents

from .. import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PARALLEL = 48


def _uploaded_document(application):
    upload = FileStorage(io.BytesIO(PDF), filename="plan.pdf")
    return documents.upload_document(application.created_by, application, upload, DocumentKind.business_plan)


def test_parallel_downloads_all_succeed_and_are_all_audited_in_one_chain(live_server):
    with live_server.app.app_context():
        application = factories.ApplicationFactory()
        document = _uploaded_document(application)
        url = f"/files/documents/{document.id}"
        cookie = live_server.log_in(application.created_by)
        events_before, _last, _hash = verify_database()

    results = live_server.all_at_once([lambda: live_server.request("GET", url, cookie)
                                       for _ in range(PARALLEL)])

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert statuses == [200] * PARALLEL
    assert all(hashlib.sha256(body).digest() == hashlib.sha256(PDF).digest() for _s, _h, body in results)
    with live_server.app.app_context():
        downloads = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.action == "document.downloaded",
                                             AuditEvent.subject_id == str(document.id)))
        assert downloads == PARALLEL
        count, last_seq, _head = verify_database()  # raises ChainBroken on a gap, fork or edit
        assert count == last_seq == events_before + PARALLEL


def test_audit_verify_command_passes_after_parallel_downloads(live_server):
    with live_server.app.app_context():
        application = factories.ApplicationFactory()
        url = f"/files/documents/{_uploaded_document(application).id}"
        cookie = live_server.log_in(application.created_by)

    results = live_server.all_at_once([lambda: live_server.request("GET", url, cookie) for _ in range(16)])

    assert [r[0] for r in results] == [200] * 16
    result = live_server.app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
