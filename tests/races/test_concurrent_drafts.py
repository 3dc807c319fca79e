"""Two tabs (or two colleagues) saving the same draft: one save wins, the other gets the 409 page with
what they typed still in the form, and nothing is half-saved (issue 14: a 500 before)."""
import re
import sqlite3

import pytest
from sqlalchemy import func, select

from sandbox.audit.integrity import verify_database
from sandbox.extensions import db
from sandbox.models import Application, AuditEvent, ExemptionRequest

from .. import factories
from ..applicant.test_steps import edit_url, reload
from ..conftest import login

TABS = 6


def _version_in(html):
    match = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html)
    assert match, "the step form carries the version it was loaded at"
    return int(match[1] or match[2])


def _basics(application, title, version):
    return {"zone_id": application.zone_id, "category": "autonomous_driving", "title": title,
            "summary": f"Summary of {title}", "version": version, "go": "stay"}


def _draft_saves(application_id):
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "application.draft_saved", AuditEvent.application_id == application_id))


def test_tabs_saving_one_step_at_once_one_wins_the_others_get_409(live_server):
    with live_server.app.app_context():
        draft = factories.ApplicationFactory(title="Before")
        form = _basics(draft, "", 0)
        application_id, path = draft.id, edit_url(draft, "basics")
        cookie = live_server.log_in(draft.created_by)
    status, _headers, page = live_server.request("GET", path, cookie)
    assert status == 200
    version = _version_in(page.decode())

    titles = [f"Tab {n}" for n in range(TABS)]
    results = live_server.all_at_once([
        (lambda title=title: live_server.request("POST", path, cookie, _basics_of(form, title, version)))
        for title in titles])

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert sorted(statuses) == [303] + [409] * (TABS - 1), statuses
    winner = titles[statuses.index(303)]
    for title, (status, _h, body) in zip(titles, results):
        if status == 409:
            html = body.decode()
            assert "Someone else saved this draft" in html
            assert f'value="{title}"' in html  # what this tab typed is still in the form
    with live_server.app.app_context():
        saved = db.session.get(Application, application_id)
        assert (saved.title, saved.summary) == (winner, f"Summary of {winner}")  # one tab's save, whole
        assert saved.version == version + 1
        assert _draft_saves(application_id) == 1
        verify_database()


def _basics_of(form, title, version):
    return {**form, "title": title, "summary": f"Summary of {title}", "version": version}


def test_a_stale_tab_gets_409_with_its_input_kept_and_can_then_save_over(client, db):
    draft = factories.ApplicationFactory(title="Before")
    login(client, draft.created_by)
    version = _version_in(client.get(edit_url(draft, "basics")).get_data(as_text=True))

    first = client.post(edit_url(draft, "basics"), data=_basics(draft, "Saved in tab B", version))
    assert first.status_code == 303
    stale = client.post(edit_url(draft, "basics"), data=_basics(draft, "Typed in tab A", version))

    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Someone else saved this draft" in html and 'value="Typed in tab A"' in html
    assert reload(draft).title == "Saved in tab B"
    assert _draft_saves(draft.id) == 1
    # The page now carries the current version: saving again is a deliberate choice to keep tab A's text.
    again = client.post(edit_url(draft, "basics"), data=_basics(draft, "Typed in tab A", _version_in(html)))
    assert again.status_code == 303
    assert reload(draft).title == "Typed in tab A"


@pytest.mark.parametrize("tampered", ["abc", "-1", "99999999999999999999999"])
def test_a_tampered_version_is_a_form_error_and_saves_nothing(client, db, tampered):
    draft = factories.ApplicationFactory(title="Before")
    login(client, draft.created_by)
    response = client.post(edit_url(draft, "basics"), data=_basics(draft, "Tampered", tampered))
    assert response.status_code == 422
    assert 'value="Tampered"' in response.get_data(as_text=True)
    assert reload(draft).title == "Before"


