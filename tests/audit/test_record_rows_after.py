"""record(rows_after=...): rows that quote the event (notices keyed by its seq) are written with it,
under the same head lock, in one statement on PostgreSQL; duplicates by the conflict column are skipped."""
from sqlalchemy import select

from sandbox.audit.integrity import verify_database
from sandbox.audit.record import SYSTEM, record
from sandbox.models import AuditEvent, AuditHead, EmailStatus, Notification
from sandbox.transaction import atomic

from ..factories import UserFactory
from .conftest import write_events


def _notice(user, event, key):
    return {"user_id": user.id, "kind": "test.notice", "subject": f"about {event.seq}", "body": event.action,
            "link": "", "application_id": None, "audit_seq": event.seq, "created_at": event.occurred_at,
            "email_status": EmailStatus.skipped, "attempts": 0, "next_attempt_at": None, "last_error": "",
            "dedupe_key": key}


def _notices(user, key):
    """rows_after for record(): one notice for `user`, keyed by key(event)."""
    return lambda e: [(Notification.__table__, [_notice(user, e, key(e))], "dedupe_key")]


def _actions(db):
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()


def test_rows_after_are_written_with_the_event(db):
    write_events(2)
    user = UserFactory()
    with atomic():
        event = record("test.noticed", actor=SYSTEM, data={"n": 1},
                       rows_after=_notices(user, lambda e: f"k:{e.seq}"))
        assert event.seq == 3 and event.hash
    db.session.expire_all()
    stored = db.session.get(AuditEvent, 3)
    assert (stored.action, stored.data, stored.hash) == ("test.noticed", {"n": 1}, event.hash)
    notice = db.session.scalars(select(Notification)).one()
    assert (notice.audit_seq, notice.subject, notice.dedupe_key, notice.email_status) == (
        3, "about 3", "k:3", EmailStatus.skipped)
    assert notice.created_at == stored.occurred_at
    head = db.session.get(AuditHead, 1)
    assert (head.seq, head.hash) == (3, event.hash)
    assert verify_database()[:2] == (3, 3)


def test_a_row_whose_key_exists_is_skipped_and_the_event_still_written(db):
    user = UserFactory()
    for _ in range(2):
        with atomic():
            record("test.noticed", actor=SYSTEM,
                   rows_after=_notices(user, lambda e: "same-key"))
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 1
    assert verify_database()[:2] == (2, 2)


def test_no_rows_after_is_a_plain_append(db):
    with atomic():
        first = record("test.one", actor=SYSTEM, rows_after=lambda e: [(Notification.__table__, [], "k")])
        second = record("test.two", actor=SYSTEM)
        # The events stay usable in the session after the append (same transaction, not yet committed).
        assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.hash)
    assert _actions(db) == ["test.one", "test.two"]
    assert verify_database()[:2] == (2, 2)


def test_a_rolled_back_append_with_rows_leaves_neither(db):
    user = UserFactory()
    write_events(1)
    try:
        with atomic():
            record("test.doomed", actor=SYSTEM,
                   rows_after=_notices(user, lambda e: "doomed"))
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 0
    write_events(1)
    assert verify_database()[:2] == (2, 2)


def test_an_event_rolled_back_and_still_referenced_does_not_block_the_next_one(db):
    write_events(1)
    try:
        with atomic():
            doomed = record("test.doomed", actor=SYSTEM)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    with atomic():
        again = record("test.next", actor=SYSTEM)
    assert doomed.seq == again.seq == 2
    assert _actions(db) == ["test.happened", "test.next"]
    assert verify_database()[:2] == (2, 2)


def test_many_rows_after_are_all_written(db, monkeypatch):
    import sandbox.audit.record as writer
    monkeypatch.setattr(writer, "MAX_ROWS_IN_ONE", 2)  # past the one-statement limit: separate statements
    users = [UserFactory() for _ in range(3)]
    with atomic():
        record("test.noticed", actor=SYSTEM, rows_after=lambda e: [
            (Notification.__table__, [_notice(u, e, f"k:{e.seq}:{u.id}") for u in users], "dedupe_key")])
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 3
    assert verify_database()[:2] == (1, 1)
