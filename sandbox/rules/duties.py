"""Separation of duties, judged from what people did on a file, not from the roles they hold today
(DESIGN §2): whoever screened or handled it for the office, reviewed it, answered for an authority on it,
declared a conflict on it, or is tied to or works for the applying organisation may not vote on it or
decide it; whoever reviewed or decided it may not screen it. A role granted later never reopens the door.

Every act is read from the business tables (file duties, assignments, opinions, declarations, ties,
memberships, decisions), never from the audit log. The office's duties are written by services/duties.py."""
from datetime import date
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..extensions import db
from ..models import (Assignment, ConflictDeclaration, Decision, ExemptionRequest, FileDuty, Membership,
                      Opinion, OrganisationTie)
from ..models.duties import DutyKind
from ..models.reviews import AssignmentRole, AssignmentStatus

# Who reviewed or decided the file may not start its screening or accept it (later office steps are left
# to the office's own organisation of work).
SCREENING_TRIGGERS = frozenset({"screen", "accept"})
CHAIR_TRIGGERS = frozenset({"approve", "approve_with_conditions", "reject", "defer"})


class Act(StrEnum):
    """Something a person did on (or holds towards) one file."""

    screened = "screened"
    handled = "handled"
    reviewed = "reviewed"
    gave_opinion = "gave_opinion"
    asked_for_opinion = "asked_for_opinion"
    declared_conflict = "declared_conflict"
    tied = "tied"
    member = "member"
    decided = "decided"


def _vote_reasons():
    return {
        Act.screened: _("You screened this file, so you may not vote on it."),
        Act.handled: _("You handled this file for the sandbox office, so you may not vote on it."),
        Act.reviewed: _("You reviewed this file, so you may not vote on it."),
        Act.gave_opinion: _("You gave an authority opinion on this file, so you may not vote on it."),
        Act.asked_for_opinion: _("You are asked for an authority opinion on this file, so you may not vote on it."),
        Act.declared_conflict: _("You declared a conflict of interest on this file, so you may not vote on it."),
        Act.tied: _("You declared a tie to the applying organisation, so you may not vote on this file."),
        Act.member: _("You are a member of the applying organisation, so you may not vote on this file."),
    }


def _decide_reasons():
    return {
        Act.screened: _("You screened this file, so you may not decide it."),
        Act.handled: _("You handled this file for the sandbox office, so you may not decide it."),
        Act.reviewed: _("You reviewed this file, so you may not decide it."),
        Act.gave_opinion: _("You gave an authority opinion on this file, so you may not decide it."),
        Act.asked_for_opinion: _("You are asked for an authority opinion on this file, so you may not decide it."),
        Act.declared_conflict: _("You declared a conflict of interest on this file, so you may not decide it."),
        Act.tied: _("You declared a tie to the applying organisation, so you may not decide this file."),
        Act.member: _("You are a member of the applying organisation, so you may not decide this file."),
    }


def _screen_reasons():
    return {
        Act.reviewed: _("You review this file, so you may not screen it."),
        Act.decided: _("You decided on this file, so you may not screen it."),
    }


# What a person is about to do on the file, and the reasons each earlier act gives against it.
REASONS = {"vote": _vote_reasons, "decide": _decide_reasons, "screen": _screen_reasons}


def act_for(trigger):
    """The kind of act a workflow trigger is, for this rule (None: the rule says nothing about it)."""
    if trigger in CHAIR_TRIGGERS:
        return "decide"
    if trigger in SCREENING_TRIGGERS:
        return "screen"
    return None


def _file_start(application):
    moment = application.submitted_at or application.created_at
    return moment.date() if moment is not None else date.today()


def acts_on_file(user, application):
    """The acts of `user` on `application`, read in one statement from the business tables."""
    if user is None or application is None or application.id is None:
        return frozenset()
    today = date.today()

    def assigned(role):
        return select(Assignment.id).where(Assignment.application_id == application.id,
                                           Assignment.user_id == user.id, Assignment.role == role,
                                           Assignment.status != AssignmentStatus.declined)

    def duty(kind):
        return select(FileDuty.id).where(FileDuty.application_id == application.id, FileDuty.user_id == user.id,
                                         FileDuty.duty == kind)

    checks = {
        Act.screened: duty(DutyKind.screened),
        Act.handled: duty(DutyKind.handled),
        Act.reviewed: assigned(AssignmentRole.reviewer),
        Act.asked_for_opinion: assigned(AssignmentRole.authority),
        Act.gave_opinion: select(Opinion.id).join(ExemptionRequest).where(
            ExemptionRequest.application_id == application.id, Opinion.authority_id == user.id),
        Act.declared_conflict: select(ConflictDeclaration.id).where(
            ConflictDeclaration.application_id == application.id, ConflictDeclaration.user_id == user.id,
            ConflictDeclaration.has_conflict.is_(True)),
        # A tie counts when it held at any time since the file came in, even if it has ended since.
        Act.tied: select(OrganisationTie.id).where(
            OrganisationTie.user_id == user.id, OrganisationTie.organisation_id == application.organisation_id,
            or_(OrganisationTie.since.is_(None), OrganisationTie.since <= today),
            or_(OrganisationTie.until.is_(None), OrganisationTie.until >= _file_start(application))),
        Act.member: select(Membership.id).where(Membership.user_id == user.id,
                                                Membership.organisation_id == application.organisation_id),
        Act.decided: select(Decision.id).where(Decision.application_id == application.id,
                                               Decision.decided_by_id == user.id),
    }
    row = db.session.execute(select(*[stmt.exists().label(act.value) for act, stmt in checks.items()])).one()
    acts = {act for act, done in zip(checks, row) if done}
    if Act.gave_opinion in acts:
        acts.discard(Act.asked_for_opinion)
    return frozenset(acts)


def separation_problems(user, application, act):
    """Reasons `user` may not do `act` ("vote", "decide", "screen", or a workflow trigger) on the file
    because of what they did on it. Empty: nothing they did stands in the way."""
    act = act if act in REASONS else act_for(act)
    if act is None:
        return []
    reasons = REASONS[act]()
    done = acts_on_file(user, application)
    return [reason for kind, reason in reasons.items() if kind in done]


def barred_from_voting(members, application):
    """The ids of `members` whose acts on the file keep them from voting on it."""
    return {m.id for m in members if separation_problems(m, application, "vote")}


def screeners(application):
    """Everyone who screened the file (started screening, accepted, returned it or asked for a supplement)."""
    return set(db.session.scalars(select(FileDuty.user_id).where(FileDuty.application_id == application.id,
                                                                 FileDuty.duty == DutyKind.screened)))
