"""The rule itself: an allow-list that knows every audit action a file can carry, hides what it does not
know from everyone but auditors, and never names staff or quotes their confidential reasons to applicants."""
import re
from pathlib import Path

import pytest

from sandbox.policy.disclosure import (APPLICANT_ADDRESSEE, RULES, Audience, PendingEvent, Viewer,
                                       disclose_assignment, disclose_event, disclose_opinion, disclose_vote)
from sandbox.workflow.machine import PAST_TENSE

SANDBOX = Path(__file__).resolve().parents[2] / "sandbox"
# Recorded without a file (accounts, zones, meetings, the audit log itself): never on a file's history.
NOT_ON_A_FILE = {"user.", "zone.", "meeting.", "audit.", "organisation.", "conflict.tie_recorded",
                 "notification.", "decision_log.", "user.agency_set"}


def recorded_actions():
    actions = {f"application.{p}" for p in PAST_TENSE.values()}
    for path in SANDBOX.rglob("*.py"):
        actions |= set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text()))
        for a, b in re.findall(r'"([a-z_]+\.[a-z_]+)" if [^"]+ else "([a-z_]+\.[a-z_]+)"', path.read_text()):
            actions |= {a, b}
    return {a for a in actions if not any(a.startswith(p) or a == p for p in NOT_ON_A_FILE)}


def test_every_action_a_file_can_carry_has_a_disclosure_rule():
    """A new audit action fails here until someone decides who may see it (docs/DISCLOSURE.md)."""
    actions = recorded_actions()
    assert {"vote.cast", "vote.changed", "assignment.declined", "application.approved"} <= actions
    assert sorted(actions - set(RULES)) == []


def _staff_event(action, role="committee", data=None):
    return PendingEvent(action, 7, "member@committee.kr", role,
                        {"reason": "my confidential reason", "choice": "reject", "details": "tie",
                         "assignee": "reviewer@x.kr", "clashes": ["file 9"], **(data or {})})


@pytest.mark.parametrize("audience", [a for a in Audience if a != Audience.auditor])
def test_an_action_nobody_has_ruled_on_is_shown_to_auditors_only(audience):
    event = _staff_event("brand_new.thing_done", "applicant")
    assert disclose_event(Viewer(1, audience, frozenset({7})), event) is None
    shown = disclose_event(Viewer(1, Audience.auditor), event)
    assert shown.actor == "member@committee.kr" and shown.reason == "my confidential reason"


@pytest.mark.parametrize("action", sorted(RULES))
@pytest.mark.parametrize("role", ["secretariat", "reviewer", "authority", "committee", "chair,committee"])
def test_applicants_never_see_a_staff_member_or_their_confidential_data(action, role):
    shown = disclose_event(Viewer(1, Audience.applicant, frozenset({99})), _staff_event(action, role))
    if shown is None:
        return
    assert "@" not in shown.actor and shown.actor_role == ""
    assert not {"choice", "details", "assignee", "clashes"} & set(shown.data)
    if shown.reason:  # reasons reach applicants only where addressed to them: transitions and trial acts
        assert action.startswith(("application.", "trial.", "document.", "exemption_request.", "conditions.",
                                  "feedback.", "register."))


@pytest.mark.parametrize("action", sorted(RULES))
def test_auditors_see_every_event_in_full(action):
    shown = disclose_event(Viewer(1, Audience.auditor), _staff_event(action))
    assert shown.actor == "member@committee.kr" and shown.reason == "my confidential reason"
    assert shown.data["choice"] == "reject" and shown.data["clashes"] == ["file 9"]


@pytest.mark.parametrize("audience", [Audience.applicant, Audience.office, Audience.reviewer, Audience.authority])
@pytest.mark.parametrize("action", ["vote.cast", "vote.changed"])
def test_individual_votes_stay_with_the_committee_and_the_auditors(audience, action):
    shown = disclose_event(Viewer(1, audience), _staff_event(action))
    assert shown is None or (shown.reason == "" and "choice" not in shown.data)
    committee = disclose_event(Viewer(1, Audience.committee), _staff_event(action))
    assert committee.reason == "my confidential reason" and committee.data["choice"] == "reject"


def test_everyone_sees_their_own_acts_in_full():
    event = _staff_event("assignment.declined", "reviewer")
    assert disclose_event(Viewer(7, Audience.reviewer), event).reason == "my confidential reason"
    assert disclose_event(Viewer(8, Audience.reviewer), event).reason == ""
    assert disclose_event(Viewer(8, Audience.reviewer), event).actor == "a reviewer"


def test_a_letter_quotes_the_decision_but_not_what_it_cited():
    event = _staff_event("application.approved_with_conditions", "chair,committee",
                         {"conditions": [{"text": "Only in Sangam"}], "cited_reviews": [1, 2]})
    shown = disclose_event(APPLICANT_ADDRESSEE, event)
    assert shown.actor == "the committee" and shown.reason == "my confidential reason"
    assert shown.data == {"conditions": [{"text": "Only in Sangam"}]}


def test_votes_opinions_and_decline_reasons_as_each_audience_sees_them(trail):
    application, item = trail.deliberating()
    recusal = next(v for v in item.votes if v.choice == "recuse")
    for audience in (Audience.applicant, Audience.office, Audience.reviewer, Audience.authority):
        assert disclose_vote(Viewer(1, audience), recusal) is None
    assert disclose_vote(Viewer(trail.chair.id, Audience.committee), recusal).reason == recusal.reason
    from sandbox.rules.reviews import opinion_for
    opinion = opinion_for(application.exemption_requests[0])
    assert disclose_opinion(Viewer(1, Audience.applicant), opinion) is None
    assert disclose_opinion(Viewer(trail.reviewers[0].id, Audience.reviewer), opinion).authority == \
        "the competent authority"
    assert disclose_opinion(Viewer(1, Audience.committee), opinion).authority == trail.authority.display_name
    from sandbox.models import Assignment
    declined = Assignment.query.filter_by(user_id=trail.decliner.id).one()
    assert disclose_assignment(Viewer(1, Audience.applicant), declined) is None
    assert disclose_assignment(Viewer(trail.reviewers[0].id, Audience.reviewer), declined) is None
    assert disclose_assignment(Viewer(trail.chair.id, Audience.committee), declined).decline_reason == ""
    assert disclose_assignment(Viewer(trail.office.id, Audience.office), declined).decline_reason
    assert disclose_assignment(Viewer(trail.decliner.id, Audience.reviewer), declined).decline_reason
