"""Who sees what of the people and the deliberation on a file (DESIGN §2): the one disclosure rule.

Every surface that shows an audit event, a review, a vote, an opinion, a notice or a letter asks this
module what a viewer may see of it: who acted (a name, or a neutral label such as "the sandbox office"),
the reason, and which data. The rule is an ALLOW-list per event kind: an action missing from `RULES`
is shown to auditors only, so a new audit action stays hidden from applicants until someone decides
who may see it (tests/disclosure/test_rule.py fails until they do). docs/DISCLOSURE.md is the table
in words."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..labels import Role
from ..models import Membership
from .audience import NEUTRAL_LABELS, Audience
from .disclosure_records import (disclose_assignment, disclose_opinion, disclose_review,  # noqa: F401
                                 disclose_reviews, disclose_vote, disclose_votes)


# Whose names each audience sees (besides the viewer's own). Reviewers and authorities judge
# independently: they do not learn who else reviews, gives opinions or votes.
NAMED = {
    Audience.applicant: frozenset({"applicant"}),
    Audience.reviewer: frozenset({"applicant", "office"}),
    Audience.authority: frozenset({"applicant", "office"}),
    Audience.committee: frozenset({"applicant", "office", "reviewer", "authority", "committee"}),
    Audience.office: frozenset(NEUTRAL_LABELS),
    Audience.auditor: frozenset(NEUTRAL_LABELS),
}


@dataclass(frozen=True)
class Show:
    """What one audience sees of one kind of event (beyond that it happened, when, and the state change)."""
    reason: bool = False
    data: frozenset = frozenset()  # allowed keys of the event's data; ALL_DATA for every key


ALL_DATA = frozenset({"*"})
FULL = Show(reason=True, data=ALL_DATA)
BARE = Show()
A, O, R, AU, C = (Audience.applicant, Audience.office, Audience.reviewer, Audience.authority,
                  Audience.committee)
STAFF = (O, R, AU, C)


def _everyone(show=FULL, **overrides):
    return {a: overrides.get(a.value, show) for a in (A, *STAFF)}


def _to_applicant(*keys, reason=True):
    """An event the applicant may read: with its reason (when `reason`) and only the named data keys."""
    return Show(reason=reason, data=frozenset(keys))


# Data an applicant may see of a transition: what is asked of them and what was decided for them;
# never the cited reviews and opinions or the clashes with other applicants' files.
APPLICANT_TRANSITION = _to_applicant("due", "answer", "conditions", "months", "law", "outcome", "zones")
TRANSITIONS = ("created", "draft_saved", "submitted", "screening_started", "accepted", "returned",
               "supplement_requested", "supplement_answered", "review_closed", "sent_to_committee", "approved",
               "approved_with_conditions", "rejected", "deferred", "trial_started", "suspended",
               "suspended_for_incident", "resumed", "extension_requested", "extension_granted", "extension_refused",
               "law_amendment_requested", "made_permanent", "converted_to_temporary_permit", "finished",
               "evaluated", "closed", "withdrawn", "cancelled", "permit_activated", "answered_regulation_exists",
               "answered_no_regulation", "deemed_no_regulation")
DECISIONS = frozenset({"approved", "approved_with_conditions", "rejected", "deferred"})
DECISION_FOR_JUDGES = Show(reason=True, data=frozenset({"conditions"}))

# action -> {audience: Show}; an audience missing from a row does not see the event at all. Auditors
# see everything and are not listed. Everyone sees their own acts in full (applicants: their
# organisation's), whatever the row says.
RULES = {
    **{f"application.{t}": _everyone(APPLICANT_TRANSITION, office=FULL, committee=FULL,
                                     **({"reviewer": DECISION_FOR_JUDGES, "authority": DECISION_FOR_JUDGES}
                                        if t in DECISIONS else {}))
       for t in TRANSITIONS},
    "document.uploaded": _everyone(applicant=_to_applicant("name", "kind", "size", "media_type", "sha256")),
    "document.removed": _everyone(applicant=_to_applicant("name", "sha256")),
    "document.downloaded": {O: FULL, C: FULL},  # others see only their own downloads
    "letter.downloaded": {O: FULL},
    "exemption_request.added": _everyone(applicant=_to_applicant("exemption", "legal_ground")),
    "exemption_request.removed": _everyone(applicant=_to_applicant("exemption")),
    "agenda.item_added": {A: BARE, O: FULL, R: BARE, AU: BARE, C: FULL},
    "assignment.created": {O: FULL, R: BARE, AU: BARE, C: FULL},
    "assignment.accepted": {O: FULL, R: BARE, AU: BARE, C: FULL},
    "assignment.declined": {O: FULL, R: BARE, AU: BARE, C: BARE},  # the reason: the office and the decliner
    "conflict.declared": {O: FULL, C: Show(data=frozenset({"has_conflict"}))},
    "review.submitted": {O: FULL, R: BARE, AU: BARE, C: FULL},
    "opinion.given": {O: FULL, R: BARE, AU: BARE, C: FULL},
    # Individual votes stay with the committee (and the auditors); the office sees that a member voted.
    "vote.cast": {O: BARE, C: FULL},
    "vote.changed": {O: BARE, C: FULL},
    "conditions.accepted": _everyone(applicant=_to_applicant("decision_id", "conditions")),
    "trial.plan_fixed": _everyone(applicant=_to_applicant("kpis", "safety_items")),
    "trial.plan_changed": _everyone(applicant=_to_applicant("kpis", "safety_items")),
    "trial.insurance_recorded": _everyone(applicant=_to_applicant("insurer", "policy_number", "valid_from",
                                                                  "valid_until", "problems")),
    "trial.report_filed": _everyone(applicant=_to_applicant("kind", "breach", "late")),
    "trial.result_report_filed": _everyone(applicant=_to_applicant("late", "due_on")),
    "trial.correction_ordered": _everyone(applicant=_to_applicant("breach", "deadline", "report_id")),
    "trial.correction_extended": _everyone(applicant=_to_applicant("deadline", "extended_to")),
    "trial.correction_closed": _everyone(applicant=_to_applicant("status")),
    "trial.extension_request_filed": _everyone(applicant=_to_applicant("months", "new_end")),
    "trial.extension_decided": _everyone(applicant=_to_applicant("granted", "months", "ends_on")),
    "trial.amendment_request_filed": _everyone(applicant=_to_applicant("law")),
    # Who attended a hearing names staff: the applicant sees when it was held.
    "trial.hearing_recorded": _everyone(applicant=_to_applicant("held_on"), reviewer=BARE, authority=BARE),
    "trial.incident_reported": _everyone(applicant=_to_applicant("severity", "occurred_at", "outside_zone")),
    "trial.claim_recorded": _everyone(applicant=_to_applicant("incident_id", "amount_krw", "filed_on", "due_on")),
    "trial.claim_answered": _everyone(applicant=_to_applicant("outcome", "paid_krw", "decided_on", "late")),
    "trial.evaluated": _everyone(applicant=_to_applicant("outcome", "zones")),
    "feedback.received": _everyone(applicant=_to_applicant("has_contact", "has_location")),
    "feedback.moderated": _everyone(applicant=_to_applicant("status")),
    "register.summary_published": _everyone(applicant=_to_applicant("summary_ko", "summary_en")),
    "register.summary_withdrawn": _everyone(applicant=_to_applicant("summary_ko", "summary_en")),
}

# The capacity an action is done in, where the action alone says it; otherwise the actor's roles do.
CAPACITY = {
    **{f"application.{t}": "applicant" for t in (
        "created", "draft_saved", "submitted", "supplement_answered", "withdrawn", "trial_started",
        "extension_requested", "law_amendment_requested", "permit_activated")},
    **{f"application.{t}": "office" for t in (
        "screening_started", "accepted", "returned", "supplement_requested", "review_closed", "sent_to_committee",
        "suspended", "resumed", "extension_granted", "extension_refused", "made_permanent",
        "converted_to_temporary_permit", "evaluated", "closed", "cancelled")},
    **{f"application.{t}": "committee" for t in DECISIONS},
    "application.suspended_for_incident": "system", "application.deemed_no_regulation": "system",
    "agenda.item_added": "office", "assignment.created": "office", "review.submitted": "reviewer",
    "opinion.given": "authority", "vote.cast": "committee", "vote.changed": "committee",
    "feedback.received": "public",
}
# For an action done in several capacities: the most guarded one the actor holds comes first.
ROLE_CAPACITY = (({Role.committee, Role.chair}, "committee"), ({Role.reviewer}, "reviewer"),
                 ({Role.authority}, "authority"), ({Role.office, Role.admin}, "office"),
                 ({Role.auditor}, "auditor"), ({Role.applicant}, "applicant"))


@dataclass(frozen=True)
class Viewer:
    """Who looks at a file: their id, their audience, and the applying organisation's members."""
    user_id: int | None
    audience: Audience
    member_ids: frozenset = frozenset()


