"""Separation of duties judged from acts on the file (DESIGN §2, issue 14): whoever screened it, reviewed it,
gave an authority opinion on it, declared a conflict or a tie, or belongs to the applying organisation may
not vote on it or decide it, whatever roles they were given afterwards. The refusal says why, on the page,
in the 403 of a forged request and in the machine's reasons; their votes never count towards quorum."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from sandbox import policy
from sandbox.errors import GuardFailed, PermissionDenied
from sandbox.labels import Role
from sandbox.models import AuditEvent, Decision, Vote
from sandbox.models.committee import VoteChoice
from sandbox.rules import committee as committee_rules
from sandbox.services import accounts, committee, conflicts
from sandbox.services.workflow import available_triggers, blocking_reasons, fire
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import UserFactory


def _given(person, *roles):
    """Another administrator grants the roles, as on the admin page."""
    admin = UserFactory(roles=[Role.admin])
    for role in roles:
        assert accounts.grant_role(admin, person, role)
    return person


def screened(cast):
    officer = UserFactory(roles=[Role.office])
    cast.office = officer
    application = cast.in_review()  # the officer screens and accepts it
    _given(officer, Role.committee)
    application, item = cast.to_agenda(application, extra_members=[officer])
    conflicts.declare_conflict(officer, application, False)
    return officer, application, item, "You screened this file, so you may not vote on it."


def reviewed(cast):
    reviewer = cast.reviewers[0]
    application = cast.in_review()
    cast.review(application, reviewer)
    _given(reviewer, Role.committee)
    application, item = cast.to_agenda(application, reviewers=cast.reviewers[1:4], extra_members=[reviewer])
    return reviewer, application, item, "You reviewed this file, so you may not vote on it."


def gave_opinion(cast):
    application = cast.in_review()
    for reviewer in cast.reviewers[:3]:
        cast.review(application, reviewer)
    cast.opinion(application)
    _given(cast.authority, Role.committee)
    application, item = cast.to_agenda(application, reviewers=[], opinion=False, extra_members=[cast.authority])
    return cast.authority, application, item, "You gave an authority opinion on this file, so you may not vote on it."


def works_for_the_applicant(cast):
    person = UserFactory(roles=[Role.applicant])
    application = cast.in_review()
    accounts.join_organisation(person, application.organisation.invite_code)
    _given(person, Role.committee)
    application, item = cast.to_agenda(application, extra_members=[person])
    return person, application, item, "You are a member of the applying organisation, so you may not vote on this file."


def tied_while_the_file_ran(cast):
    """A tie that ended after the file came in: no longer current, but it held while the file ran."""
    person = _given(UserFactory(), Role.committee)
    application = cast.in_review(submitted_at=datetime.now(timezone.utc) - timedelta(days=60))
    conflicts.record_tie(person, application.organisation, "advice", date.today() - timedelta(days=400),
                         date.today() - timedelta(days=10))
    application, item = cast.to_agenda(application, extra_members=[person])
    conflicts.declare_conflict(person, application, False)  # allowed: the tie is not current
    return person, application, item, "You declared a tie to the applying organisation, so you may not vote on this file."


def tied_now(cast):
    person = _given(UserFactory(), Role.committee)
    application = cast.in_review()
    conflicts.record_tie(person, application.organisation, "shareholding")
    application, item = cast.to_agenda(application, extra_members=[person])
    return person, application, item, "You declared a tie to the applying organisation, so you may not vote on this file."


def declared_a_conflict(cast):
    person = _given(UserFactory(), Role.committee)
    application, item = cast.to_agenda(cast.in_review(), extra_members=[person])
    conflicts.declare_conflict(person, application, True, "My sister runs the company.")
    return person, application, item, "You declared a conflict of interest on this file, so you may not vote on it."


CASES = [screened, reviewed, gave_opinion, works_for_the_applicant, tied_while_the_file_ran, tied_now,
         declared_a_conflict]


def _others_vote(cast, item):
    for member in cast.members:
        conflicts.declare_conflict(member, item.application, False)
        committee.cast_vote(member, item, "approve")


def _votes_of(db, person):
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.member_id == person.id))


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_who_acted_on_the_file_may_not_vote_on_it_whatever_roles_they_hold(cast, client, db, case):
    person, application, item, reason = case(cast)
    assert Role.committee in person.role_set and any(m.id == person.id for m in item.meeting.members)
    assert not policy.may(person, "vote.cast", item)
    assert reason in policy.refusals(person, "vote.cast", item)
    _others_vote(cast, item)
    quorum_before = committee_rules.quorum_problems(application)
    assert person.id not in {m.id for m in committee_rules.tally(item)["eligible"]}

    login(client, person)
    page = client.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert reason in page, "the page says why instead of offering the vote"
    assert "Cast my vote" not in page and 'name="choice"' not in page

    response = client.post(f"/committee/items/{item.id}/vote", data={"choice": "approve"})
    assert response.status_code == 403
    assert reason in response.get_data(as_text=True)
    assert _votes_of(db, person) == 0
    assert committee_rules.quorum_problems(application) == quorum_before
    with pytest.raises(PermissionDenied):
        committee.cast_vote(person, item, "approve")
    assert _votes_of(db, person) == 0


def test_a_vote_kept_from_before_the_rule_does_not_count_towards_quorum(cast, db):
    officer, application, item, _reason = screened(cast)
    _others_vote(cast, item)
    # The code before issue 14 accepted this vote; databases from then may hold such rows.
    db.session.add(Vote(item_id=item.id, member_id=officer.id, choice=VoteChoice.approve))
    db.session.commit()
    tally = committee_rules.tally(item)
    assert officer.id in tally["barred"] and officer.id not in {v.member_id for v in tally["cast"]}
    assert "2 of the 3 votes" in committee_rules.quorum_problems(application)[0]
    with pytest.raises(GuardFailed):
        committee.record_decision(cast.chair, application, "approve", "Fine")
    assert application.state == S.committee


def test_who_screened_the_file_is_recorded_as_a_business_fact(cast, db):
    from sandbox.models import FileDuty
    from sandbox.rules.duties import screeners
    officer = UserFactory(roles=[Role.office])
    cast.office = officer
    application = cast.in_review()
    colleague = UserFactory(roles=[Role.office])
    fire(application, "request_supplement", colleague, reason="Send the insurance design.")
    rows = db.session.scalars(select(FileDuty).where(FileDuty.application_id == application.id)).all()
    assert {(r.user_id, str(r.duty)) for r in rows} == {(officer.id, "screened"), (colleague.id, "screened")}
    assert screeners(application) == {officer.id, colleague.id}


def test_a_chair_who_gave_the_authority_opinion_may_not_decide_and_is_told_why(cast, client, db):
    application = cast.in_review()
    for reviewer in cast.reviewers[:3]:
        cast.review(application, reviewer)
    cast.opinion(application)
    chair = _given(cast.authority, Role.committee, Role.chair)
    application, item = cast.to_agenda(application, reviewers=[], opinion=False, extra_members=[chair])
    cast.all_vote(item)
    reason = "You gave an authority opinion on this file, so you may not decide it."
    assert not policy.may(chair, "decision.record", application)
    assert reason in policy.refusals(chair, "decision.record", application)
    assert reason in blocking_reasons(application, "approve", actor=chair), "the machine's guard says why"
    approve = next(a for a in available_triggers(application, chair) if a["trigger"] == "approve")
    assert not approve["enabled"] and reason in approve["reasons"]
    with pytest.raises(PermissionDenied) as excinfo:
        committee.record_decision(chair, application, "approve", "Fine")
    assert excinfo.value.message == reason

    login(client, chair)
    page = client.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert reason in page and "Record the decision" not in page
    response = client.post(f"/committee/items/{item.id}/decision", data={"outcome": "approve", "reasons": "Fine"})
    assert response.status_code == 403 and reason in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    assert application.state == S.committee


def test_the_unbarred_committee_still_votes_and_decides(cast):
    application, item = cast.on_agenda()
    for member in cast.committee:
        assert policy.refusals(member, "vote.cast", item) == []
    cast.all_vote(item)
    assert policy.refusals(cast.chair, "decision.record", application) == []
    committee.record_decision(cast.chair, application, "approve_with_conditions", "Fine",
                              [{"kind": "geographic_limit", "parameters": {}, "text": "Sangam only"}])
    assert application.state == S.approved


def test_every_refused_vote_leaves_no_audit_event(cast, client, db):
    officer, application, item, _reason = screened(cast)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("vote.%")))
    login(client, officer)
    client.post(f"/committee/items/{item.id}/vote", data={"choice": "recuse", "reason": "x"})
    after = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("vote.%")))
    assert after == before


def test_a_tie_that_ended_before_the_file_came_in_does_not_bar_the_vote(cast):
    person = _given(UserFactory(), Role.committee)
    application = cast.in_review(submitted_at=datetime.now(timezone.utc) - timedelta(days=60))
    conflicts.record_tie(person, application.organisation, "employment", date(2015, 1, 1), date(2018, 12, 31))
    application, item = cast.to_agenda(application, extra_members=[person])
    conflicts.declare_conflict(person, application, False)
    assert policy.refusals(person, "vote.cast", item) == []
    assert committee.cast_vote(person, item, "approve").member_id == person.id
