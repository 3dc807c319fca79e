"""What one fire() asks of the database: the audit-head lock comes last (after it only the event, the
head and the notices quoting the event are written), the notices carry the event's seq, and the
statement count does not creep up (recipients, clocks and letters come without extra queries)."""
import re
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select

from sandbox.audit.integrity import verify_database
from sandbox.audit.record import SYSTEM, record
from sandbox.extensions import db as _db
from sandbox.labels import Role
from sandbox.models import AuditEvent, AuditHead, Notification
from sandbox.transaction import atomic
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, UserFactory


@contextmanager
def statements():
    seen = []

    def remember(conn, cursor, statement, params, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(_db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(_db.engine, "before_cursor_execute", remember)


@pytest.fixture
def screening(db):
    application = ApplicationFactory(state=S.screening)
    office = UserFactory(roles=[Role.office])
    with atomic():
        record("test.started", actor=SYSTEM)  # the head row exists, as it does after the first event ever
    return application, office


def _after_head_lock(seen):
    # The last read of the head is the lock (the very first writer also creates the row before it).
    last = max(i for i, s in enumerate(seen) if re.search(r"FROM audit_head\b", s))
    return seen[last + 1:]


def _tables_written(seen):
    return {re.match(r"(?:WITH .* )?(?:INSERT INTO|UPDATE) (\w+)", s).group(1) for s in seen
            if re.match(r"(WITH|INSERT|UPDATE)", s)}


@pytest.mark.parametrize("trigger", ["request_supplement", "answer_supplement"])
def test_the_audit_head_lock_is_taken_last(screening, trigger):
    application, office = screening
    if trigger == "answer_supplement":
        fire(application, "request_supplement", office, reason="More, please.", due=date(2030, 1, 1))
    actor = office if trigger == "request_supplement" else application.created_by
    with statements() as seen:
        fire(application, trigger, actor, reason="More, please.", due=date(2030, 1, 1), answer="Here.")
    tail = _after_head_lock(seen)
    # Under the lock: no reads and no other table's writes, only the append (one statement on PostgreSQL).
    assert not [s for s in tail if s.startswith("SELECT")]
    assert _tables_written(tail) <= {"audit_events", "audit_head", "notifications"}
    if _db.engine.dialect.name == "postgresql":
        assert len(tail) == 1 and tail[0].startswith("WITH audit_head_moved")
    # Everything else (the file, its clocks, the recipients) happened before the lock.
    before = seen[:len(seen) - len(tail)]
    assert {"applications", "stage_clocks"} <= _tables_written(before)
    assert len(seen) <= 13, "\n".join(seen)  # 17 before the statements were cut (SQLite)


def test_notices_quote_the_event_they_belong_to(screening):
    application, office = screening
    fire(application, "request_supplement", office, reason="Send the insurance design.", due=date(2030, 1, 1))
    fire(application, "answer_supplement", application.created_by, answer="Attached.")
    events = _db.session.scalars(select(AuditEvent).where(AuditEvent.application_id == application.id)
                                 .order_by(AuditEvent.seq)).all()
    requested, answered = events[-2:]
    assert (requested.action, answered.action) == ("application.supplement_requested",
                                                   "application.supplement_answered")
    notices = _db.session.scalars(select(Notification).where(Notification.application_id == application.id)
                                  .order_by(Notification.id)).all()
    by_seq = {}
    for notice in notices:
        by_seq.setdefault(notice.audit_seq, []).append(notice)
    applicant = application.created_by
    letter = by_seq[requested.seq]
    assert [(n.kind, n.user_id, n.dedupe_key) for n in letter] == [
        ("letter", applicant.id, f"event:{requested.seq}:u{applicant.id}")]
    assert f"-{requested.seq}" in letter[0].body  # the letter's reference quotes the event
    answered_notices = {(n.kind, n.user_id, n.dedupe_key) for n in by_seq[answered.seq]}
    seq = answered.seq
    assert answered_notices == {("transition", applicant.id, f"event:{seq}:u{applicant.id}"),
                                ("office.answer_supplement", office.id, f"event:{seq}:office:u{office.id}")}
    head = _db.session.get(AuditHead, 1, populate_existing=True)
    assert (head.seq, head.hash) == (answered.seq, answered.hash)
    assert verify_database()[1] == answered.seq


def test_a_refused_fire_writes_nothing(screening):
    application, office = screening
    before = _db.session.scalar(select(_db.func.count()).select_from(AuditEvent))
    with pytest.raises(Exception):
        fire(application, "answer_supplement", application.created_by, answer="Too early.")
    assert _db.session.scalar(select(_db.func.count()).select_from(AuditEvent)) == before
    assert _db.session.scalar(select(_db.func.count()).select_from(Notification)) == 0