@dataclass(frozen=True)
class ShownEvent:
    """An audit event as one viewer may see it; the only form in which events reach pages and notices."""
    seq: int | None
    occurred_at: datetime | None
    action: str
    actor: str
    actor_role: str
    from_state: str
    to_state: str
    reason: str
    data: dict = field(default_factory=dict)


def audience_of(user, application):
    """The audience `user` belongs to for `application` (None: not one who may look at it).
    A member of the applying organisation reads as the applicant whatever other roles they hold."""
    roles = user.role_set if user is not None and getattr(user, "is_authenticated", False) else frozenset()
    if Role.auditor in roles:
        return Audience.auditor
    if Role.applicant in roles and application.organisation_id in user.organisation_ids:
        return Audience.applicant
    for held, audience in (({Role.committee, Role.chair}, Audience.committee), ({Role.office}, Audience.office),
                           ({Role.authority}, Audience.authority), ({Role.reviewer}, Audience.reviewer)):
        if roles & held:
            return audience
    return None


def organisation_member_ids(application):
    return frozenset(db.session.scalars(select(Membership.user_id).where(
        Membership.organisation_id == application.organisation_id)).all())


def viewer_of(user, application):
    return Viewer(getattr(user, "id", None), audience_of(user, application), organisation_member_ids(application))


