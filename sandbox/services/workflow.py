"""The one door for a state change: fire(). Lock, ask policy, run guards, transition, move the
clocks, write the audit event, commit; on any failure roll everything back and raise a typed error.

A verb of the service layer: it writes duties, letters and notices through their services. What it
fires is declared in sandbox/workflow (machine, guards, clocks)."""
from datetime import datetime, timezone
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from .. import policy
from ..audit.record import record
from ..errors import GuardFailed, InvalidTransition, PermissionDenied, StaleObject
from ..extensions import db
from ..models import Application, Notification, Zone
from ..states import ApplicationState as S
from ..transaction import atomic
from ..workflow import clocks
from ..workflow.machine import MACHINES, PAST_TENSE, SYSTEM, owner_of, steps_for, triggers_from, who_may
from .duties import note_office_duty
from .letters import LETTER_KINDS
from .notifications import prepare_transition_notices, transition_notice_rows, transition_recipients


def _lock(application, letter=False):
    # FOR UPDATE on PostgreSQL; SQLite ignores it and relies on the version column. OF applications:
    # only the file's row is locked. A transition with a letter quotes the zone's and organisation's
    # names: loaded by the same statement (no query later, none under the audit-head lock).
    statement = select(Application).where(Application.id == application.id)
    if letter:
        statement = statement.options(joinedload(Application.zone).load_only(Zone.name_ko, Zone.name_en),
                                      joinedload(Application.organisation))
    return db.session.execute(
        statement.with_for_update(of=Application).execution_options(populate_existing=True)
    ).unique().scalar_one()


@lru_cache(maxsize=512)  # bounded: the trigger comes from a form
def _declared(instrument, trigger, state):
    """What fire() reads from the machine declaration, computed once per (instrument, trigger, state):
    (the trigger leaves `state`, the trigger exists at all, its steps from `state`)."""
    return (trigger in triggers_from(instrument, state), bool(steps_for(instrument, trigger=trigger)),
            tuple(steps_for(instrument, trigger=trigger, source=state)))


def _ensure_allowed(actor, application, trigger):
    if actor == SYSTEM:
        if SYSTEM not in who_may(application.instrument, trigger):
            raise PermissionDenied(_("Only a person may do this."))
        return
    policy.ensure(actor, f"application.{trigger}", application)


def _ensure_through_owner(trigger, via):
    """A trigger whose records a service writes (Step.owner) fires only through that service, so the change
    never happens without them; any other caller, the file page's generic route first, is sent there."""
    owner = owner_of(trigger)
    if owner is not None and via != owner.verb:
        raise GuardFailed(_("This action is done on its own page."), [str(owner.page)])


def _apply_effects(application, trigger, source, dest, now, reason, data):
    """Columns that belong to a transition, set in the same flush as the state."""
    if trigger == "submit" and application.submitted_at is None:
        application.submitted_at = now
        application.reference = application.reference or f"SBX-{now:%Y}-{application.id:06d}"
    if dest == S.supplement_requested:
        application.supplement_from = source
        application.supplement_request = reason
        application.supplement_due = data.get("due")
    if source == S.supplement_requested:
        application.answer = data.get("answer", "")
        application.supplement_from = None


