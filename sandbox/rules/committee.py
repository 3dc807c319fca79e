"""The committee, read: the file's agenda item, its latest decision, the quorum and the conditions'
checks. Meetings, votes and decisions are written by services/committee.py."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import AgendaItem, Decision
from ..models.committee import DecisionOutcome, VoteChoice
from .conditions import clean_conditions
from .conflicts import conflict_problems
from .duties import barred_from_voting


def current_item(application):
    """The agenda item still waiting for a decision, if the file is on a meeting's agenda."""
    return db.session.scalars(select(AgendaItem).where(AgendaItem.application_id == application.id)
                              .order_by(AgendaItem.id.desc())).first() if application.id else None


def open_item(application):
    item = current_item(application)
    return item if item is not None and item.decision is None else None


def latest_decision(application):
    return db.session.scalars(select(Decision).where(Decision.application_id == application.id)
                              .order_by(Decision.id.desc())).first()


def tally(item):
    """Who counts for quorum: members minus recusals, declared or recorded conflicts, and those whose acts
    on the file bar them from voting on it (separation of duties; a vote of theirs never counts)."""
    application = item.application
    conflicted = {m.id for m in item.meeting.members if conflict_problems(m, application)}
    barred = barred_from_voting(item.meeting.members, application)
    recused = {v.member_id for v in item.votes if v.choice == VoteChoice.recuse} | conflicted | barred
    eligible = [m for m in item.meeting.members if m.id not in recused]
    cast = [v for v in item.votes if v.member_id not in recused]
    minimum = int(current_app.config.get("COMMITTEE_QUORUM_MIN", 3))
    needed = max(minimum, len(eligible) // 2 + 1)
    return {"eligible": eligible, "cast": cast, "recused": recused, "conflicted": conflicted, "barred": barred,
            "needed": needed}


def quorum_problems(application):
    item = open_item(application)
    if item is None:
        return [_("The file is not on the agenda of a committee meeting.")]
    t = tally(item)
    if len(t["eligible"]) < t["needed"]:
        return [_("Only %(n)d members without a conflict or recusal remain; quorum needs %(needed)d.",
                  n=len(t["eligible"]), needed=t["needed"])]
    if len(t["cast"]) < t["needed"]:
        return [_("%(cast)d of the %(needed)d votes needed for quorum are in.", cast=len(t["cast"]),
                  needed=t["needed"])]
    return []


def conditions_problems(application, conditions=None):
    cleaned, problems = clean_conditions(conditions or [])
    if problems:
        return problems
    if not cleaned:
        return [_("State the conditions of the approval.")]
    return []


def conditions_acceptance_problems(application):
    """For the trial start gate: an approval's conditions must be accepted by the applicant."""
    decision = latest_decision(application)
    if decision is None or decision.outcome not in (DecisionOutcome.approve, DecisionOutcome.approve_with_conditions):
        return [_("There is no approval on record.")]
    if decision.needs_acceptance:
        return [_("The approval's conditions have not been accepted yet.")]
    return []
