"""No cache keeps what a logged-in user was shown or downloaded (a shared computer, a proxy); public pages
and static files stay cacheable."""
from pathlib import Path

from .conftest import login
from .factories import ApplicationFactory, DocumentFactory


def test_a_logged_in_users_file_page_and_download_are_not_stored(app, client, db):
    application = ApplicationFactory()
    document = DocumentFactory(application=application)
    stored = Path(app.config["UPLOAD_DIR"]) / document.sha256[:2] / document.sha256
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4\n%%EOF\n")
    login(client, application.created_by)

    page = client.get(f"/files/{application.id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    download = client.get(f"/files/documents/{document.id}")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert client.get("/").headers.get("Cache-Control") == "no-store"  # even public pages, when logged in


def test_a_refusal_to_a_logged_in_user_is_not_stored_either(client, db):
    application = ApplicationFactory()
    login(client, DocumentFactory().application.created_by)
    response = client.get(f"/files/{application.id}")
    assert response.status_code == 403 and response.headers["Cache-Control"] == "no-store"


def test_the_public_index_and_static_files_stay_cacheable(client, db):
    index = client.get("/")
    assert index.status_code == 200 and "no-store" not in index.headers.get("Cache-Control", "")
    login(client, ApplicationFactory().created_by)
    style = client.get("/static/css/app.css")
    assert style.status_code == 200 and "no-store" not in style.headers.get("Cache-Control", "")
    style.close()
