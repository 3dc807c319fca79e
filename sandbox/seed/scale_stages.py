"""What happens around a generated file's transitions besides the transition itself: reviews before
the expert review closes, authority opinions, committee votes and the decision record, the trial
with its insurance, reports, incidents and evaluation. BEFORE/AFTER map a trigger to its builder;
add a builder here when the product gains a kind of record."""

from datetime import timedelta

from ..labels import Role
from ..services.reviews import DEFAULT_RUBRIC
from .scale_documents import document_row
from .scale_plans import CONDITIONS
from .scale_trials import evaluation, reports_and_incidents, result_report, trial_start, trial_started

MEETING_SIZE = 25

RECOMMENDATIONS = ["approve", "approve_with_conditions", "approve_with_conditions", "reject"]


def reviews(life, when):
    """Three expert reviews: assigned by the office, accepted, scored and submitted."""
    rng = life.rng
    for k, reviewer in enumerate(rng.sample(life.context["staff"][Role.reviewer], 3)):
        at = when - timedelta(days=18 - k, hours=rng.randrange(12))
        assignment_id = life.id("assignments")
        due = (at + timedelta(days=14)).date()
        life.batch.add(
            "assignments",
            {
                "id": assignment_id,
                "application_id": life.row["id"],
                "exemption_request_id": None,
                "user_id": reviewer[0],
                "role": "reviewer",
                "status": "done",
                "due_date": due,
                "decline_reason": "",
                "assigned_by_id": life.office[0],
                "assigned_at": at,
                "answered_at": at + timedelta(days=1),
            },
        )
        life.event(
            at,
            "assignment.created",
            life.office,
            ("assignment", assignment_id),
            data={"assignee": reviewer[1], "role": "reviewer", "due": due, "exemption": None},
        )
        life.event(at + timedelta(days=1), "assignment.accepted", reviewer, ("assignment", assignment_id))
        scores = {c["key"]: int(c["weight"] * rng.uniform(0.55, 1.0)) for c in DEFAULT_RUBRIC}
        total = sum(scores.values())
        gate = all(scores[c["key"]] >= c["weight"] * c.get("gate", 0) for c in DEFAULT_RUBRIC)
        recommendation = rng.choice(RECOMMENDATIONS)
        review_id = life.id("reviews")
        submitted = at + timedelta(days=rng.randint(3, 12))
        life.batch.add(
            "reviews",
            {
                "id": review_id,
                "assignment_id": assignment_id,
                "scores": scores,
                "rubric": DEFAULT_RUBRIC,
                "total": total,
                "gate_passed": gate,
                "recommendation": recommendation,
                "comments_to_applicant": "안전 계획이 구체적임 / The safety plan is concrete.",
                "comments_to_committee": "",
                "submitted_at": submitted,
            },
        )
        life.review_ids.append(review_id)
        life.event(
            submitted,
            "review.submitted",
            reviewer,
            ("review", review_id),
            data={"total": total, "gate_passed": gate, "recommendation": recommendation},
        )


def opinions(life, when):
    """The competent authority answers each requested exemption."""
    authority = life.rng.choice(life.context["staff"][Role.authority])
    for request_id, code in life.request_ids:
        at = when - timedelta(days=10)
        assignment_id = life.id("assignments")
        life.batch.add(
            "assignments",
            {
                "id": assignment_id,
                "application_id": life.row["id"],
                "exemption_request_id": request_id,
                "user_id": authority[0],
                "role": "authority",
                "status": "done",
                "due_date": (at + timedelta(days=30)).date(),
                "decline_reason": "",
                "assigned_by_id": life.office[0],
                "assigned_at": at,
                "answered_at": at + timedelta(days=1),
            },
        )
        life.event(
            at,
            "assignment.created",
            life.office,
            ("assignment", assignment_id),
            data={
                "assignee": authority[1],
                "role": "authority",
                "due": (at + timedelta(days=30)).date(),
                "exemption": code,
            },
        )
        opinion_id = life.id("opinions")
        verdict = life.rng.choice(["consent", "consent_with_conditions"])
        life.batch.add(
            "opinions",
            {
                "id": opinion_id,
                "exemption_request_id": request_id,
                "authority_id": authority[0],
                "verdict": verdict,
                "reasons": "특례 부여 가능 / The exemption can be granted.",
                "conditions": [],
                "given_at": at + timedelta(days=5),
            },
        )
        life.opinion_ids.append(opinion_id)
        life.event(
            at + timedelta(days=5),
            "opinion.given",
            authority,
            ("opinion", opinion_id),
            data={"exemption": code, "verdict": verdict, "conditions": []},
        )


