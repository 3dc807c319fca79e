"""The save buttons of the application form are a field of the step's form: a value no button sends is
refused like any other bad input, with what was typed kept and nothing saved."""
from sqlalchemy import func, select

from sandbox.extensions import db
from sandbox.models import Application, AuditEvent


def edit_url(application, step):
    return f"/applicant/applications/{application.id}/edit/{step}"


def test_save_and_stay_stays_on_the_step(client, empty_draft, zone):
    response = client.post(edit_url(empty_draft, "basics"), data={
        "zone_id": zone.id, "category": "autonomous_driving", "title": "Stay here", "go": "stay"})
    assert response.status_code == 303 and response.headers["Location"].endswith(edit_url(empty_draft, "basics"))


def test_a_button_value_no_button_sends_is_refused_and_the_input_kept(client, empty_draft, zone):
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post(edit_url(empty_draft, "basics"), data={
        "zone_id": zone.id, "category": "autonomous_driving", "title": "Typed and kept", "go": "sideways"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Typed and kept" in page and "Not a valid choice" in page
    db.session.expire_all()
    assert db.session.get(Application, empty_draft.id).title != "Typed and kept"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert 'name="go" value="sideways"' not in page  # the buttons are drawn once, not as a field too
