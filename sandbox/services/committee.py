"""Committee meetings, agendas, votes and the decision record. The chair's decision moves the file
through services.workflow.fire and writes the Decision row in the same transaction."""
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy, sites
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import AgendaItem, AuditEvent, CommitteeMeeting, Condition, Decision, Opinion, Review, Vote
from ..models.committee import DecisionOutcome, VoteChoice
from ..rules.committee import latest_decision, open_item
from ..rules.conditions import clean_conditions
from ..states import ApplicationState as S
from ..transaction import atomic
from ..workflow.machine import PAST_TENSE
from .workflow import fire


def create_meeting(office, title, meets_on, members):
    policy.ensure(office, "meeting.manage")
    title = (title or "").strip()
    problems = []
    if not title:
        problems.append(_("Give the meeting a title."))
    if meets_on is None:
        problems.append(_("Give the meeting date."))
    if not members:
        problems.append(_("Choose the members of the meeting."))
    problems += [_("%(name)s is not a committee member.", name=m.display_name)
                 for m in members if not m.role_set & {Role.committee, Role.chair}]
    problems += [_("%(name)s is an administrator; administrators do not act on files.", name=m.display_name)
                 for m in members if Role.admin in m.role_set]
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        meeting = CommitteeMeeting(title=title, meets_on=meets_on, created_by_id=office.id, members=list(members))
        db.session.add(meeting)
        db.session.flush()
        record("meeting.created", meeting, actor=office,
               data={"title": title, "meets_on": meets_on, "members": [m.email for m in members]})
    return meeting


def add_to_agenda(office, meeting, application):
    """Put a file on the agenda; a file leaving exemption check moves to the committee stage here."""
    policy.ensure(office, "meeting.manage")
    if open_item(application) is not None:
        raise ValidationFailed(_("The file is already on the agenda of “%(title)s”.",
                                 title=open_item(application).meeting.title))
    if S(application.state) not in (S.exemption_check, S.committee):
        raise ValidationFailed(_("Only files that have finished the exemption check can go on the agenda."))
    with atomic():
        if S(application.state) == S.exemption_check:
            application = fire(application, "to_committee", office, via="committee.add_to_agenda",
                               reason=_("On the agenda of “%(title)s”", title=meeting.title))
        item = AgendaItem(meeting=meeting, application=application)
        db.session.add(item)
        db.session.flush()
        record("agenda.item_added", item, application=application, actor=office,
               data={"meeting_id": meeting.id, "meeting": meeting.title})
    return item


def _lock_item(item):
    # Votes on one item serialise on its row, so simultaneous votes are all kept and none doubled.
    return db.session.execute(select(AgendaItem).where(AgendaItem.id == item.id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def cast_vote(member, item, choice, reason=""):
    policy.ensure(member, "vote.cast", item)
    reason = (reason or "").strip()
    if choice not in VoteChoice.__members__:
        raise ValidationFailed(_("Choose how you vote."))
    if choice in (VoteChoice.recuse, VoteChoice.defer, VoteChoice.reject) and not reason:
        raise ValidationFailed(_("Give the reason for your vote."))
    with atomic():
        item = _lock_item(item)
        if item.decision is not None or S(item.application.state) != S.committee:
            raise ValidationFailed(_("The decision on this file is already recorded."))
        vote = db.session.scalar(select(Vote).where(Vote.item_id == item.id, Vote.member_id == member.id))
        changed = vote is not None
        if vote is None:
            vote = Vote(item=item, member_id=member.id, choice=VoteChoice(choice))
            db.session.add(vote)
        vote.choice, vote.reason, vote.cast_at = VoteChoice(choice), reason, datetime.now(timezone.utc)
        item.vote_count += 1
        db.session.flush()
        record("vote.changed" if changed else "vote.cast", vote, application=item.application, actor=member,
               data={"meeting_id": item.meeting_id, "choice": choice, "reason": reason})
    return vote


def _cited(application, review_ids, opinion_ids):
    reviews = db.session.scalars(select(Review).where(Review.id.in_(review_ids or []))).all()
    opinions = db.session.scalars(select(Opinion).where(Opinion.id.in_(opinion_ids or []))).all()
    request_ids = {r.id for r in application.exemption_requests}
    if any(r.assignment.application_id != application.id for r in reviews) or \
            any(o.exemption_request_id not in request_ids for o in opinions):
        raise ValidationFailed(_("Cite only reviews and opinions on this file."))
    return sorted(r.id for r in reviews), sorted(o.id for o in opinions)


def record_decision(chair, application, outcome, reasons, conditions=(), cited_review_ids=(), cited_opinion_ids=()):
    """Fire the outcome's transition and write the decision record, in one transaction."""
    reasons = (reasons or "").strip()
    if outcome not in DecisionOutcome.__members__:
        raise ValidationFailed(_("Choose the outcome."))
    if not reasons:
        raise ValidationFailed(_("State the reasons for the decision."))
    conditions, problems = clean_conditions(conditions)
    if problems:
        raise ValidationFailed(problems[0], problems)
    if conditions and outcome != DecisionOutcome.approve_with_conditions:
        raise ValidationFailed(_("Conditions go with an approval with conditions; remove them or change the outcome."))
    item = open_item(application)
    if item is None:
        raise ValidationFailed(_("The file is not on the agenda of a committee meeting."))
    review_ids, opinion_ids = _cited(application, cited_review_ids, cited_opinion_ids)
    clashes = sites.clash_summary(application)
    with atomic():
        application = fire(application, outcome, chair, reason=reasons, conditions=conditions,
                           cited_reviews=review_ids, cited_opinions=opinion_ids, clashes=clashes,
                           via="committee.record_decision")
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.application_id == application.id,
            AuditEvent.action == f"application.{PAST_TENSE[outcome]}").order_by(AuditEvent.seq.desc())).first()
        decision = Decision(application=application, item=item, outcome=DecisionOutcome(outcome), reasons=reasons,
                            cited_review_ids=review_ids, cited_opinion_ids=opinion_ids, decided_by_id=chair.id,
                            audit_seq=event.seq, audit_hash=event.hash, clashes=clashes,
                            conditions=[Condition(**c) for c in conditions])
        db.session.add(decision)
        db.session.flush()
    return decision


def accept_conditions(applicant, application):
    policy.ensure(applicant, "conditions.accept", application)
    with atomic():
        decision = latest_decision(application)
        decision.accepted_at = datetime.now(timezone.utc)
        decision.accepted_by_id = applicant.id
        record("conditions.accepted", decision, application=application, actor=applicant,
               data={"decision_id": decision.id, "conditions": [c.id for c in decision.conditions]})
    return decision
