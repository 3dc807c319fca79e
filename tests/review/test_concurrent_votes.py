"""Votes arriving at the same moment: every member's vote is kept once and the audit chain stays whole."""
import threading

import pytest

from sandbox.audit.chain import GENESIS
from sandbox.errors import SandboxError
from sandbox.extensions import db as _db
from sandbox.models import AgendaItem, AuditEvent, User, Vote
from sandbox.rules import committee as committee_rules
from sandbox.services import committee, conflicts

pytestmark = pytest.mark.postgres



def _vote_together(app, item_id, voter_ids):
    barrier = threading.Barrier(len(voter_ids))
    outcomes = []

    def press(user_id):
        with app.app_context():
            member = _db.session.get(User, user_id)
            item = _db.session.get(AgendaItem, item_id)
            barrier.wait()
            try:
                committee.cast_vote(member, item, "approve")
                outcomes.append("kept")
            except SandboxError:
                outcomes.append("refused")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=press, args=(uid,)) for uid in voter_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_simultaneous_votes_are_all_kept_in_one_unbroken_chain(app, cast):
    application, item = cast.on_agenda()
    for member in cast.committee:
        conflicts.declare_conflict(member, application, False)
    outcomes = _vote_together(app, item.id, [m.id for m in cast.committee])
    assert outcomes == ["kept"] * 3
    _db.session.expire_all()
    assert _db.session.query(Vote).filter_by(item_id=item.id).count() == 3
    assert committee_rules.quorum_problems(application) == []
    events = _db.session.query(AuditEvent).order_by(AuditEvent.seq).all()
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert events[0].prev_hash == GENESIS


def test_one_member_pressing_twice_at_once_leaves_one_vote(app, cast):
    application, item = cast.on_agenda()
    member = cast.members[0]
    conflicts.declare_conflict(member, application, False)
    outcomes = _vote_together(app, item.id, [member.id] * 4)
    assert outcomes == ["kept"] * 4
    _db.session.expire_all()
    assert _db.session.query(Vote).filter_by(item_id=item.id, member_id=member.id).count() == 1
