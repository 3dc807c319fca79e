from sandbox.models import AuditEvent
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState

from .factories import ApplicationFactory


def test_submit_through_fire_records_event(db):
    application = ApplicationFactory()
    fire(application, "submit", application.created_by)
    assert application.state == ApplicationState.submitted
    assert db.session.query(AuditEvent).filter_by(action="application.submitted").count() == 1
