"""Demo files in every review stage, made through the real services so each role sees a realistic
queue: reviewers with open and finished reviews, an authority with opinions to give, a committee
meeting with votes, a decision awaiting the applicant's acceptance of its conditions, and a rejection."""
from datetime import date, timedelta

from ..services import assignments, committee, conflicts, reviews
from ..services.workflow import fire

SCORES = {"innovativeness": 16, "public_benefit": 15, "safety_privacy": 21, "necessity_fit": 12,
          "operator_capability": 8, "zone_fit": 7}
WEAK_SCORES = {"innovativeness": 9, "public_benefit": 8, "safety_privacy": 11, "necessity_fit": 6,
               "operator_capability": 5, "zone_fit": 4}
ROUTE_LIMIT = {"kind": "geographic_limit", "parameters": {"area": "상암 DMC 순환 노선 / Sangam DMC loop"},
               "text": "지정 노선에서만 운행 / Operate only on the designated loop."}
SAFETY_STAFF = {"kind": "accompanying_staff", "parameters": {"staff_per_vehicle": "1"},
                "text": "차량당 안전요원 1명 동승 / One safety officer on board each vehicle."}


def _review(office, application, reviewer, scores=SCORES, recommendation="approve_with_conditions"):
    assignment = assignments.assign_reviewer(office, application, reviewer)
    assignments.accept_assignment(reviewer, assignment)
    conflicts.declare_conflict(reviewer, application, False)
    return reviews.submit_review(reviewer, assignment, scores, recommendation,
                                 "운영 구간을 명확히 해 주십시오. / Please make the route precise.",
                                 "안전 계획이 충실함. / The safety plan is thorough.")


def _opinion(office, authority, exemption_request, verdict="consent_with_conditions", conditions=(ROUTE_LIMIT,)):
    assignment = assignments.assign_authority(office, exemption_request, authority)
    assignments.accept_assignment(authority, assignment)
    conflicts.declare_conflict(authority, exemption_request.application, False)
    reasons = "안전 조건 하에 동의 / Consent under safety conditions." if verdict != "object" else \
        "현행 안전기준 충족 근거 부족 / Not enough evidence on the current safety standard."
    return reviews.give_opinion(authority, assignment, verdict, reasons,
                                list(conditions) if verdict == "consent_with_conditions" else [])


def _through_review(office, authority, reviewers, application, scores=SCORES, recommendation="approve_with_conditions"):
    fire(application, "screen", office)
    fire(application, "accept", office)
    for reviewer in reviewers:
        _review(office, application, reviewer, scores, recommendation)
    fire(application, "close_review", office)
    for request in application.exemption_requests:
        _opinion(office, authority, request)


def _decide(chair, members, item, outcome, reasons, conditions=()):
    for member in members:
        conflicts.declare_conflict(member, item.application, False)
        committee.cast_vote(member, item, outcome, "" if outcome.startswith("approve") else reasons)
    return committee.record_decision(chair, item.application, outcome, reasons, list(conditions))


def load_review_stages(users, new_trial, expert_review_file):
    """`new_trial(title, codes)` makes a complete draft and submits it; returns the application."""
    office, authority, chair = users["office@demo.kr"], users["authority@demo.kr"], users["chair@demo.kr"]
    reviewers = [users[f"reviewer{n}@demo.kr"] for n in (1, 2, 3)]
    members = [users["committee1@demo.kr"], users["committee2@demo.kr"], chair]
    assignments.set_agency(authority, "국토교통부")

    # Expert review: one review in, one reviewer reading, one yet to answer; an authority asked.
    _review(office, expert_review_file, reviewers[0])
    second = assignments.assign_reviewer(office, expert_review_file, reviewers[1])
    assignments.accept_assignment(reviewers[1], second)
    conflicts.declare_conflict(reviewers[1], expert_review_file, False)
    assignments.assign_reviewer(office, expert_review_file, reviewers[2])
    safety = next(r for r in expert_review_file.exemption_requests if r.exemption_type.code == "AV-SAFETY")
    assignments.assign_authority(office, safety, authority)

    # Exemption check: reviews done, the authority still owes one opinion.
    check = new_trial("상암 자율주행 순찰 로봇", ["AV-SAFETY", "AV-FREIGHT"])
    fire(check, "screen", office)
    fire(check, "accept", office)
    for reviewer in reviewers:
        _review(office, check, reviewer)
    fire(check, "close_review", office)
    _opinion(office, authority, check.exemption_requests[0])
    pending = assignments.assign_authority(office, check.exemption_requests[1], authority)
    assignments.accept_assignment(authority, pending)

    meeting = committee.create_meeting(office, "제1차 규제샌드박스 심의위원회 / 1st sandbox committee",
                                       date.today() + timedelta(days=10), members)
    # On the agenda with one vote cast.
    voting = new_trial("상암 자율주행 야간 셔틀", ["AV-PASSENGER"])
    _through_review(office, authority, reviewers, voting)
    item = committee.add_to_agenda(office, meeting, voting)
    conflicts.declare_conflict(members[0], voting, False)
    committee.cast_vote(members[0], item, "approve_with_conditions")

    # Decided: approved with conditions (awaiting the applicant), and rejected.
    approved = new_trial("상암 자율주행 수요응답 버스", ["AV-PASSENGER"])
    _through_review(office, authority, reviewers, approved)
    _decide(chair, members, committee.add_to_agenda(office, meeting, approved), "approve_with_conditions",
            "혁신성과 공익성 인정, 조건부 승인 / Innovative and beneficial; approved on conditions.",
            [ROUTE_LIMIT, SAFETY_STAFF])
    rejected = new_trial("상암 무인 배송 드론 택배", ["AV-FREIGHT"])
    _through_review(office, authority, reviewers, rejected, WEAK_SCORES, "reject")
    _decide(chair, members, committee.add_to_agenda(office, meeting, rejected), "reject",
            "안전성 기준 미달 / The safety controls fall below the gate.")
