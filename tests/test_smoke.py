from sandbox.models import AuditEvent
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState

from .factories import ApplicationFactory


def test_submit_through_fire_records_event(db):
    app = ApplicationFactory()
    fire(app, "submit", app.created_by)
    assert app.state == ApplicationState.submitted
    assert db.session.query(AuditEvent).filter_by(action="application.submitted").count() == 1