def _meeting(life, when):
    """Files share meetings: a new one every MEETING_SIZE agenda items."""
    meeting = life.context.get("meeting")
    if meeting is None or meeting["items"] >= MEETING_SIZE:
        staff = life.context["staff"]
        members = staff[Role.committee][:5] + [
            m for m in staff[Role.chair][:1] if m not in staff[Role.committee][:5]
        ]
        meeting_id = life.id("committee_meetings")
        meets_on = (when - timedelta(days=7)).date()
        title = f"제{meeting_id}차 규제특례심의위원회 / Committee meeting {meeting_id}"
        life.batch.add(
            "committee_meetings",
            {
                "id": meeting_id,
                "title": title,
                "meets_on": meets_on,
                "created_by_id": life.office[0],
                "created_at": when - timedelta(days=20),
            },
        )
        for member in members:
            life.batch.add("meeting_members", {"meeting_id": meeting_id, "user_id": member[0]})
        life.batch.chain.add(
            when - timedelta(days=20),
            "meeting.created",
            life.office,
            ("committeemeeting", meeting_id),
            data={"title": title, "meets_on": meets_on, "members": [m[1] for m in members]},
        )
        meeting = life.context["meeting"] = {"id": meeting_id, "title": title, "members": members, "items": 0}
    meeting["items"] += 1
    return meeting


def agenda_and_votes(life, when):
    meeting = _meeting(life, when)
    item_id = life.id("agenda_items")
    voters = meeting["members"][:4]
    item = life.batch.add(
        "agenda_items",
        {
            "id": item_id,
            "meeting_id": meeting["id"],
            "application_id": life.row["id"],
            "added_at": when - timedelta(days=10),
            "vote_count": len(voters),
        },
    )
    life.event(
        item["added_at"],
        "agenda.item_added",
        life.office,
        ("agendaitem", item_id),
        data={"meeting_id": meeting["id"], "meeting": meeting["title"]},
    )
    for k, member in enumerate(voters):
        vote_id = life.id("votes")
        choice = life.rng.choice(["approve", "approve_with_conditions", "reject"])
        at = when - timedelta(hours=4 - k)
        life.batch.add(
            "votes",
            {
                "id": vote_id,
                "item_id": item_id,
                "member_id": member[0],
                "choice": choice,
                "reason": "",
                "cast_at": at,
            },
        )
        life.event(
            at,
            "vote.cast",
            member,
            ("vote", vote_id),
            data={"meeting_id": meeting["id"], "choice": choice, "reason": ""},
        )
    life.item_id = item_id


def decision(life, when):
    """The chair's record, naming the audit event of its transition (as record_decision does)."""
    trigger = life.last_trigger
    seq, digest = life.last_event
    decision_id = life.id("decisions")
    life.decision = life.batch.add(
        "decisions",
        {
            "id": decision_id,
            "application_id": life.row["id"],
            "item_id": life.item_id,
            "outcome": trigger,
            "reasons": "심의 결과 / The committee's reasons.",
            "cited_review_ids": sorted(life.review_ids),
            "cited_opinion_ids": sorted(life.opinion_ids),
            "decided_by_id": life.context["staff"][Role.chair][0][0],
            "decided_at": when,
            "audit_seq": seq,
            "audit_hash": digest,
            "accepted_at": None,
            "accepted_by_id": None,
            "clashes": [],
        },
    )
    if trigger == "approve_with_conditions":
        for condition in CONDITIONS:
            life.batch.add(
                "conditions", {"id": life.id("conditions"), "decision_id": decision_id, **condition}
            )


def hearing(life, when):
    life.batch.add(
        "hearings",
        {
            "id": life.id("hearings"),
            "application_id": life.row["id"],
            "held_on": (when - timedelta(days=7)).date(),
            "attendees": "신청인, 사무국 / Applicant, office",
            "summary": "청문 결과 / Outcome of the hearing.",
            "recorded_by_id": life.office[0],
            "recorded_at": when - timedelta(days=7),
        },
    )


def supplement(life, when):
    document_row(life, "supplement", when - timedelta(hours=1), life.applicant)


BEFORE = {
    "close_review": reviews,
    "to_committee": opinions,
    "approve": agenda_and_votes,
    "approve_with_conditions": agenda_and_votes,
    "reject": agenda_and_votes,
    "start_trial": trial_start,
    "activate_permit": trial_start,
    "finish": reports_and_incidents,
    "evaluate": result_report,
    "cancel": hearing,
    "answer_supplement": supplement,
}
AFTER = {
    "approve": decision,
    "approve_with_conditions": decision,
    "reject": decision,
    "start_trial": trial_started,
    "activate_permit": trial_started,
    "evaluate": evaluation,
}
