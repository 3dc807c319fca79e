"""Every declared transition, through fire(): by an allowed role, by a refused role, from a wrong state."""
from datetime import datetime, timedelta, timezone

import pytest

from sandbox.errors import GuardFailed, InvalidTransition, PermissionDenied
from sandbox.labels import Instrument, Role
from sandbox.models import AuditEvent
from sandbox.workflow.machine import STEPS, SYSTEM
from sandbox.services.workflow import available_triggers, fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, MembershipFactory, UserFactory

ALL_STEPS = [(instrument, step) for instrument, steps in STEPS.items() for step in steps]
IDS = [f"{i.value}:{s.trigger}:{s.source[0].value}->{s.dest.value}" for i, s in ALL_STEPS]

# Triggers whose guards read records other issues create (reviews, votes, trial data): without
# those records the guard must refuse, naming what is missing.
NEEDS_RECORDS = {"close_review", "to_committee", "approve", "approve_with_conditions", "reject", "start_trial",
                 "activate_permit", "request_extension", "request_law_amendment", "evaluate"}


def actor_for(role, application):
    if role == SYSTEM:
        return SYSTEM
    if role == Role.applicant:
        return MembershipFactory(organisation=application.organisation).user
    return UserFactory(roles=[role])


def row_in(instrument, state, **kwargs):
    """A file SET in `state` (not walked there: tests/factories_flow.file_in does that), so that every
    declared step can be tried from each of its sources."""
    kwargs.setdefault("submitted_at", datetime.now(timezone.utc) - timedelta(days=31))
    if instrument == Instrument.quick_confirmation:
        kwargs.setdefault("question", "Does a rule apply?")
    application = ApplicationFactory(instrument=instrument, state=state, **kwargs)
    if state == S.supplement_requested and application.supplement_from is None:
        application.supplement_from = S.screening
    return application


def data_for(step):
    # A trigger a service owns is fired the way that service fires it (see test_service_owned_triggers.py).
    via = {"via": step.owner.verb} if step.owner else {}
    return {"reason": "because", "answer": "here it is", "now": datetime.now(timezone.utc), **via}


@pytest.mark.parametrize("instrument,step", ALL_STEPS, ids=IDS)
def test_allowed_role_fires_or_is_told_what_is_missing(db, instrument, step):
    source = step.source[0]
    application = row_in(instrument, source, supplement_from=step.dest if step.route else None)
    actor = actor_for(sorted(step.who, key=str)[0], application)
    data = data_for(step)
    if step.trigger in NEEDS_RECORDS:
        with pytest.raises(GuardFailed) as excinfo:
            fire(application, step.trigger, actor, **data)
        assert excinfo.value.reasons, "a refusal names what is missing"
        assert db.session.get(type(application), application.id).state == source
        return
    fire(application, step.trigger, actor, **data)
    assert application.state == step.dest
    event = (db.session.query(AuditEvent).filter_by(application_id=application.id)
             .order_by(AuditEvent.seq.desc()).first())
    assert (event.from_state, event.to_state) == (source.value, step.dest.value)


@pytest.mark.parametrize("instrument,step", [(i, s) for i, s in ALL_STEPS if SYSTEM not in s.who], ids=[
    i for i, (_, s) in zip(IDS, ALL_STEPS) if SYSTEM not in s.who])
def test_refused_role_gets_permission_denied(db, instrument, step):
    application = row_in(instrument, step.source[0])
    outsider_roles = [r for r in Role if r not in step.who]
    outsider = UserFactory(roles=outsider_roles)
    with pytest.raises(PermissionDenied):
        fire(application, step.trigger, outsider, **data_for(step))
    assert db.session.get(type(application), application.id).state == step.source[0]


@pytest.mark.parametrize("instrument,step", ALL_STEPS, ids=IDS)
def test_wrong_state_is_invalid_transition(db, instrument, step):
    wrong = next(s for s in (S.closed, S.withdrawn, S.draft) if s not in step.source)
    application = row_in(instrument, wrong)
    actor = actor_for(sorted(step.who, key=str)[0], application)
    with pytest.raises(InvalidTransition):
        fire(application, step.trigger, actor, **data_for(step))
    assert db.session.query(AuditEvent).filter_by(application_id=application.id).count() == 0


def test_applicant_of_another_organisation_may_not_submit(db):
    application = row_in(Instrument.trial_exemption, S.draft)
    stranger = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        fire(application, "submit", stranger)


def test_reason_is_required_where_declared(db):
    application = row_in(Instrument.trial_exemption, S.screening)
    office = UserFactory(roles=[Role.office])
    with pytest.raises(GuardFailed):
        fire(application, "return_to_applicant", office, reason="  ")
    assert application.state == S.screening


def test_stale_version_is_refused(db):
    from sandbox.errors import StaleObject
    application = row_in(Instrument.trial_exemption, S.submitted)
    office = UserFactory(roles=[Role.office])
    with pytest.raises(StaleObject):
        stale = application.version - 1 if application.version > 1 else 99
        fire(application, "screen", office, expected_version=stale)


def test_available_triggers_lists_only_what_the_user_may_do(db):
    application = row_in(Instrument.trial_exemption, S.screening)
    office = UserFactory(roles=[Role.office])
    member = MembershipFactory(organisation=application.organisation).user
    office_triggers = {a["trigger"] for a in available_triggers(application, office)}
    assert {"accept", "return_to_applicant", "request_supplement"} <= office_triggers
    assert "withdraw" not in office_triggers
    assert {a["trigger"] for a in available_triggers(application, member)} == {"withdraw"}


def test_blocked_submit_is_offered_disabled_with_reasons(db):
    application = row_in(Instrument.trial_exemption, S.draft, title="", exemptions=[])
    member = application.created_by
    submit = next(a for a in available_triggers(application, member) if a["trigger"] == "submit")
    assert not submit["enabled"]
    assert any("Title" in r for r in submit["reasons"])
    assert "Request at least one exemption." in submit["reasons"]
