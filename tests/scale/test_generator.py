"""`demo-data --scale N`: realistic files in every state, a valid audit chain, idempotent."""

from sqlalchemy import func, select

from sandbox.audit.integrity import verify_database
from sandbox.models import Application, AuditEvent, Decision, Document, Review, Trial, Vote
from sandbox.services.documents import path_for
from sandbox.states import ApplicationState

N = 200


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_generates_files_in_every_state_with_a_valid_chain(runner, db):
    result = runner.invoke(args=["demo-data", "--scale", str(N)])
    assert result.exit_code == 0, result.output
    from sandbox.seed.scale import generated_count

    assert generated_count() == N
    states = set(db.session.scalars(select(Application.state).distinct()))
    assert states == set(ApplicationState)
    assert _count(db, Review) and _count(db, Vote) and _count(db, Decision) and _count(db, Trial)
    events = _count(db, AuditEvent)
    assert events >= 15 * N
    count, last_seq, _ = verify_database()
    assert count == events == last_seq
    for sha256 in db.session.scalars(select(Document.sha256).distinct()):
        assert path_for(sha256).exists()
    decision = db.session.scalars(select(Decision)).first()
    event = db.session.get(AuditEvent, decision.audit_seq)
    assert event.hash == decision.audit_hash and event.application_id == decision.application_id


def test_running_again_adds_nothing(runner, db):
    assert runner.invoke(args=["demo-data", "--scale", "60"]).exit_code == 0
    before = (_count(db, Application), _count(db, AuditEvent))
    again = runner.invoke(args=["demo-data", "--scale", "60"])
    assert again.exit_code == 0 and "Nothing to add" in again.output
    assert (_count(db, Application), _count(db, AuditEvent)) == before
    more = runner.invoke(args=["demo-data", "--scale", "70"])
    assert more.exit_code == 0
    from sandbox.seed.scale import generated_count

    assert generated_count() == 70
    verify_database()
