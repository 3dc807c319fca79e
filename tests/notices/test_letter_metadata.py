"""Letter PDFs name themselves and their language, so screen readers announce the title and read the
text with the right voice (WCAG PDF16, PDF18)."""
import re
import subprocess

import pytest

from ..conftest import login
from .test_letters import rejected  # noqa: F401 (the fixture)


def _pdfinfo(data, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    output = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True,
                            text=True).stdout
    return dict(line.split(":", 1) for line in output.splitlines() if ":" in line)


def _catalog_language(data):
    """The /Lang of the document catalog (ReportLab writes it uncompressed as a literal string)."""
    objects = re.findall(rb"\bobj\s*<<(.*?)>>\s*endobj", data, re.S)
    catalogs = [body for body in objects if b"/Type /Catalog" in body]
    assert len(catalogs) == 1, "no document catalog"
    found = re.search(rb"/Lang \(([^)]*)\)", catalogs[0])
    return found.group(1).decode("ascii") if found else None


@pytest.mark.parametrize("lang, language, title, author", [
    ("ko", "ko-KR", "실증특례 불승인 통지", "규제샌드박스 사무국"),
    ("en", "en", "Notice of rejection", "Regulatory sandbox secretariat"),
])
def test_letter_pdf_carries_its_title_author_subject_and_language(client, rejected, tmp_path,  # noqa: F811
                                                                   lang, language, title, author):
    application, event = rejected
    login(client, application.created_by)
    response = client.get(f"/files/{application.id}/letters/{event.seq}.pdf?lang={lang}")
    assert response.status_code == 200
    info = _pdfinfo(response.data, tmp_path)
    assert title in info["Title"]
    assert info["Author"].strip() == author
    assert application.display_title in info["Subject"]
    assert _catalog_language(response.data) == language
    assert response.headers["Cache-Control"] == "no-store"
