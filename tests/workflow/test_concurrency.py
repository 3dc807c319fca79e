"""Many people pressing the same button at once: exactly one transition, one audit event."""
import threading

import pytest

from sandbox.errors import InvalidTransition, StaleObject
from sandbox.extensions import db as _db
from sandbox.labels import Role
from sandbox.models import Application, AuditEvent, User
from sandbox.workflow.service import fire
from sandbox.workflow.states import ApplicationState as S

from ..factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL)")


def test_concurrent_fire_moves_the_file_once(app, db, postgres_only):
    application = ApplicationFactory(state=S.submitted)
    officers = [UserFactory(roles=[Role.secretariat]) for _ in range(8)]
    app_id, officer_ids = application.id, [o.id for o in officers]
    barrier = threading.Barrier(len(officer_ids))
    outcomes = []

    def press(officer_id):
        with app.app_context():
            officer = _db.session.get(User, officer_id)
            target = _db.session.get(Application, app_id)
            barrier.wait()
            try:
                fire(target, "screen", officer)
                outcomes.append("moved")
            except (InvalidTransition, StaleObject):
                outcomes.append("refused")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=press, args=(oid,)) for oid in officer_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("moved") == 1
    assert outcomes.count("refused") == len(officer_ids) - 1
    db.session.expire_all()
    assert db.session.get(Application, app_id).state == S.screening
    events = db.session.query(AuditEvent).filter_by(application_id=app_id, action="application.screening_started")
    assert events.count() == 1