def fire(application, trigger, actor, *, reason="", expected_version=None, now=None, via=None, **data):
    """Fire `trigger` on `application` as `actor` (a User or SYSTEM). Returns the application.

    `via` is the service verb firing a trigger it owns (`"trials.start_trial"`, see Step.owner); without
    it such a trigger is refused.

    Everything that only reads runs first; the audit event is recorded last, right before commit,
    because the audit-head lock it takes serialises every writer until then (only the notices, which
    quote the event's sequence number, are written after it)."""
    now = now or datetime.now(timezone.utc)
    reason = (reason or "").strip()
    try:
        with atomic():
            locked = _lock(application, letter=f"application.{PAST_TENSE.get(trigger)}" in LETTER_KINDS)
            if expected_version is not None and locked.version != int(expected_version):
                raise StaleObject(_("Someone else changed this file after you opened it. Reload and try again."))
            leaves, known, steps = _declared(locked.instrument, trigger, locked.state)
            if not leaves:
                if not known:
                    raise InvalidTransition(_("Unknown action."))
                raise InvalidTransition(_("This file has moved on to “%(state)s”; that action no longer applies.",
                                          state=S(locked.state).label))
            _ensure_allowed(actor, locked, trigger)
            _ensure_through_owner(trigger, via)
            if any(s.needs_reason for s in steps) and not reason:
                raise GuardFailed(_("Give a reason."), [_("Give a reason.")])
            # Read before the first change, so the changes go out in one flush (a query after a
            # change flushes first): the open clocks and who hears of the transition.
            running = clocks.open_clocks(locked)
            recipients = transition_recipients(locked, trigger)
            source = S(locked.state)
            reasons = []
            try:
                fired = MACHINES[locked.instrument].events[trigger].trigger(
                    locked, data={**data, "now": now, "actor": actor}, reasons=reasons)
            except MachineError as exc:
                raise InvalidTransition(str(exc)) from exc
            if not fired:
                raise GuardFailed(_("This action is not possible yet."),
                                  reasons or [_("The file is not ready for this action.")])
            dest = S(locked.state)
            _apply_effects(locked, trigger, source, dest, now, reason, data)
            clocks.on_transition(locked, source, dest, now=now, reason=reason, due=data.get("due"),
                                 running=running)
            # Who screened or handled the file is a business fact the separation of duties reads later.
            note_office_duty(locked, trigger, actor)
            action = f"application.{PAST_TENSE[trigger]}"
            notices = prepare_transition_notices(locked, trigger, source, dest, actor, reason, action=action,
                                                 recipients=recipients)
            # Last: the event, and the notices that quote its seq, written together under the head lock.
            record(action, locked, application=locked, from_state=source,
                   to_state=dest, actor=None if actor == SYSTEM else actor,
                   role=SYSTEM if actor == SYSTEM else None,
                   actor_label=SYSTEM if actor == SYSTEM else None,
                   data={k: v for k, v in {"reason": reason, **data}.items() if v not in ("", None)},
                   rows_after=lambda event: [(Notification.__table__,
                                              transition_notice_rows(notices, locked, event), "dedupe_key")])
            db.session.flush()
    except StaleDataError as exc:
        raise StaleObject(_("Someone else changed this file at the same moment. Reload and try again.")) from exc
    return locked


def blocking_reasons(application, trigger, **data):
    """Why `trigger` cannot fire now (empty: it can), without firing it."""
    reasons = []
    for step in steps_for(application.instrument, trigger=trigger, source=application.state):
        if step.route is not None and not step.route(application):
            continue
        step_reasons = []
        for guard in step.guards:
            step_reasons.extend(guard(application, **data))
        if not step_reasons:
            return []
        reasons.extend(r for r in step_reasons if r not in reasons)
    return reasons


def available_triggers(application, user):
    """The actions `user` may take on the file now, each with its label and any blocking reasons."""
    actions = []
    for trigger in triggers_from(application.instrument, application.state):
        # An action the person's roles allow but their duties on the file (or the admin role) forbid is
        # shown disabled with the reason, so they learn why rather than wonder where it went.
        refused = policy.refusals(user, f"application.{trigger}", application)
        if not refused and not policy.may(user, f"application.{trigger}", application):
            continue
        step = steps_for(application.instrument, trigger=trigger, source=application.state)[0]
        # A supplement's answer and an approval's conditions come with their own forms.
        guarded_by_form = trigger in {"answer_supplement", "approve_with_conditions"}
        reasons = refused or ([] if guarded_by_form else blocking_reasons(application, trigger, actor=user))
        owner = owner_of(trigger)
        if owner is not None and not refused:
            # Offered where it is done, never as a button here: the generic route would refuse it.
            reasons = [*reasons, str(owner.page)]
        actions.append({
            "trigger": trigger, "label": str(step.label), "enabled": not reasons, "reasons": reasons,
            "needs_reason": step.needs_reason, "style": step.style,
        })
    return actions
