"""Many people pressing the same button at once: exactly one transition, one audit event."""
import threading

import pytest

from sandbox.errors import InvalidTransition, StaleObject
from sandbox.extensions import db as _db
from sandbox.labels import Role
from sandbox.models import Application, AuditEvent, User
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.postgres



def test_concurrent_fire_moves_the_file_once(app, db):
    application = ApplicationFactory(state=S.submitted)
    officers = [UserFactory(roles=[Role.office]) for _ in range(8)]
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


def test_concurrent_fire_on_many_files_keeps_one_chain_and_every_notice(app, db):
    """8 writers cycle their own files (request / answer a supplement) while contending for the
    audit-head lock: no lost update, no fork or gap, and every notice quotes its own file's event."""
    from datetime import date

    from sqlalchemy import select

    from sandbox.audit.integrity import verify_database
    from sandbox.models import Notification

    writers, rounds = 8, 3
    office = UserFactory(roles=[Role.office])
    files = [ApplicationFactory(state=S.screening) for _ in range(writers)]
    file_ids, office_id = [f.id for f in files], office.id
    before = {f.id: f.version for f in files}
    barrier = threading.Barrier(writers)
    errors = []

    def cycle(app_id):
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(rounds):
                    target = _db.session.get(Application, app_id)
                    fire(target, "request_supplement", _db.session.get(User, office_id), reason="More.",
                         due=date(2030, 1, 1))
                    fire(target, "answer_supplement", target.created_by, answer="Here.")
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=cycle, args=(i,)) for i in file_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    for app_id in file_ids:
        assert db.session.get(Application, app_id).version == before[app_id] + 2 * rounds
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.application_id.in_(file_ids))).all()
    assert len(events) == writers * rounds * 2
    count, last_seq, _ = verify_database()
    assert count == last_seq == writers * rounds * 2
    by_seq = {e.seq: e for e in events}
    notices = db.session.scalars(select(Notification).where(Notification.application_id.in_(file_ids))).all()
    # One applicant notice per event, one office notice per answer, each under its own file's event.
    assert len(notices) == writers * rounds * 3
    for notice in notices:
        assert by_seq[notice.audit_seq].application_id == notice.application_id
        assert notice.dedupe_key.startswith(f"event:{notice.audit_seq}:")
