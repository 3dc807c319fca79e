"""The audit table in the database: append-only, verifiable by `flask audit verify`, and concurrent
writers never fork or skip the chain."""
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sandbox.audit.ddl import without_append_only_triggers
from sandbox.audit.integrity import verify_database
from sandbox.audit.record import SYSTEM, record
from sandbox.extensions import db as _db
from sandbox.models import AuditEvent
from sandbox.transaction import atomic

from .conftest import write_events


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'nothing.happened' WHERE seq = 2",
    "DELETE FROM audit_events WHERE seq = 2",
])
def test_the_database_refuses_to_change_or_remove_an_event(some_events, db, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.get(AuditEvent, 2).action == "test.happened"
    assert db.session.query(AuditEvent).count() == 6


def test_verify_passes_on_an_intact_chain(some_events, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 6 events" in result.output


def test_verify_passes_on_an_empty_log(runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def _tamper(db, statement):
    # Only someone with raw database access (and the trigger out of the way) can do this.
    with without_append_only_triggers(db.session.connection()):
        db.session.execute(text(statement))
    db.session.commit()


def test_verify_names_the_first_edited_event(some_events, db, runner):
    _tamper(db, "UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 4")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "sequence 4" in result.output and "edited" in result.output


def test_verify_names_a_removed_event(some_events, db, runner):
    _tamper(db, "DELETE FROM audit_events WHERE seq = 3")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "sequence 3" in result.output


def test_verify_notices_a_removed_tail_through_the_head_row(some_events, db, runner):
    _tamper(db, "DELETE FROM audit_events WHERE seq >= 5")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "sequence 5" in result.output and "head row" in result.output


@pytest.mark.postgres
def test_concurrent_writers_never_fork_or_skip_the_chain(app, db):
    writers, per_writer = 8, 25
    barrier = threading.Barrier(writers)
    errors = []

    def append(writer):
        with app.app_context():
            try:
                barrier.wait()
                for n in range(per_writer):
                    with atomic():
                        record("test.concurrent", actor=SYSTEM, data={"writer": writer, "n": n})
            except Exception as exc:  # noqa: BLE001  (reported below, with the thread's name)
                errors.append(f"writer {writer}: {exc!r}")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    seqs = db.session.scalars(_db.select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, writers * per_writer + 1))
    count, last_seq, _ = verify_database()
    assert (count, last_seq) == (writers * per_writer, writers * per_writer)


def test_a_rolled_back_transaction_leaves_no_gap(db):
    write_events(2)
    with pytest.raises(RuntimeError):
        with atomic():
            record("test.doomed", actor=SYSTEM)
            raise RuntimeError("the change failed")
    write_events(1)
    assert db.session.scalars(_db.select(AuditEvent.seq).order_by(AuditEvent.seq)).all() == [1, 2, 3]
    assert verify_database()[0] == 3
