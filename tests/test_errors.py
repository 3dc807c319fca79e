"""Friendly error pages in both languages; typed failures become the right status codes."""
import io

import pytest
from flask import g
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from sandbox.states import ApplicationState

from .conftest import login
from .factories import ApplicationFactory


@pytest.fixture
def failing_routes(app):
    return app  # the routes are added by conftest before the first request


@pytest.mark.parametrize("code,english", [(400, "could not be understood"), (403, "may not see"),
                                          (404, "not found"), (409, "has changed"), (413, "too large")])
def test_error_pages_explain_in_english(client, failing_routes, code, english):
    response = client.get(f"/_test/abort/{code}", headers={"Accept-Language": "en"})
    assert response.status_code == code
    assert english in response.get_data(as_text=True)
    assert 'href="/"' in response.get_data(as_text=True)


def test_error_pages_speak_korean(client, failing_routes):
    page = client.get("/_test/abort/404", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert 'lang="ko"' in page and "찾을 수 없" in page


def test_unexpected_error_renders_500_without_details(app, client, failing_routes):
    app.config["RENDER_500_IN_TESTS"] = True
    try:
        response = client.get("/_test/boom", headers={"Accept-Language": "en"})
    finally:
        app.config["RENDER_500_IN_TESTS"] = False
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "ZeroDivisionError" not in page


def test_too_large_upload_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/auth/register", data={"f": (io.BytesIO(b"x" * 4096), "big.pdf")},
                               content_type="multipart/form-data", headers={"Accept-Language": "en"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_acting_on_a_file_that_moved_on_gets_409(client, make_user, db):
    office = make_user("secretariat")
    application = ApplicationFactory(state=ApplicationState.screening)
    login(client, office)
    response = client.post(f"/files/{application.id}/actions/screen", headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "no longer applies" in response.get_data(as_text=True)


def test_stale_page_gets_409(client, make_user, db):
    office = make_user("secretariat")
    application = ApplicationFactory(state=ApplicationState.submitted)
    login(client, office)
    response = client.post(f"/files/{application.id}/actions/screen?version={application.version + 5}",
                           headers={"Accept-Language": "en"})
    assert response.status_code == 409
    db.session.refresh(application)
    assert application.state == ApplicationState.submitted


@pytest.mark.parametrize("path", ["/office/", "/"])
def test_database_unreachable_gives_503_page_to_a_logged_in_user(client, make_user, db, path):
    # The user loader, the page and the header's unread count all need the database; the 503 page must not.

    login(client, make_user("secretariat"))
    g.pop("_login_user", None)  # tests share one app context: load the user afresh, as a new request would

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", unreachable)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", unreachable)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "The database cannot be reached right now" in page and "Error 503" in page
    assert "connection refused" not in page and "Traceback" not in page
    assert response.headers["Retry-After"] == "10"
    # Once the database answers again, the same session works.
    g.pop("_login_user", None)
    assert client.get("/office/").status_code == 200
