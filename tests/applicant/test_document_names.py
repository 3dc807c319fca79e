"""Uploaded files are named after what they are: the extension follows the content, not the name the
browser sent, and a name cut to fit keeps its extension and stays valid UTF-8."""
import unicodedata
from urllib.parse import unquote

import pytest

from sandbox.extensions import db
from sandbox.models import Document
from sandbox.services.documents import MAX_NAME_BYTES, MAX_NAME_CHARS, stored_name

from .. import factories
from ..conftest import login
from .test_documents import PDF, PNG, upload


def _download(client, document):
    response = client.get(f"/files/documents/{document.id}")
    assert response.status_code == 200
    return response


def _download_name(response):
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    if "filename*=UTF-8''" in disposition:
        return unquote(disposition.split("filename*=UTF-8''", 1)[1].split(";")[0])
    return disposition.split("filename=", 1)[1].strip('"')


def test_a_pdf_named_html_is_stored_and_served_as_pdf(client, empty_draft):
    assert upload(client, empty_draft, PDF, "x.html").status_code == 303
    document = db.session.scalar(db.select(Document))
    assert document.original_name == "x.pdf"
    response = _download(client, document)
    assert _download_name(response) == "x.pdf"
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == PDF


def test_a_png_named_pdf_gets_the_png_extension(client, empty_draft):
    upload(client, empty_draft, PNG, "scan.pdf")
    assert db.session.scalar(db.select(Document)).original_name == "scan.png"


def test_a_name_without_extension_gets_one(client, empty_draft):
    upload(client, empty_draft, PDF, "사업계획서")
    assert db.session.scalar(db.select(Document)).original_name == "사업계획서.pdf"


def test_a_2000_character_korean_name_is_cut_but_keeps_its_extension(client, empty_draft):
    assert upload(client, empty_draft, PDF, "가" * 2000 + ".pdf").status_code == 303
    document = db.session.scalar(db.select(Document))
    name = document.original_name
    assert name.endswith(".pdf") and name.startswith("가")
    assert set(name[:-4]) == {"가"}
    assert len(name) <= MAX_NAME_CHARS and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert _download_name(_download(client, document)) == name


def test_control_and_direction_characters_are_dropped_from_a_name(client, empty_draft):
    # A right-to-left override would show "x.pdf" for "fdp.x"; a tab or bell has no place in a name.
    assert upload(client, empty_draft, PDF, "plan\t\u202egpj.html").status_code == 303
    assert db.session.scalar(db.select(Document)).original_name == "plangpj.pdf"


def test_a_nul_in_a_file_name_is_refused_and_nothing_is_stored(client, empty_draft):
    # PostgreSQL text cannot hold a NUL: the request is refused whole (sandbox/bounds.py), clearly.
    assert upload(client, empty_draft, PDF, "plan\x00.pdf").status_code == 400
    assert db.session.scalar(db.select(Document)) is None


def test_a_legacy_row_with_a_misleading_name_is_served_under_the_content_type(client, empty_draft):
    document = factories.DocumentFactory(application=empty_draft, original_name="evil.html",
                                         media_type="application/pdf", sha256=upload_sha(client, empty_draft))
    login(client, empty_draft.created_by)
    assert _download_name(_download(client, document)) == "evil.pdf"


def upload_sha(client, application):
    upload(client, application, PDF, "plan.pdf")
    return db.session.scalar(db.select(Document)).sha256


@pytest.mark.parametrize("raw, media_type, expected", [
    ("plan.PDF", "application/pdf", "plan.PDF"),
    ("photo.jpeg", "image/jpeg", "photo.jpeg"),
    ("photo.jpg", "image/jpeg", "photo.jpg"),
    ("x.html", "application/pdf", "x.pdf"),
    ("report.2024 final", "application/pdf", "report.2024 final.pdf"),
    ("", "application/pdf", "document.pdf"),
    (".pdf", "application/pdf", "document.pdf"),
    ("..pdf", "application/pdf", "document.pdf"),
    (".hidden.pdf", "application/pdf", "hidden.pdf"),
    ("plan. .pdf", "application/pdf", "plan.pdf"),
    ("a\x00b\x1fc.pdf", "application/pdf", "abc.pdf"),
    ("../../etc/passwd", "image/png", "passwd.png"),
    ("x" * 300 + ".webp", "image/webp", "x" * (MAX_NAME_CHARS - 5) + ".webp"),
])
def test_stored_name(raw, media_type, expected):
    assert stored_name(raw, media_type) == expected


def test_stored_name_cuts_decomposed_korean_at_whole_syllables():
    decomposed = unicodedata.normalize("NFD", "한글" * 200) + ".pdf"  # as macOS browsers send it
    name = stored_name(decomposed, "application/pdf")
    assert name.endswith(".pdf") and unicodedata.is_normalized("NFC", name)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert set(name[:-4]) <= {"한", "글"}
