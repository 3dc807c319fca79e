"""Uploads: type from the content, stored under UPLOAD_DIR by SHA-256, downloads only for the
allowed and each one audited."""
import hashlib
import io
from pathlib import Path

from sandbox.extensions import db
from sandbox.models import AuditEvent, Document

from .. import factories
from ..conftest import login
from .test_steps import edit_url, field_error, reload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def upload(client, application, content, name, kind="business_plan"):
    return client.post(f"/applicant/applications/{application.id}/documents",
                       data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_pdf_is_stored_by_its_hash_and_listed(app, client, empty_draft):
    response = upload(client, empty_draft, PDF, "plan.pdf")
    assert response.status_code == 303
    document = db.session.scalar(db.select(Document))
    digest = hashlib.sha256(PDF).hexdigest()
    assert (document.sha256, document.media_type, document.size) == (digest, "application/pdf", len(PDF))
    stored = Path(app.config["UPLOAD_DIR"]) / digest[:2] / digest
    assert stored.read_bytes() == PDF
    assert "plan.pdf" in client.get(edit_url(empty_draft, "documents")).get_data(as_text=True)


def test_member_download_is_audited_and_an_outsider_is_refused(client, empty_draft):
    upload(client, empty_draft, PDF, "plan.pdf")
    document = db.session.scalar(db.select(Document))
    response = client.get(f"/files/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "document.downloaded"))
    assert event is not None and event.application_id == empty_draft.id

    client.post("/auth/logout")
    login(client, factories.MembershipFactory().user)
    assert client.get(f"/files/documents/{document.id}").status_code == 403
    downloads = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "document.downloaded")).all()
    assert len(downloads) == 1


def test_png_named_pdf_is_stored_as_png(client, empty_draft):
    assert upload(client, empty_draft, PNG, "scan.pdf").status_code == 303
    assert db.session.scalar(db.select(Document)).media_type == "image/png"


def test_text_named_pdf_is_refused_with_a_clear_message(client, empty_draft):
    response = upload(client, empty_draft, b"just some text, not a PDF at all", "notes.pdf")
    assert response.status_code == 422
    assert "Only PDF, PNG, JPEG and WebP" in field_error(response.get_data(as_text=True), "file")
    assert db.session.scalar(db.select(Document)) is None


def test_upload_without_a_file_is_refused(client, empty_draft):
    response = client.post(f"/applicant/applications/{empty_draft.id}/documents", data={"kind": "other"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "file")


def test_too_large_upload_gets_the_friendly_413_page(app, client, empty_draft):
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = upload(client, empty_draft, PDF + b"0" * 2048, "big.pdf")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_document_is_removed(client, empty_draft):
    upload(client, empty_draft, PDF, "plan.pdf")
    document = db.session.scalar(db.select(Document))
    response = client.post(f"/applicant/applications/{empty_draft.id}/documents/{document.id}/remove")
    assert response.status_code == 303
    assert reload(empty_draft).documents == []


def test_no_upload_after_submit(client, complete_draft):
    client.post(f"/files/{complete_draft.id}/actions/submit")
    assert upload(client, complete_draft, PDF, "late.pdf").status_code == 403
    assert db.session.query(Document).filter_by(original_name="late.pdf").count() == 0