def test_a_nul_in_the_version_is_refused_whole_and_saves_nothing(client, db):
    # A NUL is refused in any request before a view runs (sandbox/bounds.py): PostgreSQL text cannot hold it.
    draft = factories.ApplicationFactory(title="Before")
    login(client, draft.created_by)
    response = client.post(edit_url(draft, "basics"), data=_basics(draft, "Tampered", "1\x00"))
    assert response.status_code == 400
    assert reload(draft).title == "Before"


def test_tabs_adding_the_same_exemption_at_once_one_adds_the_others_are_told(live_server):
    """The check for a duplicate runs before the write; tabs that pass it together meet the unique
    constraint, which must read as the same clear message with the form kept, not a server error."""
    with live_server.app.app_context():
        draft = factories.ApplicationFactory(exemptions=[])
        exemption_type = draft.zone.exemption_types[0]
        application_id, path = draft.id, f"/applicant/applications/{draft.id}/exemptions"
        form = {"exemption_type": exemption_type.id, "legal_ground": "no_standard",
                "justification": "Needed."}
        cookie = live_server.log_in(draft.created_by)

    results = live_server.all_at_once([lambda: live_server.request("POST", path, cookie, form)
                                       for _ in range(TABS)])

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert sorted(statuses) == [303] + [422] * (TABS - 1), statuses
    for status, _headers, body in results:
        if status == 422:  # told why, with the justification they wrote still in the form
            html = body.decode()
            assert "This exemption is already requested" in html and "Needed." in html
    with live_server.app.app_context():
        requests = db.session.scalars(select(ExemptionRequest)
                                      .where(ExemptionRequest.application_id == application_id)).all()
        assert len(requests) == 1
        verify_database()


def test_a_save_that_cannot_get_the_write_lock_gets_409_and_saves_nothing(serve, tmp_path, db):
    """Another process holds SQLite's write lock past the busy timeout: the save gives up with the 409
    page (not a 500), and nothing of it is written."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    server = serve(SQLITE_BUSY_TIMEOUT=0.3)
    with server.app.app_context():
        draft = factories.ApplicationFactory(title="Before")
        application_id, path = draft.id, edit_url(draft, "basics")
        form = _basics(draft, "Blocked", draft.version)
        cookie = server.log_in(draft.created_by)
    other = sqlite3.connect(tmp_path / "served.sqlite", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        status, _headers, body = server.request("POST", path, cookie, form)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert status == 409
    assert 'value="Blocked"' in body.decode()
    with server.app.app_context():
        assert db.session.get(Application, application_id).title == "Before"
        assert _draft_saves(application_id) == 0


def test_tabs_removing_one_document_at_once_remove_it_once(live_server):
    from .test_parallel_downloads import _uploaded_document

    with live_server.app.app_context():
        draft = factories.ApplicationFactory()
        document = _uploaded_document(draft)
        path = f"/applicant/applications/{draft.id}/documents/{document.id}/remove"
        cookie = live_server.log_in(draft.created_by)

    results = live_server.all_at_once([lambda: live_server.request("POST", path, cookie, {})
                                       for _ in range(TABS)])

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    # Whoever comes after the removal finds no document (404) or meets it half-way (409): never a 500.
    assert statuses.count(303) == 1 and set(statuses) <= {303, 404, 409}, statuses
    with live_server.app.app_context():
        removed = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                    .where(AuditEvent.action == "document.removed"))
        assert removed == 1
        verify_database()


def test_a_download_that_cannot_be_audited_in_time_gets_409_not_a_server_error(serve, tmp_path, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    from .test_parallel_downloads import _uploaded_document

    server = serve(SQLITE_BUSY_TIMEOUT=0.3)
    with server.app.app_context():
        draft = factories.ApplicationFactory()
        path = f"/files/documents/{_uploaded_document(draft).id}"
        cookie = server.log_in(draft.created_by)
    other = sqlite3.connect(tmp_path / "served.sqlite", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        blocked = server.request("GET", path, cookie)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert blocked[0] == 409 and b"Someone else changed the same thing at the same moment" in blocked[2]
    assert server.request("GET", path, cookie)[0] == 200  # the lock gone, the same download works