# The applicant's view, with nobody named: letters and notices addressed to the applying organisation.
APPLICANT_ADDRESSEE = Viewer(None, Audience.applicant)


def capacity(event, member_ids=frozenset()):
    """In whose capacity the event's actor acted on the file."""
    fixed = CAPACITY.get(event.action)
    if fixed and fixed != "applicant":
        return fixed
    roles = set((event.actor_role or "").split(","))
    if event.actor_id is None:
        return "public" if "public" in roles else "system"
    if event.actor_id in member_ids:
        return "applicant"
    # Someone outside the applying organisation acts for it only as staff (or as a former member).
    for held, name in ROLE_CAPACITY:
        if roles & held:
            return name
    return fixed or "office"


def _is_own(viewer, event, acting_as):
    if viewer.user_id is not None and event.actor_id == viewer.user_id:
        return True
    return viewer.audience == Audience.applicant and acting_as == "applicant" and event.actor_id in viewer.member_ids


def rule_for(audience, action):
    """What `audience` sees of `action`: a Show, or None when the event stays hidden from them."""
    if audience == Audience.auditor:
        return FULL
    return RULES.get(action, {}).get(audience)


def disclose_event(viewer, event):
    """The event as `viewer` may see it, or None when it is hidden from them."""
    if event.action not in RULES and viewer.audience != Audience.auditor:
        return None  # nobody has decided who may see it yet: auditors only, not even its actor
    acting_as = capacity(event, viewer.member_ids)
    own = _is_own(viewer, event, acting_as)
    show = FULL if own else rule_for(viewer.audience, event.action)
    if show is None:
        return None
    named = own or viewer.audience == Audience.auditor or acting_as in NAMED[viewer.audience]
    data = dict(event.data or {})
    if show.data != ALL_DATA:
        data = {k: v for k, v in data.items() if k in show.data}
    data.pop("reason", None)
    return ShownEvent(
        seq=getattr(event, "seq", None), occurred_at=getattr(event, "occurred_at", None), action=event.action,
        actor=event.actor_name if named else str(NEUTRAL_LABELS[acting_as]),
        actor_role=(event.actor_role or "") if named else "",
        from_state=event.from_state or "", to_state=event.to_state or "",
        reason=(event.data or {}).get("reason", "") if show.reason else "", data=data)


def disclose_events(viewer, events):
    return [shown for shown in (disclose_event(viewer, e) for e in events) if shown is not None]


@dataclass(frozen=True)
class PendingEvent:
    """An event about to be recorded (a notice is composed before its event is written)."""
    action: str
    actor_id: int | None
    actor_name: str
    actor_role: str
    data: dict
    from_state: str = ""
    to_state: str = ""


def pending_event(action, actor, data, from_state="", to_state=""):
    """`actor`: a User, or anything else for the system."""
    if hasattr(actor, "role_set"):
        return PendingEvent(action, actor.id, actor.display_name, ",".join(sorted(actor.role_set)), data,
                            str(from_state), str(to_state))
    return PendingEvent(action, None, str(NEUTRAL_LABELS["system"]), "system", data, str(from_state), str(to_state))
