"""The data generator (`demo-data --scale`) writes audit rows in bulk, not through record(): each row it
builds must be the row record() would store for the same event (same fields, same hash), or a generated
database holds events that no application code could have written."""
from datetime import date

from sqlalchemy import select

from sandbox.audit.record import record
from sandbox.models import AuditEvent
from sandbox.seed.scale import Chain
from sandbox.transaction import atomic

from ..factories import ApplicationFactory, UserFactory
from .conftest import write_events

_COLUMNS = [column.key for column in AuditEvent.__table__.columns]


def test_a_generated_event_is_the_row_record_stores(db):
    write_events(2)
    officer = UserFactory()
    application = ApplicationFactory()
    data = {"reason": "서류 보완 / documents", "due": date(2026, 1, 31), "count": 3}
    with atomic():
        recorded = record("application.screening_started", application, application=application,
                          from_state="submitted", to_state="screening", data=data, actor=officer)
    db.session.expire_all()
    stored = db.session.get(AuditEvent, recorded.seq)

    chain = Chain(stored.seq - 1, stored.prev_hash)
    seq, digest = chain.add(stored.occurred_at, "application.screening_started",
                            (officer.id, officer.email, stored.actor_role),
                            subject=("application", application.id),
                            application={"id": application.id, "zone_id": application.zone_id},
                            from_state="submitted", to_state="screening", data=data)

    assert (seq, digest) == (stored.seq, stored.hash)
    generated = chain.rows[-1]
    assert {key: generated[key] for key in _COLUMNS} == {key: getattr(stored, key) for key in _COLUMNS}
    assert db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq)) == digest
